"""Optimisers and gradient clipping over dicts of arrays.

``step(params, grads)`` updates every ``params[k]`` in place from ``grads[k]``; keys present
in `params` but missing from `grads` (frozen parts) are left alone.

Examples
--------
>>> import numpy as np
>>> params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([10.0, -0.5])}
>>> SGD(lr=0.1).step(params, clip_by_value(grads, 5.0))
>>> params["w"].tolist()
[0.5, 2.05]
"""

import numpy as np


def clip_by_value(grads, max_value):
    """Clip every gradient into ``[-max_value, max_value]`` in place (the course's `clip`)."""
    if max_value <= 0:
        raise ValueError(f"max_value must be > 0, got {max_value}")
    for g in grads.values():
        np.clip(g, -max_value, max_value, out=g)
    return grads


def clip_by_global_norm(grads, max_norm):
    """Scale all gradients in place so that their joint L2 norm is at most `max_norm`.

    Returns the norm before clipping.
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


class SGD:
    """Plain gradient descent: ``p -= lr * g``."""

    def __init__(self, lr=0.01):
        if lr <= 0:
            raise ValueError(f"learning rate must be > 0, got {lr}")
        self.lr = lr

    def step(self, params, grads):
        for key, g in grads.items():
            params[key] -= self.lr * g


class Adam:
    """Adam (Kingma & Ba) with bias correction; the moments are kept per parameter key."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        if lr <= 0:
            raise ValueError(f"learning rate must be > 0, got {lr}")
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m, self.v = {}, {}

    def step(self, params, grads):
        self.t += 1
        scale = self.lr * np.sqrt(1.0 - self.beta2 ** self.t) / (1.0 - self.beta1 ** self.t)
        for key, g in grads.items():
            if key not in self.m:
                self.m[key] = np.zeros_like(g)
                self.v[key] = np.zeros_like(g)
            m, v = self.m[key], self.v[key]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            params[key] -= scale * m / (np.sqrt(v) + self.eps)
