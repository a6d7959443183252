"""A character-level language model over names (the course's Dinosaurus Island).

Each name is one training sequence: the input at step 0 is the zero vector, then the one-hot
characters of the name; the targets are the characters followed by a newline. One name per
step of SGD, gradients clipped by value, the hidden state starting at zero for every name
(as when sampling). The smoothed loss is the course's: it starts at ``-log(1/V) * 7`` and
moves by ``loss = 0.999 * loss + 0.001 * current`` (per-name loss summed over characters).

Sampling feeds each sampled character back in and stops at a newline or after
`max_length` characters.

Examples
--------
>>> model = CharLM(iterations=2000, random_state=0).fit(load_dinos())   # doctest: +SKIP
>>> model.sample(3, random_state=1)                                     # doctest: +SKIP
['tosaurus', 'amosaurus', 'lus']
"""

from importlib import resources
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .._estimator import ParamsMixin
from .._memory import check_memory
from .._progress import Progress
from ..errors import FormatError
from ..nn import SGD, Dense, Recurrent, clip_by_value, softmax, softmax_cross_entropy
from ..nn.cells import CELLS
from ..nn.serialize import check_field, finite_number, restore_layers
from ..nn.serialize import load_model as _load_files
from ..nn.serialize import save_model as _save_files

NEWLINE = "\n"
MAX_NAME = 1000   # characters of the longest name (dinosaur names have at most 26)


def _check_params(path, params):
    """`params` of a saved model, each checked as `fit` would (`FormatError` naming it)."""
    names = set(CharLM._param_names()) - {"progress"}
    if set(params) != names:
        raise FormatError(Path(path) / "model.json",
                          f"params must have the keys {', '.join(sorted(names))}, "
                          f"got {', '.join(sorted(params))}")
    check_field(path, params, "cell", str, lambda v: v in CELLS, f"one of {sorted(CELLS)}")
    for name in ("hidden", "iterations"):
        check_field(path, params, name, int, lambda v: v >= 1, "an integer >= 1")
    for name in ("learning_rate", "clip"):
        check_field(path, params, name, (int, float), lambda v: finite_number(v) and v > 0,
                    "a finite number > 0")
    check_field(path, params, "lowercase", bool)
    check_field(path, params, "random_state", (int, type(None)),
                lambda v: v is None or 0 <= v < 2**63, "None or an integer >= 0")
    return params


def read_names(text, path="<names>"):
    """Names from `text`, one per line (CRLF or LF); blank lines are skipped. A line longer
    than `MAX_NAME` characters is a `FormatError` naming `path` and the line: it is not a
    name, and one iteration over it would take as long as over thousands of names."""
    names = []
    for number, line in enumerate(text.splitlines(), 1):
        name = line.strip()
        if len(name) > MAX_NAME:
            raise FormatError(path, f"a line of {len(name):,} characters is not a name (at "
                                    f"most {MAX_NAME:,}; one name per line)", number)
        if name:
            names.append(name)
    return names


def load_dinos():
    """The course's 1,536 dinosaur names (`dinos.txt`, shipped with wordvec)."""
    return read_names(resources.files("wordvec.data").joinpath("dinos.txt")
                      .read_text(encoding="utf-8"))


