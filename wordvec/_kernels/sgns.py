"""Numba kernels for skip-gram with negative sampling (plain arrays in, a float64 loss out).

`sgns_job` trains one job (a range of sentences of the encoded corpus) with the word2vec C
tool's rules, batched the HogBatch way (Ji et al. 2016): for each centre word the K negatives
are drawn once and shared by every context word of its window, the K+1 output rows are
copied into a small contiguous buffer, and their updates are written back once per window.
It releases the GIL, so the driver runs one job per thread (Hogwild: rows are updated without
locks). Its random stream is a 64-bit LCG (as in the C tool) seeded per job by the driver, so
a job's draws do not depend on which thread runs it.

With a Huffman tree (`sgns_host.huffman_tree`) the job also trains hierarchical softmax
(`_hs_update`, shared with CBOW), beside negative sampling or alone (`negative=0`). The step
of one negative-sampling target (`_negative_gradient`) is shared with CBOW and fastText.

`c_entry` compiles the same function behind a C-ABI entry point, which `native.py` keeps as a
shared library; `sgns_host.job_function` picks that or the numba dispatcher.
"""

import numpy as np
from numba import njit

from . import numba_cache  # noqa: F401 (keys numba's cache by every kernel source)
from .prefetch import prefetch_row_for_writing as _prefetch_row
from .sgns_host import ALIAS_BITS, EXP_TABLE_SIZE, MAX_EXP


@njit(inline="always")
def _draw_negative(r, n_words, neg_cut, neg_alias):
    """One draw from the alias table; returns (word, new LCG state)."""
    r = r * np.uint64(25214903917) + np.uint64(11)
    slot = (r >> np.uint64(16)) % n_words
    r = r * np.uint64(25214903917) + np.uint64(11)
    if (r >> np.uint64(64 - ALIAS_BITS)) < neg_cut[slot]:  # the LCG's best (top) bits
        return np.int64(slot), r
    return np.int64(neg_alias[slot]), r


@njit(inline="always")
def _subsample(ids, start, stop, keep, sen, r):
    """Copy into `sen` the words of `ids[start:stop]` that subsampling keeps (word w with
    probability keep[w], one LCG draw for each word with keep < 1); returns (count, r)."""
    one = np.float32(1.0)
    inv16 = np.float32(1.0 / 65536.0)
    mult = np.uint64(25214903917)
    inc = np.uint64(11)
    sh48 = np.uint64(48)
    n = 0
    for p in range(start, stop):
        w = ids[p]
        kw = keep[w]
        if kw < one:
            r = r * mult + inc
            if kw < np.float32(r >> sh48) * inv16:
                continue
        sen[n] = w
        n += 1
    return n, r


@njit(inline="always")
def _sentence_rate(alpha, min_alpha, raw_done, raw_span):
    """The learning rate of a sentence starting `raw_done` raw words into the run: linear
    from `alpha` to `min_alpha` over `raw_span`, as word2vec's schedule."""
    return np.float32(alpha - (alpha - min_alpha) * (raw_done / raw_span))


@njit(inline="always")
def _reduced_window(r, i, n, window):
    """word2vec's random window around position `i` of a sentence of `n` words: one LCG draw
    b in [0, window) shrinks it to [lo, hi); returns (lo, hi, r)."""
    r = r * np.uint64(25214903917) + np.uint64(11)
    b = np.int64((r >> np.uint64(16)) % np.uint64(window))
    return max(0, i - window + b), min(n, i + window + 1 - b), r


@njit(inline="always")
def _hs_update(h, syn1hs, codes, points, e0, e1, lr, sig, err):
    """Hierarchical softmax of one example, as word2vec.c and gensim train it: `h` (dim,)
    walks the target word's path (`codes[e0:e1]`, `points[e0:e1]`), each inner node's row
    of `syn1hs` learning the branch taken (label `1 - code`); nodes where |h . row| >= 6
    are skipped. Adds the error reaching `h` into `err`; returns the loss
    `-log sigmoid(+-x)` summed over the path (|x| where the sigmoid saturates)."""
    dim = h.shape[0]
    fmax = np.float32(MAX_EXP)
    scale = np.float32(EXP_TABLE_SIZE / MAX_EXP / 2)
    one = np.float32(1.0)
    loss = 0.0
    for p in range(e0, e1):
        node = points[p]
        code = codes[p]
        f = np.float32(0.0)
        for d in range(dim):
            f += h[d] * syn1hs[node, d]
        if f >= fmax or f <= -fmax:
            if (f >= fmax) == (code == 1):  # the wrong side of a saturated node
                loss += abs(f)
            continue
        j = min(max(int((f + fmax) * scale), 0), EXP_TABLE_SIZE)
        g = (one - np.float32(code) - sig[0, j]) * lr
        loss += sig[1, j] if code == 0 else sig[2, j]
        for d in range(dim):
            err[d] += g * syn1hs[node, d]
            syn1hs[node, d] += g * h[d]
    return loss


