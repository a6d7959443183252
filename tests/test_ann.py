"""The approximate-neighbour index, both backends (HNSW and Annoy): recall against brute-force
cosine search, the cosine conversion, query-word exclusion, save/load beside a real store without
naming the backend, the refusal of stale indexes, and batched queries equal to single ones."""

import json

import numpy as np
import pytest
from ties import assert_same_ranking, cosine_ranking

from wordvec import AnnIndex, Vectors
from wordvec.ann import StaleIndexError
from wordvec.errors import FormatError

N_WORDS, DIM = 3000, 16


def clustered(n=N_WORDS, dim=DIM, seed=0):
    """`n` vectors around 60 random centres, so that neighbours mean something."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(60, dim))
    labels = rng.integers(0, 60, size=n)
    matrix = centres[labels] + 0.5 * rng.normal(size=(n, dim))
    return Vectors([f"w{i}" for i in range(n)], matrix)


def exact_top(vectors, row, topn):
    """Brute-force cosine neighbours of `row` (itself excluded) -> (rows, cosines)."""
    unit = vectors.vectors / np.linalg.norm(vectors.vectors, axis=1, keepdims=True)
    cos = unit @ unit[row]
    cos[row] = -np.inf
    top = np.argsort(-cos, kind="stable")[:topn]
    return top, cos[top]


@pytest.fixture(scope="module")
def store():
    return clustered()


@pytest.fixture(scope="module")
def index(store):
    return AnnIndex.build(store, "annoy", n_trees=10, seed=3, progress=False)


@pytest.fixture(scope="module")
def hnsw(store):
    return AnnIndex.build(store, "hnsw", M=16, seed=3, progress=False)


@pytest.fixture(scope="module", params=["hnsw", "annoy"])
def each(request, index, hnsw):
    """Each backend's index over `store`, and the query effort that makes it search exhaustively."""
    if request.param == "hnsw":
        return hnsw, {"ef": N_WORDS}
    return index, {"search_k": N_WORDS * index.n_trees}


def recall(vectors, index, rows, search_k=None, ef=None):
    hits = 0
    for row in rows:
        truth = set(exact_top(vectors, row, 10)[0].tolist())
        found = index.query(vectors.keys[row], topn=10, search_k=search_k, ef=ef)
        hits += len(truth & {vectors.key_to_index[w] for w, _ in found})
    return hits / (10 * len(rows))


def test_recall_against_brute_force(store, index):
    rows = np.random.default_rng(1).choice(len(store), 200, replace=False)
    # Inspecting every leaf of every tree is exact search.
    assert recall(store, index, rows, search_k=len(store) * index.n_trees) == 1.0
    # Measured 0.979-0.995 over six seeds with 10 trees and search_k 200 (0.93-0.95 at 100).
    assert recall(store, index, rows, search_k=200) >= 0.96
    # A tiny search_k inspects a handful of leaves: recall drops well below (measured 0.68-0.70).
    assert recall(store, index, rows, search_k=20) < 0.8


def test_hnsw_recall_against_brute_force(store, hnsw):
    rows = np.random.default_rng(1).choice(len(store), 200, replace=False)
    # A candidate list as long as the store visits the whole (connected) graph: measured 1.0
    # over four seeds; at ef 100 too; at ef 10 0.997-0.998.
    assert recall(store, hnsw, rows, ef=N_WORDS) >= 0.995
    assert hnsw.ef == 75 and recall(store, hnsw, rows) >= 0.99
    # Two links per node make a graph the search gets lost in (measured 0.44-0.47).
    sparse = AnnIndex.build(store, "hnsw", M=2, seed=0, progress=False)
    assert recall(store, sparse, rows, ef=10) < 0.7


def test_scores_are_exact_cosines(store, each):
    index, _ = each
    for row in (0, 17, 2999):
        found = index.query(store.keys[row], topn=10)
        assert len(found) == 10
        unit = store.vectors / np.linalg.norm(store.vectors, axis=1, keepdims=True)
        for word, cos in found:
            assert cos == pytest.approx(float(unit[store.index(word)] @ unit[row]), abs=2e-6)
        scores = [cos for _, cos in found]
        assert scores == sorted(scores, reverse=True)


