"""The Annoy index: recall against brute-force cosine search, the cosine conversion, query-word
exclusion, save/load beside a real store, and the refusal of stale indexes."""

import json

import numpy as np
import pytest
from ties import assert_same_ranking, cosine_ranking

from wordvec import AnnIndex, Vectors
from wordvec.ann import StaleIndexError

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
    return AnnIndex.build(store, n_trees=10, seed=3, progress=False)


def recall(vectors, index, rows, search_k):
    hits = 0
    for row in rows:
        truth = set(exact_top(vectors, row, 10)[0].tolist())
        found = index.query(vectors.keys[row], topn=10, search_k=search_k)
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


def test_scores_are_exact_cosines(store, index):
    for row in (0, 17, 2999):
        found = index.query(store.keys[row], topn=10)
        assert len(found) == 10
        unit = store.vectors / np.linalg.norm(store.vectors, axis=1, keepdims=True)
        for word, cos in found:
            assert cos == pytest.approx(float(unit[store.index(word)] @ unit[row]), abs=2e-6)
        scores = [cos for _, cos in found]
        assert scores == sorted(scores, reverse=True)


def test_query_vector_returns_rows_and_cosines(store, index):
    pairs = index.query_vector(store.vectors[42], 5)
    assert pairs[0][0] == 42 and pairs[0][1] == pytest.approx(1.0, abs=1e-6)
    assert all(isinstance(row, int) for row, _ in pairs) and len(pairs) == 5
    # Annoy only sees directions: a scaled query has the same neighbours and cosines.
    scaled = index.query_vector(7.5 * store.vectors[42], 5)
    assert [r for r, _ in scaled] == [r for r, _ in pairs]
    assert np.allclose([c for _, c in scaled], [c for _, c in pairs], atol=1e-6)


def test_query_word_is_excluded_like_exact_search(store, index):
    exhaustive = len(store) * index.n_trees
    found = index.query("w5", topn=10, search_k=exhaustive)
    assert "w5" not in [w for w, _ in found] and len(found) == 10
    truth = cosine_ranking(store, store["w5"], 13, exclude=["w5"])
    assert_same_ranking(found, truth[:10])
    # Excluding more words still gives topn answers: the next ones in line.
    dropped = [w for w, _ in found[:3]]
    again = index.query("w5", topn=10, search_k=exhaustive, exclude=["w5", *dropped, "unknown"])
    assert_same_ranking(again, [p for p in truth if p[0] not in dropped][:10])
    assert len(again) == 10 and not set(dropped) & {w for w, _ in again}
    # A vector query excludes nothing: the word itself comes first.
    assert index.query(store["w5"], topn=3)[0][0] == "w5"


def test_bad_arguments_are_refused(store, index):
    with pytest.raises(ValueError, match="topn must be a positive integer, got 0"):
        index.query("w1", topn=0)
    with pytest.raises(ValueError, match=r"query vector has shape \(3,\), expected \(16,\)"):
        index.query(np.ones(3))
    with pytest.raises(KeyError, match="'nope' not in vocabulary"):
        index.query("nope")
    with pytest.raises(ValueError, match="n_trees must be a positive integer, got -1"):
        AnnIndex.build(store, n_trees=-1)
    with pytest.raises(ValueError, match="search_k must be a positive integer, got 0"):
        index.query("w1", search_k=0)


def test_save_load_round_trip_inside_a_native_store(tmp_path, store, index):
    folder = tmp_path / "store"
    store.save(folder)
    loaded = Vectors.load(folder)
    path = AnnIndex.path_for(folder)
    assert path == folder / "annoy.ann"
    index.save(path)
    meta = json.loads((folder / "annoy.ann.json").read_text())
    assert (meta["n_items"], meta["dim"], meta["n_trees"], meta["seed"]) == (N_WORDS, DIM, 10, 3)
    again = AnnIndex.load(path, loaded, search_k=777)
    assert (len(again), again.n_trees, again.seed, again.search_k) == (N_WORDS, 10, 3, 777)
    for word in ("w0", "w123", "w2999"):
        assert again.query(word, topn=10) == index.query(word, topn=10)
    # Saving again over the loaded (memory-mapped) index leaves it usable.
    again.save(path)
    assert AnnIndex.load(path, loaded).query("w9") == index.query("w9")


