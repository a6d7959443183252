"""The numba-free side of the word2vec kernels: their tables (sigmoid, alias table of the
negatives, Huffman tree of hierarchical softmax), SGNS's scratch buffers, and
`job_function()`, which picks how `sgns.sgns_job` runs: as a shared library through ctypes
(`native.py`), so that training never imports numba, or else through the numba dispatcher.
Both run the same compiled code and give the same vectors.
"""

import heapq
from importlib import import_module
from pathlib import Path

import numpy as np

from .native import NativeKernel

MAX_EXP = 6
EXP_TABLE_SIZE = 1000
ALIAS_BITS = 24  # resolution of the alias-table coin flips


def sigmoid_table():
    """`(3, EXP_TABLE_SIZE + 1)` float32: the C tool's `sigmoid(x_i)`, `-log sigmoid(x_i)` and
    `-log sigmoid(-x_i)` at `x_i = (2 i / EXP_TABLE_SIZE - 1) * MAX_EXP`.

    One extra entry at the end (x = +MAX_EXP) so that f == MAX_EXP indexes inside it.
    """
    x = (np.arange(EXP_TABLE_SIZE + 1) / EXP_TABLE_SIZE * 2 - 1) * MAX_EXP
    return np.stack([1.0 / (1.0 + np.exp(-x)), np.logaddexp(0, -x),
                     np.logaddexp(0, x)]).astype(np.float32)


def alias_table(weights):
    """Walker/Vose alias table for drawing `i` with probability `weights[i] / sum(weights)`.

    Returns `(cut, alias)`: draw a uniform slot `i` and a uniform 24-bit integer `u`; the
    result is `i` if `u < cut[i]`, else `alias[i]`. Exact up to the 2**-24 coin resolution.
    """
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    scaled = w * (n / w.sum())
    cut = np.ones(n, dtype=np.float64)
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        cut[s] = scaled[s]
        alias[s] = g
        scaled[g] = scaled[g] + scaled[s] - 1.0
        (small if scaled[g] < 1.0 else large).append(g)
    for i in small + large:  # leftovers are 1 up to rounding
        cut[i] = 1.0
    return np.minimum(np.round(cut * (1 << ALIAS_BITS)), 1 << ALIAS_BITS).astype(np.uint32), alias


class _HeapNode:
    """A node of the Huffman heap, ordered by count alone (as gensim's, so ties fall alike)."""

    __slots__ = ("count", "index")

    def __init__(self, count, index):
        self.count, self.index = count, index

    def __lt__(self, other):
        return self.count < other.count


