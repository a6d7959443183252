"""Queries: hand-computed answers on tiny stores, brute force as the oracle for the batched and
approximate paths, and the course's reference numbers on the real GloVe 6B 50d vectors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ties import assert_same_ranking, cosine_ranking

import wordvec.query as query
from wordvec import Vectors

S = 1 / np.sqrt(2)


@pytest.fixture
def plane():
    """Five 2-D words at known angles."""
    return Vectors(["east", "northeast", "north", "west", "south"],
                   np.array([[2, 0], [1, 1], [0, 3], [-1, 0], [0, -1]], dtype=np.float32))


@pytest.fixture
def royals():
    """3-D words: gender on axes 0-1, royalty on axis 2."""
    return Vectors(["man", "woman", "king", "queen", "apple"],
                   np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1], [0.5, 0.5, -1]],
                            dtype=np.float32))


def test_similarity_hand_computed(plane):
    assert plane.similarity("east", "northeast") == pytest.approx(S, abs=1e-7)
    assert plane.similarity("east", "west") == pytest.approx(-1.0, abs=1e-7)
    assert plane.similarity("north", "east") == pytest.approx(0.0, abs=1e-7)
    assert plane.similarity(np.array([3.0, 3.0]), "north") == pytest.approx(S, abs=1e-7)


def test_unknown_word_is_named(plane):
    with pytest.raises(KeyError, match="'up' not in vocabulary"):
        plane.similarity("east", "up")
    with pytest.raises(KeyError, match="'up'"):
        plane.most_similar(positive=["east"], negative=["up"])
    with pytest.raises(KeyError, match="'up'"):
        plane.analogy("east", "west", "up", method="mul")
    with pytest.raises(KeyError, match="'up'"):
        plane.most_similar_batch(["east", "up"])


def test_most_similar_ranks_and_excludes_the_query(plane):
    got = plane.most_similar("east", topn=10)
    assert [w for w, _ in got] == ["northeast", "north", "south", "west"]
    assert [s for _, s in got] == pytest.approx([S, 0.0, 0.0, -1.0], abs=1e-7)
    assert [w for w, _ in plane.most_similar("east", topn=2)] == ["northeast", "north"]


def test_most_similar_positive_negative(plane):
    # unit(north) - unit(east) = (-1, 1) -> northeast is orthogonal, west and north at 45 degrees
    got = dict(plane.most_similar(positive=["north"], negative=["east"]))
    assert set(got) == {"northeast", "west", "south"}
    assert got["west"] == pytest.approx(S, abs=1e-6)
    assert got["northeast"] == pytest.approx(0.0, abs=1e-6)
    assert got["south"] == pytest.approx(-S, abs=1e-6)


def test_most_similar_vector_query_excludes_nothing(plane):
    got = plane.most_similar(np.array([1.0, 0.0]), topn=2)
    assert [w for w, _ in got] == ["east", "northeast"]
    assert got[0][1] == pytest.approx(1.0, abs=1e-7)


def test_restrict_vocab_searches_leading_rows_only(plane):
    assert [w for w, _ in plane.most_similar("east", restrict_vocab=3)] == ["northeast", "north"]
    with pytest.raises(ValueError, match="restrict_vocab must be >= 1"):
        plane.most_similar("east", restrict_vocab=0)


def test_restrict_vocab_query_words_past_the_restricted_rows(plane):
    """The query may lie past the first N rows: only the candidates are restricted."""
    # west (row 3) and south (row 4) are outside the first 3 rows
    assert [w for w, _ in plane.most_similar("west", restrict_vocab=3)] == \
        ["north", "northeast", "east"]
    assert [w for w, _ in plane.most_similar("south", restrict_vocab=1)] == ["east"]
    for method in ("add", "mul"):
        got = plane.analogy("west", "south", "north", restrict_vocab=2, method=method)
        assert {w for w, _ in got} == {"east", "northeast"}
    got = plane.most_similar_batch(["south", "west", ["west", "south"]], restrict_vocab=2)
    assert [[w for w, _ in row] for row in got] == \
        [["east", "northeast"], ["northeast", "east"], ["east", "northeast"]]
    scores = plane.most_similar("south", topn=None, restrict_vocab=2)
    assert scores.shape == (2,) and scores == pytest.approx([0.0, -S], abs=1e-7)


def test_topn_none_gives_every_score_and_zero_gives_nothing(plane):
    scores = plane.most_similar("east", topn=None)
    assert scores == pytest.approx([1.0, S, 0.0, -1.0, 0.0], abs=1e-7)  # the query word too
    assert plane.most_similar("east", topn=0) == [] == plane.analogy("east", "west", "north",
                                                                     topn=0, method="mul")
    cosmul = plane.most_similar_cosmul("east", topn=None)
    assert cosmul == pytest.approx((1 + np.array([1.0, S, 0.0, -1.0, 0.0])) / 2 / (1 + 1e-3),
                                   abs=1e-7)


def test_positive_may_be_a_matrix_of_vectors(plane):
    got = plane.most_similar(positive=np.array([[1.0, 0.0], [0.0, 5.0]]), topn=2)
    # raw vectors are summed as given: (1, 5) is nearest north, then northeast
    assert [w for w, _ in got] == ["north", "northeast"]
    assert got[0][1] == pytest.approx(5 / np.sqrt(26), abs=1e-6)


def test_norms_do_not_overflow_or_underflow_in_float32():
    v = Vectors(["a", "b", "c", "tiny", "zero"],
                np.array([[1e38, 1e38], [2e38, 2e38], [3e38, 3e38], [1e-30, 1e-30], [0, 0]],
                         dtype=np.float32))
    assert v.similarity("a", "b") == pytest.approx(1.0, abs=1e-6)
    assert v.similarity("a", "c") == pytest.approx(1.0, abs=1e-6)
    assert v.similarity("c", "tiny") == pytest.approx(1.0, abs=1e-6)
    assert v.norms == pytest.approx([np.sqrt(2) * 1e38, np.sqrt(2) * 2e38, np.sqrt(2) * 3e38,
                                     np.sqrt(2) * 1e-30, 0.0], rel=1e-6)
    assert np.isfinite(v.normed).all() and v.normed[4].tolist() == [0.0, 0.0]
    assert v.similarity(np.array([3e38, 3e38], np.float32), "a") == pytest.approx(1.0, abs=1e-6)
    top = v.most_similar("c", topn=3)  # three parallel rows: a tie, in any order
    assert {w for w, _ in top} == {"a", "b", "tiny"}
    assert [s for _, s in top] == pytest.approx([1.0] * 3, abs=1e-6)
    with pytest.raises(ValueError, match="zero vector"):   # a - tiny: no direction, no nan
        v.most_similar(positive=["a"], negative=["tiny"], topn=None)


def test_bad_arguments(plane):
    with pytest.raises(ValueError, match="method must be 'add' or 'mul'"):
        plane.analogy("east", "west", "north", method="cos")
    with pytest.raises(ValueError, match=r"shape \(3,\), expected \(2,\)"):
        plane.most_similar(np.ones(3))
    with pytest.raises(ValueError, match="at least one"):
        plane.most_similar()


def test_analogy_add_is_a_minus_b_plus_c(royals):
    got = royals.analogy("king", "man", "woman")
    assert [w for w, _ in got] == ["queen", "apple"]  # the three query words are left out
    unit = royals.vectors / np.linalg.norm(royals.vectors, axis=1, keepdims=True)
    q = unit[2] - unit[0] + unit[1]
    assert got[0][1] == pytest.approx(unit[3] @ q / np.linalg.norm(q), abs=1e-6)
    # q = (1/sqrt 2 - 1, 1, 1/sqrt 2), |q| = 1.2592; queen . q = 1.7071 / sqrt 2, by hand
    assert got[0][1] == pytest.approx(0.9586, abs=1e-4)


def test_analogy_mul_is_3cosmul(royals):
    got = dict(royals.analogy("king", "man", "woman", method="mul"))
    unit = royals.vectors / np.linalg.norm(royals.vectors, axis=1, keepdims=True)
    cos = (unit @ unit[[2, 0, 1]].T + 1) / 2  # vs king, man, woman
    expected = cos[:, 0] * cos[:, 2] / (cos[:, 1] + 1e-3)
    assert got["queen"] == pytest.approx(expected[3], rel=1e-6)
    assert got["apple"] == pytest.approx(expected[4], rel=1e-6)
    # queen: cos' with king 0.75, with woman (1 + 1/sqrt 2) / 2, with man 0.5
    assert got["queen"] == pytest.approx(0.75 * (1 + S) / 2 / 0.501, rel=1e-6)


def test_doesnt_match(plane):
    assert plane.doesnt_match(["east", "northeast", "west"]) == "west"
    ranked = plane.rank_by_centrality(["east", "northeast", "north"])
    assert ranked[0][0] == "northeast" and ranked[0][1] == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="at least 2 words"):
        plane.doesnt_match(["east"])


# Same words in the same order up to near-ties, scores equal up to float32 rounding: the
# batched, single and approximate paths multiply different shapes, which BLAS may round
# differently (tests/ties.py).
assert_same = assert_same_ranking


def brute_force(vectors, queries, topn, exclude):
    """Float64 cosine neighbours of each query row, as (word, score) lists."""
    return [cosine_ranking(vectors, q, topn, [] if exclude is None else [vectors.keys[exclude[i]]])
            for i, q in enumerate(queries)]


@pytest.mark.parametrize("block", [query.BLOCK_ELEMENTS, 1000])
def test_batch_matches_brute_force(monkeypatch, block):
    monkeypatch.setattr(query, "BLOCK_ELEMENTS", block)  # 1000: many blocks of 2 queries
    rng = np.random.default_rng(0)
    v = Vectors([f"w{i}" for i in range(600)], rng.normal(size=(600, 8)))
    words = [f"w{i}" for i in range(0, 600, 7)]
    got = v.most_similar_batch(words, topn=12)
    expected = brute_force(v, v[words], 12, [v.index(w) for w in words])
    for row, want in zip(got, expected, strict=True):
        assert_same(row, want)
    assert_same(got[3], v.most_similar(words[3], topn=12))
    matrix = rng.normal(size=(5, 8))
    got = v.most_similar_batch(matrix, topn=4)
    for row, want in zip(got, brute_force(v, matrix, 4, None), strict=True):
        assert_same(row, want)


def test_batch_of_word_lists_equals_most_similar_with_positive_words(monkeypatch):
    monkeypatch.setattr(query, "BLOCK_ELEMENTS", 1000)  # several blocks
    rng = np.random.default_rng(4)
    v = Vectors([f"w{i}" for i in range(300)], rng.normal(size=(300, 8)))
    queries = ["w3", ["w1", "w2"], ("w10", "w20", "w30"), ["w7"], "w299"]
    got = v.most_similar_batch(queries, topn=6)
    for q, row in zip(queries, got, strict=True):
        want = v.most_similar(positive=[q] if isinstance(q, str) else list(q), topn=6)
        assert_same(row, want)
        assert not {w for w, _ in row} & ({q} if isinstance(q, str) else set(q))
    with pytest.raises(KeyError, match="nope"):
        v.most_similar_batch(["w1", ["w2", "nope"]])
    with pytest.raises(ValueError, match="non-empty list of words"):
        v.most_similar_batch(["w1", []])


def test_batch_small_store_and_restrict(plane):
    got = plane.most_similar_batch(["east", "west"], topn=10, restrict_vocab=4)
    assert [w for w, _ in got[0]] == ["northeast", "north", "west"]
    assert [w for w, _ in got[1]] == ["north", "northeast", "east"]
    assert_same(plane.most_similar_batch("east", topn=1)[0], plane.most_similar("east", topn=1))


def test_top_bound_keeps_ties_and_handles_few_candidates():
    scores = np.zeros((2, 1000), dtype=np.float32)
    scores[0, [5, 700, 999]] = [0.5, 0.75, 0.75]
    ids, best = query._top(scores.copy(), 3)
    assert ids[0].tolist() == [700, 999, 5] and best[0].tolist() == [0.75, 0.75, 0.5]
    assert ids[1].tolist() == [0, 1, 2]  # all tied: lowest rows first
    ids, best = query._top(np.array([[0.1, 0.3]]), 5, exclude=np.array([[1]]))
    assert ids[0].tolist() == [0, 1] and best[0].tolist() == [0.1, -np.inf]  # -inf: excluded


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 700), st.integers(1, 15), st.integers(0, 2**32 - 1))
def test_top_matches_a_stable_sort(n_queries, n_candidates, topn, seed):
    """Scores drawn from few values (many ties), random exclusions; oracle: stable argsort."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, size=(n_queries, n_candidates)).astype(np.float32)
    exclude = rng.integers(-1, n_candidates, size=(n_queries, 3))
    ids, best = query._top(scores.copy(), topn, exclude)
    for q in range(n_queries):
        row = scores[q].copy()
        row[exclude[q][exclude[q] >= 0]] = -np.inf
        order = np.argsort(-row, kind="stable")[:topn]
        assert ids[q].tolist() == order.tolist()
        assert best[q].tolist() == row[order].tolist()


