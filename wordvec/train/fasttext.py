"""fastText's subword model (Bojanowski et al. 2017), skip-gram or CBOW with negative sampling.

A word's input vector is the mean of its own row and of one row per character n-gram of
`<word>` (`minn` to `maxn` characters, hashed into `bucket` rows with fastText's FNV-1a
variant: `wordvec.subwords`), in fastText's and gensim's layout of the input matrix (words,
then buckets). So a word never seen in training still gets a vector, the mean of its n-gram
rows: `vectors_` is a `SubwordVectors` answering `v["unseen"]`, `most_similar("unseen")`.

One design for the word2vec family: vocabulary, subsampling, the reduced window, the
learning-rate schedule, negatives from counts ** 0.75, the job scheme and its seeds, threads,
progress, checkpoints and resume are SGNS's (`train/sgns.py`), and so is the reproducibility
rule: with a seed and `threads=1` training is bit-for-bit reproducible. The kernel is
`_kernels/fasttext.py`. Input rows (words and buckets) start uniform in [-1, 1) / dim, as in
fastText and gensim (twice SGNS's range: on held-out inflections, see
`benchmarks/bench_fasttext.py`, SGNS's range put the base form among the 10 neighbours of 2
points fewer), output rows at zero.

One difference from fastText and gensim, for speed: skip-gram takes the centre word's subword
mean `h` once per window and adds the window's error to its rows at the end, where they
recompute `h` and update the rows after every (centre, context) pair. Measured on `small`
(dim 50, 5 epochs, one thread, the held-out inflections of `tests/test_fasttext.py`): the
per-pair update's losses to 0.005, analogy .225 against .229, WS353 .320 against .319, base
form in the top 10 for .41 against .42 of the unseen inflections, at half the CPU time.
Negatives are drawn for each pair, as they do: drawing them once per centre word (SGNS's
HogBatch scheme) halved the CPU time again but cost analogy .676 -> .639 and WS353 .647 ->
.630 on `bench` (`benchmarks/bench_fasttext.py`; gensim .660 and .668).

Examples
--------
>>> from wordvec import FastText                                          # doctest: +SKIP
>>> model = FastText(dim=50, epochs=3, random_state=0).fit("corpus.txt")  # doctest: +SKIP
>>> model.vectors_.most_similar("kingdomz", topn=3)                        # doctest: +SKIP
"""

import numpy as np

from .._memory import check_memory
from ..subwords import SubwordVectors, subword_rows, word_means
from ._checkpoint import check_array, checkpoint_file
from ._params import check_integers
from .sgns import _SCHEDULE, SGNS

_WORD2VEC_ARGS = 16   # syn0 ... seed: the job arguments every word2vec kernel takes first
_OWN_ARGS = 6         # what `_job_extra` adds: sub_starts, sub_rows, sg and 3 scratch arrays


class FastText(SGNS):
    """fastText subword vectors (skip-gram or CBOW, negative sampling); `fit(corpus)` learns
    `vectors_`, which answer for unseen words too.

    Parameters are SGNS's (see `SGNS`; no hierarchical softmax), plus:

    sg : bool
        Skip-gram (True, fastText's `skipgram`) or CBOW (False, fastText's `cbow`).
    minn, maxn : int
        Lengths of the character n-grams, in characters (`maxn=0`: no n-grams, word2vec).
    bucket : int
        Number of hashed n-gram rows.

    Attributes are SGNS's; `vectors_` is a `SubwordVectors` (full word vectors, and the
    n-gram matrix `(bucket, dim)` as `vectors_.ngrams`); `pairs_history_` counts the trained
    (centre, context) pairs (skip-gram) or windows (CBOW).
    """

    _FAMILY = "fasttext"
    _SCHEDULE = (*_SCHEDULE, "sg", "minn", "maxn", "bucket")
    hs = False   # the word2vec kernels' hierarchical softmax is not one of fastText's options

    def __init__(self, dim=100, window=5, negative=5, sample=1e-3, min_count=5, max_vocab=None,
                 epochs=5, alpha=0.025, min_alpha=0.0001, sg=True, minn=3, maxn=6,
                 bucket=2_000_000, threads=None, random_state=None, progress=True,
                 checkpoint=None, checkpoint_every=None):
        super().__init__(dim=dim, window=window, negative=negative, sample=sample,
                         min_count=min_count, max_vocab=max_vocab, epochs=epochs, alpha=alpha,
                         min_alpha=min_alpha, threads=threads, random_state=random_state,
                         progress=progress, checkpoint=checkpoint,
                         checkpoint_every=checkpoint_every)
        self.sg = sg
        self.minn = minn
        self.maxn = maxn
        self.bucket = bucket

    def _validate(self):
        super()._validate()
        if not isinstance(self.sg, bool):
            raise ValueError(f"sg must be True or False, got {self.sg!r}")
        check_integers(self, ("minn", "maxn"), low=0)
        check_integers(self, ("bucket",))
        if self.maxn and not 1 <= self.minn <= self.maxn:
            raise ValueError(f"need 1 <= minn <= maxn (or maxn=0 for no n-grams), got "
                             f"minn={self.minn}, maxn={self.maxn}")

    # ------------------------------------------------------------------ the matrices
    # (SGNS.fit's hooks)
    def _check_memory(self, n_words):
        check_memory((2 * n_words + self.bucket) * self.dim * 4,
                     f"FastText needs (2 x {n_words} words + {self.bucket} buckets) x {self.dim} "
                     f"dimensions x 4 bytes")

    def _prepare(self, vocab):
        self._subwords = subword_rows(vocab.words, self.minn, self.maxn, self.bucket)

    def _input_matrix(self, rng, n_words):
        """Word and bucket rows, uniform in [-1, 1) / dim."""
        syn0 = rng.random((n_words + self.bucket, self.dim), dtype=np.float32)
        syn0 -= np.float32(0.5)
        syn0 *= np.float32(2.0 / self.dim)
        return syn0

    def _vectors(self, vocab, syn0):
        """Each word's mean of its subword rows, and the bucket rows as the n-grams."""
        return SubwordVectors(vocab.words, word_means(syn0, *self._subwords),
                              syn0[len(vocab):], self.minn, self.maxn, vocab.counts)

    # ------------------------------------------------------------------ the kernel
    def _job_function(self):
        from .._kernels.fasttext_host import job_function

        job = job_function()

        def fasttext_job(*args):
            # word2vec's arguments, then ours (`_job_extra`); whatever the driver passes in
            # between for word2vec's own output layers is not fastText's
            return job(*args[:_WORD2VEC_ARGS], *args[-_OWN_ARGS:])

        return fasttext_job

    def _job_extra(self, max_len):
        """The kernel's arguments after `seed`: the subword table, `sg`, scratch buffers."""
        from .._kernels.fasttext_host import scratch_buffers

        return (*self._subwords, int(self.sg), *scratch_buffers(self.dim, max_len))

    # ------------------------------------------------------------------ checkpoints
    def _check_arrays(self, path, state):
        """As SGNS's, the input matrix having `n_words + bucket` rows."""
        syn0 = state["syn0"]
        n = len(state["vocab"])
        check_array(checkpoint_file(path, state, "syn0.npy"), syn0, np.float32,
                    (n + self.bucket, self.dim))
        state["syn0"] = syn0[:n]   # the word rows: the shape SGNS's checks expect
        try:
            super()._check_arrays(path, state)
        finally:
            state["syn0"] = syn0
