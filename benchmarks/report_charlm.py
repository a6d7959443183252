"""Acceptance figures of the character language model on the course's dinos.txt.

The course's set-up: 50 hidden units, 35,000 iterations of single-name SGD, learning rate
0.01, gradients clipped to [-5, 5], smoothed loss starting at -log(1/27) * 7 = 23.07.
For each cell (RNN, GRU, LSTM) this prints the smoothed loss every 2,000 iterations (the
course's printout), the training time, and 200 samples' statistics: how many end with a
newline before 50 characters and how many are not training names; then 10 samples.

Run:  python benchmarks/report_charlm.py [--iterations 35000] [--cells rnn gru lstm]
Timings are noisy on a shared machine; compare the cells within one run.
"""

import argparse
import time

import numpy as np

from wordvec.models.charlm import CharLM, load_dinos


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=35000)
    parser.add_argument("--cells", nargs="+", default=["rnn", "gru", "lstm"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = load_dinos()
    known = {n.lower() for n in names}
    marks = [0, *range(1999, args.iterations, 2000), args.iterations - 1]
    curves, rows = {}, []
    for cell in args.cells:
        start = time.perf_counter()
        model = CharLM(cell=cell, hidden=50, iterations=args.iterations, learning_rate=0.01,
                       clip=5.0, random_state=args.seed, progress=True).fit(names)
        seconds = time.perf_counter() - start
        curves[cell] = model.loss_history_[marks]
        samples = model.sample(200, random_state=args.seed)
        ended = np.mean([len(s) < 50 for s in samples])
        new = np.mean([s not in known for s in samples])
        rows.append((cell, seconds, model.loss_history_[-1], ended, new,
                     model.sample(10, random_state=args.seed + 1)))
    print(f"smoothed loss on dinos.txt ({len(names)} names), seed {args.seed}")
    print(f"{'iteration':>9}" + "".join(f"{c:>9}" for c in args.cells))
    for k, it in enumerate(marks):
        print(f"{it + 1:>9}" + "".join(f"{curves[c][k]:>9.3f}" for c in args.cells))
    print()
    print(f"{'cell':<5} {'seconds':>8} {'final':>7} {'ended':>6} {'new':>6}   10 samples")
    for cell, seconds, final, ended, new, ten in rows:
        print(f"{cell:<5} {seconds:>8.1f} {final:>7.3f} {ended:>6.1%} {new:>6.1%}   "
              + ", ".join(s.capitalize() for s in ten))
    if "rnn" in curves:
        c = curves["rnn"]
        print(f"\nRNN acceptance (course: from about 23.1 to about 22.5 or lower): "
              f"{c[0]:.3f} -> {c[-1]:.3f}, minimum of the printed points {c.min():.3f}: "
              f"{'PASS' if c[-1] <= 22.6 else 'FAIL'}")


if __name__ == "__main__":
    main()
