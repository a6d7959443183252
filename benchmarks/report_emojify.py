"""Acceptance figures of Emojify on the course data (132 training, 56 test sentences).

Prints, for the mean-of-vectors model and the 2-layer LSTM, the train and test accuracy of
each seed and the median over the seeds (the acceptance uses the LSTM's 5-seed median).
The vectors are GloVe 6B 50d unless --vectors names another store (e.g. our own SGNS
vectors trained on the bench corpus).

Run:  python benchmarks/report_emojify.py [--vectors PATH] [--seeds 5]
Timings are noisy on a shared machine.
"""

import argparse
import time

import numpy as np

from wordvec.models.emojify import EmojifierLSTM, EmojifierMean, load_emoji_data, tokenize


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", default=None, help="store path (default GloVe 6B 50d)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["mean", "lstm"])
    args = parser.parse_args()
    if args.vectors is None:
        from wordvec.pretrained import glove_6b_50d

        vectors, name = glove_6b_50d(), "GloVe 6B 50d"
    else:
        from wordvec import load

        vectors, name = load(args.vectors), args.vectors
    X, y = load_emoji_data("train")
    Xt, yt = load_emoji_data("test")
    words = {w for s in X + Xt for w in tokenize(s)}
    missing = sorted(w for w in words if w not in vectors)
    print(f"vectors: {name}, {len(vectors):,} x {vectors.dim}; "
          f"{len(missing)} of {len(words)} course words unknown {missing[:10]}")
    for kind in args.models:
        cls = EmojifierMean if kind == "mean" else EmojifierLSTM
        train, test = [], []
        for seed in range(args.seeds):
            start = time.perf_counter()
            model = cls(vectors, random_state=seed).fit(X, y)
            train.append(model.score(X, y))
            test.append(model.score(Xt, yt))
            print(f"{kind:<5} seed {seed}  train {train[-1]:.3f}  test {test[-1]:.3f}  "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
        print(f"{kind:<5} median over {args.seeds} seeds: train {np.median(train):.3f}  "
              f"test {np.median(test):.3f}  (test min {min(test):.3f}, max {max(test):.3f})\n")


if __name__ == "__main__":
    main()