def test_approximate_index_candidates_are_ranked_exactly():
    from wordvec.ann import AnnIndex

    rng = np.random.default_rng(1)
    v = Vectors([f"w{i}" for i in range(300)], rng.normal(size=(300, 6)))
    index = AnnIndex.build(v, "annoy", n_trees=10, seed=1, search_k=100_000, progress=False)
    for word in ["w0", "w17", "w123"]:
        assert_same(v.most_similar(word, topn=5, index=index), v.most_similar(word, topn=5))
    exact = v.analogy("w1", "w2", "w3", topn=5, method="mul")
    found = v.analogy("w1", "w2", "w3", topn=5, method="mul", index=index)
    assert_same(found[:1], exact[:1])   # the index proposes candidates for 3CosAdd's direction
    with pytest.raises(ValueError, match="restrict_vocab cannot be combined"):
        v.most_similar("w0", index=index, restrict_vocab=10)


# ---------------------------------------------------------------- real GloVe 6B 50d
def test_glove_reference_similarities(glove):
    assert glove.similarity("father", "mother") == pytest.approx(0.890904, abs=1e-6)
    assert glove.similarity("ball", "crocodile") == pytest.approx(0.274392, abs=1e-6)
    offset = glove.similarity(glove["france"] - glove["paris"], glove["rome"] - glove["italy"])
    assert offset == pytest.approx(-0.675148, abs=1e-6)