def test_query_vector_returns_rows_and_cosines(store, each):
    index, _ = each
    pairs = index.query_vector(store.vectors[42], 5)
    assert pairs[0][0] == 42 and pairs[0][1] == pytest.approx(1.0, abs=1e-6)
    assert all(isinstance(row, int) for row, _ in pairs) and len(pairs) == 5
    # Both only see directions: a scaled query has the same neighbours and cosines.
    scaled = index.query_vector(7.5 * store.vectors[42], 5)
    assert [r for r, _ in scaled] == [r for r, _ in pairs]
    assert np.allclose([c for _, c in scaled], [c for _, c in pairs], atol=1e-6)


def test_query_word_is_excluded_like_exact_search(store, each):
    index, exhaustive = each
    found = index.query("w5", topn=10, **exhaustive)
    assert "w5" not in [w for w, _ in found] and len(found) == 10
    truth = cosine_ranking(store, store["w5"], 13, exclude=["w5"])
    assert_same_ranking(found, truth[:10])
    # Excluding more words still gives topn answers: the next ones in line.
    dropped = [w for w, _ in found[:3]]
    again = index.query("w5", topn=10, **exhaustive, exclude=["w5", *dropped, "unknown"])
    assert_same_ranking(again, [p for p in truth if p[0] not in dropped][:10])
    assert len(again) == 10 and not set(dropped) & {w for w, _ in again}
    # A vector query excludes nothing: the word itself comes first.
    assert index.query(store["w5"], topn=3)[0][0] == "w5"


def test_bad_arguments_are_refused(store, index, hnsw):
    with pytest.raises(ValueError, match="topn must be a positive integer, got 0"):
        index.query("w1", topn=0)
    with pytest.raises(ValueError, match=r"query vector has shape \(3,\), expected \(16,\)"):
        index.query(np.ones(3))
    with pytest.raises(KeyError, match="'nope' not in vocabulary"):
        index.query("nope")
    with pytest.raises(ValueError, match="n_trees must be a positive integer, got -1"):
        AnnIndex.build(store, "annoy", n_trees=-1)
    with pytest.raises(ValueError, match="search_k must be a positive integer, got 0"):
        index.query("w1", search_k=0)
    with pytest.raises(ValueError, match="ef must be a positive integer, got 0"):
        hnsw.query("w1", ef=0)
    with pytest.raises(ValueError, match="M must be a positive integer, got 0"):
        AnnIndex.build(store, M=0)
    with pytest.raises(ValueError, match="search_k does not apply to an hnsw index"):
        hnsw.query("w1", search_k=10)
    with pytest.raises(ValueError, match="ef does not apply to an annoy index"):
        index.query_vector(store["w1"], 3, ef=10)
    with pytest.raises(ValueError, match="n_trees is not a parameter of the hnsw backend"):
        AnnIndex.build(store, n_trees=10)  # the default backend is hnsw
    with pytest.raises(ValueError, match="backend must be one of hnsw, annoy, got 'faiss'"):
        AnnIndex.build(store, "faiss")


def test_a_missing_hnswlib_is_one_sentence(store, monkeypatch):
    import sys

    from wordvec.errors import WordvecError

    monkeypatch.setitem(sys.modules, "hnswlib", None)  # `import hnswlib` now fails
    with pytest.raises(WordvecError, match=r"needs hnswlib: pip install 'wordvec\[hnsw\]'"):
        AnnIndex.build(store, progress=False)


def test_save_load_round_trip_inside_a_native_store(tmp_path, store, index):
    folder = tmp_path / "store"
    store.save(folder)
    loaded = Vectors.load(folder)
    path = AnnIndex.path_for(folder)
    assert path == folder / "index.ann"
    index.save(path)
    meta = json.loads((folder / "index.ann.json").read_text())
    assert (meta["backend"], meta["n_items"], meta["dim"], meta["n_trees"], meta["seed"]) == \
        ("annoy", N_WORDS, DIM, 10, 3)
    again = AnnIndex.load(path, loaded, search_k=777)
    assert (len(again), again.n_trees, again.seed, again.search_k) == (N_WORDS, 10, 3, 777)
    for word in ("w0", "w123", "w2999"):
        assert again.query(word, topn=10) == index.query(word, topn=10)
    # Saving again over the loaded (memory-mapped) index leaves it usable.
    again.save(path)
    assert AnnIndex.load(path, loaded).query("w9") == index.query("w9")


