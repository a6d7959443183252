"""Numba kernel searching an HNSW graph kept as flat arrays (`wordvec.hnsw.HnswGraph`).

The search is hnswlib's (Malkov & Yashunin's algorithm 5): a greedy walk down the upper
layers from the entry point, then a best-first search of layer 0 with a candidate list of
`ef`. Distances are cosine distances 1 - q.x between unit vectors. As in hnswlib, a node's
layer-0 links and its unit vector share one record, so visiting a node costs one cache miss,
not one for the links and one for the vector.

Every link read is checked against the array bounds: a damaged file sets `status` to 1 and
ends the search instead of reading outside the maps.
"""

import numpy as np
from numba import njit

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)
from .prefetch import prefetch_row_for_reading


@njit(nogil=True, inline="always", fastmath=True)
def _distance(queries, q, unit, offset, node):
    dot = np.float32(0.0)
    for j in range(queries.shape[1]):  # indexes, not row views: views need numba's runtime
        dot += queries[q, j] * unit[node, offset + j]
    return np.float32(1.0) - dot


@njit(nogil=True, inline="always")
def _push(heap_d, heap_id, size, d, node, sign):
    """Push onto a binary heap of `size` items; the root holds the largest `sign * d`."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if sign * heap_d[parent] >= sign * d:
            break
        heap_d[i] = heap_d[parent]
        heap_id[i] = heap_id[parent]
        i = parent
    heap_d[i] = d
    heap_id[i] = node
    return size + 1


@njit(nogil=True, inline="always")
def _pop(heap_d, heap_id, size, sign):
    """Remove the root of a heap of `size` items; returns the new size."""
    size -= 1
    d, node = heap_d[size], heap_id[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and sign * heap_d[child + 1] > sign * heap_d[child]:
            child += 1
        if sign * heap_d[child] <= sign * d:
            break
        heap_d[i] = heap_d[child]
        heap_id[i] = heap_id[child]
        i = child
    if size > 0:
        heap_d[i] = d
        heap_id[i] = node
    return size


@njit(nogil=True, cache=True, _nrt=False)
def search(queries, level0, unit, max_m0, upper_offset, upper, max_m, entry, max_level, ef, k,
           visited, cand_d, cand_id, top_d, top_id, out_ids, out_cos, status):
    """The `k` nearest graph nodes of each (unit) row of `queries`, best first.

    Parameters
    ----------
    queries : float32 (n_queries, dim), unit rows
    level0 : int32 (n, width), the records: node i's [count, max_m0 neighbours, unit vector
        (dim float32 bits), padding]; unit : the same memory seen as float32
    upper_offset : int64 (n + 1); upper : int32; node i's layers 1..L are the blocks of
        max_m + 1 ints ([count, neighbours...]) in upper[upper_offset[i]:upper_offset[i+1]]
    entry, max_level : the entry point and its layer
    ef : candidate list length (>= k)
    visited : uint32 (n,) zeroed; cand_d/cand_id : (n,) and top_d/top_id : (ef + 1,) scratch
    out_ids : int64 (n_queries, k), out_cos : float32 (n_queries, k)
        The result; -1 and -inf pad when the graph holds fewer than k nodes.
    status : int64 (1,), set to 1 when a link or offset is out of bounds (a damaged graph)
    """
    for q in range(queries.shape[0]):
        if _search_one(queries, q, level0, unit, max_m0, upper_offset, upper, max_m, entry,
                       max_level, ef, k, visited, cand_d, cand_id, top_d, top_id, out_ids,
                       out_cos):
            status[0] = 1
            return


@njit(nogil=True, inline="always")
def _search_one(queries, q, level0, unit, max_m0, upper_offset, upper, max_m, entry,
                max_level, ef, k, visited, cand_d, cand_id, top_d, top_id, out_ids, out_cos):
    """Search for row `q` of `queries` (see `search`); True if the graph is damaged."""
    n = level0.shape[0]
    offset = 1 + max_m0  # where a record's vector starts
    block = max_m + 1
    n_upper = upper.shape[0]
    tag = np.uint32(q + 1)
    for p in range(k):
        out_ids[q, p] = -1
        out_cos[q, p] = -np.inf
    if entry < 0 or entry >= n:
        return True
    current = entry
    current_d = _distance(queries, q, unit, offset, current)
    for level in range(max_level, 0, -1):
        changed = True
        while changed:
            changed = False
            start = upper_offset[current] + (level - 1) * block
            if (start < 0 or start + block > upper_offset[current + 1]
                    or upper_offset[current + 1] > n_upper):
                return True
            count = upper[start]
            if count < 0 or count > max_m:
                return True
            for i in range(count):
                node = upper[start + 1 + i]
                if node < 0 or node >= n:
                    return True
                d = _distance(queries, q, unit, offset, node)
                if d < current_d:
                    current_d = d
                    current = node
                    changed = True
    # layer 0: best-first search with a candidate list of ef
    n_cand = _push(cand_d, cand_id, 0, current_d, current, np.float32(-1.0))
    n_top = _push(top_d, top_id, 0, current_d, current, np.float32(1.0))
    visited[current] = tag
    lower_bound = current_d
    while n_cand > 0:
        d_c, c = cand_d[0], cand_id[0]
        if d_c > lower_bound:
            break
        n_cand = _pop(cand_d, cand_id, n_cand, np.float32(-1.0))
        count = level0[c, 0]
        if count < 0 or count > max_m0:
            return True
        for i in range(count):  # each unvisited neighbour's record is a cache miss:
            node = level0[c, 1 + i]  # start them all now, to overlap
            if 0 <= node < n and visited[node] != tag:
                prefetch_row_for_reading(level0, node)
        for i in range(count):
            node = level0[c, 1 + i]
            if node < 0 or node >= n:
                return True
            if visited[node] == tag:
                continue
            visited[node] = tag
            d = _distance(queries, q, unit, offset, node)
            if n_top < ef or d < lower_bound:
                n_cand = _push(cand_d, cand_id, n_cand, d, node, np.float32(-1.0))
                n_top = _push(top_d, top_id, n_top, d, node, np.float32(1.0))
                if n_top > ef:
                    n_top = _pop(top_d, top_id, n_top, np.float32(1.0))
                lower_bound = top_d[0]
    while n_top > k:
        n_top = _pop(top_d, top_id, n_top, np.float32(1.0))
    while n_top > 0:  # the root is the farthest: fill from the back
        out_ids[q, n_top - 1] = top_id[0]
        out_cos[q, n_top - 1] = np.float32(1.0) - top_d[0]
        n_top = _pop(top_d, top_id, n_top, np.float32(1.0))
    return False


def c_entry():
    """Compile `search` behind the C-ABI entry point of `hnsw_host.C_ARGS`."""
    from numba import carray, cfunc

    from .hnsw_host import C_ARGS
    from .native import numba_signature

    @cfunc(numba_signature(C_ARGS), error_model="numpy")
    def search_c(queries, n_queries, dim, level0, unit, n, width, max_m0, upper_offset, upper,
                 n_upper, max_m, entry, max_level, ef, k, visited, cand_d, cand_id, top_d,
                 top_id, out_ids, out_cos, status):
        search(carray(queries, (n_queries, dim)), carray(level0, (n, width)),
               carray(unit, (n, width)), max_m0, carray(upper_offset, (n + 1,)),
               carray(upper, (n_upper,)), max_m, entry,
               max_level, ef, k, carray(visited, (n,)), carray(cand_d, (n,)),
               carray(cand_id, (n,)), carray(top_d, (ef + 1,)), carray(top_id, (ef + 1,)),
               carray(out_ids, (n_queries, k)), carray(out_cos, (n_queries, k)),
               carray(status, (1,)))

    return search_c
