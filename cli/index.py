"""`wordvec index`: build the approximate-neighbour index saved beside a store (HNSW or Annoy),
or measure recall and speed."""

import json

import click

from .common import load_vectors, vectors_option


@click.command()
@vectors_option
@click.option("--backend", type=click.Choice(["hnsw", "annoy"]), multiple=True,
              help="hnsw (an HNSW graph, hnswlib; the default) or annoy (a forest). With "
                   "--report, repeat it to choose; the report compares both by default.")
@click.option("--M", "M", type=click.IntRange(min=1), multiple=True, metavar="M",
              help="HNSW: links per node (default 16). With --report, repeat it to compare.")
@click.option("--ef-construction", type=click.IntRange(min=1), default=None, metavar="N",
              help="HNSW: candidate list while inserting (default 400).")
@click.option("--trees", "n_trees", type=click.IntRange(min=1), multiple=True, metavar="N",
              help="Annoy: trees in the forest (default 50). With --report, repeat it to "
                   "compare.")
@click.option("--seed", type=int, default=None, help="Random seed of the build.")
@click.option("--report", is_flag=True,
              help="Measure recall@10 against exact search and queries/s instead of saving: "
                   "the saved index if it is of a backend asked for and no build parameter of "
                   "that backend is given, else indexes built in memory.")
@click.option("--sample", type=click.IntRange(min=1), default=1000, show_default=True,
              help="With --report: number of query words.")
@click.option("--restrict", type=click.IntRange(min=0), default=30000, show_default=True,
              help="With --report: a second table of query words drawn among this many first "
                   "(most frequent) words; 0 for none.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def index(vectors_path, backend, M, ef_construction, n_trees, seed, report, sample, restrict,
          as_json, quiet):
    """Build the approximate-neighbour index of a store and save it beside the store.

    The index goes inside a native store folder (index.ann), next to a store file
    (<file>.ann), or into the wordvec cache for --vectors glove-6b-50d; `wordvec similar
    --ann` and `wordvec analogy --ann` use it, whichever its backend. Saving the store again
    drops or invalidates it: rebuild it then. An HNSW graph of GloVe 6B's 400,000 words takes
    3-6 minutes to build on 2 cores and answers with recall@10 0.98 (ef 75); an Annoy forest
    takes under a minute but gives 0.78 at its default search_k. --report draws its query
    words uniformly from the whole vocabulary (and, in a second table, from the --restrict
    most frequent words).

    \b
    Examples:
      wordvec index --vectors glove-6b-50d                  # HNSW, M 16, ef_construction 400
      wordvec index --vectors glove-6b-50d --backend annoy --trees 50
      wordvec index --vectors glove-6b-50d --report         # the saved index and the other
      wordvec index --vectors glove-6b-50d --report --backend annoy --trees 25 --trees 100
    """
    import time

    from wordvec.ann import DEFAULT_BACKEND, AnnIndex, recall_table, sample_words

    backends = backend or (("hnsw", "annoy") if report else (DEFAULT_BACKEND,))
    settings = {"hnsw": {"M": M, "ef_construction": ef_construction},
                "annoy": {"n_trees": n_trees}}
    for name, params in settings.items():
        for param, value in params.items():
            option = "--trees" if param == "n_trees" else f"--{param.replace('_', '-')}"
            if value and name not in backends:
                raise click.BadParameter(f"is a parameter of the {name} backend",
                                         param_hint=option)
            if isinstance(value, tuple) and len(value) > 1 and not report:
                raise click.BadParameter("give one value when building", param_hint=option)
    if len(backends) > 1 and not report:
        raise click.BadParameter("give one backend when building", param_hint="--backend")
    vectors = load_vectors(vectors_path)
    path = AnnIndex.path_for(vectors_path)
    progress = not quiet

    def builds(name):
        """The parameter sets to build for backend `name`: one per repeated value."""
        if name == "hnsw":
            return [{"M": m, "ef_construction": ef_construction} for m in M or (None,)]
        return [{"n_trees": n} for n in n_trees or (None,)]

    if not report:
        start = time.perf_counter()
        built = AnnIndex.build(vectors, backends[0], seed=seed, progress=progress,
                               **builds(backends[0])[0])
        built.save(path)
        result = {"path": str(path), "backend": built.backend, **built.params,
                  "bytes": path.stat().st_size, "seconds": round(time.perf_counter() - start, 2)}
        if as_json:
            click.echo(json.dumps(result))
        else:
            click.echo(f"wrote {path}: {built.backend} ({_build_text(built.params)}) over "
                       f"{len(vectors):,} words, {result['bytes'] / 1e6:.0f} MB, "
                       f"{result['seconds']:.1f} s")
        return

    samples = [("all", sample_words(vectors, sample, restrict=None))]
    if restrict and restrict < len(vectors):
        samples.append((f"first {restrict}", sample_words(vectors, sample, restrict)))
    tables = {name: {"sample": name, "exact_queries_per_s": [], "rows": []} for name, _ in samples}
    saved = None
    for name in backends:
        for params in builds(name):
            idx = None
            if not any(settings[name].values()) and path.is_file():
                saved = saved or AnnIndex.load(path, vectors)
                idx = saved if saved.backend == name else None
            if idx is None:
                idx = AnnIndex.build(vectors, name, seed=seed, progress=progress, **params)
            for sample_name, words in samples:
                exact_qps, rows = recall_table(idx, words, progress=progress)
                tables[sample_name]["exact_queries_per_s"].append(exact_qps)
                tables[sample_name]["rows"] += rows
            del idx
    for table in tables.values():
        qps = table["exact_queries_per_s"]
        table["exact_queries_per_s"] = sum(qps) / len(qps)
    summary = {"queries": sample, "topn": 10, "tables": list(tables.values())}
    if as_json:
        click.echo(json.dumps(summary))
        return
    for table in tables.values():
        among = "all" if table["sample"] == "all" else f"the first {restrict:,}"
        click.echo(f"recall@10 against exact search, {sample} query words drawn among {among} "
                   "words; one query at a time")
        click.echo(f"{'backend':<7}  {'build':<24}  {'query':<14}  {'recall':>6}  "
                   f"{'queries/s':>9}  {'vs exact':>8}")
        click.echo(f"{'exact':<7}  {'-':<24}  {'-':<14}  {1:6.3f}  "
                   f"{table['exact_queries_per_s']:9.0f}  {1:7.1f}x")
        for row in table["rows"]:
            effort = "ef" if row["backend"] == "hnsw" else "search_k"
            build = _build_text({k: row[k] for k in ("M", "ef_construction", "n_trees")
                                 if k in row})
            click.echo(f"{row['backend']:<7}  {build:<24}  {effort + '=' + str(row[effort]):<14}"
                       f"  {row['recall']:6.3f}  {row['queries_per_s']:9.0f}  "
                       f"{row['speedup']:7.1f}x")
        click.echo()


def _build_text(params):
    """{"M": 16, "ef_construction": 400} -> "M=16 ef_construction=400"."""
    return " ".join(f"{k}={v}" for k, v in params.items())
