"""Sequence to sequence: a bidirectional encoder, attention and a decoder that is a
conditional language model (the course's machine translation, week 3).

Sources and targets are strings, read as characters or as whitespace-separated words
(``level`` for sources, ``target_level`` for targets). The source vocabulary is the training
sources' symbols plus ``<unk>`` (any symbol never seen, e.g. the k, q, x, z of the date
task) and ``<pad>``; the target vocabulary is the training targets' symbols plus the end
symbol ``</s>``, so outputs may have any length. The encoder reads one-hot symbols; the
decoder reads the attention context and, with ``feed_previous`` (the default), its previous
output (teacher-forced in training), which is what makes beam search worth running.
``feed_previous=False`` with the default sizes is the course's 52,960-parameter date model
(its outputs are independent given the input, so greedy decoding is already exact).

Training minimises the cross-entropy summed over output steps, averaged over each batch,
with Adam and gradient clipping by global norm. With `random_state`, one-thread training is
reproducible (BLAS is held to one thread while it runs).

Examples
--------
>>> from wordvec.datasets import date_pairs
>>> pairs = date_pairs(2000, random_state=0)
>>> model = Seq2Seq(epochs=1, random_state=0).fit(*zip(*pairs))      # doctest: +SKIP
>>> model.predict(["3 may 1979"], beam_width=3)                       # doctest: +SKIP
['1979-05-03']
"""

from pathlib import Path
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

from .._estimator import ParamsMixin
from .._progress import Progress
from ..errors import FormatError
from ..nn import Adam, AttentionDecoder, Bidirectional, clip_by_global_norm, softmax_cross_entropy
from ..nn.beam import beam_search
from ..nn.cells import CELLS
from ..nn.serialize import check_arrays, check_field, finite_number
from ..nn.serialize import load_model as _load_files
from ..nn.serialize import save_model as _save_files

UNK, PAD, END = "<unk>", "<pad>", "</s>"
LEVELS = ("char", "word")


