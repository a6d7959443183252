"""`wordvec index`: build the Annoy index saved beside a store, or measure its recall."""

import json

import click

from .common import load_vectors, vectors_option


@click.command()
@vectors_option
@click.option("--trees", "n_trees", type=click.IntRange(min=1), multiple=True, metavar="N",
              help="Trees in the forest (default 50). With --report, repeat it to compare "
                   "forests built in memory.")
@click.option("--seed", type=int, default=None, help="Random seed of the build.")
@click.option("--report", is_flag=True,
              help="Measure recall@10 against exact search and queries/s instead of building.")
@click.option("--sample", type=click.IntRange(min=1), default=1000, show_default=True,
              help="With --report: number of query words.")
@click.option("--restrict", type=click.IntRange(min=0), default=30000, show_default=True,
              help="With --report: draw the query words among this many first (most frequent) "
                   "words; 0 for all.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def index(vectors_path, n_trees, seed, report, sample, restrict, as_json, quiet):
    """Build the approximate-neighbour index of a store and save it beside the store.

    The index goes inside a native store folder (annoy.ann), next to a store file
    (<file>.ann), or into the wordvec cache for --vectors glove-6b-50d; `wordvec similar
    --ann` and `wordvec analogy --ann` use it. Saving the store again drops or invalidates
    it: rebuild it then.

    \b
    Examples:
      wordvec index --vectors glove-6b-50d --trees 50
      wordvec index --vectors glove-6b-50d --report
      wordvec index --vectors glove-6b-50d --report --trees 25 --trees 100 --json
    """
    import time

    from wordvec.ann import AnnIndex, recall_table, sample_words

    if len(n_trees) > 1 and not report:
        raise click.BadParameter("give one value when building", param_hint="--trees")
    vectors = load_vectors(vectors_path)
    path = AnnIndex.path_for(vectors_path)
    progress = not quiet
    if not report:
        start = time.perf_counter()
        built = AnnIndex.build(vectors, n_trees=n_trees[0] if n_trees else None, seed=seed,
                               progress=progress)
        built.save(path)
        result = {"path": str(path), "n_trees": built.n_trees, "bytes": path.stat().st_size,
                  "seconds": round(time.perf_counter() - start, 2)}
        if as_json:
            click.echo(json.dumps(result))
        else:
            click.echo(f"wrote {path}: {result['n_trees']} trees over {len(vectors):,} words, "
                       f"{result['bytes'] / 1e6:.0f} MB, {result['seconds']:.1f} s")
        return

    if n_trees:
        indexes = (AnnIndex.build(vectors, n_trees=n, seed=seed, progress=progress)
                   for n in n_trees)
    else:
        indexes = [AnnIndex.load(path, vectors)]
    words = sample_words(vectors, sample, restrict)
    rows, exact = [], []
    for idx in indexes:
        exact_qps, table = recall_table(idx, words, progress=progress)
        exact.append(exact_qps)
        rows += table
    summary = {"queries": len(words), "restrict": restrict, "topn": 10,
               "exact_queries_per_s": sum(exact) / len(exact), "rows": rows}
    if as_json:
        click.echo(json.dumps(summary))
        return
    among = f"the first {restrict:,}" if restrict else "all"
    click.echo(f"recall@10 against exact search, {len(words)} query words among {among} words; "
               "one query at a time")
    click.echo(f"{'n_trees':>7}  {'search_k':>8}  {'recall':>6}  {'queries/s':>9}  {'vs exact':>8}")
    click.echo(f"{'exact':>7}  {'-':>8}  {1:6.3f}  {summary['exact_queries_per_s']:9.0f}  "
               f"{1:7.1f}x")
    for row in rows:
        click.echo(f"{row['n_trees']:>7}  {row['search_k']:>8}  {row['recall']:6.3f}  "
                   f"{row['queries_per_s']:9.0f}  {row['speedup']:7.1f}x")
