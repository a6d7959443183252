"""`wordvec debias` and `wordvec bias`: remove a bias direction from a store, or measure it."""

import json

import click

from .common import check_output, load_vectors, vectors_option

FORMATS = ("native", "word2vec", "word2vec-binary", "glove")   # as in wordvec.io.FORMATS


def _lists_options(func):
    """--pairs / --exclude / --equalize: the word lists of `wordvec.debias.debias`."""
    func = click.option("--equalize", "equalize_file", type=click.Path(dir_okay=False),
                        metavar="FILE",
                        help="Pairs to equalize, `word1 word2` per line (default: the built-in "
                             "gender pairs, or the --pairs themselves).")(func)
    func = click.option("--exclude", "exclude_file", type=click.Path(dir_okay=False),
                        metavar="FILE",
                        help="Words left alone, one per line (default: the built-in "
                             "gender-specific words, or none beyond the pairs with --pairs).")(func)
    return click.option("--pairs", "pairs_file", type=click.Path(dir_okay=False), metavar="FILE",
                        help="Definitional pairs, `word1 word2` per line; one pair gives "
                             "word1 - word2, several their first principal component "
                             "(default: the ten gender pairs).")(func)


def _read_lists(pairs_file, exclude_file, equalize_file):
    from wordvec.debias import read_pairs, read_words

    return {"pairs": read_pairs(pairs_file) if pairs_file else None,
            "exclude": read_words(exclude_file) if exclude_file else None,
            "equalize_pairs": read_pairs(equalize_file) if equalize_file else None}


@click.command(short_help="Write a copy of a store with a bias direction removed.")
@vectors_option
@click.option("-o", "--output", required=True, metavar="OUT", help="Where to write the new store.")
@_lists_options
@click.option("--format", "format", type=click.Choice(FORMATS),
              help="Output format; default from OUT's extension (.txt/.vec word2vec, "
                   ".bin word2vec-binary, else native).")
def debias(vectors_path, output, pairs_file, exclude_file, equalize_file, format):
    """Write a debiased copy of a store (Bolukbasi et al. 2016): every word loses its component
    along the bias direction except the excluded ones, then the equalize pairs are made to
    differ only along it. The input is never modified.

    \b
    Examples:
      wordvec debias --vectors glove-6b-50d -o glove-debiased
      wordvec debias --vectors glove-6b-50d -o out --pairs race_pairs.txt --exclude keep.txt
    """
    check_output(output, vectors_path, pairs_file, exclude_file, equalize_file)
    from wordvec.debias import bias_report, debias

    vectors = load_vectors(vectors_path)
    lists = _read_lists(pairs_file, exclude_file, equalize_file)
    result = debias(vectors, **lists)
    result.save(output, format=format)
    report = bias_report(vectors, result, pairs=lists["pairs"])
    means = report.abs().mean()
    click.echo(f"wrote {output}: {len(result)} words; mean |cos| of {len(report)} professions "
               f"with the direction {means['cos_before']:.4f} -> {means['cos_after']:.2e}")


@click.command(short_help="Report the bias of words before and after debiasing.")
@vectors_option
@click.argument("words", nargs=-1)
@_lists_options
@click.option("--analogies", is_flag=True,
              help="Also score Google analogies (top 30,000 words) before and after (slow).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def bias(vectors_path, words, pairs_file, exclude_file, equalize_file, analogies, as_json):
    """Report the bias of WORDS (default: built-in professions): cosine with the bias direction
    and projection on it (the direction as a unit vector), before and after `wordvec debias`
    with the same options, and their mean absolute values. Positive values lean to the first
    word of each pair (woman, she ... by default), negative to the second (man, he ...).
    Built-in professions the store lacks are counted on stderr.

    \b
    Examples:
      wordvec bias --vectors glove-6b-50d receptionist nurse engineer
      wordvec bias --vectors glove-6b-50d --analogies --json
    """
    from wordvec.debias import (
        analogy_change,
        bias_report,
        debias,
        default_pairs,
        default_professions,
    )

    vectors = load_vectors(vectors_path)
    lists = _read_lists(pairs_file, exclude_file, equalize_file)
    if not words:
        professions = default_professions()
        words = [w for w in professions if w in vectors]
        if not words:
            raise ValueError(f"none of the {len(professions)} built-in professions is in "
                             f"{vectors_path}; name the words to report")
        if len(words) < len(professions):
            click.echo(f"wordvec: {len(professions) - len(words)} of {len(professions)} "
                       f"professions not in the store", err=True)
    pairs = lists["pairs"] or [p for p in default_pairs() if p[0] in vectors and p[1] in vectors]
    result = debias(vectors, **lists)
    report = bias_report(vectors, result, words=list(words), pairs=lists["pairs"])
    report = report[["cos_before", "cos_after", "proj_before", "proj_after"]]
    means = report.abs().mean()
    change = analogy_change(vectors, result) if analogies else None
    if as_json:
        out = {"words": [{"word": w, **row} for w, row in report.to_dict("index").items()],
               "mean_abs": means.to_dict(), "positive": [p[0] for p in pairs],
               "negative": [p[1] for p in pairs]}
        if change is not None:
            out["analogies"] = change.to_dict("index")
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    width = max([len(w) for w in report.index] + [len("mean |x|")])
    click.echo(f"{'word':<{width}}" + "".join(f"  {c:>12}" for c in report.columns))
    for word, row in [*report.iterrows(), ("mean |x|", means)]:
        # + 0.0 turns the -0.0 of a rounded -3e-09 into 0.0
        click.echo(f"{word:<{width}}" + "".join(f"  {round(x, 6) + 0.0:>12.6f}" for x in row))
    more = " ..." if len(pairs) > 3 else ""
    firsts, seconds = (", ".join(p[i] for p in pairs[:3]) + more for i in (0, 1))
    click.echo(f"positive: toward {firsts}; negative: toward {seconds}")
    if change is not None:
        for name, row in change.iterrows():
            click.echo(f"analogies {name}: {row['accuracy']:.4f} "
                       f"({row['correct']}/{row['total']})")
