"""Options and output helpers shared by the commands."""

import json

import click


def vectors_option(func):
    """`--vectors PATH`, defaulting to $WORDVEC_VECTORS."""
    return click.option(
        "--vectors", "vectors_path", envvar="WORDVEC_VECTORS", required=True,
        metavar="PATH", help="Vector store to read (any supported format); default $WORDVEC_VECTORS.",
    )(func)


def load_vectors(path, **kwargs):
    """Load a store for a command (format auto-detected)."""
    import wordvec

    return wordvec.load(path, **kwargs)


def print_neighbours(pairs, as_json):
    """Print (word, score) pairs as aligned text, or as a JSON array of {"word", "score"}."""
    if as_json:
        click.echo(json.dumps([{"word": w, "score": round(float(s), 6)} for w, s in pairs]))
        return
    width = max((len(w) for w, _ in pairs), default=0)
    for word, score in pairs:
        click.echo(f"{word:<{width}}  {score:.4f}")
