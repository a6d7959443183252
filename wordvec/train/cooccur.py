"""Word-word co-occurrence counts in bounded memory, saved as memory-mappable arrays.

X[i, j] sums 1/d over every occurrence of word j at distance d <= window from word i in the
same sentence (both sides with `symmetric=True`; with `symmetric=False`, as GloVe C's
`-symmetric 0`, only pairs where word i comes d tokens before word j). Counts accumulate in a
hash table sized by the `memory` budget; when it fills, its entries are written as a sorted
shard to a temporary folder, and the shards are merged by k-way merges that never open more
than `fan_in` of them at once. Weights are summed as exact integer multiples of
1 / lcm(1..window), so X[i, j] is the correctly rounded float64 of the exact sum.

On-disk format (a folder, published atomically: see `wordvec._atomic`)
-----------------------------------------------------------------------
rows.npy, cols.npy  int32 `(nnz,)`, sorted by (row, col); ids are rows of vocab.txt
vals.npy            float64 `(nnz,)`, X[row, col] > 0
vocab.txt           UTF-8, one `word<TAB>count` per line, id order (most frequent first)
meta.json           {"format": "wordvec-cooccurrence", "version": 2, "window", "symmetric",
                     "min_count", "n_words", "nnz", "total_tokens", "shards", "merge_passes",
                     "files"}; "files" maps each name above to its file in the folder, which
                     carries the save's version (`rows.3f9a0c1d2b4e5f60.npy`)

Examples
--------
>>> from wordvec.train.cooccur import count_cooccurrences, load_cooccurrence
>>> X = count_cooccurrences("corpus.txt", "counts", window=10)     # doctest: +SKIP
>>> X = load_cooccurrence("counts")                                 # doctest: +SKIP
>>> X.nnz, X.words[:3], X.to_scipy().shape                          # doctest: +SKIP
"""

import contextlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._atomic import atomic_dir, private_tempdir, published, read_dir
from .._header import read_header, write_header
from .._progress import Progress
from .._size import parse_size
from .._slices import read_elements
from ..errors import FormatError
from ..io import read_vocab, write_vocab

FORMAT = "wordvec-cooccurrence"
FORMAT_VERSION = 2   # 2: meta.json names versioned files
MAX_WINDOW = 20          # lcm(1..20) * counts must fit in int64
LOAD_FACTOR = 0.7
DENSE_MAX = 4096         # the dense block covers pairs among at most this many top words
_REC = np.dtype([("key", "<i8"), ("val", "<i8")])


def parse_memory(memory):
    """Bytes from an int or a string such as "2G", "512M", "64K" (powers of 1024)."""
    if isinstance(memory, (int, np.integer)) and not isinstance(memory, bool):
        value = int(memory)
    else:
        value = parse_size(memory, "memory")
    if value < 2**16:
        raise ValueError(f"memory must be at least 64K, got {memory!r}")
    return value


@dataclass
class Cooccurrence:
    """A sparse co-occurrence matrix in COO form, sorted by (row, col).

    `rows`, `cols` int32 and `vals` float64, shape `(nnz,)`; `words` and `counts` give the
    vocabulary in id order; `meta` holds the counting settings.
    """

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    words: list
    counts: np.ndarray
    meta: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict, repr=False, compare=False)  # name -> open file

    @property
    def nnz(self):
        return self.vals.shape[0]

    def read(self, name, lo, hi):
        """`rows`, `cols` or `vals` `[lo:hi]` as an in-memory array. A memory-mapped array is
        read from its file with ordinary reads: the pages of a map, once touched, count in the
        process's memory (400 MB on `bench`) until it is closed; read pages do not."""
        array = getattr(self, name)
        f = self.files.get(name)   # opened with the map: a later save may retire its name
        if f is None:
            return np.array(array[lo:hi])
        return read_elements(f.fileno(), array.dtype, lo, min(hi, array.shape[0]),
                             offset=array.offset, name=array.filename)

    def to_scipy(self):
        """A `scipy.sparse.coo_matrix` of shape `(n_words, n_words)`."""
        from scipy.sparse import coo_matrix

        n = len(self.words)
        return coo_matrix((self.vals, (self.rows, self.cols)), shape=(n, n))


def load_cooccurrence(path, mmap=True):
    """Read a counts folder written by `count_cooccurrences` (arrays memory-mapped by default)."""
    return read_dir(lambda: _load_cooccurrence(Path(path), mmap))


