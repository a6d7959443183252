"""wordvec.nn: every backward pass against central finite differences (float64), plus the
small facts (masks, the GRU's update gate, embedding rows, optimisers) computed by hand."""

import numpy as np
import pytest

from wordvec import Vectors
from wordvec.nn import (
    SGD,
    Adam,
    Dense,
    Dropout,
    Embedding,
    Recurrent,
    clip_by_global_norm,
    clip_by_value,
    softmax,
    softmax_cross_entropy,
)
from wordvec.nn.cells import CELLS, init_params

EPS = 1e-5


def numerical_grad(loss, array):
    """Central differences of the scalar `loss()` with respect to every entry of `array`."""
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + EPS
        plus = loss()
        array[idx] = old - EPS
        minus = loss()
        array[idx] = old
        grad[idx] = (plus - minus) / (2 * EPS)
    return grad


def assert_close(analytic, numeric):
    rel = np.linalg.norm(analytic - numeric) / max(
        np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    assert rel < 1e-6, rel
    assert np.linalg.norm(numeric) > 1e-8  # the check is not vacuous


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_cell_backward_matches_finite_differences(cell):
    rng = np.random.default_rng(1)
    forward, backward, has_c = CELLS[cell]
    params = init_params(cell, n_in=3, n_hidden=4, random_state=2)
    for k in params:                       # non-trivial biases
        params[k] += 0.3 * rng.standard_normal(params[k].shape)
    x, h_prev, c_prev = (rng.standard_normal((2, n)) for n in (3, 4, 4))
    rh, rc = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))

    def loss():
        if has_c:
            h, c, _ = forward(x, h_prev, c_prev, params)
            return np.sum(h * rh) + np.sum(c * rc)
        h, _ = forward(x, h_prev, params)
        return np.sum(h * rh)

    if has_c:
        grads = backward(rh, rc, forward(x, h_prev, c_prev, params)[2])
        assert_close(grads["dc_prev"], numerical_grad(loss, c_prev))
    else:
        grads = backward(rh, forward(x, h_prev, params)[1])
    assert_close(grads["dx"], numerical_grad(loss, x))
    assert_close(grads["dh_prev"], numerical_grad(loss, h_prev))
    for name, value in params.items():
        assert_close(grads["d" + name], numerical_grad(loss, value))


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_recurrent_bptt_with_mask_matches_finite_differences(cell, return_sequences):
    rng = np.random.default_rng(3)
    layer = Recurrent(cell, 3, 4, return_sequences=return_sequences, random_state=4)
    x = rng.standard_normal((3, 5, 3))
    h0 = rng.standard_normal((3, 4))
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 1, 1, 1, 0]])
    r = rng.standard_normal((3, 5, 4) if return_sequences else (3, 4))

    def loss():
        return np.sum(layer.forward(x, mask=mask, h0=h0) * r)

    loss()
    dx = layer.backward(r)
    analytic = {k: v.copy() for k, v in layer.grads.items()}
    dh0 = layer.dh0.copy()
    assert_close(dx, numerical_grad(loss, x))
    assert_close(dh0, numerical_grad(loss, h0))
    for name, value in layer.params.items():
        assert_close(analytic[name], numerical_grad(loss, value))
    # padded steps receive no gradient
    assert np.all(dx[1, 2:] == 0) and np.all(dx[2, 4] == 0)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_mask_gives_the_state_of_the_unpadded_sequence(cell):
    rng = np.random.default_rng(5)
    layer = Recurrent(cell, 3, 4, random_state=6)
    x = rng.standard_normal((2, 6, 3))
    alone = layer.forward(x[1:, :4])
    padded = layer.forward(x, mask=np.array([[1] * 6, [1, 1, 1, 1, 0, 0]]))
    np.testing.assert_allclose(padded[1], alone[0], rtol=0, atol=1e-15)
    assert not np.allclose(padded[1], layer.forward(x)[1])


def test_gru_update_gate_zero_carries_the_memory_unchanged():
    rng = np.random.default_rng(7)
    layer = Recurrent("gru", 3, 4, random_state=8)
    layer.params["b_u"][:] = -1e4          # sigmoid -> exactly 0
    h0 = rng.standard_normal((2, 4))
    x = rng.standard_normal((2, 10, 3))
    assert np.array_equal(layer.forward(x, h0=h0), h0)
    layer.params["b_u"][:] = 0.0
    assert not np.allclose(layer.forward(x, h0=h0), h0)


