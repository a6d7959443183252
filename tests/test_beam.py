"""wordvec.nn.beam: hand-built models where greedy is provably worse and where length
normalisation changes the winner (the spec's toy numbers), then exhaustive search as the
oracle on a small random attention decoder."""

import itertools

import numpy as np
import pytest

from wordvec.nn import AttentionDecoder
from wordvec.nn.beam import beam_search

A, B, END, START = 0, 1, 2, 3


def table_model(table):
    """A step function over prefixes: ``table[prefix] = P(a), P(b), P(</s>)``; the state
    of each hypothesis is its prefix, kept as an object array."""
    def step(prev, state):
        (prefixes,) = state
        new = np.empty(len(prev), dtype=object)
        for i, (p, w) in enumerate(zip(prefixes, prev.tolist(), strict=True)):
            new[i] = p if w == START else p + "ab"[w]
        with np.errstate(divide="ignore"):
            log_probs = np.log(np.array([table.get(p, (0, 0, 1)) for p in new], dtype=float))
        return log_probs, (new,), None
    return step, (np.array([""], dtype=object),)


# the spec's toy model: P(.|start), P(.|a), P(.|b); any longer prefix ends
TOY = {"": (.5, .4, .1), "a": (.3, .3, .4), "b": (.05, .05, .9)}


def decode(table, width, alpha=0.7, max_len=10):
    step, state = table_model(table)
    return beam_search(step, state, START, beam_width=width, max_len=max_len, end=END,
                       alpha=alpha)


def test_greedy_takes_a_then_ends_with_probability_020():
    best = decode(TOY, 1)
    assert len(best) == 1 and best[0].tokens == [A]
    assert np.exp(best[0].log_prob) == pytest.approx(0.20)


@pytest.mark.parametrize("width", [2, 3])
def test_beam_two_finds_b_end_with_probability_036_the_exact_map(width):
    best = decode(TOY, width)
    assert best[0].tokens == [B]
    assert np.exp(best[0].log_prob) == pytest.approx(0.36)
    # the exact MAP, by enumerating every sequence of the toy model
    probs = {"a": .5 * .4, "b": .4 * .9, "": .1}
    for prefix in ("aa", "ab", "ba", "bb"):
        probs[prefix] = TOY[""]["ab".index(prefix[0])] * TOY[prefix[0]]["ab".index(prefix[1])]
    assert max(probs, key=probs.get) == "b"


# short: "b </s>", P = .4 * .9 = .36, Ty = 2; long: "a a a a a </s>", P = .6 * x**4 = .15
X = 0.25 ** 0.25
LONG = {"": (.6, .4, 0), "b": (.05, .05, .9), "a": (X, 0, 1 - X), "aa": (X, 0, 1 - X),
        "aaa": (X, 0, 1 - X), "aaaa": (X, 0, 1 - X), "aaaaa": (0, 0, 1)}


@pytest.mark.parametrize("alpha,winner,score", [(0.0, [B], -1.0217), (0.7, [A] * 5, -0.5412),
                                                (1.0, [A] * 5, -0.3162)])
def test_length_normalisation_changes_the_winner(alpha, winner, score):
    best = decode(LONG, 2, alpha=alpha)
    assert best[0].tokens == winner
    assert best[0].score == pytest.approx(score, abs=5e-5)
    assert {tuple(h.tokens) for h in best} == {(B,), (A,) * 5}
    short = next(h for h in best if h.tokens == [B])
    long_ = next(h for h in best if h.tokens == [A] * 5)
    assert np.exp(short.log_prob) == pytest.approx(0.36)
    assert np.exp(long_.log_prob) == pytest.approx(0.15)


def test_max_len_finishes_the_live_hypotheses():
    best = decode(LONG, 2, max_len=3)
    assert sorted(len(h.tokens) for h in best) == [1, 3]


def test_beam_search_with_every_hypothesis_kept_is_exhaustive_on_a_decoder():
    rng = np.random.default_rng(0)
    dec = AttentionDecoder(n_a=4, n_s=5, n_out=3, random_state=1)
    for part in dec.params.values():               # sharper distributions than the init
        part *= 3.0
    a = rng.standard_normal((1, 6, 4))
    mask = np.ones((1, 6), dtype=bool)
    steps = 4

    def step(prev, state):
        log_probs, new_state, alpha = dec.step(np.repeat(a, len(prev), axis=0),
                                               np.repeat(mask, len(prev), axis=0), state, prev)
        return log_probs, new_state, alpha

    seqs = np.array(list(itertools.product(range(3), repeat=steps)))
    logits = dec.forward(np.repeat(a, len(seqs), axis=0), None, seqs)
    log_p = logits - np.log(np.exp(logits).sum(axis=2, keepdims=True))
    totals = np.take_along_axis(log_p, seqs[..., None], axis=2)[..., 0].sum(axis=1)
    order = np.argsort(-totals)

    full = beam_search(step, dec.initial_state(1), start=3, beam_width=3 ** steps,
                       max_len=steps)
    assert [h.tokens for h in full[:5]] == seqs[order[:5]].tolist()
    np.testing.assert_allclose([h.log_prob for h in full[:5]], totals[order[:5]], atol=1e-10)
    assert full[0].extras.shape == (steps, 6)
    np.testing.assert_allclose(full[0].extras.sum(axis=1), 1.0)

    greedy = beam_search(step, dec.initial_state(1), start=3, beam_width=1, max_len=steps)[0]
    state, prev, tokens = dec.initial_state(1), np.array([3]), []
    for _ in range(steps):
        lp, state, _ = dec.step(a, mask, state, prev)
        prev = lp.argmax(axis=1)
        tokens.append(int(prev[0]))
    assert greedy.tokens == tokens
    assert greedy.log_prob <= full[0].log_prob + 1e-12


def test_bad_widths():
    step, state = table_model(TOY)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(step, state, START, beam_width=0)
