"""Phrase detection: join frequent collocations ("new york" -> "new_york") into one token.

The scores and the joining rule are those of gensim's `Phrases` (Mikolov et al. 2013, section
4), so that with the same settings the counts, the phrases and their scores are the same:

- every word and every pair of adjacent words within a sentence is counted;
- "default" scoring: `(count(a b) - min_count) / (count(a) * count(b)) * len_vocab`, where
  `len_vocab` is the number of distinct words plus distinct pairs counted;
- "npmi" scoring (Bouma 2009): `ln(p(a b) / (p(a) p(b))) / -ln(p(a b))`, probabilities being
  counts over the number of corpus tokens, for pairs seen at least `min_count` times;
- a pair is a phrase when its score is above `threshold`; a sentence is rewritten left to
  right, joining a word to the next one when the pair is a phrase (so in "a b c" with both
  "a b" and "b c" phrases, "a_b c" results).

Each further pass (`passes=2`, ...) counts the output of the previous ones, so phrases of
three and four words ("new_york_city") can form. Two differences from gensim, both outside the
cases above: gensim keeps words and pairs in one table keyed by the joined string, so a corpus
word "a_b" and the pair "a b" share a count there (here they are apart); and gensim has no
passes of its own (one runs `Phrases` again on the output of the first).

Memory: words are a dict (as in gensim), but pairs are int64 keys in a sorted numpy array with
their counts: 16 bytes a distinct pair, about 40 at the peak of a merge of buffered pairs,
against about 150 a type in gensim's dict of joined strings (on `bench`, 12.1M tokens and 3.1M
types: 310 MB peak here, 474 MB in gensim). `max_vocab_size` bounds the distinct words plus
pairs held, as in gensim: when a merge leaves more, those seen fewer than `min_reduce` times
are dropped and `min_reduce` rises by one until the table fits (it never falls). Counts are
then underestimates, as in gensim, and `min_reduce_` (1 when nothing was dropped) says how far.
Pruning happens at merges, gensim's after a sentence, so the two agree exactly only when
neither prunes.

Examples
--------
>>> from wordvec.phrases import Phrases
>>> sentences = [["new", "york", "is", "big"], ["i", "love", "new", "york"]] * 3
>>> model = Phrases(min_count=1, threshold=1.5, progress=False).fit(sentences)
>>> model.phrasegrams_     # new_york: (6 - 1) / (6 * 6) * 11 (6 words + 5 pairs)
{'new_york': 1.527777777777778, 'is_big': 2.444444444444444, 'i_love': 2.444444444444444}
>>> model.transform([["i", "love", "new", "york", "city"]])
[['i_love', 'new_york', 'city']]
"""

import warnings
from collections import defaultdict
from itertools import chain, count, repeat

import numpy as np

from ._estimator import ParamsMixin
from .corpus import UntokenizedWarning, _batched, _gc_paused, as_corpus, untokenized_hint

SCORING = ("default", "npmi")
_LOW = np.int64(0xFFFFFFFF)
_BUFFER = 1 << 21  # pairs buffered at least before a merge into the table