def test_dense_and_softmax_cross_entropy_gradients():
    rng = np.random.default_rng(9)
    dense = Dense(4, 5, random_state=0)
    x = rng.standard_normal((2, 3, 4))
    labels = rng.integers(0, 5, (2, 3))
    mask = np.array([[1, 1, 0], [1, 1, 1]])

    def loss():
        return softmax_cross_entropy(dense.forward(x), labels, mask)[0]

    _, dlogits = softmax_cross_entropy(dense.forward(x), labels, mask)
    dx = dense.backward(dlogits)
    analytic = dict(dense.grads)
    assert_close(dx, numerical_grad(loss, x))
    for name, value in dense.params.items():
        assert_close(analytic[name], numerical_grad(loss, value))


def test_softmax_cross_entropy_by_hand():
    loss, dlogits = softmax_cross_entropy(np.log(np.array([[1.0, 1.0, 2.0]])), np.array([2]))
    assert loss == pytest.approx(-np.log(0.5))
    np.testing.assert_allclose(dlogits, [[0.25, 0.25, -0.5]])
    np.testing.assert_allclose(softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])


def test_dropout_gradient_and_scaling():
    rng = np.random.default_rng(10)
    drop = Dropout(0.5, random_state=0)
    x = rng.standard_normal((200, 50))
    out = drop.forward(x)
    kept = out != 0
    assert 0.45 < kept.mean() < 0.55
    np.testing.assert_allclose(out[kept], 2 * x[kept])
    r = rng.standard_normal(x.shape)
    np.testing.assert_array_equal(drop.backward(r), r * drop._keep)
    assert drop.forward(x, training=False) is x
    with pytest.raises(ValueError, match="dropout rate"):
        Dropout(1.0)


def test_embedding_lookup_padding_unknown_and_gradient():
    store = Vectors(["a", "b", "c"], np.arange(6, dtype=np.float32).reshape(3, 2))
    frozen = Embedding(store)
    ids, mask = frozen.encode([["c", "zzz", "a"], ["b"]])
    assert ids.tolist() == [[4, 1, 2], [3, 0, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False]]
    out = frozen.forward(ids)
    assert out.tolist() == [[[4, 5], [0, 0], [0, 1]], [[2, 3], [0, 0], [0, 0]]]
    assert frozen.params == {} and frozen.backward(np.ones_like(out)) is None

    trainable = Embedding(store, trainable=True)
    np.testing.assert_array_equal(trainable.forward(ids), out)
    r = np.random.default_rng(11).standard_normal(out.shape)

    def loss():
        return np.sum(trainable.forward(ids) * r)

    loss()
    trainable.backward(r)
    numeric = numerical_grad(loss, trainable.params["E"])
    numeric[Embedding.PAD] = 0.0                 # padding is never trained
    assert_close(trainable.grads["E"], numeric)
    assert np.all(trainable.grads["E"][0] == 0)


def test_clipping_like_the_course():
    grads = {"a": np.array([-10.0, 3.0, 7.0]), "b": np.array([[0.5, -5.5]])}
    clip_by_value(grads, 5.0)
    assert grads["a"].tolist() == [-5.0, 3.0, 5.0] and grads["b"].tolist() == [[0.5, -5.0]]
    grads = {"a": np.array([3.0]), "b": np.array([4.0])}
    assert clip_by_global_norm(grads, 1.0) == 5.0
    np.testing.assert_allclose([grads["a"][0], grads["b"][0]], [0.6, 0.8])
    assert clip_by_global_norm(grads, 10.0) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["a"], [0.6])


def test_optimisers_minimise_a_quadratic():
    target = np.array([1.0, -2.0, 3.0])
    for opt, steps in ((SGD(lr=0.1), 200), (Adam(lr=0.05), 2000)):
        params = {"w": np.zeros(3), "frozen": np.ones(1)}
        for _ in range(steps):
            opt.step(params, {"w": 2 * (params["w"] - target)})
        np.testing.assert_allclose(params["w"], target, atol=1e-3)
        assert params["frozen"].tolist() == [1.0]
    params = {"w": np.zeros(2)}
    Adam(lr=0.01).step(params, {"w": np.array([100.0, -0.1])})
    np.testing.assert_allclose(params["w"], [-0.01, 0.01], rtol=1e-3)  # first step: lr * sign


