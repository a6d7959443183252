"""Recurrent networks in plain numpy: cells, sequence layers, optimisers.

Layout
------
Every sequence is batch-first, ``(batch, time, features)``; a single step is
``(batch, features)``. Padded batches carry a ``mask`` of shape ``(batch, time)``, 1 for a
real step and 0 for padding; at a padded step the state is carried over unchanged, so the
"last" state of a sequence is the state after its last real step.

Cells (`wordvec.nn.cells`) are min-char-rnn style functions over a dict of parameters named
as in their equations (``W_f``, ``b_f``...); each weight multiplies the concatenation
``[h_prev, x]`` on the right, ``(batch, n_hidden + n_in) @ (n_hidden + n_in, n_hidden)``.
Layers (`wordvec.nn.layers`) hold ``params`` and, after ``backward``, ``grads`` with the same
keys; optimisers (`wordvec.nn.optim`) update such dicts in place. `wordvec.nn.attention`
holds the encoder-decoder pieces (`Bidirectional`, one-step attention, `AttentionDecoder`)
and `wordvec.nn.beam` beam search over any next-token step function.

Examples
--------
>>> import numpy as np
>>> from wordvec.nn import Recurrent
>>> layer = Recurrent("gru", n_in=3, n_hidden=4, random_state=0)
>>> layer.forward(np.ones((2, 5, 3))).shape          # last state of each sequence
(2, 4)
"""

from .attention import AttentionDecoder, Bidirectional
from .cells import CELLS
from .layers import Dense, Dropout, Embedding, Recurrent, softmax, softmax_cross_entropy
from .optim import SGD, Adam, clip_by_global_norm, clip_by_value

__all__ = ["CELLS", "SGD", "Adam", "AttentionDecoder", "Bidirectional", "Dense", "Dropout",
           "Embedding", "Recurrent", "clip_by_global_norm", "clip_by_value", "softmax",
           "softmax_cross_entropy"]
