"""Emojify: pick the emoji for a sentence from its word vectors (the course's V1 and V2).

`EmojifierMean` averages the sentence's word vectors and applies a softmax layer;
`EmojifierLSTM` reads them through frozen embedding -> LSTM(128) -> dropout 0.5 ->
LSTM(128) -> dropout 0.5 -> dense(5) -> softmax. Both follow scikit-learn:
``fit(sentences, labels)``, ``predict``, ``predict_proba``, ``score``, ``classes_``.

Words are lower-cased and split on whitespace (the course's ``lower().split()``).
Unknown words are not an error: they take the embedding's unknown row, the zero vector
(they count in the mean's denominator; for the LSTM they are zero input steps). A sentence
with no words raises ValueError.

As in the course's Keras model, the LSTM reads every sentence padded with zero vectors to
``max_len_`` words (the longest training sentence; a longer sentence to its own length) and
runs over the padding without a mask, so its answer is read a fixed number of steps after
the start. Measured on GloVe 6B 50d over seeds 0-4: test accuracy median 0.875 this way,
0.73 with masks (reading the state right after the last word), see
`benchmarks/report_emojify.py`.

A saved model (a folder: ``model.json`` + ``params.npz``) keeps its own weights and the path
of the vector store it was trained on, never a copy of the store; `load` reads that path
again unless given ``vectors=``. Words the model never saw in training still get their
vectors that way, which is the point of pretrained embeddings.

Examples
--------
>>> from wordvec.pretrained import glove_6b_50d                    # doctest: +SKIP
>>> X, y = load_emoji_data("train")                                  # doctest: +SKIP
>>> model = EmojifierMean(glove_6b_50d(), random_state=0).fit(X, y)  # doctest: +SKIP
>>> label_to_emoji(model.predict(["I adore you"])[0])                # doctest: +SKIP
'❤️'
"""

import csv
import hashlib
import io
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .._estimator import ParamsMixin
from .._memory import check_memory
from .._progress import Progress
from ..errors import FormatError
from ..nn import Adam, Dense, Dropout, Embedding, Recurrent, softmax, softmax_cross_entropy
from ..nn.serialize import check_arrays, check_field, finite_number
from ..nn.serialize import load_model as _load_files
from ..nn.serialize import save_model as _save_files
from ..store import Vectors

EMOJIS = ("❤️", "⚾", "😄", "😞", "🍴")
EMOJI_NAMES = ("heart", "baseball", "smile", "disappointed", "fork_and_knife")


def label_to_emoji(label):
    """0 ❤️ heart, 1 ⚾ baseball, 2 😄 smile, 3 😞 disappointed, 4 🍴 fork and knife."""
    return EMOJIS[int(label)]


def load_emoji_data(split="train"):
    """The course's data that ships with wordvec: ``(sentences, labels)``.

    ``split="train"`` is `train_emoji.csv` (132 sentences), ``"test"`` is `tesss.csv` (56).
    """
    files = {"train": "train_emoji.csv", "test": "tesss.csv"}
    if split not in files:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    text = resources.files("wordvec.data").joinpath(files[split]).read_text(encoding="utf-8")
    return _read_labelled(io.StringIO(text), files[split])


def read_emoji_csv(path):
    """``(sentences, labels)`` from a CSV in the course's format: ``sentence,label`` rows,
    labels 0-4 (see `label_to_emoji`), further columns ignored; `FormatError` naming the line.

    >>> X, y = read_emoji_csv("my_sentences.csv")   # doctest: +SKIP
    """
    from .._lines import decode_utf8

    with open(path, "rb") as f:
        text = decode_utf8(f.read(), path, bom=True)
    return _read_labelled(io.StringIO(text, newline=""), path)


def _read_labelled(stream, path):
    sentences, labels = [], []
    rows = csv.reader(stream)
    for row in _csv_rows(rows, path):
        if not any(field.strip() for field in row):
            continue
        sentence, label = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
        if not sentence:
            raise FormatError(path, "the sentence (first column) is empty", rows.line_num)
        if label not in {str(i) for i in range(len(EMOJIS))}:
            raise FormatError(path, f"the label (second column) must be 0-{len(EMOJIS) - 1}, "
                                    f"got {label!r}", rows.line_num)
        sentences.append(sentence)
        labels.append(int(label))
    if not sentences:
        raise FormatError(path, "no labelled sentences")
    return sentences, np.array(labels, dtype=np.int64)


def _csv_rows(rows, path):
    """The rows of the `csv.reader` `rows`, a malformed one (such as a field of more than
    csv's limit, 128K characters) a `FormatError` naming `path` and the line."""
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FormatError(path, f"not a sentence,label row ({exc})",
                              rows.line_num) from None


