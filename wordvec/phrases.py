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

Connector words (gensim 4's `connector_words`; `"english"` is `ENGLISH_CONNECTOR_WORDS`, the
same words as gensim's) may sit inside a phrase but never start or end one: they are not
counted as words, and a "pair" is two consecutive other words of a sentence with the
connectors between them ("bank of america", counted and scored as one pair of "bank" and
"america"); connectors outside such a pair stay as they are, so "of_the" is never a phrase.
The corpus's token count (npmi's denominator) still counts them.

Each further pass (`passes=2`, ...) counts the output of the previous ones, so phrases of
three and four words ("new_york_city") can form. Two differences from gensim, both outside the
cases above: gensim keeps words and pairs in one table keyed by the joined string, so a corpus
word "a_b" and the pair "a b" share a count there (here they are apart); and gensim has no
passes of its own (one runs `Phrases` again on the output of the first).

Memory: words are a dict (as in gensim), but pairs are int64 keys in a sorted numpy array with
their counts: 16 bytes a distinct pair, about 40 at the peak of a merge of buffered pairs,
against about 150 a type in gensim's dict of joined strings; they are scored a slice at a time.
A pair with connectors keys its second word as a "tail" (connectors..., word): each distinct
run of connectors ("of", "of the") is numbered in a small dict, and a tail is `run << 32 |
word` in a second sorted int64 array, with its id and count (24 bytes a tail). On `bench`
(12.1M tokens, 3.1M types; with connectors 4.3M and 0.36M tails) the peak is 230 MB here and
470 MB in gensim, with connectors 327 MB against 524. `max_vocab_size` bounds the distinct
words, tails and pairs held, as gensim bounds words plus pairs: when a merge leaves more,
those seen fewer than `min_reduce` times are dropped and `min_reduce` rises by one until the
table fits (it never falls). Counts are then underestimates, as in gensim,
and `min_reduce_` (1 when nothing was dropped) says how far. Pruning happens at merges,
gensim's after a sentence, so the two agree exactly only when neither prunes.

