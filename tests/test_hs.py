"""Hierarchical softmax (skip-gram and CBOW): the Huffman tree by hand and against gensim's,
the kernels with a tree against numba's dispatcher, reproducibility, resume, a calibrated
quality check, and `wordvec train --hs` through a real process."""

import json
import subprocess
import sys

import numpy as np
import pytest

from wordvec import CBOW, SGNS
from wordvec._kernels import cbow_host, sgns_host
from wordvec._kernels.sgns_host import alias_table, huffman_tree, scratch_buffers, sigmoid_table
from wordvec.train.sgns import negative_weights

SMALL = dict(dim=24, epochs=2, min_count=2, progress=False, hs=True, negative=0)


@pytest.fixture(scope="module")
def lee(gensim_data):
    return gensim_data("lee_background.cor")


def _paths(counts):
    codes, points, ends = huffman_tree(counts)
    starts = np.concatenate([[0], ends[:-1]])
    return [(codes[a:b].tolist(), points[a:b].tolist()) for a, b in zip(starts, ends,
                                                                         strict=True)]


def test_huffman_codes_of_a_tree_built_by_hand():
    # counts 10, 6, 3, 2: 2 + 3 -> inner node 0 (5); 5 + 6 -> node 1 (11); 10 + 11 -> the
    # root, node 2. The first of each pair popped (the smaller) takes branch 0.
    assert _paths([10, 6, 3, 2]) == [([0], [2]), ([1, 1], [2, 1]), ([1, 0, 1], [2, 1, 0]),
                                     ([1, 0, 0], [2, 1, 0])]
    assert _paths([7]) == [([], [])]  # a single word: no inner node, nothing to train


def test_huffman_codes_equal_gensims_ties_included():
    from gensim.models import KeyedVectors
    from gensim.models.word2vec import _assign_binary_codes

    rng = np.random.default_rng(0)
    counts = np.sort(rng.zipf(1.5, 3000))[::-1]  # many equal counts: the ties must fall alike
    kv = KeyedVectors(4)
    kv.add_vectors([f"w{i}" for i in range(len(counts))], np.zeros((len(counts), 4)))
    for i, c in enumerate(counts):
        kv.set_vecattr(i, "count", int(c))
    _assign_binary_codes(kv)
    ours = _paths(counts)
    for i in range(len(counts)):
        assert ours[i] == (kv.get_vecattr(i, "code").tolist(), kv.get_vecattr(i, "point").tolist())
    lengths = [len(c) for c, _ in ours]
    assert lengths[0] < lengths[-1]  # frequent words have the shorter codes


def _job_inputs(seed=3, n_words=300, dim=16, negative=0):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(1, 500, n_words))[::-1]
    ends = np.cumsum(rng.integers(3, 30, 60)).astype(np.int64)
    ids = rng.integers(0, n_words, int(ends[-1])).astype(np.int32)
    syn0 = ((rng.random((n_words, dim)) - 0.5) / dim).astype(np.float32)
    syn1 = np.zeros((n_words, dim), np.float32)
    syn1hs = (rng.random((n_words - 1, dim)) * 0.2 - 0.1).astype(np.float32)
    cut, alias = alias_table(negative_weights(counts))
    raw_starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    keep = np.full(n_words, 2.0, np.float32)
    arrays = (syn0, syn1, ids, ends, raw_starts, keep, cut, alias, sigmoid_table())
    scalars = (4, negative, 0.05, 0.0001, 0, int(ends[-1]), 4242)
    return arrays, scalars, syn1hs, huffman_tree(counts), int(np.diff(ends, prepend=0).max())


@pytest.mark.parametrize("kind", ["sgns", "cbow"])
@pytest.mark.parametrize("negative", [0, 5])
def test_the_library_gives_the_dispatchers_results_with_a_tree(kind, negative, built_kernel):
    from wordvec._kernels.cbow import cbow_job
    from wordvec._kernels.sgns import sgns_job

    native = built_kernel(sgns_host if kind == "sgns" else cbow_host)
    jit = sgns_job if kind == "sgns" else cbow_job
    assert native is not jit, "the shared library should have been built here"
    arrays, scalars, syn1hs, tree, max_len = _job_inputs(negative=negative)
    dim = arrays[0].shape[1]
    extra = (() if kind == "sgns" else (1,)) + tuple(
        (scratch_buffers if kind == "sgns" else cbow_host.scratch_buffers)(dim, negative,
                                                                            max_len))
    results, states = [], []
    for fn in (native, jit):
        state = [a.copy() for a in arrays] + [syn1hs.copy()]
        results.append(fn(*state[:9], *scalars, state[9], *tree, *extra))
        states.append(state)
    assert results[0] == results[1] and results[0][1] > 0
    for got, want in zip(*states, strict=True):
        np.testing.assert_array_equal(got, want)
    assert not np.array_equal(states[0][9], syn1hs)  # the tree's vectors did train
    assert np.array_equal(states[0][1], arrays[1]) == (negative == 0)
    bad = tree[1].copy()
    bad[3] = len(syn1hs)  # a node past the output matrix: refused before the machine code
    with pytest.raises(ValueError, match=r"tree points must lie in \[0, 299\)"):
        native(*arrays, *scalars, syn1hs, tree[0], bad, tree[2], *extra)


