"""Layers: `Embedding` (from a `Vectors`), `Recurrent` (RNN/GRU/LSTM over time), `Dense`,
`Dropout`, and the softmax cross-entropy loss.

A layer holds ``params`` (a dict of arrays); ``forward`` remembers what ``backward`` needs;
``backward(dout)`` fills ``grads`` (same keys as ``params``) and returns the gradient with
respect to the layer's input. Shapes are batch-first, see `wordvec.nn`.

Examples
--------
>>> import numpy as np
>>> from wordvec.nn.layers import Dense, softmax_cross_entropy
>>> dense = Dense(4, 3, random_state=0)
>>> loss, dlogits = softmax_cross_entropy(dense.forward(np.ones((2, 4))), np.array([0, 2]))
>>> dense.backward(dlogits).shape, sorted(dense.grads)
((2, 4), ['W', 'b'])
"""

import numpy as np

from .cells import CELLS, init_params


def softmax(logits, axis=-1):
    """Softmax along `axis`, shifted by the maximum so that it never overflows."""
    e = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_cross_entropy(logits, labels, mask=None):
    """Summed cross-entropy of integer `labels` under ``softmax(logits)``, and its gradient.

    Parameters
    ----------
    logits : ndarray, shape (..., n_classes)
    labels : int ndarray, shape (...)
    mask : ndarray, shape (...), optional
        1 where a position counts, 0 for padding.

    Returns
    -------
    loss : float
        The sum over all (unmasked) positions; divide by the batch size for a mean.
    dlogits : ndarray, shape (..., n_classes)
        The gradient of that sum.
    """
    p = softmax(logits)
    labels = np.asarray(labels)
    picked = np.take_along_axis(p, labels[..., None], axis=-1)[..., 0]
    nll = -np.log(np.maximum(picked, 1e-300))
    dlogits = p.copy()
    np.put_along_axis(dlogits, labels[..., None], picked[..., None] - 1.0, axis=-1)
    if mask is not None:
        mask = np.asarray(mask, dtype=p.dtype)
        nll = nll * mask
        dlogits *= mask[..., None]
    return float(nll.sum()), dlogits


class Recurrent:
    """A recurrent layer over ``(batch, time, n_in)`` with full backpropagation through time.

    Parameters
    ----------
    cell : {"rnn", "gru", "lstm"}
    n_in, n_hidden : int
    return_sequences : bool
        `forward` returns every state ``(batch, time, n_hidden)`` instead of the last
        ``(batch, n_hidden)``.
    random_state : int or numpy Generator, optional
    scale : float, optional
        See `wordvec.nn.cells.init_params`.
    dtype : numpy dtype
        Of the parameters and the computation (float64 by default; float32 is about twice
        as fast).
    """

    def __init__(self, cell, n_in, n_hidden, return_sequences=False, random_state=None,
                 scale=None, dtype=np.float64):
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
        self.cell = cell
        self.n_hidden = n_hidden
        self.return_sequences = return_sequences
        self.dtype = np.dtype(dtype)
        self.params = init_params(cell, n_in, n_hidden, random_state, scale, self.dtype)
        self.grads = {}
        self._step, self._step_back, self._has_c = CELLS[cell]

    def forward(self, x, mask=None, h0=None, c0=None):
        """Run the sequence; `mask` ``(batch, time)`` marks real steps (see `wordvec.nn`)."""
        x = np.asarray(x, dtype=self.dtype)
        batch, steps, _ = x.shape
        zeros = np.zeros((batch, self.n_hidden), dtype=self.dtype)
        h = zeros if h0 is None else h0
        c = (zeros if c0 is None else c0) if self._has_c else None
        states = np.empty((batch, steps, self.n_hidden), dtype=self.dtype)
        self._caches = []
        self._mask = None if mask is None else np.asarray(mask, dtype=bool)
        for t in range(steps):
            if self._has_c:
                h_new, c_new, cache = self._step(x[:, t], h, c, self.params)
            else:
                h_new, cache = self._step(x[:, t], h, self.params)
            if self._mask is not None:
                m = self._mask[:, t, None]
                h_new = np.where(m, h_new, h)
                if self._has_c:
                    c_new = np.where(m, c_new, c)
            h = h_new
            if self._has_c:
                c = c_new
            states[:, t] = h
            self._caches.append(cache)
        self._shape = x.shape
        self.last_c = c
        return states if self.return_sequences else h

    def backward(self, dout):
        """Backpropagate through time; returns ``dx`` ``(batch, time, n_in)``.

        The gradients reaching the initial states are left in ``dh0`` (and ``dc0``).
        """
        batch, steps, n_in = self._shape
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        dx = np.empty(self._shape, dtype=self.dtype)
        dh = np.zeros((batch, self.n_hidden), dtype=self.dtype)
        dc = np.zeros((batch, self.n_hidden), dtype=self.dtype) if self._has_c else None
        if not self.return_sequences:
            dh = dh + dout
        for t in reversed(range(steps)):
            if self.return_sequences:
                dh = dh + dout[:, t]
            if self._mask is not None:
                m = self._mask[:, t, None]
                dh_carry, dh = np.where(m, 0.0, dh), np.where(m, dh, 0.0)
                if self._has_c:
                    dc_carry, dc = np.where(m, 0.0, dc), np.where(m, dc, 0.0)
            if self._has_c:
                g = self._step_back(dh, dc, self._caches[t])
                dc = g["dc_prev"]
            else:
                g = self._step_back(dh, self._caches[t])
            dh = g["dh_prev"]
            if self._mask is not None:
                dh = dh + dh_carry
                if self._has_c:
                    dc = dc + dc_carry
            dx[:, t] = g["dx"]
            for name, grad in self.grads.items():
                grad += g["d" + name]
        self.dh0, self.dc0 = dh, dc
        self._caches = []
        return dx


