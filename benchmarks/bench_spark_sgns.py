"""SGNS on Spark against the local trainer: quality and time for several rounds an epoch.

Trains local SGNS (2 threads) and `SparkSGNS` (local[2], `--partitions` tasks) with
bench_sgns's settings (dim 100, window 5, negative 5, sample 1e-4, min-count 5, seed 1 or
`--seed`) on the same corpus, once for each value of `--rounds`, and prints gensim's analogy
score (restrict 30000) and WS353 of each, their difference to the local trainer's, and the
training time. Each trainer runs in its own process, one after the other. The machine may
be shared: the load average is printed with each line, so compare the quality columns first.

    python benchmarks/bench_spark_sgns.py data/bench.txt --rounds 10 20 40   # the full run
    python benchmarks/bench_spark_sgns.py data/bench.txt --rounds 20 40 --seed 2
    python benchmarks/bench_spark_sgns.py data/bench.txt --lines 100000 --epochs 2 --rounds 5
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sgns import SETTINGS, evaluate  # noqa: E402


def worker(corpus, epochs, partitions, rounds, seed):
    """Train once in this process (rounds 0: the local trainer); print a JSON line."""
    from wordvec import SGNS
    from wordvec.spark.sgns import SparkSGNS

    kwargs = dict(epochs=epochs, random_state=seed, progress=False, **SETTINGS)
    model = (SparkSGNS(partitions=partitions, rounds=rounds, **kwargs) if rounds
             else SGNS(threads=2, **kwargs)).fit(corpus)
    result = {"train_s": model.timings_["training"],
              "prepare_s": model.timings_["vocabulary"] + model.timings_["encoding"],
              **evaluate(model.vectors_.to_gensim())}
    print(json.dumps(result), flush=True)


def first_lines(corpus, n):
    """A temporary file of the first `n` lines of `corpus` (the caller removes it)."""
    tmp = tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False)
    with open(corpus, "rb") as f, tmp:
        tmp.writelines(line for _, line in zip(range(n), f))
    return tmp.name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="corpus file (data/bench.txt)")
    parser.add_argument("--rounds", type=int, nargs="+", default=[10, 20, 40],
                        help="rounds an epoch to measure SparkSGNS at")
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lines", type=int, help="use only the first LINES lines")
    parser.add_argument("--seed", type=int, default=1, help="random_state of every trainer")
    parser.add_argument("--worker", type=int, metavar="ROUNDS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        return worker(args.corpus, args.epochs, args.partitions, args.worker,
                      args.seed)

    corpus = first_lines(args.corpus, args.lines) if args.lines else args.corpus
    print(f"corpus {args.corpus}{f' (first {args.lines} lines)' if args.lines else ''}, "
          f"{args.epochs} epochs, {args.partitions} partitions, seed {args.seed}; "
          f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    print(f"{'trainer':18s} {'analogy':>7s} {'diff':>7s} {'WS353':>7s} {'diff':>7s} "
          f"{'train s':>7s} {'prepare s':>9s}  load", flush=True)
    local = None
    try:
        for rounds in [0, *args.rounds]:
            cmd = [sys.executable, __file__, corpus, "--worker", str(rounds), "--epochs",
                   str(args.epochs), "--partitions", str(args.partitions),
                   "--seed", str(args.seed)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
            r = json.loads(done.stdout.strip().splitlines()[-1])
            local = local or r
            name = f"spark, {rounds} rounds" if rounds else "local, 2 threads"
            print(f"{name:18s} {r['analogy']:7.4f} {r['analogy'] - local['analogy']:+7.4f} "
                  f"{r['ws353']:7.4f} {r['ws353'] - local['ws353']:+7.4f} {r['train_s']:7.1f} "
                  f"{r['prepare_s']:9.1f}  {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        if args.lines:
            os.unlink(corpus)


if __name__ == "__main__":
    main()
