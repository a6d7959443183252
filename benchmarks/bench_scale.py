"""How cost grows with the corpus: SGNS and co-occurrence counting at 1x, 4x, 16x `bench`,
on the local engine and on Spark (local[2]), and SGNS-on-Spark's quality against the local
trainer's.

The Nx corpus is a folder of N copies of the corpus, copy k with its lines shuffled by seed k
(copy 0 as it is), so the vocabulary grows little and the pairs a lot, as in a larger corpus
of the same kind. Every measurement runs in its own process; its peak RSS is that of the whole
process tree (the JVM and Spark's Python workers included), sampled every 0.2 s. SGNS runs
one epoch with bench_sgns's settings on 2 threads (local) or 2 partitions (Spark): time per
token is training time over corpus tokens; "prepare" is vocabulary + encoding. Counting is
`count_cooccurrences` (window 10, --memory 1G for the local engine) end to end, vocabulary
included. Results accumulate in a JSON file (a run adds to it), from which the table and the
PNG plot are made. The machine may be shared: the load average is printed with each line.

    python benchmarks/bench_scale.py data/bench.txt                   # everything (hours)
    python benchmarks/bench_scale.py data/bench.txt --scales 1 4 --spark-scales 1
    python benchmarks/bench_scale.py data/bench.txt --quality         # SGNS on Spark vs local
    python benchmarks/bench_scale.py data/bench.txt --growth          # nonzeros of prefixes
    python benchmarks/bench_scale.py --table                          # table + plot only

Copies of one corpus hold the same sentences, so the nonzeros of the counts stop growing at
1x; `--growth` measures how they grow in a corpus of new text, from the first 1/16, 1/8 ...
of the corpus (local engine), for the extrapolation in SCALING.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sgns import SETTINGS, evaluate  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "scaling.json"
PLOT = HERE / "scaling.png"
MEMORY = "1G"   # the local counting budget


def scaled_corpus(corpus, n, work):
    """The folder of `n` shuffled copies of `corpus` (made once under `work`)."""
    folder = Path(work) / f"x{n}"
    if (folder / ".done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    lines = Path(corpus).read_bytes().splitlines(keepends=True)
    for k in range(n):
        order = np.arange(len(lines)) if k == 0 else np.random.default_rng(k).permutation(
            len(lines))
        with open(folder / f"copy-{k:03d}.txt", "wb") as f:
            f.writelines(lines[i] for i in order)
    (folder / ".done").touch()
    return folder


def prefix_corpus(corpus, fraction, work):
    """The first `fraction` of the corpus's lines, as a file under `work`."""
    lines = Path(corpus).read_bytes().splitlines(keepends=True)
    path = Path(work) / f"prefix-{fraction:g}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(lines[:int(len(lines) * fraction)]))
    return path


def corpus_tokens(corpus):
    """Whitespace-separated tokens of the corpus file (what one copy adds)."""
    with open(corpus, "rb") as f:
        return sum(len(line.split()) for line in f)


def worker(task, engine, corpus, epochs, rounds):
    """One measurement in this process; prints a JSON line."""
    result = {}
    t = time.perf_counter()
    if task == "sgns":
        from wordvec import SGNS
        from wordvec.spark.sgns import SparkSGNS

        kwargs = dict(epochs=epochs, random_state=1, progress=False, **SETTINGS)
        model = (SparkSGNS(partitions=2, rounds=rounds, **kwargs) if engine == "spark"
                 else SGNS(threads=2, **kwargs)).fit(corpus)
        result.update(train_s=model.timings_["training"], tokens=model.vocabulary_.total_words,
                      prepare_s=model.timings_["vocabulary"] + model.timings_["encoding"],
                      vocab=len(model.vectors_))
        result["us_per_token"] = 1e6 * result["train_s"] / (result["tokens"] * epochs)
        if epochs > 1:
            result.update(evaluate(model.vectors_.to_gensim()))
    else:
        from wordvec.train.cooccur import count_cooccurrences

        out = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=Path(corpus).parent)) / "counts"
        try:
            if engine == "spark":
                from wordvec.spark.cooccur import count_cooccurrences as count_on_spark

                X = count_on_spark(corpus, out, window=10)
            else:
                X = count_cooccurrences(corpus, out, window=10, memory=MEMORY, progress=False)
            result.update(nnz=int(X.nnz), kept_tokens=int(X.meta["total_tokens"]),
                          vocab=len(X.words), shards=X.meta["shards"])
        finally:
            shutil.rmtree(out.parent, ignore_errors=True)
        result["seconds"] = time.perf_counter() - t
    result["wall_s"] = time.perf_counter() - t
    print(json.dumps(result), flush=True)


