"""Numba kernel for batched nearest-neighbour queries: the best k entries of each score row."""

import numpy as np
from numba import njit


@njit(nogil=True, cache=True)
def top_k_rows(scores, k, exclude):
    """Best `k` columns of each row of `scores`, best first, skipping excluded columns.

    Parameters
    ----------
    scores : float32 array, shape (n_queries, n_candidates)
    k : int, at most n_candidates
    exclude : int64 array, shape (n_queries, n_excluded); -1 pads

    Returns
    -------
    ids : int64 (n_queries, k), best : float32 (n_queries, k)
        Ties keep the lower column first (a stable sort's order); unfilled slots have score
        -inf and column 0. One pass over each row. Serial and free of the GIL: the caller
        runs one block of rows per thread (numba's own thread pool would fight the BLAS
        threads of the matrix product that makes `scores`).
    """
    n, m = scores.shape
    ids = np.zeros((n, k), dtype=np.int64)
    best = np.full((n, k), -np.inf, dtype=np.float32)
    for i in range(n):
        worst = np.float32(-np.inf)
        for j in range(m):
            s = scores[i, j]
            if s > worst:
                skip = False
                for e in range(exclude.shape[1]):
                    if exclude[i, e] == j:
                        skip = True
                if skip:
                    continue
                p = k - 1
                while p > 0 and best[i, p - 1] < s:
                    best[i, p] = best[i, p - 1]
                    ids[i, p] = ids[i, p - 1]
                    p -= 1
                best[i, p] = s
                ids[i, p] = j
                worst = best[i, k - 1]
    return ids, best
