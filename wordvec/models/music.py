"""The course's jazz-solo LSTM ("Improvise a Jazz Solo with an LSTM Network") on `wordvec.nn`.

The corpus (the token sequences of `wordvec.music.tokens.read_corpus`, concatenated in
order) is cut into `n_windows` windows of `window` tokens at random starts. For a window
``w``, the input at step 0 is the zero vector and at step ``t`` the one-hot of ``w[t]``; the
target at step ``t`` is ``w[t + 1]``, and the last step has no target (the course's
``X[:, 0] = 0``, ``Y[:, -1] = 0``). One LSTM step (Keras' initialisers) shared over time,
then a dense softmax over the values; the loss of a batch is the per-step cross-entropy
averaged over the batch and summed over the steps, so it starts near
``(window - 1) * ln(n_values)``. Adam with the course's per-update decay:
``lr_t = learning_rate / (1 + decay * updates)``; batches of `batch_size`, shuffled every
epoch.

The values are the corpus's tokens sorted; past `max_values`, the rarest become ``<unk>``
(ties broken by sorted order), which sampling never draws. Layout: ``(batch, time,
n_values)``. With one BLAS thread (as `fit` runs), a seed gives the same model every time.

Examples
--------
>>> from wordvec.music.tokens import read_corpus
>>> corpus = read_corpus(["bach-chorales"], pieces=60)              # doctest: +SKIP
>>> model = MusicLSTM(random_state=0).fit(corpus)                   # doctest: +SKIP
>>> model.sample(50)[:3]                                            # doctest: +SKIP
['C,1.000', 'S,1.000,<M2,d-4>', 'C,1.000,<m2,P-4>']
"""

from collections import Counter
from pathlib import Path
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from .._estimator import ParamsMixin
from .._memory import check_memory
from .._progress import Progress
from ..errors import FormatError
from ..music.render import (
    chord_notes,
    copy_rate,
    decode,
    in_scale_rate,
    parse_token,
    pitch_class_l1,
)
from ..nn import Adam, Dense, Recurrent, softmax, softmax_cross_entropy
from ..nn.cells import lstm_cell_forward
from ..nn.serialize import check_field, finite_number, layer_arrays, restore_layers
from ..nn.serialize import load_model as _load_files
from ..nn.serialize import save_model as _save_files

UNK = "<unk>"
KINDS = ("grammar", "notes")


def _is_measure(chords):
    """Whether `chords` is one measure of a progression as `wordvec.music.tokens` makes it."""
    return isinstance(chords, list) and len(chords) > 0 and all(
        isinstance(c, list) and len(c) == 4 and finite_number(c[0]) and 0 <= c[0] < 4
        and isinstance(c[1], list) and c[1]
        and all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p < 128 for p in c[1])
        and isinstance(c[2], int) and 0 <= c[2] < 12 and isinstance(c[3], bool)
        for c in chords)


def vocabulary(sequences, max_values):
    """The sorted values of `sequences`; past `max_values`, the most frequent ``max_values -
    1`` (ties by sorted order) and ``<unk>`` for the rest."""
    counts = Counter(t for seq in sequences for t in seq)
    if len(counts) <= max_values:
        return sorted(counts)
    kept = sorted(counts, key=lambda t: (-counts[t], t))[:max_values - 1]
    return sorted(kept + [UNK])


