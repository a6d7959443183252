"""Hierarchical softmax alone (`hs=True, negative=0`) makes no output matrix of negative
sampling: measured with tracemalloc around `fit`, through the kernels (an empty syn1 gives the
results of a full one, and is refused when negatives would read it), and through checkpoints,
old ones with a full syn1 included."""

import json
import tracemalloc

import numpy as np
import pytest

from wordvec import CBOW, SGNS
from wordvec._kernels import cbow_host, sgns_host
from wordvec._kernels.sgns_host import alias_table, huffman_tree, sigmoid_table
from wordvec.errors import FormatError
from wordvec.train._checkpoint import checkpoint_file
from wordvec.train.sgns import negative_weights

SMALL = dict(dim=24, epochs=3, min_count=2, progress=False, hs=True, negative=0, threads=1,
             random_state=5)


@pytest.fixture(scope="module")
def lee(gensim_data):
    return gensim_data("lee_background.cor")


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """A corpus of ~19,000 distinct words (dim 400: each (n_words, dim) matrix is 29 MiB, far
    above everything else `fit` holds)."""
    path = tmp_path_factory.mktemp("wide") / "wide.txt"
    rng = np.random.default_rng(0)
    path.write_text("".join(" ".join(f"w{i}" for i in rng.integers(0, 20000, 10)) + "\n"
                            for _ in range(6000)))
    return path


def _peak(model, corpus):
    tracemalloc.start()
    try:
        model.fit(corpus)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("trainer", [SGNS, CBOW])
def test_negative_zero_allocates_no_output_matrix(wide, trainer):
    params = dict(dim=400, epochs=1, min_count=1, sample=0, hs=True, threads=1, random_state=0,
                  progress=False)
    alone = trainer(negative=0, **params)
    peak = _peak(alone, wide)
    matrix = len(alone.vectors_) * 400 * 4
    assert alone.output_vectors_.shape == (0, 400)
    # Calibration (numpy's buffers are traced): syn0 and the tree's vectors are two matrices,
    # the rest of fit 0.4 of one (measured 2.42 matrices); with negatives syn1 is a third
    # (3.39), as it was with negative=0 too before it was left out.
    assert peak < 2.75 * matrix
    with_negatives = _peak(trainer(negative=1, **params), wide)
    assert with_negatives - peak > 0.8 * matrix


def _job_inputs(negative, n_words=300, dim=16):
    rng = np.random.default_rng(3)
    counts = np.sort(rng.integers(1, 500, n_words))[::-1]
    ends = np.cumsum(rng.integers(3, 30, 60)).astype(np.int64)
    ids = rng.integers(0, n_words, int(ends[-1])).astype(np.int32)
    syn0 = ((rng.random((n_words, dim)) - 0.5) / dim).astype(np.float32)
    syn1hs = (rng.random((n_words - 1, dim)) * 0.2 - 0.1).astype(np.float32)
    cut, alias = alias_table(negative_weights(counts))
    raw_starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    rest = (ids, ends, raw_starts, np.full(n_words, 2.0, np.float32), cut, alias,
            sigmoid_table(), 4, negative, 0.05, 0.0001, 0, int(ends[-1]), 4242)
    return syn0, syn1hs, rest, huffman_tree(counts), int(np.diff(ends, prepend=0).max())


def _run(kind, syn1, negative):
    host = sgns_host if kind == "sgns" else cbow_host
    syn0, syn1hs, rest, tree, max_len = _job_inputs(negative)
    dim = syn0.shape[1]
    extra = (() if kind == "sgns" else (1,)) + tuple(host.scratch_buffers(dim, negative, max_len))
    result = host.job_function()(syn0, syn1(syn0), *rest, syn1hs, *tree, *extra)
    return result, syn0, syn1hs


@pytest.mark.parametrize("kind", ["sgns", "cbow"])
def test_the_kernels_never_read_an_empty_syn1_without_negatives(kind):
    full = _run(kind, lambda syn0: np.zeros_like(syn0), 0)
    empty = _run(kind, lambda syn0: np.zeros((0, syn0.shape[1]), np.float32), 0)
    assert full[0] == empty[0] and full[0][1] > 0
    for a, b in zip(full[1:], empty[1:], strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", ["sgns", "cbow"])
def test_an_empty_syn1_is_refused_when_negatives_would_read_it(kind):
    host = sgns_host if kind == "sgns" else cbow_host
    if host.NATIVE_KERNEL.load() is None:
        pytest.skip("no shared library here: numba's dispatcher checks nothing")
    with pytest.raises(ValueError, match=f"{kind}_job: array sizes do not agree"):
        _run(kind, lambda syn0: np.zeros((0, syn0.shape[1]), np.float32), 2)


def _syn1_file(ckpt):
    return checkpoint_file(ckpt, json.loads((ckpt / "state.json").read_text()), "syn1.npy")


@pytest.mark.parametrize("trainer", [SGNS, CBOW])
def test_resume_without_negatives_from_new_and_old_checkpoints(lee, tmp_path, trainer):
    ckpt = tmp_path / "ckpt"
    full = trainer(checkpoint=ckpt, checkpoint_every=2, **SMALL).fit(lee)
    assert np.load(_syn1_file(ckpt)).shape == (0, 24)
    resumed = trainer(**SMALL).fit(lee, resume=ckpt)
    assert np.array_equal(resumed.vectors_.vectors, full.vectors_.vectors)
    assert np.array_equal(resumed.hs_vectors_, full.hs_vectors_)
    # a checkpoint written before negative=0 left syn1 out holds it whole, at zero
    np.save(_syn1_file(ckpt), np.zeros((len(full.vectors_), 24), np.float32))
    resumed = trainer(**SMALL).fit(lee, resume=ckpt)
    assert np.array_equal(resumed.vectors_.vectors, full.vectors_.vectors)
    assert resumed.output_vectors_.shape == (0, 24)
    np.save(_syn1_file(ckpt), np.zeros((5, 24), np.float32))
    with pytest.raises(FormatError, match=r"syn1\..*npy: expected a float32 array of shape "
                                          r"\(0, 24\), got float32 \(5, 24\)"):
        trainer(**SMALL).fit(lee, resume=ckpt)
