"""Skip-gram with negative sampling or hierarchical softmax (word2vec), trained Hogwild on all
cores.

The rules are the word2vec C tool's: a word `w` of frequency `f = count / total` is kept
with probability `(sqrt(f / sample) + 1) * sample / f`; negatives are drawn from counts ** 0.75;
each centre word sees a window drawn uniformly in [1, window] on each side; the learning rate
falls linearly from `alpha` to `min_alpha` over all epochs by words processed; the sigmoid is
read from a table and clipped at |6|; input vectors start uniform in [-0.5, 0.5) / dim and
output vectors at zero. One difference, for speed (the "HogBatch" scheme): the K negatives of
a centre word are drawn once and shared by all the context words of its window.

Hierarchical softmax (`hs=True`, beside negative sampling or alone with `negative=0`) is
word2vec's too: a Huffman tree over the vocabulary counts (built as gensim builds it:
`_kernels/sgns_host.huffman_tree`), whose `n_words - 1` inner nodes each own an output vector
(`hs_vectors_`, at zero to start); a pair trains the nodes on the path to the centre word.

Reproducibility: the corpus is cut into jobs of about `JOB_WORDS` words, and each job draws
from its own random stream seeded by (`random_state`, epoch, job). With `threads=1` the jobs
run in order and the result is bit-for-bit reproducible. With more threads the random draws
are the same but the jobs run concurrently and update shared rows without locks (Hogwild), so
the order of those updates, and hence the last bits of the vectors, vary from run to run.

The kernel runs from a shared library built on first use (`wordvec/_kernels/native.py`), so
a training process does not load numba; where that library cannot be built, numba runs the
same code with the same results.

Examples
--------
>>> from wordvec import SGNS                                              # doctest: +SKIP
>>> model = SGNS(dim=50, epochs=3, random_state=0).fit("corpus.txt")      # doctest: +SKIP
>>> model.vectors_.most_similar("king", topn=3)                            # doctest: +SKIP
"""

import math
import os
import threading
import time
from pathlib import Path

import numpy as np

from .._atomic import read_dir
from .._estimator import ParamsMixin
from .._kernels.sgns_host import (
    alias_table,
    huffman_tree,
    job_function,
    no_hs,
    scratch_buffers,
    sigmoid_table,
)
from .._memory import check_memory
from .._progress import Progress
from ..corpus import Vocabulary, as_corpus, encode_corpus
from ..errors import FormatError
from ..io import read_vocab, write_vocab
from ..store import Vectors
from ._checkpoint import (
    DivergedError,
    check_array,
    check_finite,
    checkpoint_file,
    history,
    integer,
    read_params,
    read_state,
    sigint_sets_flag,
    write_checkpoint,
    write_state,
)
from ._params import check_floats, check_integers, seed_from, source_of

JOB_WORDS = 50_000  # corpus words per job: the unit of scheduling, seeding and checkpoints
MAX_NEGATIVE = 1000  # drawn words an example: word2vec suggests 5-20 (2-5 for large corpora)
_SCHEDULE = ("dim", "window", "negative", "hs", "sample", "min_count", "max_vocab", "epochs",
             "alpha", "min_alpha")


def _mix64(x):
    """splitmix64 finaliser: a well-spread 64-bit seed from a small integer."""
    m = (1 << 64) - 1
    x = (x + 0x9E3779B97F4A7C15) & m
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & m
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & m
    return x ^ (x >> 31)


def job_seed(seed, epoch, job):
    """The LCG seed of one job: a function of the run's seed, the epoch and the job only."""
    return np.uint64(_mix64(_mix64(_mix64(seed) ^ epoch) ^ job))


