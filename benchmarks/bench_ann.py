"""Annoy index on GloVe 6B 50d (400,000 x 50): recall@10 against exact search vs queries/s.

For each forest size: build time, file size, open time (memory map + staleness check), and
recall@10 / queries/s over several search_k for two query samples (1,000 words among the
30,000 most frequent, and 1,000 among all 400,000), one query at a time. Exact search
(`Vectors.most_similar`) is timed interleaved with the approximate one (chunks of 20 words,
see `recall_table`), so each speed-up is a ratio measured under the same load on a machine
whose cores may be shared.

    python benchmarks/bench_ann.py                 # trees 10 25 50 100
    python benchmarks/bench_ann.py --trees 50 --sample 300
    python benchmarks/bench_ann.py --one-query 10  # one CLI query, exact vs --ann

`--one-query N` instead times whole processes, as a user meets them: `wordvec similar frog
--vectors glove-6b-50d` with and without `--ann` (the index saved in the cache, built first if
missing), N runs of each in turn: wall and CPU seconds (CPU time varies less on shared cores)
and peak RSS, which counts the pages of the index file a query maps (page cache, shared).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from annoy import AnnoyIndex

from wordvec.ann import DEFAULT_SEARCH_K, DEFAULT_TREES, AnnIndex, recall_table, sample_words
from wordvec.pretrained import glove_6b_50d

SEARCH_KS = (500, 1000, 2000, 3000, 5000, 10000)


def numpy_exact_qps(vectors, words, topn=10):
    """Queries/s of the barest exact search (one matrix-vector product + argpartition), as a
    second reference beside `most_similar`."""
    unit = vectors.normed
    start = time.perf_counter()
    for word in words:
        row = vectors.key_to_index[word]
        scores = unit @ unit[row]
        scores[row] = -np.inf
        top = np.argpartition(-scores, topn)[:topn]
        top[np.argsort(-scores[top])]
    return len(words) / (time.perf_counter() - start)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--one-query", type=int, metavar="RUNS",
                        help="Time one CLI query, exact and --ann, instead.")
    args = parser.parse_args()
    if args.one_query:
        one_query(args.one_query)
        return
    trees = sorted(set(args.trees) | {DEFAULT_TREES})
    search_ks = sorted(set(SEARCH_KS) | {DEFAULT_SEARCH_K})

    vectors = glove_6b_50d()
    samples = {"frequent": sample_words(vectors, args.sample, restrict=30000, seed=0),
               "all": sample_words(vectors, args.sample, restrict=None, seed=0)}
    print(f"GloVe 6B 50d: {len(vectors):,} x {vectors.dim}; {os.cpu_count()} cores (shared); "
          f"defaults n_trees={DEFAULT_TREES} search_k={DEFAULT_SEARCH_K}")
    print("query samples: 'frequent' = among the 30,000 first words, 'all' = among all words\n")

    builds, table, default_rows = [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for n_trees in trees:
            start = time.perf_counter()
            built = AnnIndex.build(vectors, n_trees=n_trees, seed=0)
            build_s = time.perf_counter() - start
            path = built.save(Path(tmp) / f"glove-{n_trees}.ann")
            del built
            start = time.perf_counter()
            raw = AnnoyIndex(vectors.dim, "angular")
            raw.load(str(path))
            map_s = time.perf_counter() - start
            raw.unload()
            start = time.perf_counter()
            index = AnnIndex.load(path, vectors)
            open_s = time.perf_counter() - start
            builds.append((n_trees, build_s, path.stat().st_size, map_s, open_s))
            print(f"{n_trees} trees: build {build_s:.1f} s, {path.stat().st_size / 1e6:.0f} MB, "
                  f"open {open_s:.2f} s (memory map {map_s * 1000:.1f} ms)", flush=True)
            for name, words in samples.items():
                exact_qps, rows = recall_table(index, words, search_ks)
                for row in rows:
                    table.append((name, exact_qps, row))
                    if n_trees == DEFAULT_TREES and row["search_k"] == DEFAULT_SEARCH_K:
                        default_rows[name] = row
            if n_trees == DEFAULT_TREES:
                words = samples["frequent"]
                start = time.perf_counter()
                for word in words:
                    vectors.most_similar(word, topn=10, index=index)
                hook_qps = len(words) / (time.perf_counter() - start)
                floor_qps = numpy_exact_qps(vectors, words)
                default_qps = default_rows["frequent"]["queries_per_s"]
            path.unlink()

    print("\n| n_trees | build s | file MB | open s | memory map ms |")
    print("|---|---|---|---|---|")
    for n_trees, build_s, size, map_s, open_s in builds:
        print(f"| {n_trees} | {build_s:.1f} | {size / 1e6:.0f} | {open_s:.2f} "
              f"| {map_s * 1000:.1f} |")
    for name in samples:
        print(f"\nquery words: {name}; recall@10 against exact most_similar, one query at a time")
        print("| n_trees | search_k | recall@10 | queries/s | exact queries/s | speed-up |")
        print("|---|---|---|---|---|---|")
        for sample, exact_qps, row in table:
            if sample == name:
                print(f"| {row['n_trees']} | {row['search_k']} | {row['recall']:.3f} | "
                      f"{row['queries_per_s']:.0f} | {exact_qps:.0f} | {row['speedup']:.1f}x |")
    print(f"\nmost_similar(word, index=...) at the defaults: {hook_qps:.0f} queries/s; "
          f"bare numpy exact search (matvec + argpartition): {floor_qps:.0f} queries/s, "
          f"the index is {default_qps / floor_qps:.1f}x faster (frequent words)")
    for name, row in default_rows.items():
        ok = row["recall"] >= 0.90 and row["speedup"] >= 5
        print(f"defaults, {name} words: recall@10 {row['recall']:.3f}, {row['speedup']:.1f}x exact"
              f" -> {'meets' if ok else 'misses'} recall >= 0.90 at >= 5x")


if __name__ == "__main__":
    main()
