"""What pretrained word vectors change for a word-level seq2seq: the numbers task (English
number words -> digits) at small training sizes, one-hot words against GloVe 6B 50d rows
(frozen and trainable) as the encoder's input.

For each training size and seed: exact match on 1,000 held-out pairs whose inputs training
never saw, and the training time. The epochs grow as the data shrinks (about 60,000 pairs
seen in all) so that every run takes a similar number of updates.

Run:  python benchmarks/report_seq2seq_numbers.py [--sizes 500 2000] [--seeds 0 1]
Timings are noisy on a shared machine.
"""

import argparse
import time

from wordvec.datasets import number_pairs
from wordvec.models.seq2seq import Seq2Seq
from wordvec.pretrained import glove_6b_50d


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    glove = glove_6b_50d()
    variants = (("one-hot words", {}), ("GloVe frozen", {"vectors": glove}),
                ("GloVe trainable", {"vectors": glove, "trainable_embeddings": True}))
    print(f"{'pairs':>6} {'seed':>4} {'encoder input':<16} {'exact match':>11} {'seconds':>8}")
    for size in args.sizes:
        epochs = max(10, 60000 // size)
        for seed in args.seeds:
            train = number_pairs(size, random_state=seed)
            seen = {s for s, _ in train}
            test = [p for p in number_pairs(3000, random_state=[seed, 99])
                    if p[0] not in seen][:1000]
            for name, extra in variants:
                start = time.perf_counter()
                model = Seq2Seq(level="word", epochs=epochs, random_state=seed, **extra)
                model.fit(*zip(*train))
                seconds = time.perf_counter() - start
                print(f"{size:>6} {seed:>4} {name:<16} {model.score(*zip(*test)):>11.3f} "
                      f"{seconds:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
