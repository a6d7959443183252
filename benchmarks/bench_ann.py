"""HNSW (hnswlib) and Annoy on GloVe 6B 50d (400,000 x 50): recall@10 against exact search vs
queries/s, in one run; the acceptance check of the default backend.

For each index: build time on this machine's cores, file size, open time (`AnnIndex.load`:
read or memory-map + staleness check), then recall@10 and queries/s at several query efforts
(`ef` for HNSW, `search_k` for Annoy) for two samples of 1,000 query words: drawn uniformly
from the whole vocabulary ('all', the acceptance sample) and among the 30,000 most frequent
('frequent'). Queries run one at a time through `Vectors.most_similar(word, topn=10,
index=...)`, exact search (`most_similar` without an index) interleaved with them in chunks of
20 words (`recall_table`), so each speed-up is a ratio measured under the same load on cores
that may be shared. Then 10,000 queries (uniform) through `most_similar_batch` with the default
index against the exact batched path.

    python benchmarks/bench_ann.py                 # hnsw M 16, annoy 50 trees
    python benchmarks/bench_ann.py --M 16 32 --trees 50 100 --sample 500
    python benchmarks/bench_ann.py --one-query 10  # one CLI query, exact vs --ann

`--one-query N` instead times whole processes, as a user meets them: `wordvec similar frog
--vectors glove-6b-50d` with and without `--ann` (the index saved in the cache, built first if
missing), N runs of each in turn: wall and CPU seconds and peak RSS.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wordvec.ann import (
    DEFAULT_BACKEND,
    DEFAULT_EF,
    DEFAULT_M,
    DEFAULT_SEARCH_K,
    DEFAULT_TREES,
    AnnIndex,
    recall_table,
    sample_words,
)
from wordvec.pretrained import glove_6b_50d

EFFORTS = {"hnsw": (25, 50, 60, 75, 90, 100, 150, 200, 400),
           "annoy": (500, 1000, 2000, 5000, 10000)}
DEFAULT_EFFORT = {"hnsw": DEFAULT_EF, "annoy": DEFAULT_SEARCH_K}
TARGET_RECALL, TARGET_SPEEDUP = 0.97, 15.0


def one_query(runs):
    """Median wall seconds and peak RSS of one `wordvec similar` process, exact and --ann."""
    if not AnnIndex.path_for("glove-6b-50d").exists():
        subprocess.run([sys.executable, "-m", "wordvec", "index", "--vectors", "glove-6b-50d",
                        "--quiet"], check=True)
    base = [sys.executable, "-m", "wordvec", "similar", "frog", "--vectors", "glove-6b-50d"]
    runs_of = {"exact": [], "--ann": []}
    for _ in range(runs):
        for name, measured in runs_of.items():
            start = time.perf_counter()
            proc = subprocess.Popen(base + (["--ann"] if name == "--ann" else []),
                                    stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            measured.append((time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
                             usage.ru_maxrss / 1024))
    print(f"wordvec similar frog --vectors glove-6b-50d, {runs} runs each, in turn")
    print("| search | median wall s | min wall s | median CPU s | peak RSS MB |")
    print("|---|---|---|---|---|")
    for name, measured in runs_of.items():
        wall, cpu, rss = zip(*measured, strict=True)
        print(f"| {name} | {statistics.median(wall):.2f} | {min(wall):.2f} "
              f"| {statistics.median(cpu):.2f} | {max(rss):.0f} |")


def batched(vectors, index, n=10000):
    """Queries/s and recall@10 of `most_similar_batch` with `index` against the exact batch."""
    words = sample_words(vectors, n, restrict=None, seed=1)
    start = time.perf_counter()
    exact = vectors.most_similar_batch(words, topn=10)
    exact_s = time.perf_counter() - start
    start = time.perf_counter()
    approx = vectors.most_similar_batch(words, topn=10, index=index)
    approx_s = time.perf_counter() - start
    hits = sum(len({w for w, _ in e} & {w for w, _ in a})
               for e, a in zip(exact, approx, strict=True))
    return len(words), hits / (10 * len(words)), len(words) / exact_s, len(words) / approx_s


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--M", type=int, nargs="+", default=[DEFAULT_M])
    parser.add_argument("--trees", type=int, nargs="+", default=[DEFAULT_TREES])
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--one-query", type=int, metavar="RUNS",
                        help="Time one CLI query, exact and --ann, instead.")
    args = parser.parse_args()
    if args.one_query:
        one_query(args.one_query)
        return
    configs = [("hnsw", {"M": m}) for m in args.M] + \
              [("annoy", {"n_trees": t}) for t in args.trees]

    vectors = glove_6b_50d()
    samples = {"all": sample_words(vectors, args.sample, restrict=None, seed=0),
               "frequent": sample_words(vectors, args.sample, restrict=30000, seed=0)}
    print(f"GloVe 6B 50d: {len(vectors):,} x {vectors.dim}; {os.cpu_count()} cores (shared); "
          f"default backend {DEFAULT_BACKEND}")
    print("query samples: 'all' = uniform over the whole vocabulary, 'frequent' = among the "
          "30,000 first words\n")

    builds, table, defaults, batch = [], [], {}, None
    with tempfile.TemporaryDirectory() as tmp:
        for backend, params in configs:
            start = time.perf_counter()
            built = AnnIndex.build(vectors, backend, seed=0, **params)
            build_s = time.perf_counter() - start
            path = built.save(Path(tmp) / f"glove-{backend}.ann")
            label = f"{backend} " + " ".join(f"{k}={v}" for k, v in built.params.items())
            del built
            opens = []
            for _ in range(3):
                start = time.perf_counter()
                index = AnnIndex.load(path, vectors)
                opens.append(time.perf_counter() - start)
            builds.append((label, build_s, path.stat().st_size, min(opens)))
            print(f"{label}: build {build_s:.1f} s, {path.stat().st_size / 1e6:.0f} MB, "
                  f"open {min(opens):.2f} s", flush=True)
            for name, words in samples.items():
                exact_qps, rows = recall_table(index, words, EFFORTS[backend])
                effort = "ef" if backend == "hnsw" else "search_k"
                for row in rows:
                    table.append((name, label, effort, exact_qps, row))
                    if row[effort] == DEFAULT_EFFORT[backend]:
                        defaults[label, name] = row
            if backend == DEFAULT_BACKEND and params.get("M", DEFAULT_M) == DEFAULT_M and \
                    batch is None:
                batch = batched(vectors, index)
            del index
            path.unlink()

    print("\n| index | build s | file MB | open s |")
    print("|---|---|---|---|")
    for label, build_s, size, open_s in builds:
        print(f"| {label} | {build_s:.1f} | {size / 1e6:.0f} | {open_s:.2f} |")
    for name in samples:
        print(f"\nquery words: {name}; recall@10 of most_similar(word, topn=10, index=...) against "
              "exact most_similar, one query at a time")
        print("| index | query effort | recall@10 | queries/s | exact queries/s | speed-up |")
        print("|---|---|---|---|---|---|")
        for sample, label, effort, exact_qps, row in table:
            if sample == name:
                print(f"| {label} | {effort}={row[effort]} | {row['recall']:.3f} | "
                      f"{row['queries_per_s']:.0f} | {exact_qps:.0f} | {row['speedup']:.1f}x |")
    if batch:
        n, recall, exact_qps, approx_qps = batch
        print(f"\nmost_similar_batch, {n:,} queries (uniform), default {DEFAULT_BACKEND} index: "
              f"recall@10 {recall:.3f}, {approx_qps:.0f} queries/s against {exact_qps:.0f} "
              f"exact batched ({approx_qps / exact_qps:.1f}x)")
    print()
    for (label, name), row in defaults.items():
        ok = row["recall"] >= TARGET_RECALL and row["speedup"] >= TARGET_SPEEDUP
        print(f"defaults, {label}, {name} words: recall@10 {row['recall']:.3f} at "
              f"{row['speedup']:.1f}x exact most_similar -> "
              f"{'meets' if ok else 'misses'} recall >= {TARGET_RECALL} at >= {TARGET_SPEEDUP:g}x")


if __name__ == "__main__":
    main()