def keep_probabilities(counts, sample):
    """The C tool's subsampling: keep word i with `(sqrt(f/t) + 1) * t/f`, f = count/total.

    Values >= 1 mean always kept; `sample=0` keeps everything. float32 `(n_words,)`.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample == 0:
        return np.full(len(counts), 2.0, dtype=np.float32)
    f = counts / counts.sum()
    return ((np.sqrt(f / sample) + 1) * sample / f).astype(np.float32)


def negative_weights(counts):
    """Probability of drawing each word as a negative: counts ** 0.75, normalised."""
    w = np.asarray(counts, dtype=np.float64) ** 0.75
    return w / w.sum()


def _cores():
    """CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _job_bounds(raw_ends, job_words):
    """Sentence indices cutting the corpus into jobs of about `job_words` corpus words."""
    n = len(raw_ends)
    if n == 0:
        return np.zeros(1, dtype=np.int64)
    targets = np.arange(job_words, int(raw_ends[-1]), job_words)
    cuts = np.searchsorted(raw_ends, targets, side="left") + 1
    return np.unique(np.concatenate([[0], cuts[cuts < n], [n]])).astype(np.int64)


class SGNS(ParamsMixin):
    """Word2vec skip-gram with negative sampling (or hierarchical softmax); `fit(corpus)`
    learns `vectors_`.

    Parameters
    ----------
    dim : int
        Vector dimensions.
    window : int
        Maximum distance between a centre word and a context word.
    negative : int
        Negative samples per centre word (0 for none: needs `hs`).
    hs : bool
        Also train hierarchical softmax (gensim's `hs=1`; with `negative=0`, instead).
    sample : float
        Subsampling threshold `t` (0 disables subsampling).
    min_count, max_vocab : int
        Words seen fewer than `min_count` times are ignored; keep at most `max_vocab` words.
    epochs : int
        Passes over the corpus.
    alpha, min_alpha : float
        Learning rate at the start and at the end (linear decay by words processed).
    threads : int, optional
        Worker threads; all cores by default.
    random_state : int, optional
        Seed; with `threads=1` the result is bit-for-bit reproducible.
    progress : bool
        Progress line on stderr (only when it is a terminal).
    checkpoint : path, optional
        Folder for the training state, written every `checkpoint_every` epochs and on Ctrl-C.
    checkpoint_every : int, optional
        Epochs between checkpoints.

    Attributes
    ----------
    vectors_ : Vectors
        The input vectors `(n_words, dim)` with the words' counts.
    vocabulary_ : Vocabulary
    loss_history_ : ndarray of float64, shape (epochs,)
        Sum of `-log sigmoid` over every (pair, target or tree node) trained in each epoch.
    pairs_history_ : ndarray of int64, shape (epochs,)
        (centre, context) pairs trained in each epoch.
    output_vectors_ : ndarray of float32, shape (n_words, dim), or (0, dim) with negative=0
        The output (context) vectors of negative sampling: empty when there is none (they
        would stay at zero, so none are allocated).
    hs_vectors_ : ndarray of float32, shape (n_words - 1, dim), or None
        The output vectors of the Huffman tree's inner nodes (None without `hs`).
    timings_ : dict
        Seconds spent on "vocabulary", "encoding" and "training" (kernel compilation included),
        and "training_cpu": CPU seconds of all threads while training.
    """

    def __init__(self, dim=100, window=5, negative=5, hs=False, sample=1e-3, min_count=5,
                 max_vocab=None, epochs=5, alpha=0.025, min_alpha=0.0001, threads=None,
                 random_state=None, progress=True, checkpoint=None, checkpoint_every=None):
        self.dim = dim
        self.window = window
        self.negative = negative
        self.hs = hs
        self.sample = sample
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.epochs = epochs
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.threads = threads
        self.random_state = random_state
        self.progress = progress
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every

    # ------------------------------------------------------------------ validation
    def _validate(self):
        check_integers(self, ("dim", "window", "min_count", "epochs"))
        if not isinstance(self.hs, bool):
            raise ValueError(f"hs must be True or False, got {self.hs!r}")
        check_integers(self, ("negative",), low=0 if self.hs else 1)
        if self.negative > MAX_NEGATIVE:  # each costs a dot product an example: a run that
            # would take a thousand times longer than intended is not what was meant
            raise ValueError(f"negative must be at most {MAX_NEGATIVE} (word2vec suggests "
                             f"5-20), got {self.negative}")
        check_integers(self, ("max_vocab", "threads", "checkpoint_every"), optional=True)
        check_floats(self, ("sample", "min_alpha"), low_open=False)
        check_floats(self, ("alpha",))
        if not self.min_alpha <= self.alpha:
            raise ValueError(f"min_alpha must be in [0, alpha={self.alpha}], "
                             f"got {self.min_alpha!r}")
        if self.checkpoint_every is not None and self.checkpoint is None:
            raise ValueError("checkpoint_every needs a checkpoint folder")

    # ------------------------------------------------------------------ fit
    def fit(self, corpus, resume=None):
        """Learn vectors from `corpus` (a path, a `Corpus`, or an iterable of token lists).

        Parameters
        ----------
        resume : path, optional
            A checkpoint folder written by a run with the same parameters on the same corpus;
            training continues from it (the vocabulary comes from the checkpoint). With one
            thread the result equals that of the uninterrupted run.

        Ctrl-C (or SIGTERM) during training lets the running jobs finish, writes the
        checkpoint (when `checkpoint` is set) and raises `KeyboardInterrupt`. A non-finite
        loss or vector stops training with `DivergedError` (lower `alpha`).

        Returns
        -------
        self
        """
        self._validate()
        corpus = as_corpus(corpus)
        threads = self.threads or _cores()
        clock = [time.perf_counter()]
        if resume is not None:
            state = read_dir(lambda: self._read_checkpoint(resume))
            vocab, seed = state["vocab"], state["seed"]
        else:
            seed = seed_from(self.random_state)
            vocab = self._vocabulary(corpus)
            self._check_memory(len(vocab))
        self._prepare(vocab)
        clock.append(time.perf_counter())
        enc = self._encode(corpus, vocab)
        clock.append(time.perf_counter())
        try:
            if resume is not None:
                if state["raw_total"] != enc.raw_total:
                    raise ValueError(f"{resume}: checkpoint was made on a corpus of "
                                     f"{state['raw_total']} words, this one has {enc.raw_total}")
                syn0, syn1, syn1hs = state["syn0"], state["syn1"], state["syn1hs"]
            else:
                syn0 = self._input_matrix(np.random.default_rng(seed), len(vocab))
                # negative=0: the kernels never touch the output vectors; none are made
                syn1 = np.zeros((len(vocab) if self.negative else 0, self.dim), np.float32)
                syn1hs = np.zeros((len(vocab) - 1 if self.hs else 0, self.dim), np.float32)
                state = {"epoch": 0, "next_job": 0, "loss_history": [], "pairs_history": [],
                         "job_loss": None, "job_pairs": None}
            run = self._run_class()(
                self, enc, vocab, seed, syn0, syn1, threads,
                keep=keep_probabilities(vocab.counts, self.sample),
                alias=alias_table(negative_weights(vocab.counts)), sig=sigmoid_table(),
                hs=(syn1hs, *huffman_tree(vocab.counts)) if self.hs else None)
            if resume is not None:
                _check_position(state, run, Path(resume) / "state.json")
            cpu = time.process_time()
            run.train(state)
            clock.append(time.perf_counter())
            cpu = time.process_time() - cpu
        finally:
            enc.close()
        check_finite("the end", f"alpha={self.alpha}", syn0, syn1, syn1hs)
        self.timings_ = dict(zip(("vocabulary", "encoding", "training"), np.diff(clock).tolist(),
                                 strict=True), training_cpu=cpu)
        self.vocabulary_ = vocab
        self.vectors_ = self._vectors(vocab, syn0)
        self.vectors_.source = source_of(self, self._FAMILY)
        self.output_vectors_ = syn1
        self.hs_vectors_ = syn1hs if self.hs else None
        self.loss_history_ = np.asarray(run.loss_history, dtype=np.float64)
        self.pairs_history_ = np.asarray(run.pairs_history, dtype=np.int64)
        return self

    # ------------------------------------------------------------------ the corpus passes
    # (hooks: the Spark engine, wordvec.spark.sgns, runs them on Spark)
    def _vocabulary(self, corpus):
        return Vocabulary.build(corpus, self.min_count, self.max_vocab, self.progress)

    def _encode(self, corpus, vocab):
        return encode_corpus(corpus, vocab, progress=self.progress)

    def _run_class(self):
        return _Run

    # ------------------------------------------------------------------ the matrices
    # (hooks: FastText's input matrix has n-gram rows beside the words')
    def _check_memory(self, n_words):
        k = 1 + (self.negative > 0) + self.hs
        check_memory(k * n_words * self.dim * 4,
                     f"SGNS needs {k} x {n_words} words x {self.dim} dimensions x 4 bytes")

    def _prepare(self, vocab):
        """What the model needs of the vocabulary (new or resumed) before the corpus pass."""

    def _input_matrix(self, rng, n_words):
        """The input vectors at the start: uniform in [-0.5, 0.5) / dim."""
        syn0 = rng.random((n_words, self.dim), dtype=np.float32)
        syn0 -= np.float32(0.5)
        syn0 /= np.float32(self.dim)
        return syn0

    def _vectors(self, vocab, syn0):
        """`vectors_` from the trained input matrix."""
        return Vectors(vocab.words, syn0, vocab.counts)

    # ------------------------------------------------------------------ the kernel
    _FAMILY = "sgns"   # checkpoints are "wordvec-sgns-checkpoint" folders
    _SCHEDULE = _SCHEDULE

    def _job_function(self):
        return job_function()

    def _job_extra(self, max_len):
        """The kernel's arguments after `seed`: its scratch buffers."""
        return scratch_buffers(self.dim, self.negative, max_len)

    # ------------------------------------------------------------------ checkpoints
    def _params(self):
        return {name: getattr(self, name) for name in self._SCHEDULE}

    def _write_checkpoint(self, vocab, seed, syn0, syn1, syn1hs, epoch, next_job, raw_total,
                          words_done, loss_history, pairs_history, job_loss, job_pairs):
        with write_checkpoint(self.checkpoint, self._FAMILY) as tmp:
            np.save(tmp / "syn0.npy", syn0)
            np.save(tmp / "syn1.npy", syn1)
            if self.hs:
                np.save(tmp / "syn1hs.npy", syn1hs)
            np.save(tmp / "job_loss.npy", job_loss)
            np.save(tmp / "job_pairs.npy", job_pairs)
            write_vocab(tmp / "vocab.txt", vocab.words, vocab.counts)
            write_state(tmp, self._FAMILY, self._params(), job_words=JOB_WORDS, seed=seed,
                        epoch=epoch, next_job=next_job, raw_total=raw_total,
                        total_words=vocab.total_words, words_done=words_done,
                        loss_history=list(loss_history), pairs_history=list(pairs_history))

    def checkpoint_params(self, path):
        """The parameters the checkpoint `path` was trained with, those a resume must keep
        (`wordvec train --resume` takes the ones its command line leaves out)."""
        return read_params(path, self._FAMILY, self._SCHEDULE)[1]

    def _read_checkpoint(self, path):
        path = Path(path)
        state = read_state(path, self._FAMILY, self, self._SCHEDULE)
        self._check_state(path / "state.json", state)
        if state["job_words"] != JOB_WORDS:
            raise ValueError(f"{path}: checkpoint uses jobs of {state['job_words']} words, "
                             f"this wordvec {JOB_WORDS}")
        words, counts = read_vocab(checkpoint_file(path, state, "vocab.txt"))
        state["vocab"] = Vocabulary(words, counts, state["total_words"])
        state["syn0"] = np.load(checkpoint_file(path, state, "syn0.npy"))
        state["syn1"] = np.load(checkpoint_file(path, state, "syn1.npy"))
        state["syn1hs"] = (np.load(checkpoint_file(path, state, "syn1hs.npy")) if self.hs
                           else np.zeros((0, self.dim), np.float32))
        state["job_loss"] = np.load(checkpoint_file(path, state, "job_loss.npy"))
        state["job_pairs"] = np.load(checkpoint_file(path, state, "job_pairs.npy"))
        self._check_arrays(path, state)
        return state

    def _check_state(self, where, state):
        """`FormatError` naming `where` (state.json) and the field of the first value that
        does not fit this model (those that depend on the corpus: `_check_position`)."""
        epoch = integer(state, where, "epoch", 0, self.epochs)
        for name in ("job_words", "next_job", "raw_total", "total_words", "words_done"):
            integer(state, where, name, 0, 2**63 - 1)
        history(state, where, "loss_history", epoch)
        history(state, where, "pairs_history", epoch, int)

    def _check_arrays(self, path, state):
        """`FormatError` naming the file of the first loaded array that does not fit."""
        if len(state["vocab"]) == 0:
            raise FormatError(checkpoint_file(path, state, "vocab.txt"), "empty vocabulary")
        shape = (len(state["vocab"]), self.dim)
        check_array(checkpoint_file(path, state, "syn0.npy"), state["syn0"], np.float32, shape)
        # negative=0: no output vectors, (0, dim); or (n_words, dim) of zeros, written before
        # they were left out, which are dropped
        full = self.negative or np.shape(state["syn1"])[:1] == shape[:1]
        check_array(checkpoint_file(path, state, "syn1.npy"), state["syn1"], np.float32,
                    shape if full else (0, self.dim))
        if not self.negative:
            state["syn1"] = np.zeros((0, self.dim), np.float32)
        if self.hs:
            check_array(checkpoint_file(path, state, "syn1hs.npy"), state["syn1hs"], np.float32,
                        (shape[0] - 1, self.dim))
        for name, dtype in (("job_loss", np.float64), ("job_pairs", np.int64)):
            file = checkpoint_file(path, state, f"{name}.npy")
            array = check_array(file, state[name], dtype, np.shape(state[name]))
            if array.ndim != 1 or (array < 0).any():
                raise FormatError(file, "expected a 1-D array of numbers >= 0")


