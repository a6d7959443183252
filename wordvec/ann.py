"""Approximate nearest neighbours: an Annoy index over a store, with item ids = store rows.

Annoy's angular distance between unit vectors is d = sqrt(2 - 2 cos), so every score is
reported as the cosine 1 - d**2 / 2, the same number exact search gives.

The index lives in two files: the Annoy forest (`annoy.ann` inside a native store folder, or
`<file>.ann` beside any other store file; `AnnIndex.path_for` says which) and a small JSON
sidecar (`<index>.json`) with the store's shape, a fingerprint (blake2b of the words and the
matrix bytes) and, for a store memory-mapped from a file, that file's identity
(`store_identity`). `AnnIndex.load` memory-maps the forest and refuses an index whose store has
changed since it was built; it hashes the matrix only when the store is not that same file.
Saving a native store publishes a new version of its files (see `wordvec._atomic.atomic_dir`)
and leaves an index kept inside the folder alone: the fingerprint then refuses it if the
vectors changed, so an index never outlives the vectors it was built from. Edits made to an
in-memory `Vectors` after `build` are not noticed until the index is saved and loaded again.

Defaults, measured on GloVe 6B 50d (400,000 words, query words drawn among the 30,000 most
frequent, neighbours searched among all 400,000, one query at a time; `benchmarks/bench_ann.py`):
DEFAULT_TREES = 50 and DEFAULT_SEARCH_K = 2000 give recall@10 of 0.93-0.94 against exact
cosine search at 10-11x its queries/s (timed interleaved on 2 shared cores), from a 349 MB
index (the matrix is 80 MB) built in 11-23 s (80-90 s when other jobs hold the cores);
opening it takes 0.02-0.04 s for the memory-mapped store it was built from, 0.1-0.2 s more
for any other copy (the fingerprint). One `wordvec similar WORD --ann` then spends 0.03 s on
the index and the query against 0.06-0.2 s for exact search (which normalises every row), and
about 80 MB less anonymous memory; its peak RSS is still higher (430 MB against 260 MB) because
the kernel maps the index file's cached pages around each page a query reads (fault-around):
page cache, shared and reclaimable, not memory the process owns. 100 trees buy little (0.95)
for a 612 MB file; 25 trees give 0.92. Rare words are harder: over query words drawn from
the whole vocabulary the same settings give 0.78 (search_k 10,000: 0.95, at 2-5x exact).
`wordvec index --report` measures the trade-off on your own vectors.

Examples
--------
>>> import numpy as np
>>> from wordvec import AnnIndex, Vectors
>>> rng = np.random.default_rng(0)
>>> v = Vectors([f"w{i}" for i in range(500)], rng.normal(size=(500, 8)))
>>> index = AnnIndex.build(v, n_trees=10, seed=1)
>>> words = [word for word, cosine in index.query("w3", topn=3)]
>>> len(words), "w3" in words
(3, False)
"""

import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np

from ._atomic import atomic_file, atomic_path
from ._header import read_header
from .errors import FormatError, WordvecError

DEFAULT_TREES = 50
DEFAULT_SEARCH_K = 2000
INDEX_NAME = "annoy.ann"
FORMAT = "wordvec-annoy"
VERSION = 1
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


