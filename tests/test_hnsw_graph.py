"""wordvec's own HNSW graph file (`wordvec.hnsw`): the same neighbours as hnswlib's search of
the same graph, relabelling of hnswlib's internal ids, a memory-mapped round trip, damaged
files refused by name, indexes of the previous version still read, and a one-query CLI run
that imports neither hnswlib nor numba."""

import json
import shutil

import numpy as np
import pytest
from test_cli_startup import loaded_after

from wordvec import AnnIndex, Vectors
from wordvec.errors import FormatError
from wordvec.hnsw import HnswGraph

hnswlib = pytest.importorskip("hnswlib")

N, DIM = 4000, 24


@pytest.fixture(scope="module")
def store():
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(80, DIM))
    matrix = centres[rng.integers(0, 80, size=N)] + 0.6 * rng.normal(size=(N, DIM))
    matrix[17] = 0.0  # a zero row: cosine 0 with everything, as hnswlib has it
    return Vectors([f"w{i}" for i in range(N)], matrix.astype(np.float32))


@pytest.fixture(scope="module")
def hnswlib_file(store, tmp_path_factory):
    """An hnswlib index over the store's rows, added in shuffled order on two threads, so
    hnswlib's internal ids differ from the labels (the store rows)."""
    index = hnswlib.Index(space="cosine", dim=DIM)
    index.init_index(max_elements=N, M=8, ef_construction=100, random_seed=1)
    order = np.random.default_rng(2).permutation(N)
    index.add_items(store.vectors[order], order, num_threads=2)
    path = tmp_path_factory.mktemp("hnswlib") / "graph.bin"
    index.save_index(str(path))
    return path, index


def test_the_kernel_finds_what_hnswlib_finds_in_the_same_graph(store, hnswlib_file):
    path, index = hnswlib_file
    graph = HnswGraph.from_hnswlib(path, N, DIM)
    queries = np.random.default_rng(3).normal(size=(300, DIM)).astype(np.float32)
    for ef in (10, 50):
        index.set_ef(ef)
        theirs, distances = index.knn_query(queries, k=10, num_threads=1)
        ours, cosines = graph.search(queries, 10, ef)
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ours, theirs, strict=True)])
        assert overlap >= 0.99, (ef, overlap)  # the same walk, up to float ties
        unit = store.vectors / np.maximum(np.linalg.norm(store.vectors, axis=1), 1e-30)[:, None]
        q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        exact = np.einsum("qd,qkd->qk", q, unit[ours])
        np.testing.assert_allclose(cosines, exact, atol=1e-5)  # exact cosines of those rows
        assert np.all(np.diff(cosines, axis=1) <= 1e-6)  # best first


def test_rows_are_store_rows_whatever_hnswlib_numbered_them(store, hnswlib_file):
    graph = HnswGraph.from_hnswlib(hnswlib_file[0], N, DIM)
    rows = np.array([0, 1, 999, 2500, N - 1])
    ids, cosines = graph.search(store.vectors[rows], 3, 50)
    assert ids[:, 0].tolist() == rows.tolist()
    np.testing.assert_allclose(cosines[:, 0], 1.0, atol=1e-5)


def test_round_trip_maps_the_file_and_answers_the_same(store, hnswlib_file, tmp_path):
    graph = HnswGraph.from_hnswlib(hnswlib_file[0], N, DIM)
    graph.save(tmp_path / "g.ann")
    again = HnswGraph.load(tmp_path / "g.ann", N, DIM)
    assert isinstance(again.records, np.memmap) and isinstance(again.upper, np.memmap)
    queries = store.vectors[::37]
    for threads in (1, 2):
        ids, cosines = again.search(queries, 10, 40, threads=threads)
        want_ids, want_cosines = graph.search(queries, 10, 40)
        np.testing.assert_array_equal(ids, want_ids)
        np.testing.assert_array_equal(cosines, want_cosines)


def test_fewer_rows_than_asked_pad_with_minus_one(tmp_path):
    small = Vectors(["a", "b", "c"], np.eye(3, dtype=np.float32) + 0.1)
    index = AnnIndex.build(small, "hnsw", seed=0, progress=False)
    rows, cosines = index.query_vectors(small.vectors, 3)
    assert sorted(rows[0].tolist()) == [0, 1, 2] and rows[0, 0] == 0
    assert index.query("a", topn=5) == [(w, c) for w, c in index.query("a", topn=2)]


