"""The numba-free side of the GloVe kernels: `epoch_function()` and `shuffle_function()` run
`glove.epoch_block` and `glove.shuffle` as shared libraries through ctypes (`native.py`)
when they can, else through numba's dispatcher; same code, same results."""

from pathlib import Path

import numpy as np

from .native import NativeKernel

_PARAMS = (("W", "float32*"), ("C", "float32*"), ("bw", "float32*"), ("bc", "float32*"),
           ("gW", "float32*"), ("gC", "float32*"), ("gbw", "float32*"), ("gbc", "float32*"))
#: `epoch_block`'s C-ABI entry point (see `glove.c_entry_epoch`).
EPOCH_ARGS = (*_PARAMS, ("n_words", "int64"), ("dim", "int64"), ("nz_ints", "int32*"),
              ("nz_floats", "float32*"), ("nnz", "int64"), ("lo", "int64"), ("hi", "int64"),
              ("eta", "float64"), ("clip", "float64"), ("out_loss", "float64*"))
#: `shuffle`'s C-ABI entry point (see `glove.c_entry_shuffle`).
SHUFFLE_ARGS = (("rows", "int32*"), ("n_rows", "int64"), ("width", "int64"), ("seed", "int64"))


def _build_epoch():
    from .glove import c_entry_epoch

    return c_entry_epoch()


def _build_shuffle():
    from .glove import c_entry_shuffle

    return c_entry_shuffle()


_SOURCES = [Path(__file__).parent / "glove.py", Path(__file__)]
EPOCH_KERNEL = NativeKernel("glove_epoch_block", EPOCH_ARGS, _SOURCES, _build_epoch)
SHUFFLE_KERNEL = NativeKernel("glove_shuffle", SHUFFLE_ARGS, _SOURCES, _build_shuffle)


def epoch_function():
    """A callable `(params, nz, lo, hi, eta, clip) -> loss` training nonzeros `lo:hi`.

    `params` holds float32 W, C, bw, bc, gW, gC, gbw, gbc (C-contiguous); `nz` is the
    int32 `(nnz, 4)` nonzero array whose last two columns hold float32 bits.
    """
    native = EPOCH_KERNEL.load()
    names = [name for name, _ in _PARAMS]
    if native is None:
        from .glove import epoch_block

        def epoch_numba(params, nz, lo, hi, eta, clip):
            return epoch_block(*(params[n] for n in names), nz[:, :2],
                               nz.view(np.float32)[:, 2:], lo, hi, eta, clip)

        return epoch_numba

    def epoch_native(params, nz, lo, hi, eta, clip):
        arrays = [params[n] for n in names]
        n_words, dim = arrays[0].shape
        for name, array in zip(names, arrays, strict=True):
            want = (n_words, dim) if name in ("W", "C", "gW", "gC") else (n_words,)
            if array.dtype != np.float32 or array.shape != want or not \
                    array.flags.c_contiguous:
                raise TypeError(f"glove epoch: {name} must be C-contiguous float32 {want}, "
                                f"got {array.dtype} {array.shape}")
        if not 0 <= lo <= hi <= len(nz):
            raise ValueError(f"glove epoch: range {lo}:{hi} outside 0:{len(nz)}")
        _check_nonzeros(nz, lo, hi, n_words)
        out = np.zeros(1, np.float64)
        native(*(a.ctypes.data for a in arrays), n_words, dim, nz.ctypes.data, nz.ctypes.data,
               len(nz), lo, hi, eta, clip, out.ctypes.data)
        return float(out[0])

    return epoch_native


def shuffle_function():
    """A callable `(nz, seed)` shuffling the rows of `nz` in place (see `glove.shuffle`)."""
    native = SHUFFLE_KERNEL.load()
    if native is None:
        from .glove import shuffle

        return shuffle

    def shuffle_native(rows, seed):
        if rows.dtype != np.int32 or rows.ndim != 2 or not rows.flags.c_contiguous:
            raise TypeError(f"glove shuffle: rows must be a C-contiguous 2-D int32 array, got "
                            f"{rows.dtype} {rows.shape}")
        native(rows.ctypes.data, rows.shape[0], rows.shape[1], int(seed))

    return shuffle_native


def _check_nonzeros(nz, lo, hi, n_words):
    """The machine code indexes the parameters with the pairs `lo:hi`: they must be word ids
    (checked per call, on just those rows: a few microseconds per thousand)."""
    if nz.dtype != np.int32 or nz.ndim != 2 or nz.shape[1] != 4 or not nz.flags.c_contiguous:
        raise TypeError(f"glove epoch: nonzeros must be a C-contiguous int32 (nnz, 4) array, "
                        f"got {nz.dtype} {nz.shape}")
    if hi > lo:
        ids = nz[lo:hi, :2]
        if int(ids.min()) < 0 or int(ids.max()) >= n_words:
            raise ValueError(f"glove epoch: word ids must lie in [0, {n_words})")
