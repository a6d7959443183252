"""Encoder-decoder pieces: a bidirectional `Recurrent`, the course's one-step attention and
an attention decoder that is a conditional language model.

Layouts (batch-first, see `wordvec.nn`): encoder input ``x (batch, Tx, n_in)`` with ``mask
(batch, Tx)`` (real steps first, padding at the end); encoder states ``a (batch, Tx,
n_a)``; decoder state ``s (batch, n_s)``; attention weights ``alpha (batch, Tx)`` per
output step, ``(batch, Ty, Tx)`` over a sequence; logits ``(batch, Ty, n_out)``.

One attention step (Bahdanau-style, the course's configuration)::

    e[t']      = tanh([a[t'], s_prev] W_1 + b_1)        (batch, Tx, n_energy)
    energy[t'] = relu(e[t'] W_2 + b_2)                 (batch, Tx)
    alpha      = softmax of energy over the real t'     (batch, Tx)
    context    = sum_t' alpha[t'] a[t']                 (batch, n_a)

The decoder cell reads ``[context, onehot(y_prev)]`` at each step (``feed_previous``; the
previous output token, ``n_out`` standing for the start symbol, teacher-forced in training)
or only ``context`` (the course's date model, whose outputs are then independent given
the input, so beam search cannot beat greedy); ``logits = s W + b``.

Examples
--------
>>> import numpy as np
>>> enc = Bidirectional("lstm", n_in=37, n_hidden=32, random_state=0)
>>> dec = AttentionDecoder(n_a=64, n_s=64, n_out=11, feed_previous=False, random_state=1)
>>> sum(p.size for p in enc.params.values()) + sum(p.size for p in dec.params.values())
52960
>>> a = enc.forward(np.zeros((2, 30, 37)))
>>> dec.forward(a, steps=10).shape, dec.alphas_.shape
((2, 10, 11), (2, 10, 30))
"""

import numpy as np

from .cells import CELLS
from .layers import Dense, Recurrent, softmax


def _prefix_lengths(mask, batch, steps):
    if mask is None:
        return np.full(batch, steps)
    mask = np.asarray(mask, dtype=bool)
    lengths = mask.sum(axis=1)
    if not np.array_equal(mask, np.arange(steps) < lengths[:, None]):
        raise ValueError("mask must mark the real steps first and the padding at the end")
    return lengths


class Bidirectional:
    """Two `Recurrent` layers, one reading each sequence forwards and one backwards.

    ``forward(x, mask)`` returns ``(batch, Tx, 2 * n_hidden)``: at each real step the
    forward state then the backward state (the backward layer starts at each sequence's
    last real step); padded steps are zero. ``params``/``grads`` are flat views keyed
    ``"fw.<name>"`` and ``"bw.<name>"``.
    """

    def __init__(self, cell, n_in, n_hidden, random_state=None, scale=None, dtype=np.float64):
        rng = np.random.default_rng(random_state)
        self.n_hidden = n_hidden
        self.layers = {d: Recurrent(cell, n_in, n_hidden, return_sequences=True,
                                    random_state=rng, scale=scale, dtype=dtype)
                       for d in ("fw", "bw")}

    @property
    def params(self):
        return {f"{d}.{k}": v for d, layer in self.layers.items() for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{d}.{k}": v for d, layer in self.layers.items() for k, v in layer.grads.items()}

    def forward(self, x, mask=None):
        x = np.asarray(x)
        batch, steps, _ = x.shape
        lengths = _prefix_lengths(mask, batch, steps)
        t = np.arange(steps)
        # reverse each sequence's real part, leave its padding at the end (an involution)
        self._rev = np.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)
        self._real = (t < lengths[:, None])[..., None]
        m = None if mask is None else self._real[..., 0]
        fw = self.layers["fw"].forward(x, mask=m)
        bw = self.layers["bw"].forward(np.take_along_axis(x, self._rev[..., None], axis=1),
                                       mask=m)
        bw = np.take_along_axis(bw, self._rev[..., None], axis=1)
        return np.concatenate([fw, bw], axis=2) * self._real

    def backward(self, dout):
        """``dout (batch, Tx, 2 * n_hidden)`` -> ``dx (batch, Tx, n_in)``."""
        dout = dout * self._real
        n = self.n_hidden
        dx = self.layers["fw"].backward(dout[..., :n])
        dbw = self.layers["bw"].backward(np.take_along_axis(dout[..., n:], self._rev[..., None],
                                                            axis=1))
        return dx + np.take_along_axis(dbw, self._rev[..., None], axis=1)


