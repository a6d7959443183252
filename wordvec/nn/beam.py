"""Beam search over any step function that gives next-token log-probabilities.

Each step expands every live hypothesis by every token and keeps the `beam_width` best
by summed log-probability; one that emits `end` is set aside as finished. The finished
ones (and, at `max_len`, the live ones) compete on the length-normalised score
``log P(y | x) / Ty ** alpha``, where Ty counts the end token when there is one (``alpha =
0`` is no normalisation, 1 is the mean log-probability). ``beam_width=1`` is greedy
search. Like the lecture's, this search keeps B hypotheses, so it may miss the exact
argmax.

Examples
--------
>>> import numpy as np
>>> table = np.log([[.5, .4, .1], [.3, .3, .4], [.05, .05, .9]])   # rows: start, a, b
>>> def step(prev, state):
...     return table[np.where(prev == 3, 0, prev + 1)], state, None
>>> [(h.tokens, round(float(np.exp(h.log_prob)), 2))
...  for h in beam_search(step, (), start=3, beam_width=2, max_len=5, end=2)]
[([1], 0.36), ([0], 0.2)]
"""

from typing import NamedTuple

import numpy as np


class Hypothesis(NamedTuple):
    """One decoded sequence: its tokens (without the end token), its summed
    log-probability, its length-normalised score and the per-step extras the step function
    returned (e.g. attention weights ``(Ty, Tx)``), or None."""

    tokens: list
    log_prob: float
    score: float
    extras: object


def beam_search(step, state, start, beam_width=3, max_len=30, end=None, alpha=0.7):
    """The `beam_width` best finished hypotheses, best first.

    Parameters
    ----------
    step : callable
        ``step(prev, state) -> (log_probs, new_state, extra)``: `prev` is the ``(k,)``
        array of the live hypotheses' last tokens, `state` a tuple of arrays (or None)
        whose first axis runs over them; `log_probs` is ``(k, n_tokens)``, `extra` an
        array with a first axis of k, or None.
    state : tuple
        The state for one hypothesis (first axis of length 1), or ``()``.
    start : int
        The token fed at the first step.
    beam_width : int
    max_len : int
        The longest output, end token included.
    end : int, optional
        The end token; without one every hypothesis has `max_len` tokens.
    alpha : float
        Length-normalisation exponent.
    """
    if beam_width < 1 or max_len < 1:
        raise ValueError(f"beam_width and max_len must be >= 1, got {beam_width}, {max_len}")
    prev = np.array([start])
    tokens, log_p, extras = [[]], np.zeros(1), [[]]
    finished = []
    for t in range(1, max_len + 1):
        log_probs, state, extra = step(prev, state)
        n_tokens = log_probs.shape[1]
        total = (log_p[:, None] + log_probs).ravel()
        best = np.argsort(-total, kind="stable")[:beam_width]
        parents, words = np.divmod(best, n_tokens)
        keep = []
        for i, (parent, word) in enumerate(zip(parents.tolist(), words.tolist(), strict=True)):
            ext = extras[parent] + ([] if extra is None else [extra[parent]])
            if word == end or t == max_len:
                seq = tokens[parent] + ([] if word == end else [word])
                finished.append(Hypothesis(seq, float(total[best[i]]),
                                           float(total[best[i]]) / t ** alpha,
                                           None if extra is None else np.stack(ext)))
            else:
                keep.append((i, ext))
        if not keep:
            break
        rows = np.array([i for i, _ in keep])
        parents_kept = parents[rows]
        tokens = [tokens[p] + [w] for p, w in zip(parents_kept.tolist(),
                                                   words[rows].tolist(), strict=True)]
        extras = [ext for _, ext in keep]
        log_p = total[best[rows]]
        prev = words[rows]
        state = tuple(None if s is None else s[parents_kept] for s in state)
    return sorted(finished, key=lambda h: -h.score)[:beam_width]
