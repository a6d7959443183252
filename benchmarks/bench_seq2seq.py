"""The date task: Seq2Seq (defaults) against python-dateutil's parser on the same held-out set.

Trains on `--train` generated pairs (seed 0), then scores exact match on 2,000 held-out pairs
drawn with a seed training never used, keeping only inputs that training never saw. Prints
training time, peak RSS, each system's accuracy (greedy and beam 3 for the model, dateutil
with dayfirst False and True) and the ratio of their error rates; then the same training for
the course's configuration (no previous-token input, 52,960 parameters) for comparison
(skip it with --no-course).

    python benchmarks/bench_seq2seq.py [--train 10000] [--epochs 10] [--no-course]
"""

import argparse
import resource
import sys
import time

from wordvec.datasets import date_pairs
from wordvec.metrics import bleu
from wordvec.models.seq2seq import Seq2Seq


def dateutil_accuracy(pairs, dayfirst):
    from dateutil import parser
    right = 0
    for human, iso in pairs:
        try:
            right += parser.parse(human, dayfirst=dayfirst).date().isoformat() == iso
        except (ValueError, OverflowError):
            pass
    return right / len(pairs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=int, default=10000)
    ap.add_argument("--epochs", type=int, default=None, help="default: Seq2Seq's default")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-course", action="store_true")
    args = ap.parse_args()
    train = date_pairs(args.train, random_state=args.seed)
    seen = {h for h, _ in train}
    held_out = [p for p in date_pairs(4000, random_state=2**31 + 7) if p[0] not in seen][:2000]
    extra = {} if args.epochs is None else {"epochs": args.epochs}
    start = time.perf_counter()
    model = Seq2Seq(random_state=args.seed, progress=sys.stderr.isatty(), **extra)
    model.fit(*zip(*train))
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sources, targets = zip(*held_out)
    greedy = model.predict(sources)
    acc = sum(p == t for p, t in zip(greedy, targets, strict=True)) / len(targets)
    acc3 = model.score(sources, targets, beam_width=3)
    chars = [" ".join(p) for p in greedy]
    b = bleu(chars, [[" ".join(t)] for t in targets])
    du = {df: dateutil_accuracy(held_out, df) for df in (False, True)}
    print(f"train {args.train} pairs x {model.epochs} epochs: {seconds:.0f} s, "
          f"peak RSS {rss:.0f} MB, final loss {model.loss_history_[-1]:.4f}")
    print(f"held-out {len(held_out)} unseen inputs: seq2seq exact match {acc:.4f} greedy, "
          f"{acc3:.4f} beam 3; character Bleu {b:.4f}")
    for df, a in du.items():
        print(f"dateutil dayfirst={df}: {a:.4f}; error ratio dateutil/seq2seq "
              f"{(1 - a) / max(1 - acc, 1 / len(held_out)):.1f}x")
    wrong = [(s, p, t) for s, p, t in zip(sources, greedy, targets, strict=True) if p != t]
    for s, p, t in wrong[:10]:
        print(f"  wrong: {s!r} -> {p} (want {t})")
    if not args.no_course:
        start = time.perf_counter()
        course = Seq2Seq(feed_previous=False, random_state=args.seed,
                         progress=sys.stderr.isatty(), **extra).fit(*zip(*train))
        seconds = time.perf_counter() - start
        n_params = sum(v.size for v in course._params().values())
        acc_c = course.score(sources, targets)
        print(f"course configuration ({n_params:,d} parameters, no previous-token input), "
              f"same training: {seconds:.0f} s, exact match {acc_c:.4f}; error ratio "
              f"course/seq2seq {(1 - acc_c) / max(1 - acc, 1 / len(held_out)):.1f}x")


if __name__ == "__main__":
    main()
