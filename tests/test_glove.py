"""GloVe: the weighting at its boundaries, the loss gradient against finite differences, one
kernel step against glove.c's AdaGrad rule (clipping included), falling cost on a real corpus,
seeded reproducibility, resuming from a checkpoint, the output choices."""

import numpy as np
import pytest

from wordvec._kernels.glove import epoch_block, loss_and_grad
from wordvec.train.cooccur import count_cooccurrences, load_cooccurrence
from wordvec.train.glove import GRAD_CLIP, GloVe, weighting


@pytest.fixture(scope="module")
def lee_folder(gensim_data, tmp_path_factory):
    """Counts of gensim's Lee corpus (60k tokens), window 10, min_count 3."""
    folder = tmp_path_factory.mktemp("glove") / "counts"
    count_cooccurrences(gensim_data("lee_background.cor"), folder, window=10, min_count=3,
                        progress=False)
    return folder


@pytest.fixture(scope="module")
def lee_counts(lee_folder):
    return load_cooccurrence(lee_folder)


def test_weighting_at_its_boundaries():
    x_max, alpha = 100.0, 0.75
    assert weighting(x_max, x_max, alpha) == 1.0
    assert weighting(2 * x_max, x_max, alpha) == 1.0           # capped above x_max
    assert weighting(np.nextafter(x_max, 0), x_max, alpha) < 1.0
    assert weighting(x_max / 2, x_max, alpha) == pytest.approx(0.5 ** 0.75, rel=1e-15)
    assert weighting(1e-300, x_max, alpha) > 0.0
    assert weighting(1e-12, x_max, 1.0) == pytest.approx(1e-14)


def tiny_problem(seed=0, n_words=5, dim=3):
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(rng.random((n_words, n_words)) < 0.6)
    vals = rng.uniform(0.2, 20.0, size=rows.shape[0])          # both sides of x_max = 10
    params = [rng.normal(size=(n_words, dim)), rng.normal(size=(n_words, dim)),
              rng.normal(size=n_words), rng.normal(size=n_words)]
    return params, rows, cols, vals


def test_loss_gradient_matches_finite_differences():
    params, rows, cols, vals = tiny_problem()
    x_max, alpha = 10.0, 0.75
    J, *grads = loss_and_grad(*params, rows, cols, vals, x_max, alpha)
    f = weighting(vals, x_max, alpha)
    W, C, bw, bc = params
    direct = 0.5 * np.sum(f * (np.sum(W[rows] * C[cols], 1) + bw[rows] + bc[cols]
                               - np.log(vals)) ** 2)
    assert J == pytest.approx(direct, rel=1e-12)
    eps = 1e-6
    for p, g in zip(params, grads, strict=True):
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = loss_and_grad(*params, rows, cols, vals, x_max, alpha)[0]
            p[idx] = old - eps
            down = loss_and_grad(*params, rows, cols, vals, x_max, alpha)[0]
            p[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)


def one_step(W, C, bw, bc, i, j, x, x_max=10.0, alpha=0.75, eta=0.05):
    """Run the epoch kernel on the single nonzero (i, j, x) with fresh accumulators."""
    state = [np.array(a, dtype=np.float32) for a in (W, C, bw, bc)]
    acc = [np.ones_like(a) for a in state]
    pairs = np.array([[i, j]], dtype=np.int32)
    targets = np.array([[np.log(x), weighting(x, x_max, alpha)]], dtype=np.float32)
    loss = epoch_block(*state, *acc, pairs, targets, 0, 1, eta, GRAD_CLIP)
    return loss, state, acc