def _load_cooccurrence(path, mmap):
    meta_path = path / "meta.json"
    meta = read_header(meta_path, FORMAT, FORMAT_VERSION,
                       "not a co-occurrence folder (no meta.json)")
    mode = "r" if mmap else None
    arrays, files = {}, {}
    for name, dtype in (("rows", np.int32), ("cols", np.int32), ("vals", np.float64)):
        file = published(path, meta_path, meta, f"{name}.npy")
        try:
            if mmap:
                files[name] = open(file, "rb")   # noqa: SIM115 (kept open: see `read`)
            a = np.load(file, mmap_mode=mode)
        except FileNotFoundError:
            raise
        except (ValueError, OSError) as exc:
            raise FormatError(file, f"unreadable array ({exc})") from None
        if a.dtype != dtype or a.shape != (meta.get("nnz"),):
            want = f"{np.dtype(dtype)} ({meta.get('nnz')},)"
            raise FormatError(file, f"expected {want}, got {a.dtype} {a.shape}")
        arrays[name] = a
    vocab_path = published(path, meta_path, meta, "vocab.txt")
    words, counts = read_vocab(vocab_path)
    if "" in words:
        raise FormatError(vocab_path, "empty word", words.index("") + 1)
    if len(words) != meta.get("n_words"):
        raise FormatError(vocab_path,
                          f"{len(words)} words, meta.json says {meta.get('n_words')}")
    return Cooccurrence(arrays["rows"], arrays["cols"], arrays["vals"], words, counts, meta,
                        files)


def count_cooccurrences(corpus, output=None, *, window=10, symmetric=True, min_count=5,
                        max_vocab=None, vocabulary=None, memory="2G", fan_in=64, tmp_dir=None,
                        progress=True):
    """Count co-occurrences of `corpus` and write them to the folder `output`.

    Parameters
    ----------
    corpus : path or iterable of token lists
        Anything `wordvec.corpus.Corpus` accepts.
    output : path, optional
        The counts folder (see the module docstring); a temporary folder when None, in which
        case the returned arrays are in memory.
    vocabulary : wordvec.corpus.Vocabulary, optional
        Built from the corpus with `min_count` / `max_vocab` when not given.
    memory : int or str
        Budget for the counting table and merge buffers ("2G"); the vocabulary and the
        memory-mapped encoded corpus come on top.

    Returns
    -------
    Cooccurrence
    """
    from ..corpus import Vocabulary, as_corpus, encode_corpus

    _check_window(window)
    budget = parse_memory(memory)
    corpus = as_corpus(corpus)
    if vocabulary is None:
        vocabulary = Vocabulary.build(corpus, min_count=min_count, max_vocab=max_vocab,
                                      progress=progress)
    settings = {"min_count": min_count}
    with private_tempdir("wordvec-cooccur-", dir=tmp_dir) as tmp:
        with encode_corpus(corpus, vocabulary, progress=progress) as enc:
            chunks = [(enc.ids, np.concatenate([[0], enc.ends]))] if enc.n_tokens else []
            target = Path(tmp) / "counts" if output is None else output
            count_ids(chunks, vocabulary.words, vocabulary.counts, target, window=window,
                      symmetric=symmetric, memory=budget, fan_in=fan_in, tmp_dir=tmp_dir,
                      progress=progress, settings=settings)
        return load_cooccurrence(target, mmap=output is not None)


def _check_window(window):
    if not isinstance(window, (int, np.integer)) or not 1 <= window <= MAX_WINDOW:
        raise ValueError(f"window must be an integer in 1..{MAX_WINDOW}, got {window!r}")