class MusicLSTM(ParamsMixin):
    """LSTM -> dense -> softmax over the next musical value, trained on corpus windows.

    Parameters
    ----------
    hidden : int
        LSTM units (the course: 64).
    max_values : int
        The most values kept; the rest become ``<unk>`` (the course's corpus has 78).
    window : int
        Tokens per training window, Tx (the course: 30).
    n_windows : int
        Windows drawn from the corpus, m (the course: 60).
    epochs : int
        The course: 100.
    batch_size : int
        Keras' default, 32: two updates per epoch for 60 windows.
    learning_rate, decay : float
        Adam's rate at the start and its per-update decay (the course: 0.01 and 0.01).
    random_state : int, optional
        Seeds the windows, the initial weights and the shuffles.
    progress : bool
        Show the epochs on stderr when it is a terminal.
    """

    def __init__(self, hidden=64, max_values=78, window=30, n_windows=60, epochs=100,
                 batch_size=32, learning_rate=0.01, decay=0.01, random_state=None,
                 progress=False):
        self.hidden = hidden
        self.max_values = max_values
        self.window = window
        self.n_windows = n_windows
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.decay = decay
        self.random_state = random_state
        self.progress = progress

    def _build(self, rng):
        n = len(self.values_)
        self.lstm_ = Recurrent("lstm", n, self.hidden, return_sequences=True, random_state=rng)
        self.dense_ = Dense(self.hidden, n, random_state=rng)

    def _layers(self):
        return {"lstm": self.lstm_, "dense": self.dense_}

    def _params(self):
        return layer_arrays(self._layers())

    def n_parameters(self):
        """How many numbers the model learns (the course's 41,678 for 78 values, 64 units)."""
        return sum(v.size for v in self._params().values())

    def _validate(self):
        for name, low in (("hidden", 1), ("max_values", 2), ("window", 2), ("n_windows", 1),
                          ("epochs", 1), ("batch_size", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                    or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if not (finite_number(self.learning_rate) and self.learning_rate > 0):
            raise ValueError(f"learning_rate must be a finite number > 0, "
                             f"got {self.learning_rate!r}")
        if not (finite_number(self.decay) and self.decay >= 0):
            raise ValueError(f"decay must be a finite number >= 0, got {self.decay!r}")
        seed = self.random_state
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)
                                 or not 0 <= seed < 2**63):
            raise ValueError(f"random_state must be None or an integer >= 0, got {seed!r}")

    def fit(self, corpus):
        """Train on `corpus` (a `wordvec.music.tokens.Corpus`); returns self.

        Sets ``values_``, ``kind_``, ``sequences_`` (the training tokens), ``progression_``,
        ``pitch_classes_`` and ``loss_history_`` (the mean batch loss of every epoch).
        """
        self._validate()
        if corpus.kind not in KINDS:
            raise ValueError(f"corpus kind must be one of {', '.join(KINDS)}, "
                             f"got {corpus.kind!r}")
        tokens = [t for seq in corpus.sequences for t in seq]
        if len(tokens) <= self.window:
            raise ValueError(f"the corpus has {len(tokens)} tokens; a window of "
                             f"{self.window} needs at least {self.window + 1}")
        self.kind_ = corpus.kind
        self.sequences_ = [list(seq) for seq in corpus.sequences]
        self.progression_ = corpus.progression
        self.pitch_classes_ = list(corpus.pitch_classes)
        self.values_ = vocabulary(corpus.sequences, self.max_values)
        self.index_ = {v: i for i, v in enumerate(self.values_)}
        ids = self.encode(tokens)
        rng = np.random.default_rng(self.random_state)
        starts = rng.integers(0, len(ids) - self.window, size=self.n_windows)
        windows = ids[starts[:, None] + np.arange(self.window)]
        self._build(rng)
        params = self._params()
        opt = Adam(self.learning_rate, beta1=0.9, beta2=0.999, eps=1e-7)
        history = np.empty(self.epochs)
        with threadpool_limits(1, user_api="blas"), \
                Progress("music lstm", "epochs", self.epochs, self.progress) as bar:
            for epoch in range(self.epochs):
                order = rng.permutation(self.n_windows)
                total = 0.0
                for b in range(0, self.n_windows, self.batch_size):
                    batch = windows[order[b:b + self.batch_size]]
                    loss, grads = self._loss_and_grads(batch)
                    opt.lr = self.learning_rate / (1.0 + self.decay * opt.t)
                    opt.step(params, grads)
                    total += loss * len(batch)
                history[epoch] = total / self.n_windows
                bar.update(1, loss=history[epoch])
        self.loss_history_ = history
        return self

    def encode(self, tokens):
        """Value indices of `tokens` (unknown ones are ``<unk>`` when the model has it, else a
        `KeyError` naming the token)."""
        unk = self.index_.get(UNK)
        out = np.empty(len(tokens), dtype=np.int64)
        for i, t in enumerate(tokens):
            j = self.index_.get(t, unk)
            if j is None:
                raise KeyError(f"{t!r} is not one of the model's values")
            out[i] = j
        return out

    def _loss_and_grads(self, windows):
        """The loss of `windows` ``(batch, window)`` of value indices and its gradients."""
        batch, steps = windows.shape
        x = np.zeros((batch, steps, len(self.values_)))
        rows, cols = np.meshgrid(np.arange(batch), np.arange(1, steps), indexing="ij")
        x[rows, cols, windows[:, 1:]] = 1.0
        labels = np.zeros_like(windows)
        labels[:, :-1] = windows[:, 1:]
        mask = np.ones(windows.shape)
        mask[:, -1] = 0.0
        logits = self.dense_.forward(self.lstm_.forward(x))
        loss, dlogits = softmax_cross_entropy(logits, labels, mask)
        self.lstm_.backward(self.dense_.backward(dlogits / batch))
        return loss / batch, layer_arrays(self._layers(), "grads")

    def next_distributions(self, tokens):
        """``(len(tokens) + 1, n_values)``: the model's next-value probabilities after the zero
        input and after each of `tokens` in turn."""
        self._check_fitted()
        ids = self.encode(tokens)
        x = np.zeros((1, len(ids) + 1, len(self.values_)))
        x[0, np.arange(1, len(ids) + 1), ids] = 1.0
        with threadpool_limits(1, user_api="blas"):
            return softmax(self.dense_.forward(self.lstm_.forward(x)))[0]

    def sample(self, steps=50, temperature=None, top_k=None, primer=(), random_state=None):
        """`steps` values generated one at a time, each fed back in.

        Greedy (the course's) when `temperature` is None; else drawn from the softmax of
        ``logits / temperature``, from the `top_k` likeliest values only when given. The
        state starts at zero with a zero input, then reads the `primer` tokens (not
        returned). ``<unk>`` is never produced.
        """
        self._check_fitted()
        if steps < 1:
            raise ValueError(f"steps must be >= 1, got {steps}")
        if temperature is not None and not (finite_number(temperature) and temperature > 0):
            raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
        if top_k is not None and top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        rng = np.random.default_rng(random_state)
        n = len(self.values_)
        feed = list(self.encode(list(primer)))
        banned = self.index_.get(UNK)
        params = self.lstm_.params
        h = np.zeros((1, self.hidden))
        c = np.zeros((1, self.hidden))
        x = np.zeros((1, n))
        out = []
        with threadpool_limits(1, user_api="blas"):
            while len(out) < steps:
                h, c, _ = lstm_cell_forward(x, h, c, params)
                if feed:
                    ix = feed.pop(0)
                else:
                    logits = self.dense_.forward(h)[0]
                    if banned is not None:
                        logits[banned] = -np.inf
                    ix = self._pick(logits, temperature, top_k, rng)
                    out.append(self.values_[ix])
                x = np.zeros((1, n))
                x[0, ix] = 1.0
        return out

    @staticmethod
    def _pick(logits, temperature, top_k, rng):
        if temperature is None:
            return int(np.argmax(logits))
        if top_k is not None and top_k < len(logits):
            logits = logits.copy()
            logits[logits < np.partition(logits, -top_k)[-top_k]] = -np.inf
        return int(rng.choice(len(logits), p=softmax(logits / temperature)))

    def _check_fitted(self):
        if not hasattr(self, "values_"):
            raise ValueError("this MusicLSTM is not fitted yet; call fit first")

    def save(self, path):
        """Write the model folder `path` (``model.json`` + ``params.npz``), atomically."""
        self._check_fitted()
        params = {k: v for k, v in self.get_params().items() if k != "progress"}
        meta = {"kind": "music-lstm", "params": params, "tokens": self.kind_,
                "values": self.values_, "sequences": self.sequences_,
                "progression": self.progression_, "pitch_classes": self.pitch_classes_}
        _save_files(path, meta, {**self._params(), "loss_history": self.loss_history_})

    @classmethod
    def load(cls, path):
        """Read a model written by `save`; every field and array is checked (`FormatError`
        naming the file and entry)."""
        meta, arrays = _load_files(path, kind="music-lstm")
        params = check_field(path, meta, "params", dict)
        names = set(cls._param_names()) - {"progress"}
        if set(params) != names:
            raise FormatError(Path(path) / "model.json", f"params must have the keys "
                              f"{', '.join(sorted(names))}, got {', '.join(sorted(params))}")
        model = cls(**params)
        try:
            model._validate()
        except ValueError as exc:
            raise FormatError(Path(path) / "model.json", f"params: {exc}") from None
        model.kind_ = check_field(path, meta, "tokens", str, lambda v: v in KINDS,
                                  " or ".join(KINDS))
        model.values_ = check_field(
            path, meta, "values", list,
            lambda v: 2 <= len(v) <= model.max_values and all(isinstance(t, str) for t in v)
            and v == sorted(set(v)), f"a sorted list of 2 to {model.max_values} distinct strings")
        model.index_ = {v: i for i, v in enumerate(model.values_)}
        model.sequences_ = check_field(
            path, meta, "sequences", list,
            lambda v: all(isinstance(s, list) and all(isinstance(t, str) for t in s)
                          for s in v), "a list of token lists")
        model.progression_ = check_field(
            path, meta, "progression", list,
            lambda v: (model.kind_ == "notes" or v) and all(map(_is_measure, v)),
            "a list of measures, each a list of [offset, [MIDI pitches], root, major] chords")
        model.pitch_classes_ = check_field(
            path, meta, "pitch_classes", list,
            lambda v: len(v) == 12 and all(isinstance(k, int) and k >= 0 for k in v),
            "12 counts")
        n, h = len(model.values_), model.hidden
        check_memory(8 * (4 * h * (h + n + 1) + n * (h + 1)),
                     f"a music model of {h} units and {n} values needs 8 bytes x "
                     f"(4 x {h} x ({h} + {n} + 1) + {n} x ({h} + 1))")
        model._build(None)
        model.loss_history_ = restore_layers(path, arrays, model._layers(),
                                             loss_history=np.empty(model.epochs))["loss_history"]
        return model


