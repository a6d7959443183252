"""A synthetic source of grammar tokens with known statistics, for the music model's tests.

A Markov chain whose state is the last token and the beats left in the 4/4 measure: a
measure opens with a chord or scale tone without an interval, then draws tokens with
intervals (or rests) that fit the beats left, with weights that depend on the last token's
type, until the measure is full. Every measure fills 4 beats exactly.
"""

import numpy as np

OPENERS = {"C,1.000": 0.5, "C,2.000": 0.2, "S,1.000": 0.3}
INNER = ["C,1.000,<P4,m-2>", "S,1.000,<m3,m-3>", "S,0.500,<M2,d-4>", "S,0.500,<m2,P-4>",
         "C,2.000,<m2,P-4>", "R,1.000"]


def length(token):
    return float(token.split(",")[1])


def has_interval(token):
    return "<" in token


class MarkovSource:
    """``next_distribution(last, beats_left)`` and ``sample(n, rng)`` over the tokens above."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        # weights of the inner tokens after a token of each type, well away from uniform
        self.weights = {kind: rng.dirichlet(np.full(len(INNER), 0.7)) + 0.02
                        for kind in "CSR"}
        self.tokens = sorted(set(OPENERS) | set(INNER))

    def next_distribution(self, last, beats_left):
        """{token: probability} of the next token."""
        if beats_left <= 0:
            return dict(OPENERS)
        w = {t: self.weights[last[0]][k] for k, t in enumerate(INNER)
             if length(t) <= beats_left}
        total = sum(w.values())
        return {t: p / total for t, p in w.items()}

    def sample(self, n, rng):
        """`n` tokens and, for each, the beats left in its measure after it."""
        tokens, left = [], []
        last, beats = None, 0.0
        while len(tokens) < n:
            dist = self.next_distribution(last, beats)
            names = sorted(dist)
            last = names[rng.choice(len(names), p=[dist[t] for t in names])]
            beats = (4.0 if beats <= 0 else beats) - length(last)
            tokens.append(last)
            left.append(beats)
        return tokens, left
