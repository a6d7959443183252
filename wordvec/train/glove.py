"""GloVe: word vectors from weighted least squares on log co-occurrence counts.

Minimises sum over nonzero X_ij of f(X_ij) (W_i . C_j + bw_i + bc_j - log X_ij)^2 with
f(x) = min(1, (x / x_max) ** weight_exponent) (the paper's alpha), by AdaGrad as the GloVe
C tool does it (see `wordvec._kernels.glove` for the exact update, gradient clipping
included): accumulators start at 1, vectors and biases start uniform in [-0.5, 0.5] / dim,
and every epoch visits the nonzeros in a fresh random order, in blocks run Hogwild on
`threads` cores.

Reproducibility: the initial values and each epoch's order come from `random_state` alone.
With `threads=1` the blocks run in order and the result is bit-for-bit reproducible; with
more threads, concurrent lock-free updates make the last bits vary from run to run.

Examples
--------
>>> from wordvec import GloVe                                                  # doctest: +SKIP
>>> model = GloVe(dim=100, epochs=25, x_max=10, random_state=0).fit("corpus.txt")  # doctest: +SKIP
>>> model.vectors_.most_similar("king", topn=3)                                # doctest: +SKIP
>>> GloVe(epochs=5).fit(cooccurrence="counts")      # counts from `wordvec cooccur` # doctest: +SKIP
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .._atomic import read_dir
from .._estimator import ParamsMixin
from .._kernels.glove_host import epoch_function, shuffle_function
from .._memory import check_memory
from .._progress import Progress
from ..errors import FormatError
from ..store import Vectors
from ._checkpoint import (
    check_array,
    check_finite,
    checkpoint_file,
    history,
    integer,
    number,
    read_params,
    read_state,
    sigint_sets_flag,
    write_checkpoint,
    write_state,
)
from ._params import check_floats, check_integers, seed_from, source_of
from .cooccur import (
    Cooccurrence,
    _check_window,
    count_cooccurrences,
    load_cooccurrence,
    parse_memory,
)

OUTPUTS = ("sum", "word", "context", "concat")
GRAD_CLIP = 100.0          # glove.c's default -grad-clip
SLICE = 1 << 20            # nonzeros per kernel call (progress and Ctrl-C granularity)
_SCHEDULE = ("dim", "x_max", "weight_exponent", "learning_rate")
_STATE = ("W", "C", "bw", "bc", "gW", "gC", "gbw", "gbc")


def weighting(x, x_max=100.0, exponent=0.75):
    """f(x) = min(1, (x / x_max) ** exponent), elementwise, float64."""
    return np.minimum(1.0, (np.asarray(x, dtype=np.float64) / x_max) ** exponent)


class GloVe(ParamsMixin):
    """GloVe trainer; `fit(corpus)` or `fit(cooccurrence=...)` learns `vectors_`.

    Parameters
    ----------
    dim : int
        Vector dimensions.
    epochs : int
        Passes over the nonzero co-occurrences.
    x_max, weight_exponent : float
        The weighting f(x) = min(1, (x / x_max) ** weight_exponent) (the paper's and glove.c's
        x_max and alpha). On corpora of ~10M words x_max=10 gives better vectors than the
        paper's 100.
    learning_rate : float
        AdaGrad's initial learning rate (eta).
    window, symmetric, min_count, max_vocab, memory :
        Counting settings, used when `fit` is given a corpus (see `count_cooccurrences`).
    output : {"sum", "word", "context", "concat"}
        `vectors_` holds W + C (default, as glove.c), W, C, or [W, C] side by side.
    threads : int, optional
        Worker threads; all cores by default.
    random_state : int, optional
        Seed; with `threads=1` the result is bit-for-bit reproducible.
    progress : bool
        Progress line on stderr (only when it is a terminal).
    checkpoint : path, optional
        Folder for the training state, written every `checkpoint_every` epochs (default 1)
        and on Ctrl-C (between kernel calls, at most `SLICE` nonzeros apart);
        `fit(..., resume=folder)` continues from it exactly where it stopped.
    checkpoint_every : int, optional
        Epochs between checkpoints.

    Attributes
    ----------
    vectors_ : Vectors
        The output vectors with the words' counts.
    word_vectors_, context_vectors_ : ndarray of float32, shape (n_words, dim)
    word_bias_, context_bias_ : ndarray of float32, shape (n_words,)
    loss_history_ : ndarray of float64, shape (epochs,)
        Per epoch, the mean over nonzeros of 0.5 f(X) (...)^2 accumulated during the epoch
        (the "cost" glove.c prints).
    cooccurrence_meta_ : dict
        The counting settings of the matrix trained on.
    timings_ : dict
        Seconds spent "counting" and "training" (compilation included).
    """

    def __init__(self, dim=100, epochs=25, x_max=100.0, weight_exponent=0.75, learning_rate=0.05,
                 window=10, symmetric=True, min_count=5, max_vocab=None, memory="2G",
                 output="sum", threads=None, random_state=None, progress=True,
                 checkpoint=None, checkpoint_every=None):
        self.dim = dim
        self.epochs = epochs
        self.x_max = x_max
        self.weight_exponent = weight_exponent
        self.learning_rate = learning_rate
        self.window = window
        self.symmetric = symmetric
        self.min_count = min_count
        self.max_vocab = max_vocab
        self.memory = memory
        self.output = output
        self.threads = threads
        self.random_state = random_state
        self.progress = progress
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every

    # ------------------------------------------------------------------ validation
    def _validate(self):
        check_integers(self, ("dim", "epochs", "min_count"))
        check_integers(self, ("max_vocab", "threads", "checkpoint_every"), optional=True)
        check_floats(self, ("x_max", "weight_exponent", "learning_rate"))
        _check_window(self.window)
        parse_memory(self.memory)
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, got {self.output!r}")
        if self.checkpoint_every is not None and self.checkpoint is None:
            raise ValueError("checkpoint_every needs a checkpoint folder")

    # ------------------------------------------------------------------ fit
    def fit(self, corpus=None, *, cooccurrence=None, resume=None):
        """Count co-occurrences of `corpus` (or take `cooccurrence`) and train.

        Parameters
        ----------
        corpus : path, Corpus or iterable of token lists, optional
        cooccurrence : path or Cooccurrence, optional
            A counts folder written by `wordvec cooccur` / `count_cooccurrences`, used
            instead of counting (the counting parameters of this model are then ignored).
        resume : path, optional
            A checkpoint folder of a run with the same parameters on the same counts.

        Returns
        -------
        self
        """
        self._validate()
        if (corpus is None) == (cooccurrence is None):
            raise ValueError("give either a corpus or cooccurrence=, not both or neither")
        start = time.perf_counter()
        if cooccurrence is None:
            X = count_cooccurrences(corpus, None, window=self.window, symmetric=self.symmetric,
                                    min_count=self.min_count, max_vocab=self.max_vocab,
                                    memory=self.memory, progress=self.progress)
        elif isinstance(cooccurrence, Cooccurrence):
            X = cooccurrence
        else:
            X = load_cooccurrence(cooccurrence)
        if X.nnz == 0:
            raise ValueError("the co-occurrence matrix is empty (a corpus of one-word sentences?)")
        counted = time.perf_counter()
        if resume is not None:
            shape = (X.nnz, len(X.words))
            state = read_dir(lambda: self._read_checkpoint(resume, shape))
            seed, epoch, losses = state["seed"], state["epoch"], state["loss_history"]
            params, position = state["params"], (state["next"], state["partial_loss"])
        else:
            seed, epoch, losses = seed_from(self.random_state), 0, []
            n = len(X.words)
            check_memory(16 * X.nnz + 16 * n * (self.dim + 1),
                         f"GloVe needs 16 bytes x {X.nnz} nonzeros + 4 x {n} words x "
                         f"({self.dim} dimensions + 1) x 4 bytes")
            params, position = _initial_params(n, self.dim, seed), (0, 0.0)
        nz = _nonzeros(X, self.x_max, self.weight_exponent)
        words, counts, meta, shape = X.words, X.counts, dict(X.meta), (X.nnz, len(X.words))
        del X   # the counts may be in memory: training needs only `nz`
        for e in range(epoch + (position[0] > 0)):   # replay the orders of the epochs begun
            _shuffle(nz, seed, e)
        with sigint_sets_flag() as stop:
            losses = self._train(params, nz, seed, epoch, position, losses,
                                 shape, stop)
        check_finite("the end", f"learning_rate={self.learning_rate}", *params.values())
        self.timings_ = {"counting": counted - start, "training": time.perf_counter() - counted}
        self.cooccurrence_meta_ = meta
        W, C = params["W"], params["C"]
        out = {"sum": lambda: W + C, "word": lambda: W, "context": lambda: C,
               "concat": lambda: np.hstack([W, C])}[self.output]()
        self.vectors_ = Vectors(words, out, counts)
        self.vectors_.source = source_of(self, "glove")
        self.word_vectors_, self.context_vectors_ = W, C
        self.word_bias_, self.context_bias_ = params["bw"], params["bc"]
        self.loss_history_ = np.asarray(losses, dtype=np.float64)
        return self

    def _train(self, p, nz, seed, epoch, position, losses, shape, stop):
        """Run the remaining epochs from nonzero `position[0]` of `epoch` (whose loss so far
        is `position[1]`). SIGINT only sets `stop`, checked between kernel calls: then the
        state is checkpointed at that nonzero and KeyboardInterrupt raised."""
        threads = self.threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                   else os.cpu_count() or 1)
        with _Slices(epoch_function(), p, nz, threads, self.learning_rate) as run_slice:
            return self._epochs(run_slice, p, nz, seed, epoch, position, losses, shape, stop)

    def _epochs(self, run_slice, p, nz, seed, epoch, position, losses, shape, stop):
        n = nz.shape[0]
        every = self.checkpoint_every or 1
        losses = list(losses)
        first, total = position
        rate = f"learning_rate={self.learning_rate}"
        while epoch < self.epochs:
            with Progress(f"epoch {epoch + 1}/{self.epochs}", unit="nonzeros", total=n,
                          initial=first, enabled=self.progress) as bar:
                if first == 0:
                    _shuffle(nz, seed, epoch)
                for lo in range(first, n, SLICE):
                    hi = min(n, lo + SLICE)
                    total += run_slice(lo, hi)
                    if not np.isfinite(total):
                        check_finite(f"epoch {epoch + 1}", rate, loss=total)
                    bar.update(hi - lo, cost=total / hi)
                    if stop.is_set() and hi < n:
                        check_finite(f"epoch {epoch + 1}", rate, *p.values())
                        if self.checkpoint is not None:
                            self._write_checkpoint(p, seed, epoch, (hi, total), losses, shape)
                        raise KeyboardInterrupt
            check_finite(f"epoch {epoch + 1}", rate, *p.values())
            losses.append(total / n)
            epoch, first, total = epoch + 1, 0, 0.0
            if self.checkpoint is not None and (epoch % every == 0 or stop.is_set()):
                self._write_checkpoint(p, seed, epoch, (0, 0.0), losses, shape)
            if stop.is_set():
                raise KeyboardInterrupt
        return losses

    # ------------------------------------------------------------------ checkpoints
    def _write_checkpoint(self, params, seed, epoch, position, losses, shape):
        with write_checkpoint(self.checkpoint, "glove") as tmp:
            for name in _STATE:
                np.save(tmp / f"{name}.npy", params[name])
            write_state(tmp, "glove", {name: getattr(self, name) for name in _SCHEDULE},
                        seed=seed, epoch=epoch, next=int(position[0]),
                        partial_loss=float(position[1]), loss_history=list(losses),
                        nnz=int(shape[0]), n_words=int(shape[1]))

    def checkpoint_params(self, path):
        """The parameters the checkpoint `path` was trained with, those a resume must keep
        (`wordvec train --resume` takes the ones its command line leaves out)."""
        return read_params(path, "glove", _SCHEDULE)[1]

    def _read_checkpoint(self, path, shape):
        path = Path(path)
        state = read_state(path, "glove", self, _SCHEDULE)
        where = path / "state.json"
        epoch = integer(state, where, "epoch", 0, self.epochs)
        for name in ("nnz", "n_words"):
            integer(state, where, name, 1, 2**63 - 1)
        if (state["nnz"], state["n_words"]) != tuple(shape):
            raise ValueError(f"{path}: checkpoint was trained on {state['nnz']} nonzeros over "
                             f"{state['n_words']} words, these counts have {shape[0]} over "
                             f"{shape[1]}")
        position = integer(state, where, "next", 0, shape[0] - 1 if epoch < self.epochs else 0)
        number(state, where, "partial_loss")
        if position == 0 and state["partial_loss"] != 0:
            raise FormatError(where, "partial_loss must be 0 at the start of an epoch")
        history(state, where, "loss_history", epoch)
        state["params"] = {name: np.load(checkpoint_file(path, state, f"{name}.npy"))
                           for name in _STATE}
        for name in _STATE:
            check_array(checkpoint_file(path, state, f"{name}.npy"), state["params"][name],
                        np.float32, (shape[1], self.dim) if name[-1] in "WC" else (shape[1],),
                        positive=name.startswith("g"))
        return state


def _initial_params(n_words, dim, seed):
    """glove.c's start: vectors and biases uniform in [-0.5, 0.5] / dim, accumulators 1."""
    rng = np.random.default_rng(seed)

    def uniform(shape):
        a = rng.random(shape, dtype=np.float32)
        a -= np.float32(0.5)
        a /= np.float32(dim)
        return a

    params = {"W": uniform((n_words, dim)), "C": uniform((n_words, dim)),
              "bw": uniform(n_words), "bc": uniform(n_words)}
    for name in ("W", "C", "bw", "bc"):
        params["g" + name] = np.ones_like(params[name])
    return params