class Solo(NamedTuple):
    """A generated solo: its `tokens`, its `melody` and the `chords` under it, both lists of
    notes ``(start, length, pitch)`` in quarter notes."""

    tokens: list
    melody: list
    chords: list


def improvise(model, steps=50, temperature=None, top_k=None, primer=(), random_state=None):
    """Sample `steps` values from `model` (see `MusicLSTM.sample`) and turn them into notes:
    grammar tokens against the training corpus's chord progression from its first measure
    (which is then the accompaniment), note tokens as they are."""
    rng = np.random.default_rng(random_state)
    tokens = model.sample(steps, temperature, top_k, primer, random_state=rng)
    if model.kind_ == "notes":
        return Solo(tokens, decode(tokens, random_state=rng), [])
    melody = decode(tokens, model.progression_, random_state=rng)
    beats = sum(parse_token(t)[1] for t in tokens)
    return Solo(tokens, melody, chord_notes(model.progression_, beats))


def solo_measures(model, solo):
    """How `solo` compares with the training corpus: the L1 distance between pitch-class
    histograms, the fraction of its notes in the current chord's scale (grammar only), the
    4-gram copy rate against the training tokens and how many distinct values it uses."""
    return {"notes": len(solo.melody),
            "pitch_class_l1": round(pitch_class_l1(solo.melody, model.pitch_classes_), 4)
            if solo.melody else None,
            "in_scale": round(in_scale_rate(solo.melody, model.progression_), 4)
            if solo.melody and model.kind_ == "grammar" else None,
            "copy_rate_4": round(copy_rate(solo.tokens, model.sequences_), 4)
            if len(solo.tokens) >= 4 else None,
            "distinct_values": len(set(solo.tokens))}
