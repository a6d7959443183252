"""`wordvec phrases`: join frequent collocations of a corpus into one token (new_york)."""

import click

from .common import COUNT


@click.command()
@click.argument("corpus", metavar="CORPUS")
@click.option("-o", "--output", required=True, metavar="OUT",
              help="Phrased corpus to write (written atomically), or - for stdout.")
@click.option("--min-count", type=COUNT, default=5, show_default=True,
              help="Pairs seen this often or less are never phrases.")
@click.option("--threshold", type=float, default=None,
              help="Score a pair must exceed to be a phrase [10; npmi 0.5].")
@click.option("--scoring", type=click.Choice(["default", "npmi"]), default="default",
              show_default=True,
              help="default: Mikolov et al.'s (count(a b) - min_count) / (count(a) count(b)) "
                   "x vocabulary size; npmi: normalised PMI, in [-1, 1]. As gensim's Phrases.")
@click.option("--passes", type=COUNT, default=1, show_default=True,
              help="Rounds of detection; each joins phrases of the previous ones with more "
                   "words (2: new_york_city).")
@click.option("--delimiter", default="_", show_default=True, help="Joins a phrase's words.")
@click.option("--max-vocab-size", type=COUNT, default=40_000_000, show_default=True,
              help="Most distinct words plus pairs held while counting (pairs take about 40 "
                   "bytes each at the peak); beyond it, rare ones are dropped as gensim does.")
@click.option("--tokenize", type=click.Choice(["whitespace", "lower", "words"]),
              default="whitespace", show_default=True,
              help="How lines become words (see `wordvec train --help`).")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
def phrases(corpus, output, min_count, threshold, scoring, passes, delimiter, max_vocab_size,
            tokenize, quiet):
    """Detect phrases in CORPUS and write it with each joined into one token.

    CORPUS is read as `wordvec train` reads it (a file, .gz/.bz2, a folder, or - for stdin),
    once per pass and once more to write. Scores, counts and the joining are those of gensim's
    Phrases; a summary with the top-scored phrases goes to stderr.

    \b
    Examples:
      wordvec phrases data/bench.txt -o phrased.txt
      wordvec phrases data/bench.txt -o phrased.txt --passes 2 --scoring npmi --threshold 0.5
      wordvec train phrased.txt -o phrased.wv && wordvec similar new_york --vectors phrased.wv
    """
    from wordvec.corpus import Corpus, UntokenizedWarning
    from wordvec.phrases import Phrases

    from .common import check_output, warning_lines

    check_output(output, corpus)
    if threshold is None:
        threshold = 10.0 if scoring == "default" else 0.5
    model = Phrases(min_count=min_count, threshold=threshold, scoring=scoring, passes=passes,
                    delimiter=delimiter, max_vocab_size=max_vocab_size, progress=not quiet)
    try:
        model._validate()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    source = Corpus(corpus, tokenize=tokenize)
    with warning_lines(*((UntokenizedWarning,) if quiet else ())):
        model.fit(source)
        target = click.get_text_stream("stdout") if output == "-" else output
        model.write(source, target)
    if quiet:
        return
    for k, table in enumerate(model.tables_, 1):
        top = sorted(table.phrasegrams(delimiter).items(), key=lambda ps: -ps[1])[:5]
        click.echo(f"pass {k}: {len(table.phrases):,} phrases from {len(table.words):,} words "
                   f"and {len(table.pairs):,} pairs in {table.corpus_word_count:,} tokens"
                   + (f"; top: {', '.join(p for p, _ in top)}" if top else ""), err=True)
    if model.min_reduce_ > 1:
        click.echo(f"wordvec: warning: counts pruned to --max-vocab-size {max_vocab_size:,}: "
                   f"types seen fewer than {model.min_reduce_} times were dropped", err=True)
    if output != "-":
        click.echo(f"wrote {output}", err=True)
