"""Scores that models share: Bleu (Papineni et al. 2002).

A candidate is a string (split on whitespace) or a list of tokens; each candidate has its
own list of one or more references. `bleu` is corpus Bleu: the clipped n-gram counts and
the lengths are summed over all sentences before the precisions and the brevity penalty
are taken, as nltk's ``corpus_bleu`` and sacrebleu do. `sentence_bleu` is the same for one
candidate.

``Bleu = BP * exp(sum_n log(p_n) / max_n)``, with ``p_n`` the modified (clipped) n-gram
precision and ``BP = 1`` if ``c > r`` else ``exp(1 - r / c)``, where ``c`` is the
candidate length and ``r`` the length of the reference closest to it (the shorter on a
tie). Without smoothing, any ``p_n = 0`` makes Bleu 0; ``smoothing="floor"`` puts
``0.1 / total_n`` in its place (nltk's method1, sacrebleu's "floor") and
``smoothing="exp"`` puts ``1 / (2^k total_n)`` for the k-th such order (nltk's method3,
sacrebleu's default, mteval's NIST smoothing). Scores are in [0, 1], not percent.

Examples
--------
>>> refs = ["the cat is on the mat", "there is a cat on the mat"]
>>> round(sentence_bleu("the cat the cat on the mat", refs), 10)
0.4671379777
>>> modified_precision("the the the the the the the", refs, 1)
Fraction(2, 7)
"""

import math
from collections import Counter
from fractions import Fraction

SMOOTHING = (None, "floor", "exp")


def _tokens(sentence, what):
    if isinstance(sentence, str):
        return sentence.split()
    if isinstance(sentence, (list, tuple)) and all(isinstance(t, str) for t in sentence):
        return list(sentence)
    raise TypeError(f"{what} must be a string or a list of string tokens, "
                    f"got {type(sentence).__name__}")


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _clipped(candidate, references, n):
    """(clipped matches, total n-grams) of one tokenised candidate."""
    counts = _ngrams(candidate, n)
    most = Counter()
    for ref in references:
        most |= _ngrams(ref, n)            # | keeps the maximum count over the references
    return sum(min(c, most[g]) for g, c in counts.items()), sum(counts.values())


def _closest_length(c, references):
    return min((abs(len(r) - c), len(r)) for r in references)[1]


def brevity_penalty(c, r):
    """``1`` if the candidate length ``c`` exceeds the reference length ``r``, else
    ``exp(1 - r / c)`` (0 for an empty candidate)."""
    if c > r:
        return 1.0
    return math.exp(1.0 - r / c) if c > 0 else 0.0


def modified_precision(candidate, references, n):
    """The clipped n-gram precision ``p_n`` of one candidate, as an exact `Fraction`
    (0 when the candidate has no n-grams)."""
    cand = _tokens(candidate, "a candidate")
    refs = [_tokens(r, "a reference") for r in references]
    matches, total = _clipped(cand, refs, n)
    return Fraction(matches, max(total, 1))


def bleu(candidates, references, max_n=4, smoothing=None):
    """Corpus Bleu of `candidates` against `references` (one list of references each).

    Parameters
    ----------
    candidates : list of str or of token lists
    references : list of lists of str or of token lists
        ``references[i]`` holds the references of ``candidates[i]`` (at least one).
    max_n : int
        The longest n-gram; the precisions of orders 1..max_n weigh equally.
    smoothing : {None, "floor", "exp"}
        What a zero precision becomes (see the module docstring).

    Returns
    -------
    float in [0, 1]
    """
    if smoothing not in SMOOTHING:
        raise ValueError(f"smoothing must be one of {SMOOTHING}, got {smoothing!r}")
    if isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 1:
        raise ValueError(f"max_n must be an integer >= 1, got {max_n!r}")
    if isinstance(candidates, str) or isinstance(references, str):
        raise TypeError("candidates and references must be lists (one entry per sentence)")
    if len(candidates) != len(references):
        raise ValueError(f"got {len(candidates)} candidates but {len(references)} "
                         f"reference lists")
    matches, totals = [0] * max_n, [0] * max_n
    c = r = 0
    for i, (cand, refs) in enumerate(zip(candidates, references, strict=True)):
        if isinstance(refs, str) or len(refs) == 0:
            raise ValueError(f"candidate {i} needs a list of at least one reference, "
                             f"got {refs!r}"[:200])
        cand = _tokens(cand, "a candidate")
        refs = [_tokens(ref, "a reference") for ref in refs]
        c += len(cand)
        r += _closest_length(len(cand), refs)
        for n in range(1, max_n + 1):
            m, t = _clipped(cand, refs, n)
            matches[n - 1] += m
            totals[n - 1] += t
    if not any(matches) or 0 in totals:
        return 0.0
    logs, k = [], 1
    for m, t in zip(matches, totals, strict=True):
        if m == 0:
            if smoothing is None:
                return 0.0
            k *= 2
            logs.append(math.log(0.1 / t if smoothing == "floor" else 1.0 / (k * t)))
        else:
            logs.append(math.log(m / t))
    return brevity_penalty(c, r) * math.exp(math.fsum(logs) / max_n)


def sentence_bleu(candidate, references, max_n=4, smoothing=None):
    """Bleu of one candidate against its list of references (`bleu` of a one-sentence
    corpus)."""
    return bleu([candidate], [references], max_n=max_n, smoothing=smoothing)
