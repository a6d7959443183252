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
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def cooccur(corpus, output, window, min_count, max_vocab, memory, symmetric, tmp_dir, as_json,
            quiet, tokenize):
    """Count co-occurrences of CORPUS (file, .gz/.bz2, folder, or - for stdin).

    \b
    Examples:
      wordvec cooccur data/bench.txt -o counts --window 10 --memory 2G
      wordvec train data/bench.txt --model glove --cooccur counts -o vectors
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
    start = time.perf_counter()
    with warning_lines(*((UntokenizedWarning,) if quiet or tokenize else ())):
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