class AnnIndex:
    """An Annoy forest (angular metric) over the rows of a `Vectors`.

    Make one with `AnnIndex.build` or `AnnIndex.load`, not with the constructor.

    Attributes
    ----------
    vectors : Vectors
        The store; Annoy item `i` is its row `i`.
    n_trees, seed : int
        How the forest was built.
    search_k : int
        Tree nodes Annoy inspects per query when `query` is given no `search_k`: larger is
        slower and closer to exact search.
    """

    def __init__(self, annoy, vectors, n_trees, seed, search_k=None):
        self._annoy = annoy
        self.vectors = vectors
        self.n_trees = n_trees
        self.seed = seed
        self.search_k = DEFAULT_SEARCH_K if search_k is None else _positive("search_k", search_k)
        self._fingerprint = None

    def __len__(self):
        return self._annoy.get_n_items()

    def __repr__(self):
        return (f"AnnIndex(n_items={len(self)}, dim={self.vectors.dim}, "
                f"n_trees={self.n_trees}, search_k={self.search_k})")

    # ------------------------------------------------------------------ build, save, load
    @classmethod
    def build(cls, vectors, n_trees=None, seed=None, search_k=None, n_jobs=-1, progress=None):
        """Build a forest of `n_trees` random-projection trees over every row of `vectors`.

        Parameters
        ----------
        vectors : Vectors
        n_trees : int, optional
            More trees: better recall at a given `search_k`, a larger file, a slower build.
            Default `DEFAULT_TREES`.
        seed : int, optional
            Annoy's random seed; the same seed and number of build threads give the same
            forest (`n_jobs=-1` uses one thread per core).
        search_k : int, optional
            Default `search_k` of queries (`DEFAULT_SEARCH_K`).
        n_jobs : int
            Threads used to build the trees (-1: all cores).
        progress : bool, optional
            A progress line on stderr when it is a terminal (the default), or never (False).
        """
        from annoy import AnnoyIndex

        n_trees = DEFAULT_TREES if n_trees is None else _positive("n_trees", n_trees)
        if len(vectors) == 0:
            raise ValueError("cannot index an empty store")
        from ._progress import Progress

        progress = True if progress is None else progress
        annoy = AnnoyIndex(vectors.dim, "angular")
        if seed is not None:
            annoy.set_seed(int(seed))
        matrix = vectors.vectors
        with Progress("adding vectors", unit="vectors", total=len(vectors),
                      enabled=progress) as bar:
            for start in range(0, len(vectors), 10000):
                block = np.asarray(matrix[start:start + 10000])
                for i, row in enumerate(block, start):
                    annoy.add_item(i, row)
                bar.update(len(block))
        # Annoy builds the whole forest in one call that reports nothing: the line says what
        # is being done and for how long.
        with Progress(f"building {n_trees} trees with Annoy (no progress to show)", unit=None,
                      enabled=progress) as bar, bar.ticking():
            annoy.build(n_trees, n_jobs=n_jobs)
        return cls(annoy, vectors, n_trees, seed, search_k)

    @staticmethod
    def path_for(store_path):
        """Where the index of a store lives: `<folder>/annoy.ann` for a native store folder,
        `<file>.ann` beside any other store file, `<cache>/<name>.ann` for the name of
        pretrained vectors (`"glove-6b-50d"`; the cache of `wordvec._cache.cache_dir`)."""
        from ._cache import cache_dir
        from .io import PRETRAINED

        store_path = Path(store_path)
        if store_path.is_dir():
            return store_path / INDEX_NAME
        if str(store_path) in PRETRAINED and not store_path.exists():
            return cache_dir() / f"{store_path}.ann"
        return store_path.with_name(store_path.name + ".ann")

    def save(self, path):
        """Write the forest to `path` and its sidecar to `path` + `.json`, each atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:  # Annoy writes by file name only
            self._annoy.save(tmp)  # Annoy then maps the new file, which the rename keeps
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.vectors)
        meta = {"format": FORMAT, "version": VERSION, "metric": "angular",
                "n_items": len(self), "dim": self.vectors.dim, "n_trees": self.n_trees,
                "seed": self.seed, "index_bytes": path.stat().st_size,
                "fingerprint": self._fingerprint, "store": store_identity(self.vectors)}
        with atomic_file(_sidecar(path), "w", encoding="utf-8") as f:
            f.write(json.dumps(meta, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path, vectors, search_k=None):
        """Memory-map the index at `path` for `vectors`; `StaleIndexError` if they do not match.

        The check covers the dimension, the number of rows and a fingerprint of the words and
        the matrix, so an index built before the store changed is refused. The matrix is
        hashed only when the store is not the very file the index was built from
        (`store_identity`).
        """
        from annoy import AnnoyIndex

        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(2, "no Annoy index here (build one with `wordvec index`)",
                                    str(path))
        meta_path = _sidecar(path)
        meta = read_header(meta_path, FORMAT, VERSION,
                           f"missing index sidecar {meta_path.name} (rebuild the index)")
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
        annoy = AnnoyIndex(vectors.dim, "angular")
        try:
            annoy.load(str(path))  # a memory map: nothing is read until queried
        except OSError as exc:
            raise FormatError(path, f"unreadable Annoy index ({exc})") from None
        if annoy.get_n_items() != len(vectors):
            raise StaleIndexError(f"{path}: the Annoy file holds {annoy.get_n_items()} items, "
                                  f"the store has {len(vectors)}; rebuild the index")
        index = cls(annoy, vectors, meta.get("n_trees"), meta.get("seed"), search_k)
        index._fingerprint = meta["fingerprint"]
        return index

    # ------------------------------------------------------------------ queries
    def query_vector(self, vector, n, search_k=None):
        """The `n` approximate nearest rows of `vector` as a list of (row, cosine), best first.

        Nothing is excluded; this is the hook `most_similar(..., index=...)` calls.
        """
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.vectors.dim,):
            raise ValueError(f"query vector has shape {vector.shape}, "
                             f"expected ({self.vectors.dim},)")
        n = _positive("n", n)
        search_k = self.search_k if search_k is None else _positive("search_k", search_k)
        rows, dists = self._annoy.get_nns_by_vector(vector, n, search_k=search_k,
                                                    include_distances=True)
        return [(row, 1.0 - d * d / 2.0) for row, d in zip(rows, dists, strict=True)]

    def query(self, vector_or_word, topn=10, search_k=None, exclude=None):
        """The `topn` approximate nearest words as a list of (word, cosine), best first.

        Parameters
        ----------
        vector_or_word : str or array_like, shape (dim,)
        topn : int
        search_k : int, optional
            Default `self.search_k`.
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
        n = min(topn + len(excluded) + _EXTRA, len(self))
        keys = self.vectors.keys
        pairs = [(keys[row], cos) for row, cos in self.query_vector(vector, n, search_k)
                 if row not in excluded]
        return pairs[:topn]


