"""SGNS speed, memory and quality: wordvec against gensim on the same corpus, in one run.

Settings as gensim `Word2Vec(sg=1, vector_size=100, window=5, negative=5, sample=1e-4,
min_count=5, epochs=5, workers=THREADS)`, or `--model cbow`: wordvec's CBOW against `sg=0`
(gensim reads with `corpus_file=`, its fastest mode).
Each trainer runs in its own subprocess, one after the other, so the peak RSS is its own
(also shown: the RSS of its libraries alone, loaded and warmed up, before the corpus is read);
words/s counts corpus words x epochs over the training time only (vocabulary excluded; for
wordvec it includes loading the kernel's shared library, which a warm-up run builds: see
`wordvec/_kernels/native.py`; with WORDVEC_NATIVE=0 set, numba's dispatcher and cache).
On a loaded machine wall time depends on the share of the cores each trainer gets, so the
CPU seconds spent training (all threads) are reported too: their ratio measures work per word.
Quality: gensim's `evaluate_word_analogies` (Google analogies, restrict_vocab 30000) and
`evaluate_word_pairs` (WordSim-353) on both sets of vectors. The machine may be shared: compare
the ratios, which are measured in the same run, and look at the load printed with them.

    python benchmarks/bench_sgns.py data/bench.txt            # the acceptance run
    python benchmarks/bench_sgns.py data/bench.txt --lines 200000 --epochs 1 --no-eval
    python benchmarks/bench_sgns.py data/bench.txt --model cbow   # CBOW against gensim sg=0
    python benchmarks/bench_sgns.py data/bench.txt --model cbow --gensim-input iterable
    python benchmarks/bench_sgns.py data/bench.txt --hs   # hierarchical softmax, negative 0

`--hs` trains both tools with hierarchical softmax alone (`hs=1, negative=0`). Both tools
start at the same learning rate: `--alpha`, by default wordvec's for the model (0.025 for
skip-gram, 0.05 for CBOW as in word2vec.c; gensim's own default is 0.025 for both).
A caveat on gensim's quality numbers: in `corpus_file` mode each of its W workers decays the
learning rate by its own words over all the corpus's (`word2vec_corpusfile.pyx`:
`get_next_alpha(..., total_words, ..., expected_words, ...)` with the worker's count against
the whole epoch's), so an epoch's rate falls only 1/W of the way word2vec's schedule (and
wordvec's) falls: with 2 workers it trains at a higher rate, which helps CBOW on `bench`.
`--gensim-input iterable` has gensim read the corpus as Python sentences (`LineSentence`), its
usual mode, whose schedule is word2vec's (slower, so compare the quality), and
`--gensim-threads 1` runs `corpus_file` mode with word2vec's schedule.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-4, min_count=5)


def evaluate(kv):
    from gensim.test.utils import datapath

    analogy, _ = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=30000)
    ws353 = kv.evaluate_word_pairs(datapath("wordsim353.tsv"))[1][0]
    return {"analogy": float(analogy), "ws353": float(ws353)}


def warm_up(model, hs):
    """Build the kernel (as a user's first run does) and print the RSS of a process that has
    loaded wordvec and run it once: the libraries' share of the peak, from the second call on
    (the first also holds numba, which builds the kernel)."""
    from wordvec import CBOW, SGNS

    trainer = CBOW if model == "cbow" else SGNS
    trainer(dim=8, min_count=1, epochs=1, progress=False, hs=hs).fit([["a", "b", "c"]] * 5)
    print(json.dumps({"base_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def default_alpha(kind):
    """wordvec's initial learning rate for the model: the rate both tools start at."""
    from wordvec import CBOW, SGNS

    return (CBOW if kind == "cbow" else SGNS)().alpha


def worker(trainer, corpus, epochs, threads, do_eval, kind, hs, alpha, gensim_input):
    """Train once in this process and print a JSON line of measurements."""
    result = {"trainer": trainer}
    settings = {**SETTINGS, "negative": 0} if hs else SETTINGS
    if trainer == "wordvec":
        from wordvec import CBOW, SGNS

        trainer = CBOW if kind == "cbow" else SGNS
        model = trainer(epochs=epochs, threads=threads, random_state=1, progress=False, hs=hs,
                        alpha=alpha, **settings).fit(corpus)
        result["train_s"] = model.timings_["training"]
        result["cpu_s"] = model.timings_["training_cpu"]
        result["prepare_s"] = model.timings_["vocabulary"] + model.timings_["encoding"]
        result["words"] = int(model.vocabulary_.total_words)
        result["vocab"] = len(model.vectors_)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kv = model.vectors_.to_gensim() if do_eval else None
    else:
        from gensim.models import Word2Vec

        result["base_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        s = settings
        model = Word2Vec(sg=int(kind == "sgns"), vector_size=s["dim"], window=s["window"],
                         negative=s["negative"], hs=int(hs),
                         sample=s["sample"], min_count=s["min_count"], epochs=epochs,
                         workers=threads, seed=1, alpha=alpha)
        if gensim_input == "iterable":
            from gensim.models.word2vec import LineSentence

            # word2vec's sentences of at most 10,000 words, as in corpus_file mode
            sentences = LineSentence(corpus)
            source, counts = {"corpus_iterable": sentences}, {}
        else:
            source, counts = {"corpus_file": corpus}, None
        t = time.perf_counter()
        model.build_vocab(**source)
        result["prepare_s"] = time.perf_counter() - t
        if counts is None:
            counts = {"total_words": model.corpus_total_words}
        else:
            counts = {"total_examples": model.corpus_count}
        t, cpu = time.perf_counter(), time.process_time()
        model.train(**source, **counts, epochs=epochs)
        result["train_s"] = time.perf_counter() - t
        result["cpu_s"] = time.process_time() - cpu
        result["words"] = int(model.corpus_total_words)
        result["vocab"] = len(model.wv)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kv = model.wv if do_eval else None
    result["words_per_s"] = result["words"] * epochs / result["train_s"]
    if do_eval:
        result.update(evaluate(kv))
    print(json.dumps(result), flush=True)


def default_corpus():
    try:
        from wordvec.datasets import corpus_path
    except ImportError:
        sys.exit("give the corpus path (wordvec.datasets is not available to build 'bench')")
    return str(corpus_path("bench"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help="corpus file [the 'bench' dataset]")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--lines", type=int, help="use only the first LINES lines")
    parser.add_argument("--repeat", type=int, default=1, help="alternate the trainers N times")
    parser.add_argument("--no-eval", action="store_true", help="skip the quality scores")
    parser.add_argument("--model", choices=["sgns", "cbow"], default="sgns",
                        help="skip-gram (gensim sg=1) or CBOW (sg=0), both negative sampling")
    parser.add_argument("--hs", action="store_true",
                        help="hierarchical softmax instead of negative sampling (negative 0)")
    parser.add_argument("--gensim-threads", type=int,
                        help="gensim's workers [--threads]; 1 gives it word2vec's schedule")
    parser.add_argument("--gensim-input", choices=["file", "iterable"], default="file",
                        help="gensim reads corpus_file= (its fastest mode, the default) or "
                             "LineSentence (its usual mode, word2vec's schedule)")
    parser.add_argument("--alpha", type=float,
                        help="initial learning rate of both tools [wordvec's for the model: "
                             "0.025 sgns, 0.05 cbow]")
    parser.add_argument("--worker", choices=["wordvec", "gensim", "warm-up"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus or default_corpus()
    if args.worker == "warm-up":
        return warm_up(args.model, args.hs)
    if args.worker:
        return worker(args.worker, corpus, args.epochs, args.threads, not args.no_eval,
                      args.model, args.hs, args.alpha, args.gensim_input)

    tmp = None
    if args.lines:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8")
        with open(corpus, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= args.lines:
                    break
                tmp.write(line)
        tmp.close()
        corpus = tmp.name
    gensim_threads = args.gensim_threads or args.threads
    alpha = args.alpha or default_alpha(args.model)
    print(f"{args.model}{' hs' if args.hs else ''}: corpus {corpus}, {args.epochs} epochs, "
          f"alpha {alpha}, {args.threads} threads (gensim {gensim_threads}, "
          f"{args.gensim_input} input); "
          f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for _ in range(2):  # the first builds the kernel, the second measures the libraries
        out = subprocess.run([sys.executable, __file__, corpus, "--worker", "warm-up",
                              "--model", args.model] + (["--hs"] if args.hs else []),
                             check=True, capture_output=True, text=True).stdout
    wordvec_base = json.loads(out.strip().splitlines()[-1])["base_mb"]
    runs = {"wordvec": [], "gensim": []}
    try:
        for _ in range(args.repeat):
            for trainer in ("wordvec", "gensim"):
                threads = gensim_threads if trainer == "gensim" else args.threads
                cmd = [sys.executable, __file__, corpus, "--worker", trainer, "--epochs",
                       str(args.epochs), "--threads", str(threads), "--model", args.model,
                       "--alpha", str(alpha), "--gensim-input", args.gensim_input]
                if args.hs:
                    cmd.append("--hs")
                if args.no_eval:
                    cmd.append("--no-eval")
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                r.setdefault("base_mb", wordvec_base)
                runs[trainer].append(r)
                extra = (f"  analogy {r['analogy']:.4f}  WS353 {r['ws353']:.4f}"
                         if "analogy" in r else "")
                print(f"{trainer:8s} train {r['train_s']:7.1f} s  {r['words_per_s'] / 1e3:6.0f}k "
                      f"words/s  CPU {r['cpu_s']:6.1f} s  prepare {r['prepare_s']:5.1f} s  "
                      f"peak RSS {r['rss_mb']:4.0f} MB (libraries {r['base_mb']:4.0f} MB)"
                      f"  vocab {r['vocab']}{extra}  (load {os.getloadavg()[0]:.2f})",
                      flush=True)
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    ours, theirs = runs["wordvec"], runs["gensim"]
    ratios = [a["words_per_s"] / b["words_per_s"] for a, b in zip(ours, theirs, strict=True)]
    print(f"speed ratio wordvec/gensim (training words/s): "
          f"{', '.join(f'{x:.2f}' for x in ratios)}")
    cpu = [b["cpu_s"] / a["cpu_s"] for a, b in zip(ours, theirs, strict=True)]
    print(f"CPU-time ratio gensim/wordvec (words per CPU second, ours/theirs): "
          f"{', '.join(f'{x:.2f}' for x in cpu)}")
    above = [r["rss_mb"] - r["base_mb"] for r in (ours[0], theirs[0])]
    print(f"peak RSS ratio wordvec/gensim: {ours[0]['rss_mb'] / theirs[0]['rss_mb']:.2f}; "
          f"above each one's loaded libraries: {above[0]:.0f} / {above[1]:.0f} MB = "
          f"{above[0] / above[1]:.2f}")
    if "analogy" in ours[0]:
        def mean(runs, key):
            return sum(r[key] for r in runs) / len(runs)

        print(f"analogy wordvec - gensim: {mean(ours, 'analogy') - mean(theirs, 'analogy'):+.4f}"
              f"; WS353 wordvec - gensim: {mean(ours, 'ws353') - mean(theirs, 'ws353'):+.4f}"
              + (f" (means of {len(ours)} runs each)" if len(ours) > 1 else ""))


if __name__ == "__main__":
    main()