A fitted model saves its phrases and settings (not the counts, as gensim's `FrozenPhrases`)
to one UTF-8 file, written atomically: a JSON header line (`"format": "wordvec-phrases"`, a
version, the settings, and per pass its number of phrases), then one JSON array a phrase,
`[score, "word", ...]`, pass after pass, best first. `load` checks all of it and names the
file and line of anything wrong; applying the loaded model gives what the fitted one gives.

Examples
--------
>>> from wordvec.phrases import Phrases
>>> sentences = [["new", "york", "is", "big"], ["i", "love", "new", "york"]] * 3
>>> model = Phrases(min_count=1, threshold=1.5, progress=False).fit(sentences)
>>> model.phrasegrams_     # new_york: (6 - 1) / (6 * 6) * 11 (6 words + 5 pairs)
{'new_york': 1.527777777777778, 'is_big': 2.444444444444444, 'i_love': 2.444444444444444}
>>> model.transform([["i", "love", "new", "york", "city"]])
[['i_love', 'new_york', 'city']]
>>> banks = [["bank", "of", "america", "and", "the", "bank", "of", "england"]] * 2
>>> Phrases(min_count=1, threshold=0.5, connector_words="english",
...         progress=False).fit(banks).transform(banks[:1])
[['bank_of_america', 'and', 'the', 'bank_of_england']]
"""

import json
import math
import warnings
from collections import defaultdict
from itertools import chain, count, repeat
from pathlib import Path

import numpy as np

from ._estimator import ParamsMixin
from .corpus import UntokenizedWarning, _batched, _gc_paused, as_corpus, untokenized_hint
from .errors import FormatError, TruncatedFileError

SCORING = ("default", "npmi")
# Articles, prepositions and conjunctions: the words of gensim's ENGLISH_CONNECTOR_WORDS.
ENGLISH_CONNECTOR_WORDS = frozenset(
    "a an the for of with without at from to in on by and or".split())
MODEL_FORMAT, MODEL_VERSION = "wordvec-phrases", 1
_LOW = np.int64(0xFFFFFFFF)
_TAIL = np.int64(1 << 31)  # while counting, a pair's second id at or above this is a tail
_BUFFER = 1 << 21  # pairs buffered at least before a merge into the table
_SCORE_SLICE = 1 << 18  # pairs scored at once
_MAX_LINE = 16 << 20  # longest line a saved model may have (a longer one is not a model)


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
    connector_words : iterable of str or "english"
        Words that may sit inside a phrase but never start or end one ("bank_of_america");
        "english" is `ENGLISH_CONNECTOR_WORDS`. None by default (empty), as in gensim.
    progress : bool
        Show a progress line on a terminal.

    Attributes
    ----------
    phrasegrams_ : dict of str to float
        Every phrase of every pass, joined by `delimiter`, with its score (gensim's
        `export_phrases()`).
    tables_ : list of PhraseTable
        The counts and phrases of each pass (only the phrases in a loaded model).
    """

    def __init__(self, min_count=5, threshold=10.0, scoring="default", passes=1, delimiter="_",
                 max_vocab_size=40_000_000, connector_words=(), progress=True):
        self.min_count = min_count
        self.threshold = threshold
        self.scoring = scoring
        self.passes = passes
        self.delimiter = delimiter
        self.max_vocab_size = max_vocab_size
        self.connector_words = connector_words
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
        self._connectors()

    def _connectors(self):
        """`connector_words` as a frozenset of words (`ValueError` naming a bad one)."""
        words = self.connector_words
        if isinstance(words, str):
            if words != "english":
                raise ValueError(f"connector_words must be 'english' or an iterable of words, "
                                 f"got {words!r}")
            return ENGLISH_CONNECTOR_WORDS
        try:
            words = frozenset(words)
        except TypeError:
            raise ValueError(f"connector_words must be 'english' or an iterable of words, "
                             f"got {words!r}") from None
        for word in words:
            if not isinstance(word, str) or not word:
                raise ValueError(f"connector_words must be non-empty strings, got {word!r}")
        return words

    def fit(self, corpus):
        """Count words and pairs of `corpus` (a path, a `Corpus` or token lists), `passes`
        times, and keep the phrases. Returns self."""
        from ._progress import Progress

        self._validate()
        connectors = self._connectors()
        corpus = as_corpus(corpus)
        tables, total = [], None
        for k in range(self.passes):
            counter = _Counter(self.max_vocab_size, connectors)
            desc = f"phrases: pass {k + 1}/{self.passes}" if self.passes > 1 else "phrases"
            with _gc_paused(), Progress(desc, unit="words", total=total,
                                        enabled=self.progress) as bar:
                for flat, lengths in _blocks(corpus, tables, self.delimiter, connectors, bar):
                    counter.add(flat, lengths)
            table = counter.table()
            if table.corpus_word_count == 0:
                raise ValueError(f"{_describe(corpus)}: corpus is empty (no tokens)")
            if not tables:
                _warn_untokenized(corpus, table)
            table.score(self.scoring, self.min_count, self.threshold)
            tables.append(table)
            total = table.corpus_word_count
        return self._fitted(tables, _describe(corpus) if corpus.is_text else None)

    def _fitted(self, tables, source=None):
        self.tables_ = tables
        self._fit_source = source   # the text learnt from: writing it again knows its length
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
        for flat, lengths in _blocks(as_corpus(sentences), self.tables_, self.delimiter,
                                     self._connectors()):
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
        connectors = self._connectors()
        progress = self.progress if progress is None else progress
        # the length is known for the text the model learnt from, not for other text
        same = corpus.is_text and _describe(corpus) == getattr(self, "_fit_source", None)
        total = self.tables_[0].corpus_word_count if same else None

        def run(f):
            written = 0
            with _gc_paused(), Progress("writing", unit="words", total=total,
                                        enabled=progress) as bar:
                for flat, lengths in _blocks(corpus, self.tables_, self.delimiter, connectors,
                                             bar):
                    lines = map(" ".join, _split(flat, lengths))
                    f.write("\n".join(lines))
                    f.write("\n")
                    written += len(flat)
            return written

        if hasattr(output, "write"):
            return run(output)
        with atomic_file(output, "w", encoding="utf-8", newline="\n") as f:
            return run(f)

    def save(self, path):
        """Write the phrases of every pass and the settings to the file `path` (atomically),
        for `load`: see the module docstring for the format."""
        from ._atomic import atomic_file

        self._check_fitted()
        settings = dict(min_count=int(self.min_count), threshold=float(self.threshold),
                        scoring=self.scoring, passes=int(self.passes), delimiter=self.delimiter,
                        max_vocab_size=int(self.max_vocab_size),
                        connector_words=sorted(self._connectors()))
        passes = [{"n_phrases": len(t.phrases), "corpus_word_count": t.corpus_word_count,
                   "min_reduce": t.min_reduce} for t in self.tables_]
        with atomic_file(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps({"format": MODEL_FORMAT, "version": MODEL_VERSION, **settings,
                                "pass_phrases": passes}) + "\n")
            for table in self.tables_:   # best first, so the file reads as a ranking
                phrases = zip(table.scores.tolist(), table.phrase_tokens())
                for score, tokens in sorted(phrases, key=lambda st: (-st[0], st[1])):
                    f.write(json.dumps([score, *tokens]) + "\n")

    @classmethod
    def load(cls, path):
        """The model saved by `save` at `path` (see `wordvec.phrases.load`)."""
        return load(path)


def load(path):
    """A fitted `Phrases` from the file `save` wrote at `path`: its settings and the phrases
    of every pass (no counts). Anything wrong is a `FormatError` naming the file and line
    (`TruncatedFileError` for a file cut short)."""
    path = Path(path)
    if path.is_dir():
        raise FormatError(path, "is a folder, not a saved phrases model")
    with open(path, "rb") as f:
        lines = _ModelLines(path, f)
        model, passes = _read_model_header(path, lines.next("the header"))
        connectors = model._connectors()
        tables = []
        for k, info in enumerate(passes, 1):
            phrases, scores, seen = [], [], set()
            for _ in range(info["n_phrases"]):
                raw = lines.next(f"phrase {len(phrases) + 1} of {info['n_phrases']} of pass {k}")
                tokens, score = _read_phrase(path, lines.number, raw, model, connectors)
                if tokens in seen:
                    raise FormatError(path, f"phrase {' '.join(tokens)[:60]!r} repeated",
                                      lines.number)
                seen.add(tokens)
                phrases.append(tokens)
                scores.append(score)
            tables.append(PhraseTable.from_phrases(phrases, scores, info["corpus_word_count"],
                                                   info["min_reduce"]))
        if f.read(1):
            raise FormatError(path, "the header's phrase counts end here, the file goes on",
                              lines.number + 1)
    return model._fitted(tables)


class _ModelLines:
    """The lines of a saved model, each checked to be whole UTF-8 and numbered."""

    def __init__(self, path, f):
        self.path, self.f, self.number = path, f, 0

    def next(self, what):
        raw = self.f.readline(_MAX_LINE + 1)
        self.number += 1
        if not raw:
            if self.number == 1:
                raise FormatError(self.path, "empty file: not a saved phrases model")
            raise TruncatedFileError(self.path, f"truncated: ends before {what}", self.number)
        if len(raw) > _MAX_LINE:
            raise FormatError(self.path, "line too long: not a saved phrases model",
                              self.number)
        if not raw.endswith(b"\n"):
            raise TruncatedFileError(self.path, "truncated: the last line is cut", self.number)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(self.path, f"not UTF-8 ({exc.reason})", self.number) from None


def _read_model_header(path, line):
    """(unfitted Phrases of the saved settings, per-pass dicts) from the header line."""
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != MODEL_FORMAT:
        raise FormatError(path, "not a saved phrases model (no wordvec-phrases header)", 1)
    version = header.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError(path, f"bad version {version!r}", 1)
    if version > MODEL_VERSION:
        raise FormatError(path, f"version {version} is newer than this wordvec", 1)
    names = [n for n in Phrases._param_names() if n != "progress"]
    missing = [n for n in [*names, "pass_phrases"] if n not in header]
    if missing:
        raise FormatError(path, f"header lacks {', '.join(missing)}", 1)
    model = Phrases(**{n: header[n] for n in names})
    if isinstance(model.connector_words, str) or not isinstance(model.connector_words, list):
        raise FormatError(path, "header's connector_words must be a list of words", 1)
    try:
        model._validate()
    except ValueError as exc:
        raise FormatError(path, f"bad settings: {exc}", 1) from None
    passes = header["pass_phrases"]
    fields = ("n_phrases", "corpus_word_count", "min_reduce")
    if not isinstance(passes, list) or len(passes) != model.passes or not all(
            isinstance(p, dict) and all(isinstance(p.get(k), int) and not isinstance(
                p.get(k), bool) and p[k] >= 0 for k in fields) for p in passes):
        raise FormatError(path, f"pass_phrases must be {model.passes} objects of "
                                f"{', '.join(fields)} (integers >= 0)", 1)
    return model, passes


def _read_phrase(path, number, line, model, connectors):
    """(tuple of words, score) from the line `[score, "word", ...]`, checked."""
    try:
        entry = json.loads(line)
    except (ValueError, RecursionError):
        raise FormatError(path, "expected [score, \"word\", ...] (not JSON)", number) from None
    if not (isinstance(entry, list) and len(entry) >= 3
            and isinstance(entry[0], (int, float)) and not isinstance(entry[0], bool)
            and all(isinstance(w, str) and w for w in entry[1:])):
        raise FormatError(path, "expected [score, \"word\", \"word\", ...]", number)
    try:
        score, tokens = float(entry[0]), tuple(entry[1:])
    except OverflowError:
        score = math.nan
    if math.isnan(score) or not score > model.threshold:
        raise FormatError(path, f"score {score!r} is not above the threshold "
                                f"{model.threshold}", number)
    inner = [w in connectors for w in tokens]
    if inner[0] or inner[-1] or not all(inner[1:-1]):
        raise FormatError(path, f"phrase {' '.join(tokens)[:60]!r}: only connector words may "
                                f"sit inside a phrase, and none at its ends", number)
    return tokens, score


class PhraseTable:
    """The counts of one pass over a corpus, and the phrases they make.

    Ids below `len(words)` are words; id `len(words) + i` is tail `i`, the connector words
    and the word that end a pair with connectors ("of", "america" in "bank of america").

    Attributes
    ----------
    words : list of str
        Distinct words, in order of first appearance (pruned ones left out).
    runs : list of tuple of str
        Distinct runs of connector words inside pairs (empty without connector words).
    tails : ndarray of int64, shape (n_tails,)
        Distinct tails, as `run << 32 | id(word)` (`runs[run]` then the word).
    word_counts : ndarray of int64, shape (n_words,)
    pairs : ndarray of int64, shape (n_pairs,)
        Distinct pairs, as `id(a) << 32 | id(b)` (b a word or a tail), sorted.
    pair_counts : ndarray of int64, shape (n_pairs,)
    corpus_word_count : int
        Tokens read, connector words included (gensim's `corpus_word_count`).
    min_reduce : int
        Types seen fewer times than this may have been dropped (1: none were).
    phrases, scores : ndarray of int64 and float64, shape (n_phrases,)
        The pairs that score above the threshold (sorted), and their scores.

    A loaded model's tables hold only their phrases: `words`, `runs` and `tails` are theirs,
    `pairs` are `phrases`, and the counts are None.
    """

    def __init__(self, words, word_counts, pairs, pair_counts, corpus_word_count, min_reduce,
                 runs=(), tails=None):
        self.words = words
        self.runs = list(runs)
        self.tails = np.zeros(0, dtype=np.int64) if tails is None else tails
        self.word_counts = word_counts
        self.pairs = pairs
        self.pair_counts = pair_counts
        self.corpus_word_count = corpus_word_count
        self.min_reduce = min_reduce

    @classmethod
    def from_phrases(cls, phrases, scores, corpus_word_count, min_reduce):
        """A table of only the `phrases` (tuples of words) with their `scores`."""
        index, runs = defaultdict(count().__next__), defaultdict(count().__next__)
        for tokens in phrases:   # number the words (a tail's last one too) as they come
            for word in (tokens[0], tokens[-1]):
                index[word]   # noqa: B018
        n = len(index)
        tails = defaultdict(count().__next__)   # tail key -> tail number
        keys = np.array([(index[t[0]] << 32) | (index[t[1]] if len(t) == 2 else n + tails[
            (runs[t[1:-1]] << 32) | index[t[-1]]]) for t in phrases], dtype=np.int64)
        order = np.argsort(keys)
        table = cls(list(index), None, keys[order], None, corpus_word_count, min_reduce,
                    list(runs), np.array(list(tails), dtype=np.int64))
        table._set_phrases(keys[order], np.asarray(scores, dtype=np.float64)[order])
        return table

    def __len__(self):
        """Distinct words plus distinct pairs: gensim's `len(phrases.vocab)`."""
        return len(self.words) + len(self.pairs)

    def __repr__(self):
        return (f"PhraseTable(n_words={len(self.words)}, n_pairs={len(self.pairs)}, "
                f"n_phrases={len(self.phrases)})")

    def vocab(self, delimiter="_"):
        """Every count as gensim's `Phrases.vocab`: word or `delimiter`-joined pair -> count."""
        if self.word_counts is None:
            raise ValueError("a loaded phrases model keeps its phrases, not the counts")
        out = dict(zip(self.words, self.word_counts.tolist()))
        out.update(zip(self._joined(self.pairs, delimiter), self.pair_counts.tolist()))
        return out

    def phrasegrams(self, delimiter="_"):
        """The phrases as gensim's `export_phrases()`: joined pair -> score."""
        return dict(zip(self._joined(self.phrases, delimiter), self.scores.tolist()))

    def phrase_tokens(self):
        """The words of each phrase, in the order of `phrases`: a list of tuples."""
        return [(self._token(a),) + self._rest(b)
                for a, b in zip((self.phrases >> 32).tolist(), (self.phrases & _LOW).tolist())]

    def _token(self, i):
        n = len(self.words)
        return self.words[i] if i < n else self._tail(i - n)

    def _rest(self, b):
        n = len(self.words)
        return (self.words[b],) if b < n else self._tail(b - n)

    def _tail(self, i):
        """Tail `i` as a tuple of words."""
        key = int(self.tails[i])
        return self.runs[key >> 32] + (self.words[key & 0xFFFFFFFF],)

    def _joined(self, keys, delimiter):
        words, n = self.words, len(self.words)
        return [words[a] + delimiter + (words[b] if b < n else delimiter.join(self._tail(b - n)))
                for a, b in zip((keys >> 32).tolist(), (keys & _LOW).tolist())]

    def score(self, scoring, min_count, threshold):
        """Score every pair as gensim does and keep those above `threshold` as `phrases`
        (a slice of pairs at a time, so the temporaries stay small)."""
        # a tail counts as the word that ends it
        word_of = np.concatenate([np.arange(len(self.words)), self.tails & _LOW])
        keep, kept = [np.zeros(0, dtype=bool)], [np.zeros(0)]
        for start in range(0, len(self.pairs), _SCORE_SLICE):
            part = slice(start, start + _SCORE_SLICE)
            scores = self._scores(self.pairs[part], self.pair_counts[part], word_of, scoring,
                                  min_count)
            keep.append(scores > threshold)
            kept.append(scores[keep[-1]])
        self._set_phrases(self.pairs[np.concatenate(keep)], np.concatenate(kept))

    def _scores(self, pairs, count_ab, word_of, scoring, min_count):
        count_a = self.word_counts[pairs >> 32]
        count_b = self.word_counts[word_of[pairs & _LOW]]
        with np.errstate(divide="ignore", invalid="ignore"):
            if scoring == "default":
                # gensim: (bigram_count - min_count) / float(denom) * len_vocab, in this order
                return ((count_ab - min_count) / (count_a * count_b).astype(np.float64)
                        * float(len(self)))
            n = float(self.corpus_word_count)
            p_ab = count_ab / n
            scores = np.log(p_ab / ((count_a / n) * (count_b / n))) / -np.log(p_ab)
            scores[count_ab < min_count] = -np.inf
            return scores

    def _set_phrases(self, phrases, scores):
        self.phrases, self.scores = phrases, scores
        # The join looks up only the words and tails of phrases, renumbered in the same order
        # (so the renumbered keys stay sorted).
        a, b = phrases >> 32, phrases & _LOW
        used = np.unique(np.concatenate([a, b]))
        self._index = {self._token(i): j for j, i in enumerate(used.tolist())}
        new_id = np.zeros(len(self.words) + len(self.tails), dtype=np.int64)
        new_id[used] = np.arange(len(used))
        self._keys = (new_id[a] << 32) | new_id[b]

    def join(self, flat, lengths, delimiter, connectors=frozenset()):
        """Join the phrases in one block: `flat` tokens of sentences `lengths` long -> the
        same for the rewritten sentences (new lists and arrays)."""
        n = len(flat)
        if n < 2 or not len(self._keys):
            return flat, lengths
        index = self._index
        ids = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int64, count=n)
        left, right, valid = _candidates(lengths, _connector_mask(flat, connectors))
        first, second = ids[left], ids[right]
        if connectors:   # the second of a pair with connectors is its tail
            tailed = np.flatnonzero(valid & (first >= 0) & (right - left > 1))
            second[tailed] = [index.get(tuple(flat[i + 1:j + 1]), -1)
                              for i, j in zip(left[tailed].tolist(), right[tailed].tolist())]
        known = valid & (first >= 0) & (second >= 0)
        pair = (first << 32) | (second & _LOW)
        where = np.searchsorted(self._keys, pair).clip(max=len(self._keys) - 1)
        hit = known & (self._keys[where] == pair)
        if not hit.any():
            return flat, lengths
        # Left to right, a pair is joined unless its first word was just joined to the one
        # before: in each run of consecutive phrase pairs, the 1st, 3rd, 5th ... are joined.
        i = np.arange(len(hit))
        starts = hit & ~np.concatenate([[False], hit[:-1]])
        run_start = np.maximum.accumulate(np.where(starts, i, 0))
        joined = np.flatnonzero(hit & ((i - run_start) % 2 == 0))
        flat = list(flat)
        for s, e in zip(left[joined].tolist(), (right[joined] + 1).tolist()):
            flat[s] = delimiter.join(flat[s:e])
            flat[s + 1:e] = repeat(None, e - s - 1)
        # a joined pair belongs to the sentence holding its first token
        sentence = np.searchsorted(np.cumsum(lengths), left[joined], side="right")
        fewer = np.bincount(sentence, weights=right[joined] - left[joined],
                            minlength=len(lengths)).astype(np.int64)
        return [t for t in flat if t is not None], lengths - fewer