def init_attention(n_a, n_s, n_energy=10, random_state=None, dtype=np.float64):
    """``{"W_1": (n_a + n_s, n_energy), "b_1", "W_2": (n_energy, 1), "b_2"}``, Glorot-uniform
    weights and zero biases (as Keras' Dense)."""
    rng = np.random.default_rng(random_state)
    params = {}
    for name, (n_in, n_out) in (("1", (n_a + n_s, n_energy)), ("2", (n_energy, 1))):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params[f"W_{name}"] = rng.uniform(-limit, limit, (n_in, n_out)).astype(dtype)
        params[f"b_{name}"] = np.zeros(n_out, dtype=dtype)
    return params


def attention_forward(a, s_prev, params, mask=None):
    """One attention step: ``a (batch, Tx, n_a)``, ``s_prev (batch, n_s)`` ->
    ``(context (batch, n_a), alpha (batch, Tx), cache)``; masked steps get weight 0."""
    n_a = a.shape[2]
    W_1 = params["W_1"]
    z = a @ W_1[:n_a] + (s_prev @ W_1[n_a:])[:, None, :] + params["b_1"]
    e = np.tanh(z)
    pre = (e @ params["W_2"])[..., 0] + params["b_2"][0]
    energy = np.maximum(pre, 0.0)
    if mask is not None:
        energy = np.where(mask, energy, -np.inf)
    alpha = softmax(energy, axis=1)
    context = np.einsum("bt,btd->bd", alpha, a)
    return context, alpha, (a, s_prev, e, pre, alpha, params)


def attention_backward(dcontext, cache, dalpha=None):
    """Gradients of one attention step given ``dcontext`` (and optionally ``dalpha``):
    ``{"da", "ds_prev", "dW_1", "db_1", "dW_2", "db_2"}``."""
    a, s_prev, e, pre, alpha, params = cache
    n_a = a.shape[2]
    W_1 = params["W_1"]
    g = np.einsum("bd,btd->bt", dcontext, a)
    if dalpha is not None:
        g = g + dalpha
    denergy = alpha * (g - np.sum(alpha * g, axis=1, keepdims=True))   # 0 where masked
    dpre = denergy * (pre > 0)
    de = dpre[..., None] * params["W_2"][:, 0]
    dz = de * (1.0 - e * e)
    dz_sum = dz.sum(axis=1)
    return {"da": alpha[..., None] * dcontext[:, None, :] + dz @ W_1[:n_a].T,
            "ds_prev": dz_sum @ W_1[n_a:].T,
            "dW_1": np.vstack([np.einsum("btd,btk->dk", a, dz), s_prev.T @ dz_sum]),
            "db_1": dz.sum(axis=(0, 1)),
            "dW_2": np.einsum("btk,bt->k", e, dpre)[:, None],
            "db_2": np.array([dpre.sum()])}