@pytest.mark.parametrize("a, b, c, expected", [
    ("king", "man", "woman", "queen"),
    ("italian", "italy", "spain", "spanish"),   # italy:italian :: spain:?
    ("delhi", "india", "japan", "tokyo"),       # india:delhi :: japan:?
    ("woman", "man", "boy", "girl"),            # man:woman :: boy:?
    ("smaller", "small", "large", "larger"),    # small:smaller :: large:?
])
def test_glove_analogies(glove, a, b, c, expected):
    assert glove.analogy(a, b, c, topn=1)[0][0] == expected


def test_glove_matches_gensim(glove):
    kv = glove.to_gensim()
    ours = glove.analogy("king", "man", "woman", topn=5)
    theirs = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=5)
    assert_same(ours, theirs)
    mul = glove.analogy("king", "man", "woman", topn=3, method="mul")
    assert mul[0][0] == kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"])[0][0]
    words = ["frog", "computer", "paris", "the", "running"]
    for word, row in zip(words, glove.most_similar_batch(words, topn=10), strict=True):
        assert_same(row, kv.most_similar(word, topn=10))
    assert glove.doesnt_match(["breakfast", "cereal", "dinner", "lunch"]) == \
        kv.doesnt_match(["breakfast", "cereal", "dinner", "lunch"])


