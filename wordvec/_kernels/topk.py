"""Numba kernel for batched nearest-neighbour queries: the best k entries of each score row."""

import numpy as np
from numba import njit

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)


@njit(nogil=True, cache=True, error_model="numpy")
def top_k_rows(scores, k, exclude, ids, best):
    """Best `k` columns of each row of `scores`, best first, skipping excluded columns.

    Parameters
    ----------
    scores : float32 array, shape (n_queries, n_candidates)
    k : int, at most n_candidates
    exclude : int64 array, shape (n_queries, n_excluded); -1 pads
    ids : int64 (n_queries, k), best : float32 (n_queries, k)
        Filled with the columns and their scores. Ties keep the lower column first (a stable
        sort's order); unfilled slots have score -inf and column 0. The caller makes them,
        so the kernel allocates nothing (see `topk_host`).

    One pass over each row. Serial and free of the GIL: the caller runs one block of rows per
    thread (numba's own thread pool would fight the BLAS threads of the matrix product that
    makes `scores`).
    """
    n, m = scores.shape
    for i in range(n):
        for p in range(k):
            ids[i, p] = 0
            best[i, p] = -np.inf
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


def c_entry():
    """Compile `top_k_rows` behind the C-ABI entry point of `topk_host.C_ARGS`."""
    from numba import carray, cfunc

    from .native import numba_signature
    from .topk_host import C_ARGS

    @cfunc(numba_signature(C_ARGS), error_model="numpy")
    def top_k_rows_c(scores, n_queries, n_candidates, k, exclude, n_excluded, ids, best):
        top_k_rows(carray(scores, (n_queries, n_candidates)), k,
                   carray(exclude, (n_queries, n_excluded)), carray(ids, (n_queries, k)),
                   carray(best, (n_queries, k)))

    return top_k_rows_c
