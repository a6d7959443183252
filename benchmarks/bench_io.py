"""GloVe 6B 50d (400k x 50): wordvec vs gensim, text and binary, load and save, in one run.

Each pair is timed twice, alternating wordvec/gensim, and the best of each is kept, since
the machine is shared.
Usage: python benchmarks/bench_io.py [DIR]  (writes ~600 MB to DIR, default .wordvec-cache/bench_io)
"""
import os
import sys
import time
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

import wordvec
from wordvec.pretrained import glove_6b_50d

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".wordvec-cache/bench_io")
out.mkdir(parents=True, exist_ok=True)
g = glove_6b_50d(mmap=False)
kv = g.to_gensim()


def best(f, reps=2):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t)
    return min(times), result


def pair(label, ours, theirs):
    a = b = float("inf")
    for _ in range(2):
        ta, ra = best(ours, 1)
        tb, rb = best(theirs, 1)
        a, b = min(a, ta), min(b, tb)
    print(f"{label:30s} wordvec {a:6.2f} s  gensim {b:6.2f} s  gensim/wordvec {b / a:4.1f}x",
          flush=True)
    return ra, rb


pair("save GloVe text", lambda: g.save(out / "ours.txt", format="glove"),
     lambda: kv.save_word2vec_format(str(out / "gensim.txt"), write_header=False))
v, k = pair("load GloVe text", lambda: wordvec.load(out / "ours.txt"),
            lambda: KeyedVectors.load_word2vec_format(str(out / "ours.txt"), no_header=True))
assert v.keys == g.keys and np.array_equal(v.vectors, g.vectors)
assert np.array_equal(k.vectors, g.vectors)
v = wordvec.load(out / "gensim.txt", format="glove")
assert v.keys == g.keys and np.array_equal(v.vectors, g.vectors)
pair("save word2vec binary", lambda: g.save(out / "ours.bin"),
     lambda: kv.save_word2vec_format(str(out / "gensim.bin"), binary=True))
v, k = pair("load word2vec binary", lambda: wordvec.load(out / "gensim.bin"),
            lambda: KeyedVectors.load_word2vec_format(str(out / "ours.bin"), binary=True))
assert np.array_equal(v.vectors, g.vectors) and np.array_equal(k.vectors, g.vectors)
t, _ = best(lambda: wordvec.load(out / "ours.txt", limit=10000), 3)
print(f"load GloVe text, limit=10000   wordvec {t:6.3f} s")
print(f"file sizes: ours.txt {os.path.getsize(out / 'ours.txt'):,} B, "
      f"gensim.txt {os.path.getsize(out / 'gensim.txt'):,} B")
