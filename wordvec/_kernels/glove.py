"""Numba kernels for GloVe: AdaGrad over a block of nonzeros, the shuffle, the loss and its
gradient.

Parameters are float32: word vectors `W` and context vectors `C` `(n_words, dim)`, biases
`bw`, `bc` `(n_words,)`, and AdaGrad accumulators of the same shapes (`gW`, `gC`, `gbw`,
`gbc`). A nonzero is `pairs[t] = (i, j)` with `targets[t] = (log X_ij, f(X_ij))` (the
trainer keeps both in one `(nnz, 4)` array of 16-byte rows, so a shuffle moves one line each).

The update is glove.c's (v1.2): with `diff = W_i . C_j + bw_i + bc_j - log X_ij` and
`fdiff = f(X_ij) * diff`, each vector component takes the step
`g = eta * clip(fdiff * other, -clip, clip)`, `param -= g / sqrt(acc)`, then `acc += g * g`
(both vectors read their old values); each bias takes `bias -= fdiff / sqrt(acc)`,
`acc += fdiff ** 2`, without eta, as glove.c does. A nonzero whose `fdiff` is not finite is
skipped. A block returns sum(0.5 * f * diff ** 2) in float64, accumulated as it goes.

`c_entry_epoch` and `c_entry_shuffle` give the kernels C-ABI entry points, which `native.py`
keeps as shared libraries; `glove_host` picks those or the numba dispatcher.
"""

import numba
import numpy as np

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)

_FLAGS = {"contract", "arcp", "reassoc"}   # vectorised dot products; NaN checks kept


@numba.njit(nogil=True, cache=True, fastmath=_FLAGS, error_model="numpy")
def epoch_block(W, C, bw, bc, gW, gC, gbw, gbc, pairs, targets, lo, hi, eta, clip):
    """Train on nonzeros `lo:hi` in order; returns their summed loss (float64).

    Free of the GIL and allocating nothing: the driver runs the blocks of a slice on its
    threads (Hogwild), and `glove_host` can run it as a shared library without numba.
    error_model="numpy": no zero-division branches, so the update loop vectorises (1.7x).
    """
    dim = W.shape[1]
    eta = np.float32(eta)
    clip = np.float32(clip)
    acc = 0.0
    for t in range(lo, hi):
        i = pairs[t, 0]
        j = pairs[t, 1]
        diff = np.float32(0.0)
        for d in range(dim):
            diff += W[i, d] * C[j, d]
        diff += bw[i] + bc[j] - targets[t, 0]
        fdiff = targets[t, 1] * diff
        if not np.isfinite(fdiff):
            continue
        acc += 0.5 * np.float64(fdiff) * np.float64(diff)
        for d in range(dim):
            w = W[i, d]
            c = C[j, d]
            g1 = min(max(fdiff * c, -clip), clip) * eta
            g2 = min(max(fdiff * w, -clip), clip) * eta
            W[i, d] = w - g1 / np.sqrt(gW[i, d])
            C[j, d] = c - g2 / np.sqrt(gC[j, d])
            gW[i, d] += g1 * g1
            gC[j, d] += g2 * g2
        bw[i] -= fdiff / np.sqrt(gbw[i])
        bc[j] -= fdiff / np.sqrt(gbc[j])
        gbw[i] += fdiff * fdiff
        gbc[j] += fdiff * fdiff
    return acc


@numba.njit(nogil=True, cache=True)
def shuffle(rows, seed):
    """Fisher-Yates shuffle of the rows of a 2-D array in place (xorshift64* generator)."""
    state = np.uint64(seed) | np.uint64(1)
    width = rows.shape[1]
    for t in range(rows.shape[0] - 1, 0, -1):
        state ^= state >> np.uint64(12)
        state ^= state << np.uint64(25)
        state ^= state >> np.uint64(27)
        x = state * np.uint64(2685821657736338717)
        bound = np.uint64(t + 1)
        if bound <= np.uint64(1 << 32):   # Lemire's multiply-shift, else modulo
            r = np.int64(((x >> np.uint64(32)) * bound) >> np.uint64(32))
        else:
            r = np.int64(x % bound)
        for c in range(width):
            rows[t, c], rows[r, c] = rows[r, c], rows[t, c]


@numba.njit(cache=True)
def loss_and_grad(W, C, bw, bc, rows, cols, vals, x_max, alpha):
    """J = sum 0.5 f(X_ij) (W_i . C_j + bw_i + bc_j - log X_ij)^2 and its gradient, in float64.

    The reference the tests check against finite differences and the epoch kernel against.
    Returns (J, dW, dC, dbw, dbc).
    """
    dW = np.zeros_like(W)
    dC = np.zeros_like(C)
    dbw = np.zeros_like(bw)
    dbc = np.zeros_like(bc)
    J = 0.0
    for t in range(rows.shape[0]):
        i, j, x = rows[t], cols[t], vals[t]
        f = min(1.0, (x / x_max) ** alpha)
        diff = np.dot(W[i], C[j]) + bw[i] + bc[j] - np.log(x)
        J += 0.5 * f * diff * diff
        dW[i] += f * diff * C[j]
        dC[j] += f * diff * W[i]
        dbw[i] += f * diff
        dbc[j] += f * diff
    return J, dW, dC, dbw, dbc


def c_entry_epoch():
    """Compile `epoch_block` behind the C-ABI entry point of `glove_host.EPOCH_ARGS`: the
    nonzeros are one `(nnz, 4)` array, read as int32 pairs and float32 targets."""
    from numba import carray, cfunc

    from .glove_host import EPOCH_ARGS
    from .native import numba_signature

    @cfunc(numba_signature(EPOCH_ARGS), fastmath=_FLAGS, error_model="numpy")
    def epoch_block_c(W, C, bw, bc, gW, gC, gbw, gbc, n_words, dim, nz_ints, nz_floats, nnz,
                      lo, hi, eta, clip, out_loss):
        out_loss[0] = epoch_block(
            carray(W, (n_words, dim)), carray(C, (n_words, dim)), carray(bw, n_words),
            carray(bc, n_words), carray(gW, (n_words, dim)), carray(gC, (n_words, dim)),
            carray(gbw, n_words), carray(gbc, n_words), carray(nz_ints, (nnz, 4))[:, :2],
            carray(nz_floats, (nnz, 4))[:, 2:], lo, hi, eta, clip)

    return epoch_block_c


def c_entry_shuffle():
    """Compile `shuffle` behind the C-ABI entry point of `glove_host.SHUFFLE_ARGS`."""
    from numba import carray, cfunc

    from .glove_host import SHUFFLE_ARGS
    from .native import numba_signature

    @cfunc(numba_signature(SHUFFLE_ARGS))
    def shuffle_c(rows, n_rows, width, seed):
        shuffle(carray(rows, (n_rows, width)), seed)

    return shuffle_c
