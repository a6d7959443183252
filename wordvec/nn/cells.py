"""RNN, GRU and LSTM cells: one time step forward and backward.

Every weight multiplies the concatenation ``z = [h_prev, x]`` of shape
``(batch, n_hidden + n_in)``; ``σ`` is the logistic sigmoid.

RNN:  ``h = tanh(z W_h + b_h)``

GRU (the update gate ``u`` keeps the memory when it is 0):
``r = σ(z W_r + b_r)``, ``u = σ(z W_u + b_u)``,
``c~ = tanh([r * h_prev, x] W_c + b_c)``, ``h = u * c~ + (1 - u) * h_prev``

LSTM: ``f = σ(z W_f + b_f)``, ``i = σ(z W_i + b_i)``, ``c~ = tanh(z W_c + b_c)``,
``o = σ(z W_o + b_o)``, ``c = f * c_prev + i * c~``, ``h = o * tanh(c)``

``*_cell_backward`` returns a dict of gradients: ``dx``, ``dh_prev`` (and ``dc_prev``) plus
``d<name>`` for every parameter.

Examples
--------
>>> import numpy as np
>>> params = init_params("lstm", n_in=3, n_hidden=2, random_state=0)
>>> h, c, cache = lstm_cell_forward(np.ones((1, 3)), np.zeros((1, 2)), np.zeros((1, 2)), params)
>>> sorted(lstm_cell_backward(np.ones((1, 2)), np.zeros((1, 2)), cache))[:3]
['dW_c', 'dW_f', 'dW_i']
"""

import numpy as np

GATES = {"rnn": ("h",), "gru": ("r", "u", "c"), "lstm": ("f", "i", "c", "o")}


def sigmoid(z):
    """The logistic function, written with tanh so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def init_params(cell, n_in, n_hidden, random_state=None, scale=None, dtype=np.float64):
    """Parameters ``{"W_<gate>": (n_hidden + n_in, n_hidden), "b_<gate>": (n_hidden,)}``.

    By default the recurrent rows are orthogonal, the input rows Glorot-uniform, the biases
    zero and an LSTM's forget bias 1 (as Keras does). With `scale`, every weight is
    ``scale * standard normal`` instead (the course's ``randn * 0.01``).
    """
    if cell not in GATES:
        raise ValueError(f"cell must be one of {sorted(GATES)}, got {cell!r}")
    rng = np.random.default_rng(random_state)
    params = {}
    for gate in GATES[cell]:
        if scale is not None:
            w = scale * rng.standard_normal((n_hidden + n_in, n_hidden))
        else:
            q, r = np.linalg.qr(rng.standard_normal((n_hidden, n_hidden)))
            limit = np.sqrt(6.0 / (n_in + n_hidden))
            w = np.vstack([q * np.sign(np.diag(r)),
                           rng.uniform(-limit, limit, (n_in, n_hidden))])
        params[f"W_{gate}"] = w.astype(dtype)
        params[f"b_{gate}"] = np.full(n_hidden, 1.0 if (cell, gate) == ("lstm", "f") and
                                      scale is None else 0.0, dtype=dtype)
    return params


def _split(dz, n_hidden):
    return dz[:, :n_hidden], dz[:, n_hidden:]


def rnn_cell_forward(x, h_prev, params):
    """One tanh RNN step: ``x (batch, n_in)``, ``h_prev (batch, n_hidden)`` -> ``(h, cache)``."""
    z = np.concatenate([h_prev, x], axis=1)
    h = np.tanh(z @ params["W_h"] + params["b_h"])
    return h, (z, h, params)


def rnn_cell_backward(dh, cache):
    """Gradients of one RNN step given ``dh``, the loss gradient with respect to ``h``."""
    z, h, params = cache
    da = dh * (1.0 - h * h)
    dh_prev, dx = _split(da @ params["W_h"].T, h.shape[1])
    return {"dx": dx, "dh_prev": dh_prev, "dW_h": z.T @ da, "db_h": da.sum(axis=0)}


def gru_cell_forward(x, h_prev, params):
    """One GRU step -> ``(h, cache)``; with the update gate at 0, ``h`` equals ``h_prev``."""
    z = np.concatenate([h_prev, x], axis=1)
    r = sigmoid(z @ params["W_r"] + params["b_r"])
    u = sigmoid(z @ params["W_u"] + params["b_u"])
    zr = np.concatenate([r * h_prev, x], axis=1)
    c = np.tanh(zr @ params["W_c"] + params["b_c"])
    h = u * c + (1.0 - u) * h_prev
    return h, (z, zr, h_prev, r, u, c, params)


def gru_cell_backward(dh, cache):
    """Gradients of one GRU step given ``dh``."""
    z, zr, h_prev, r, u, c, params = cache
    n_h = h_prev.shape[1]
    dac = dh * u * (1.0 - c * c)
    dau = dh * (c - h_prev) * u * (1.0 - u)
    drh, dx = _split(dac @ params["W_c"].T, n_h)
    dar = drh * h_prev * r * (1.0 - r)
    dhz, dxz = _split(dau @ params["W_u"].T + dar @ params["W_r"].T, n_h)
    return {"dx": dx + dxz, "dh_prev": dh * (1.0 - u) + drh * r + dhz,
            "dW_r": z.T @ dar, "db_r": dar.sum(axis=0),
            "dW_u": z.T @ dau, "db_u": dau.sum(axis=0),
            "dW_c": zr.T @ dac, "db_c": dac.sum(axis=0)}


def lstm_cell_forward(x, h_prev, c_prev, params):
    """One LSTM step -> ``(h, c, cache)``."""
    z = np.concatenate([h_prev, x], axis=1)
    f = sigmoid(z @ params["W_f"] + params["b_f"])
    i = sigmoid(z @ params["W_i"] + params["b_i"])
    cc = np.tanh(z @ params["W_c"] + params["b_c"])
    o = sigmoid(z @ params["W_o"] + params["b_o"])
    c = f * c_prev + i * cc
    tc = np.tanh(c)
    h = o * tc
    return h, c, (z, c_prev, f, i, cc, o, tc, params)


def lstm_cell_backward(dh, dc, cache):
    """Gradients of one LSTM step given ``dh`` and ``dc`` (the gradient reaching ``c`` from
    the next step)."""
    z, c_prev, f, i, cc, o, tc, params = cache
    dc = dc + dh * o * (1.0 - tc * tc)
    das = {"f": dc * c_prev * f * (1.0 - f), "i": dc * cc * i * (1.0 - i),
           "c": dc * i * (1.0 - cc * cc), "o": dh * tc * o * (1.0 - o)}
    grads = {"dc_prev": dc * f}
    dz = 0.0
    for gate, da in das.items():
        dz = dz + da @ params[f"W_{gate}"].T
        grads[f"dW_{gate}"] = z.T @ da
        grads[f"db_{gate}"] = da.sum(axis=0)
    grads["dh_prev"], grads["dx"] = _split(dz, c_prev.shape[1])
    return grads


# name -> (forward, backward, has a memory cell c)
CELLS = {
    "rnn": (rnn_cell_forward, rnn_cell_backward, False),
    "gru": (gru_cell_forward, gru_cell_backward, False),
    "lstm": (lstm_cell_forward, lstm_cell_backward, True),
}
