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
@click.option("--connector-words", metavar="english|FILE", default=None,
              help="Words that may sit inside a phrase but never start or end one "
                   "(bank_of_america): english (gensim's ENGLISH_CONNECTOR_WORDS: a, an, the, "
                   "of, and, ...), or a file of one word a line. [default: none]")
@click.option("--save-model", metavar="MODEL", default=None,
              help="Also save the phrases learnt and their settings to the file MODEL "
                   "(atomically), to apply later with --model.")
@click.option("--model", "model_path", metavar="MODEL", default=None,
              help="Apply the phrases and settings saved in MODEL instead of learning them "
                   "(the learning options, --min-count to --max-vocab-size, --connector-words "
                   "and --save-model, are then refused).")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")
@click.pass_context
def phrases(ctx, corpus, output, min_count, threshold, scoring, passes, delimiter,
            max_vocab_size, tokenize, connector_words, save_model, model_path, quiet):
    """Detect phrases in CORPUS and write it with each joined into one token.

    CORPUS is read as `wordvec train` reads it (a file, .gz/.bz2, a folder, or - for stdin),
    once per pass and once more to write. Scores, counts and the joining are those of gensim's
    Phrases; a summary with the top-scored phrases goes to stderr. With --model, CORPUS is
    only read to write it, joined by the saved phrases (read it with the --tokenize it was
    learnt with).

    \b
    Examples:
      wordvec phrases data/bench.txt -o phrased.txt
      wordvec phrases data/bench.txt -o phrased.txt --passes 2 --scoring npmi --threshold 0.5
      wordvec phrases data/bench.txt -o phrased.txt --connector-words english  # bank_of_america
      wordvec phrases data/bench.txt -o phrased.txt --save-model bench.phrases
      wordvec phrases new.txt -o new-phrased.txt --model bench.phrases   # no relearning
      wordvec train phrased.txt -o phrased.wv && wordvec similar new_york --vectors phrased.wv
    """
    from wordvec.corpus import Corpus, UntokenizedWarning
    from wordvec.phrases import Phrases, load, read_connector_words

    from .common import check_output, warning_lines

    check_output(output, corpus)
    check_output(save_model, corpus)
    if save_model is not None and save_model in (output, model_path):
        raise click.UsageError(f"--save-model {save_model} is also the output or --model")
    if model_path is not None:
        learning = [f"--{name.replace('_', '-')}" for name in (
            "min_count", "threshold", "scoring", "passes", "delimiter", "max_vocab_size",
            "connector_words", "save_model")
            if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT]
        if learning:
            raise click.UsageError(f"{', '.join(learning)}: not with --model, which applies "
                                   f"the phrases and settings saved in {model_path}")
        model = load(model_path)
        model.set_params(progress=not quiet)
    else:
        if threshold is None:
            threshold = 10.0 if scoring == "default" else 0.5
        if connector_words not in (None, "english"):
            connector_words = read_connector_words(connector_words)
        model = Phrases(min_count=min_count, threshold=threshold, scoring=scoring,
                        passes=passes, delimiter=delimiter, max_vocab_size=max_vocab_size,
                        connector_words=connector_words or (), progress=not quiet)
        try:
            model._validate()
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    source = Corpus(corpus, tokenize=tokenize)
    with warning_lines(*((UntokenizedWarning,) if quiet else ())):
        if model_path is None:
            model.fit(source)
            if save_model is not None:
                model.save(save_model)
        target = click.get_text_stream("stdout") if output == "-" else output
        model.write(source, target)
    if quiet:
        return
    if model_path is not None:
        click.echo(f"applied {len(model.phrasegrams_):,} phrases in {len(model.tables_)} "
                   f"pass(es) from {model_path}", err=True)
        if output != "-":
            click.echo(f"wrote {output}", err=True)
        return
    for k, table in enumerate(model.tables_, 1):
        top = sorted(table.phrasegrams(delimiter).items(), key=lambda ps: -ps[1])[:5]
        click.echo(f"pass {k}: {len(table.phrases):,} phrases from {len(table.words):,} words "
                   f"and {len(table.pairs):,} pairs in {table.corpus_word_count:,} tokens"
                   + (f"; top: {', '.join(p for p, _ in top)}" if top else ""), err=True)
    if model.min_reduce_ > 1:
        click.echo(f"wordvec: warning: counts pruned to --max-vocab-size {max_vocab_size:,}: "
                   f"types seen fewer than {model.min_reduce_} times were dropped", err=True)
    if save_model is not None:
        click.echo(f"saved the phrases to {save_model}", err=True)
    if output != "-":
        click.echo(f"wrote {output}", err=True)
