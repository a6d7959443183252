"""Approximate nearest neighbours over a store, item ids = store rows: an HNSW graph (hnswlib,
the default) or an Annoy forest, the two peers behind one `AnnIndex`.

Both report every score as the exact cosine of float32 unit vectors (hnswlib's cosine space
returns 1 - cos; Annoy's angular distance between unit vectors is d = sqrt(2 - 2 cos), turned
back into 1 - d**2 / 2), the same number exact search gives.

The index lives in two files, whichever the backend: the index itself (`index.ann` inside a
native store folder, or `<file>.ann` beside any other store file; `AnnIndex.path_for` says
which) and a small JSON sidecar (`<index>.json`) naming the backend and its parameters, with
the store's shape, a fingerprint (blake2b of the words and the matrix bytes) and, for a store
memory-mapped from a file, that file's identity (`store_identity`). `AnnIndex.load` opens
either backend without being told which, and refuses an index whose store has changed since it
was built; it hashes the matrix only when the store is not that same file. Saving a native
store publishes a new version of its files (see `wordvec._atomic.atomic_dir`) and leaves an
index kept inside the folder alone: the fingerprint then refuses it if the vectors changed, so
an index never outlives the vectors it was built from. Edits made to an in-memory `Vectors`
after `build` are not noticed until the index is saved and loaded again.

The default backend and its defaults are chosen by measurement (`benchmarks/bench_ann.py`, GloVe
6B 50d, 400,000 words, 1,000 query words drawn uniformly from the whole vocabulary, one query at
a time through `most_similar(word, topn=10, index=...)` against exact `most_similar`, timed
interleaved on 2 cores shared with other jobs). In the last run, with the cores fairly quiet
(exact search at 221 queries/s):

| index | recall@10 | vs exact most_similar | build | file | open |
|---|---|---|---|---|---|
| HNSW M=16 ef_construction=400 ef=75 (default) | .979 | 16.6x | 142 s | 139 MB | .34 s |
| the same graph, ef=60 / ef=100 / ef=200 | .972 / .986 / .995 | 18.8x / 13.8x / 8.4x | | | |
| Annoy 50 trees, search_k=2000 (its default) | .775 | 8.6x | 11 s | 349 MB | .01 s |
| Annoy 50 trees, search_k=10000 | .953 | 2.7x | | | |

Among the 30,000 most frequent words the default HNSW gives .999 at 20x, Annoy .944 at 10x.
Speed ratios move by 20% with the load of shared cores. On busier runs ef_construction 200
(the first choice) gave .973 at ef 75 (14-18x) and .981 at ef 100 (12-16x); building with 400
adds about 10% to the build and .006 to recall at every ef; at ef 75 it gave .976-.978 at
15.9-17.5x on three other samples of 2,000 words. Batched, 10,000 uniform queries
through `most_similar_batch(..., index=...)` (hnswlib's threads) give .976 at 5.6x the exact
batched path (2.9-7.1x over four runs).

Those HNSW figures are of hnswlib's own search and file, which is read whole on opening (0.34 s
for GloVe): one `wordvec similar WORD --ann` process was then slower than exact search. wordvec
now keeps the graph in a file of its own (`wordvec.hnsw`: each node's links beside its unit
vector, 159 MB for GloVe) that opening memory-maps (0.02 s), searched by its own kernel, which
finds the same neighbours and took 0.23 s of CPU for 2,000 queries where hnswlib took 0.27 s.
Measured again that way on busy cores (exact at 86 queries/s): .979 at 16.8x, ef 60 .973 at
18.3x, ef 100 .986 at 15.3x; batched .976 at 6.1x; a single query in a fresh process costs what
exact search costs (0.57-0.74 s against 0.60-0.72 s), both mostly the loading of the store.
`wordvec index --report` measures the trade-off on your own vectors.

Examples
--------
>>> import numpy as np
>>> from wordvec import AnnIndex, Vectors
>>> rng = np.random.default_rng(0)
>>> v = Vectors([f"w{i}" for i in range(500)], rng.normal(size=(500, 8)))
>>> index = AnnIndex.build(v, backend="annoy", n_trees=10, seed=1, progress=False)
>>> words = [word for word, cosine in index.query("w3", topn=3)]
>>> len(words), "w3" in words
(3, False)
"""

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np

