"""The numba-free side of the top-k kernel: `top_k_function()` runs `topk.top_k_rows` as a
shared library through ctypes (`native.py`) when it can, else through numba's dispatcher;
both make the outputs and give the same result."""

from pathlib import Path

import numpy as np

from .native import NativeKernel

#: The C-ABI entry point of `top_k_rows` (see `topk.c_entry`).
C_ARGS = (("scores", "float32*"), ("n_queries", "int64"), ("n_candidates", "int64"),
          ("k", "int64"), ("exclude", "int64*"), ("n_excluded", "int64"), ("ids", "int64*"),
          ("best", "float32*"))


def _build_entry():
    from .topk import c_entry

    return c_entry()


NATIVE_KERNEL = NativeKernel("top_k_rows", C_ARGS,
                             [Path(__file__).parent / "topk.py", Path(__file__)], _build_entry)


def top_k_function():
    """A callable `(scores, k, exclude) -> (ids, best)` with `topk.top_k_rows`'s meaning."""
    native = NATIVE_KERNEL.load()
    if native is None:
        from .topk import top_k_rows

        def top_k_numba(scores, k, exclude):
            ids, best = _outputs(scores, k, exclude)
            top_k_rows(scores, k, exclude, ids, best)
            return ids, best

        return top_k_numba

    def top_k_native(scores, k, exclude):
        ids, best = _outputs(scores, k, exclude)
        native(scores.ctypes.data, scores.shape[0], scores.shape[1], k, exclude.ctypes.data,
               exclude.shape[1], ids.ctypes.data, best.ctypes.data)
        return ids, best

    return top_k_native


def _outputs(scores, k, exclude):
    """Check the inputs the machine code will read, and make its outputs."""
    if scores.dtype != np.float32 or scores.ndim != 2 or not scores.flags.c_contiguous:
        raise TypeError(f"top_k_rows: scores must be a C-contiguous 2-D float32 array, got "
                        f"{scores.dtype} {scores.shape}")
    if exclude.dtype != np.int64 or exclude.ndim != 2 or not exclude.flags.c_contiguous:
        raise TypeError(f"top_k_rows: exclude must be a C-contiguous 2-D int64 array, got "
                        f"{exclude.dtype} {exclude.shape}")
    if exclude.shape[0] != scores.shape[0] or not 1 <= k <= scores.shape[1]:
        raise ValueError(f"top_k_rows: k={k} or exclude {exclude.shape} does not fit scores "
                         f"{scores.shape}")
    return np.empty((len(scores), k), np.int64), np.empty((len(scores), k), np.float32)