def test_float32_layers_stay_float32_and_agree_with_float64():
    x = np.random.default_rng(12).standard_normal((2, 4, 3))
    out = {}
    for dtype in (np.float64, np.float32):
        layer = Recurrent("lstm", 3, 5, return_sequences=True, random_state=13, dtype=dtype)
        dense, drop = Dense(5, 2, random_state=14, dtype=dtype), Dropout(0.5, random_state=15)
        y = dense.forward(drop.forward(layer.forward(x)))
        dx = layer.backward(drop.backward(dense.backward(np.ones_like(y))))
        assert y.dtype == dx.dtype == layer.grads["W_f"].dtype == dtype
        out[dtype] = (y, dx, layer.grads["W_f"])
    for a, b in zip(out[np.float64], out[np.float32], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


# --- encoder-decoder pieces (wordvec.nn.attention) ---------------------------------------

@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_bidirectional_with_padding_matches_finite_differences(cell):
    from wordvec.nn import Bidirectional
    rng = np.random.default_rng(20)
    layer = Bidirectional(cell, 3, 2, random_state=21)
    x = rng.standard_normal((3, 5, 3))
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 1, 1, 1, 0]])
    r = rng.standard_normal((3, 5, 4))

    def loss():
        return np.sum(layer.forward(x, mask=mask) * r)

    loss()
    dx = layer.backward(r)
    analytic = {k: v.copy() for k, v in layer.grads.items()}
    assert sorted(analytic) == sorted(layer.params) and len(analytic) == 2 * len(
        layer.layers["fw"].params)
    assert_close(dx, numerical_grad(loss, x))
    for name, value in layer.params.items():
        assert_close(analytic[name], numerical_grad(loss, value))
    assert np.all(dx[1, 2:] == 0)


def test_bidirectional_backward_half_reads_each_sequence_from_its_last_real_step():
    from wordvec.nn import Bidirectional
    rng = np.random.default_rng(22)
    layer = Bidirectional("lstm", 3, 4, random_state=23)
    x = rng.standard_normal((2, 6, 3))
    out = layer.forward(x, mask=np.array([[1] * 6, [1, 1, 1, 0, 0, 0]]))
    fw, bw = layer.layers["fw"], layer.layers["bw"]
    fw.return_sequences = bw.return_sequences = True
    np.testing.assert_allclose(out[1, :3, :4], fw.forward(x[1:, :3])[0], atol=1e-14)
    np.testing.assert_allclose(out[1, :3, 4:], bw.forward(x[1:, 2::-1])[0, ::-1], atol=1e-14)
    np.testing.assert_allclose(out[0, :, 4:], bw.forward(x[:1, ::-1])[0, ::-1], atol=1e-14)
    assert np.all(out[1, 3:] == 0)
    with pytest.raises(ValueError, match="padding at the end"):
        layer.forward(x, mask=np.array([[1] * 6, [0, 1, 1, 1, 1, 1]]))


def test_attention_step_matches_finite_differences_with_a_mask():
    from wordvec.nn.attention import attention_backward, attention_forward, init_attention
    rng = np.random.default_rng(24)
    params = init_attention(n_a=4, n_s=3, n_energy=5, random_state=25)
    params["b_1"] += 0.3 * rng.standard_normal(5)
    params["b_2"] += 0.4                         # most energies above relu's kink
    a = rng.standard_normal((3, 6, 4))
    s = rng.standard_normal((3, 3))
    mask = np.arange(6) < np.array([[6], [2], [4]])
    rc, ra = rng.standard_normal((3, 4)), rng.standard_normal((3, 6))

    def loss():
        context, alpha, _ = attention_forward(a, s, params, mask)
        return np.sum(context * rc) + np.sum(alpha * ra)

    context, alpha, cache = attention_forward(a, s, params, mask)
    np.testing.assert_allclose(alpha.sum(axis=1), 1.0)
    assert np.all(alpha[~mask] == 0) and np.all(alpha[mask] > 0)
    assert np.any(cache[3] < 0) and np.any(cache[3] > 0)    # relu's both sides are exercised
    grads = attention_backward(rc, cache, dalpha=ra)
    assert_close(grads["da"], numerical_grad(loss, a))
    assert_close(grads["ds_prev"], numerical_grad(loss, s))
    for name, value in params.items():
        assert_close(grads["d" + name], numerical_grad(loss, value))
    assert np.all(grads["da"][1, 2:] == 0)


def test_attention_context_is_a_convex_combination_like_the_course_unit_test():
    from wordvec.nn.attention import attention_forward, init_attention
    rng = np.random.default_rng(26)
    a, s = rng.random((10, 30, 64)), rng.random((10, 64))
    context, alpha, _ = attention_forward(a, s, init_attention(64, 64, random_state=27))
    assert context.shape == (10, 64) and alpha.shape == (10, 30)
    assert np.all((context > 0) & (context < 1))