class CharLM(ParamsMixin):
    """Character RNN/GRU/LSTM -> dense -> softmax over the next character.

    Parameters
    ----------
    cell : {"rnn", "gru", "lstm"}
    hidden : int
        Units of the recurrent cell (the course: 50).
    iterations : int
        SGD steps, one name each, cycling through the shuffled names (the course: 35,000).
    learning_rate : float
        The course: 0.01.
    clip : float
        Every gradient is clipped into ``[-clip, clip]`` (the course: 5).
    lowercase : bool
        Lower-case the names first (the course does).
    random_state : int, optional
        Seeds the initial weights (``0.01 * standard normal``) and the shuffle.
    progress : bool
        Show the iterations on stderr when it is a terminal.
    """

    def __init__(self, cell="rnn", hidden=50, iterations=35000, learning_rate=0.01, clip=5.0,
                 lowercase=True, random_state=None, progress=False):
        self.cell = cell
        self.hidden = hidden
        self.iterations = iterations
        self.learning_rate = learning_rate
        self.clip = clip
        self.lowercase = lowercase
        self.random_state = random_state
        self.progress = progress

    def _init_params(self):
        """The constructor's parameters a saved model keeps (all but progress)."""
        return {k: v for k, v in self.get_params().items() if k != "progress"}

    def _build(self, rng):
        n = len(self.vocab_)
        self.rnn_ = Recurrent(self.cell, n, self.hidden, return_sequences=True,
                              random_state=rng, scale=0.01)
        self.dense_ = Dense(self.hidden, n, random_state=rng, scale=0.01)

    def _params(self):
        return {**{f"rnn.{k}": v for k, v in self.rnn_.params.items()},
                **{f"dense.{k}": v for k, v in self.dense_.params.items()}}

    def _check_memory(self):
        """`MemoryError` before `_build` when the weights of `hidden` units over `vocab_`
        (at most 4 gates' worth, an LSTM's) would not fit in the memory available."""
        n, h = len(self.vocab_), self.hidden
        check_memory(8 * (4 * h * (h + n + 1) + n * (h + 1)),
                     f"a {self.cell} model of {h} hidden units needs 8 bytes x "
                     f"(4 x {h} x ({h} + {n} + 1) + {n} x ({h} + 1))")

    def fit(self, names):
        """Train on `names` (list of str); returns self. ``loss_history_`` holds the smoothed
        loss after every iteration."""
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {self.cell!r}")
        if self.iterations < 1:
            raise ValueError(f"iterations must be >= 1, got {self.iterations}")
        names = [n.lower() if self.lowercase else n for n in names]
        names = [n for n in names if n]
        if not names:
            raise ValueError("no names to train on")
        if any(NEWLINE in n for n in names):
            raise ValueError("names must not contain newlines")
        longest = max(names, key=len)
        if len(longest) > MAX_NAME:
            raise ValueError(f"names must have at most {MAX_NAME:,} characters, got one of "
                             f"{len(longest):,}: {longest[:20]!r}...")
        self.vocab_ = [NEWLINE] + sorted(set("".join(names)))
        self.char_to_ix_ = {c: i for i, c in enumerate(self.vocab_)}
        self.names_ = names
        self._check_memory()
        rng = np.random.default_rng(self.random_state)
        self._build(rng)
        examples = [np.array([self.char_to_ix_[c] for c in n]) for n in names]
        examples = [examples[i] for i in rng.permutation(len(examples))]
        params = self._params()
        opt = SGD(self.learning_rate)
        smooth = -np.log(1.0 / len(self.vocab_)) * 7
        history = np.empty(self.iterations)
        with threadpool_limits(1, user_api="blas"), \
                Progress(f"charlm {self.cell}", "names", self.iterations, self.progress) as bar:
            for j in range(self.iterations):
                loss, grads = self._loss_and_grads(examples[j % len(examples)])
                opt.step(params, clip_by_value(grads, self.clip))
                smooth = 0.999 * smooth + 0.001 * loss
                history[j] = smooth
                if j % 100 == 99:
                    bar.update(100, loss=smooth)
            bar.update(self.iterations % 100, loss=smooth)
        self.loss_history_ = history
        return self

    def _loss_and_grads(self, ix):
        """Summed loss of one name (character indices `ix`) and the gradients of `_params`."""
        x = np.zeros((1, len(ix) + 1, len(self.vocab_)))
        x[0, np.arange(1, len(ix) + 1), ix] = 1.0
        y = np.append(ix, 0)[None]               # the name's characters, then the newline
        logits = self.dense_.forward(self.rnn_.forward(x))
        loss, dlogits = softmax_cross_entropy(logits, y)
        self.rnn_.backward(self.dense_.backward(dlogits))
        return loss, {**{f"rnn.{k}": g for k, g in self.rnn_.grads.items()},
                      **{f"dense.{k}": g for k, g in self.dense_.grads.items()}}

    def sample(self, n=10, temperature=1.0, max_length=50, random_state=None):
        """`n` names drawn one character at a time.

        Each name ends at the first sampled newline (not included) or after `max_length`
        characters. `temperature` divides the logits: below 1 is more conservative.
        """
        if not hasattr(self, "vocab_"):
            raise ValueError("this CharLM is not fitted yet; call fit first")
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        if max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {max_length}")
        rng = np.random.default_rng(random_state)
        step, _, has_c = CELLS[self.cell]
        params = self.rnn_.params
        n_vocab = len(self.vocab_)
        out = []
        with threadpool_limits(1, user_api="blas"):
            for _ in range(n):
                x = np.zeros((1, n_vocab))
                h = np.zeros((1, self.hidden))
                c = np.zeros((1, self.hidden))
                chars = []
                while len(chars) < max_length:
                    if has_c:
                        h, c, _ = step(x, h, c, params)
                    else:
                        h, _ = step(x, h, params)
                    p = softmax(self.dense_.forward(h)[0] / temperature)
                    ix = rng.choice(n_vocab, p=p)
                    if ix == 0:
                        break
                    chars.append(self.vocab_[ix])
                    x = np.zeros((1, n_vocab))
                    x[0, ix] = 1.0
                out.append("".join(chars))
        return out

    def save(self, path):
        """Write the model folder `path` (``model.json`` + ``params.npz``), atomically."""
        if not hasattr(self, "vocab_"):
            raise ValueError("this CharLM is not fitted yet; call fit first")
        meta = {"kind": "charlm", "params": self._init_params(), "vocab": self.vocab_,
                "names": self.names_}
        _save_files(path, meta, {**self._params(), "loss_history": self.loss_history_})

    @classmethod
    def load(cls, path):
        """Read a model written by `save`; every field and array is checked (`FormatError`
        naming the file and entry)."""
        meta, arrays = _load_files(path, kind="charlm")
        params = check_field(path, meta, "params", dict)
        model = cls(**_check_params(path, params))
        model.vocab_ = check_field(
            path, meta, "vocab", list,
            lambda v: len(v) >= 2 and v[0] == NEWLINE and len(set(v)) == len(v)
            and all(isinstance(c, str) and len(c) == 1 for c in v),
            "a list of distinct characters starting with a newline")
        model.char_to_ix_ = {c: i for i, c in enumerate(model.vocab_)}
        model.names_ = check_field(path, meta, "names", list,
                                   lambda v: all(isinstance(n, str) for n in v),
                                   "a list of strings")
        model._check_memory()
        model._build(None)
        model.loss_history_ = restore_layers(
            path, arrays, {"rnn": model.rnn_, "dense": model.dense_},
            loss_history=np.empty(model.iterations))["loss_history"]
        return model
