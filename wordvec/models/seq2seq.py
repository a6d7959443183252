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

With word vectors, a source word never seen in training but in the store reads as the store's
vector (at unit length, as training's rows), not as ``<unk>``: the point of pretrained vectors
(the course's Emojify: "adore" works through its GloVe vector). With trainable vectors, seen
words read as their trained rows and unseen ones as the store's original vectors. A saved model
records where its store was and a fingerprint of it (size, dim, the rows of a few seen words);
after `load`, the store is read and checked only when a source first holds an unseen word, and
if it is missing or different those words read as ``<unk>`` with one `VectorsWarning`.

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

import warnings
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
PROBE_WORDS = 3     # seen words whose store rows a saved model keeps as its store's fingerprint


class VectorsWarning(UserWarning):
    """A loaded model's word vectors are missing or not the ones it was trained with."""


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
        each training source word's row is copied at unit length (words the store lacks
        read as the zero vector); the copy is saved with the model. A word never seen in
        training reads as the store's row, prepared the same way (the zero vector if the
        store lacks it too). Give a path (or a packaged name) for a saved model to find
        the store again by itself.
    trainable_embeddings : bool
        Train that copy with the rest (else it stays as the store has it); words unseen
        in training still read as the store's original rows.
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

    def _encode_sources(self, sources, unseen=None):
        """``(ids (batch, Tx), mask (batch, Tx))``; unknown symbols -> <unk>. With a dict
        `unseen`, an unknown word the store has gets the id ``len(source_vocab_) + k`` and
        ``unseen[word] = k`` (see `_inputs`)."""
        index, unk, pad = self.source_index_, self.source_index_[UNK], self.source_index_[PAD]
        seqs = []
        for i, text in enumerate(sources):
            if not isinstance(text, str):
                raise TypeError(f"input {i} must be a string, got {type(text).__name__}")
            symbols = self._split(self._source_text(text), self.level)
            if not symbols:
                raise ValueError(f"input {i} is empty")
            seqs.append([index.get(s, unk) if unseen is None or s in index else
                         self._unseen_id(s, unseen) for s in symbols])
        longest = max(len(s) for s in seqs)
        ids = np.full((len(seqs), longest), pad)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = s
        mask = np.arange(longest) < np.array([len(s) for s in seqs])[:, None]
        return ids, mask

    def _unseen_id(self, word, unseen):
        """The id of a word unseen in training (see `_encode_sources`): its own if the store
        has it, else <unk>'s."""
        if word not in unseen:
            store = self._unseen_store()
            if store is None or word not in store:
                return self.source_index_[UNK]
            unseen[word] = len(unseen)
        return len(self.source_vocab_) + unseen[word]

    def _inputs(self, ids, unseen=None):
        """The encoder's input ``(batch, Tx, n_in)``: one-hot symbols, or their vectors (the
        store's unit rows of the `unseen` words after the trained ones)."""
        if self.embeddings_ is None:
            return np.eye(len(self.source_vocab_))[ids]
        if not unseen:
            return self.embeddings_[ids]
        return np.vstack([self.embeddings_, unit_rows(self._unseen_store(), list(unseen))])[ids]

    def _source_inputs(self, sources):
        """``(encoder input, mask)`` of source strings for decoding: with word vectors, unseen
        words the store has read as its rows."""
        unseen = {} if self.embeddings_ is not None else None
        ids, mask = self._encode_sources(sources, unseen)
        return self._inputs(ids, unseen), mask

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
        gates (numbers task, 2,000 pairs: 0.44 exact match frozen, 0.97 at unit length).
        Also keeps the store for unseen words and its record for `save`."""
        self._store, self.vectors_record_ = None, None
        if self.vectors is None:
            return None
        if self.level != "word":
            raise ValueError("vectors= needs level='word' (a store holds words, not characters)")
        store = _read_store(self.vectors)
        known = [w for w in self.source_vocab_[:-2] if w in store]
        E = np.zeros((len(self.source_vocab_), store.dim))
        if known:
            E[[self.source_index_[w] for w in known]] = unit_rows(store, known)
        self.in_vectors_ = len(known)
        self._store = store
        self.vectors_record_ = _record(self.vectors, store, known[:PROBE_WORDS])
        return E

    def _unseen_store(self):
        """The store for words unseen in training: the one `fit` read or `use_vectors` gave,
        else (once) the one the saved model records, if it is found and matches; else None,
        with one `VectorsWarning`."""
        if getattr(self, "_store", None) is None and not getattr(self, "_store_tried", False):
            self._store_tried = True
            record = getattr(self, "vectors_record_", None)
            self._store = None
            if record is None:
                return None            # saved before records were kept: <unk> as then
            location = record.get("location")
            try:
                if location is None:
                    raise ValueError("the model does not record where they are")
                self._store = _read_store(location)
                _check_record(record, self._store, location)
            except (OSError, ValueError) as exc:   # FormatError is a ValueError
                self._store = None
                warnings.warn(f"words unseen in training read as <unk>: the model's word "
                              f"vectors are not available ({' '.join(str(exc).split())}); "
                              f"give them explicitly", VectorsWarning, stacklevel=2)
        return self._store

    def use_vectors(self, vectors):
        """Read words unseen in training from `vectors` (a `Vectors` or a path), which must
        match the fingerprint of the store the model was trained with; returns self."""
        self._check_fitted()
        record = getattr(self, "vectors_record_", None)
        if self.embeddings_ is None:
            raise ValueError("this model reads no word vectors (trained without vectors=)")
        if record is None:
            raise ValueError("this model was saved without a fingerprint of its word "
                             "vectors, so no store can be checked against it")
        store = _read_store(vectors)
        _check_record(record, store, vectors if isinstance(vectors, (str, Path)) else
                      "the vectors given")
        self._store, self._store_tried = store, True
        return self

    def _index(self):
        self.source_index_ = {s: i for i, s in enumerate(self.source_vocab_)}
        self.target_index_ = {s: i for i, s in enumerate(self.target_vocab_)}

    # -- decoding ------------------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "decoder_"):
            raise ValueError("this Seq2Seq is not fitted yet; call fit first")

    def _greedy(self, sources, max_len):
        inputs, mask = self._source_inputs(sources)
        a = self.encoder_.forward(inputs, mask)
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
        inputs, mask = self._source_inputs([source])
        with threadpool_limits(1, user_api="blas"):
            a = self.encoder_.forward(inputs, mask)

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
        if getattr(self, "vectors_record_", None) is not None:
            meta["vectors"] = self.vectors_record_
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
        model.vectors_record_ = check_field(path, meta, "vectors", (dict, type(None)),
                                            _valid_record, "null or a vectors record")
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


def unit_rows(store, words):
    """``(len(words), dim)`` float64 rows of `store` for `words`, scaled to unit length
    (a zero row stays zero): how the encoder reads word vectors."""
    vectors = np.asarray(store[list(words)], dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def _read_store(vectors):
    """A `Vectors` given as itself, a path or a packaged name."""
    if isinstance(vectors, (str, Path)):
        from ..io import load
        return load(vectors)
    if not hasattr(vectors, "key_to_index"):
        raise TypeError(f"vectors must be a Vectors or a path, got {type(vectors).__name__}")
    return vectors


def _record(given, store, probe):
    """What a saved model keeps to find and check its store: its location (an absolute path,
    a packaged name, or None for a store given in memory), size, dim and the raw rows of the
    `probe` words."""
    if isinstance(given, (str, Path)):
        location = str(Path(given).resolve()) if Path(given).exists() else str(given)
    else:
        source = store.source or {}
        location = source.get("name") if source.get("imported") == "pretrained" else None
    rows = np.asarray(store[list(probe)], dtype=np.float64).reshape(len(probe), store.dim)
    return {"location": location, "words": len(store), "dim": int(store.dim),
            "probe": {"words": list(probe), "rows": rows.tolist()}}


def _valid_record(record):
    """Whether a saved model's "vectors" field is None or shaped as `_record` writes it."""
    if record is None:
        return True
    probe = record.get("probe")
    return isinstance(record.get("location"), (str, type(None))) and all(
        isinstance(record.get(k), int) and record[k] >= 1 for k in ("words", "dim")) and \
        isinstance(probe, dict) and isinstance(probe.get("words"), list) and \
        isinstance(probe.get("rows"), list) and len(probe["words"]) == len(probe["rows"]) and \
        all(isinstance(w, str) for w in probe["words"]) and all(
            isinstance(r, list) and len(r) == record["dim"] and all(finite_number(v) for v in r)
            for r in probe["rows"])


def _check_record(record, store, name):
    """ValueError naming `name` unless `store` has the recorded size, dim and probe rows
    (to 1e-4, so the same vectors in another format match)."""
    found = (len(store), int(store.dim))
    if found != (record["words"], record["dim"]):
        raise ValueError(f"{name}: {found[0]} words x {found[1]} dims, but the model was "
                         f"trained with vectors of {record['words']} words x "
                         f"{record['dim']} dims")
    probe = record["probe"]
    for word, row in zip(probe["words"], probe["rows"], strict=True):
        if word not in store or not np.allclose(np.asarray(store[word], dtype=np.float64),
                                                row, atol=1e-4):
            raise ValueError(f"{name}: not the vectors the model was trained with (its "
                             f"vector of {word!r} differs)")


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