class Phrases(ParamsMixin):
    """Learn phrases from a corpus and join them in sentences (gensim's `Phrases`).

    Parameters
    ----------
    min_count : int
        Pairs seen this many times or fewer never score above 0 ("default"); with "npmi",
        pairs seen fewer times are not phrases.
    threshold : float
        A pair is a phrase when its score is above this (> 0 for "default", in [-1, 1] for
        "npmi").
    scoring : {"default", "npmi"}
        Mikolov et al.'s score, or normalised pointwise mutual information.
    passes : int
        Rounds of detection; each counts the output of the previous ones, so pass 2 can join
        a phrase of pass 1 with a word ("new_york" + "city").
    delimiter : str
        Joins the words of a phrase (no whitespace).
    max_vocab_size : int
        Most distinct words plus pairs held at once while counting (see the module docstring);
        gensim's default, 40M, keeps a table of pairs under about 1.6 GB.
    progress : bool
        Show a progress line on a terminal.

    Attributes
    ----------
    phrasegrams_ : dict of str to float
        Every phrase of every pass, joined by `delimiter`, with its score (gensim's
        `export_phrases()`).
    tables_ : list of PhraseTable
        The counts and phrases of each pass.
    """

    def __init__(self, min_count=5, threshold=10.0, scoring="default", passes=1, delimiter="_",
                 max_vocab_size=40_000_000, progress=True):
        self.min_count = min_count
        self.threshold = threshold
        self.scoring = scoring
        self.passes = passes
        self.delimiter = delimiter
        self.max_vocab_size = max_vocab_size
        self.progress = progress

    def _validate(self):
        from .train._params import check_integers

        check_integers(self, ("min_count", "passes", "max_vocab_size"))
        if self.scoring not in SCORING:
            raise ValueError(f"scoring must be one of {', '.join(SCORING)}, "
                             f"got {self.scoring!r}")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) or t != t:
            raise ValueError(f"threshold must be a number, got {t!r}")
        if self.scoring == "default" and not 0 < t < float("inf"):
            raise ValueError(f"threshold must be a finite number > 0 for default scoring, "
                             f"got {t!r}")
        if self.scoring == "npmi" and not -1 <= t <= 1:
            raise ValueError(f"threshold must be in [-1, 1] for npmi scoring, got {t!r}")
        d = self.delimiter
        if not isinstance(d, str) or not d or d != "".join(d.split()):
            raise ValueError(f"delimiter must be a non-empty string without whitespace, "
                             f"got {d!r}")

    def fit(self, corpus):
        """Count words and pairs of `corpus` (a path, a `Corpus` or token lists), `passes`
        times, and keep the phrases. Returns self."""
        from ._progress import Progress

        self._validate()
        corpus = as_corpus(corpus)
        tables, total = [], None
        for k in range(self.passes):
            counter = _Counter(self.max_vocab_size)
            desc = f"phrases: pass {k + 1}/{self.passes}" if self.passes > 1 else "phrases"
            with _gc_paused(), Progress(desc, unit="words", total=total,
                                        enabled=self.progress) as bar:
                for flat, lengths in _blocks(corpus, tables, self.delimiter, bar):
                    counter.add(flat, lengths)
            table = counter.table()
            if table.corpus_word_count == 0:
                raise ValueError(f"{_describe(corpus)}: corpus is empty (no tokens)")
            if not tables:
                _warn_untokenized(corpus, table)
            table.score(self.scoring, self.min_count, self.threshold)
            tables.append(table)
            total = table.corpus_word_count
        self.tables_ = tables
        self.min_reduce_ = max(t.min_reduce for t in tables)
        self.phrasegrams_ = {}
        for table in tables:
            for phrase, score in table.phrasegrams(self.delimiter).items():
                self.phrasegrams_.setdefault(phrase, score)
        return self

    def _check_fitted(self):
        if not hasattr(self, "tables_"):
            raise ValueError("this Phrases is not fitted yet: call fit(corpus) first")

    def transform(self, sentences):
        """The token lists `sentences` with the phrases of every pass joined (a new list)."""
        self._check_fitted()
        out = []
        for flat, lengths in _blocks(as_corpus(sentences), self.tables_, self.delimiter):
            out.extend(_split(flat, lengths))
        return out

    def write(self, corpus, output, progress=None):
        """Write `corpus` with its phrases joined to `output` (a path, written atomically, or
        a text file object): one line a sentence, tokens separated by one space. A line of
        more than the corpus's `max_sentence_length` tokens becomes several lines.

        Returns the number of tokens written.
        """
        from ._atomic import atomic_file
        from ._progress import Progress

        self._check_fitted()
        corpus = as_corpus(corpus)
        progress = self.progress if progress is None else progress
        total = self.tables_[0].corpus_word_count

        def run(f):
            written = 0
            with _gc_paused(), Progress("writing", unit="words", total=total,
                                        enabled=progress) as bar:
                for flat, lengths in _blocks(corpus, self.tables_, self.delimiter, bar):
                    lines = map(" ".join, _split(flat, lengths))
                    f.write("\n".join(lines))
                    f.write("\n")
                    written += len(flat)
            return written

        if hasattr(output, "write"):
            return run(output)
        with atomic_file(output, "w", encoding="utf-8", newline="\n") as f:
            return run(f)