def test_an_hnsw_index_loads_without_naming_its_backend(tmp_path, store, hnsw):
    folder = tmp_path / "store"
    store.save(folder)
    loaded = Vectors.load(folder)
    path = hnsw.save(AnnIndex.path_for(folder))
    meta = json.loads((folder / "index.ann.json").read_text())
    assert (meta["backend"], meta["M"], meta["ef_construction"], meta["n_items"]) == \
        ("hnsw", 16, 400, N_WORDS)
    again = AnnIndex.load(path, loaded, ef=64)
    assert (again.backend, again.M, again.ef_construction, again.seed) == ("hnsw", 16, 400, 3)
    assert (again.ef, again.search_k, again.n_trees) == (64, None, None)
    for word in ("w0", "w123", "w2999"):
        assert again.query(word, topn=10, ef=75) == hnsw.query(word, topn=10)
    assert_same_ranking(loaded.most_similar("w7", index=again), store.most_similar("w7"))
    with pytest.raises(ValueError, match="search_k does not apply to this hnsw index"):
        AnnIndex.load(path, loaded, search_k=10)
    # A damaged graph of the right size is one error naming the file, not a crash.
    size = path.stat().st_size
    path.write_bytes(b"\xff" * size)
    with pytest.raises(FormatError, match="index.ann: not a wordvec HNSW graph"):
        AnnIndex.load(path, loaded)


