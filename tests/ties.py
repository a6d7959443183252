"""Comparing rankings of float scores up to ties.

Two code paths (or wordvec and gensim) that compute the same cosines with different matrix
products can differ in the last bits: OpenBLAS picks its kernel per CPU (Haswell, Zen, SkylakeX
...), and a product of many rows is summed in another order than a product of one. Where two
candidates score within a few ulps of each other, which one comes first is then an accident of
the machine, so these helpers accept either order there, and only there.
"""

import numpy as np

TOL = 1e-6   # about 8 float32 ulps of a cosine near 1; far above the rounding of a 300-d dot


def assert_same_ranking(got, want, tol=TOL):
    """`got` and `want`, lists of (word, score) best first, rank the same words up to ties.

    Scores must agree position by position within `tol`; a word may differ from `want`'s
    word at the same position only if `want` scores it within `tol` of that position's score
    (a swap inside a tie), or, for a word `want` left out, if it ties `want`'s last score.
    """
    got_words, want_words = [w for w, _ in got], [w for w, _ in want]
    assert len(got_words) == len(want_words) == len(set(got_words)), (got_words, want_words)
    want_scores = np.array([s for _, s in want], dtype=np.float64)
    np.testing.assert_allclose([s for _, s in got], want_scores, rtol=0, atol=tol)
    score_of = dict(want)
    for i, word in enumerate(got_words):
        if word == want_words[i]:
            continue
        other = score_of.get(word, want_scores[-1])   # left out: must tie the cut-off
        assert abs(other - want_scores[i]) <= tol, (i, got_words, want_words)


def cosine_ranking(vectors, query, topn, exclude=()):
    """The oracle: the `topn` (word, cosine) of `query` (a vector) in float64, best first."""
    unit = np.asarray(vectors.vectors, dtype=np.float64)
    unit = unit / np.linalg.norm(unit, axis=1, keepdims=True)
    scores = unit @ (np.asarray(query, dtype=np.float64) / np.linalg.norm(query))
    scores[[vectors.index(w) for w in exclude]] = -np.inf
    best = np.argsort(-scores, kind="stable")[:topn]
    return [(vectors.keys[j], float(scores[j])) for j in best]


def tied_analogies(vectors, questions, restrict_vocab, case_insensitive, tol=TOL):
    """Indices of the analogy `questions` (a, b, c, d) that a tie decides.

    3CosAdd in float64 over gensim's candidates (the first `restrict_vocab` words, the first
    case variant of each when `case_insensitive`, never a question word): a question is tied
    when d and some other candidate both score within `tol` of the best, so whether it counts
    as correct depends on rounding.
    """
    n = min(restrict_vocab, len(vectors))
    fold = str.upper if case_insensitive else str
    first = {}
    for row, key in enumerate(vectors.keys[:n]):
        first.setdefault(fold(key), row)
    canonical = np.array([first[fold(k)] for k in vectors.keys[:n]])
    unit = np.asarray(vectors.vectors[:n], dtype=np.float64)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    known = [i for i, q in enumerate(questions) if all(fold(w) in first for w in q)]
    rows = np.array([[first[fold(w)] for w in questions[i]] for i in known]).reshape(-1, 4)
    tied = []
    for start in range(0, len(known), 256):   # one float64 product per block of questions
        block = rows[start:start + 256]
        target = unit[block[:, 1]] + unit[block[:, 2]] - unit[block[:, 0]]
        scores = (target / np.linalg.norm(target, axis=1, keepdims=True)) @ unit.T
        for (a, b, c, d), row, i in zip(block, scores, known[start:start + 256], strict=True):
            row[np.isin(canonical, [a, b, c])] = -np.inf
            near = np.unique(canonical[row >= row.max() - tol])
            if d in near and len(near) > 1:
                tied.append(i)
    return tied
