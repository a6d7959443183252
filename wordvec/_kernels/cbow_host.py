"""The numba-free side of the CBOW kernel: its scratch buffers, its C-ABI arguments, and
`job_function()`, which runs `cbow.cbow_job` from a shared library (`native.py`) or else
through the numba dispatcher, with the same results. Its tables are SGNS's (`sgns_host`).
"""

import numpy as np

from .sgns_host import HS_C_ARGS, check_job_arrays, hs_pointers, word2vec_kernel


def scratch_buffers(dim, negative, max_len):
    """The kernel's working arrays for one job: `(sen, neu1, neu1e, ahead)`."""
    return (np.empty(max(max_len, 1), np.int32), np.empty(dim, np.float32),
            np.empty(dim, np.float32), np.empty(negative + 1, np.int64))


#: The C-ABI entry point of `cbow_job` (see `cbow.c_entry`).
C_ARGS = (
    ("syn0", "float32*"), ("syn1", "float32*"), ("n_words", "int64"), ("dim", "int64"),
    ("ids", "int32*"), ("n_ids", "int64"), ("ends", "int64*"), ("raw_starts", "int64*"),
    ("n_sentences", "int64"), ("keep", "float32*"), ("neg_cut", "uint32*"),
    ("neg_alias", "int32*"), ("sig", "float32*"), ("sig_columns", "int64"), ("window", "int64"),
    ("negative", "int64"), ("alpha", "float64"), ("min_alpha", "float64"),
    ("raw_offset", "int64"), ("raw_span", "int64"), ("seed", "uint64"), *HS_C_ARGS,
    ("cbow_mean", "int64"),
    ("sen", "int32*"), ("max_len", "int64"), ("neu1", "float32*"), ("neu1e", "float32*"),
    ("ahead", "int64*"), ("out_loss", "float64*"), ("out_examples", "int64*"),
)


NATIVE_KERNEL = word2vec_kernel("cbow_job", C_ARGS, "cbow", __file__)

_SCRATCH_DTYPES = ((np.int32, 1), (np.float32, 1), (np.float32, 1), (np.int64, 1))


def job_function():
    """A callable with `cbow.cbow_job`'s arguments and result: the shared library when it is
    (or can be) built, else the numba dispatcher."""
    native = NATIVE_KERNEL.load()
    if native is None:
        from .cbow import cbow_job

        return cbow_job

    def cbow_job_native(syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig,
                        window, negative, alpha, min_alpha, raw_offset, raw_span, seed,
                        syn1hs, codes, points, code_ends, cbow_mean, *scratch):
        arrays = (syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig)
        check_job_arrays("cbow_job", arrays, scratch, _SCRATCH_DTYPES, window, negative)
        hs = hs_pointers("cbow_job", syn0, (syn1hs, codes, points, code_ends))
        sen, neu1, neu1e, ahead = scratch
        n_words, dim = syn0.shape
        if neu1.shape != (dim,) or neu1e.shape != (dim,) or ahead.shape != (negative + 1,):
            raise ValueError("cbow_job: array sizes do not agree")
        out_loss = np.zeros(1, np.float64)
        out_examples = np.zeros(1, np.int64)
        native(syn0.ctypes.data, syn1.ctypes.data, n_words, dim, ids.ctypes.data, len(ids),
               ends.ctypes.data, raw_starts.ctypes.data, len(ends), keep.ctypes.data,
               neg_cut.ctypes.data, neg_alias.ctypes.data, sig.ctypes.data, sig.shape[1], window,
               negative, alpha, min_alpha, raw_offset, raw_span, seed, *hs, int(cbow_mean),
               sen.ctypes.data, len(sen), neu1.ctypes.data, neu1e.ctypes.data,
               ahead.ctypes.data, out_loss.ctypes.data, out_examples.ctypes.data)
        return float(out_loss[0]), int(out_examples[0])

    return cbow_job_native
