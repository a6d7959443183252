"""Numba kernels for co-occurrence counting: an open-addressing hash table of (row, col) keys.

A key packs a pair as `row << 32 | col` (both < 2**31), so sorting keys sorts by (row, col).
Values are int64 fixed-point weights: a pair at distance d adds `scale // d`, where `scale` is
a multiple of every distance in the window, so sums are exact in any order. The pairs among
the `k` most frequent words go to a dense `(k, k)` block instead of the table. Empty table
slots hold key -1.
"""

import numba
import numpy as np

EMPTY = -1


@numba.njit(cache=True, inline="always")
def _slot(key, capacity):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    return np.int64(((h >> np.uint64(32)) * np.uint64(capacity)) >> np.uint64(32))


@numba.njit(cache=True, inline="always")
def _add(keys, vals, key, weight):
    """Add `weight` to `key`'s slot; return 1 if the key is new, else 0."""
    capacity = keys.shape[0]
    s = _slot(key, capacity)
    while True:
        k = keys[s]
        if k == key:
            vals[s] += weight
            return 0
        if k == EMPTY:
            keys[s] = key
            vals[s] = weight
            return 1
        s += 1
        if s == capacity:
            s = 0


@numba.njit(cache=True)
def count_pairs(ids, starts, pos, weights, symmetric, keys, vals, dense, fill, limit):
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
                fill += _add(keys, vals, (a << 32) | b, w)
                if symmetric:
                    fill += _add(keys, vals, (b << 32) | a, w)
        p += 1
    return p, fill


@numba.njit(cache=True)
def drain_table(keys, vals, dense, n_rows):
    """Move every entry (table and dense block) to the front of `keys`/`vals`, sorted by key.

    The dense block is zeroed; slots after the returned count are set empty. The caller
    guarantees that the table has room for the dense block's nonzeros. Rows are < `n_rows`.
    """
    n = 0
    for s in range(keys.shape[0]):
        if keys[s] != EMPTY:
            keys[n] = keys[s]
            vals[n] = vals[s]
            n += 1
    k = dense.shape[0]
    for a in range(k):
        for b in range(k):
            if dense[a, b] != 0:
                keys[n] = (np.int64(a) << 32) | b
                vals[n] = dense[a, b]
                dense[a, b] = 0
                n += 1
    keys[n:] = EMPTY
    # MSD radix sort by row in two in-place American-flag passes (high bits, then low bits,
    # so that each pass writes to few enough buckets to stay in cache), then each row by key.
    bits = 1
    while (1 << bits) < n_rows:
        bits += 1
    low = bits // 2
    top = np.empty((1 << (bits - low)) + 1, np.int64)
    _flag_pass(keys, vals, 0, n, 32 + low, bits - low, top)
    rows = np.empty((1 << low) + 1, np.int64)
    for b in range(top.shape[0] - 1):
        if top[b + 1] - top[b] > 1:
            _flag_pass(keys, vals, top[b], top[b + 1], 32, low, rows)
            for r in range(rows.shape[0] - 1):
                if rows[r + 1] - rows[r] > 1:
                    sort_pairs(keys[rows[r]:rows[r + 1]], vals[rows[r]:rows[r + 1]],
                               rows[r + 1] - rows[r])
    return n


@numba.njit(cache=True)
def _flag_pass(keys, vals, lo, hi, shift, nbits, ends):
    """Group `keys[lo:hi]` (and `vals`) in place by the digit `(key >> shift) & (2**nbits - 1)`;
    `ends[d]:ends[d + 1]` is where digit d lands."""
    m = 1 << nbits
    mask = np.int64(m - 1)
    ends[:] = 0
    for t in range(lo, hi):
        ends[((keys[t] >> shift) & mask) + 1] += 1
    ends[0] = lo
    for d in range(m):
        ends[d + 1] += ends[d]
    nxt = ends[:m].copy()
    for d in range(m):
        t = nxt[d]
        while t < ends[d + 1]:
            digit = (keys[t] >> shift) & mask
            if digit == d:
                t += 1
            else:
                _swap(keys, vals, t, nxt[digit])
                nxt[digit] += 1
        nxt[d] = t


@numba.njit(cache=True)
def sort_pairs(keys, vals, n):
    """Sort `keys[:n]` in place (distinct keys), moving `vals[:n]` along: iterative quicksort."""
    stack = np.empty(128, np.int64)
    top = 0
    lo, hi = 0, n - 1
    while True:
        while hi - lo > 24:
            mid = (lo + hi) >> 1
            # median of three into keys[mid]
            if keys[mid] < keys[lo]:
                _swap(keys, vals, mid, lo)
            if keys[hi] < keys[lo]:
                _swap(keys, vals, hi, lo)
            if keys[hi] < keys[mid]:
                _swap(keys, vals, hi, mid)
            pivot = keys[mid]
            i, j = lo, hi
            while i <= j:
                while keys[i] < pivot:
                    i += 1
                while keys[j] > pivot:
                    j -= 1
                if i <= j:
                    _swap(keys, vals, i, j)
                    i += 1
                    j -= 1
            # recurse into the smaller part later, loop on the larger one
            if j - lo < hi - i:
                stack[top], stack[top + 1] = i, hi
                hi = j
            else:
                stack[top], stack[top + 1] = lo, j
                lo = i
            top += 2
        for i in range(lo + 1, hi + 1):
            key, val = keys[i], vals[i]
            j = i - 1
            while j >= lo and keys[j] > key:
                keys[j + 1] = keys[j]
                vals[j + 1] = vals[j]
                j -= 1
            keys[j + 1] = key
            vals[j + 1] = val
        if top == 0:
            return
        top -= 2
        lo, hi = stack[top], stack[top + 1]


@numba.njit(cache=True, inline="always")
def _swap(keys, vals, i, j):
    keys[i], keys[j] = keys[j], keys[i]
    vals[i], vals[j] = vals[j], vals[i]


@numba.njit(cache=True)
def rehash(keys, vals, new_keys, new_vals):
    """Insert every entry of one table into another (empty, larger) one."""
    for s in range(keys.shape[0]):
        if keys[s] != EMPTY:
            _add(new_keys, new_vals, keys[s], vals[s])


@numba.njit(cache=True)
def split_keys(keys, vals, scale, rows, cols, out):
    """Unpack keys into `rows`, `cols` (int32) and fixed-point values into `out = vals / scale`
    (the outputs may be longer than `keys`)."""
    for t in range(keys.shape[0]):
        rows[t] = keys[t] >> 32
        cols[t] = keys[t] & 0xFFFFFFFF
        out[t] = vals[t] / scale