def tokenize(sentence):
    """``sentence.lower().split()``."""
    return sentence.lower().split()


def _tokens(sentences):
    if isinstance(sentences, str):
        raise TypeError("sentences must be a list of strings, not a single string")
    out = []
    for i, s in enumerate(sentences):
        words = tokenize(s)
        if not words:
            raise ValueError(f"sentence {i} is empty: {s!r}")
        out.append(words)
    return out


def _fingerprint(vectors, words):
    """``(words, hash)``: up to 50 of `words` and a hash of their rounded vectors in `vectors`,
    so that `load` notices a different store."""
    known = sorted(w for w in set(words) if w in vectors)[:50]
    rows = np.round(vectors.vectors[vectors.indices(known)].astype(np.float64), 3)
    rows += 0.0                                    # -0.0 -> 0.0
    digest = hashlib.sha1(("\n".join(known)).encode() + rows.tobytes()).hexdigest()[:16]
    return known, digest


class _Emojifier(ParamsMixin):
    """What both models share: vectors, fit bookkeeping, predict, score, save/load."""

    kind = None

    def _init_params(self):
        """The constructor's parameters a saved model keeps (not the vectors, nor progress)."""
        return {k: v for k, v in self.get_params().items() if k not in ("vectors", "progress")}

    def _resolve_vectors(self):
        if isinstance(self.vectors, Vectors):
            return self.vectors, None
        if isinstance(self.vectors, (str, Path)):
            from ..io import PRETRAINED, load

            path = Path(self.vectors)
            # a packaged-vectors name stays a name; a real path is kept absolute
            packaged = str(path) in PRETRAINED and not path.exists()
            where = str(path) if packaged else str(path.resolve())
            return load(self.vectors), where
        raise TypeError(f"vectors must be a Vectors or a path, got {type(self.vectors).__name__}")

    def fit(self, sentences, labels):
        """Train on `sentences` (list of str) and integer or string `labels`; returns self."""
        tokens = _tokens(sentences)
        labels = np.asarray(labels)
        if len(labels) != len(tokens):
            raise ValueError(f"{len(tokens)} sentences but {len(labels)} labels")
        self.vectors_, self.vectors_path_ = self._resolve_vectors()
        self.classes_, y = np.unique(labels, return_inverse=True)
        self.rng_ = np.random.default_rng(self.random_state)
        self.embedding_ = Embedding(self.vectors_)
        self.fingerprint_ = _fingerprint(self.vectors_, [w for s in tokens for w in s])
        self.loss_history_ = []
        self._build(len(self.classes_))
        with threadpool_limits(1, user_api="blas"), \
                Progress(type(self).__name__, "epochs", self.epochs, self.progress) as bar:
            self._train(tokens, y, bar)   # small matrices: BLAS threads only cost time
        return self

    def _check_fitted(self):
        if not hasattr(self, "classes_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet; call fit first")

    def predict_proba(self, sentences):
        """Class probabilities ``(n_sentences, n_classes)``, columns in `classes_` order."""
        self._check_fitted()
        with threadpool_limits(1, user_api="blas"):
            return softmax(self._logits(_tokens(sentences), training=False))

    def predict(self, sentences):
        """The most probable label of each sentence."""
        self._check_fitted()
        return self.classes_[np.argmax(self.predict_proba(sentences), axis=1)]

    def score(self, sentences, labels):
        """Accuracy on `sentences` against `labels`."""
        return float(np.mean(self.predict(sentences) == np.asarray(labels)))

    # ------------------------------------------------------------------ files
    def save(self, path):
        """Write the model folder `path` (``model.json`` + ``params.npz``), atomically."""
        self._check_fitted()
        meta = {"kind": self.kind, "params": self._init_params(),
                "classes": self.classes_.tolist(), "vectors_path": self.vectors_path_,
                "dim": self.vectors_.dim, "fingerprint": self.fingerprint_,
                "loss_history": [float(x) for x in self.loss_history_], **self._save_extra()}
        _save_files(path, meta, self._arrays())

    @classmethod
    def _from_meta(cls, meta, arrays, vectors, path):
        model = cls(vectors, **meta["params"])
        model.vectors_ = vectors
        model.vectors_path_ = meta["vectors_path"]
        model.classes_ = np.array(meta["classes"])
        model.fingerprint_ = meta["fingerprint"]
        model.loss_history_ = meta["loss_history"]
        if "max_len" in meta:
            model.max_len_ = meta["max_len"]
        model.embedding_ = Embedding(vectors)
        h, d, k = getattr(model, "hidden", 0), meta["dim"], len(model.classes_)
        check_memory(4 * (4 * h * (3 * h + d + 2) + (h or d) * k),
                     f"an Emojify model of {h} hidden units needs 4 bytes x (4 x {h} x (3 x {h} "
                     f"+ {d} + 2) + {h or d} x {k})")
        model._build(k)
        check_arrays(path, arrays, model._arrays())
        model._set_arrays(arrays)
        return model


