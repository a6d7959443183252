"""`wordvec similar`, `analogy`, `similarity`, `doesnt-match`, `evaluate`: queries on a store."""

import json

import click

from .common import load_index, load_vectors, neighbour_records, print_neighbours, vectors_option


def query_options(func):
    """--vectors, -n/--topn and --json, shared by the neighbour commands (extend here)."""
    func = click.option("--json", "as_json", is_flag=True,
                        help='Print a JSON array of {"word", "score"} objects.')(func)
    func = click.option("-n", "--topn", type=click.IntRange(min=1), default=10, show_default=True,
                        help="Number of neighbours to print.")(func)
    func = click.option("--ef", type=click.IntRange(min=1), default=None, metavar="EF",
                        help="With --ann and an HNSW index: candidates searched (default 75); "
                             "more is slower and closer to exact.")(func)
    func = click.option("--search-k", type=click.IntRange(min=1), default=None, metavar="K",
                        help="With --ann and an Annoy index: tree nodes searched (default "
                             "2000); more is slower and closer to exact.")(func)
    func = click.option("--ann", is_flag=True,
                        help="Use the approximate-neighbour index saved beside the store "
                             "(`wordvec index`; HNSW or Annoy, whichever was built).")(func)
    return vectors_option(func)


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="WORD [WORD...]")
@click.option("--restrict-vocab", type=click.IntRange(min=1), metavar="N",
              help="Search only the first N (most frequent) words.")
@query_options
def similar(words, restrict_vocab, vectors_path, ann, search_k, ef, topn, as_json):
    """Nearest neighbours (cosine) of a word, or of the sum of several words.

    With - as the only WORD, the queries come from standard input, one per line (a line's
    words are summed), and each neighbour is printed as QUERY<TAB>WORD<TAB>SCORE (with --json,
    one {"query", "neighbours"} object per line). Lines from a pipe are answered in batches
    (one matrix product for many queries); a line with an unknown word is reported on stderr
    and skipped, and the exit status is then 1.

    \b
    Example:
      wordvec similar frog --vectors glove-6b-50d -n 5
      wordvec similar frog --vectors glove-6b-50d --ann   # after `wordvec index`
      cut -f1 words.tsv | wordvec similar - --vectors glove-6b-50d -n 3 > neighbours.tsv
    """
    vectors = load_vectors(vectors_path)
    index = load_index(vectors_path, vectors, ann, search_k, ef)
    if words == ("-",):
        if not _similar_from_stdin(vectors, index, topn, restrict_vocab, as_json):
            click.get_current_context().exit(1)
        return
    print_neighbours(vectors.most_similar(positive=list(words), topn=topn,
                                          restrict_vocab=restrict_vocab, index=index), as_json)


def _similar_from_stdin(vectors, index, topn, restrict_vocab, as_json):
    """Answer the `similar` queries on standard input; False if some line was refused."""
    def answer(queries):
        return vectors.most_similar_batch(queries, topn=topn, restrict_vocab=restrict_vocab,
                                          index=index)

    return _answer_stdin(vectors, answer, None, as_json)


def _answer_stdin(vectors, answer, arity, as_json):
    """Read one query per line of standard input, `answer(list of word lists)` them in chunks
    (one line at a time from a terminal) and print the neighbours of each; a line with an
    unknown word, or not `arity` words, is reported on stderr. False if any was refused."""
    import sys

    all_answered = True
    for chunk in _query_chunks(sys.stdin, 1 if sys.stdin.isatty() else 1024):
        queries = []
        for line_no, query in chunk:
            unknown = [w for w in query if w not in vectors]
            problem = (f"expected {arity} words, got {len(query)}"
                       if arity is not None and len(query) != arity else
                       f"word {unknown[0]!r} is not in the vocabulary" if unknown else None)
            if problem:
                click.echo(f"wordvec: error: <stdin> line {line_no}: {problem}", err=True)
                all_answered = False
            else:
                queries.append(query)
        if not queries:
            continue
        lines = []
        for query, pairs in zip(queries, answer(queries), strict=True):
            text = " ".join(query)
            if as_json:
                lines.append(json.dumps({"query": text, "neighbours": neighbour_records(pairs)},
                                        ensure_ascii=False))
            else:
                lines.extend(f"{text}\t{w}\t{s:.4f}" for w, s in pairs)
        click.echo("\n".join(lines))
    return all_answered


def _query_chunks(stream, size):
    """(line number, words) of the non-blank lines of `stream`, in lists of up to `size`."""
    chunk = []
    for line_no, line in enumerate(stream, 1):
        query = line.split()
        if query:
            chunk.append((line_no, query))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="A B C")
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="3CosAdd, or 3CosMul (Levy & Goldberg 2014).")
@click.option("--restrict-vocab", type=click.IntRange(min=1), metavar="N",
              help="Search only the first N (most frequent) words.")
