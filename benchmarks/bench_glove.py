"""GloVe on the `bench` corpus: counting time and peak memory, training seconds per epoch,
analogy accuracy and WordSim-353 Spearman, optionally next to our SGNS on the same corpus.

    python benchmarks/bench_glove.py [--corpus data/bench.txt] [--epochs 25] [--x-max 10]
                                     [--threads 2] [--memory 2G] [--sgns]

The GloVe C figures printed for reference are from /work/shared/PERF-NOTES.md (measured on
this kind of machine, not in this run). Counting runs in a child process so that its peak
RSS is its own.

Counting (2 cores shared with other jobs, load ~4): 13.4 s end to end, peak RSS 1033 MB,
25.1M nonzeros (GloVe C: 14.1 s, 1.1 GB); --memory 64M: 41 shards, 40.6 s, 262 MB, identical
counts. Training from those counts (x_max 10, 25 epochs, 2 threads, load ~1): 5.67 s/epoch =
0.226 s per epoch per million nonzeros (GloVe C: 40-44 s/epoch); analogy .1675, WS353 .4976
(GloVe C .165, .505). Training's peak RSS is that of this process after `fit`, before gensim
is imported for the scores.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GLOVE_C = {"cooccur_s": 14.1, "cooccur_peak_mb": 1100, "s_per_epoch": "40-44",
           "nnz": 25.1e6, "analogy_xmax10_25it": 0.165, "ws353_xmax10_25it": 0.505}

COUNT_CHILD = """
import json, resource, sys, time
from wordvec.train.cooccur import count_cooccurrences
corpus, out, memory = sys.argv[1:4]
start = time.perf_counter()
X = count_cooccurrences(corpus, out, window=10, min_count=5, memory=memory, progress=False)
print(json.dumps({"seconds": time.perf_counter() - start, "nnz": X.nnz,
                  "n_words": len(X.words), "shards": X.meta["shards"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def evaluate(vectors):
    """(analogy accuracy over restrict_vocab=30000, WS353 Spearman) with gensim's evaluators."""
    from gensim.test.utils import datapath

    kv = vectors.to_gensim()
    analogy, _ = kv.evaluate_word_analogies(datapath("questions-words.txt"),
                                            restrict_vocab=30000)
    _, spearman, _ = kv.evaluate_word_pairs(datapath("wordsim353.tsv"))
    return float(analogy), float(spearman[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default="data/bench.txt")
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--x-max", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory", default="2G")
    ap.add_argument("--counts", help="Reuse this counts folder instead of counting.")
    ap.add_argument("--sgns", action="store_true", help="Also train our SGNS (5 epochs).")
    args = ap.parse_args()

    from wordvec.train.glove import GloVe

    report = {"corpus": args.corpus, "note": "2-core machine shared with other jobs"}
    with tempfile.TemporaryDirectory(dir=".") as tmp:
        counts = args.counts or str(Path(tmp) / "counts")
        if not args.counts:
            child = subprocess.run([sys.executable, "-c", COUNT_CHILD, args.corpus, counts,
                                    args.memory], capture_output=True, text=True, check=True)
            report["counting"] = json.loads(child.stdout)
            print("counting:", report["counting"], flush=True)
        model = GloVe(dim=100, epochs=args.epochs, x_max=args.x_max, window=10,
                      threads=args.threads, random_state=1, progress=False)
        model.fit(cooccurrence=counts)
        train_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        nnz = model.cooccurrence_meta_["nnz"]
        per_epoch = model.timings_["training"] / args.epochs
        analogy, ws = evaluate(model.vectors_)
        report["glove"] = {"epochs": args.epochs, "x_max": args.x_max, "threads": args.threads,
                           "nnz": nnz, "s_per_epoch": round(per_epoch, 2),
                           "s_per_epoch_per_M_nnz": round(per_epoch / (nnz / 1e6), 3),
                           "loss_first_last": [float(model.loss_history_[0]),
                                               float(model.loss_history_[-1])],
                           "analogy": round(analogy, 4), "ws353": round(ws, 4),
                           "train_peak_rss_mb": round(train_peak)}
        print("glove:", report["glove"], flush=True)
    if args.sgns:
        from wordvec.train.sgns import SGNS

        start = time.perf_counter()
        sgns = SGNS(dim=100, window=5, negative=5, sample=1e-4, min_count=5, epochs=5,
                    threads=args.threads, random_state=1, progress=False).fit(args.corpus)
        analogy, ws = evaluate(sgns.vectors_)
        report["sgns"] = {"seconds": round(time.perf_counter() - start, 1),
                          "analogy": round(analogy, 4), "ws353": round(ws, 4)}
        print("sgns:", report["sgns"], flush=True)
    report["glove_c_reference"] = GLOVE_C
    if "counting" in report:
        report["ratio_counting_vs_glove_c"] = round(
            report["counting"]["seconds"] / GLOVE_C["cooccur_s"], 2)
    report["ratio_epoch_vs_glove_c_42s"] = round(report["glove"]["s_per_epoch"] / 42.0, 3)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