def load(path, vectors=None):
    """Read a model saved by ``.save(path)``.

    `vectors` (a `Vectors` or a path) overrides the store path recorded at training time;
    one of the two is needed to look words up.
    """
    from ..io import load as load_vectors

    meta, arrays = _load_files(path, kind=("emojify-mean", "emojify-lstm"))
    _check_meta(path, meta)
    if vectors is None:
        if meta["vectors_path"] is None:
            raise ValueError(f"{path}: the model was trained on an in-memory store; "
                             "pass the vectors (--vectors)")
        vectors = meta["vectors_path"]
    if not isinstance(vectors, Vectors):
        vectors = load_vectors(vectors)
    if vectors.dim != meta["dim"]:
        raise ValueError(f"{path}: the model needs {meta['dim']}-dimensional vectors, "
                         f"got {vectors.dim}")
    cls = {"emojify-mean": EmojifierMean, "emojify-lstm": EmojifierLSTM}[meta["kind"]]
    words, digest = meta["fingerprint"]
    if _fingerprint(vectors, words)[1] != digest:
        warnings.warn(f"{path}: these vectors differ from the ones the model was trained on",
                      stacklevel=2)
    return cls._from_meta(meta, arrays, vectors, path)


def _check_meta(path, meta):
    """`FormatError` naming model.json and the field of the first malformed value."""
    cls = {"emojify-mean": EmojifierMean, "emojify-lstm": EmojifierLSTM}[meta["kind"]]
    params = check_field(path, meta, "params", dict)
    names = set(cls._param_names()) - {"vectors", "progress"}
    if set(params) != names:
        raise FormatError(Path(path) / "model.json",
                          f"params must have the keys {', '.join(sorted(names))}, "
                          f"got {', '.join(sorted(params))}")
    positive = (lambda v: v >= 1, "an integer >= 1")
    for name in ("epochs", "hidden", "batch_size"):
        if name in names:
            check_field(path, params, name, int, *positive)
    check_field(path, params, "learning_rate", (int, float),
                lambda v: finite_number(v) and v > 0, "a finite number > 0")
    if "dropout" in names:
        check_field(path, params, "dropout", (int, float),
                    lambda v: finite_number(v) and 0 <= v < 1, "a number in [0, 1)")
    check_field(path, params, "random_state", (int, type(None)),
                lambda v: v is None or 0 <= v < 2**63, "None or an integer >= 0")
    check_field(path, meta, "classes", list,
                lambda v: v and len(set(map(repr, v))) == len(v)
                and all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in v),
                "a list of distinct labels")
    check_field(path, meta, "vectors_path", (str, type(None)))
    check_field(path, meta, "dim", int, *positive)
    check_field(path, meta, "fingerprint", list,
                lambda v: len(v) == 2 and isinstance(v[0], list) and isinstance(v[1], str)
                and all(isinstance(w, str) for w in v[0]), "[words, hash]")
    check_field(path, meta, "loss_history", list,
                lambda v: all(finite_number(x) for x in v), "a list of finite numbers")
    if cls is EmojifierLSTM:
        check_field(path, meta, "max_len", int, *positive)


class EmojifierMean(_Emojifier):
    """Average of the word vectors -> dense -> softmax, trained by SGD one sentence at a time.

    Parameters
    ----------
    vectors : Vectors or path
    learning_rate : float
        The course uses 0.01.
    epochs : int
        The course uses 400.
    random_state : int, optional
    progress : bool
        Show the epochs on stderr when it is a terminal.
    """

    kind = "emojify-mean"

    def __init__(self, vectors, learning_rate=0.01, epochs=400, random_state=None,
                 progress=False):
        self.vectors = vectors
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.random_state = random_state
        self.progress = progress

    def _build(self, n_classes):
        self.dense_ = Dense(self.vectors_.dim, n_classes,
                            random_state=np.random.default_rng(self.random_state))

    def _average(self, tokens):
        ids, mask = self.embedding_.encode(tokens)
        return self.embedding_.forward(ids).sum(axis=1) / mask.sum(axis=1, keepdims=True)

    def _train(self, tokens, y, bar):
        X = self._average(tokens)
        W, b = self.dense_.params["W"], self.dense_.params["b"]
        lr = self.learning_rate
        for _ in range(self.epochs):
            total = 0.0
            # one sentence per step, in order (the course's V1)
            for x, label in zip(X, y, strict=True):
                # softmax_cross_entropy written out for a single vector: 3x faster here
                z = x @ W + b
                p = np.exp(z - z.max())
                p /= p.sum()
                total -= np.log(p[label])
                p[label] -= 1.0
                W -= lr * np.outer(x, p)
                b -= lr * p
            self.loss_history_.append(total / len(X))
            bar.update(1, loss=self.loss_history_[-1])

    def _logits(self, tokens, training=False):
        return self.dense_.forward(self._average(tokens))

    def _arrays(self):
        return dict(self.dense_.params)

    def _save_extra(self):
        return {}

    def _set_arrays(self, arrays):
        self.dense_.params = {"W": arrays["W"], "b": arrays["b"]}


