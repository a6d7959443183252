"""Vocabulary and encoded corpus on Spark, identical to `wordvec.corpus`'s.

`Vocabulary.build` counts every word, keeps those seen `min_count` times, and orders them by
descending count, ties in order of first appearance; here the first appearance of a word is
the smallest (file path, split start, row in split, position in line) of its occurrences,
which is the reading order of the local engine. Encoding drops words outside the vocabulary
and cuts lines into sentences of at most `max_sentence_length` corpus tokens, as
`encode_corpus` does; the sentences come back to the driver in order, as sorted Parquet
shards that it streams into the `EncodedCorpus` files.

API
---
`build_vocabulary(spark, corpus, min_count=5, max_vocab=None) -> Vocabulary`
`encoded_sentences(spark, corpus, vocab) -> DataFrame`
    One row per sentence: `key` (its place in the corpus; sort by it), `ids` array<int>
    (in-vocabulary words, in order), `raw` (corpus tokens, kept or not).
`encode_corpus(spark, corpus, vocab, directory=None, tmp_dir=None) -> EncodedCorpus`

Examples
--------
>>> from wordvec.spark import session                                     # doctest: +SKIP
>>> from wordvec.spark.corpus import build_vocabulary                     # doctest: +SKIP
>>> build_vocabulary(session(), "data/small.txt").words[:3]               # doctest: +SKIP
['the', 'of', 'and']
"""

from pathlib import Path

import numpy as np

from ..corpus import Corpus, Vocabulary, write_encoded
from . import stage

# Python's str.split() splits at these characters (str.isspace, plus the separators
# U+001C..U+001F); the largest is U+3000.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if len(f"a{c}b".split()) == 2)
WHITESPACE = "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in _SPACES) + "]+"


def source_of(corpus):
    """The path or URI that Spark reads for `corpus` (a path, or a text `Corpus`)."""
    if isinstance(corpus, Corpus):
        if not corpus.is_text or str(corpus.source) == "-":
            raise ValueError("the Spark engine reads files, folders or URIs, not stdin or "
                             "token lists")
        if corpus.tokenize != "whitespace":
            raise ValueError(f"the Spark engine splits words at whitespace only; tokenize="
                             f"{corpus.tokenize!r} is the local engine's")
        corpus = corpus.source
    source = str(corpus)
    if "://" not in source and not any(c in source for c in "*?[{"):
        Corpus(source).files()   # FileNotFoundError / empty folder, as the local engine says
        source = str(Path(source).resolve())
    return source


def _max_len(corpus):
    return corpus.max_sentence_length if isinstance(corpus, Corpus) else 10000


def tokens(spark, corpus):
    """Every token as a row: `file`, `block`, `row` (the line), `pos` (in the line), `word`,
    and `n` (tokens of its line)."""
    from pyspark.sql import functions as F

    lines = spark.read.text(source_of(corpus)).select(
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("row"),   # increases along a split's lines
        F.array_remove(F.split("value", WHITESPACE), "").alias("words"))
    return lines.select("file", "block", "row", F.size("words").alias("n"),
                        F.posexplode("words").alias("pos", "word"))


def build_vocabulary(spark, corpus, min_count=5, max_vocab=None):
    """`wordvec.corpus.Vocabulary.build` on Spark: the same words, counts and order."""
    from pyspark.sql import functions as F

    if min_count < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}")
    if max_vocab is not None and max_vocab < 1:
        raise ValueError(f"max_vocab must be >= 1, got {max_vocab}")
    source = source_of(corpus)
    with stage("counting words", source):
        counted = (tokens(spark, corpus).groupBy("word")
                   .agg(F.count("*").alias("count"),
                        F.min(F.struct("file", "block", "row", "pos")).alias("first"))
                   .persist())
        try:
            total, top = counted.agg(F.sum("count"), F.max("count")).first()
            kept = (counted.where(F.col("count") >= min_count)
                    .orderBy(F.desc("count"), F.asc("first")))
            if max_vocab is not None:
                kept = kept.limit(max_vocab)
            rows = kept.select("word", "count").collect()
        finally:
            counted.unpersist()
    if not total:
        raise ValueError(f"{source}: corpus is empty (no tokens)")
    if not rows:
        raise ValueError(f"{source}: no word occurs min_count={min_count} times "
                         f"(most frequent: {top} times)")
    return Vocabulary([r[0] for r in rows], [r[1] for r in rows], total)


def encoded_sentences(spark, corpus, vocab):
    """The corpus as sentences of word ids (see the module docstring); unsorted."""
    from pyspark.sql import functions as F

    n = _max_len(corpus)
    ids = spark.createDataFrame(list(zip(vocab.words, range(len(vocab)))), "word string, id int")
    joined = tokens(spark, corpus).join(F.broadcast(ids), "word", "left")
    chunk = F.floor(F.col("pos") / n)
    return (joined.groupBy(F.struct("file", "block", "row", chunk.alias("chunk")).alias("key"))
            .agg(F.array_sort(F.collect_list(
                     F.when(F.col("id").isNotNull(), F.struct("pos", "id")))).alias("kept"),
                 F.count("*").alias("raw"))
            .select("key", F.col("kept.id").alias("ids"), "raw"))


def sorted_shards(df, order, folder, name):
    """Write `df` sorted by `order` as Parquet files under `folder`; their paths, in order."""
    target = Path(folder) / name
    df.orderBy(*order).write.parquet(str(target))
    return sorted(target.glob("part-*.parquet"))


def batches(paths, columns):
    """Stream the columns of Parquet files as numpy arrays, batch by batch, in file order."""
    import pyarrow.parquet as pq

    for path in paths:
        f = pq.ParquetFile(path)
        for batch in f.iter_batches(batch_size=1 << 16, columns=columns):
            yield [batch.column(c) for c in columns]


def encode_corpus(spark, corpus, vocab, directory=None, tmp_dir=None):
    """`wordvec.corpus.encode_corpus` on Spark: the same `.ids`, `.ends` and `.raw_ends`.

    `tmp_dir` holds the sorted shards while the driver reads them; on a cluster it must be a
    folder both the executors and the driver see.
    """
    from .._atomic import private_tempdir

    source = source_of(corpus)
    with private_tempdir("wordvec-spark-", dir=tmp_dir) as tmp, stage("encoding", source):
        paths = sorted_shards(encoded_sentences(spark, corpus, vocab), ["key"], tmp, "enc")
        return write_encoded(_blocks(paths), directory)


def _blocks(paths):
    """`write_encoded`'s blocks from the sorted shards of `encoded_sentences`."""
    for ids, raw in batches(paths, ["ids", "raw"]):
        ends = np.cumsum(np.diff(ids.offsets.to_numpy()).astype(np.int64))
        flat = ids.flatten().to_numpy(zero_copy_only=False).astype(np.int32)
        yield flat, ends, np.cumsum(raw.to_numpy().astype(np.int64))
