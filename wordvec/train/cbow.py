"""Continuous bag of words with negative sampling or hierarchical softmax (word2vec's CBOW,
gensim's `sg=0`).

One design for the word2vec variants: `CBOW` is `SGNS` with another kernel
(`_kernels/cbow.py`). Vocabulary, subsampling, the reduced window, the learning-rate schedule,
the job scheme and its seeds, threads, progress, checkpoints and resume are SGNS's, and so is
the reproducibility rule: with a seed and `threads=1` training is bit-for-bit reproducible.
The model: the context words of a window are averaged (`cbow_mean=True`, the default, as in
word2vec and gensim) or summed into `h`, which predicts the centre word against `negative`
words drawn from counts ** 0.75 (and/or, with `hs=True`, walks the centre word's path in
SGNS's Huffman tree); the error reaching `h` goes back to each context word (whole for a
mean, as word2vec and gensim do; divided by their number for a sum, as gensim).

Examples
--------
>>> from wordvec import CBOW                                              # doctest: +SKIP
>>> model = CBOW(dim=50, epochs=3, random_state=0).fit("corpus.txt")      # doctest: +SKIP
>>> model.vectors_.most_similar("king", topn=3)                            # doctest: +SKIP
"""

from .sgns import _SCHEDULE, SGNS


class CBOW(SGNS):
    """Word2vec CBOW with negative sampling (or hierarchical softmax); `fit(corpus)` learns
    `vectors_`.

    Parameters are SGNS's (see `SGNS`), but `alpha` starts at 0.05, word2vec's rate for CBOW
    (gensim keeps skip-gram's 0.025; on `bench` 0.05 gives analogy .31 against .23), plus:

    cbow_mean : bool
        Average the context vectors (True, word2vec's and gensim's default) or sum them.

    Attributes are SGNS's; `pairs_history_` counts the (window, centre word) examples
    trained in each epoch, and `loss_history_` sums `-log sigmoid` over their targets.
    """

    _FAMILY = "cbow"
    _SCHEDULE = (*_SCHEDULE, "cbow_mean")

    def __init__(self, dim=100, window=5, negative=5, hs=False, sample=1e-3, min_count=5,
                 max_vocab=None, epochs=5, alpha=0.05, min_alpha=0.0001, cbow_mean=True,
                 threads=None, random_state=None, progress=True, checkpoint=None,
                 checkpoint_every=None):
        super().__init__(dim=dim, window=window, negative=negative, hs=hs, sample=sample,
                         min_count=min_count, max_vocab=max_vocab, epochs=epochs, alpha=alpha,
                         min_alpha=min_alpha, threads=threads, random_state=random_state,
                         progress=progress, checkpoint=checkpoint,
                         checkpoint_every=checkpoint_every)
        self.cbow_mean = cbow_mean

    def _validate(self):
        super()._validate()
        if not isinstance(self.cbow_mean, bool):
            raise ValueError(f"cbow_mean must be True or False, got {self.cbow_mean!r}")

    def _job_function(self):
        from .._kernels.cbow_host import job_function

        return job_function()

    def _job_extra(self, max_len):
        from .._kernels.cbow_host import scratch_buffers

        return (int(self.cbow_mean), *scratch_buffers(self.dim, self.negative, max_len))