class Dense:
    """``y = x W + b`` over the last axis of ``(..., n_in)``.

    Glorot-uniform weights by default; ``scale * standard normal`` with `scale`.
    """

    def __init__(self, n_in, n_out, random_state=None, scale=None, dtype=np.float64):
        rng = np.random.default_rng(random_state)
        if scale is None:
            limit = np.sqrt(6.0 / (n_in + n_out))
            w = rng.uniform(-limit, limit, (n_in, n_out))
        else:
            w = scale * rng.standard_normal((n_in, n_out))
        self.params = {"W": w.astype(dtype), "b": np.zeros(n_out, dtype=dtype)}
        self.grads = {}

    def forward(self, x):
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        n_in, n_out = self.params["W"].shape
        x2 = self._x.reshape(-1, n_in)
        d2 = dout.reshape(-1, n_out)
        self.grads = {"W": x2.T @ d2, "b": d2.sum(axis=0)}
        return dout @ self.params["W"].T


class Dropout:
    """Inverted dropout: at training time zero a fraction `rate` and scale the rest up."""

    def __init__(self, rate, random_state=None):
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate = rate
        self.rng = np.random.default_rng(random_state)
        self.params, self.grads = {}, {}

    def forward(self, x, training=True):
        if not training or self.rate == 0.0:
            self._keep = None
            return x
        keep = (self.rng.random(x.shape) >= self.rate) / (1.0 - self.rate)
        self._keep = keep.astype(x.dtype, copy=False)
        return x * self._keep

    def backward(self, dout):
        return dout if self._keep is None else dout * self._keep


class Embedding:
    """Look words up in a `Vectors` store by index.

    Index 0 is padding (always the zero vector), 1 stands for every unknown word, and
    ``2 + i`` is row ``i`` of the store. A frozen embedding reads the store's rows directly
    (unknown words get the zero vector); a trainable one copies them into ``params["E"]``
    ``(2 + n_words, dim)`` (unknown row starting at zero), so pass a store restricted to
    the vocabulary you need (`Vectors.subset`).
    """

    PAD, UNK = 0, 1

    def __init__(self, vectors, trainable=False):
        self.vectors = vectors
        self.trainable = trainable
        self.params, self.grads = {}, {}
        if trainable:
            self.params["E"] = np.vstack([np.zeros((2, vectors.dim)),
                                          np.asarray(vectors.vectors, dtype=np.float64)])

    def encode(self, sentences):
        """Token lists -> ``(ids, mask)``, both ``(batch, longest)``, padded with 0 at the end."""
        longest = max((len(s) for s in sentences), default=0)
        ids = np.zeros((len(sentences), longest), dtype=np.int64)
        index = self.vectors.key_to_index
        for row, tokens in enumerate(sentences):
            ids[row, :len(tokens)] = [index.get(w, -1) + 2 for w in tokens]
        return ids, ids != self.PAD

    def forward(self, ids):
        """``ids`` (any int shape) -> ``ids.shape + (dim,)`` float64."""
        ids = np.asarray(ids, dtype=np.int64)
        self._ids = ids
        if self.trainable:
            return np.take(self.params["E"], ids, axis=0)
        # Fancy indexing, not np.take: take copies a Fortran-ordered matrix (GloVe 6B as
        # shipped is one) into C order first, 60 ms per call instead of 0.1 ms.
        out = self.vectors.vectors[np.maximum(ids - 2, 0)].astype(np.float64)
        out[ids < 2] = 0.0
        return out

    def backward(self, dout):
        """Accumulate row gradients (trainable only); returns None (ids have no gradient)."""
        if self.trainable:
            grad = np.zeros_like(self.params["E"])
            np.add.at(grad, self._ids.ravel(), dout.reshape(-1, grad.shape[1]))
            grad[self.PAD] = 0.0
            self.grads = {"E": grad}
        return None
