"""Co-occurrence counts on Spark, written as the same counts folder as the local engine's.

Each sentence of word ids becomes, for every distance d <= window, the pairs
(ids[q], ids[q + d]) (and the reverse pairs when symmetric), weighted `lcm(1..window) // d`
as the local kernel weighs them; Spark sums the integer weights per pair (so the sums are
exact, in any order), sorts the pairs and writes them as Parquet shards, which the driver
streams into `rows.npy`, `cols.npy` and `vals.npy` one batch at a time (it never holds the
counts). The folder is byte for byte the local engine's, bar the "shards" and
"merge_passes" of its meta.json, which say how the counting went.

Examples
--------
>>> from wordvec.spark.cooccur import count_cooccurrences                # doctest: +SKIP
>>> X = count_cooccurrences("data/small.txt", "counts", master="local[2]")  # doctest: +SKIP
"""

import math
from pathlib import Path

import numpy as np

from .._atomic import atomic_dir, private_tempdir
from .._header import write_header
from ..io import write_vocab
from ..train.cooccur import (
    FORMAT,
    FORMAT_VERSION,
    _check_window,
    _CountsWriter,
    load_cooccurrence,
)
from . import DEFAULT_MASTER, session, stage
from .corpus import batches, build_vocabulary, encoded_sentences, sorted_shards, source_of


def pairs(sentences, window, symmetric):
    """DataFrame `row`, `col`, `weight` (long, summed) from a DataFrame of `ids` arrays.

    Generates the forward pairs (earlier word, later word). Symmetric counts sum each
    unordered pair once, as (smaller id, larger id), and then give X[i, j] and X[j, i] that
    sum (X[i, i] twice it, as the local kernel adds both directions of a pair of equal words):
    one aggregation over half the keys.
    """
    from pyspark.sql import functions as F

    scale = math.lcm(*range(1, window + 1))
    s = sentences.select("ids").where(F.size("ids") > 1)
    s = s.select("ids", F.explode(F.sequence(F.lit(1), F.least(F.lit(window),
                                                               F.size("ids") - 1))).alias("d"))
    s = s.select("ids", "d", F.posexplode(F.slice("ids", F.lit(1), F.size("ids") - F.col("d")))
                 .alias("q", "a"))
    a, b = F.col("a"), F.element_at("ids", F.col("q") + F.col("d") + 1)
    w = F.expr(f"{scale} div d").alias("w")
    if not symmetric:
        return (s.select(a.alias("row"), b.alias("col"), w)
                .groupBy("row", "col").agg(F.sum("w").alias("weight")))
    lo, hi, total = F.col("lo"), F.col("hi"), F.col("weight")
    both = F.when(lo == hi, F.array(F.struct(lo.alias("row"), hi.alias("col"),
                                             (2 * total).alias("weight"))))
    both = both.otherwise(F.array(F.struct(lo.alias("row"), hi.alias("col"), total),
                                  F.struct(hi.alias("row"), lo.alias("col"), total)))
    return (s.select(F.least(a, b).alias("lo"), F.greatest(a, b).alias("hi"), w)
            .groupBy("lo", "hi").agg(F.sum("w").alias("weight"))
            .select(F.explode(both).alias("p")).select("p.row", "p.col", "p.weight"))


def count_cooccurrences(corpus, output, *, window=10, symmetric=True, min_count=5,
                        max_vocab=None, vocabulary=None, master=DEFAULT_MASTER, tmp_dir=None,
                        progress=False):
    """`wordvec.train.cooccur.count_cooccurrences` on Spark; returns the `Cooccurrence`
    (memory-mapped from `output`).

    `corpus` is a path or URI (file, folder, glob) or a text `Corpus`; `tmp_dir` holds the
    sorted shards until the driver has read them (on a cluster: a folder both see).
    """
    _check_window(window)
    source = source_of(corpus)
    spark = session(master, progress)
    if vocabulary is None:
        vocabulary = build_vocabulary(spark, corpus, min_count, max_vocab)
    scale = math.lcm(*range(1, window + 1))
    with private_tempdir("wordvec-spark-", dir=tmp_dir) as tmp, stage("counting pairs", source):
        from pyspark import StorageLevel

        counts = None
        sentences = encoded_sentences(spark, corpus, vocabulary).persist()
        try:
            total_tokens = sentences.selectExpr("sum(size(ids))").first()[0]
            # kept: sorting samples its input before it sorts it, two passes over the pairs
            counts = pairs(sentences, window, symmetric).persist(StorageLevel.DISK_ONLY)
            paths = sorted_shards(counts, ["row", "col"], tmp, "pairs")
        finally:
            sentences.unpersist()
            if counts is not None:
                counts.unpersist()
        meta = {"format": FORMAT, "version": FORMAT_VERSION, "window": window,
                "symmetric": bool(symmetric), "min_count": min_count,
                "n_words": len(vocabulary), "total_tokens": int(total_tokens or 0),
                "shards": len(paths), "merge_passes": 0}
        with atomic_dir(output, "meta.json", FORMAT) as staging:
            sink = _CountsWriter(staging, scale)
            for rows, cols, weights in batches(paths, ["row", "col", "weight"]):
                keys = rows.to_numpy().astype(np.int64) << 32 | cols.to_numpy().astype(np.int64)
                sink.write(keys, weights.to_numpy().astype(np.int64))
            meta["nnz"] = sink.close()
            write_vocab(Path(staging) / "vocab.txt", vocabulary.words, vocabulary.counts)
            write_header(Path(staging) / "meta.json", **meta)
    return load_cooccurrence(output)