def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# ---------------------------------------------------------------------------- measuring recall
REPORT_SEARCH_KS = (500, 1000, 2000, 5000, 10000)


def sample_words(vectors, n=1000, restrict=30000, seed=0):
    """`n` distinct query words drawn at random among the first `restrict` rows (stores are
    written most frequent first, so these are the words people ask about)."""
    pool = min(len(vectors), restrict) if restrict else len(vectors)
    rows = np.random.default_rng(seed).choice(pool, size=min(n, pool), replace=False)
    return [vectors.keys[row] for row in rows]


def recall_table(index, words, search_ks=REPORT_SEARCH_KS, topn=10, chunk=20, progress=False):
    """Recall@topn of `index.query` against exact `most_similar`, and queries/s of both.

    Queries run one at a time, as a user asks them; the query word is excluded from both. The
    words go in chunks of `chunk`, each searched exactly and then at every `search_k`, so that
    a machine whose load changes during the run slows every column alike. `progress` shows the
    query words done on stderr when it is a terminal.

    Returns
    -------
    exact_qps : float
        Queries per second of exact search over the same words.
    rows : list of dict
        One per `search_k`: `n_trees`, `search_k`, `recall`, `queries_per_s`, `speedup`
        (queries/s over exact queries/s).
    """
    from ._progress import Progress

    vectors = index.vectors
    exact_s, seconds, hits = 0.0, [0.0] * len(search_ks), [0] * len(search_ks)
    bar = Progress(f"recall@{topn} of {index.n_trees} trees", unit="words", total=len(words),
                   enabled=progress)
    for start in range(0, len(words), chunk):
        queries = words[start:start + chunk]
        began = time.perf_counter()
        truth = [{word for word, _ in vectors.most_similar(q, topn=topn)} for q in queries]
        exact_s += time.perf_counter() - began
        for j, search_k in enumerate(search_ks):
            began = time.perf_counter()
            found = [index.query(q, topn=topn, search_k=search_k) for q in queries]
            seconds[j] += time.perf_counter() - began
            hits[j] += sum(len(t & {word for word, _ in f})
                           for t, f in zip(truth, found, strict=True))
        bar.update(len(queries))
    bar.close()
    rows = [{"n_trees": index.n_trees, "search_k": search_k,
             "recall": hits[j] / (topn * len(words)), "queries_per_s": len(words) / seconds[j],
             "speedup": exact_s / seconds[j]} for j, search_k in enumerate(search_ks)]
    return len(words) / exact_s, rows