@pytest.mark.parametrize("trainer", [SGNS, CBOW])
def test_one_thread_with_a_seed_is_bit_for_bit_reproducible(lee, trainer):
    a = trainer(threads=1, random_state=7, **SMALL).fit(lee)
    b = trainer(threads=1, random_state=7, **SMALL).fit(lee)
    c = trainer(threads=1, random_state=8, **SMALL).fit(lee)
    assert np.array_equal(a.vectors_.vectors, b.vectors_.vectors)
    assert np.array_equal(a.hs_vectors_, b.hs_vectors_)
    assert a.hs_vectors_.shape == (len(a.vectors_) - 1, 24) and np.abs(a.hs_vectors_).max() > 0
    assert not np.abs(a.output_vectors_).any()  # negative=0: negative sampling never ran
    assert np.array_equal(a.loss_history_, b.loss_history_)
    assert not np.array_equal(a.vectors_.vectors, c.vectors_.vectors)


def test_resume_equals_an_uninterrupted_run_and_checks_hs(lee, tmp_path):
    params = dict(threads=1, random_state=5, **{**SMALL, "epochs": 3, "negative": 2})
    ckpt = tmp_path / "ckpt"
    full = SGNS(checkpoint=ckpt, checkpoint_every=2, **params).fit(lee)
    state = json.loads((ckpt / "state.json").read_text())
    assert (state["epoch"], state["params"]["hs"]) == (2, True)
    resumed = SGNS(**params).fit(lee, resume=ckpt)
    assert np.array_equal(resumed.vectors_.vectors, full.vectors_.vectors)
    assert np.array_equal(resumed.hs_vectors_, full.hs_vectors_)
    assert np.array_equal(resumed.output_vectors_, full.output_vectors_)
    with pytest.raises(ValueError, match="checkpoint has hs=True, this model hs=False"):
        SGNS(**{**params, "hs": False}).fit(lee, resume=ckpt)


def test_negative_zero_needs_hs(lee):
    with pytest.raises(ValueError, match="negative must be an integer >= 1, got 0"):
        SGNS(negative=0, progress=False).fit(lee)
    with pytest.raises(ValueError, match="hs must be True or False, got 1"):
        CBOW(hs=1, progress=False).fit(lee)


RELATED = [("Israeli", "Palestinian"), ("Afghanistan", "Taliban"), ("bin", "Laden"),
           ("Arafat", "Yasser"), ("Al", "Qaeda"), ("Tora", "Bora"), ("Gaza", "Hamas"),
           ("Test", "match"), ("police", "arrested"), ("fire", "weather")]


@pytest.mark.parametrize("trainer, epochs, alpha, floor", [(SGNS, 10, 0.025, 0.4),
                                                            (CBOW, 30, 0.05, 0.1)])
def test_related_words_end_up_closer_than_unrelated_ones(lee, trainer, epochs, alpha, floor):
    """Calibration (lee_background.cor, dim 50, hs=True, negative=0, min_count 2, one thread,
    seeds 0-2): the margin (mean cosine of related pairs minus that of the same words
    re-paired) was 0.639-0.677 for skip-gram (10 epochs, alpha 0.025; related > unrelated for
    10 of the 10 pairs) and 0.165-0.205 for CBOW (30 epochs, alpha 0.05; 7 of 10); gensim's
    Word2Vec(hs=1, negative=0) with the same settings: 0.705 (10 of 10) and 0.228 (7 of 10).
    Random vectors give a margin near 0."""
    model = trainer(dim=50, epochs=epochs, alpha=alpha, min_count=2, threads=1, hs=True,
                    negative=0, random_state=11, progress=False).fit(lee)
    v = model.vectors_
    rel = np.array([v.similarity(a, b) for a, b in RELATED])
    unrel = np.array([v.similarity(RELATED[i][0], RELATED[(i + 5) % 10][1]) for i in range(10)])
    assert rel.mean() - unrel.mean() > floor
    assert (rel > unrel).sum() >= (9 if trainer is SGNS else 6)
    per_pair = model.loss_history_ / model.pairs_history_
    assert per_pair[-1] < per_pair[0]


def test_cli_trains_with_hs(lee, tmp_path):
    out = tmp_path / "hs.txt"
    result = subprocess.run(
        [sys.executable, "-m", "wordvec", "train", str(lee), "-o", str(out), "--hs",
         "--negative", "0", "--dim", "8", "--epochs", "1", "--min-count", "2", "--seed", "1",
         "--threads", "1", "--tokenize", "whitespace"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    library = SGNS(dim=8, epochs=1, min_count=2, random_state=1, threads=1, hs=True,
                   negative=0, progress=False).fit(lee)
    from wordvec import load

    np.testing.assert_allclose(load(out).vectors, library.vectors_.vectors, atol=1e-6)
    bad = subprocess.run([sys.executable, "-m", "wordvec", "train", str(lee), "-o",
                          str(tmp_path / "x.txt"), "--negative", "0"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--negative 0 needs --hs" in bad.stderr