def _tree_rss(root):
    """Resident bytes of process `root` and all its descendants."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError):
            pass
        todo.extend(children.get(pid, []))
    return total


def measure(task, engine, corpus, epochs=1, rounds=10):
    """Run one worker; its JSON result with the peak RSS of its process tree in MB."""
    cmd = [sys.executable, __file__, str(corpus), "--worker", task, "--engine", engine,
           "--epochs", str(epochs), "--rounds", str(rounds)]
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)
        err = proc.stderr.read()
        if proc.returncode:
            sys.exit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
        out.seek(0)
        result = json.loads(out.read().strip().splitlines()[-1])
    result["rss_mb"] = peak / 2**20
    return result


def load_results(path):
    return json.loads(Path(path).read_text()) if Path(path).exists() else []


def record(path, row):
    rows = [r for r in load_results(path)
            if (r["task"], r["engine"], r["scale"], r.get("epochs", 1)) !=
            (row["task"], row["engine"], row["scale"], row.get("epochs", 1))]
    rows.append(row)
    Path(path).write_text(json.dumps(rows, indent=1) + "\n")


def table(rows):
    lines = [f"{'pass':8s} {'engine':6s} {'scale':>5s} {'tokens':>12s} {'seconds':>8s} "
             f"{'us/token':>8s} {'prepare s':>9s} {'peak RSS MB':>11s} {'nnz':>12s} load"]
    for r in sorted(rows, key=lambda r: (r["task"], r["engine"], r["scale"])):
        if r.get("epochs", 1) != 1 or r["task"] == "growth":
            continue
        seconds = r["train_s"] if r["task"] == "sgns" else r["seconds"]
        per = 1e6 * seconds / r["tokens"]
        lines.append(f"{r['task']:8s} {r['engine']:6s} {r['scale']:>4d}x {r['tokens']:12,d} "
                     f"{seconds:8.1f} {per:8.2f} {r.get('prepare_s', 0):9.1f} "
                     f"{r['rss_mb']:11.0f} {r.get('nnz', 0):12,d} {r.get('load', 0):4.1f}")
    return "\n".join(lines)


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for (task, engine), style in {("sgns", "local"): "o-", ("sgns", "spark"): "o--",
                                  ("cooccur", "local"): "s-",
                                  ("cooccur", "spark"): "s--"}.items():
        pts = sorted((r["tokens"], r["train_s"] if task == "sgns" else r["seconds"],
                      r["rss_mb"]) for r in rows if r["task"] == task
                     and r["engine"] == engine and r.get("epochs", 1) == 1)
        if not pts:
            continue
        x, t, m = zip(*pts)
        label = f"{task} ({engine}{'[2]' if engine == 'spark' else ''})"
        left.plot(x, t, style, label=label)
        right.plot(x, m, style, label=label)
    for ax, what in ((left, "seconds (SGNS: 1 epoch of training)"), (right, "peak RSS, MB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("corpus tokens")
        ax.set_ylabel(what)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("wordvec: cost against corpus size (bench x1, x4, x16; 2 cores)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help="the bench corpus file")
    parser.add_argument("--scales", type=int, nargs="*", default=[1, 4, 16])
    parser.add_argument("--spark-scales", type=int, nargs="*", default=[1, 4])
    parser.add_argument("--tasks", nargs="*", default=["cooccur", "sgns"])
    parser.add_argument("--quality", action="store_true",
                        help="SGNS on Spark against local at 5 epochs on the corpus (1x)")
    parser.add_argument("--growth", action="store_true",
                        help="nonzeros and vocabulary of the first 1/16 ... 1 of the corpus")
    parser.add_argument("--rounds", type=int, default=10,
                        help="SGNS on Spark: rounds an epoch (SparkSGNS(rounds=...)) [10, the "
                             "setting scaling.json was measured at; SparkSGNS's own default "
                             "is 40, see bench_spark_sgns.py]")
    parser.add_argument("--table", action="store_true", help="print the table, write the plot")
    parser.add_argument("--work", default=tempfile.gettempdir(),
                        help="folder for the scaled corpora (16x: 1.1 GB)")
    parser.add_argument("--results", default=str(RESULTS))
    parser.add_argument("--plot", default=str(PLOT))
    parser.add_argument("--worker", choices=["sgns", "cooccur"], help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["local", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.engine, args.corpus, args.epochs, args.rounds)
    if not args.table:
        if args.corpus is None:
            parser.error("give the bench corpus file")
        work = Path(args.work) / "wordvec-bench-scale"
        print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
              flush=True)
        runs = ([] if args.growth else
                [("sgns", engine, 1, 5) for engine in ("local", "spark")] if args.quality else
                [(task, engine, n, 1) for n in sorted(set(args.scales) | set(args.spark_scales))
                 for task in args.tasks for engine in ("local", "spark")
                 if n in (args.spark_scales if engine == "spark" else args.scales)])
        if args.growth:
            for fraction in (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1):
                path = prefix_corpus(args.corpus, fraction, work)
                r = measure("cooccur", "local", path)
                r.update(task="growth", engine="local", scale=fraction,
                         tokens=corpus_tokens(path), load=round(os.getloadavg()[0], 2))
                record(args.results, r)
                print(json.dumps(r), flush=True)
        tokens = corpus_tokens(args.corpus)
        for task, engine, n, epochs in runs:
            corpus = scaled_corpus(args.corpus, n, work)
            r = measure(task, engine, corpus, epochs, args.rounds)
            r.update(task=task, engine=engine, scale=n, epochs=epochs, tokens=n * tokens,
                     rounds=args.rounds,
                     load=round(os.getloadavg()[0], 2))
            record(args.results, r)
            print(json.dumps(r), flush=True)
        if args.quality:
            five = {r["engine"]: r for r in load_results(args.results) if r.get("epochs") == 5}
            local, spark = five["local"], five["spark"]
            print(f"5 epochs: analogy spark - local {spark['analogy'] - local['analogy']:+.4f}, "
                  f"WS353 spark - local {spark['ws353'] - local['ws353']:+.4f}")
    rows = load_results(args.results)
    print(table(rows))
    growth = sorted((r["tokens"], r["vocab"], r["nnz"]) for r in rows if r["task"] == "growth")
    if len(growth) > 1:
        tokens, vocab, nnz = (np.log(np.array(c, float)) for c in zip(*growth))
        print("new text (prefixes): " + ", ".join(f"{t:,} tokens {n:,} nnz"
                                                   for t, _, n in growth))
        print(f"  nnz ~ tokens^{np.polyfit(tokens, nnz, 1)[0]:.2f}, "
              f"vocabulary ~ tokens^{np.polyfit(tokens, vocab, 1)[0]:.2f}")
    plot(rows, args.plot)
    print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