def test_kernel_step_is_adagrad_on_the_gradient():
    params, _, _, _ = tiny_problem(seed=1)
    params = [p.astype(np.float32).astype(np.float64) for p in params]
    i, j, x, eta = 1, 3, 4.0, 0.05
    J, dW, dC, dbw, dbc = loss_and_grad(*params, np.array([i]), np.array([j]), np.array([x]),
                                        10.0, 0.75)
    loss, (W, C, bw, bc), (gW, gC, gbw, gbc) = one_step(*params, i, j, x, eta=eta)
    assert loss == pytest.approx(J, rel=1e-5)
    # accumulators start at 1, so the first step is eta * gradient (biases: no eta, as glove.c)
    np.testing.assert_allclose(W[i], params[0][i] - eta * dW[i], rtol=1e-5)
    np.testing.assert_allclose(C[j], params[1][j] - eta * dC[j], rtol=1e-5)
    assert bw[i] == pytest.approx(params[2][i] - dbw[i], rel=1e-5)
    assert bc[j] == pytest.approx(params[3][j] - dbc[j], rel=1e-5)
    np.testing.assert_allclose(gW[i], 1 + (eta * dW[i]) ** 2, rtol=1e-5)
    assert gbw[i] == pytest.approx(1 + dbw[i] ** 2, rel=1e-5)
    others = np.arange(len(W)) != i
    np.testing.assert_array_equal(W[others], params[0][others].astype(np.float32))


def test_kernel_clips_gradient_components_at_100():
    W = np.full((2, 3), 20.0)
    C = np.full((2, 3), 20.0)
    C[1, 0] = 0.001                        # this component's gradient stays small
    loss, (W1, C1, _, _), (gW, _, _, _) = one_step(W, C, np.zeros(2), np.zeros(2), 0, 1, 50.0)
    f = weighting(50.0, 10.0, 0.75)
    diff = W[0] @ C[1] - np.log(50.0)      # about 796: fdiff * 20 is far beyond 100
    assert loss == pytest.approx(0.5 * f * diff ** 2, rel=1e-5)
    np.testing.assert_allclose(W1[0, 1:], 20.0 - 0.05 * GRAD_CLIP, rtol=1e-6)
    np.testing.assert_allclose(C1[1], C[1] - 0.05 * GRAD_CLIP, rtol=1e-6)   # clipped too
    assert W1[0, 0] == pytest.approx(20.0 - 0.05 * f * diff * 0.001, rel=1e-5)
    assert gW[0, 1] == pytest.approx(1 + (0.05 * GRAD_CLIP) ** 2, rel=1e-6)


def test_cost_falls_every_epoch_on_a_real_corpus(lee_counts):
    # Calibration: on the Lee corpus (min_count 3, window 10) the cost fell at every one of
    # 12 epochs for seeds 0..4, by at least 3% per epoch, ending below half its first value.
    model = GloVe(dim=30, epochs=12, x_max=10, threads=1, random_state=0, progress=False)
    model.fit(cooccurrence=lee_counts)
    loss = model.loss_history_
    assert loss.dtype == np.float64 and loss.shape == (12,)
    assert np.all(np.diff(loss) < 0), loss
    assert loss[-1] < 0.55 * loss[0]


def test_seed_and_one_thread_reproduce_bit_for_bit(lee_counts, tmp_path):
    def fit(seed, epochs=4, **kw):
        return GloVe(dim=20, epochs=epochs, threads=1, random_state=seed, progress=False,
                     **kw).fit(cooccurrence=lee_counts)

    a, b, c = fit(7), fit(7), fit(8)
    assert np.array_equal(a.vectors_.vectors, b.vectors_.vectors)
    assert np.array_equal(a.loss_history_, b.loss_history_)
    assert not np.allclose(a.vectors_.vectors, c.vectors_.vectors)
    # two epochs, a checkpoint, two more epochs from it == four epochs straight
    fit(7, epochs=2, checkpoint=tmp_path / "ck")
    resumed = GloVe(dim=20, epochs=4, threads=1, random_state=7, progress=False).fit(
        cooccurrence=lee_counts, resume=tmp_path / "ck")
    assert np.array_equal(resumed.vectors_.vectors, a.vectors_.vectors)
    assert np.array_equal(resumed.loss_history_, a.loss_history_)
    with pytest.raises(ValueError, match="checkpoint has dim=20, this model dim=21"):
        GloVe(dim=21, epochs=4).fit(cooccurrence=lee_counts, resume=tmp_path / "ck")