@njit(inline="always")
def _negative_gradient(f, lab, lr, sig):
    """Negative sampling's step for one target of label `lab` (1 for the true word, 0 for a
    drawn one) at the dot product `f`: returns `(g, loss)`, `g = (lab - sigmoid(f)) * lr` the
    scale of the target row's and the input's updates and `loss = -log sigmoid(+-f)`, the
    sigmoid read from `sig` and saturated beyond |MAX_EXP| (loss |f| on the wrong side)."""
    fmax = np.float32(MAX_EXP)
    scale = np.float32(EXP_TABLE_SIZE / MAX_EXP / 2)
    one = np.float32(1.0)
    zero = np.float32(0.0)
    # The table is read before branching, at f clamped to [-MAX_EXP, MAX_EXP] (where it is
    # used, f itself): read inside a branch, the kernels calling this in their innermost loop
    # kept numba's reference counts, which the native library cannot have. Clamped again: a
    # NaN f (diverged training) must not index outside.
    j = min(max(int((min(max(f, -fmax), fmax) + fmax) * scale), 0), EXP_TABLE_SIZE)
    s0 = sig[0, j]
    s1 = sig[1, j]
    s2 = sig[2, j]
    if f > fmax:
        return (lab - one) * lr, f if lab == zero else 0.0
    if f < -fmax:
        return lab * lr, -f if lab == one else 0.0
    return (lab - s0) * lr, s1 if lab == one else s2


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def sgns_job(syn0, syn1, ids, ends, raw_starts, keep, neg_cut, neg_alias, sig, window, negative,
             alpha, min_alpha, raw_offset, raw_span, seed, syn1hs, codes, points, code_ends, sen,
             outb, gout, tgt, label, gk, fk, ahead, err):
    """Train one job's sentences; returns `(loss, pairs)`.

    Parameters
    ----------
    syn0, syn1 : float32 (n_words, dim)
        Input (word) and output (context) vectors, updated in place.
    ids : int32 (n_tokens,)
        The job's word ids.
    ends : int64 (n_sentences,)
        End of each sentence in `ids`.
    raw_starts : int64 (n_sentences,)
        Corpus words (of this epoch) before each sentence: the learning-rate schedule.
    keep : float32 (n_words,)
        Subsampling keep probability of each word (>= 1 means always kept).
    neg_cut : uint32, neg_alias : int32 (n_words,)
        Alias table of the negative-sampling distribution (counts ** 0.75).
    sig : float32 (3, EXP_TABLE_SIZE + 1)
        `sigmoid_table()`.
    alpha, min_alpha : float
        The learning rate at sentence s is `alpha - (alpha - min_alpha) * progress`, with
        `progress = (raw_offset + raw_starts[s]) / raw_span`.
    seed : uint64
        Start of this job's LCG stream.
    syn1hs : float32 (n_words - 1, dim); codes : uint8, points : int32, code_ends : int64
        Hierarchical softmax: the inner nodes' output vectors (updated in place) and the
        Huffman tree (`sgns_host.huffman_tree`); all empty (`sgns_host.no_hs`) turns it off.
        `negative=0` turns negative sampling off.
    sen, outb, gout, tgt, label, gk, fk, ahead, err
        Working arrays from `sgns_host.scratch_buffers(dim, negative, max_len)`, where
        `max_len` is the length of the longest sentence; the kernel allocates nothing.

    Returns
    -------
    loss : float64
        Sum of `-log sigmoid(+-x)` over every (pair, target or tree node) trained.
    pairs : int64
        (centre, context) pairs trained.
    """
    dim = syn0.shape[1]
    n_words = np.uint64(neg_cut.shape[0])
    k1 = negative + 1
    one = np.float32(1.0)
    zero = np.float32(0.0)
    hs = code_ends.shape[0] > 0
    r = np.uint64(seed)
    for k in range(1, k1):
        ahead[k], r = _draw_negative(r, n_words, neg_cut, neg_alias)
    loss = 0.0
    pairs = 0
    for s in range(len(ends)):
        start = ends[s - 1] if s > 0 else 0
        lr = _sentence_rate(alpha, min_alpha, raw_offset + raw_starts[s], raw_span)
        n, r = _subsample(ids, start, ends[s], keep, sen, r)
        for i in range(n):
            word = sen[i]
            lo, hi, r = _reduced_window(r, i, n, window)
            if hi - lo <= 1:
                continue
            e0 = code_ends[word - 1] if hs and word > 0 else 0
            e1 = code_ends[word] if hs else 0
            # negatives were drawn (and their rows prefetched) one centre word ahead
            tgt[0] = word if negative > 0 else -1
            label[0] = one
            for k in range(1, k1):
                tgt[k] = -1 if ahead[k] == word else ahead[k]
                label[k] = zero
                ahead[k], r = _draw_negative(r, n_words, neg_cut, neg_alias)
                _prefetch_row(syn1, ahead[k])
            if i + 1 < n and negative > 0:
                _prefetch_row(syn1, sen[i + 1])
            if i + window + 1 < n:
                _prefetch_row(syn0, sen[i + window + 1])
            for k in range(k1):
                t = tgt[k]
                if t >= 0:
                    for d in range(dim):
                        outb[k, d] = syn1[t, d]
                        gout[k, d] = zero
            for c in range(lo, hi):
                if c == i:
                    continue
                row = syn0[sen[c]]
                if hs:  # the tree first (from the row as it was), then the negatives
                    for d in range(dim):
                        err[d] = zero
                    loss += _hs_update(row, syn1hs, codes, points, e0, e1, lr, sig, err)
                if negative > 0:
                    if k1 == 6:  # negative=5: the six dot products in one pass over the row
                        f0 = zero
                        f1 = zero
                        f2 = zero
                        f3 = zero
                        f4 = zero
                        f5 = zero
                        for d in range(dim):
                            x = row[d]
                            f0 += x * outb[0, d]
                            f1 += x * outb[1, d]
                            f2 += x * outb[2, d]
                            f3 += x * outb[3, d]
                            f4 += x * outb[4, d]
                            f5 += x * outb[5, d]
                        fk[0] = f0
                        fk[1] = f1
                        fk[2] = f2
                        fk[3] = f3
                        fk[4] = f4
                        fk[5] = f5
                    else:
                        for k in range(k1):
                            f = zero
                            for d in range(dim):
                                f += row[d] * outb[k, d]
                            fk[k] = f
                    for k in range(k1):
                        gk[k] = zero
                        if tgt[k] < 0:
                            continue
                        g, lk = _negative_gradient(fk[k], label[k], lr, sig)
                        gk[k] = g
                        loss += lk
                    for k in range(k1):
                        g = gk[k]
                        for d in range(dim):
                            gout[k, d] += g * row[d]
                    for k in range(k1):
                        g = gk[k]
                        for d in range(dim):
                            row[d] += g * outb[k, d]
                if hs:
                    for d in range(dim):
                        row[d] += err[d]
                pairs += 1
            for k in range(k1):
                t = tgt[k]
                if t >= 0:
                    for d in range(dim):
                        syn1[t, d] += gout[k, d]
    return loss, pairs


