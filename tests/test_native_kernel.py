"""The SGNS kernel as a cached shared library: same results as numba's dispatcher, no numba
in a process that loads it, and a clean fall-back where it cannot be built."""

import json
import logging
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from ties import assert_same_ranking

import wordvec
from wordvec import SGNS, Vectors
from wordvec._kernels import sgns_host
from wordvec._kernels.native import NativeKernel
from wordvec._kernels.sgns_host import (
    NATIVE_KERNEL,
    alias_table,
    job_function,
    no_hs,
    scratch_buffers,
    sigmoid_table,
)
from wordvec.train.sgns import keep_probabilities, negative_weights

SMALL = dict(dim=24, epochs=2, min_count=2, threads=1, random_state=5, progress=False)


@pytest.fixture(scope="module")
def lee(gensim_data):
    return gensim_data("lee_background.cor")


def _unloaded(kernel):
    """A copy of `kernel` that has not tried to load its library yet."""
    return NativeKernel(kernel.name, kernel.c_args, kernel.sources, kernel.build)


def _fresh_kernels(tmp_path, monkeypatch, module, *names):
    """A fresh, empty kernel cache, no WORDVEC_NATIVE or CC from the caller's environment,
    and unloaded copies of the kernels `module.<names>`; returns the first copy."""
    monkeypatch.setenv("WORDVEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("WORDVEC_NATIVE", raising=False)
    monkeypatch.delenv("CC", raising=False)
    copies = [_unloaded(getattr(module, name)) for name in names]
    for name, copy in zip(names, copies, strict=True):
        monkeypatch.setattr(module, name, copy)
    return copies[0]


@pytest.fixture
def kernel_cache(tmp_path, monkeypatch):
    """The SGNS kernel, unloaded, over a fresh cache."""
    return _fresh_kernels(tmp_path, monkeypatch, sgns_host, "NATIVE_KERNEL")


def _job_inputs(seed=0, n_words=300, dim=16, negative=5):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(1, 500, n_words))[::-1]
    ends = np.cumsum(rng.integers(3, 40, 60))
    ids = rng.integers(0, n_words, int(ends[-1])).astype(np.int32)
    syn0 = ((rng.random((n_words, dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
    syn1 = (rng.random((n_words, dim), dtype=np.float32) * 0.1).astype(np.float32)
    cut, alias = alias_table(negative_weights(counts))
    raw_starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    arrays = (syn0, syn1, ids, ends.astype(np.int64), raw_starts,
              keep_probabilities(counts, 1e-2), cut, alias, sigmoid_table())
    # the scalars, then the hierarchical-softmax arrays (off)
    scalars = (5, negative, 0.025, 0.0001, 1000, 10 * int(ends[-1]), 12345, *no_hs(dim))
    max_len = int(np.diff(ends, prepend=0).max())
    return arrays, scalars, (dim, negative, max_len)


def test_the_library_is_built_once_and_gives_the_dispatchers_results(kernel_cache):
    from wordvec._kernels.sgns import sgns_job  # numba's dispatcher, for reference

    native = job_function()
    assert native is not sgns_job, "the shared library should have been built here"
    library = kernel_cache.library_path()
    assert library.exists() and library.parent.name == "kernels"
    for negative in (5, 3):  # 5 takes the kernel's unrolled path, 3 the general one
        arrays, scalars, sizes = _job_inputs(negative=negative)
        mine = [a.copy() for a in arrays]
        theirs = [a.copy() for a in arrays]
        got = native(*mine, *scalars, *scratch_buffers(*sizes))
        want = sgns_job(*theirs, *scalars, *scratch_buffers(*sizes))
        assert got == want and got[1] > 0
        np.testing.assert_array_equal(mine[0], theirs[0])
        np.testing.assert_array_equal(mine[1], theirs[1])
        assert not np.array_equal(mine[0], arrays[0])  # it did train
    inode = library.stat().st_ino  # a rebuild would rename a new file into place
    again = _unloaded(kernel_cache)
    assert again.load() is not None and library.stat().st_ino == inode  # reused


def test_training_through_the_library_equals_training_through_numba(lee, kernel_cache,
                                                                      monkeypatch):
    native = SGNS(**SMALL).fit(lee)
    assert kernel_cache.library_path().exists()
    monkeypatch.setenv("WORDVEC_NATIVE", "0")
    monkeypatch.setattr(sgns_host, "NATIVE_KERNEL",
                        _unloaded(kernel_cache))
    assert sgns_host.job_function().__name__ == "sgns_job"  # the numba dispatcher
    jit = SGNS(**SMALL).fit(lee)
    np.testing.assert_array_equal(native.vectors_.vectors, jit.vectors_.vectors)
    np.testing.assert_array_equal(native.loss_history_, jit.loss_history_)


def test_a_process_that_loads_the_library_never_imports_numba(lee, kernel_cache, tmp_path):
    SGNS(**SMALL).fit(lee)  # fills the cache in this process
    script = (
        "import json, sys\n"
        "from wordvec import SGNS\n"
        f"m = SGNS(**{SMALL!r}).fit({str(lee)!r})\n"
        f"import numpy as np; np.save({str(tmp_path / 'child.npy')!r}, m.vectors_.vectors)\n"
        "print(json.dumps(sorted(n for n in ('numba', 'llvmlite') if n in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env=dict(os.environ)).stdout
    assert json.loads(out.splitlines()[-1]) == []
    here = SGNS(**SMALL).fit(lee)
    np.testing.assert_array_equal(np.load(tmp_path / "child.npy"), here.vectors_.vectors)


def test_without_a_c_compiler_training_falls_back_to_numba(lee, kernel_cache, monkeypatch,
                                                           caplog):
    monkeypatch.setenv("CC", "no-such-compiler-wordvec")
    with caplog.at_level(logging.INFO, logger="wordvec"):
        fn = job_function()
    assert fn.__name__ == "sgns_job"
    assert "no C compiler ('no-such-compiler-wordvec')" in caplog.text
    assert not kernel_cache.library_path().exists()
    model = SGNS(**SMALL).fit(lee)
    assert np.isfinite(model.vectors_.vectors).all() and model.loss_history_[-1] > 0


def test_a_damaged_library_file_is_built_again(kernel_cache, caplog):
    path = kernel_cache.library_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x7fELF not really a shared library")
    with caplog.at_level(logging.INFO, logger="wordvec"):
        assert kernel_cache.load() is not None
    assert f"{path}:" in caplog.text and "building it again" in caplog.text
    assert path.read_bytes()[:4] == b"\x7fELF" and path.stat().st_size > 1000


def test_the_library_checks_its_arrays_before_handing_them_to_machine_code(kernel_cache):
    native = job_function()
    arrays, scalars, sizes = _job_inputs()
    wrong_dtype = list(arrays)
    wrong_dtype[0] = arrays[0].astype(np.float64)
    with pytest.raises(TypeError, match="C-contiguous 2-D float32"):
        native(*wrong_dtype, *scalars, *scratch_buffers(*sizes))
    short_keep = list(arrays)
    short_keep[5] = arrays[5][:-1]
    with pytest.raises(ValueError, match="sizes do not agree"):
        native(*short_keep, *scalars, *scratch_buffers(*sizes))
    dim, negative, max_len = sizes
    with pytest.raises(ValueError, match="past the ids or the buffer"):
        native(*arrays, *scalars, *scratch_buffers(dim, negative, max_len - 1))
    bad_ids = list(arrays)
    bad_ids[2] = arrays[2].copy()
    bad_ids[2][7] = len(arrays[0])
    with pytest.raises(ValueError, match=r"word ids must lie in \[0, 300\)"):
        native(*bad_ids, *scalars, *scratch_buffers(*sizes))
    with pytest.raises(ValueError, match="window=0"):
        native(*arrays, 0, *scalars[1:], *scratch_buffers(*sizes))


def test_an_unwritable_cache_falls_back_to_numba(lee, tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("WORDVEC_NATIVE", raising=False)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("WORDVEC_CACHE", str(blocker))
    monkeypatch.setattr(sgns_host, "NATIVE_KERNEL", _unloaded(NATIVE_KERNEL))
    with caplog.at_level(logging.INFO, logger="wordvec"):
        model = SGNS(**SMALL).fit(lee)
    assert "using the numba dispatcher" in caplog.text and str(blocker) in caplog.text
    assert np.isfinite(model.vectors_.vectors).all()


# ---------------------------------------------------------------------------- top-k kernel
@pytest.fixture
def topk_cache(tmp_path, monkeypatch):
    from wordvec._kernels import topk_host

    return _fresh_kernels(tmp_path, monkeypatch, topk_host, "NATIVE_KERNEL")


def test_top_k_library_ranks_as_the_dispatcher_does(topk_cache):
    from wordvec._kernels.topk import top_k_rows
    from wordvec._kernels.topk_host import top_k_function

    native = top_k_function()
    assert native.__name__ == "top_k_native" and topk_cache.library_path().exists()
    rng = np.random.default_rng(8)
    scores = rng.integers(-4, 5, size=(50, 200)).astype(np.float32)  # many ties
    for exclude in (rng.integers(-1, 200, size=(50, 3)), np.zeros((50, 0), np.int64)):
        for k in (1, 10, 200):
            ids, best = native(scores, k, exclude)
            want_ids = np.empty((50, k), np.int64)
            want_best = np.empty((50, k), np.float32)
            top_k_rows(scores, k, exclude, want_ids, want_best)
            np.testing.assert_array_equal(ids, want_ids)
            np.testing.assert_array_equal(best, want_best)
    with pytest.raises(ValueError, match="does not fit"):
        native(scores, 201, np.zeros((50, 0), np.int64))
    with pytest.raises(TypeError, match="float32"):
        native(scores.astype(np.float64), 3, np.zeros((50, 0), np.int64))


def test_batched_queries_in_a_fresh_process_do_not_import_numba(topk_cache, tmp_path):
    from wordvec._kernels.topk_host import top_k_function

    rng = np.random.default_rng(0)
    store = tmp_path / "store"
    Vectors([f"w{i}" for i in range(500)],
            rng.standard_normal((500, 16)).astype(np.float32)).save(store)
    assert top_k_function().__name__ == "top_k_native"  # fills the cache
    script = (
        "import json, sys, wordvec\n"
        f"v = wordvec.load({str(store)!r})\n"
        "found = v.most_similar_batch(v.keys[:50], topn=5)\n"
        "print(json.dumps([found[7], 'numba' in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env=dict(os.environ)).stdout
    found, numba_loaded = json.loads(out.splitlines()[-1])
    here = wordvec.load(store)
    assert_same_ranking([tuple(p) for p in found], here.most_similar("w7", topn=5))
    assert numba_loaded is False


# ---------------------------------------------------------------------------- GloVe kernels
@pytest.fixture
def glove_cache(tmp_path, monkeypatch):
    from wordvec._kernels import glove_host

    _fresh_kernels(tmp_path, monkeypatch, glove_host, "EPOCH_KERNEL", "SHUFFLE_KERNEL")
    return glove_host


def _glove_problem(seed=0, n_words=40, dim=8, nnz=3000):
    rng = np.random.default_rng(seed)
    params = {name: ((rng.random((n_words, dim) if name in "WC" else n_words) - 0.5) / dim)
              .astype(np.float32) for name in ("W", "C", "bw", "bc")}
    for name in ("W", "C", "bw", "bc"):
        params["g" + name] = np.ones_like(params[name])
    nz = np.empty((nnz, 4), np.int32)
    nz[:, :2] = rng.integers(0, n_words, (nnz, 2))
    nz.view(np.float32)[:, 2] = np.log(rng.integers(1, 50, nnz))
    nz.view(np.float32)[:, 3] = rng.random(nnz)
    return params, nz


def test_glove_libraries_give_the_dispatchers_results(glove_cache):
    from wordvec._kernels.glove import epoch_block, shuffle

    native_epoch, native_shuffle = glove_cache.epoch_function(), glove_cache.shuffle_function()
    assert native_epoch.__name__ == "epoch_native"
    assert native_shuffle.__name__ == "shuffle_native"
    params, nz = _glove_problem()
    mine, theirs = ({k: v.copy() for k, v in params.items()} for _ in range(2))
    nz_mine, nz_theirs = nz.copy(), nz.copy()
    native_shuffle(nz_mine, 12345)
    shuffle(nz_theirs, 12345)
    np.testing.assert_array_equal(nz_mine, nz_theirs)
    assert not np.array_equal(nz_mine, nz)
    got = native_epoch(mine, nz_mine, 100, 2900, 0.05, 100.0)
    names = ("W", "C", "bw", "bc", "gW", "gC", "gbw", "gbc")
    want = epoch_block(*(theirs[n] for n in names), nz_theirs[:, :2],
                       nz_theirs.view(np.float32)[:, 2:], 100, 2900, 0.05, 100.0)
    assert got == want > 0
    for name in names:
        np.testing.assert_array_equal(mine[name], theirs[name])
    bad = nz_mine.copy()
    bad[200, 1] = 40
    with pytest.raises(ValueError, match=r"word ids must lie in \[0, 40\)"):
        native_epoch(mine, bad, 100, 300, 0.05, 100.0)
    with pytest.raises(ValueError, match="range 0:3001 outside 0:3000"):
        native_epoch(mine, nz_mine, 0, 3001, 0.05, 100.0)


def test_glove_from_counts_in_a_fresh_process_does_not_import_numba(glove_cache, tmp_path):
    from wordvec import GloVe
    from wordvec.train.cooccur import count_cooccurrences

    corpus = [["a", "b", "c", "d"], ["b", "c", "a"], ["d", "a", "b"]] * 20
    count_cooccurrences(corpus, tmp_path / "counts", window=2, min_count=1, progress=False)
    opts = dict(dim=4, epochs=3, threads=1, random_state=2, progress=False)
    here = GloVe(**opts).fit(cooccurrence=tmp_path / "counts")  # builds both libraries
    script = (
        "import json, sys, numpy as np\n"
        "from wordvec import GloVe\n"
        f"m = GloVe(**{opts!r}).fit(cooccurrence={str(tmp_path / 'counts')!r})\n"
        f"np.save({str(tmp_path / 'child.npy')!r}, m.vectors_.vectors)\n"
        "print(json.dumps('numba' in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env=dict(os.environ)).stdout
    assert json.loads(out.splitlines()[-1]) is False
    np.testing.assert_array_equal(np.load(tmp_path / "child.npy"), here.vectors_.vectors)


def test_building_a_library_removes_the_kernels_stale_ones(kernel_cache):
    folder = kernel_cache.library_path().parent
    folder.mkdir(parents=True)
    month_ago = time.time() - 31 * 86400
    stale, recent = folder / "sgns_job-0000000000000000.so", folder / "sgns_job-1111.so"
    other_kernel = folder / "top_k_rows-2222.so"
    for path in (stale, recent, other_kernel):
        path.write_bytes(b"old library")
    os.utime(stale, (month_ago, month_ago))
    os.utime(other_kernel, (month_ago, month_ago))
    assert kernel_cache.load() is not None
    assert not stale.exists() and recent.exists() and other_kernel.exists()
    built = kernel_cache.library_path()
    os.utime(built, (month_ago, month_ago))
    again = _unloaded(kernel_cache)
    assert again.load() is not None
    assert built.stat().st_mtime > month_ago + 86400  # loading marks it as in use