class PhraseTable:
    """The counts of one pass over a corpus, and the phrases they make.

    Attributes
    ----------
    words : list of str
        Distinct words, in order of first appearance (pruned ones left out).
    word_counts : ndarray of int64, shape (n_words,)
    pairs : ndarray of int64, shape (n_pairs,)
        Distinct adjacent pairs, as `id(a) << 32 | id(b)`, sorted.
    pair_counts : ndarray of int64, shape (n_pairs,)
    corpus_word_count : int
        Tokens read (gensim's `corpus_word_count`).
    min_reduce : int
        Types seen fewer times than this may have been dropped (1: none were).
    phrases, scores : ndarray of int64 and float64, shape (n_phrases,)
        The pairs that score above the threshold (sorted), and their scores.
    """

    def __init__(self, words, word_counts, pairs, pair_counts, corpus_word_count, min_reduce):
        self.words = words
        self.word_counts = word_counts
        self.pairs = pairs
        self.pair_counts = pair_counts
        self.corpus_word_count = corpus_word_count
        self.min_reduce = min_reduce

    def __len__(self):
        """Distinct words plus distinct pairs: gensim's `len(phrases.vocab)`."""
        return len(self.words) + len(self.pairs)

    def __repr__(self):
        return (f"PhraseTable(n_words={len(self.words)}, n_pairs={len(self.pairs)}, "
                f"n_phrases={len(self.phrases)})")

    def vocab(self, delimiter="_"):
        """Every count as gensim's `Phrases.vocab`: word or `delimiter`-joined pair -> count."""
        out = dict(zip(self.words, self.word_counts.tolist()))
        out.update(zip(self._joined(self.pairs, delimiter), self.pair_counts.tolist()))
        return out

    def phrasegrams(self, delimiter="_"):
        """The phrases as gensim's `export_phrases()`: joined pair -> score."""
        return dict(zip(self._joined(self.phrases, delimiter), self.scores.tolist()))

    def _joined(self, keys, delimiter):
        words = self.words
        return [words[a] + delimiter + words[b]
                for a, b in zip((keys >> 32).tolist(), (keys & _LOW).tolist())]

    def score(self, scoring, min_count, threshold):
        """Score every pair as gensim does and keep those above `threshold` as `phrases`."""
        a, b = self.pairs >> 32, self.pairs & _LOW
        count_a, count_b = self.word_counts[a], self.word_counts[b]
        count_ab = self.pair_counts
        with np.errstate(divide="ignore", invalid="ignore"):
            if scoring == "default":
                # gensim: (bigram_count - min_count) / float(denom) * len_vocab, in this order
                scores = ((count_ab - min_count) / (count_a * count_b).astype(np.float64)
                          * float(len(self)))
            else:
                n = float(self.corpus_word_count)
                p_ab = count_ab / n
                scores = np.log(p_ab / ((count_a / n) * (count_b / n))) / -np.log(p_ab)
                scores[count_ab < min_count] = -np.inf
        keep = scores > threshold
        self.phrases, self.scores = self.pairs[keep], scores[keep]
        # The transform looks up only the words of phrases, renumbered in the same order
        # (so the renumbered keys stay sorted).
        used = np.unique(np.concatenate([a[keep], b[keep]]))
        self._index = {self.words[i]: j for j, i in enumerate(used.tolist())}
        new_id = np.zeros(len(self.words), dtype=np.int64)
        new_id[used] = np.arange(len(used))
        self._keys = (new_id[a[keep]] << 32) | new_id[b[keep]]

    def join(self, flat, lengths, delimiter):
        """Join the phrases in one block: `flat` tokens of sentences `lengths` long -> the
        same for the rewritten sentences (new lists and arrays)."""
        n = len(flat)
        if n < 2 or not len(self._keys):
            return flat, lengths
        ids = np.fromiter(map(self._index.get, flat, repeat(-1)), dtype=np.int64, count=n)
        pair = _pair_keys(ids, lengths)
        known = (ids[:-1] >= 0) & (ids[1:] >= 0) & (pair >= 0)
        where = np.searchsorted(self._keys, pair).clip(max=len(self._keys) - 1)
        hit = known & (self._keys[where] == pair)
        if not hit.any():
            return flat, lengths
        # Left to right, a pair is joined unless its first word was just joined to the one
        # before: in each run of consecutive phrase pairs, the 1st, 3rd, 5th ... are joined.
        i = np.arange(len(hit))
        starts = hit & ~np.concatenate([[False], hit[:-1]])
        run_start = np.maximum.accumulate(np.where(starts, i, 0))
        joined = hit & ((i - run_start) % 2 == 0)
        flat = list(flat)
        for j in np.flatnonzero(joined).tolist():
            flat[j] = flat[j] + delimiter + flat[j + 1]
            flat[j + 1] = None
        ends = np.cumsum(lengths)
        # a joined pair at position j belongs to the sentence holding token j
        per_sentence = np.bincount(np.searchsorted(ends, np.flatnonzero(joined), side="right"),
                                   minlength=len(lengths))
        return [t for t in flat if t is not None], lengths - per_sentence


def _pair_keys(ids, lengths):
    """`ids[i] << 32 | ids[i + 1]` for i in 0..n-2, and -1 where token i ends a sentence."""
    keys = (ids[:-1] << 32) | (ids[1:] & _LOW)
    ends = np.cumsum(lengths)
    last = ends[(lengths > 0) & (ends < len(ids))] - 1
    keys[last] = -1
    return keys


