"""`wordvec project`: a 2-D map of words (t-SNE or PCA) as a labelled plot and a CSV."""

import sys

import click

from .common import check_output, load_vectors, vectors_option


@click.command()
@vectors_option
@click.argument("words", nargs=-1)
@click.option("--method", type=click.Choice(["tsne", "pca"]), default="tsne", show_default=True)
@click.option("--top", type=click.IntRange(min=2), metavar="N",
              help="Map the store's first N words (the most frequent, for most stores).")
@click.option("--words", "words_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Words to map, one per line, or `word<TAB>group` lines to colour by group.")
@click.option("-o", "--output", required=True, metavar="PLOT",
              help="Image to write (.png, .svg or .pdf).")
@click.option("--csv", "csv_path", metavar="FILE",
              help="Also write word,x,y,group rows here (`-`: standard output).")
@click.option("--seed", type=int, default=0, show_default=True, help="t-SNE random state.")
@click.option("--perplexity", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="t-SNE perplexity, clamped to (n_words - 1) / 3.")
@click.option("--title", help="Title of the plot.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines (t-SNE, label placement).")
def project(vectors_path, words, method, top, words_file, output, csv_path, seed, perplexity,
            title, quiet):
    """Draw a 2-D map of WORDS, of the words in --words FILE, or of the --top N words.

    Every word must be in the store: unknown words are an error that names them all.

    \b
    Examples:
      wordvec project --vectors glove-6b-50d --words groups.txt -o map.png --csv map.csv
      wordvec project --vectors glove-6b-50d --top 300 --method pca -o top.png
      wordvec project --vectors glove-6b-50d king queen man woman paris france -o six.png
    """
    check_output(output, vectors_path, words_file)
    check_output(csv_path, vectors_path, words_file, output)
    from wordvec.projection import plot, project_2d, read_groups, save_csv

    if sum(map(bool, (words, top, words_file))) != 1:
        raise click.UsageError("give exactly one of WORDS, --top N or --words FILE")
    groups = None
    if words_file:
        words, groups = read_groups(words_file)
    vectors = load_vectors(vectors_path)
    table = project_2d(vectors, words=list(words) if words else None, top=top, method=method,
                       perplexity=perplexity, random_state=seed, groups=groups,
                       progress=not quiet)
    plot(table, output, title=title, progress=not quiet)
    if csv_path:
        save_csv(table, sys.stdout if csv_path == "-" else csv_path)
    click.echo(f"wrote {output}" + (f" and {csv_path}" if csv_path not in (None, "-") else "")
               + f": {len(table)} words, {method}", err=True)
