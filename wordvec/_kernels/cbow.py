"""Numba kernel for CBOW with negative sampling (plain arrays in, a float64 loss out).

`cbow_job` trains one job (a range of sentences of the encoded corpus) with the rules of
`sgns.sgns_job` (subsampling, reduced window, learning-rate schedule, LCG stream, sigmoid
table) but the CBOW model of word2vec: the context words of a window are summed (or averaged,
`cbow_mean`) into `h`, which predicts the centre word against `negative` drawn words; the
error reaching `h` goes back whole to every context word of a mean (as in the C tool and
gensim), divided by their number for a sum (as in gensim). Hierarchical softmax is SGNS's
(`sgns._hs_update`, with `h` for the input row), beside negative sampling or alone. It releases
the GIL; the driver runs one job per thread.

`c_entry` compiles the same function behind a C-ABI entry point (`cbow_host.C_ARGS`), kept
as a shared library by `native.py`.
"""

import numpy as np
from numba import njit

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)
from .sgns import (
    _draw_negative,
    _hs_update,
    _negative_gradient,
    _prefetch_row,
    _reduced_window,
    _sentence_rate,
    _subsample,
)


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def cbow_job(syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig, window, negative,
             alpha, min_alpha, raw_offset, raw_span, seed, syn1hs, codes, points, code_ends,
             cbow_mean, sen, neu1, neu1e, ahead):
    """Train one job's sentences; returns `(loss, examples)`.

    The arguments up to `code_ends` are those of `sgns.sgns_job`. `cbow_mean` (0 or 1) averages
    the context vectors instead of summing them. `sen` int32 `(max_len,)`, `neu1` and `neu1e`
    float32 `(dim,)` and `ahead` int64 `(negative + 1,)` are working arrays
    (`cbow_host.scratch_buffers`). `examples` counts the (window, centre word) examples
    trained; the loss sums `-log sigmoid(+-x)` over their targets.
    """
    dim = syn0.shape[1]
    n_words = np.uint64(neg_cut.shape[0])
    one = np.float32(1.0)
    zero = np.float32(0.0)
    hs = code_ends.shape[0] > 0
    r = np.uint64(seed)
    for k in range(1, negative + 1):
        ahead[k], r = _draw_negative(r, n_words, neg_cut, neg_alias)
    loss = 0.0
    examples = 0
    for s in range(len(ends)):
        start = ends[s - 1] if s > 0 else 0
        lr = _sentence_rate(alpha, min_alpha, raw_offset + raw_starts[s], raw_span)
        n, r = _subsample(ids, start, ends[s], keep, sen, r)
        for i in range(n):
            word = sen[i]
            lo, hi, r = _reduced_window(r, i, n, window)
            cw = hi - lo - 1
            if cw <= 0:
                continue
            for d in range(dim):
                neu1[d] = zero
                neu1e[d] = zero
            for c in range(lo, hi):
                if c != i:
                    w = sen[c]
                    for d in range(dim):
                        neu1[d] += syn0[w, d]
            # the mean scales h; a sum scales the error going back (as gensim does)
            inv = one / np.float32(cw)
            back = one
            if cbow_mean:
                for d in range(dim):
                    neu1[d] *= inv
            else:
                back = inv
            if i + window + 1 < n:
                _prefetch_row(syn0, sen[i + window + 1])
            if hs:
                e0 = code_ends[word - 1] if word > 0 else 0
                loss += _hs_update(neu1, syn1hs, codes, points, e0, code_ends[word], lr, sig,
                                   neu1e)
            # negatives were drawn (and their rows prefetched) one centre word ahead
            ahead[0] = word
            for k in range(negative + 1 if negative > 0 else 0):
                t = ahead[k]
                if k > 0:
                    ahead[k], r = _draw_negative(r, n_words, neg_cut, neg_alias)
                    _prefetch_row(syn1, ahead[k])
                    if t == word:
                        continue
                f = zero
                for d in range(dim):
                    f += neu1[d] * syn1[t, d]
                g, lk = _negative_gradient(f, one if k == 0 else zero, lr, sig)
                loss += lk
                for d in range(dim):
                    neu1e[d] += g * syn1[t, d]
                    syn1[t, d] += g * neu1[d]
            for c in range(lo, hi):
                if c != i:
                    w = sen[c]
                    for d in range(dim):
                        syn0[w, d] += neu1e[d] * back
            examples += 1
    return loss, examples


def c_entry():
    """Compile `cbow_job` behind a C-ABI entry point (`cbow_host.C_ARGS`)."""
    from numba import carray, cfunc

    from .cbow_host import C_ARGS
    from .native import numba_signature

    @cfunc(numba_signature(C_ARGS), fastmath=True, error_model="numpy")
    def cbow_job_c(syn0, syn1, n_words, dim, ids, n_ids, ends, raw_starts, n_sentences, keep,
                   neg_cut, neg_alias, sig, sig_columns, window, negative, alpha, min_alpha,
                   raw_offset, raw_span, seed, syn1hs, n_inner, codes, points, n_codes,
                   code_ends, n_code_ends, cbow_mean, sen, max_len, neu1, neu1e, ahead,
                   out_loss, out_examples):
        loss, examples = cbow_job(
            carray(syn0, (n_words, dim)), carray(syn1, (n_words, dim)), carray(ids, n_ids),
            carray(ends, n_sentences), carray(raw_starts, n_sentences), carray(keep, n_words),
            carray(neg_cut, n_words), carray(neg_alias, n_words), carray(sig, (3, sig_columns)),
            window, negative, alpha, min_alpha, raw_offset, raw_span, seed,
            carray(syn1hs, (n_inner, dim)), carray(codes, n_codes), carray(points, n_codes),
            carray(code_ends, n_code_ends), cbow_mean, carray(sen, max_len),
            carray(neu1, dim), carray(neu1e, dim), carray(ahead, negative + 1))
        out_loss[0] = loss
        out_examples[0] = examples

    return cbow_job_c
