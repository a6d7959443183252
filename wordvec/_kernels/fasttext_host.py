"""The numba-free side of the fastText kernel: its scratch buffers, its C-ABI arguments, and
`job_function()`, which runs `fasttext.fasttext_job` from a shared library (`native.py`) or
else through the numba dispatcher, with the same results. Its tables are SGNS's (`sgns_host`).
"""

import numpy as np

from .sgns_host import check_job_arrays, word2vec_kernel


def scratch_buffers(dim, max_len):
    """The kernel's working arrays for one job: `(sen, hid, grad)`."""
    return (np.empty(max(max_len, 1), np.int32), np.empty(dim, np.float32),
            np.empty(dim, np.float32))


#: The C-ABI entry point of `fasttext_job` (see `fasttext.c_entry`).
C_ARGS = (
    ("syn0", "float32*"), ("syn1", "float32*"), ("n_rows", "int64"), ("n_words", "int64"),
    ("dim", "int64"), ("ids", "int32*"), ("n_ids", "int64"), ("ends", "int64*"),
    ("raw_starts", "int64*"), ("n_sentences", "int64"), ("keep", "float32*"),
    ("neg_cut", "uint32*"), ("neg_alias", "int32*"), ("sig", "float32*"),
    ("sig_columns", "int64"), ("window", "int64"), ("negative", "int64"), ("alpha", "float64"),
    ("min_alpha", "float64"), ("raw_offset", "int64"), ("raw_span", "int64"), ("seed", "uint64"),
    ("sub_starts", "int64*"), ("sub_rows", "int32*"), ("n_sub_rows", "int64"), ("sg", "int64"),
    ("sen", "int32*"), ("max_len", "int64"), ("hid", "float32*"), ("grad", "float32*"),
    ("out_loss", "float64*"), ("out_examples", "int64*"),
)


NATIVE_KERNEL = word2vec_kernel("fasttext_job", C_ARGS, "fasttext", __file__)

_SCRATCH_DTYPES = ((np.int32, 1), (np.float32, 1), (np.float32, 1))


def check_subwords(syn0, n_words, sub_starts, sub_rows):
    """`TypeError`/`ValueError` unless the subword table fits `syn0`: what the native kernel,
    which checks nothing, relies on."""
    if (sub_starts.dtype != np.int64 or sub_rows.dtype != np.int32
            or not sub_starts.flags.c_contiguous or not sub_rows.flags.c_contiguous):
        raise TypeError("fasttext_job: sub_starts must be C-contiguous int64, sub_rows int32")
    if (sub_starts.shape != (n_words + 1,) or sub_starts[0] != 0
            or sub_starts[-1] != len(sub_rows) or (np.diff(sub_starts) < 1).any()):
        raise ValueError("fasttext_job: sub_starts must rise from 0 to len(sub_rows), every "
                         "word having at least one row")
    if len(sub_rows) and not 0 <= int(sub_rows.min()) <= int(sub_rows.max()) < syn0.shape[0]:
        raise ValueError(f"fasttext_job: subword rows must lie in [0, {syn0.shape[0]})")


def job_function():
    """A callable with `fasttext.fasttext_job`'s arguments and result: the shared library when
    it is (or can be) built, else the numba dispatcher."""
    native = NATIVE_KERNEL.load()
    if native is None:
        from .fasttext import fasttext_job

        return fasttext_job

    def fasttext_job_native(syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig,
                            window, negative, alpha, min_alpha, raw_offset, raw_span, seed,
                            sub_starts, sub_rows, sg, *scratch):
        n_words, dim = syn1.shape
        if syn0.ndim != 2 or syn0.shape[1] != dim or syn0.shape[0] < n_words:
            raise ValueError("fasttext_job: array sizes do not agree")
        # the word rows of syn0 pass SGNS's checks (a prefix of a C-contiguous matrix is one)
        arrays = (syn0[:n_words], syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig)
        check_job_arrays("fasttext_job", arrays, scratch, _SCRATCH_DTYPES, window, negative)
        check_subwords(syn0, n_words, sub_starts, sub_rows)
        sen, hid, grad = scratch
        if hid.shape != (dim,) or grad.shape != (dim,) or negative < 0:
            raise ValueError("fasttext_job: array sizes do not agree")
        out_loss = np.zeros(1, np.float64)
        out_examples = np.zeros(1, np.int64)
        native(syn0.ctypes.data, syn1.ctypes.data, syn0.shape[0], n_words, dim, ids.ctypes.data,
               len(ids), ends.ctypes.data, raw_starts.ctypes.data, len(ends), keep.ctypes.data,
               neg_cut.ctypes.data, neg_alias.ctypes.data, sig.ctypes.data, sig.shape[1], window,
               negative, alpha, min_alpha, raw_offset, raw_span, seed, sub_starts.ctypes.data,
               sub_rows.ctypes.data, len(sub_rows), int(sg), sen.ctypes.data, len(sen),
               hid.ctypes.data, grad.ctypes.data, out_loss.ctypes.data, out_examples.ctypes.data)
        return float(out_loss[0]), int(out_examples[0])

    return fasttext_job_native