def read_pairs(stream, path):
    """``(sources, targets)`` from lines ``source<TAB>target`` (blank lines are skipped); a
    line without exactly one tab or with an empty side is a `FormatError` naming it.

    >>> import io
    >>> read_pairs(io.StringIO("3 may 1979\\t1979-05-03\\n"), "pairs.tsv")
    (['3 may 1979'], ['1979-05-03'])
    """
    sources, targets = [], []
    for number, line in enumerate(stream, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise FormatError(path, f"expected source<TAB>target, got {len(fields)} "
                                    f"tab-separated fields", number)
        source, target = fields[0].strip(), fields[1].strip()
        if not source or not target:
            raise FormatError(path, f"the {'source' if not source else 'target'} is empty",
                              number)
        sources.append(source)
        targets.append(target)
    if not sources:
        raise FormatError(path, "no pairs")
    return sources, targets


class Translation(NamedTuple):
    """One decoded output: its text, summed log-probability, length-normalised score and
    attention weights ``(Ty, Tx)`` (one row per output symbol and the end symbol)."""

    output: str
    log_prob: float
    score: float
    attention: np.ndarray


class Seq2Seq(ParamsMixin):
    """Encoder-decoder with attention.

    Parameters
    ----------
    level : {"char", "word"}
        Source symbols are characters, or whitespace-separated words.
    target_level : {"char", "word"}
        The same for targets (and outputs).
    lowercase : bool
        Lower-case the sources, in training and after (the course does for dates).
    vectors : Vectors or path, optional
        Word vectors for the encoder's input (``level="word"``) instead of one-hot words:
        each training source word's row is copied at unit length (words the store lacks,
        and words never seen in training, read as the zero vector); the copy is saved with
        the model.
    trainable_embeddings : bool
        Train that copy with the rest (else it stays as the store has it).
    hidden : int
        Units per direction of the bidirectional encoder (the course: 32).
    decoder_hidden : int
        Units of the decoder cell (the course: 64).
    cell : {"rnn", "gru", "lstm"}
    feed_previous : bool
        The decoder reads its previous output (a conditional language model).
    epochs, batch_size : int
    learning_rate : float
        Adam's step size (the course: 0.005).
    clip : float
        Gradients are scaled to a global norm of at most `clip`.
    random_state : int, optional
        Seeds the weights and the shuffles.
    progress : bool
        Show the batches on stderr when it is a terminal.
    """

    def __init__(self, level="char", target_level="char", lowercase=False, vectors=None,
                 trainable_embeddings=False, hidden=32, decoder_hidden=64, cell="lstm",
                 feed_previous=True, epochs=10, batch_size=100, learning_rate=0.005,
                 clip=5.0, random_state=None, progress=False):
        self.level = level
        self.target_level = target_level
        self.lowercase = lowercase
        self.vectors = vectors
        self.trainable_embeddings = trainable_embeddings
        self.hidden = hidden
        self.decoder_hidden = decoder_hidden
        self.cell = cell
        self.feed_previous = feed_previous
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.clip = clip
        self.random_state = random_state
        self.progress = progress

    # -- symbols ------------------------------------------------------------------------

    @staticmethod
    def _split(text, level):
        return list(text) if level == "char" else text.split()

    def _source_text(self, text):
        return text.lower() if self.lowercase else text

    def _join(self, symbols):
        return ("" if self.target_level == "char" else " ").join(symbols)

    def _encode_sources(self, sources):
        """``(ids (batch, Tx), mask (batch, Tx))``; unknown symbols -> <unk>."""
        index, unk, pad = self.source_index_, self.source_index_[UNK], self.source_index_[PAD]
        seqs = []
        for i, text in enumerate(sources):
            if not isinstance(text, str):
                raise TypeError(f"input {i} must be a string, got {type(text).__name__}")
            symbols = self._split(self._source_text(text), self.level)
            if not symbols:
                raise ValueError(f"input {i} is empty")
            seqs.append([index.get(s, unk) for s in symbols])
        longest = max(len(s) for s in seqs)
        ids = np.full((len(seqs), longest), pad)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = s
        mask = np.arange(longest) < np.array([len(s) for s in seqs])[:, None]
        return ids, mask

    def _inputs(self, ids):
        """The encoder's input ``(batch, Tx, n_in)``: one-hot symbols, or their vectors."""
        if self.embeddings_ is None:
            return np.eye(len(self.source_vocab_))[ids]
        return self.embeddings_[ids]

    def _encode_targets(self, targets):
        """``(ids (batch, Ty), mask)``: each target's symbols then the end symbol."""
        index, end = self.target_index_, self.target_index_[END]
        seqs = []
        for i, text in enumerate(targets):
            symbols = self._split(text, self.target_level)
            unknown = [s for s in symbols if s not in index]
            if unknown:
                raise ValueError(f"target {i} has the symbol {unknown[0]!r}, which no "
                                 f"training target has")
            seqs.append([index[s] for s in symbols] + [end])
        longest = max(len(s) for s in seqs)
        ids = np.full((len(seqs), longest), end)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = s
        return ids, np.arange(longest) < np.array([len(s) for s in seqs])[:, None]

    # -- the network ---------------------------------------------------------------------

    def _build(self, rng):
        n_in = len(self.source_vocab_) if self.embeddings_ is None else \
            self.embeddings_.shape[1]
        self.encoder_ = Bidirectional(self.cell, n_in, self.hidden, random_state=rng)
        self.decoder_ = AttentionDecoder(2 * self.hidden, self.decoder_hidden,
                                         len(self.target_vocab_), self.feed_previous,
                                         self.cell, random_state=rng)

    def _params(self):
        """The trained arrays by name (the embeddings only when they are trainable)."""
        trained = {"emb.E": self.embeddings_} if self.trainable_embeddings and \
            self.embeddings_ is not None else {}
        return {**trained, **{f"enc.{k}": v for k, v in self.encoder_.params.items()},
                **{f"dec.{k}": v for k, v in self.decoder_.params.items()}}

    def _loss_and_grads(self, ids, mask, y, y_mask):
        """Mean over the batch of the summed cross-entropy, and the gradients of `_params`."""
        a = self.encoder_.forward(self._inputs(ids), mask)
        logits = self.decoder_.forward(a, mask, y)
        loss, dlogits = softmax_cross_entropy(logits, y, y_mask)
        batch = len(ids)
        dx = self.encoder_.backward(self.decoder_.backward(dlogits / batch))
        grads = {**{f"enc.{k}": g for k, g in self.encoder_.grads.items()},
                 **{f"dec.{k}": g for k, g in self.decoder_.grads.items()}}
        if "emb.E" in self._params():
            dE = np.zeros_like(self.embeddings_)
            np.add.at(dE, ids[mask], dx[mask])
            grads["emb.E"] = dE
        return loss / batch, grads

    def _check_settings(self):
        for name in ("level", "target_level"):
            if getattr(self, name) not in LEVELS:
                raise ValueError(f"{name} must be one of {LEVELS}, got {getattr(self, name)!r}")
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {self.cell!r}")
        for name in ("hidden", "decoder_hidden", "epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        for name in ("learning_rate", "clip"):
            if not finite_number(getattr(self, name)) or getattr(self, name) <= 0:
                raise ValueError(f"{name} must be a number > 0, got {getattr(self, name)!r}")
        for name in ("lowercase", "feed_previous", "trainable_embeddings"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")

    def fit(self, sources, targets):
        """Train on parallel lists of strings; returns self. ``loss_history_`` holds the mean
        training loss of every epoch."""
        self._check_settings()
        sources, targets = list(sources), list(targets)
        if len(sources) != len(targets):
            raise ValueError(f"got {len(sources)} sources but {len(targets)} targets")
        if not sources:
            raise ValueError("no pairs to train on")
        for i, t in enumerate(targets):
            if not isinstance(t, str) or not self._split(t, self.target_level):
                raise ValueError(f"target {i} is empty or not a string")
        for i, text in enumerate(sources):
            if not isinstance(text, str):
                raise TypeError(f"input {i} must be a string, got {type(text).__name__}")
        self.source_vocab_ = sorted({s for text in sources
                                     for s in self._split(self._source_text(text), self.level)}
                                    - {UNK, PAD}) + [UNK, PAD]
        self.target_vocab_ = sorted({s for text in targets
                                     for s in self._split(text, self.target_level)} - {END}) + [END]
        self._index()
        self.embeddings_ = self._embeddings()
        x, mask = self._encode_sources(sources)
        y, y_mask = self._encode_targets(targets)
        self.max_output_len_ = int(y.shape[1])
        rng = np.random.default_rng(self.random_state)
        self._build(rng)
        params = self._params()
        opt = Adam(self.learning_rate)
        n = len(sources)
        n_batches = -(-n // self.batch_size)
        lengths, y_lengths = mask.sum(axis=1), y_mask.sum(axis=1)
        history = []
        with threadpool_limits(1, user_api="blas"), \
                Progress("seq2seq", "batches", self.epochs * n_batches, self.progress) as bar:
            for epoch in range(self.epochs):
                bar.set_desc(f"seq2seq epoch {epoch + 1}/{self.epochs}")
                order = rng.permutation(n)
                total = 0.0
                for start in range(0, n, self.batch_size):
                    rows = order[start:start + self.batch_size]
                    tx, ty = lengths[rows].max(), y_lengths[rows].max()
                    loss, grads = self._loss_and_grads(x[rows, :tx], mask[rows, :tx],
                                                       y[rows, :ty], y_mask[rows, :ty])
                    clip_by_global_norm(grads, self.clip)
                    opt.step(params, grads)
                    total += loss * len(rows)
                    bar.update(1, loss=loss)
                history.append(total / n)
        self.loss_history_ = np.array(history)
        return self

    def _embeddings(self):
        """``(n_src, dim)`` rows of `vectors` for the source words, scaled to unit length
        (zero for <unk>, <pad> and words the store lacks, as `wordvec.nn.Embedding` does),
        or None. GloVe's rows have lengths near 4.5; as they are they saturate the encoder's
        gates (numbers task, 2,000 pairs: 0.44 exact match frozen, 0.97 at unit length)."""
        if self.vectors is None:
            return None
        if self.level != "word":
            raise ValueError("vectors= needs level='word' (a store holds words, not characters)")
        store = self.vectors
        if isinstance(store, (str, Path)):
            from ..io import load
            store = load(store)
        if not hasattr(store, "key_to_index"):
            raise TypeError(f"vectors must be a Vectors or a path, got {type(store).__name__}")
        E = np.zeros((len(self.source_vocab_), store.dim))
        known = [(i, w) for i, w in enumerate(self.source_vocab_[:-2]) if w in store]
        if known:
            rows, words = zip(*known)
            vectors = np.asarray(store[list(words)], dtype=np.float64)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            E[list(rows)] = vectors / np.where(norms > 0, norms, 1.0)
        self.in_vectors_ = len(known)
        return E

    def _index(self):
        self.source_index_ = {s: i for i, s in enumerate(self.source_vocab_)}
        self.target_index_ = {s: i for i, s in enumerate(self.target_vocab_)}

    # -- decoding ------------------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "decoder_"):
            raise ValueError("this Seq2Seq is not fitted yet; call fit first")

    def _greedy(self, sources, max_len):
        ids, mask = self._encode_sources(sources)
        a = self.encoder_.forward(self._inputs(ids), mask)
        end = self.target_index_[END]
        state = self.decoder_.initial_state(len(sources))
        prev = np.full(len(sources), len(self.target_vocab_))
        out = np.full((len(sources), max_len), end)
        done = np.zeros(len(sources), dtype=bool)
        for t in range(max_len):
            log_probs, state, _ = self.decoder_.step(a, mask, state, prev)
            prev = np.where(done, end, log_probs.argmax(axis=1))
            out[:, t] = prev
            done |= prev == end
            if done.all():
                break
        return [self._join(self.target_vocab_[i] for i in row[:np.argmax(
            np.append(row, end) == end)]) for row in out]

    def translate(self, source, beam_width=3, alpha=0.7, max_len=None):
        """The `beam_width` best `Translation` of one source string, best first."""
        self._check_fitted()
        ids, mask = self._encode_sources([source])
        with threadpool_limits(1, user_api="blas"):
            a = self.encoder_.forward(self._inputs(ids), mask)

            def step(prev, state):
                k = len(prev)
                return self.decoder_.step(np.repeat(a, k, axis=0), np.repeat(mask, k, axis=0),
                                          state, prev)

            found = beam_search(step, self.decoder_.initial_state(1), len(self.target_vocab_),
                                beam_width, max_len or self.max_output_len_ + 1,
                                end=self.target_index_[END], alpha=alpha)
        return [Translation(self._join(self.target_vocab_[i] for i in h.tokens), h.log_prob,
                            h.score, h.extras) for h in found]

    def predict(self, sources, beam_width=1, alpha=0.7, batch_size=500):
        """The best output for each source string (greedy, batched, when ``beam_width=1``)."""
        self._check_fitted()
        if beam_width < 1:
            raise ValueError(f"beam_width must be >= 1, got {beam_width}")
        sources = list(sources)
        if beam_width > 1:
            return [self.translate(s, beam_width, alpha)[0].output for s in sources]
        out = []
        with threadpool_limits(1, user_api="blas"):
            for start in range(0, len(sources), batch_size):
                out += self._greedy(sources[start:start + batch_size], self.max_output_len_ + 1)
        return out

    def score(self, sources, targets, beam_width=1):
        """Exact-match accuracy of `predict` against `targets`."""
        targets = list(targets)
        predicted = self.predict(sources, beam_width=beam_width)
        if len(predicted) != len(targets):
            raise ValueError(f"got {len(predicted)} sources but {len(targets)} targets")
        return float(np.mean([p == t for p, t in zip(predicted, targets, strict=True)]))

    # -- files ---------------------------------------------------------------------------

    def save(self, path):
        """Write the model folder `path` (``model.json`` + ``params.npz``), atomically."""
        self._check_fitted()
        params = {k: v for k, v in self.get_params().items() if k not in ("progress", "vectors")}
        meta = {"kind": "seq2seq", "params": params, "source_vocab": self.source_vocab_,
                "target_vocab": self.target_vocab_, "max_output_len": self.max_output_len_,
                "task": getattr(self, "task_", None)}
        arrays = {**self._params(), "loss_history": self.loss_history_}
        if self.embeddings_ is not None:
            arrays["emb.E"] = self.embeddings_
        _save_files(path, meta, arrays)

    @classmethod
    def load(cls, path):
        """Read a model written by `save`; a bad field or array is a `FormatError` naming
        the file and entry."""
        meta, arrays = _load_files(path, kind="seq2seq")
        params = check_field(path, meta, "params", dict)
        names = set(cls._param_names()) - {"progress", "vectors"}
        if set(params) != names:
            raise FormatError(Path(path) / "model.json",
                              f"params must have the keys {', '.join(sorted(names))}")
        model = cls(**params)
        try:
            model._check_settings()
        except ValueError as exc:
            raise FormatError(Path(path) / "model.json", str(exc)) from None

        def vocab(v):
            return len(v) >= 2 and all(isinstance(s, str) for s in v) and len(set(v)) == len(v)
        model.source_vocab_ = check_field(path, meta, "source_vocab", list,
                                          lambda v: vocab(v) and v[-2:] == [UNK, PAD],
                                          "a list of distinct symbols ending <unk>, <pad>")
        model.target_vocab_ = check_field(path, meta, "target_vocab", list,
                                          lambda v: vocab(v) and v[-1] == END,
                                          "a list of distinct symbols ending </s>")
        model.max_output_len_ = check_field(path, meta, "max_output_len", int,
                                            lambda v: v >= 1, "an integer >= 1")
        model.task_ = check_field(path, meta, "task", (dict, type(None)), None,
                                  "null or an object")
        model._index()
        E = arrays.get("emb.E")
        model.embeddings_ = None if E is None or E.ndim != 2 else np.zeros((
            len(model.source_vocab_), E.shape[1]))
        model._build(None)
        expected = model._params()
        if model.embeddings_ is not None:
            expected["emb.E"] = model.embeddings_
        check_arrays(path, arrays, {**expected, "loss_history": np.empty(model.epochs)})
        model.loss_history_ = arrays.pop("loss_history")
        for key, value in arrays.items():
            expected[key][...] = value
        return model


def plot_attention(model, source, translation, path):
    """Draw ``translation.attention`` as the course's figure does (input symbols along x,
    output symbols and the end symbol along y, a colour bar from 0 to 1) into `path` (PNG,
    SVG or PDF by its suffix), atomically."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .._atomic import atomic_file

    suffix = Path(path).suffix.lower().lstrip(".") or "png"
    if suffix not in ("png", "svg", "pdf"):
        raise ValueError(f"{path}: the picture's suffix must be .png, .svg or .pdf")
    inputs = model._split(model._source_text(source), model.level)
    outputs = model._split(translation.output, model.target_level) + [END]
    att = translation.attention[:len(outputs), :len(inputs)]
    fig = Figure(figsize=(max(4.0, 0.32 * len(inputs) + 2), max(3.0, 0.32 * len(outputs) + 1.5)))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    image = ax.imshow(att, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    fig.colorbar(image, ax=ax, label="attention weight")
    ax.set_xticks(range(len(inputs)), [s if s != " " else "␣" for s in inputs])
    ax.set_yticks(range(len(outputs)), outputs)
    ax.set_xlabel("input")
    ax.set_ylabel("output")
    ax.set_title(f"{source!r} -> {translation.output!r}", fontsize=9)
    with atomic_file(path, "wb") as f:
        fig.savefig(f, format=suffix, bbox_inches="tight")