class EmojifierLSTM(_Emojifier):
    """Frozen embedding -> LSTM -> dropout -> LSTM -> dropout -> dense -> softmax (Adam).

    Sentences are zero-padded to ``max_len_`` words, no mask (see the module docstring).

    Parameters
    ----------
    vectors : Vectors or path
    hidden : int
        Units of each LSTM (the course: 128).
    dropout : float
        Dropout rate after each LSTM (the course: 0.5).
    epochs, batch_size, learning_rate :
        The course trains 50 epochs of shuffled mini-batches of 32 with Adam at 0.001.
    random_state : int, optional
    progress : bool
        Show the epochs on stderr when it is a terminal.
    """

    kind = "emojify-lstm"

    def __init__(self, vectors, hidden=128, dropout=0.5, epochs=50, batch_size=32,
                 learning_rate=0.001, random_state=None, progress=False):
        self.vectors = vectors
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.progress = progress

    def _build(self, n_classes):
        rng = np.random.default_rng(self.random_state)
        dim, h = self.vectors_.dim, self.hidden
        f32 = np.float32                           # twice as fast as float64, as accurate
        self.layers_ = {
            "lstm1": Recurrent("lstm", dim, h, return_sequences=True, random_state=rng,
                               dtype=f32),
            "drop1": Dropout(self.dropout, random_state=rng),
            "lstm2": Recurrent("lstm", h, h, random_state=rng, dtype=f32),
            "drop2": Dropout(self.dropout, random_state=rng),
            "dense": Dense(h, n_classes, random_state=rng, dtype=f32),
        }

    def _logits(self, tokens, training=False):
        # Sentences are padded to max(max_len_, own length) and grouped by that length, so
        # a sentence's prediction never depends on the others in the batch.
        lengths = np.array([max(len(t), self.max_len_) for t in tokens])
        out = np.empty((len(tokens), len(self.classes_)))
        for length in np.unique(lengths):
            rows = np.flatnonzero(lengths == length)
            ids, _ = self.embedding_.encode([tokens[i] for i in rows])
            ids = np.pad(ids, ((0, 0), (0, length - ids.shape[1])))
            L = self.layers_
            x = self.embedding_.forward(ids)
            x = L["drop1"].forward(L["lstm1"].forward(x), training)
            x = L["drop2"].forward(L["lstm2"].forward(x), training)
            out[rows] = L["dense"].forward(x)
        return out

    def _backward(self, dlogits):
        L = self.layers_
        d = L["drop2"].backward(L["dense"].backward(dlogits))
        L["lstm1"].backward(L["drop1"].backward(L["lstm2"].backward(d)))

    def _train(self, tokens, y, bar):
        self.max_len_ = max(len(t) for t in tokens)
        opt = Adam(lr=self.learning_rate)
        params = self._arrays()
        n = len(tokens)
        for _ in range(self.epochs):
            order = self.rng_.permutation(n)
            total = 0.0
            for start in range(0, n, self.batch_size):
                batch = order[start:start + self.batch_size]
                logits = self._logits([tokens[i] for i in batch], training=True)
                loss, dlogits = softmax_cross_entropy(logits, y[batch])
                self._backward(dlogits / len(batch))
                opt.step(params, {f"{name}.{k}": g for name, layer in self.layers_.items()
                                  for k, g in layer.grads.items()})
                total += loss
            self.loss_history_.append(total / n)
            bar.update(1, loss=self.loss_history_[-1])

    def _arrays(self):
        return {f"{name}.{k}": v for name, layer in self.layers_.items()
                for k, v in layer.params.items()}

    def _save_extra(self):
        return {"max_len": self.max_len_}

    def _set_arrays(self, arrays):
        for key, value in arrays.items():
            name, k = key.split(".")
            self.layers_[name].params[k] = np.array(value)
