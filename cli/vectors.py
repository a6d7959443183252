"""`wordvec info` and `wordvec convert`: describe a vector file, change its format."""

import json

import click

from .common import check_output, load_vectors, vectors_option

FORMATS = ("native", "word2vec", "word2vec-binary", "glove")   # as in wordvec.io.FORMATS


@click.command()
@vectors_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def info(vectors_path, as_json):
    """Describe a vector store: detected format, words, dim, counts, size on disk, and where
    it came from (the model that trained it and its parameters, or the file it was imported
    from).

    The whole file is read, so a damaged line anywhere is reported. For glove-6b-50d the
    format is "pretrained" and the size is that of its package's files.

    \b
    Examples:
      wordvec info --vectors glove.6B.50d.txt
      wordvec info --vectors glove-6b-50d
    """
    from pathlib import Path

    from wordvec.io import PRETRAINED, detect_format

    path = Path(vectors_path)
    if not path.exists() and vectors_path in PRETRAINED:   # glove-6b-50d: a package's files
        from wordvec.pretrained import glove_6b_50d_files

        format, files = "pretrained", glove_6b_50d_files()
        vectors = load_vectors(vectors_path)
    else:
        format = detect_format(path)
        vectors = load_vectors(path, format=format)
        files = path.iterdir() if path.is_dir() else [path]
    facts = {"path": str(path), "format": format, "words": len(vectors), "dim": vectors.dim,
             "counts": vectors.counts is not None,
             "bytes": sum(f.stat().st_size for f in files if f.is_file()),
             "first_words": vectors.keys[:10]}
    facts["source"] = vectors.source
    if getattr(vectors, "ngrams", None) is not None:   # fastText: answers for unseen words
        facts["subwords"] = {"minn": vectors.minn, "maxn": vectors.maxn,
                             "bucket": vectors.bucket}
    if as_json:
        click.echo(json.dumps(facts, ensure_ascii=False))
        return
    for name, value in facts.items():
        if name == "counts":
            value = "yes" if value else "no"
        elif name == "first_words":
            value = " ".join(value)
        elif name == "source":
            value = _describe_source(value)
        elif name == "subwords":
            value = f"n-grams of {value['minn']}-{value['maxn']} characters in " \
                    f"{value['bucket']} buckets (vectors for unseen words)"
        click.echo(f"{name.replace('_', ' ') + ':':<13}{value}")


def _describe_source(source):
    """One line for `Vectors.source`: "sgns: dim 100, window 5, ..." or "word2vec file X"."""
    if source is None:
        return "not recorded"
    if "model" in source:
        label = source["model"]
        if source.get("hs"):
            label += " with hierarchical softmax" + (" alone" if source.get("negative") == 0
                                                     else "")
        params = ", ".join(f"{k} {v}" for k, v in source.items()
                           if k not in ("model", "hs") and v is not None)
        return f"{label}: {params}"
    where = source.get("file") or source.get("name")
    return f"imported from {source.get('imported')}" + (f" ({where})" if where else "")


@click.command()
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@click.option("--to", "format", type=click.Choice(FORMATS),
              help="Output format; default from OUT's extension (.txt/.vec word2vec, "
                   ".bin word2vec-binary, else native).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Keep only the first N words.")
@click.option("--words", "words_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Keep only the words of FILE (the first field of each line), in its order; "
                   "words not in IN are left out and counted on stderr.")
def convert(source, target, format, limit, words_file):
    """Convert a vector store IN (format detected) to OUT, written atomically.

    OUT may be - for standard output, with --to word2vec, word2vec-binary or glove.

    \b
    Examples:
      wordvec convert glove.6B.50d.txt glove100k --limit 100000
      wordvec convert vectors.bin vectors.txt
      wordvec convert glove100k - --to word2vec --limit 1000 | head
      wordvec convert glove-6b-50d task.wv --words task_vocab.txt   # a model's vocabulary
    """
    check_output(target, source, words_file)
    if target == "-" and format in (None, "native"):
        raise click.UsageError("writing to - (standard output) needs --to word2vec, "
                               "word2vec-binary or glove")
    wanted = _read_word_list(words_file) if words_file else None
    vectors = load_vectors(source, limit=limit)
    if wanted is not None:
        vectors = vectors.subset(wanted, missing="skip")
        if not len(vectors):
            raise ValueError(f"none of the {len(wanted)} words of {words_file} is in {source}")
        if len(vectors) < len(wanted):
            click.echo(f"kept {len(vectors)} of the {len(wanted)} words of {words_file} "
                       f"(not in {source}: {len(wanted) - len(vectors)})", err=True)
    if target == "-":
        import sys

        vectors.save(sys.stdout.buffer, format=format)  # click's stream helpers are deprecated
        sys.stdout.buffer.flush()
    else:
        vectors.save(target, format=format)


def _read_word_list(path):
    """The first field of each non-blank line of `path`, each word once, in file order."""
    from wordvec._lines import utf8_lines

    words = [line.split()[0] for _, line in utf8_lines(path) if line.strip()]
    if not words:
        raise ValueError(f"{path}: no words")
    return list(dict.fromkeys(words))