class AttentionDecoder:
    """Attention over encoder states, a recurrent cell and a `Dense` output, over Ty steps.

    Parameters
    ----------
    n_a : int
        Width of the encoder states.
    n_s : int
        Width of the decoder cell's state.
    n_out : int
        Output symbols; with `feed_previous`, index ``n_out`` of the previous-token input
        is the start symbol.
    feed_previous : bool
        The cell also reads the previous output token (a conditional language model).
    cell : {"rnn", "gru", "lstm"}
    n_energy : int
        Width of the attention's tanh layer.

    ``params``/``grads`` are flat dicts keyed ``"attn.W_1"``, ``"cell.W_f"``, ``"out.W"``...
    After `forward`, ``alphas_`` holds the attention weights ``(batch, Ty, Tx)``.
    """

    def __init__(self, n_a, n_s, n_out, feed_previous=True, cell="lstm", n_energy=10,
                 random_state=None, dtype=np.float64):
        rng = np.random.default_rng(random_state)
        self.n_a, self.n_s, self.n_out = n_a, n_s, n_out
        self.feed_previous = feed_previous
        self.n_in = n_a + (n_out + 1 if feed_previous else 0)
        self.dtype = np.dtype(dtype)
        self.attn = {"params": init_attention(n_a, n_s, n_energy, rng, dtype), "grads": {}}
        self.rnn = Recurrent(cell, self.n_in, n_s, random_state=rng, dtype=dtype)
        self.out = Dense(n_s, n_out, random_state=rng, dtype=dtype)
        self._step, self._step_back, self._has_c = CELLS[cell]

    def _parts(self):
        return {"attn": self.attn["params"], "cell": self.rnn.params, "out": self.out.params}

    @property
    def params(self):
        return {f"{p}.{k}": v for p, d in self._parts().items() for k, v in d.items()}

    @property
    def grads(self):
        grads = {"attn": self.attn["grads"], "cell": self.rnn.grads, "out": self.out.grads}
        return {f"{p}.{k}": v for p, d in grads.items() for k, v in d.items()}

    def initial_state(self, batch):
        """Zero ``(s, c)`` (``c`` is None for cells without a memory)."""
        zeros = np.zeros((batch, self.n_s), dtype=self.dtype)
        return zeros, (zeros.copy() if self._has_c else None)

    def _cell_input(self, context, prev):
        if not self.feed_previous:
            return context
        onehot = np.zeros((len(context), self.n_out + 1), dtype=self.dtype)
        onehot[np.arange(len(context)), prev] = 1.0
        return np.concatenate([context, onehot], axis=1)

    def step(self, a, mask, state, prev):
        """One decoding step for inference: ``prev (batch,)`` previous tokens (``n_out`` at
        the start) -> ``(log_probs (batch, n_out), new_state, alpha (batch, Tx))``."""
        s, c = state
        context, alpha, _ = attention_forward(a, s, self.attn["params"], mask)
        x = self._cell_input(context, prev)
        if self._has_c:
            s, c, _ = self._step(x, s, c, self.rnn.params)
        else:
            s, _ = self._step(x, s, self.rnn.params)
        logits = s @ self.out.params["W"] + self.out.params["b"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return log_probs, (s, c), alpha

    def forward(self, a, mask=None, targets=None, steps=None):
        """Teacher-forced logits ``(batch, Ty, n_out)``.

        With `feed_previous`, `targets` ``(batch, Ty)`` gives the tokens fed back (shifted
        right behind the start symbol); otherwise `steps` (or ``targets.shape[1]``) is Ty.
        """
        a = np.asarray(a, dtype=self.dtype)
        batch = a.shape[0]
        if targets is not None:
            targets = np.asarray(targets, dtype=np.int64)
            steps = targets.shape[1]
        elif self.feed_previous or steps is None:
            raise ValueError("a decoder that feeds back its outputs needs targets"
                             if self.feed_previous else "give targets or steps")
        s, c = self.initial_state(batch)
        self._caches, self._a, self._mask = [], a, mask
        states = np.empty((batch, steps, self.n_s), dtype=self.dtype)
        self.alphas_ = np.empty((batch, steps, a.shape[1]), dtype=self.dtype)
        for t in range(steps):
            context, alpha, acache = attention_forward(a, s, self.attn["params"], mask)
            prev = (np.full(batch, self.n_out) if t == 0 else targets[:, t - 1]) \
                if self.feed_previous else None
            x = self._cell_input(context, prev)
            if self._has_c:
                s, c, ccache = self._step(x, s, c, self.rnn.params)
            else:
                s, ccache = self._step(x, s, self.rnn.params)
            states[:, t] = s
            self.alphas_[:, t] = alpha
            self._caches.append((acache, ccache))
        return self.out.forward(states)

    def backward(self, dlogits):
        """``dlogits (batch, Ty, n_out)`` -> ``da (batch, Tx, n_a)``; fills ``grads``."""
        dstates = self.out.backward(dlogits)
        batch, steps, _ = dstates.shape
        self.rnn.grads = {k: np.zeros_like(v) for k, v in self.rnn.params.items()}
        agrads = {k: np.zeros_like(v) for k, v in self.attn["params"].items()}
        da = np.zeros_like(self._a)
        ds = np.zeros((batch, self.n_s), dtype=self.dtype)
        dc = np.zeros((batch, self.n_s), dtype=self.dtype) if self._has_c else None
        for t in reversed(range(steps)):
            acache, ccache = self._caches[t]
            ds = ds + dstates[:, t]
            if self._has_c:
                g = self._step_back(ds, dc, ccache)
                dc = g["dc_prev"]
            else:
                g = self._step_back(ds, ccache)
            for name, grad in self.rnn.grads.items():
                grad += g["d" + name]
            ga = attention_backward(g["dx"][:, :self.n_a], acache)
            for name, grad in agrads.items():
                grad += ga["d" + name]
            da += ga["da"]
            ds = g["dh_prev"] + ga["ds_prev"]
        self.attn["grads"] = agrads
        self._caches = []
        return da