def count_ids(chunks, words, counts, output, *, window=10, symmetric=True, memory="2G",
              fan_in=64, tmp_dir=None, progress=True, settings=None):
    """Count co-occurrences from encoded text and write the counts folder `output`.

    `chunks` yields `(ids, starts)`: int32 word ids (rows of `words`) and the int64 offsets
    where sentences begin, ending with `len(ids)`. Returns the `meta` dict written.
    """
    from .._kernels import cooccur as kern

    _check_window(window)
    if fan_in < 2:
        raise ValueError(f"fan_in must be >= 2, got {fan_in}")
    budget = parse_memory(memory)
    n_words = len(words)
    scale = math.lcm(*range(1, window + 1))
    weights = np.zeros(window + 1, dtype=np.int64)
    weights[1:] = scale // np.arange(1, window + 1)

    # The dense block takes at most 1/32 of the budget; the table grows by doubling (the old
    # and the new table both fit in the budget while it is rehashed) and spills when it can't.
    # Before a drain the table grows if needed to take the dense block's entries too.
    k = int(min(n_words, DENSE_MAX, math.isqrt(budget // 256)))
    room = (budget - 8 * k * k) // _REC.itemsize
    if int(room * LOAD_FACTOR) // 2 < 4 * window + 64:
        raise ValueError(f"memory {budget} bytes is too small for window {window}")
    dense = np.zeros((k, k), dtype=np.int64)
    table = np.zeros((min(room // 2, 1 << 20), 2), dtype=np.int64)   # empty: see the kernels

    output = Path(output)
    cleanup = contextlib.ExitStack()
    work = cleanup.enter_context(private_tempdir(".cooccur-",
                                                 dir=tmp_dir if tmp_dir else output.parent))
    shards, fill, total_tokens = [], 0, 0
    bar = Progress("counting pairs", unit="words", enabled=progress)
    try:
        for ids, starts in chunks:
            ids = np.asarray(ids, dtype=np.int32)
            starts = np.ascontiguousarray(starts, dtype=np.int64)
            pos = 0
            while pos < ids.shape[0]:
                limit = int(table.shape[0] * LOAD_FACTOR)
                last = pos
                pos, fill = kern.count_pairs(ids, starts, pos, weights, symmetric, table, dense,
                                             fill, limit)
                bar.update(pos - last)
                if pos == ids.shape[0]:
                    break
                grown = min(2 * table.shape[0], room - table.shape[0])
                if grown > table.shape[0]:
                    table = _grow(table, grown)
                else:
                    table = _fit_dense(table, fill, dense, room)
                    shards.append(_spill(table, dense, n_words, work / f"s{len(shards)}.bin"))
                    fill = 0
            total_tokens += ids.shape[0]
        bar.close()
        table = _fit_dense(table, fill, dense, room)
        if shards and (fill or dense.any()):
            shards.append(_spill(table, dense, n_words, work / f"s{len(shards)}.bin"))
        meta = {"format": FORMAT, "version": FORMAT_VERSION, "window": window,
                "symmetric": bool(symmetric), **(settings or {}), "n_words": n_words,
                "total_tokens": int(total_tokens), "shards": len(shards), "merge_passes": 0}
        with atomic_dir(output, "meta.json", FORMAT) as tmp:
            sink = _CountsWriter(tmp, scale, block=min(1 << 16, max(64, budget // 256)))
            if not shards:
                n = kern.drain_table(table, dense, n_words)
                del dense
                sink.write(table[:n, 0], table[:n, 1])
                del table
            else:
                del table, dense
                block = max(64, budget // (80 * fan_in))   # records per shard buffer
                while len(shards) > fan_in:
                    merged = []
                    for g in range(0, len(shards), fan_in):
                        group = shards[g:g + fan_in]
                        target = work / f"m{meta['merge_passes']}-{g // fan_in}.bin"
                        with open(target, "wb") as f:
                            _merge(group, _ShardSink(f), block)
                        for s in group:
                            s.unlink()
                        merged.append(target)
                    shards = merged
                    meta["merge_passes"] += 1
                _merge(shards, sink, block)
                meta["merge_passes"] += 1
            meta["nnz"] = sink.close()
            write_vocab(tmp / "vocab.txt", words, counts)
            write_header(tmp / "meta.json", **meta)
    finally:
        cleanup.close()
    return meta


def _grow(table, size):
    """The table rehashed into `size` slots."""
    from .._kernels.cooccur import rehash

    new = np.zeros((size, 2), dtype=np.int64)
    rehash(table, new)
    return new


def _fit_dense(table, fill, dense, room):
    """The table, grown if it lacks free slots for the dense block's nonzeros."""
    needed = fill + np.count_nonzero(dense)
    if needed <= table.shape[0]:
        return table
    size = min(max(2 * table.shape[0], needed), room - table.shape[0])
    if size < needed:  # not reached: the dense block is at most room / 16
        raise MemoryError("co-occurrence table cannot take the dense block")
    return _grow(table, size)


def _spill(table, dense, n_rows, path):
    """Write the table's entries as a sorted shard of (key, val) records and empty the table."""
    from .._kernels.cooccur import drain_table

    n = drain_table(table, dense, n_rows)
    with open(path, "wb") as f:
        sink = _ShardSink(f)
        step = max(1024, table.shape[0] // 16)
        for a in range(0, n, step):
            b = min(a + step, n)
            sink.write(table[a:b, 0], table[a:b, 1])
    table[:n, 0] = 0   # empty again
    return path


class _ShardSink:
    """Appends (key, val) records to an open binary file."""

    def __init__(self, f):
        self.f = f

    def write(self, keys, vals):
        rec = np.empty(keys.shape[0], dtype=_REC)
        rec["key"] = keys
        rec["val"] = vals
        rec.tofile(self.f)


class _CountsWriter:
    """Streams the final rows.npy / cols.npy / vals.npy; headers get their length on close."""

    def __init__(self, folder, scale, block=1 << 16):
        self.scale = float(scale)
        self.n = 0
        self.block = block
        self.rows = np.empty(block, dtype="<i4")
        self.cols = np.empty(block, dtype="<i4")
        self.vals = np.empty(block, dtype="<f8")
        self.files = {}
        for name, dtype in (("rows", "<i4"), ("cols", "<i4"), ("vals", "<f8")):
            f = open(Path(folder) / f"{name}.npy", "wb")
            self.files[name] = (f, dtype, self._header(f, dtype, 0))

    @staticmethod
    def _header(f, dtype, n):
        f.seek(0)
        np.lib.format.write_array_header_1_0(
            f, {"descr": dtype, "fortran_order": False, "shape": (n,)})
        return f.tell()

    def write(self, keys, vals):
        from .._kernels.cooccur import split_keys

        for a in range(0, keys.shape[0], self.block):   # small reused buffers stay in cache
            k = keys[a:a + self.block]
            n = k.shape[0]
            split_keys(k, vals[a:a + n], self.scale, self.rows, self.cols, self.vals)
            for name, array in (("rows", self.rows), ("cols", self.cols), ("vals", self.vals)):
                self.files[name][0].write(memoryview(array[:n]))
        self.n += keys.shape[0]

    def close(self):
        for f, dtype, length in self.files.values():
            if self._header(f, dtype, self.n) != length:   # numpy pads headers for growth
                raise AssertionError("npy header length changed")
            f.close()
        return self.n


def _merge(paths, sink, block):
    """K-way merge of sorted shard files into `sink`, summing equal keys.

    Each round reads up to `block` records from every shard whose buffer ran empty, emits
    every key up to the smallest last-buffered key of the shards not yet at their end (all
    of those keys are in memory), and keeps the rest for the next round.
    """
    files = [open(p, "rb") for p in paths]
    try:
        bufs = [None] * len(files)
        ended = [False] * len(files)
        while True:
            for s, f in enumerate(files):
                if not ended[s] and (bufs[s] is None or bufs[s][0].shape[0] == 0):
                    rec = np.fromfile(f, dtype=_REC, count=block)
                    if rec.shape[0] < block:
                        ended[s] = True
                    bufs[s] = (np.ascontiguousarray(rec["key"]), np.ascontiguousarray(rec["val"]))
            live = [b for b in bufs if b[0].shape[0]]
            if not live:
                return
            open_ends = [b[0][-1] for s, b in enumerate(bufs) if not ended[s] and b[0].shape[0]]
            cutoff = min(open_ends) if open_ends else np.iinfo(np.int64).max
            parts_k, parts_v = [], []
            for s, (k, v) in enumerate(bufs):
                cut = np.searchsorted(k, cutoff, side="right")
                if cut:
                    parts_k.append(k[:cut])
                    parts_v.append(v[:cut])
                    bufs[s] = (k[cut:], v[cut:])
            k = np.concatenate(parts_k)
            v = np.concatenate(parts_v)
            order = np.argsort(k, kind="stable")   # timsort: merges the sorted runs
            k = k[order]
            v = v[order]
            del order
            first = np.empty(k.shape[0], dtype=bool)
            first[0] = True
            np.not_equal(k[1:], k[:-1], out=first[1:])
            starts = np.flatnonzero(first)
            sink.write(k[starts], np.add.reduceat(v, starts))
    finally:
        for f in files:
            f.close()