def huffman_tree(counts):
    """The Huffman tree of hierarchical softmax over `counts` (n_words,), as gensim builds it
    (a heap by count, the two smallest joined, the first popped on branch 0).

    Returns `(codes, points, code_ends)`: word w's path from the root runs over
    `codes[e0:e1]` (uint8, the branch taken: 0 or 1) and `points[e0:e1]` (int32, the inner
    node it is taken at, a row of the `(n_words - 1, dim)` output matrix; the root is
    `n_words - 2`), with `e0, e1 = code_ends[w - 1] (0 for w = 0), code_ends[w]` (int64).
    """
    n = len(counts)
    heap = [_HeapNode(int(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    parent = np.zeros(max(2 * n - 1, 1), np.int64)
    branch = np.zeros(max(2 * n - 1, 1), np.uint8)
    for node in range(n, 2 * n - 1):
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        parent[a.index], parent[b.index], branch[b.index] = node, node, 1
        heapq.heappush(heap, _HeapNode(a.count + b.count, node))
    # every leaf walks up at once, a level a step: once to measure its path, once to fill it
    root = 2 * n - 2
    lengths = np.zeros(n, np.int64)
    node = np.arange(n)
    while (node != root).any():
        lengths += node != root
        node = np.where(node == root, root, parent[node])
    code_ends = np.cumsum(lengths)
    codes = np.empty(int(code_ends[-1]) if n else 0, np.uint8)
    points = np.empty(len(codes), np.int32)
    node = np.arange(n)
    for up in range(int(lengths.max(initial=0))):  # `up` levels above the leaf, stored last
        on = lengths > up
        at = code_ends[on] - 1 - up
        codes[at] = branch[node[on]]
        points[at] = parent[node[on]] - n
        node = np.where(on, parent[node], node)
    return codes, points, code_ends


def no_hs(dim):
    """The kernels' hierarchical-softmax arguments `(syn1hs, codes, points, code_ends)` that
    turn it off: empty arrays."""
    return (np.zeros((0, dim), np.float32), np.zeros(0, np.uint8), np.zeros(0, np.int32),
            np.zeros(0, np.int64))


def check_hs_arrays(name, syn0, syn1hs, codes, points, code_ends):
    """`TypeError`/`ValueError` unless the hierarchical-softmax arrays of a job are off (all
    empty) or a tree over `syn0`'s words whose points index rows of `syn1hs`."""
    for array, dtype, ndim in ((syn1hs, np.float32, 2), (codes, np.uint8, 1),
                               (points, np.int32, 1), (code_ends, np.int64, 1)):
        if array.dtype != dtype or array.ndim != ndim or not array.flags.c_contiguous:
            raise TypeError(f"{name}: expected a C-contiguous {ndim}-D {dtype.__name__} "
                            f"array, got {array.dtype} {array.shape}")
    if len(code_ends) == 0:
        return
    n_words, dim = syn0.shape
    if (len(code_ends) != n_words or syn1hs.shape != (n_words - 1, dim)
            or len(codes) != len(points) or int(code_ends[-1]) != len(codes)
            or (np.diff(code_ends, prepend=0) < 0).any()):
        raise ValueError(f"{name}: hierarchical-softmax array sizes do not agree")
    if len(points) and not 0 <= int(points.min()) <= int(points.max()) < n_words - 1:
        raise ValueError(f"{name}: tree points must lie in [0, {n_words - 1})")


def scratch_buffers(dim, negative, max_len):
    """The kernel's working arrays for one job:
    `(sen, outb, gout, tgt, label, gk, fk, ahead, err)`.

    Made by the caller rather than inside the kernel, so that the compiled kernel allocates
    nothing and needs no part of numba's runtime (what lets `native.py` run it without numba).
    `outb` starts at zero: rows of skipped negatives must stay finite (their gradient is 0).
    """
    k1 = negative + 1
    return (np.empty(max(max_len, 1), np.int32), np.zeros((k1, dim), np.float32),
            np.empty((k1, dim), np.float32), np.empty(k1, np.int64), np.empty(k1, np.float32),
            np.empty(k1, np.float32), np.empty(k1, np.float32), np.empty(k1, np.int64),
            np.empty(dim, np.float32))


#: The hierarchical-softmax arguments of both kernels' C-ABI entry points (`hs_pointers`).
HS_C_ARGS = (("syn1hs", "float32*"), ("n_inner", "int64"), ("codes", "uint8*"),
             ("points", "int32*"), ("n_codes", "int64"), ("code_ends", "int64*"),
             ("n_code_ends", "int64"))


def hs_pointers(name, syn0, hs):
    """`HS_C_ARGS` for the arrays `hs = (syn1hs, codes, points, code_ends)`, checked first."""
    check_hs_arrays(name, syn0, *hs)
    syn1hs, codes, points, code_ends = hs
    return (syn1hs.ctypes.data, len(syn1hs), codes.ctypes.data, points.ctypes.data, len(codes),
            code_ends.ctypes.data, len(code_ends))


#: The C-ABI entry point of `sgns_job` (see `sgns.c_entry`): arrays become pointers plus
#: their sizes; the loss and pair count are written to `out_loss[0]` and `out_pairs[0]`.
C_ARGS = (
    ("syn0", "float32*"), ("syn1", "float32*"), ("n_words", "int64"), ("dim", "int64"),
    ("ids", "int32*"), ("n_ids", "int64"), ("ends", "int64*"), ("raw_starts", "int64*"),
    ("n_sentences", "int64"), ("keep", "float32*"), ("neg_cut", "uint32*"),
    ("neg_alias", "int32*"), ("sig", "float32*"), ("sig_columns", "int64"), ("window", "int64"),
    ("negative", "int64"), ("alpha", "float64"), ("min_alpha", "float64"),
    ("raw_offset", "int64"), ("raw_span", "int64"), ("seed", "uint64"), *HS_C_ARGS,
    ("sen", "int32*"), ("max_len", "int64"), ("outb", "float32*"), ("gout", "float32*"),
    ("tgt", "int64*"), ("label", "float32*"), ("gk", "float32*"), ("fk", "float32*"),
    ("ahead", "int64*"), ("err", "float32*"), ("out_loss", "float64*"), ("out_pairs", "int64*"),
)


def _build_entry():
    from .sgns import c_entry

    return c_entry()


_HERE = Path(__file__).parent
NATIVE_KERNEL = NativeKernel("sgns_job", C_ARGS,
                             [_HERE / "sgns.py", _HERE / "prefetch.py", Path(__file__)],
                             _build_entry)


def word2vec_kernel(name, c_args, module, host):
    """The `NativeKernel` of another word2vec kernel: `name` (its C-ABI arguments `c_args`)
    compiled by `<module>.c_entry` from `_kernels/<module>.py`, whose code draws on SGNS's
    (`sgns.py`, its tables here, `prefetch.py`), called from the file `host` (its `*_host.py`,
    whose C_ARGS it compiles against)."""

    def build():
        return import_module(f".{module}", __package__).c_entry()

    return NativeKernel(name, c_args, [_HERE / f"{module}.py", _HERE / "sgns.py",
                                       _HERE / "sgns_host.py", _HERE / "prefetch.py", Path(host)],
                        build)

_DTYPES = ((np.float32, 2), (np.float32, 2), (np.int32, 1), (np.int64, 1), (np.int64, 1),
           (np.float32, 1), (np.uint32, 1), (np.int32, 1), (np.float32, 2))
_SCRATCH_DTYPES = ((np.int32, 1), (np.float32, 2), (np.float32, 2), (np.int64, 1),
                   (np.float32, 1), (np.float32, 1), (np.float32, 1), (np.int64, 1),
                   (np.float32, 1))


def check_job_arrays(name, arrays, scratch, scratch_dtypes, window, negative):
    """`TypeError`/`ValueError` unless the arrays of a word2vec job (`sgns_job`, `cbow_job`:
    syn0 ... sig, then the scratch arrays, `scratch[0]` the sentence buffer) have the dtypes,
    layout and sizes that the native kernel, which checks nothing, relies on. With
    `negative=0` the kernels never read syn1, which may then be empty: `(0, dim)`."""
    for array, (dtype, ndim) in zip(arrays + scratch, _DTYPES + scratch_dtypes, strict=True):
        if array.dtype != dtype or array.ndim != ndim or not array.flags.c_contiguous:
            raise TypeError(f"{name}: expected a C-contiguous {ndim}-D {dtype.__name__} "
                            f"array, got {array.dtype} {array.shape}")
    syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig = arrays
    n_words = syn0.shape[0]
    unused = negative == 0 and syn1.shape == (0, syn0.shape[1])
    if ((syn1.shape != syn0.shape and not unused) or sig.shape[0] != 3
            or not len(keep) == len(neg_cut) == len(neg_alias) == n_words
            or len(ends) != len(raw_starts)):
        raise ValueError(f"{name}: array sizes do not agree")
    if len(ends) and (int(ends[-1]) > len(ids) or scratch[0].shape[0] < int(np.diff(
            ends, prepend=0).max())):
        raise ValueError(f"{name}: sentence ends run past the ids or the buffer")
    if len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < n_words:
        raise ValueError(f"{name}: word ids must lie in [0, {n_words})")
    if window < 1 or n_words < 1:  # the kernels divide by both
        raise ValueError(f"{name}: window={window} and n_words={n_words} must be >= 1")


def job_function():
    """A callable with `sgns.sgns_job`'s arguments and result: the shared library when it is
    (or can be) built, else the numba dispatcher."""
    native = NATIVE_KERNEL.load()
    if native is None:
        from .sgns import sgns_job

        return sgns_job

    def sgns_job_native(syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig,
                        window, negative, alpha, min_alpha, raw_offset, raw_span, seed,
                        syn1hs, codes, points, code_ends, *scratch):
        arrays = (syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig)
        check_job_arrays("sgns_job", arrays, scratch, _SCRATCH_DTYPES, window, negative)
        hs = hs_pointers("sgns_job", syn0, (syn1hs, codes, points, code_ends))
        n_words, dim = syn0.shape
        k1 = negative + 1
        sen = scratch[0]
        if (scratch[1].shape != (k1, dim) or any(len(a) != k1 for a in scratch[3:-1])
                or scratch[-1].shape != (dim,)):
            raise ValueError("sgns_job: array sizes do not agree")
        out_loss = np.zeros(1, np.float64)
        out_pairs = np.zeros(1, np.int64)
        native(syn0.ctypes.data, syn1.ctypes.data, n_words, dim, ids.ctypes.data, len(ids),
               ends.ctypes.data, raw_starts.ctypes.data, len(ends), keep.ctypes.data,
               neg_cut.ctypes.data, neg_alias.ctypes.data, sig.ctypes.data, sig.shape[1], window,
               negative, alpha, min_alpha, raw_offset, raw_span, seed, *hs, sen.ctypes.data,
               len(sen), *(a.ctypes.data for a in scratch[1:]), out_loss.ctypes.data,
               out_pairs.ctypes.data)
        return float(out_loss[0]), int(out_pairs[0])

    return sgns_job_native
