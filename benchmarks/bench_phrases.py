"""Phrase detection: wordvec's `Phrases` against gensim's on the same corpus, in one run.

Both learn phrases with the same settings (min_count 5, threshold 10, default scoring, one
pass) and write the phrased corpus; each runs in its own subprocess, one after the other, so
the peak RSS is its own. gensim reads with `LineSentence` (one sentence a line, cut at 10,000
words, as wordvec reads) and writes `" ".join(phrases[sentence])` a line. The two outputs and
the two sets of phrases must be identical; the counts behind them are compared by their number
(`len(vocab)`, which enters every default score) and by the phrases' scores.

    python benchmarks/bench_phrases.py data/bench.txt            # the acceptance run
    python benchmarks/bench_phrases.py data/bench.txt --lines 100000
    python benchmarks/bench_phrases.py data/bench.txt --connector-words  # bank_of_america

`--connector-words` gives both tools English connector words (gensim's
`ENGLISH_CONNECTOR_WORDS`, wordvec's `connector_words="english"`).
"""

import argparse
import hashlib
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

SETTINGS = dict(min_count=5, threshold=10.0, scoring="default")


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()[:16]


def worker(tool, corpus, out, phrases_json, connectors):
    """Learn and write once in this process; print a JSON line of measurements."""
    start = time.perf_counter()
    if tool == "wordvec":
        from wordvec.phrases import Phrases

        model = Phrases(progress=False, connector_words="english" if connectors else (),
                        **SETTINGS).fit(corpus)
        fit_s = time.perf_counter() - start
        model.write(corpus, out)
        grams, len_vocab = model.phrasegrams_, len(model.tables_[0])
    else:
        from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases
        from gensim.models.word2vec import LineSentence

        model = Phrases(LineSentence(corpus), **SETTINGS,
                        connector_words=ENGLISH_CONNECTOR_WORDS if connectors else frozenset())
        fit_s = time.perf_counter() - start
        with open(out, "w", encoding="utf-8") as f:
            for sentence in LineSentence(corpus):
                f.write(" ".join(model[sentence]) + "\n")
        grams, len_vocab = model.export_phrases(), len(model.vocab)
    total_s = time.perf_counter() - start
    with open(phrases_json, "w") as f:
        json.dump(grams, f)
    print(json.dumps({"tool": tool, "fit_s": fit_s, "write_s": total_s - fit_s,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "len_vocab": len_vocab, "phrases": len(grams), "output": digest(out)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--lines", type=int, help="Use only the first N lines.")
    parser.add_argument("--top", type=int, default=25, help="Phrases to list.")
    parser.add_argument("--connector-words", action="store_true",
                        help="English connector words for both tools")
    parser.add_argument("--worker", nargs=3, metavar=("TOOL", "OUT", "JSON"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.corpus, *args.worker[1:], args.connector_words)
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if args.lines:
            corpus = os.path.join(tmp, "corpus.txt")
            with open(args.corpus, encoding="utf-8") as src, open(corpus, "w") as dst:
                dst.writelines(itertools.islice(src, args.lines))
        print(f"corpus {args.corpus}{f' (first {args.lines:,} lines)' if args.lines else ''}; "
              f"{SETTINGS}{'; connector words' if args.connector_words else ''}; "
              f"load average {os.getloadavg()[0]:.2f}")
        runs, grams = {}, {}
        for tool in ("wordvec", "gensim"):
            out, js = os.path.join(tmp, f"{tool}.txt"), os.path.join(tmp, f"{tool}.json")
            cmd = [sys.executable, __file__, corpus, "--worker", tool, out, js]
            if args.connector_words:
                cmd.append("--connector-words")
            line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            runs[tool] = json.loads(line.strip().splitlines()[-1])
            with open(js) as f:
                grams[tool] = json.load(f)
        ours, theirs = runs["wordvec"], runs["gensim"]
        print(f"{'':10} {'fit s':>8} {'write s':>8} {'peak MB':>8} {'len(vocab)':>11} "
              f"{'phrases':>8}  output")
        for tool, r in runs.items():
            print(f"{tool:10} {r['fit_s']:8.1f} {r['write_s']:8.1f} {r['rss_mb']:8.0f} "
                  f"{r['len_vocab']:11,} {r['phrases']:8,}  {r['output']}")
        print(f"ratio (gensim / wordvec): fit {theirs['fit_s'] / ours['fit_s']:.1f}x, "
              f"write {theirs['write_s'] / ours['write_s']:.1f}x, "
              f"peak memory {theirs['rss_mb'] / ours['rss_mb']:.1f}x")
        same = grams["wordvec"].keys() == grams["gensim"].keys()
        worst = max((abs(grams["wordvec"][p] - s) / abs(s) for p, s in grams["gensim"].items()
                     if p in grams["wordvec"]), default=0.0)
        print(f"same phrases: {same}; same len(vocab): {ours['len_vocab'] == theirs['len_vocab']}"
              f"; largest relative score difference {worst:.1e}; identical output: "
              f"{ours['output'] == theirs['output']}")
        ranked = sorted(grams["wordvec"].items(), key=lambda kv: -kv[1])
        print(f"top {args.top} by score:", ", ".join(f"{p} {s:,.0f}" for p, s in
                                                     ranked[:args.top]))
        for name in ("new_york", "united_states", "los_angeles", "prime_minister",
                     "bank_of_america", "house_of_representatives"):
            rank = next((i for i, (p, _) in enumerate(ranked) if p == name), None)
            print(f"  {name}: " + (f"rank {rank + 1:,} of {len(ranked):,}, score "
                                   f"{ranked[rank][1]:,.1f}" if rank is not None else "no"))


if __name__ == "__main__":
    main()