def test_index_path_beside_a_store_file(tmp_path, monkeypatch):
    assert AnnIndex.path_for(tmp_path / "glove.6B.50d.txt") == tmp_path / "glove.6B.50d.txt.ann"
    monkeypatch.setenv("WORDVEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert AnnIndex.path_for("glove-6b-50d") == tmp_path / "cache" / "glove-6b-50d.ann"


def test_stale_indexes_are_refused(tmp_path, store, each):
    index, _ = each
    path = tmp_path / "forest.ann"
    index.save(path)
    changed = store.copy()
    changed["w100"] = changed["w100"] + 1e-3
    with pytest.raises(StaleIndexError, match="forest.ann: the store's words or vectors changed"):
        AnnIndex.load(path, changed)
    renamed = Vectors(["x0", *store.keys[1:]], store.vectors)
    with pytest.raises(StaleIndexError, match="words or vectors changed"):
        AnnIndex.load(path, renamed)
    with pytest.raises(StaleIndexError, match="built for 16-dimensional vectors, the store has 8"):
        AnnIndex.load(path, clustered(dim=8))
    fewer = Vectors(store.keys[:-1], store.vectors[:-1])
    with pytest.raises(StaleIndexError, match="built over 3000 words, the store has 2999"):
        AnnIndex.load(path, fewer)
    # The unchanged store still loads it.
    assert AnnIndex.load(path, store.copy()).query("w1") == index.query("w1")


def test_mismatched_sidecar_and_missing_index(tmp_path, store, index):
    path = tmp_path / "forest.ann"
    index.save(path)
    other = AnnIndex.build(store, "annoy", n_trees=3, seed=0, progress=False)
    other.save(tmp_path / "other.ann")
    (tmp_path / "forest.ann.json").write_text((tmp_path / "other.ann.json").read_text())
    with pytest.raises(StaleIndexError, match="come from different builds"):
        AnnIndex.load(path, store)
    with pytest.raises(FileNotFoundError, match="no index here"):
        AnnIndex.load(tmp_path / "absent.ann", store)


def test_an_index_inside_a_store_is_refused_once_the_store_changes(tmp_path, store, each):
    index, _ = each
    folder = tmp_path / "store"
    store.save(folder)
    index.save(AnnIndex.path_for(folder))
    store.save(folder)  # a new version of the same vectors: the index still matches
    assert AnnIndex.load(AnnIndex.path_for(folder), Vectors.load(folder)).query(
        store.keys[0], topn=3)
    changed = Vectors(store.keys, np.asarray(store.vectors)[::-1].copy())
    changed.save(folder)  # a save never deletes the user's index, but it is now stale
    assert (folder / "index.ann").exists()
    with pytest.raises(StaleIndexError, match="words or vectors changed"):
        AnnIndex.load(AnnIndex.path_for(folder), Vectors.load(folder))


def test_an_index_of_a_mapped_store_is_checked_by_its_file_not_its_bytes(tmp_path, store):
    import os
    from pathlib import Path

    from wordvec.ann import store_identity

    folder = tmp_path / "store"
    store.save(folder)
    mapped = Vectors.load(folder)
    identity = store_identity(mapped)
    assert Path(identity["file"]).parent == folder.resolve()
    assert identity["shape"] == [N_WORDS, DIM] and identity["dtype"] == "<f4"
    assert store_identity(store) is None  # in memory: only hashing can tell
    assert store_identity(Vectors.load(folder, limit=10)) is None  # part of the file
    path = AnnIndex.path_for(folder)
    AnnIndex.build(mapped, "annoy", n_trees=3, seed=1, progress=False).save(path)
    assert json.loads((folder / "index.ann.json").read_text())["store"] == identity
    assert len(AnnIndex.load(path, Vectors.load(folder))) == N_WORDS
    assert len(AnnIndex.load(path, store.copy())) == N_WORDS  # another identity: hashed, equal
    # Bytes changed in place with the modification time put back go unnoticed: the identity
    # is trusted instead of hashing 80 MB (wordvec never writes a saved store in place).
    file, st = Path(identity["file"]), os.stat(identity["file"])
    with open(file, "r+b") as f:
        f.seek(identity["offset"])
        f.write(np.float32(9.0).tobytes())
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert len(AnnIndex.load(path, Vectors.load(folder))) == N_WORDS
    # A store saved again is a new file: its bytes are hashed, and a change is refused.
    Vectors(store.keys, np.asarray(store.vectors)[::-1].copy()).save(folder)
    with pytest.raises(StaleIndexError, match="words or vectors changed"):
        AnnIndex.load(path, Vectors.load(folder))


# ---------------------------------------------------------------------------- wordvec index
def run(*args):
    from click.testing import CliRunner
    from wordvec_cli.main import main

    return CliRunner().invoke(main, list(args))


def test_cli_builds_the_index_beside_the_store_and_reports(tmp_path, store):
    folder = tmp_path / "store"
    store.save(folder)
    result = run("index", "--vectors", str(folder), "--backend", "annoy", "--trees", "5",
                 "--seed", "2", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"wrote {folder / 'index.ann'}: annoy (n_trees=5) over 3,000 words")
    index = AnnIndex.load(folder / "index.ann", Vectors.load(folder))
    assert (index.backend, index.n_trees, index.seed) == ("annoy", 5, 2)

    # The report measures the saved Annoy forest and an HNSW graph built in memory, over query
    # words from the whole vocabulary and from the first 1,000.
    result = run("index", "--vectors", str(folder), "--report", "--sample", "40",
                 "--restrict", "1000", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["queries"] == 40 and [t["sample"] for t in report["tables"]] == \
        ["all", "first 1000"]
    for table in report["tables"]:
        assert table["exact_queries_per_s"] > 0
        rows = {b: [r for r in table["rows"] if r["backend"] == b] for b in ("hnsw", "annoy")}
        assert {r["n_trees"] for r in rows["annoy"]} == {5}
        assert {(r["M"], r["ef_construction"]) for r in rows["hnsw"]} == {(16, 400)}
        for kind in rows.values():  # effort ascending
            recalls = [r["recall"] for r in kind]
            assert all(0 <= r <= 1 for r in recalls) and recalls[-1] >= recalls[0] > 0
            assert recalls[-1] > 0.9

    result = run("index", "--vectors", str(folder), "--report", "--sample", "20",
                 "--backend", "annoy", "--trees", "2", "--trees", "4", "--restrict", "0")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["backend", "build", "query", "recall", "queries/s", "vs",
                                "exact"]
    assert [line.split()[1] for line in lines[3:] if line] == \
        ["n_trees=2"] * 5 + ["n_trees=4"] * 5


def test_cli_builds_an_hnsw_index_by_default(tmp_path, store):
    text = tmp_path / "vectors.txt"
    store.save(text)
    result = run("index", "--vectors", str(text), "--M", "8", "--ef-construction", "50",
                 "--json")
    assert result.exit_code == 0, result.output
    built = json.loads(result.output)
    assert (built["backend"], built["M"], built["ef_construction"]) == ("hnsw", 8, 50)
    assert built["bytes"] == (tmp_path / "vectors.txt.ann").stat().st_size > 0
    index = AnnIndex.load(tmp_path / "vectors.txt.ann", Vectors.load(text))
    assert (index.backend, index.M, index.ef_construction) == ("hnsw", 8, 50)
    base = ["--vectors", str(text), "-n", "5", "--json"]
    exact = json.loads(run("similar", "w5", *base).output)
    approx = run("similar", "w5", "--ann", "--ef", "3000", *base)
    assert approx.exit_code == 0, approx.output
    assert_same_ranking(pairs(json.loads(approx.output)), pairs(exact), tol=2e-6)  # printed
    result = run("similar", "w5", "--ann", "--search-k", "100", *base)
    assert result.exit_code == 2
    assert "--search-k does not apply to the hnsw index" in result.output and "use --ef" \
        in result.output
    result = run("similar", "w5", "--ef", "100", *base)
    assert result.exit_code == 2 and "--ef needs --ann" in result.output
    result = run("index", "--vectors", str(text), "--trees", "3")
    assert result.exit_code == 2 and "is a parameter of the annoy backend" in result.output
    result = run("index", "--vectors", str(text), "--backend", "hnsw", "--backend", "annoy")
    assert result.exit_code == 2 and "give one backend when building" in result.output


def test_cli_refuses_a_stale_index_and_bad_usage(tmp_path, store):
    text = tmp_path / "vectors.txt"
    store.save(text)
    assert run("index", "--vectors", str(text), "--backend", "annoy", "--trees", "3").exit_code \
        == 0
    assert (tmp_path / "vectors.txt.ann").is_file()
    changed = store.copy()
    changed["w7"] = -changed["w7"]
    changed.save(text)
    result = run("index", "--vectors", str(text), "--report", "--sample", "10")
    assert result.exit_code == 1
    assert result.output.strip() == (f"wordvec: error: {tmp_path / 'vectors.txt.ann'}: the "
                                     "store's words or vectors changed since the index was "
                                     "built; rebuild the index")
    result = run("index", "--vectors", str(text), "--backend", "annoy", "--trees", "3",
                 "--trees", "4")
    assert result.exit_code == 2 and "give one value when building" in result.output


def test_most_similar_and_analogy_take_the_index(store):
    exhaustive = AnnIndex.build(store, "annoy", n_trees=10, seed=3, search_k=len(store) * 10,
                                progress=False)
    for word in ("w0", "w77", "w2500"):
        assert_same_ranking(store.most_similar(word, index=exhaustive), store.most_similar(word))
    assert_same_ranking(
        store.most_similar(positive=["w1", "w2"], negative=["w3"], topn=5, index=exhaustive),
        store.most_similar(positive=["w1", "w2"], negative=["w3"], topn=5))
    for method in ("add", "mul"):
        found = store.analogy("w10", "w20", "w30", topn=5, method=method, index=exhaustive)
        assert len(found) == 5 and not {"w10", "w20", "w30"} & {w for w, _ in found}
    assert_same_ranking(store.analogy("w10", "w20", "w30", index=exhaustive),
                        store.analogy("w10", "w20", "w30"))
    # With a tiny search_k the index proposes few candidates: the answer is only approximate,
    # but still ranked by exact cosine and without the query word.
    rough = AnnIndex.build(store, "annoy", n_trees=2, seed=3, search_k=15, progress=False)
    found = store.most_similar("w5", topn=10, index=rough)
    assert "w5" not in [w for w, _ in found]
    exact = dict(store.most_similar("w5", topn=len(store) - 1))
    assert all(abs(exact[w] - s) < 1e-6 for w, s in found)


def test_batch_answers_equal_single_answers(store, each):
    index, exhaustive = each
    words = [f"w{i}" for i in range(0, N_WORDS, 7)]
    queries = [*words, ["w1", "w2"], ["w10", "w11", "w12"]]
    batch = store.most_similar_batch(queries, topn=10, index=index)
    assert len(batch) == len(queries)
    for query, found in zip(queries, batch, strict=True):
        assert_same_ranking(found, store.most_similar(positive=query, topn=10, index=index))
        assert not set([query] if isinstance(query, str) else query) & {w for w, _ in found}
    # The index at its default effort: scores are exact cosines of the rows it proposed.
    exact = store.most_similar_batch(words, topn=10)
    hits = sum(len({w for w, _ in a} & {w for w, _ in e})
               for a, e in zip(batch[:len(words)], exact, strict=True))
    assert hits / (10 * len(words)) >= 0.95
    # Searching exhaustively, the batch is the exact batch.
    name, effort = next(iter(exhaustive.items()))
    default = getattr(index, name)
    setattr(index, name, effort)
    try:
        for found, want in zip(store.most_similar_batch(words, topn=5, index=index),
                               store.most_similar_batch(words, topn=5), strict=True):
            assert_same_ranking(found, want)
        vectors = np.asarray(store.vectors[:3]) * 2.0  # vector queries exclude nothing
        assert [f[0][0] for f in store.most_similar_batch(vectors, topn=2, index=index)] == \
            ["w0", "w1", "w2"]
    finally:
        setattr(index, name, default)
    with pytest.raises(ValueError, match="restrict_vocab cannot be combined"):
        store.most_similar_batch(words, index=index, restrict_vocab=100)


def test_cli_similar_and_analogy_use_the_saved_index(tmp_path, store):
    folder = tmp_path / "store"
    store.save(folder)
    base = ["--vectors", str(folder), "-n", "5", "--json"]
    assert run("similar", "w5", "--ann", *base).exit_code == 1  # no index yet
    assert "no index here" in run("similar", "w5", "--ann", *base).output
    assert run("index", "--vectors", str(folder), "--backend", "annoy", "--trees", "4",
               "--seed", "0").exit_code == 0
    exact = run("similar", "w5", *base)
    approx = run("similar", "w5", "--ann", "--search-k", "12000", *base)
    assert approx.exit_code == 0, approx.output
    assert json.loads(approx.output) == json.loads(exact.output)
    analogy = run("analogy", "w1", "w2", "w3", "--ann", "--search-k", "12000", *base)
    assert json.loads(analogy.output) == json.loads(run("analogy", "w1", "w2", "w3", *base).output)
    result = run("similar", "w5", "--search-k", "10", *base)
    assert result.exit_code == 2 and "--search-k needs --ann" in result.output
    result = run("similar", "w5", "--ann", "--ef", "10", *base)
    assert result.exit_code == 2 and "--ef does not apply to the annoy index" in result.output
    from click.testing import CliRunner
    from wordvec_cli.main import main

    piped = CliRunner().invoke(main, ["similar", "-", "--ann", "--search-k", "12000", *base],
                               input="w5\nw1 w2\n")
    assert piped.exit_code == 0, piped.output
    by_query = {d["query"]: d["neighbours"] for d in map(json.loads, piped.output.splitlines())}
    # Batched through the index, scored by another product: equal up to the last printed digit.
    assert_same_ranking(pairs(by_query["w5"]), pairs(json.loads(exact.output)), tol=2e-6)
    assert_same_ranking(pairs(by_query["w1 w2"]),
                        pairs(json.loads(run("similar", "w1", "w2", *base).output)), tol=2e-6)


def pairs(records):
    """JSON neighbour records -> (word, score) pairs."""
    return [(d["word"], d["score"]) for d in records]


def test_an_index_of_an_older_wordvec_is_refused_with_a_rebuild_hint(tmp_path, store):
    folder = tmp_path / "store"
    store.save(folder)
    (folder / "annoy.ann").write_bytes(b"\0" * 64)       # the pre-HNSW name inside a folder
    with pytest.raises(StaleIndexError, match="older wordvec; rebuild it"):
        AnnIndex.load(AnnIndex.path_for(folder), Vectors.load(folder))
    single = tmp_path / "v.txt"
    store.save(single)
    (tmp_path / "v.txt.ann").write_bytes(b"\0" * 64)     # beside a file: its old sidecar
    (tmp_path / "v.txt.ann.json").write_text('{"format": "wordvec-annoy", "version": 1}')
    with pytest.raises(StaleIndexError, match="older wordvec; rebuild it"):
        AnnIndex.load(AnnIndex.path_for(single), Vectors.load(single))
