"""`wordvec cooccur`: count word-word co-occurrences into a folder that GloVe training reuses."""

import json

import click

from .common import COUNT, Memory


@click.command()
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", required=True, metavar="DIR",
              help="Counts folder to write (rows/cols/vals .npy, vocab.txt, meta.json).")
@click.option("--window", type=click.IntRange(1, 20), default=10, show_default=True,
              help="Context words on each side, weighted 1/distance (1..20).")
@click.option("--min-count", type=COUNT, default=5, show_default=True,
              help="Drop words seen fewer times.")
@click.option("--max-vocab", type=COUNT, default=None, help="Keep at most this many words.")
@click.option("--memory", type=Memory(), default="2G", show_default=True,
              help="Budget of the counting table and merge buffers (e.g. 512M, 4G); beyond "
                   "it, counts spill to sorted shards that are merged on disk.")
@click.option("--symmetric/--asymmetric", default=True, show_default=True,
              help="Count context on both sides, or only the left context (GloVe C's "
                   "-symmetric 0).")
@click.option("--tmp-dir", default=None, metavar="DIR",
              help="Folder for the shards (default: beside the output).")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as JSON.")
@click.option("--tokenize", type=click.Choice(["whitespace", "lower", "words"]),
              help="How lines become words: whitespace (the default: as they are), lower, or "
                   "words (raw text: lower-cased, punctuation dropped); see `wordvec train`.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local",
              show_default=True,
              help="spark: count on Apache Spark (pip install 'wordvec[spark]', Java 17+); "
                   "CORPUS may then be any path, glob or URI Spark reads. Same counts.")
@click.option("--master", default=None, metavar="URL",
              help="Spark master with --engine spark: local[2] (the default), "
                   "spark://host:7077, yarn.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def cooccur(corpus, output, window, min_count, max_vocab, memory, symmetric, tmp_dir, as_json,
            quiet, tokenize, engine, master):
    """Count co-occurrences of CORPUS (file, .gz/.bz2, folder, or - for stdin).

    \b
    Examples:
      wordvec cooccur data/bench.txt -o counts --window 10 --memory 2G
      wordvec train data/bench.txt --model glove --cooccur counts -o vectors
      wordvec cooccur 'corpus/*.gz' -o counts --engine spark --master local[2]
    """
    import time

    from wordvec._atomic import TargetExistsError, check_target
    from wordvec.corpus import Corpus, UntokenizedWarning
    from wordvec.train.cooccur import FORMAT, count_cooccurrences

    from .common import check_output, warning_lines

    check_output(output, corpus)
    check_output(tmp_dir, corpus)
    try:
        check_target(output, "meta.json", FORMAT)
    except TargetExistsError as exc:
        raise click.UsageError(str(exc)) from None
    if master is not None and engine != "spark":
        raise click.UsageError("--master applies to --engine spark")
    start = time.perf_counter()
    if engine == "spark" and tokenize not in (None, "whitespace"):
        raise click.UsageError("--engine spark splits words at whitespace only")
    with warning_lines(*((UntokenizedWarning,) if quiet or tokenize else ())):
        if engine == "spark":
            from wordvec.spark import DEFAULT_MASTER
            from wordvec.spark.cooccur import count_cooccurrences as count_on_spark

            X = count_on_spark(corpus, output, window=window, symmetric=symmetric,
                               min_count=min_count, max_vocab=max_vocab, tmp_dir=tmp_dir,
                               master=master or DEFAULT_MASTER, progress=not quiet)
        else:
            X = count_cooccurrences(Corpus(corpus, tokenize=tokenize or "whitespace"), output,
                                    window=window, symmetric=symmetric, min_count=min_count,
                                    max_vocab=max_vocab, memory=memory, tmp_dir=tmp_dir,
                                    progress=not quiet)
    meta = dict(X.meta, seconds=round(time.perf_counter() - start, 2))
    if as_json:
        click.echo(json.dumps(meta))
    else:
        click.echo(f"wrote {output}: {meta['nnz']:,} nonzeros over {meta['n_words']:,} words, "
                   f"{meta['shards']} shards, {meta['seconds']:.1f} s")