def test_outputs_and_counts(lee_counts):
    m = GloVe(dim=8, epochs=1, threads=2, random_state=0, progress=False).fit(
        cooccurrence=lee_counts)
    np.testing.assert_array_equal(m.vectors_.vectors, m.word_vectors_ + m.context_vectors_)
    assert m.vectors_.keys == lee_counts.words
    np.testing.assert_array_equal(m.vectors_.counts, lee_counts.counts)
    cat = GloVe(dim=8, epochs=1, output="concat", random_state=0, progress=False).fit(
        cooccurrence=lee_counts)
    assert cat.vectors_.dim == 16
    with pytest.raises(ValueError, match="output must be one of sum, word, context, concat"):
        GloVe(output="both").fit(cooccurrence=lee_counts)
    with pytest.raises(ValueError, match="give either a corpus or cooccurrence="):
        GloVe().fit()


def test_fit_from_a_corpus_and_a_counts_folder(lee_folder, gensim_data):
    path = gensim_data("lee_background.cor")
    direct = GloVe(dim=10, epochs=2, min_count=3, threads=1, random_state=3,
                   progress=False).fit(path)
    from_folder = GloVe(dim=10, epochs=2, threads=1, random_state=3, progress=False).fit(
        cooccurrence=lee_folder)
    assert np.array_equal(direct.vectors_.vectors, from_folder.vectors_.vectors)
    assert direct.cooccurrence_meta_["window"] == 10


def test_cli_train_glove_from_corpus_and_from_counts(lee_folder, gensim_data, tmp_path):
    from click.testing import CliRunner
    from wordvec_cli.main import main

    from wordvec import Vectors

    corpus = str(gensim_data("lee_background.cor"))
    common = ["--model", "glove", "--dim", "10", "--epochs", "2", "--threads", "1", "--seed",
              "5", "--x-max", "10", "--quiet"]
    run = CliRunner().invoke
    a = run(main, ["train", corpus, "-o", str(tmp_path / "a"), "--min-count", "3", *common])
    assert a.exit_code == 0, a.output
    b = run(main, ["train", "--cooccur", str(lee_folder), "-o", str(tmp_path / "b"), *common])
    assert b.exit_code == 0, b.output
    va, vb = Vectors.load(tmp_path / "a"), Vectors.load(tmp_path / "b")
    assert va.keys == vb.keys and np.array_equal(va.vectors, vb.vectors)
    expected = GloVe(dim=10, epochs=2, threads=1, random_state=5, x_max=10,
                     progress=False).fit(cooccurrence=lee_folder)
    assert np.array_equal(vb.vectors, expected.vectors_.vectors)
    bad = run(main, ["train", corpus, "-o", str(tmp_path / "c"), "--x-max", "10"])
    assert bad.exit_code == 2 and "--x-max does not apply to --model sgns" in bad.output
    both = run(main, ["train", corpus, "--cooccur", str(lee_folder), "-o", str(tmp_path / "d"),
                      "--model", "glove"])
    assert both.exit_code == 2 and "give CORPUS or --cooccur DIR, not both" in both.output


def test_ctrl_c_checkpoints_mid_epoch_and_resume_is_exact(lee_counts, tmp_path, monkeypatch):
    import json
    import os
    import signal

    from wordvec.train import glove

    def model(**kw):
        return GloVe(dim=12, epochs=4, threads=1, random_state=11, progress=False, **kw)

    straight = model().fit(cooccurrence=lee_counts)
    shuffle = glove._shuffle

    def interrupt_in_epoch_2(nz, seed, epoch):
        shuffle(nz, seed, epoch)
        if epoch == 2:
            os.kill(os.getpid(), signal.SIGINT)   # the handler only sets a flag

    monkeypatch.setattr(glove, "SLICE", 5000)
    monkeypatch.setattr(glove, "_shuffle", interrupt_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        model(checkpoint=tmp_path / "ck").fit(cooccurrence=lee_counts)
    state = json.loads((tmp_path / "ck" / "state.json").read_text())
    assert (state["epoch"], state["next"]) == (2, 5000) and len(state["loss_history"]) == 2
    monkeypatch.setattr(glove, "_shuffle", shuffle)
    resumed = model().fit(cooccurrence=lee_counts, resume=tmp_path / "ck")
    assert np.array_equal(resumed.vectors_.vectors, straight.vectors_.vectors)
    np.testing.assert_allclose(resumed.loss_history_, straight.loss_history_, rtol=1e-12)