def _connector_mask(flat, connectors):
    """Which tokens of `flat` are connector words (None when there are none)."""
    if not connectors:
        return None
    return np.fromiter(map(connectors.__contains__, flat), dtype=bool, count=len(flat))


def _candidates(lengths, connector):
    """(left, right, valid): positions of each token that is no connector and of the next
    such token, and whether both are in the same sentence (then they make a pair, with the
    connectors between them)."""
    ends = np.cumsum(lengths)
    n = int(ends[-1]) if len(ends) else 0
    if connector is None:   # every token: all pairs but those from a sentence's last token
        at = np.arange(n)
        valid = np.ones(max(n - 1, 0), dtype=bool)
        valid[ends[(lengths > 0) & (ends < n)] - 1] = False
        return at[:-1], at[1:], valid
    at = np.flatnonzero(~connector)
    sentence = np.searchsorted(ends, at, side="right")
    return at[:-1], at[1:], sentence[:-1] == sentence[1:]


class _Counter:
    """Words and pairs of a stream of blocks, in bounded memory.

    A tail (connectors then a word) is `run << 32 | word`, `run` numbering its distinct run
    of connector words; tails sit in a sorted array with stable ids (in order of first
    appearance), and a pair ending in tail `t` has `_TAIL | t` as its second id.
    """

    def __init__(self, max_vocab_size, connectors=frozenset()):
        self.max_vocab_size = max_vocab_size
        self.connectors = connectors
        # word -> id, new ids handed out in C
        self.index = defaultdict(count().__next__)
        self.word_counts = np.zeros(1 << 16, dtype=np.int64)
        self.runs = defaultdict(count().__next__)   # tuple of connector words -> run id
        self.tail_keys = np.zeros(0, dtype=np.int64)   # sorted
        self.tail_ids = np.zeros(0, dtype=np.int64)    # the id of each of tail_keys
        self.tail_counts = np.zeros(0, dtype=np.int64)  # by tail id
        self.pairs = np.zeros(0, dtype=np.int64)
        self.pair_counts = np.zeros(0, dtype=np.int64)
        self.pending, self.n_pending = [], 0
        self.total = 0
        self.min_reduce = 1

    def add(self, flat, lengths):
        index = self.index
        ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
        connector = _connector_mask(flat, self.connectors)
        left, right, valid = _candidates(lengths, connector)
        left, right = left[valid], right[valid]
        second = ids[right]
        counted = ids
        if connector is not None:   # count words but not connectors, and tails
            counted = ids[~connector]
            tailed = np.flatnonzero(right - left > 1)
            if len(tailed):
                runs = self.runs
                run = np.fromiter((runs[tuple(flat[i + 1:j])] for i, j in zip(
                    left[tailed].tolist(), right[tailed].tolist())), np.int64, len(tailed))
                second[tailed] = _TAIL | self._tail_ids((run << 32) | second[tailed])
        n_words = len(index)
        self.word_counts = _grown(self.word_counts, n_words)
        self.word_counts[:n_words] += np.bincount(counted, minlength=n_words)
        self.total += len(flat)
        if len(left):
            self.pending.append((ids[left] << 32) | second)
            self.n_pending += len(left)
        held = n_words + len(self.tail_keys) + len(self.pairs) + self.n_pending
        if self.n_pending >= max(_BUFFER, len(self.pairs) // 2) or held > self.max_vocab_size:
            self.merge()

    def _tail_ids(self, keys):
        """Count the tails `keys` and return their ids; new ones get the next ids, in order
        of first appearance."""
        new, first = np.unique(keys, return_index=True)
        at, held = _located(self.tail_keys, new)
        fresh = np.flatnonzero(~held)
        n = len(self.tail_keys)
        ids = np.empty(len(fresh), dtype=np.int64)
        ids[np.argsort(first[fresh], kind="stable")] = np.arange(n, n + len(fresh))
        self.tail_keys = np.insert(self.tail_keys, at[fresh], new[fresh])
        self.tail_ids = np.insert(self.tail_ids, at[fresh], ids)
        tids = self.tail_ids[np.searchsorted(self.tail_keys, keys)]
        self.tail_counts = _grown(self.tail_counts, len(self.tail_keys))
        self.tail_counts[:len(self.tail_keys)] += np.bincount(tids,
                                                              minlength=len(self.tail_keys))
        return tids

    def merge(self):
        """Add the buffered pairs to the sorted table, then prune it to `max_vocab_size`."""
        if self.pending:
            new, counts = np.unique(np.concatenate(self.pending), return_counts=True)
            self.pending, self.n_pending = [], 0
            # add to the pairs already held, then insert the others where they sort
            at, held = _located(self.pairs, new)
            self.pair_counts[at[held]] += counts[held]
            fresh = ~held
            self.pairs = np.insert(self.pairs, at[fresh], new[fresh])
            self.pair_counts = np.insert(self.pair_counts, at[fresh], counts[fresh])
        while len(self.index) + len(self.tail_keys) + len(self.pairs) > self.max_vocab_size:
            self.min_reduce += 1
            self.prune(self.min_reduce)

    def prune(self, min_reduce):
        """Drop words, tails and pairs seen fewer than `min_reduce` times; renumber those kept
        in the same order, so the tail and pair keys stay sorted."""
        n = len(self.index)
        keep = self.word_counts[:n] >= min_reduce
        new_id = np.cumsum(keep) - 1
        words = [w for w, k in zip(self.index, keep.tolist()) if k]
        self.index = defaultdict(count(len(words)).__next__, zip(words, range(len(words))))
        self.word_counts = self.word_counts[:n][keep].copy()
        # a pair is seen no more often than its words and tail, nor a tail than its word,
        # so those of a pair kept are kept
        n_tails = len(self.tail_keys)
        keep_tail = self.tail_counts[:n_tails] >= min_reduce
        new_tail = np.cumsum(keep_tail) - 1
        kept = keep_tail[self.tail_ids]
        keys = self.tail_keys[kept]
        self.tail_keys = ((keys >> 32) << 32) | new_id[keys & _LOW]
        self.tail_ids = new_tail[self.tail_ids[kept]]
        self.tail_counts = self.tail_counts[:n_tails][keep_tail].copy()
        kept = self.pair_counts >= min_reduce
        pairs = self.pairs[kept]
        self.pairs = (new_id[pairs >> 32] << 32) | self._renumbered(pairs & _LOW, new_id,
                                                                    new_tail)
        self.pair_counts = self.pair_counts[kept]

    @staticmethod
    def _renumbered(second, new_id, new_tail, tail_base=_TAIL):
        """The second ids of pairs, words by `new_id` and tails by `new_tail` (+ `tail_base`)."""
        tail = second >= _TAIL
        out = new_id[np.where(tail, 0, second)]
        if tail.any():
            out[tail] = tail_base + new_tail[second[tail] - _TAIL]
        return out

    def table(self):
        self.merge()
        n = len(self.index)
        counts = self.word_counts[:n]
        if not self.connectors:   # ids are final already: no renumbering, no copy of pairs
            # fresh copies of the words: the dict's keys are scattered among freed tokens
            words = [w.encode().decode() for w in self.index]
            return PhraseTable(words, counts.copy(), self.pairs, self.pair_counts, self.total,
                               self.min_reduce)
        # connector words (never counted) left out
        is_word = ~np.fromiter(map(self.connectors.__contains__, self.index), bool, n)
        n_words = int(is_word.sum())
        new_id = np.full(n, -1, dtype=np.int64)
        new_id[is_word] = np.arange(n_words)
        # fresh copies of the words: the dict's keys are scattered among freed token strings
        words = [w.encode().decode() for w, k in zip(self.index, is_word.tolist()) if k]
        tails = np.empty(len(self.tail_keys), dtype=np.int64)   # by id
        tails[self.tail_ids] = ((self.tail_keys >> 32) << 32) | new_id[self.tail_keys & _LOW]
        pairs = (new_id[self.pairs >> 32] << 32) | self._renumbered(
            self.pairs & _LOW, new_id, np.arange(len(tails)), n_words)
        order = np.argsort(pairs, kind="stable") if len(tails) else slice(None)
        return PhraseTable(words, counts[is_word].copy(), pairs[order], self.pair_counts[order],
                           self.total, self.min_reduce, list(self.runs), tails)


def _located(keys, new):
    """`(at, held)` of the sorted unique keys `new` in the sorted `keys`: where each sorts,
    and whether it is there already (the others are inserted at `at`)."""
    at = np.searchsorted(keys, new)
    held = at < len(keys)
    held[held] = keys[at[held]] == new[held]
    return at, held


def _grown(counts, n):
    """`counts` with room for at least `n` (itself when it has)."""
    if n <= len(counts):
        return counts
    grown = np.zeros(max(n, 2 * len(counts), 1 << 10), dtype=np.int64)
    grown[:len(counts)] = counts
    return grown


def read_connector_words(path):
    """Connector words from a UTF-8 file of one word a line (blank lines skipped) -> list."""
    from ._lines import utf8_lines

    words = []
    for number, line in utf8_lines(path):
        fields = line.split()
        if len(fields) > 1:
            raise FormatError(path, f"expected one word a line, got {len(fields)}", number)
        words.extend(fields)
    if not words:
        raise FormatError(path, "no connector words in it")
    return words


def _blocks(corpus, tables, delimiter, connectors=frozenset(), bar=None):
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
            flat, lengths = table.join(flat, lengths, delimiter, connectors)
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