def _check_position(state, run, where):
    """`FormatError` unless the checkpoint's position (`next_job`, `words_done`, the per-job
    arrays) fits the jobs of this corpus."""
    epoch, next_job = state["epoch"], state["next_job"]
    if next_job >= max(run.n_jobs, 1) or (epoch == run.model.epochs and next_job):
        raise FormatError(where, f"next_job {next_job} is not a job of epoch {epoch + 1} "
                                 f"(this corpus has {run.n_jobs} jobs an epoch)")
    words_done = epoch * run.raw_total + int(run.job_words[:next_job].sum())
    if state["words_done"] != words_done:
        raise FormatError(where, f"words_done {state['words_done']} does not match epoch "
                                 f"{epoch} job {next_job} ({words_done} words)")
    for name in ("job_loss", "job_pairs"):
        if state[name].shape != (run.n_jobs,):
            raise FormatError(checkpoint_file(where.parent, state, f"{name}.npy"),
                              f"expected {run.n_jobs} values, got shape {state[name].shape}")


class _Run:
    """One training run: the job queue, the worker threads, progress and checkpoints."""

    def __init__(self, model, enc, vocab, seed, syn0, syn1, threads, keep, alias, sig, hs=None):
        self.model, self.enc, self.vocab, self.seed = model, enc, vocab, seed
        self.syn0, self.syn1, self.threads = syn0, syn1, threads
        # hierarchical softmax: (syn1hs, codes, points, code_ends), or empty arrays for none
        self.hs = no_hs(syn0.shape[1]) if hs is None else hs
        raw_ends = enc.read("raw_ends", 0, enc.n_sentences)
        self.bounds = bounds = _job_bounds(raw_ends, JOB_WORDS)
        self.keep, self.alias, self.sig = keep, alias, sig
        self.n_jobs = len(bounds) - 1
        self.raw_total = enc.raw_total
        self.job_words = np.diff(np.concatenate([[0], raw_ends])[bounds])
        self.max_len = max(enc.longest, 1)
        self.sgns_job = model._job_function()  # a shared library, else numba's dispatcher

    def _job(self, epoch, j):
        m, enc = self.model, self.enc
        s0, s1 = int(self.bounds[j]), int(self.bounds[j + 1])
        first = max(s0 - 1, 0)
        ends = enc.read("ends", first, s1)
        raw_starts = enc.read("raw_ends", first, s1 - 1 if s0 else s1)
        if s0:
            tok0, ends = int(ends[0]), ends[1:]
        else:
            tok0, raw_starts = 0, np.concatenate([[0], raw_starts[:-1]])
        ids = enc.read("ids", tok0, int(ends[-1]))
        ends -= tok0
        return self.sgns_job(self.syn0, self.syn1, ids, ends, raw_starts, self.keep,
                             self.alias[0], self.alias[1], self.sig, m.window, m.negative,
                             float(m.alpha), float(m.min_alpha), epoch * self.raw_total,
                             max(m.epochs * self.raw_total, 1), job_seed(self.seed, epoch, j),
                             *self.hs, *m._job_extra(self.max_len))

    def train(self, state):
        """Run the remaining epochs; on Ctrl-C finish the running jobs, checkpoint, re-raise.

        While training, SIGINT only sets a flag (when called from the main thread), so the
        interruption always falls between jobs and the saved state is consistent.
        """
        with sigint_sets_flag() as stop:
            self._train(state, stop)

    def _train(self, state, stop):
        m = self.model
        self.loss_history = list(state["loss_history"])
        self.pairs_history = list(state["pairs_history"])
        epoch, first_job = state["epoch"], state["next_job"]
        total = m.epochs * self.raw_total
        done = epoch * self.raw_total + int(self.job_words[:first_job].sum())
        with Progress(f"epoch {epoch + 1}/{m.epochs}", unit="words", total=total, initial=done,
                      enabled=m.progress) as bar:
            while epoch < m.epochs:
                job_loss = np.zeros(self.n_jobs, np.float64)
                job_pairs = np.zeros(self.n_jobs, np.int64)
                if first_job and state["job_loss"] is not None:
                    job_loss[:first_job] = state["job_loss"][:first_job]
                    job_pairs[:first_job] = state["job_pairs"][:first_job]
                bar.set_desc(f"epoch {epoch + 1}/{m.epochs}")
                done_jobs = self._epoch(epoch, first_job, job_loss, job_pairs, bar, stop)
                check_finite(f"epoch {epoch + 1}", f"alpha={m.alpha}", self.syn0, self.syn1,
                             self.hs[0], loss=float(job_loss.sum()))
                if done_jobs == self.n_jobs:
                    self.loss_history.append(float(job_loss.sum()))
                    self.pairs_history.append(int(job_pairs.sum()))
                    epoch, first_job = epoch + 1, 0
                    job_loss[:], job_pairs[:] = 0, 0
                    if m.checkpoint_every and epoch % m.checkpoint_every == 0 and not stop.is_set():
                        self._save(epoch, 0, job_loss, job_pairs)
                if stop.is_set():
                    if m.checkpoint is not None:
                        self._save(epoch, done_jobs % self.n_jobs if self.n_jobs else 0,
                                   job_loss, job_pairs)
                    raise KeyboardInterrupt

    def _save(self, epoch, next_job, job_loss, job_pairs):
        words_done = epoch * self.raw_total + int(self.job_words[:next_job].sum())
        self.model._write_checkpoint(self.vocab, self.seed, self.syn0, self.syn1, self.hs[0],
                                     epoch, next_job, self.raw_total, words_done, self.loss_history,
                                     self.pairs_history, job_loss, job_pairs)

    def _epoch(self, epoch, first_job, job_loss, job_pairs, bar, stop):
        """Run jobs `first_job:` of `epoch` on the worker threads; returns how many are done.

        The main thread only waits and draws progress. Once `stop` is set no new job starts;
        the running ones finish, so jobs `:returned` are all complete.
        """
        lock = threading.Lock()
        cursor = [first_job]
        active = [self.threads]
        finished = threading.Event()
        errors = []

        def worker():
            try:
                while not stop.is_set():
                    with lock:
                        j = cursor[0]
                        if j >= self.n_jobs:
                            return
                        cursor[0] = j + 1
                    job_loss[j], job_pairs[j] = self._job(epoch, j)
                    if not math.isfinite(job_loss[j]):
                        raise DivergedError  # stops every worker; the main thread says why
                    with lock:
                        bar.done += int(self.job_words[j])
            except BaseException as exc:  # surfaced in the main thread
                errors.append(exc)
                stop.set()
            finally:
                with lock:
                    active[0] -= 1
                    if active[0] == 0:
                        finished.set()

        workers = [threading.Thread(target=worker, daemon=True) for _ in range(self.threads)]
        for w in workers:
            w.start()
        while not finished.wait(0.25):
            bar.update(0, loss=float(job_loss.sum()) / max(int(job_pairs.sum()), 1))
        for w in workers:
            w.join()
        if errors and not isinstance(errors[0], DivergedError):
            raise errors[0]
        bar.update(0, loss=float(job_loss.sum()) / max(int(job_pairs.sum()), 1))
        return cursor[0]