def test_index_path_beside_a_store_file(tmp_path, monkeypatch):
    assert AnnIndex.path_for(tmp_path / "glove.6B.50d.txt") == tmp_path / "glove.6B.50d.txt.ann"
    monkeypatch.setenv("WORDVEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert AnnIndex.path_for("glove-6b-50d") == tmp_path / "cache" / "glove-6b-50d.ann"


def test_stale_indexes_are_refused(tmp_path, store, index):
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
    other = AnnIndex.build(store, n_trees=3, seed=0, progress=False)
    other.save(tmp_path / "other.ann")
    (tmp_path / "forest.ann.json").write_text((tmp_path / "other.ann.json").read_text())
    with pytest.raises(StaleIndexError, match="come from different builds"):
        AnnIndex.load(path, store)
    with pytest.raises(FileNotFoundError, match="no Annoy index here"):
        AnnIndex.load(tmp_path / "absent.ann", store)


def test_an_index_inside_a_store_is_refused_once_the_store_changes(tmp_path, store, index):
    folder = tmp_path / "store"
    store.save(folder)
    index.save(AnnIndex.path_for(folder))
    store.save(folder)  # a new version of the same vectors: the index still matches
    assert AnnIndex.load(AnnIndex.path_for(folder), Vectors.load(folder)).query(
        store.keys[0], topn=3)
    changed = Vectors(store.keys, np.asarray(store.vectors)[::-1].copy())
    changed.save(folder)  # a save never deletes the user's index, but it is now stale
    assert (folder / "annoy.ann").exists()
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
    AnnIndex.build(mapped, n_trees=3, seed=1, progress=False).save(path)
    assert json.loads((folder / "annoy.ann.json").read_text())["store"] == identity
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
    result = run("index", "--vectors", str(folder), "--trees", "5", "--seed", "2", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {folder / 'annoy.ann'}: 5 trees over 3,000 words")
    index = AnnIndex.load(folder / "annoy.ann", Vectors.load(folder))
    assert (index.n_trees, index.seed) == (5, 2)

    result = run("index", "--vectors", str(folder), "--report", "--sample", "40", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["queries"] == 40 and report["exact_queries_per_s"] > 0
    assert {row["n_trees"] for row in report["rows"]} == {5}
    recalls = [row["recall"] for row in report["rows"]]  # search_k ascending
    assert all(0 <= r <= 1 for r in recalls) and recalls[-1] >= recalls[0] and recalls[-1] > 0.9

    result = run("index", "--vectors", str(folder), "--report", "--sample", "20",
                 "--trees", "2", "--trees", "4")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["n_trees", "search_k", "recall", "queries/s", "vs", "exact"]
    assert [line.split()[0] for line in lines[3:]] == ["2"] * 5 + ["4"] * 5


def test_cli_refuses_a_stale_index_and_bad_usage(tmp_path, store):
    text = tmp_path / "vectors.txt"
    store.save(text)
    assert run("index", "--vectors", str(text), "--trees", "3").exit_code == 0
    assert (tmp_path / "vectors.txt.ann").is_file()
    changed = store.copy()
    changed["w7"] = -changed["w7"]
    changed.save(text)
    result = run("index", "--vectors", str(text), "--report", "--sample", "10")
    assert result.exit_code == 1
    assert result.output.strip() == (f"wordvec: error: {tmp_path / 'vectors.txt.ann'}: the "
                                     "store's words or vectors changed since the index was "
                                     "built; rebuild the index")
    result = run("index", "--vectors", str(text), "--trees", "3", "--trees", "4")
    assert result.exit_code == 2 and "give one value when building" in result.output


def test_most_similar_and_analogy_take_the_index(store):
    exhaustive = AnnIndex.build(store, n_trees=10, seed=3, search_k=len(store) * 10,
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
    rough = AnnIndex.build(store, n_trees=2, seed=3, search_k=15, progress=False)
    found = store.most_similar("w5", topn=10, index=rough)
    assert "w5" not in [w for w, _ in found]
    exact = dict(store.most_similar("w5", topn=len(store) - 1))
    assert all(abs(exact[w] - s) < 1e-6 for w, s in found)


def test_cli_similar_and_analogy_use_the_saved_index(tmp_path, store):
    folder = tmp_path / "store"
    store.save(folder)
    base = ["--vectors", str(folder), "-n", "5", "--json"]
    assert run("similar", "w5", "--ann", *base).exit_code == 1  # no index yet
    assert "no Annoy index here" in run("similar", "w5", "--ann", *base).output
    assert run("index", "--vectors", str(folder), "--trees", "4", "--seed", "0").exit_code == 0
    exact = run("similar", "w5", *base)
    approx = run("similar", "w5", "--ann", "--search-k", "12000", *base)
    assert approx.exit_code == 0, approx.output
    assert json.loads(approx.output) == json.loads(exact.output)
    analogy = run("analogy", "w1", "w2", "w3", "--ann", "--search-k", "12000", *base)
    assert json.loads(analogy.output) == json.loads(run("analogy", "w1", "w2", "w3", *base).output)
    result = run("similar", "w5", "--search-k", "10", *base)
    assert result.exit_code == 2 and "--search-k needs --ann" in result.output
    from click.testing import CliRunner
    from wordvec_cli.main import main

    piped = CliRunner().invoke(main, ["similar", "-", "--ann", "--search-k", "12000", *base],
                               input="w5\nw1 w2\n")
    assert piped.exit_code == 0, piped.output
    by_query = {d["query"]: d["neighbours"] for d in map(json.loads, piped.output.splitlines())}
    assert by_query["w5"] == json.loads(exact.output)
    assert by_query["w1 w2"] == json.loads(run("similar", "w1", "w2", *base).output)
