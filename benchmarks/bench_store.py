"""Store speed on GloVe 6B 50d (400,000 x 50) against gensim, as ratios measured in one run.

1. Load: our native format (memory-mapped .npy + vocabulary) vs gensim `load_word2vec_format`
   parsing the word2vec text file (written once into .wordvec-cache/ with our writer).
2. most_similar for 1,000 query words (top 10): our batched search vs gensim one query at a
   time (and our own one-at-a-time loop, for reference).
3. Evaluation: questions-words (restrict_vocab 30000) and WordSim-353 vs gensim's
   evaluate_word_analogies / evaluate_word_pairs; the figures must agree.

The cores may be shared with other work: compare the ratios, not the absolute times.

    python benchmarks/bench_store.py
    python benchmarks/bench_store.py --queries 300 --skip-gensim-evaluate
"""

import argparse
import logging
import time
from pathlib import Path

import numpy as np

import wordvec
from wordvec.evaluate import dataset_path, evaluate_analogies, evaluate_similarities
from wordvec.pretrained import glove_6b_50d

CACHE = Path(__file__).resolve().parent.parent / ".wordvec-cache"
TEXT = CACHE / "glove.6B.50d.w2v.txt"
NATIVE = CACHE / "glove.6B.50d.native"


def timed(func, repeat=1):
    """(result of the last call, best wall time over `repeat` calls)."""
    return timed_cpu(func, repeat)[:2]


def timed_cpu(func, repeat=1):
    """(result, best wall time, CPU time of every thread during that call)."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = func()
        best = min(best, (time.perf_counter() - start, time.process_time() - cpu))
    return result, *best


def prepare():
    """Write the word2vec text file and the native store once."""
    glove = None
    if not TEXT.exists() or not NATIVE.exists():
        CACHE.mkdir(exist_ok=True)
        glove = glove_6b_50d(mmap=False)
    if not TEXT.exists():
        print(f"writing {TEXT} (once)")
        glove.save(TEXT, format="word2vec")
    if not NATIVE.exists():
        print(f"writing {NATIVE} (once)")
        glove.save(NATIVE, format="native")


def bench_load(gensim_kv_loader):
    print("\n== load (400,000 x 50)")
    native, t_native = timed(lambda: wordvec.load(NATIVE), repeat=3)
    _, t_touch = timed(lambda: float(wordvec.load(NATIVE).vectors.sum()), repeat=3)
    ours_text, t_ours_text = timed(lambda: wordvec.load(TEXT, mmap=False))
    kv, t_gensim = timed(lambda: gensim_kv_loader(str(TEXT), binary=False))
    assert kv.index_to_key == native.keys == ours_text.keys
    assert np.allclose(kv.vectors, native.vectors, atol=1e-5)
    print(f"native (memory map), best of 3      {t_native:8.3f} s")
    print(f"native + read every vector, best of 3 {t_touch:6.3f} s")
    print(f"our word2vec text reader             {t_ours_text:8.3f} s")
    print(f"gensim load_word2vec_format (text)   {t_gensim:8.3f} s")
    print(f"ratio gensim text / native load      {t_gensim / t_native:8.1f}x   (target >= 50x)")
    print(f"ratio gensim text / native + read    {t_gensim / t_touch:8.1f}x")
    print(f"ratio gensim text / our text reader  {t_gensim / t_ours_text:8.1f}x")
    return native, kv


def bench_queries(vectors, kv, n_queries):
    print(f"\n== most_similar, {n_queries} query words, top 10, all 400,000 rows searched")
    rng = np.random.default_rng(0)
    words = [vectors.keys[i] for i in rng.choice(100_000, size=n_queries, replace=False)]
    (_, t_normed), (_, t_norms) = timed(lambda: vectors.normed), timed(kv.fill_norms)
    print(f"(unit-row cache built first: ours {t_normed:.2f} s, gensim norms {t_norms:.2f} s)")
    batch, t_batch, c_batch = timed_cpu(lambda: vectors.most_similar_batch(words, topn=10),
                                        repeat=2)
    loop, t_loop, c_loop = timed_cpu(lambda: [vectors.most_similar(w, topn=10) for w in words])
    theirs, t_gensim, c_gensim = timed_cpu(lambda: [kv.most_similar(w, topn=10) for w in words])
    words_of = lambda pairs: [w for w, _ in pairs]  # noqa: E731
    same = np.mean([words_of(a) == words_of(b) for a, b in zip(batch, theirs, strict=True)])
    same_loop = np.mean([words_of(a) == words_of(b) for a, b in zip(batch, loop, strict=True)])
    print("                               wall (s)  queries/s   CPU (s, all threads)")
    for name, wall, cpu in [("ours, batched (best of 2)", t_batch, c_batch),
                            ("ours, one at a time", t_loop, c_loop),
                            ("gensim, one at a time", t_gensim, c_gensim)]:
        print(f"{name:<30} {wall:8.2f} {n_queries / wall:10.0f} {cpu:10.2f}")
    print(f"ratio gensim / ours batched    {t_gensim / t_batch:7.1f}x wall, "
          f"{c_gensim / c_batch:.1f}x CPU   (target >= 5x)")
    print(f"ratio gensim / ours one-by-one {t_gensim / t_loop:7.1f}x wall, "
          f"{c_gensim / c_loop:.1f}x CPU")
    print(f"same top-10 words as gensim: {same:.1%}; batched = one at a time: {same_loop:.1%}")


def bench_evaluate(vectors, kv, skip_gensim):
    print("\n== evaluation: questions-words (restrict_vocab 30000), WordSim-353")
    table, t_ours = timed(lambda: evaluate_analogies(vectors, restrict_vocab=30000))
    ours = table.loc["overall"]
    print(f"ours    analogies {t_ours:7.2f} s  accuracy {ours.accuracy:.6f} "
          f"({int(ours.correct)}/{int(ours.total)})")
    if not skip_gensim:
        (score, _), t_gensim = timed(lambda: kv.evaluate_word_analogies(
            str(dataset_path("questions-words")), restrict_vocab=30000))
        print(f"gensim  analogies {t_gensim:7.2f} s  accuracy {score:.6f}")
        print(f"ratio gensim / ours {t_gensim / t_ours:.1f}x; same accuracy: "
              f"{score == ours.accuracy}")
    sims, t_sims = timed(lambda: evaluate_similarities(vectors, "wordsim353"))
    (pearson, spearman, _), t_gpairs = timed(lambda: kv.evaluate_word_pairs(
        str(dataset_path("wordsim353"))))
    row = sims.loc["wordsim353"]
    print(f"ours    WS353 {t_sims:6.3f} s  pearson {row.pearson:.6f} spearman {row.spearman:.6f}")
    print(f"gensim  WS353 {t_gpairs:6.3f} s  pearson {pearson[0]:.6f} spearman {spearman[0]:.6f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000, help="query words (default 1000)")
    parser.add_argument("--skip-gensim-evaluate", action="store_true",
                        help="do not time gensim's analogy evaluation (minutes on 2 cores)")
    args = parser.parse_args()
    logging.getLogger("gensim").setLevel(logging.WARNING)
    from gensim.models import KeyedVectors

    prepare()
    vectors, kv = bench_load(KeyedVectors.load_word2vec_format)
    bench_queries(vectors, kv, args.queries)
    bench_evaluate(vectors, kv, args.skip_gensim_evaluate)


if __name__ == "__main__":
    main()
