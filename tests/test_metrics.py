"""wordvec.metrics.bleu: the lecture's and the references' worked numbers, then agreement
with nltk and sacrebleu on random corpora (both are dev-extra test dependencies)."""

import math
import random
from fractions import Fraction

import pytest

from wordvec.metrics import bleu, brevity_penalty, modified_precision, sentence_bleu

REFS = ["the cat is on the mat", "there is a cat on the mat"]

# Papineni et al. 2002's example, as in nltk's sentence_bleu docstring
PAPINENI_HYP = ("It is a guide to action which ensures that the military always obeys "
                "the commands of the party").split()
PAPINENI_REFS = [
    ("It is a guide to action that ensures that the military will forever heed "
     "Party commands").split(),
    ("It is the guiding principle which guarantees the military forces always being "
     "under the command of the Party").split(),
    ("It is the practical guide for the army always to heed the directions of the "
     "party").split(),
]


def test_lecture_the_cat_the_cat_on_the_mat():
    cand = "the cat the cat on the mat"
    assert [modified_precision(cand, REFS, n) for n in (1, 2, 3, 4)] == [
        Fraction(5, 7), Fraction(4, 6), Fraction(2, 5), Fraction(1, 4)]
    score = sentence_bleu(cand, REFS)
    assert round(score, 10) == 0.4671379777
    assert score == pytest.approx((1 / 21) ** 0.25, rel=1e-15, abs=0)


def test_lecture_the_seven_times_clips_to_two_sevenths():
    cand = "the the the the the the the"
    assert modified_precision(cand, REFS, 1) == Fraction(2, 7)
    assert modified_precision(cand, REFS, 2) == 0
    assert sentence_bleu(cand, REFS) == 0.0
    assert round(sentence_bleu(cand, REFS, smoothing="floor"), 6) == 0.039281   # nltk method1
    assert round(100 * sentence_bleu(cand, REFS, smoothing="exp"), 4) == 7.8098  # sacrebleu


def test_brevity_penalty_of_the_cat():
    assert sentence_bleu("the cat", REFS, max_n=2) == pytest.approx(math.exp(-2), rel=1e-15)
    assert round(sentence_bleu("the cat", REFS, max_n=2), 10) == 0.1353352832
    assert brevity_penalty(7, 6) == 1.0 and brevity_penalty(6, 6) == 1.0
    assert brevity_penalty(0, 6) == 0.0


def test_papineni_candidate_one():
    assert [modified_precision(PAPINENI_HYP, PAPINENI_REFS, n) for n in (1, 2, 3, 4)] == [
        Fraction(17, 18), Fraction(10, 17), Fraction(7, 16), Fraction(4, 15)]
    assert round(sentence_bleu(PAPINENI_HYP, PAPINENI_REFS), 10) == 0.5045666840


def test_sacrebleu_readme_corpus_example():
    hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    ref_streams = [["The dog bit the man.", "It was not unexpected.",
                    "The man bit him first."],
                   ["The dog had bit the man.", "No one was surprised.",
                    "The man had bitten the dog."]]
    # sacrebleu's 13a tokenisation of these lines splits off the final full stops
    def tok(s):
        return s[:-1].split() + ["."] if s.endswith(".") else s.split()
    refs = [[tok(a), tok(b)] for a, b in zip(*ref_streams, strict=True)]
    score = bleu([tok(h) for h in hyps], refs, smoothing="exp")
    assert round(100 * score, 2) == 48.53


def test_bad_arguments_name_the_problem():
    with pytest.raises(ValueError, match="2 candidates but 1 reference"):
        bleu(["a b", "c d"], [["a b"]])
    with pytest.raises(ValueError, match="candidate 0 needs a list"):
        bleu(["a b"], ["a b"])
    with pytest.raises(ValueError, match="smoothing must be one of"):
        bleu(["a"], [["a"]], smoothing="add-k")
    with pytest.raises(ValueError, match="max_n"):
        bleu(["a"], [["a"]], max_n=0)
    with pytest.raises(TypeError, match="lists"):
        bleu("a b", [["a b"]])
    with pytest.raises(TypeError, match="a candidate must be"):
        bleu([3], [["a"]])


def test_edge_cases():
    assert bleu([], []) == 0.0
    assert bleu(["a b c d"], [["a b c d"]]) == 1.0
    assert bleu(["a b c"], [["a b c"]]) == 0.0          # no 4-grams at all
    assert bleu(["a b c"], [["a b c"]], max_n=3) == 1.0
    assert bleu([["x", "y"]], [[["z"]]], max_n=1) == 0.0


def _random_corpus(rng, n_sentences, n_refs):
    words = "the a cat dog sat on mat is there bit man".split()
    def sentence():
        return [rng.choice(words) for _ in range(rng.randint(4, 14))]
    return ([sentence() for _ in range(n_sentences)],
            [[sentence() for _ in range(n_refs)] for _ in range(n_sentences)])


def test_agrees_with_nltk_on_random_corpora():
    translate = pytest.importorskip("nltk.translate.bleu_score")
    sm = translate.SmoothingFunction()
    rng = random.Random(0)
    checked = 0
    for case in range(200):
        hyps, refs = _random_corpus(rng, rng.randint(1, 6), rng.randint(1, 3))
        max_n = rng.randint(1, 4)
        weights = (1 / max_n,) * max_n
        for smoothing, method in (("floor", sm.method1), ("exp", sm.method3)):
            ours = bleu(hyps, refs, max_n=max_n, smoothing=smoothing)
            theirs = translate.corpus_bleu(refs, hyps, weights=weights,
                                           smoothing_function=method)
            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15), (case, smoothing)
        ours = bleu(hyps, refs, max_n=max_n)
        if ours > 0:
            checked += 1
            assert ours == pytest.approx(translate.corpus_bleu(refs, hyps, weights=weights),
                                         rel=1e-12)
        if len(hyps) == 1:
            assert sentence_bleu(hyps[0], refs[0], max_n=max_n, smoothing="floor") == \
                pytest.approx(translate.sentence_bleu(refs[0], hyps[0], weights=weights,
                                                      smoothing_function=sm.method1),
                              rel=1e-12)
    assert checked > 50                            # the unsmoothed case is exercised


def test_agrees_with_sacrebleu_on_random_corpora():
    sacrebleu = pytest.importorskip("sacrebleu")
    rng = random.Random(1)
    for case in range(200):
        n_refs = rng.randint(1, 3)
        hyps, refs = _random_corpus(rng, rng.randint(1, 6), n_refs)
        streams = [[" ".join(refs[i][j]) for i in range(len(hyps))] for j in range(n_refs)]
        for smoothing, method in ((None, "none"), ("floor", "floor"), ("exp", "exp")):
            theirs = sacrebleu.corpus_bleu([" ".join(h) for h in hyps], streams,
                                           smooth_method=method, tokenize="none").score
            ours = bleu(hyps, refs, smoothing=smoothing)
            assert 100 * ours == pytest.approx(theirs, rel=1e-9, abs=1e-9), (case, smoothing)