def c_entry():
    """Compile `sgns_job` behind a C-ABI entry point (`sgns_host.C_ARGS`): each pointer is
    viewed as an array of the given size, so the same specialisation of `sgns_job` runs."""
    from numba import carray, cfunc

    from .native import numba_signature
    from .sgns_host import C_ARGS

    @cfunc(numba_signature(C_ARGS), fastmath=True, error_model="numpy")
    def sgns_job_c(syn0, syn1, n_words, dim, ids, n_ids, ends, raw_starts, n_sentences, keep,
                   neg_cut, neg_alias, sig, sig_columns, window, negative, alpha, min_alpha,
                   raw_offset, raw_span, seed, syn1hs, n_inner, codes, points, n_codes,
                   code_ends, n_code_ends, sen, max_len, outb, gout, tgt, label, gk, fk, ahead,
                   err, out_loss, out_pairs):
        k1 = negative + 1
        loss, pairs = sgns_job(
            carray(syn0, (n_words, dim)), carray(syn1, (n_words, dim)), carray(ids, n_ids),
            carray(ends, n_sentences), carray(raw_starts, n_sentences), carray(keep, n_words),
            carray(neg_cut, n_words), carray(neg_alias, n_words), carray(sig, (3, sig_columns)),
            window, negative, alpha, min_alpha, raw_offset, raw_span, seed,
            carray(syn1hs, (n_inner, dim)), carray(codes, n_codes), carray(points, n_codes),
            carray(code_ends, n_code_ends), carray(sen, max_len), carray(outb, (k1, dim)),
            carray(gout, (k1, dim)), carray(tgt, k1), carray(label, k1), carray(gk, k1),
            carray(fk, k1), carray(ahead, k1), carray(err, dim))
        out_loss[0] = loss
        out_pairs[0] = pairs

    return sgns_job_c
