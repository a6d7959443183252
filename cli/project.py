"""`wordvec project`: a 2-D map of words (t-SNE or PCA) as a labelled plot, an interactive
HTML page and a CSV."""

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
@click.option("--groups", "groups_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Colour by the groups of these `word<TAB>group` lines (other words: none).")
@click.option("-o", "--output", metavar="PLOT", help="Image to write (.png, .svg or .pdf).")
@click.option("--html", "html_path", metavar="PAGE",
              help="Interactive page to write: one self-contained HTML file (zoom, pan, search, "
                   "a word's neighbours on click).")
@click.option("--neighbours", type=click.IntRange(min=1), default=10, show_default=True,
              metavar="K", help="Neighbours per word in the --html page (from the whole store).")
@click.option("--csv", "csv_path", metavar="FILE",
              help="Also write word,x,y,group rows here (`-`: standard output).")
@click.option("--seed", type=int, default=0, show_default=True, help="t-SNE random state.")
@click.option("--perplexity", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="t-SNE perplexity, clamped to (n_words - 1) / 3.")
@click.option("--title", help="Title of the plot and of the page.")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress lines (t-SNE, label placement, neighbours).")
def project(vectors_path, words, method, top, words_file, groups_file, output, html_path,
            neighbours, csv_path, seed, perplexity, title, quiet):
    """Draw a 2-D map of WORDS, of the words in --words FILE, or of the --top N words: an image
    (-o), an interactive page (--html) and/or a CSV (--csv).

    Every word must be in the store: unknown words are an error that names them all. The
    image labels the first 2,000 words (every word is a point); the page names any word on
    hover and needs no network or server. t-SNE of 10,000 words takes minutes, PCA seconds.

    \b
    Examples:
      wordvec project --vectors glove-6b-50d --words groups.txt -o map.png --csv map.csv
      wordvec project --vectors glove-6b-50d --top 300 --method pca -o top.png
      wordvec project --vectors glove-6b-50d king queen man woman paris france -o six.png
      wordvec project --vectors glove-6b-50d --top 10000 --method pca --html map.html
    """
    inputs = (vectors_path, words_file, groups_file)
    check_output(output, *inputs)
    check_output(html_path, *inputs, output)
    check_output(csv_path, *inputs, output, html_path)
    from wordvec.projection import plot, project_2d, read_groups, save_csv

    if sum(map(bool, (words, top, words_file))) != 1:
        raise click.UsageError("give exactly one of WORDS, --top N or --words FILE")
    if not (output or html_path or csv_path):
        raise click.UsageError("give at least one output: -o PLOT, --html PAGE or --csv FILE")
    if html_path == "-" or output == "-":
        raise click.UsageError("-o and --html write files; only --csv may be `-`")
    groups = None
    if words_file:
        words, groups = read_groups(words_file)
    vectors = load_vectors(vectors_path)
    if groups_file:
        listed, named = read_groups(groups_file)
        group_of = dict(zip(listed, named or [""] * len(listed)))
        chosen = list(words) if words else vectors.keys[:top]
        groups = [group_of.get(w, "") for w in chosen]
    table = project_2d(vectors, words=list(words) if words else None, top=top, method=method,
                       perplexity=perplexity, random_state=seed, groups=groups,
                       progress=not quiet)
    written = []
    if output:
        plot(table, output, title=title, progress=not quiet)
        written.append(output)
    if html_path:
        from wordvec.projector import write_page

        size = write_page(vectors, table, html_path, topn=neighbours, title=title,
                          progress=not quiet)
        written.append(f"{html_path} ({size / 1e6:.1f} MB)")
    if csv_path:
        save_csv(table, sys.stdout if csv_path == "-" else csv_path)
        if csv_path != "-":
            written.append(csv_path)
    if written:
        click.echo(f"wrote {', '.join(written)}: {len(table)} words, {method}", err=True)