class _Counter:
    """Words and adjacent pairs of a stream of blocks, in bounded memory."""

    def __init__(self, max_vocab_size):
        self.max_vocab_size = max_vocab_size
        self.index = defaultdict(count().__next__)  # word -> id, new ids handed out in C
        self.word_counts = np.zeros(1 << 16, dtype=np.int64)
        self.pairs = np.zeros(0, dtype=np.int64)
        self.pair_counts = np.zeros(0, dtype=np.int64)
        self.pending, self.n_pending = [], 0
        self.total = 0
        self.min_reduce = 1

    def add(self, flat, lengths):
        ids = np.fromiter(map(self.index.__getitem__, flat), dtype=np.int64, count=len(flat))
        n_words = len(self.index)
        if n_words > len(self.word_counts):
            grown = np.zeros(max(n_words, 2 * len(self.word_counts)), dtype=np.int64)
            grown[:len(self.word_counts)] = self.word_counts
            self.word_counts = grown
        self.word_counts[:n_words] += np.bincount(ids, minlength=n_words)
        self.total += len(flat)
        if len(ids) > 1:
            keys = _pair_keys(ids, lengths)
            keys = keys[keys >= 0]
            self.pending.append(keys)
            self.n_pending += len(keys)
        held = n_words + len(self.pairs) + self.n_pending
        if self.n_pending >= max(_BUFFER, len(self.pairs) // 2) or held > self.max_vocab_size:
            self.merge()

    def merge(self):
        """Add the buffered pairs to the sorted table, then prune it to `max_vocab_size`."""
        if self.pending:
            new, counts = np.unique(np.concatenate(self.pending), return_counts=True)
            self.pending, self.n_pending = [], 0
            # add to the pairs already held, then insert the others where they sort
            at = np.searchsorted(self.pairs, new)
            held = at < len(self.pairs)
            held[held] = self.pairs[at[held]] == new[held]
            self.pair_counts[at[held]] += counts[held]
            fresh = ~held
            self.pairs = np.insert(self.pairs, at[fresh], new[fresh])
            self.pair_counts = np.insert(self.pair_counts, at[fresh], counts[fresh])
        while len(self.index) + len(self.pairs) > self.max_vocab_size:
            self.min_reduce += 1
            self.prune(self.min_reduce)

    def prune(self, min_reduce):
        """Drop words and pairs seen fewer than `min_reduce` times; renumber the words kept
        in the same order, so the pair keys stay sorted."""
        n = len(self.index)
        keep = self.word_counts[:n] >= min_reduce
        new_id = np.cumsum(keep) - 1
        words = [w for w, k in zip(self.index, keep.tolist()) if k]
        self.index = defaultdict(count(len(words)).__next__, zip(words, range(len(words))))
        self.word_counts = self.word_counts[:n][keep].copy()
        # a pair is seen no more often than either of its words, so its words are kept
        kept = self.pair_counts >= min_reduce
        pairs = self.pairs[kept]
        self.pairs = (new_id[pairs >> 32] << 32) | new_id[pairs & _LOW]
        self.pair_counts = self.pair_counts[kept]

    def table(self):
        self.merge()
        n = len(self.index)
        # fresh copies of the words: the dict's keys are scattered among freed token strings
        words = [w.encode().decode() for w in self.index]
        return PhraseTable(words, self.word_counts[:n].copy(), self.pairs, self.pair_counts,
                           self.total, self.min_reduce)


def _blocks(corpus, tables, delimiter, bar=None):
    """`(flat tokens, sentence lengths)` of each block of `corpus`, with the phrases of
    `tables` joined, pass after pass."""
    n = corpus.max_sentence_length
    if corpus.is_text:
        blocks = corpus.token_blocks()
    else:  # every sentence, empty ones included, so transform keeps one list per input
        blocks = _batched(map(_tokens, corpus.source), 10000)
    for sentences in blocks:
        if any(len(s) > n for s in sentences):  # cut as the trainers do: no pair spans a cut
            sentences = [c for s in sentences for c in corpus._chunks(s)]
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        flat = list(chain.from_iterable(sentences))
        if bar is not None:
            bar.update(len(flat))
        for table in tables:
            flat, lengths = table.join(flat, lengths, delimiter)
        yield flat, lengths


def _tokens(sentence):
    if isinstance(sentence, str):
        raise TypeError("sentences must be lists of tokens, got a str "
                        "(pass a file path to read text)")
    return list(sentence)


def _split(flat, lengths):
    ends = np.cumsum(lengths).tolist()
    return [flat[s:e] for s, e in zip([0, *ends[:-1]], ends)]


def _warn_untokenized(corpus, table):
    """`UntokenizedWarning`, as `Vocabulary.build` gives, for raw text read as it is."""
    if corpus.is_text and corpus.tokenize == "whitespace":
        top = np.argsort(-table.word_counts, kind="stable")[:1000]
        hint = untokenized_hint([table.words[i] for i in top.tolist()])
        if hint:
            warnings.warn(f"{_describe(corpus)} looks untokenised: {hint}; tokenize='words' "
                          "(--tokenize words) lower-cases it and splits off punctuation",
                          UntokenizedWarning, stacklevel=3)


def _describe(corpus):
    return str(corpus.source) if corpus.is_text else "the corpus"