@query_options
def analogy(words, method, restrict_vocab, vectors_path, ann, search_k, ef, topn, as_json):
    """Words closest to A - B + C (B is to A as C is to ...).

    With - instead of A B C, the analogies come from standard input, one "A B C" per line,
    printed as in `wordvec similar -` (A B C<TAB>WORD<TAB>SCORE, or JSON lines); a line with an
    unknown word or not three words is reported on stderr, and the exit status is then 1.

    \b
    Example:
      wordvec analogy king man woman --vectors glove-6b-50d   # queen
      printf "king man woman\\nparis france italy\\n" | wordvec analogy - --vectors glove-6b-50d
    """
    if len(words) not in (1, 3) or (len(words) == 1 and words != ("-",)):
        raise click.UsageError(f"give three words A B C, or - to read them from standard "
                               f"input (got {len(words)} argument(s))")
    vectors = load_vectors(vectors_path)
    index = load_index(vectors_path, vectors, ann, search_k, ef)
    if words == ("-",):
        def answer(queries):
            return [vectors.analogy(*q, topn=topn, method=method,
                                    restrict_vocab=restrict_vocab, index=index)
                    for q in queries]

        if not _answer_stdin(vectors, answer, 3, as_json):
            click.get_current_context().exit(1)
        return
    a, b, c = words
    print_neighbours(vectors.analogy(a, b, c, topn=topn, method=method,
                                     restrict_vocab=restrict_vocab, index=index), as_json)


@click.command()
@click.argument("a")
@click.argument("b")
@vectors_option
@click.option("--json", "as_json", is_flag=True, help='Print {"a", "b", "score"} as JSON.')
def similarity(a, b, vectors_path, as_json):
    """Cosine similarity of two words.

    \b
    Example:
      wordvec similarity father mother --vectors glove-6b-50d
    """
    score = load_vectors(vectors_path).similarity(a, b)
    if as_json:
        click.echo(json.dumps({"a": a, "b": b, "score": round(score, 6)}, ensure_ascii=False))
    else:
        click.echo(f"{score:.6f}")


@click.command("doesnt-match")
@click.argument("words", nargs=-1, required=True, metavar="WORD WORD [WORD...]")
@vectors_option
@click.option("--json", "as_json", is_flag=True,
              help='Print a JSON array of {"word", "score"} objects.')
def doesnt_match(words, vectors_path, as_json):
    """The odd one out: the words by cosine to their mean, least central first.

    The first line is the word that does not match.

    \b
    Example:
      wordvec doesnt-match breakfast cereal dinner lunch --vectors glove-6b-50d
    """
    if len(words) < 2:
        raise click.UsageError("give at least 2 words")
    ranked = load_vectors(vectors_path).rank_by_centrality(words)
    print_neighbours(ranked[::-1], as_json)


@click.command()
@vectors_option
@click.option("--analogies", metavar="FILE",
              help="Google-analogy file (': section' lines), or a built-in name; "
                   "default questions-words unless only --similarities is given.")
@click.option("--similarities", multiple=True, metavar="FILE",
              help="Word-similarity file (w1 TAB w2 TAB score) or built-in name; repeatable; "
                   "default wordsim353 and simlex999 unless only --analogies is given.")
@click.option("--restrict-vocab", type=click.IntRange(min=1), default=300000, show_default=True,
              help="Only the first N (most frequent) words are known and searched.")
@click.option("--case-sensitive", is_flag=True,
              help="Compare words as they are (default: upper-cased, as gensim does).")
@click.option("--method", type=click.Choice(["add", "mul"]), default="add", show_default=True,
              help="Answer analogies with 3CosAdd (gensim's numbers) or 3CosMul.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def evaluate(vectors_path, analogies, similarities, restrict_vocab, case_sensitive, method,
             as_json, quiet):
    """Analogy accuracy (3CosAdd, or 3CosMul) and word-similarity correlations, as gensim
    computes them.

    Built-in sets (from gensim's package data): questions-words, wordsim353, simlex999.

    \b
    Examples:
      wordvec evaluate --vectors glove-6b-50d --restrict-vocab 30000
      wordvec evaluate --vectors vec.txt --similarities my_pairs.tsv --json
      wordvec evaluate --vectors glove-6b-50d --analogies questions-words --method mul
    """
    from wordvec.evaluate import (
        DEFAULT_ANALOGIES,
        DEFAULT_SIMILARITIES,
        evaluate_analogies,
        evaluate_similarities,
    )

    if analogies is None and not similarities:
        analogies, similarities = DEFAULT_ANALOGIES, DEFAULT_SIMILARITIES
    vectors = load_vectors(vectors_path)
    options = {"restrict_vocab": restrict_vocab, "case_insensitive": not case_sensitive}
    tables = {}
    if analogies is not None:
        tables["analogies"] = evaluate_analogies(vectors, analogies, method=method,
                                                 progress=not quiet, **options)
    if similarities:
        tables["similarities"] = evaluate_similarities(vectors, list(similarities), **options)
    if as_json:
        click.echo(json.dumps(_evaluation_json(tables), ensure_ascii=False))
        return
    for name, table in tables.items():
        click.echo(f"{name}:")
        click.echo(table.to_string(float_format=lambda x: f"{x:.4f}", na_rep="-"))
        click.echo()


def _evaluation_json(tables):
    """{"analogies": {"overall": {...}, "sections": {...}}, "similarities": {name: {...}}}."""
    out = {}
    if "analogies" in tables:
        records = json.loads(tables["analogies"].to_json(orient="index"))
        out["analogies"] = {"overall": records.pop("overall"), "sections": records}
    if "similarities" in tables:
        out["similarities"] = json.loads(tables["similarities"].to_json(orient="index"))
    return out