def test_damaged_graph_files_are_one_error_naming_the_file(store, hnswlib_file, tmp_path):
    graph = HnswGraph.from_hnswlib(hnswlib_file[0], N, DIM)
    good = tmp_path / "good.ann"
    graph.save(good)
    raw = good.read_bytes()

    def damaged(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    with pytest.raises(FormatError, match="junk.ann: not a wordvec HNSW graph"):
        HnswGraph.load(damaged("junk.ann", b"\xff" * len(raw)), N, DIM)
    with pytest.raises(FormatError, match="cut.ann: truncated HNSW graph"):
        HnswGraph.load(damaged("cut.ann", raw[:len(raw) // 2]), N, DIM)
    with pytest.raises(FormatError, match="long.ann: HNSW graph of"):
        HnswGraph.load(damaged("long.ann", raw + b"\0" * 64), N, DIM)
    with pytest.raises(FormatError, match="over 4000 x 24, the store is 3999 x 24"):
        HnswGraph.load(good, N - 1, DIM)
    # Every layer-0 link pointing past the end: the search stops and says so.
    links = bytearray(raw)
    width = graph.records.shape[1]
    records = np.frombuffer(links, np.int32, N * width, 128).reshape(N, width).copy()
    records[:, 1:1 + graph.max_m0] = N + 5
    links[128:128 + records.nbytes] = records.tobytes()
    bad = HnswGraph.load(damaged("links.ann", bytes(links)), N, DIM)
    with pytest.raises(FormatError, match="links.ann: damaged HNSW graph .* rebuild"):
        bad.search(store.vectors[:3], 5, 20)
    # hnswlib files that are not one, or are cut short
    original = hnswlib_file[0].read_bytes()
    with pytest.raises(FormatError, match="nothnsw.bin: HNSW index over"):
        HnswGraph.from_hnswlib(damaged("nothnsw.bin", b"\x07" * 4096), N, DIM)
    header = bytearray(original[:96])
    header[24:32] = (0).to_bytes(8, "little")  # 0 bytes per record
    with pytest.raises(FormatError, match="badlib.bin: not an hnswlib index of this store"):
        HnswGraph.from_hnswlib(damaged("badlib.bin", bytes(header) + original[96:]), N, DIM)
    with pytest.raises(FormatError, match="cutlib.bin: truncated HNSW index"):
        HnswGraph.from_hnswlib(damaged("cutlib.bin", original[:-8]), N, DIM)
    with pytest.raises(FormatError, match="halflib.bin: truncated HNSW index"):
        HnswGraph.from_hnswlib(damaged("halflib.bin", original[:len(original) // 2]), N, DIM)


def test_an_index_saved_as_hnswlib_by_the_previous_version_still_loads(store, hnswlib_file,
                                                                        tmp_path):
    folder = tmp_path / "store"
    store.save(folder)
    loaded = Vectors.load(folder)
    new = AnnIndex.build(loaded, "hnsw", M=8, ef_construction=100, seed=1, progress=False)
    path = new.save(AnnIndex.path_for(folder))
    meta = json.loads(path.with_name("index.ann.json").read_text())
    assert meta["version"] == 2
    # what version 1 wrote: hnswlib's own file, and a sidecar of version 1
    shutil.copyfile(hnswlib_file[0], path)
    meta.update(version=1, index_bytes=path.stat().st_size)
    path.with_name("index.ann.json").write_text(json.dumps(meta))
    old = AnnIndex.load(path, loaded, ef=60)
    index = hnswlib_file[1]
    index.set_ef(60)
    theirs, _ = index.knn_query(store.vectors[:200], k=11, num_threads=1)
    ours, _ = old.query_vectors(store.vectors[:200], 11)
    overlap = np.mean([len(set(a) & set(b)) / 11 for a, b in zip(ours, theirs, strict=True)])
    assert overlap >= 0.99


def test_one_ann_query_from_the_cli_imports_neither_hnswlib_nor_numba(store, tmp_path):
    folder = tmp_path / "store"
    store.save(folder)
    AnnIndex.build(Vectors.load(folder), "hnsw", M=8, seed=1,
                   progress=False).save(AnnIndex.path_for(folder))
    args = ["similar", "w5", "--vectors", str(folder), "--ann"]
    loaded_after(args)  # the first run may compile the native kernel into the cache
    assert loaded_after(args) == []
