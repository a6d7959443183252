"""fastText subword vectors: wordvec's FastText against gensim's on the same corpus, in one run.

Settings as gensim `FastText(sg=1, vector_size=100, window=5, negative=5, sample=1e-4,
min_count=5, min_n=3, max_n=6, bucket=2000000, epochs=5, workers=THREADS)` (gensim reads
with `corpus_file=`, its fastest mode). Each trainer runs in its own subprocess, one after
the other; the times are those of training alone (vocabulary excluded), and the CPU seconds
of all threads are shown too, as in `bench_sgns.py`, whose quality scores are reused:
Google analogies (restrict_vocab 30000) and WordSim-353.

Unseen words, the second part (`--no-oov` skips it): 1,000 inflections of the corpus are
held out, chosen by `inflections` (a fixed rule, so the same corpus gives the same list,
written to `<corpus>.oov-words.txt`): words that are a base form + "s", "ed" or "ing", the
base alphabetic, >= 4 letters, seen >= 50 times, the inflection seen 5-50 times (the rare
forms that fastText's subwords are for), most frequent bases first, word order breaking ties.
Every line holding one of them is dropped, both tools train on the rest with the settings
above, and each reports the fraction of held-out words whose n-gram vector has the base form
among its 10 nearest neighbours (cosine, whole vocabulary; a base that fell out of the
vocabulary counts as a miss for both).

    python benchmarks/bench_fasttext.py data/bench.txt           # the acceptance run
    python benchmarks/bench_fasttext.py data/bench.txt --lines 100000 --epochs 1
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench_sgns import default_corpus, evaluate

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-4, min_count=5, minn=3, maxn=6,
                bucket=2_000_000)
SUFFIXES = ("s", "ed", "ing")
_WORD = re.compile(r"[a-z]+")


def inflections(counts, n=1000):
    """The held-out (inflection, base) pairs of the module docstring, at most `n`."""
    pairs = []
    for word, count in counts.items():
        if not 5 <= count <= 50:
            continue
        for suffix in SUFFIXES:
            base = word[:-len(suffix)]
            if (word.endswith(suffix) and len(base) >= 4 and _WORD.fullmatch(base)
                    and counts.get(base, 0) >= 50):
                pairs.append((word, base))
    return sorted(pairs, key=lambda p: (-counts[p[1]], p[0]))[:n]


def hold_out(corpus, out):
    """Write `corpus` without the lines holding an inflection; returns the pairs and the
    number of lines dropped."""
    counts = Counter()
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            counts.update(line.split())
    pairs = inflections(counts)
    held = {w for w, _ in pairs}
    dropped = 0
    with open(corpus, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in f:
            if held.isdisjoint(line.split()):
                g.write(line)
            else:
                dropped += 1
    return pairs, dropped


def worker(trainer, corpus, epochs, threads, do_eval, pairs_file):
    """Train once in this process and print a JSON line of measurements."""
    import time

    result = {"trainer": trainer}
    s = SETTINGS
    if trainer == "wordvec":
        from wordvec import FastText

        model = FastText(epochs=epochs, threads=threads, random_state=1, progress=False,
                         **s).fit(corpus)
        result["train_s"] = model.timings_["training"]
        result["cpu_s"] = model.timings_["training_cpu"]
        result["words"] = int(model.vocabulary_.total_words)
        v = model.vectors_
        kv = v.to_gensim() if do_eval else None
    else:
        from gensim.models import FastText

        model = FastText(sg=1, vector_size=s["dim"], window=s["window"], negative=s["negative"],
                         sample=s["sample"], min_count=s["min_count"], min_n=s["minn"],
                         max_n=s["maxn"], bucket=s["bucket"], epochs=epochs, workers=threads,
                         seed=1)
        model.build_vocab(corpus_file=corpus)
        t, cpu = time.perf_counter(), time.process_time()
        model.train(corpus_file=corpus, total_words=model.corpus_total_words, epochs=epochs)
        result["train_s"] = time.perf_counter() - t
        result["cpu_s"] = time.process_time() - cpu
        result["words"] = int(model.corpus_total_words)
        v = kv = model.wv
    result["vocab"] = len(v.index_to_key)
    result["words_per_s"] = result["words"] * epochs / result["train_s"]
    if do_eval:
        result.update(evaluate(kv))
    if pairs_file:
        pairs = json.loads(Path(pairs_file).read_text(encoding="utf-8"))
        vocab = v.key_to_index
        result["unseen"] = sum(w not in vocab for w, _ in pairs)
        result["base_in_vocab"] = sum(b in vocab for _, b in pairs)
        result["top10"] = sum(b in {n for n, _ in v.most_similar(w, topn=10)}
                              for w, b in pairs) / len(pairs)
    print(json.dumps(result), flush=True)


def run(trainer, corpus, args, pairs_file=None, do_eval=True):
    cmd = [sys.executable, __file__, corpus, "--worker", trainer, "--epochs", str(args.epochs),
           "--threads", str(args.threads)]
    if not do_eval:
        cmd.append("--no-eval")
    if pairs_file:
        cmd += ["--pairs", pairs_file]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    extra = f"  analogy {r['analogy']:.4f}  WS353 {r['ws353']:.4f}" if "analogy" in r else ""
    if "top10" in r:
        extra += (f"  base in top 10: {r['top10']:.4f} ({r['unseen']} unseen, "
                  f"{r['base_in_vocab']} bases in vocab)")
    print(f"{trainer:8s} train {r['train_s']:7.1f} s  {r['words_per_s'] / 1e3:6.0f}k words/s  "
          f"CPU {r['cpu_s']:6.1f} s  vocab {r['vocab']}{extra}  (load {os.getloadavg()[0]:.2f})",
          flush=True)
    return r


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", help="corpus file [the 'bench' dataset]")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--lines", type=int, help="use only the first LINES lines")
    parser.add_argument("--no-eval", action="store_true", help="skip the quality scores")
    parser.add_argument("--no-oov", action="store_true", help="skip the unseen-words part")
    parser.add_argument("--worker", choices=["wordvec", "gensim"], help=argparse.SUPPRESS)
    parser.add_argument("--pairs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = args.corpus or default_corpus()
    if args.worker:
        return worker(args.worker, corpus, args.epochs, args.threads, not args.no_eval,
                      args.pairs)

    with tempfile.TemporaryDirectory() as tmp:
        if args.lines:
            with open(corpus, encoding="utf-8") as f, \
                    open(Path(tmp) / "head.txt", "w", encoding="utf-8") as g:
                for i, line in enumerate(f):
                    if i >= args.lines:
                        break
                    g.write(line)
            corpus = str(Path(tmp) / "head.txt")
        print(f"fasttext sg: corpus {corpus}, {args.epochs} epochs, {args.threads} threads; "
              f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        warm = Path(tmp) / "warm.txt"   # a first run builds the kernel's shared library
        with open(corpus, encoding="utf-8") as f:
            warm.write_text("".join(line for _, line in zip(range(2000), f)), encoding="utf-8")
        subprocess.run([sys.executable, __file__, str(warm), "--worker", "wordvec", "--epochs",
                        "1", "--no-eval"], check=True, capture_output=True)
        ours, theirs = (run(t, corpus, args, do_eval=not args.no_eval)
                        for t in ("wordvec", "gensim"))
        print(f"speed ratio wordvec/gensim (training words/s): "
              f"{ours['words_per_s'] / theirs['words_per_s']:.2f}; CPU-time ratio "
              f"gensim/wordvec: {theirs['cpu_s'] / ours['cpu_s']:.2f}")
        if "analogy" in ours:
            print(f"analogy wordvec - gensim: {ours['analogy'] - theirs['analogy']:+.4f}; "
                  f"WS353 wordvec - gensim: {ours['ws353'] - theirs['ws353']:+.4f}")
        if args.no_oov:
            return
        rest = str(Path(tmp) / "held_out.txt")
        pairs, dropped = hold_out(corpus, rest)
        listing = Path(args.corpus or corpus).with_suffix(".oov-words.txt") \
            if not args.lines else Path(tmp) / "oov-words.txt"
        listing.write_text("".join(f"{w}\t{b}\n" for w, b in pairs), encoding="utf-8")
        pairs_file = str(Path(tmp) / "pairs.json")
        Path(pairs_file).write_text(json.dumps(pairs), encoding="utf-8")
        print(f"unseen words: {len(pairs)} inflections held out (listed in {listing}), "
              f"{dropped} lines dropped")
        ours, theirs = (run(t, rest, args, pairs_file, do_eval=False)
                        for t in ("wordvec", "gensim"))
        print(f"base form in the 10 neighbours of the unseen word: wordvec {ours['top10']:.4f}, "
              f"gensim {theirs['top10']:.4f}, difference {ours['top10'] - theirs['top10']:+.4f}")


if __name__ == "__main__":
    main()