def test_course_date_model_has_52960_parameters():
    from wordvec.nn import AttentionDecoder, Bidirectional
    enc = Bidirectional("lstm", n_in=37, n_hidden=32, random_state=0)
    dec = AttentionDecoder(n_a=64, n_s=64, n_out=11, feed_previous=False, random_state=1)
    sizes = {name: sum(v.size for k, v in dec.params.items() if k.startswith(name))
             for name in ("attn.W_1", "attn.b_1", "attn.W_2", "attn.b_2", "cell.", "out.")}
    assert sum(v.size for v in enc.params.values()) == 17920
    assert sizes["attn.W_1"] + sizes["attn.b_1"] == 1290
    assert sizes["attn.W_2"] + sizes["attn.b_2"] == 11
    assert sizes["cell."] == 33024 and sizes["out."] == 715
    assert 17920 + sum(v.size for v in dec.params.values()) == 52960
    a = enc.forward(np.zeros((2, 30, 37)))
    assert a.shape == (2, 30, 64)
    assert dec.forward(a, steps=10).shape == (2, 10, 11) and dec.alphas_.shape == (2, 10, 30)


@pytest.mark.parametrize("cell,feed_previous", [("lstm", True), ("lstm", False),
                                                ("gru", True)])
def test_attention_decoder_matches_finite_differences(cell, feed_previous):
    from wordvec.nn import AttentionDecoder
    rng = np.random.default_rng(28)
    dec = AttentionDecoder(n_a=4, n_s=3, n_out=5, feed_previous=feed_previous, cell=cell,
                           n_energy=4, random_state=29)
    dec.attn["params"]["b_2"] += 0.4
    a = rng.standard_normal((3, 5, 4))
    mask = np.arange(5) < np.array([[5], [2], [4]])
    targets = rng.integers(0, 5, (3, 4))

    def loss():
        return softmax_cross_entropy(dec.forward(a, mask, targets), targets)[0]

    _, dlogits = softmax_cross_entropy(dec.forward(a, mask, targets), targets)
    da = dec.backward(dlogits)
    analytic = {k: v.copy() for k, v in dec.grads.items()}
    assert sorted(analytic) == sorted(dec.params)
    assert_close(da, numerical_grad(loss, a))
    for name, value in dec.params.items():
        assert_close(analytic[name], numerical_grad(loss, value))


def test_encoder_and_decoder_chain_rule_end_to_end():
    from wordvec.nn import AttentionDecoder, Bidirectional
    rng = np.random.default_rng(30)
    enc = Bidirectional("lstm", 3, 2, random_state=31)
    dec = AttentionDecoder(n_a=4, n_s=3, n_out=4, random_state=32)
    x = rng.standard_normal((2, 4, 3))
    mask = np.array([[1, 1, 1, 1], [1, 1, 1, 0]])
    targets = rng.integers(0, 4, (2, 3))

    def loss():
        return softmax_cross_entropy(dec.forward(enc.forward(x, mask), mask, targets),
                                     targets)[0]

    _, dlogits = softmax_cross_entropy(dec.forward(enc.forward(x, mask), mask, targets),
                                       targets)
    dx = enc.backward(dec.backward(dlogits))
    analytic = {k: v.copy() for k, v in enc.grads.items()}
    assert_close(dx, numerical_grad(loss, x))
    for name, value in enc.params.items():
        assert_close(analytic[name], numerical_grad(loss, value))


def test_decoder_step_agrees_with_the_teacher_forced_pass():
    from wordvec.nn import AttentionDecoder
    rng = np.random.default_rng(33)
    dec = AttentionDecoder(n_a=4, n_s=3, n_out=5, random_state=34)
    a = rng.standard_normal((2, 6, 4))
    mask = np.arange(6) < np.array([[6], [3]])
    targets = rng.integers(0, 5, (2, 4))
    logits = dec.forward(a, mask, targets)
    state, prev = dec.initial_state(2), np.full(2, 5)
    for t in range(4):
        log_probs, state, alpha = dec.step(a, mask, state, prev)
        np.testing.assert_allclose(np.exp(log_probs), softmax(logits[:, t]), atol=1e-12)
        np.testing.assert_allclose(alpha, dec.alphas_[:, t], atol=1e-12)
        prev = targets[:, t]
    with pytest.raises(ValueError, match="needs targets"):
        dec.forward(a, mask, steps=4)