def test_batched_top_k_kernel_agrees_with_the_ranking_step():
    """The kernel behind most_similar_batch ranks exactly as `_top` (ties included)."""
    from wordvec._kernels.topk_host import top_k_function
    from wordvec.query import _top

    top_k_rows = top_k_function()

    rng = np.random.default_rng(3)
    scores = rng.integers(-5, 6, size=(40, 300)).astype(np.float32)  # many ties
    exclude = rng.integers(-1, 300, size=(40, 3))
    for k in (1, 7, 300 - 3):
        ids, best = top_k_rows(scores, k, exclude)
        want_ids, want_best = _top(scores.copy(), k, exclude)
        np.testing.assert_array_equal(best, want_best)
        np.testing.assert_array_equal(ids, want_ids)


def test_a_zero_query_vector_is_an_error_not_cosines_of_zero():
    v = Vectors(["a", "b", "c"], np.array([[0, 0], [1, 1], [1, 0]], dtype=np.float32))
    for ask in (lambda: v.most_similar("a"), lambda: v.most_similar_batch(["b", "a"]),
                lambda: v.most_similar(positive=["b"], negative=["b"])):
        with pytest.raises(ValueError, match="zero vector"):
            ask()
    assert [w for w, _ in v.most_similar("b", topn=2)][0] == "c"
