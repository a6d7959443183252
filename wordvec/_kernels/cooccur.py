"""Numba kernels for co-occurrence counting: an open-addressing hash table of (row, col) keys.

A key packs a pair as `row << 32 | col` (both < 2**31), so sorting keys sorts by (row, col).
Values are int64 fixed-point weights: a pair at distance d adds `scale // d`, where `scale` is
a multiple of every distance in the window, so sums are exact in any order. The pairs among
the `k` most frequent words go to a dense `(k, k)` block instead of the table.

The table is an int64 `(capacity, 2)` array: `table[s] = (key + 1, value)`, and 0 marks an
empty slot, so a table from `np.zeros` is empty and a probe touches one cache line. Once
drained, `table[:n]` holds `(key, value)` rows sorted by key.
"""

import numba
import numpy as np

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)

EMPTY = 0


@numba.njit(cache=True, inline="always")
def _slot(key, capacity):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    return np.int64(((h >> np.uint64(32)) * np.uint64(capacity)) >> np.uint64(32))


@numba.njit(cache=True, inline="always")
def _add(table, key, weight):
    """Add `weight` to `key`'s slot; return 1 if the key is new, else 0."""
    capacity = table.shape[0]
    s = _slot(key, capacity)
    stored = key + 1
    while True:
        k = table[s, 0]
        if k == stored:
            table[s, 1] += weight
            return 0
        if k == EMPTY:
            table[s, 0] = stored
            table[s, 1] = weight
            return 1
        s += 1
        if s == capacity:
            s = 0


@numba.njit(cache=True)
def count_pairs(ids, starts, pos, weights, symmetric, table, dense, fill, limit):
    """Count the window pairs of tokens `ids[pos:]` until the table holds `limit` keys.

    `starts` are sentence start offsets into `ids` (ending with `len(ids)`); `weights[d]` is
    the weight of distance d (len(weights) - 1 is the window). Each token j pairs with the
    earlier tokens i of its sentence at distance d <= window: (ids[i], ids[j]) gets
    `weights[d]`, and with `symmetric` also (ids[j], ids[i]). `fill` is the number of keys in
    the table. Returns (next position, fill); the next position is len(ids) when done.
    """
    window = weights.shape[0] - 1
    k = dense.shape[0]
    per_token = 2 * window
    n = ids.shape[0]
    s = np.searchsorted(starts, pos, side="right") - 1
    p = pos
    while p < n:
        if fill + per_token > limit:
            return p, fill
        while starts[s + 1] <= p:
            s += 1
        first = max(starts[s], p - window)
        b = np.int64(ids[p])
        for q in range(p - 1, first - 1, -1):
            a = np.int64(ids[q])
            w = weights[p - q]
            if a < k and b < k:
                dense[a, b] += w
                if symmetric:
                    dense[b, a] += w
            else:
                fill += _add(table, (a << 32) | b, w)
                if symmetric:
                    fill += _add(table, (b << 32) | a, w)
        p += 1
    return p, fill


@numba.njit(cache=True)
def drain_table(table, dense, n_rows):
    """Move every entry (table and dense block) to `table[:n]` as (key, value), sorted by key.

    The dense block is zeroed and the slots after the returned `n` emptied; the caller
    empties `table[:n]` once it has used them. The caller guarantees that the table has
    room for the dense block's nonzeros. Rows are < `n_rows`.
    """
    n = 0
    for s in range(table.shape[0]):
        if table[s, 0] != EMPTY:
            table[n, 0] = table[s, 0] - 1
            table[n, 1] = table[s, 1]
            n += 1
    k = dense.shape[0]
    for a in range(k):
        for b in range(k):
            if dense[a, b] != 0:
                table[n, 0] = (np.int64(a) << 32) | b
                table[n, 1] = dense[a, b]
                dense[a, b] = 0
                n += 1
    table[n:, 0] = EMPTY
    # MSD radix sort by row in two in-place American-flag passes (high bits, then low bits,
    # so that each pass writes to few enough buckets to stay in cache), then each row by key.
    bits = 1
    while (1 << bits) < n_rows:
        bits += 1
    low = bits // 2
    top = np.empty((1 << (bits - low)) + 1, np.int64)
    _flag_pass(table, 0, n, 32 + low, bits - low, top)
    rows = np.empty((1 << low) + 1, np.int64)
    for b in range(top.shape[0] - 1):
        if top[b + 1] - top[b] > 1:
            _flag_pass(table, top[b], top[b + 1], 32, low, rows)
            for r in range(rows.shape[0] - 1):
                if rows[r + 1] - rows[r] > 1:
                    sort_rows(table, rows[r], rows[r + 1])
    return n