def _nonzeros(X, x_max, alpha):
    """The nonzeros as one int32 `(nnz, 4)` array, rows (i, j, log X, f(X)) with the last two
    stored as float32 bits (the kernel reads them as its `pairs` and `targets` views)."""
    nz = np.empty((X.nnz, 4), dtype=np.int32)
    targets = nz.view(np.float32)[:, 2:]
    for lo in range(0, X.nnz, SLICE):
        hi = min(X.nnz, lo + SLICE)
        vals = X.read("vals", lo, hi).astype(np.float64, copy=False)
        nz[lo:hi, 0] = X.read("rows", lo, hi)
        nz[lo:hi, 1] = X.read("cols", lo, hi)
        targets[lo:hi, 0] = np.log(vals)
        targets[lo:hi, 1] = weighting(vals, x_max, alpha)
    return nz


class _Slices:
    """`slices(lo, hi) -> loss`: nonzeros `lo:hi` cut into 4 blocks per thread and run on
    `threads` threads (Hogwild: the GIL-free kernel updates shared rows without locks), the
    block losses summed in block order. With one thread the blocks run in order, so a seed
    gives the same vectors every time. A context manager: leaving it stops the threads."""

    def __init__(self, epoch_block, params, nz, threads, eta):
        self.epoch_block, self.params, self.nz, self.eta = epoch_block, params, nz, eta
        self.n_blocks = 4 * threads
        self.pool = ThreadPoolExecutor(threads) if threads > 1 else None

    def _one(self, block):
        return self.epoch_block(self.params, self.nz, block[0], block[1], self.eta, GRAD_CLIP)

    def __call__(self, lo, hi):
        n, k = hi - lo, self.n_blocks
        blocks = [(lo + b * n // k, lo + (b + 1) * n // k) for b in range(k)]
        return sum((self.pool.map if self.pool else map)(self._one, blocks))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown()


def _shuffle(nz, seed, epoch):
    shuffle = shuffle_function()
    state = np.random.SeedSequence([seed, epoch]).generate_state(1, np.uint64)[0]
    shuffle(nz, int(state >> np.uint64(1)))
