"""Numba kernel for fastText's subword model with negative sampling (plain arrays in, a float64
loss out).

`fasttext_job` trains one job (a range of sentences of the encoded corpus) with the rules of
`sgns.sgns_job` (subsampling, reduced window, learning-rate schedule, LCG stream, sigmoid
table, alias table of the negatives) and fastText's model: the input side of a word is the
mean of its *subword rows* (its own row and one row per character n-gram bucket, fastText's
layout of the input matrix, see `wordvec.subwords`).

- skip-gram (`sg=1`): the centre word's mean `h` predicts each context word against
  `negative` words drawn for that pair (fastText and gensim take the centre word's subwords
  as the input); `h` is computed once per centre word and the error reaching it, summed over
  the window, is added whole to each of its subword rows once the window is done (fastText
  adds it after each pair: the same sum, with `h` not refreshed inside a window).
- CBOW (`sg=0`): `h` is the mean of every subword row of the context words (fastText's bag),
  it predicts the centre word, and its error is added whole to each of those rows.

It releases the GIL; the driver runs one job per thread (Hogwild). `c_entry` compiles it behind
a C-ABI entry point (`fasttext_host.C_ARGS`), kept as a shared library by `native.py`.
"""

import numpy as np
from numba import njit

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)
from .sgns import (
    _draw_negative,
    _negative_gradient,
    _prefetch_row,
    _reduced_window,
    _sentence_rate,
    _subsample,
)


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def fasttext_job(syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig, window,
                 negative, alpha, min_alpha, raw_offset, raw_span, seed, sub_starts, sub_rows, sg,
                 sen, hid, grad):
    """Train one job's sentences; returns `(loss, examples)`.

    Parameters
    ----------
    syn0 : float32 (n_words + bucket, dim)
        Input matrix in fastText's layout (words, then n-gram buckets), updated in place.
    syn1 : float32 (n_words, dim)
        Output vectors, updated in place.
    ids ... seed
        As `sgns.sgns_job`.
    sub_starts : int64 (n_words + 1,), sub_rows : int32
        Word w's rows of `syn0` are `sub_rows[sub_starts[w]:sub_starts[w + 1]]`.
    sg : int
        1 for skip-gram, 0 for CBOW.
    sen : int32 (max_len,), hid, grad : float32 (dim,)
        Working arrays (`fasttext_host.scratch_buffers`); the kernel allocates nothing.

    Returns
    -------
    loss : float64
        Sum of `-log sigmoid(+-x)` over every target trained.
    examples : int64
        (centre, context) pairs (skip-gram) or (window, centre word) examples (CBOW) trained.
    """
    dim = syn0.shape[1]
    n_words = np.uint64(neg_cut.shape[0])
    one = np.float32(1.0)
    zero = np.float32(0.0)
    r = np.uint64(seed)
    loss = 0.0
    examples = 0
    for s in range(len(ends)):
        start = ends[s - 1] if s > 0 else 0
        lr = _sentence_rate(alpha, min_alpha, raw_offset + raw_starts[s], raw_span)
        n, r = _subsample(ids, start, ends[s], keep, sen, r)
        for i in range(n):
            word = sen[i]
            lo, hi, r = _reduced_window(r, i, n, window)
            if hi - lo <= 1:
                continue
            # the rows the next window adds (a cache miss each, in a matrix of ~bucket rows)
            nxt = i + 1 if sg == 1 else hi
            if nxt < n:
                w = sen[nxt]
                for p in range(sub_starts[w], sub_starts[w + 1]):
                    _prefetch_row(syn0, sub_rows[p])
            for d in range(dim):
                hid[d] = zero
                grad[d] = zero
            # h: the mean of the input rows (the centre word's, or all the context words')
            rows = 0
            for c in range(lo, hi):
                if (c == i) == (sg == 1):
                    w = sen[c]
                    for p in range(sub_starts[w], sub_starts[w + 1]):
                        row = sub_rows[p]
                        for d in range(dim):
                            hid[d] += syn0[row, d]
                    rows += sub_starts[w + 1] - sub_starts[w]
            inv = one / np.float32(rows)
            for d in range(dim):
                hid[d] *= inv
            # skip-gram: one example per context word; CBOW: one, the centre word
            for q in range(lo, hi if sg == 1 else lo + 1):
                if sg == 1 and q == i:
                    continue
                target = sen[q] if sg == 1 else word
                for k in range(negative + 1):
                    t = target
                    if k > 0:
                        t, r = _draw_negative(r, n_words, neg_cut, neg_alias)
                        if t == target:
                            continue
                    f = zero
                    for d in range(dim):
                        f += hid[d] * syn1[t, d]
                    g, lk = _negative_gradient(f, one if k == 0 else zero, lr, sig)
                    loss += lk
                    for d in range(dim):
                        grad[d] += g * syn1[t, d]
                        syn1[t, d] += g * hid[d]
                examples += 1
            for c in range(lo, hi):
                if (c == i) == (sg == 1):
                    w = sen[c]
                    for p in range(sub_starts[w], sub_starts[w + 1]):
                        row = sub_rows[p]
                        for d in range(dim):
                            syn0[row, d] += grad[d]
    return loss, examples


def c_entry():
    """Compile `fasttext_job` behind a C-ABI entry point (`fasttext_host.C_ARGS`)."""
    from numba import carray, cfunc

    from .fasttext_host import C_ARGS
    from .native import numba_signature

    @cfunc(numba_signature(C_ARGS), fastmath=True, error_model="numpy")
    def fasttext_job_c(syn0, syn1, n_rows, n_words, dim, ids, n_ids, ends, raw_starts,
                       n_sentences, keep, neg_cut, neg_alias, sig, sig_columns, window, negative,
                       alpha, min_alpha, raw_offset, raw_span, seed, sub_starts, sub_rows,
                       n_sub_rows, sg, sen, max_len, hid, grad, out_loss, out_examples):
        loss, examples = fasttext_job(
            carray(syn0, (n_rows, dim)), carray(syn1, (n_words, dim)), carray(ids, n_ids),
            carray(ends, n_sentences), carray(raw_starts, n_sentences), carray(keep, n_words),
            carray(neg_cut, n_words), carray(neg_alias, n_words), carray(sig, (3, sig_columns)),
            window, negative, alpha, min_alpha, raw_offset, raw_span, seed,
            carray(sub_starts, n_words + 1), carray(sub_rows, n_sub_rows), sg,
            carray(sen, max_len), carray(hid, dim), carray(grad, dim))
        out_loss[0] = loss
        out_examples[0] = examples

    return fasttext_job_c