@numba.njit(cache=True)
def _flag_pass(table, lo, hi, shift, nbits, ends):
    """Group `table[lo:hi]` in place by the digit `(key >> shift) & (2**nbits - 1)` of column
    0; `ends[d]:ends[d + 1]` is where digit d lands."""
    m = 1 << nbits
    mask = np.int64(m - 1)
    ends[:] = 0
    for t in range(lo, hi):
        ends[((table[t, 0] >> shift) & mask) + 1] += 1
    ends[0] = lo
    for d in range(m):
        ends[d + 1] += ends[d]
    nxt = ends[:m].copy()
    for d in range(m):
        t = nxt[d]
        while t < ends[d + 1]:
            digit = (table[t, 0] >> shift) & mask
            if digit == d:
                t += 1
            else:
                _swap(table, t, nxt[digit])
                nxt[digit] += 1
        nxt[d] = t


@numba.njit(cache=True)
def sort_rows(table, lo, hi):
    """Sort `table[lo:hi]` in place by column 0 (distinct keys): iterative quicksort."""
    stack = np.empty(128, np.int64)
    top = 0
    hi -= 1
    while True:
        while hi - lo > 24:
            mid = (lo + hi) >> 1
            # median of three into table[mid]
            if table[mid, 0] < table[lo, 0]:
                _swap(table, mid, lo)
            if table[hi, 0] < table[lo, 0]:
                _swap(table, hi, lo)
            if table[hi, 0] < table[mid, 0]:
                _swap(table, hi, mid)
            pivot = table[mid, 0]
            i, j = lo, hi
            while i <= j:
                while table[i, 0] < pivot:
                    i += 1
                while table[j, 0] > pivot:
                    j -= 1
                if i <= j:
                    _swap(table, i, j)
                    i += 1
                    j -= 1
            # push the larger part, loop on the smaller one: the stack stays < 2 log2(n)
            if j - lo < hi - i:
                stack[top], stack[top + 1] = i, hi
                hi = j
            else:
                stack[top], stack[top + 1] = lo, j
                lo = i
            top += 2
        for i in range(lo + 1, hi + 1):
            key, val = table[i, 0], table[i, 1]
            j = i - 1
            while j >= lo and table[j, 0] > key:
                table[j + 1, 0] = table[j, 0]
                table[j + 1, 1] = table[j, 1]
                j -= 1
            table[j + 1, 0] = key
            table[j + 1, 1] = val
        if top == 0:
            return
        top -= 2
        lo, hi = stack[top], stack[top + 1]


@numba.njit(cache=True, inline="always")
def _swap(table, i, j):
    table[i, 0], table[j, 0] = table[j, 0], table[i, 0]
    table[i, 1], table[j, 1] = table[j, 1], table[i, 1]


@numba.njit(cache=True)
def rehash(table, new_table):
    """Insert every entry of one table into another (empty, larger) one."""
    for s in range(table.shape[0]):
        if table[s, 0] != EMPTY:
            _add(new_table, table[s, 0] - 1, table[s, 1])


@numba.njit(cache=True)
def split_keys(keys, vals, scale, rows, cols, out):
    """Unpack keys into `rows`, `cols` (int32) and fixed-point values into `out = vals / scale`
    (the outputs may be longer than `keys`)."""
    for t in range(keys.shape[0]):
        rows[t] = keys[t] >> 32
        cols[t] = keys[t] & 0xFFFFFFFF
        out[t] = vals[t] / scale