from ._atomic import atomic_file, atomic_path
from ._header import read_header
from .errors import FormatError, WordvecError

DEFAULT_BACKEND = "hnsw"
DEFAULT_M = 16
DEFAULT_EF_CONSTRUCTION = 400
DEFAULT_EF = 75
DEFAULT_TREES = 50
DEFAULT_SEARCH_K = 2000
INDEX_NAME = "index.ann"
FORMAT = "wordvec-ann"
_OLD_INDEX_NAME, _OLD_FORMAT = "annoy.ann", "wordvec-annoy"   # before HNSW: refused, by name
VERSION = 2  # 2: an HNSW index is wordvec's graph file (1: hnswlib's, still read)
_EXTRA = 3  # neighbours asked for beyond topn + excluded words, in case Annoy returns fewer


class StaleIndexError(WordvecError, ValueError):
    """A saved index does not match the store it is loaded with (rebuild it)."""


def fingerprint(vectors):
    """blake2b (hex) of a store's words, shape and matrix bytes: 0.1 s for 400,000 x 50."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{len(vectors)}x{vectors.dim}\0".encode())
    h.update("\0".join(vectors.keys).encode("utf-8", "surrogatepass"))
    matrix = np.ascontiguousarray(vectors.vectors, dtype=np.float32)
    h.update(memoryview(matrix).cast("B"))
    return h.hexdigest()


def _keys_digest(vectors):
    """blake2b (hex) of a store's words and shape: 10 ms for 400,000 words."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{len(vectors)}x{vectors.dim}\0".encode())
    h.update("\0".join(vectors.keys).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def store_identity(vectors):
    """Where a store's matrix lies, when it is a whole read-only memory-mapped file: a dict of
    the file's real path, device, inode, size and modification time (ns), the data offset,
    dtype and shape, and a digest of the words. None for a matrix in memory.

    A saved store is replaced, never rewritten in place (`wordvec._atomic`), so while these
    match, the bytes are those the index was built from; `AnnIndex.load` then need not hash
    the whole matrix.
    """
    matrix = vectors.vectors
    mapped, base = None, matrix
    while isinstance(base, np.ndarray):  # the memmap np.load made: the whole array in the file
        if isinstance(base, np.memmap):
            mapped = base
        base = base.base
    if (mapped is None or mapped.filename is None or matrix.flags.writeable
            or not matrix.flags.c_contiguous or matrix.nbytes != mapped.nbytes
            or matrix.ctypes.data != mapped.ctypes.data):
        return None
    try:
        st = os.stat(mapped.filename)
    except OSError:
        return None
    if st.st_size != mapped.offset + mapped.nbytes:
        return None
    return {"file": os.path.realpath(mapped.filename), "device": st.st_dev, "inode": st.st_ino,
            "bytes": st.st_size, "mtime_ns": st.st_mtime_ns, "offset": int(mapped.offset),
            "dtype": matrix.dtype.str, "shape": list(matrix.shape),
            "keys": _keys_digest(vectors)}


def _sidecar(path):
    return path.with_name(path.name + ".json")


def _threads(n_jobs):
    return (os.cpu_count() or 1) if n_jobs == -1 else _positive("n_jobs", n_jobs)


# ---------------------------------------------------------------------------- the two backends
# Each backend wraps one library's index: `build`, `save(filename)`, `load(filename, dim)`,
# `__len__`, and `search(queries (n, dim) float32, n, effort, threads) -> (rows, cosines)`,
# both (n_queries, n). `build_params` are fixed at build time; `effort` is the query-time knob.

class _Hnsw:
    """An HNSW graph: built by hnswlib in its cosine space, then kept as wordvec's own
    memory-mapped file and searched by a native kernel (`wordvec.hnsw`), so that opening
    one reads nothing and needs neither hnswlib nor numba."""

    name = "hnsw"
    build_params = {"M": DEFAULT_M, "ef_construction": DEFAULT_EF_CONSTRUCTION}
    effort, default_effort = "ef", DEFAULT_EF
    report_efforts = (25, 50, 75, 100, 200, 400)

    def __init__(self, graph):
        self._graph = graph

    @staticmethod
    def _library():
        try:
            import hnswlib
        except ImportError:
            raise WordvecError("building an HNSW index needs hnswlib: pip install "
                               "'wordvec[hnsw]' (or use the annoy backend)") from None
        return hnswlib

    @classmethod
    def build(cls, vectors, params, seed, threads, progress):
        from ._atomic import private_tempdir
        from ._progress import Progress
        from .hnsw import HnswGraph

        index = cls._library().Index(space="cosine", dim=vectors.dim)
        index.init_index(max_elements=len(vectors), M=params["M"],
                         ef_construction=params["ef_construction"],
                         random_seed=100 if seed is None else int(seed))
        matrix, step = vectors.vectors, 20000
        with Progress(f"building an HNSW graph (M={params['M']}, "
                      f"ef_construction={params['ef_construction']})", unit="vectors",
                      total=len(vectors), enabled=progress) as bar:
            for start in range(0, len(vectors), step):
                block = np.asarray(matrix[start:start + step], dtype=np.float32)
                index.add_items(block, np.arange(start, start + len(block)), num_threads=threads)
                bar.update(len(block))
        with private_tempdir("wordvec-hnsw-") as folder:  # hnswlib writes by file name only
            index.save_index(str(folder / "hnswlib.bin"))
            del index
            return cls(HnswGraph.from_hnswlib(folder / "hnswlib.bin", len(vectors),
                                              vectors.dim))

    def save(self, filename):
        self._graph.save(filename)

    @classmethod
    def load(cls, filename, vectors, version):
        from .hnsw import HnswGraph

        if version == 1:  # the previous version kept hnswlib's own file: read it whole
            return cls(HnswGraph.from_hnswlib(filename, len(vectors), vectors.dim))
        return cls(HnswGraph.load(filename, len(vectors), vectors.dim))  # a map: nothing read

    def __len__(self):
        return len(self._graph)

    def search(self, queries, n, effort, threads):
        return self._graph.search(queries, n, effort, threads)


class _Annoy:
    """Annoy's forest of random-projection trees, angular metric, memory-mapped once saved."""

    name = "annoy"
    build_params = {"n_trees": DEFAULT_TREES}
    effort, default_effort = "search_k", DEFAULT_SEARCH_K
    report_efforts = (500, 1000, 2000, 5000, 10000)

    def __init__(self, index):
        self._index = index

    @classmethod
    def build(cls, vectors, params, seed, threads, progress):
        from annoy import AnnoyIndex

        from ._progress import Progress

        index = AnnoyIndex(vectors.dim, "angular")
        if seed is not None:
            index.set_seed(int(seed))
        matrix = vectors.vectors
        with Progress("adding vectors", unit="vectors", total=len(vectors),
                      enabled=progress) as bar:
            for start in range(0, len(vectors), 10000):
                block = np.asarray(matrix[start:start + 10000])
                for i, row in enumerate(block, start):
                    index.add_item(i, row)
                bar.update(len(block))
        # Annoy builds the whole forest in one call that reports nothing: the line says what
        # is being done and for how long.
        with Progress(f"building {params['n_trees']} trees with Annoy (no progress to show)",
                      unit=None, enabled=progress) as bar, bar.ticking():
            index.build(params["n_trees"], n_jobs=threads)
        return cls(index)

    def save(self, filename):
        self._index.save(filename)  # Annoy then maps the new file, which the rename keeps

    @classmethod
    def load(cls, filename, vectors, version):
        from annoy import AnnoyIndex

        index = AnnoyIndex(vectors.dim, "angular")
        try:
            index.load(filename)  # a memory map: nothing is read until queried
        except OSError as exc:
            raise FormatError(filename, f"unreadable Annoy index ({exc})") from None
        return cls(index)

    def __len__(self):
        return self._index.get_n_items()

    def search(self, queries, n, effort, threads):
        def one(vector):
            found, dists = self._index.get_nns_by_vector(vector, n, search_k=effort,
                                                         include_distances=True)
            return found, dists

        if threads > 1 and len(queries) > 1:  # Annoy releases the GIL while it searches
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(threads) as pool:
                results = list(pool.map(one, queries))
        else:
            results = [one(vector) for vector in queries]
        rows = np.full((len(queries), n), -1, dtype=np.int64)
        cosines = np.full((len(queries), n), -np.inf, dtype=np.float32)
        for i, (found, dists) in enumerate(results):  # Annoy may return fewer than n
            rows[i, :len(found)] = found
            d = np.asarray(dists, dtype=np.float32)
            cosines[i, :len(found)] = 1.0 - d * d / 2.0
        return rows, cosines


BACKENDS = {b.name: b for b in (_Hnsw, _Annoy)}


class AnnIndex:
    """An approximate-neighbour index over the rows of a `Vectors`: an HNSW graph or an Annoy
    forest (`backend`), queried the same way.

    Make one with `AnnIndex.build` or `AnnIndex.load`, not with the constructor.

    Attributes
    ----------
    vectors : Vectors
        The store; item `i` of the index is its row `i`.
    backend : str
        "hnsw" or "annoy".
    M, ef_construction : int or None
        How an HNSW graph was built (links per node, candidate list while inserting).
    n_trees : int or None
        How many trees an Annoy forest has.
    seed : int or None
        The build's random seed.
    ef, search_k : int or None
        The query-time effort when a query is given none: HNSW's candidate list length, or the
        tree nodes Annoy inspects. Larger is slower and closer to exact search. The attribute
        of the other backend is None.
    """

    def __init__(self, backend, vectors, params, seed, effort=None):
        self._backend = backend
        self.vectors = vectors
        self.backend = backend.name
        self.M = params.get("M")
        self.ef_construction = params.get("ef_construction")
        self.n_trees = params.get("n_trees")
        self.seed = seed
        self.ef = self.search_k = None
        setattr(self, backend.effort, backend.default_effort if effort is None
                else _positive(backend.effort, effort))
        self._fingerprint = None

    def __len__(self):
        return len(self._backend)

    @property
    def params(self):
        """The build parameters of this index's backend: {"M", "ef_construction"} or
        {"n_trees"}."""
        return {name: getattr(self, name) for name in type(self._backend).build_params}

    def __repr__(self):
        settings = {**self.params, self._backend.effort: getattr(self, self._backend.effort)}
        text = ", ".join(f"{k}={v}" for k, v in settings.items())
        return (f"AnnIndex(backend={self.backend!r}, n_items={len(self)}, "
                f"dim={self.vectors.dim}, {text})")

    # ------------------------------------------------------------------ build, save, load
    @classmethod
    def build(cls, vectors, backend=None, *, M=None, ef_construction=None, n_trees=None,
              seed=None, ef=None, search_k=None, n_jobs=-1, progress=None):
        """Index every row of `vectors`.

        Parameters
        ----------
        vectors : Vectors
        backend : {"hnsw", "annoy"}, optional
            Default `DEFAULT_BACKEND` ("hnsw", which needs the `hnsw` extra: hnswlib).
        M, ef_construction : int, optional
            HNSW only: links kept per node (more: better recall, a larger file, a slower
            build) and the candidate list while inserting. Defaults `DEFAULT_M`,
            `DEFAULT_EF_CONSTRUCTION`.
        n_trees : int, optional
            Annoy only: trees in the forest. Default `DEFAULT_TREES`.
        seed : int, optional
            The library's random seed (HNSW node levels; Annoy's projections). Annoy gives the
            same forest for the same seed and number of threads; a multi-threaded HNSW build
            varies with thread timing.
        ef, search_k : int, optional
            The default query-time effort of the backend (`DEFAULT_EF`, `DEFAULT_SEARCH_K`).
        n_jobs : int
            Threads used to build (-1: all cores).
        progress : bool, optional
            A progress line on stderr when it is a terminal (the default), or never (False).
        """
        kind = _backend_named(DEFAULT_BACKEND if backend is None else backend)
        given = {"M": M, "ef_construction": ef_construction, "n_trees": n_trees,
                 "ef": ef, "search_k": search_k}
        own = {*kind.build_params, kind.effort}
        for name, value in given.items():
            if value is not None and name not in own:
                raise ValueError(f"{name} is not a parameter of the {kind.name} backend "
                                 f"(its parameters: {', '.join(sorted(own))})")
        params = {name: default if given[name] is None else _positive(name, given[name])
                  for name, default in kind.build_params.items()}
        effort = given[kind.effort]
        if effort is not None:
            _positive(kind.effort, effort)
        if len(vectors) == 0:
            raise ValueError("cannot index an empty store")
        threads = _threads(n_jobs)
        built = kind.build(vectors, params, seed, threads, True if progress is None else progress)
        return cls(built, vectors, params, seed, effort)

    @staticmethod
    def path_for(store_path):
        """Where the index of a store lives, whichever its backend: `<folder>/index.ann` for a
        native store folder, `<file>.ann` beside any other store file, `<cache>/<name>.ann` for
        the name of pretrained vectors (`"glove-6b-50d"`; the cache of
        `wordvec._cache.cache_dir`)."""
        from ._cache import cache_dir
        from .io import PRETRAINED

        store_path = Path(store_path)
        if store_path.is_dir():
            return store_path / INDEX_NAME
        if str(store_path) in PRETRAINED and not store_path.exists():
            return cache_dir() / f"{store_path}.ann"
        return store_path.with_name(store_path.name + ".ann")

    def save(self, path):
        """Write the index to `path` and its sidecar to `path` + `.json`, each atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:  # both libraries write by file name only
            self._backend.save(tmp)
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.vectors)
        meta = {"format": FORMAT, "version": VERSION, "backend": self.backend,
                "metric": "cosine", **self.params, "seed": self.seed,
                "n_items": len(self), "dim": self.vectors.dim,
                "index_bytes": path.stat().st_size, "fingerprint": self._fingerprint,
                "store": store_identity(self.vectors)}
        with atomic_file(_sidecar(path), "w", encoding="utf-8") as f:
            f.write(json.dumps(meta, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path, vectors, search_k=None, ef=None):
        """Open the index at `path` for `vectors`, whichever its backend (the sidecar says);
        `StaleIndexError` if they do not match.

        The check covers the dimension, the number of rows and a fingerprint of the words and
        the matrix, so an index built before the store changed is refused. The matrix is
        hashed only when the store is not the very file the index was built from
        (`store_identity`). Both backends memory-map their file: nothing is read until queried.
        `search_k` or `ef` (the one of the index's backend) sets the default query effort.
        """
        path = Path(path)
        if not path.is_file():
            if (path.parent / _OLD_INDEX_NAME).is_file():
                raise StaleIndexError(f"{path.parent / _OLD_INDEX_NAME}: an index of an older "
                                      f"wordvec; rebuild it with `wordvec index`")
            raise FileNotFoundError(2, "no index here (build one with `wordvec index`)",
                                    str(path))
        meta_path = _sidecar(path)
        old = None
        with contextlib.suppress(OSError, ValueError, RecursionError, AttributeError):
            old = json.loads(meta_path.read_text(encoding="utf-8")).get("format") == _OLD_FORMAT
        if old:
            raise StaleIndexError(f"{path}: an index of an older wordvec; rebuild it with "
                                  f"`wordvec index`")
        meta = read_header(meta_path, FORMAT, VERSION,
                           f"missing index sidecar {meta_path.name} (rebuild the index)")
        if meta.get("backend") not in BACKENDS:
            raise FormatError(meta_path, f"unknown backend {meta.get('backend')!r}")
        kind = BACKENDS[meta["backend"]]
        other = {"search_k": search_k, "ef": ef}
        effort = other.pop(kind.effort)
        (name, value), = other.items()
        if value is not None:
            raise ValueError(f"{path}: {name} does not apply to this {kind.name} index "
                             f"(its query effort is {kind.effort})")
        if meta.get("index_bytes") != path.stat().st_size:
            raise StaleIndexError(f"{path}: index file and its sidecar {meta_path.name} come from "
                                  "different builds; rebuild the index")
        if meta.get("dim") != vectors.dim:
            raise StaleIndexError(f"{path}: index built for {meta.get('dim')}-dimensional "
                                  f"vectors, the store has {vectors.dim}; rebuild the index")
        if meta.get("n_items") != len(vectors):
            raise StaleIndexError(f"{path}: index built over {meta.get('n_items')} words, the "
                                  f"store has {len(vectors)}; rebuild the index")
        identity = meta.get("store")
        if ((identity is None or identity != store_identity(vectors))
                and meta.get("fingerprint") != fingerprint(vectors)):
            raise StaleIndexError(f"{path}: the store's words or vectors changed since the index "
                                  "was built; rebuild the index")
        opened = kind.load(str(path), vectors, meta["version"])
        if len(opened) != len(vectors):
            raise StaleIndexError(f"{path}: the index file holds {len(opened)} items, "
                                  f"the store has {len(vectors)}; rebuild the index")
        index = cls(opened, vectors, {k: meta.get(k) for k in kind.build_params},
                    meta.get("seed"), effort)
        index._fingerprint = meta["fingerprint"]
        return index

    # ------------------------------------------------------------------ queries
    def _effort(self, search_k, ef):
        """The query effort of this backend: the one given, else the index's default."""
        mine = self._backend.effort
        if search_k is None and ef is None:  # every most_similar(index=...) query
            return getattr(self, mine)
        given = {"search_k": search_k, "ef": ef}
        for name, value in given.items():
            if value is not None and name != mine:
                raise ValueError(f"{name} does not apply to an {self.backend} index "
                                 f"(its query effort is {mine})")
        value = given[mine]
        return getattr(self, mine) if value is None else _positive(mine, value)

    def query_vectors(self, queries, n, search_k=None, ef=None, n_jobs=-1):
        """The `n` approximate nearest rows of each row of `queries` (n_queries, dim), with the
        library's multi-threaded batch search.

        Returns
        -------
        rows : ndarray of int64, shape (n_queries, n)
            Best first; -1 pads when the index found fewer.
        cosines : ndarray of float32, shape (n_queries, n)
            -inf where `rows` is -1.
        """
        queries = np.asarray(queries, dtype=np.float32)
        if queries.ndim != 2 or queries.shape[1] != self.vectors.dim:
            raise ValueError(f"query matrix has shape {queries.shape}, "
                             f"expected (n, {self.vectors.dim})")
        n = min(_positive("n", n), len(self))
        effort = self._effort(search_k, ef)
        if len(queries) == 0:
            return np.empty((0, n), dtype=np.int64), np.empty((0, n), dtype=np.float32)
        return self._backend.search(np.ascontiguousarray(queries), n, effort, _threads(n_jobs))

    def query_vector(self, vector, n, search_k=None, ef=None):
        """The `n` approximate nearest rows of `vector` as a list of (row, cosine), best first.

        Nothing is excluded; this is the hook `most_similar(..., index=...)` calls.
        """
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.vectors.dim,):
            raise ValueError(f"query vector has shape {vector.shape}, "
                             f"expected ({self.vectors.dim},)")
        n = min(_positive("n", n), len(self))
        rows, cosines = self._backend.search(vector[None, :], n, self._effort(search_k, ef), 1)
        return [(row, cos) for row, cos in zip(rows[0].tolist(), cosines[0].tolist(),
                                                strict=True) if row >= 0]

    def query(self, vector_or_word, topn=10, search_k=None, ef=None, exclude=None):
        """The `topn` approximate nearest words as a list of (word, cosine), best first.

        Parameters
        ----------
        vector_or_word : str or array_like, shape (dim,)
        topn : int
        search_k, ef : int, optional
            The query effort of the index's backend; default `self.search_k` / `self.ef`.
        exclude : iterable of str, optional
            Words left out of the answer; default: the query word itself (none for a vector).
        """
        if isinstance(vector_or_word, str):
            vector = self.vectors[vector_or_word]
            if exclude is None:
                exclude = (vector_or_word,)
        else:
            vector = vector_or_word
        topn = _positive("topn", topn)
        excluded = {self.vectors.key_to_index[w] for w in exclude or ()
                    if w in self.vectors.key_to_index}
        n = topn + len(excluded) + _EXTRA
        keys = self.vectors.keys
        pairs = [(keys[row], cos) for row, cos in self.query_vector(vector, n, search_k, ef)
                 if row not in excluded]
        return pairs[:topn]


def _backend_named(name):
    if name not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")
    return BACKENDS[name]


def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# ---------------------------------------------------------------------------- measuring recall
def sample_words(vectors, n=1000, restrict=30000, seed=0):
    """`n` distinct query words drawn uniformly among the first `restrict` rows (stores are
    written most frequent first, so these are the words people ask about), or among all rows
    when `restrict` is 0 or None."""
    pool = min(len(vectors), restrict) if restrict else len(vectors)
    rows = np.random.default_rng(seed).choice(pool, size=min(n, pool), replace=False)
    return [vectors.keys[row] for row in rows]


def recall_table(index, words, efforts=None, topn=10, chunk=20, progress=False):
    """Recall@topn of `most_similar(word, topn, index=index)` against exact `most_similar`, and
    queries/s of both, at each query effort in `efforts` (`ef` or `search_k`, per backend).

    Queries run one at a time, as a user asks them, through the same call a user makes; the
    query word is excluded from both. The words go in chunks of `chunk`, each searched exactly
    and then at every effort, so that a machine whose load changes during the run slows every
    column alike. `progress` shows the query words done on stderr when it is a terminal.

    Returns
    -------
    exact_qps : float
        Queries per second of exact search over the same words.
    rows : list of dict
        One per effort: `backend`, the build parameters, the effort (`ef` or `search_k`),
        `recall`, `queries_per_s`, `speedup` (queries/s over exact queries/s).
    """
    from ._progress import Progress

    vectors, name = index.vectors, index._backend.effort
    efforts = index._backend.report_efforts if efforts is None else efforts
    exact_s, seconds, hits = 0.0, [0.0] * len(efforts), [0] * len(efforts)
    _ = vectors.normed  # built before timing: not a cost of the first exact query
    default = getattr(index, name)
    bar = Progress(f"recall@{topn} of {index.backend}", unit="words", total=len(words),
                   enabled=progress)
    try:
        for start in range(0, len(words), chunk):
            queries = words[start:start + chunk]
            began = time.perf_counter()
            truth = [{word for word, _ in vectors.most_similar(q, topn=topn)} for q in queries]
            exact_s += time.perf_counter() - began
            for j, effort in enumerate(efforts):
                setattr(index, name, effort)
                began = time.perf_counter()
                found = [vectors.most_similar(q, topn=topn, index=index) for q in queries]
                seconds[j] += time.perf_counter() - began
                hits[j] += sum(len(t & {word for word, _ in f})
                               for t, f in zip(truth, found, strict=True))
            bar.update(len(queries))
    finally:
        setattr(index, name, default)
        bar.close()
    rows = [{"backend": index.backend, **index.params, name: effort,
             "recall": hits[j] / (topn * len(words)), "queries_per_s": len(words) / seconds[j],
             "speedup": exact_s / seconds[j]} for j, effort in enumerate(efforts)]
    return len(words) / exact_s, rows
