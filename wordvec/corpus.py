"""Streaming tokenised corpora, vocabularies and the integer encoding trainers read.

A corpus is one sentence per line, tokens separated by whitespace, in UTF-8. Nothing here
loads a whole corpus into memory: text is read in blocks of about a million characters, lines
of any length included, and the encoded corpus lives in a temporary memory-mapped file.

API
---
`Corpus(source, max_sentence_length=10000, tokenize="whitespace")`
    A re-iterable stream of sentences (lists of str). `source` is a file (plain, `.gz` or
    `.bz2`, chosen by extension), a folder of such files (read in sorted name order, hidden
    files skipped), `"-"` for stdin (spooled to a temporary file in `$TMPDIR` on first use,
    so it can be read again), or any re-iterable of token lists (a list of lists, for tests).
    The spool stops with `WordvecError` (and is removed) before it leaves less than
    `SPOOL_MARGIN` (1 GiB, or 5% of a smaller filesystem) free, or once it passes
    `$WORDVEC_MAX_SPOOL` bytes (a size like "20G") when that is set. Lines longer
    than `max_sentence_length` tokens are cut into sentences of exactly that many (and a
    shorter last one), never dropped, as word2vec and gensim cut at 10,000; such a line is
    read in pieces, so a 50 MB line takes about as much memory as 50 MB of short lines.
    `tokenize` says how a line becomes tokens: "whitespace" splits it as it is (word2vec,
    fastText and GloVe do the same: the text must be tokenised already), "lower" lower-cases
    it first, "words" takes `words(line)`, for raw text. `FormatError` names the file (and
    line) of bytes that are not UTF-8, of a NUL byte or a word of over 262,144 characters
    (binary data, such as /dev/zero, which would otherwise be read without end), and of a
    truncated or corrupt .gz/.bz2 file.
`words(text)`
    Lower-cased runs of letters and digits, in any script; punctuation separates them.
`Vocabulary.build(corpus, min_count=5, max_vocab=None, progress=False)`
    Counts the words: `.words` (descending count, ties in order of first appearance),
    `.counts` (int64), `.word_to_id`, `.total_words` (every token seen, including those
    below `min_count`), `len(vocab)`. `ValueError` for an empty corpus or when no word
    reaches `min_count`. Emits `UntokenizedWarning` when a text corpus read with
    tokenize="whitespace" looks like raw text (`untokenized_hint`).
`encode_corpus(corpus, vocab, directory=None, progress=False) -> EncodedCorpus`
    One pass that maps tokens to ids (words outside `vocab` are dropped, as the word2vec C
    tool does) and writes them to `directory` (a fresh temporary folder by default):
    `.ids` int32 `(n_tokens,)` and `.ends` int64 `(n_sentences,)` (sentence `i` is
    `ids[ends[i-1]:ends[i]]`), both memory-mapped, plus `.raw_ends` int64: how many corpus
    tokens (in-vocabulary or not) come before the end of each sentence, which schedules the
    learning rate by words processed; `.read(name, start, stop)` reads a slice without
    mapping. `.close()` (or `with`) deletes the temporary folder.
`write_encoded(blocks, directory=None)`
    The writing half of `encode_corpus`, for ids encoded elsewhere (the Spark engine).

Examples
--------
>>> from wordvec.corpus import Corpus, Vocabulary, encode_corpus
>>> corpus = Corpus([["the", "cat", "sat"], ["the", "dog", "sat", "down"]])
>>> vocab = Vocabulary.build(corpus, min_count=2)
>>> vocab.words, vocab.counts.tolist(), vocab.total_words
(['the', 'sat'], [2, 2], 7)
>>> with encode_corpus(corpus, vocab) as enc:
...     enc.ids.tolist(), enc.ends.tolist(), enc.raw_ends.tolist()
([0, 1, 0, 1], [2, 4], [3, 7])
"""

import bz2
import codecs
import contextlib
import ctypes
import gc
import gzip
import io
import os
import re
import shutil
import sys
import warnings
import zlib
from collections import Counter
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from ._size import format_size, parse_size
from ._slices import read_elements
from .errors import FormatError, WordvecError

BLOCK_CHARS = 1 << 20  # characters of text read at once
MAX_WORD = BLOCK_CHARS // 4  # a longer unfinished line is cut at a space; no word is longer
TOKENIZE = ("whitespace", "lower", "words")
_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits, in any script
_PUNCT_END = re.compile(r"^[^\w\s]+\w|\w[^\w\s]+$")  # a word with punctuation at an end
SPOOL_BLOCK = 1 << 20   # bytes of stdin copied to its spool at once
SPOOL_MARGIN = 1 << 30  # free bytes a stdin spool leaves on its filesystem (5% of a smaller one)
MAX_SPOOL = "WORDVEC_MAX_SPOOL"  # the environment variable bounding a stdin spool, in bytes


def words(text):
    """The lower-cased runs of letters and digits of `text`, in any script.

    Everything else (punctuation, symbols, "_") separates words, as in gensim's
    `utils.tokenize`, except that digits are kept.

    >>> words("The file, «Élan» (v2.0) isn't here.")
    ['the', 'file', 'élan', 'v2', '0', 'isn', 't', 'here']
    """
    return _WORD.findall(text.lower())


_TOKENIZERS = {"whitespace": str.split, "lower": lambda line: line.lower().split(),
               "words": words}


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector: token lists are acyclic, and its scans of millions
    of fresh lists would otherwise dominate the corpus passes. On the way out, hand the freed
    block buffers back to the OS (glibc keeps them otherwise), so they do not add to the peak
    memory of the training that follows."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        _malloc_trim()


def _malloc_trim():
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _open_text(path):
    """Open a corpus file for reading UTF-8 text, by extension (.gz, .bz2, else plain)."""
    name = str(path)
    if name.endswith(".gz"):
        raw = gzip.open(path, "rb")
    elif name.endswith(".bz2"):
        raw = bz2.open(path, "rb")
    else:
        raw = open(path, "rb")  # noqa: SIM115 - wrapped and closed by the caller
    return io.TextIOWrapper(raw, encoding="utf-8", errors="strict")


def _first_bad_line(path):
    """Line number and reason of the first bytes of `path` that are not UTF-8, read in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with _open_text(path) as f:
        raw = f.buffer
        while block := raw.read(BLOCK_CHARS):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return lines + exc.object.count(b"\n", 0, exc.start), exc.reason
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return lines, exc.reason
    return None, "not UTF-8"


_BROKEN = (EOFError, zlib.error, OSError)  # a truncated or corrupt .gz/.bz2 stream


def _read_pieces(f, name):
    """Yield `(lines, open_end)` from text file `f`: lists of whole lines (without line ends)
    of about `BLOCK_CHARS` characters. A longer line comes in pieces cut at a space or tab;
    `open_end` is true when the last line of the list goes on in the next one.

    Raises `FormatError` (file and line) on a NUL byte or on a word of over `MAX_WORD`
    characters: neither is text, and they would otherwise be read without end.
    """
    rest, lineno = "", 1  # the unfinished line, and its number
    while block := _read(f, name):
        text = rest + block if rest else block
        if "\0" in block:
            bad = text.index("\0")
            raise FormatError(name, "NUL byte: not a text corpus",
                              lineno + text.count("\n", 0, bad))
        end = text.rfind("\n") + 1
        lines = text[:end].split("\n")[:-1] if end else []
        lineno += len(lines)
        rest = text[end:]
        open_end = False
        if len(rest) > MAX_WORD:
            cut = max(rest.rfind(" "), rest.rfind("\t")) + 1
            if not cut:
                raise FormatError(name, f"a word of over {MAX_WORD:,} characters: not a "
                                  "text corpus", lineno)
            lines.append(rest[:cut])
            rest, open_end = rest[cut:], True
        if lines:
            yield lines, open_end
    if rest:
        yield [rest], False


def _read(f, name):
    """The next `BLOCK_CHARS` characters of `f`; `FormatError` if its compressed data break
    (no line number: the break lies somewhere in the block being decompressed)."""
    try:
        return f.read(BLOCK_CHARS)
    except _BROKEN as exc:
        if isinstance(exc, OSError) and exc.filename is not None:
            raise  # the file itself cannot be read: the OS error names it
        kind = {".gz": "gzip ", ".bz2": "bzip2 "}.get(Path(name).suffix, "")
        raise FormatError(name, f"truncated or corrupt {kind}data "
                          f"({exc or type(exc).__name__})") from None


class Corpus:
    """A re-iterable stream of tokenised sentences from files, a folder, stdin or a list.

    Parameters
    ----------
    source : str, os.PathLike or iterable of list of str
        A corpus file (plain, .gz, .bz2), a folder of them, "-" for stdin, or token lists.
    max_sentence_length : int
        Longer lines are cut into chunks of this many tokens.
    tokenize : {"whitespace", "lower", "words"}
        How text lines become tokens (see `tokenize`); token lists are used as given.
    """

    def __init__(self, source, max_sentence_length=10000, tokenize="whitespace"):
        if max_sentence_length < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        if tokenize not in TOKENIZE:
            raise ValueError(f"tokenize must be one of {', '.join(TOKENIZE)}, got {tokenize!r}")
        self.source = source
        self.max_sentence_length = max_sentence_length
        self.tokenize = tokenize
        self._spool = None

    def __repr__(self):
        source = self.source if isinstance(self.source, (str, os.PathLike)) else "<iterable>"
        return f"Corpus({str(source)!r}, tokenize={self.tokenize!r})"

    @property
    def is_text(self):
        """True when the source is text (files, folder, stdin) rather than token lists."""
        return isinstance(self.source, (str, os.PathLike))

    def files(self):
        """The files read, in order (a one-element list for a single file)."""
        if not self.is_text:
            return []
        if str(self.source) == "-":
            return [self._stdin_file()]
        path = Path(self.source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                raise ValueError(f"corpus folder {path} holds no files")
            return files
        if not path.exists():
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return [path]

    def _stdin_file(self):
        if self._spool is None:
            from ._atomic import open_private

            limit = os.environ.get(MAX_SPOOL)
            limit = None if limit is None else parse_size(limit, MAX_SPOOL)
            # Locked while this process lives: a later run removes it if this one is killed.
            name, lock = open_private("wordvec-stdin-", ".txt", folder=False)
            try:
                with open(name, "wb") as out:
                    _spool(sys.stdin.buffer, out, limit)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(name)
                os.close(lock)
                raise
            self._spool, self._spool_lock = name, lock
        return self._spool

    def __del__(self):
        if getattr(self, "_spool", None) is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._spool)
            with contextlib.suppress(OSError):
                os.close(self._spool_lock)

    def token_blocks(self):
        """Yield lists of sentences (lists of str) from about `BLOCK_CHARS` characters of text.

        Only for text sources. Lines of any length are read in bounded pieces; a line of more
        than `max_sentence_length` tokens gives sentences of exactly that many tokens and a
        shorter last one. Raises `FormatError` naming the file (and line) for text that is not
        UTF-8, holds a NUL byte, or comes from a truncated or corrupt .gz/.bz2 file.
        """
        split = _TOKENIZERS[self.tokenize]
        n = self.max_sentence_length
        for path in self.files():
            name = "<stdin>" if path == self._spool else path
            carry = []  # tokens of an unfinished long line, fewer than n
            try:
                with _open_text(path) as f:
                    for lines, open_end in _read_pieces(f, name):
                        sentences = list(map(split, lines))
                        if carry:
                            sentences[0] = carry + sentences[0]
                            carry = []
                        if open_end:
                            last = sentences.pop()
                            whole = len(last) - len(last) % n
                            carry = last[whole:]
                            if whole:
                                sentences.append(last[:whole])
                        if sentences:
                            yield sentences
            except UnicodeDecodeError:
                lineno, reason = _first_bad_line(path)
                raise FormatError(name, f"not UTF-8 ({reason})", lineno) from None
            if carry:
                yield [carry]

    def _chunks(self, tokens):
        n = self.max_sentence_length
        if len(tokens) <= n:
            yield tokens
        else:
            for start in range(0, len(tokens), n):
                yield tokens[start:start + n]

    def __iter__(self):
        if self.is_text:
            for sentences in self.token_blocks():
                for tokens in sentences:
                    if tokens:
                        yield from self._chunks(tokens)
        else:
            for sentence in self.source:
                if isinstance(sentence, str):
                    raise TypeError("corpus items must be lists of tokens, got a str "
                                    "(pass a file path to read text)")
                if sentence:
                    yield from self._chunks(list(sentence))


def _spool(source, out, limit):
    """Copy the binary stream `source` into the open file `out` in blocks of `SPOOL_BLOCK`.

    `WordvecError` naming <stdin> once more than `limit` bytes (None: no limit) arrive, or
    before a block would leave less than `SPOOL_MARGIN` (5% of a smaller filesystem) free
    where `out` lies: an endless stream (`yes | wordvec train -`) must not fill the disk.
    """
    stat = os.fstatvfs(out.fileno())
    margin = min(SPOOL_MARGIN, stat.f_blocks * stat.f_frsize // 20)
    done = 0
    while block := source.read(SPOOL_BLOCK):
        done += len(block)
        if limit is not None and done > limit:
            raise WordvecError(f"<stdin>: more than {format_size(limit)} read, past the "
                               f"{MAX_SPOOL} limit on spooling stdin; give the corpus as a "
                               f"file instead, or raise {MAX_SPOOL}")
        stat = os.fstatvfs(out.fileno())
        if stat.f_bavail * stat.f_frsize - len(block) < margin:
            raise WordvecError(f"<stdin>: {format_size(done)} read; spooling more to "
                               f"{os.path.dirname(out.name)} would leave less than "
                               f"{format_size(margin)} free on its filesystem; give the corpus "
                               f"as a file instead, or set TMPDIR to a roomier folder")
        out.write(block)


def as_corpus(corpus):
    """`corpus` itself if it is a `Corpus`, else `Corpus(corpus)`."""
    return corpus if isinstance(corpus, Corpus) else Corpus(corpus)


def _describe(corpus):
    return str(corpus.source) if corpus.is_text else "the corpus"


class Vocabulary:
    """Words kept for training, most frequent first, with their counts.

    Attributes
    ----------
    words : list of str
    counts : ndarray of int64, shape (n_words,)
    word_to_id : dict of str to int
    total_words : int
        Every token in the corpus, including words that were not kept.
    """

    def __init__(self, words, counts, total_words):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.word_to_id = {w: i for i, w in enumerate(self.words)}
        self.total_words = int(total_words)

    def __len__(self):
        return len(self.words)

    def __repr__(self):
        return f"Vocabulary(n_words={len(self)}, total_words={self.total_words})"

    @classmethod
    def build(cls, corpus, min_count=5, max_vocab=None, progress=False):
        """Count the words of `corpus`; keep those seen `min_count` times, at most `max_vocab`."""
        from ._progress import Progress

        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        if max_vocab is not None and max_vocab < 1:
            raise ValueError(f"max_vocab must be >= 1, got {max_vocab}")
        corpus = as_corpus(corpus)
        counter = Counter()
        total = 0
        with _gc_paused(), Progress("counting words", unit="words", enabled=progress) as bar:
            if corpus.is_text:
                for sentences in corpus.token_blocks():
                    tokens = list(chain.from_iterable(sentences))
                    counter.update(tokens)
                    total += len(tokens)
                    bar.update(len(tokens))
            else:
                for sentence in corpus:
                    counter.update(sentence)
                    total += len(sentence)
                    bar.update(len(sentence))
        if total == 0:
            raise ValueError(f"{_describe(corpus)}: corpus is empty (no tokens)")
        kept = [(w, c) for w, c in counter.items() if c >= min_count]
        if not kept:
            raise ValueError(f"{_describe(corpus)}: no word occurs min_count={min_count} times "
                             f"(most frequent: {counter.most_common(1)[0][1]} times)")
        kept.sort(key=lambda wc: wc[1], reverse=True)  # stable: ties keep first-seen order
        if max_vocab is not None:
            kept = kept[:max_vocab]
        counts = np.fromiter((c for _, c in kept), dtype=np.int64, count=len(kept))
        # Fresh copies of the kept words: the counter's keys are scattered among the freed
        # token strings of every block and would keep that memory from being returned.
        words = [w.encode().decode() for w, _ in kept]
        del counter, kept
        if corpus.is_text and corpus.tokenize == "whitespace":
            hint = untokenized_hint(words)
            if hint:
                warnings.warn(f"{_describe(corpus)} looks untokenised: {hint}; "
                              "tokenize='words' (--tokenize words) lower-cases it and splits "
                              "off punctuation", UntokenizedWarning, stacklevel=2)
        return cls(words, counts, total)


class UntokenizedWarning(UserWarning):
    """The vocabulary of a text corpus read as it is looks like raw, untokenised text."""


def untokenized_hint(words, top=1000):
    """Why `words` (most frequent first) look like untokenised text, or "" if they do not.

    They do when, among the `top` most frequent, at least 3% carry punctuation at an end
    ("said.", "(the") or at least 2% are capitalised twins of another ("The" beside "the").
    The thresholds separate raw English news (5.6% and 4.9% in gensim's lee_background.cor)
    from tokenised text (GloVe 6B's vocabulary: 1.2% and 0%, from "u.s." and "'s").
    """
    top_words = words[:top]
    if not top_words:
        return ""
    known = set(top_words)
    punct = [w for w in top_words if len(w) > 1 and _PUNCT_END.search(w)]
    cased = [w for w in top_words if w != w.lower() and w.lower() in known]
    reasons = []
    if len(punct) >= 0.03 * len(top_words):
        reasons.append(f"{len(punct)} of its {len(top_words):,} most frequent words carry "
                       f"punctuation ({', '.join(map(repr, punct[:3]))})")
    if len(cased) >= 0.02 * len(top_words):
        twins = ", ".join(f"{w!r}/{w.lower()!r}" for w in cased[:2])
        reasons.append(f"{len(cased)} of its {len(top_words):,} most frequent words are "
                       f"capitalised twins of others ({twins})")
    return "; ".join(reasons)


class EncodedCorpus:
    """A corpus as int32 word ids and int64 sentence ends, in files under `directory`.

    `ids`, `ends` and `raw_ends` memory-map the whole arrays; `read(name, start, stop)`
    reads a slice into ordinary memory instead (what the trainers do, job by job, so that a
    large corpus never becomes resident in the process).
    """

    _DTYPES = {"ids": np.int32, "ends": np.int64, "raw_ends": np.int64}

    def __init__(self, directory, n_tokens, n_sentences, raw_total, longest, owned):
        self.directory = Path(directory)
        self.n_tokens, self.n_sentences = n_tokens, n_sentences
        self.raw_total = raw_total  # corpus tokens (kept or not) covered by the sentences
        self.longest = longest  # tokens in the longest encoded sentence
        self._owned = owned
        self._fds = {}
        self._maps = {}

    def _file(self, name):
        return self.directory / f"{name}.{np.dtype(self._DTYPES[name]).name}"

    def _map(self, name):
        if name not in self._maps:
            n = self.n_tokens if name == "ids" else self.n_sentences
            dtype = self._DTYPES[name]
            self._maps[name] = (np.zeros(0, dtype=dtype) if n == 0 else
                                np.memmap(self._file(name), dtype=dtype, mode="r", shape=(n,)))
        return self._maps[name]

    ids = property(lambda self: self._map("ids"), doc="int32 `(n_tokens,)` word ids (mapped)")
    ends = property(lambda self: self._map("ends"), doc="int64 `(n_sentences,)` ends (mapped)")
    raw_ends = property(lambda self: self._map("raw_ends"),
                        doc="int64 `(n_sentences,)` corpus words up to each sentence end")

    def read(self, name, start, stop):
        """`name[start:stop]` ("ids", "ends" or "raw_ends") read into a new array; thread-safe."""
        fd = self._fds.get(name)
        if fd is None:
            fd = self._fds.setdefault(name, os.open(self._file(name), os.O_RDONLY))
        return read_elements(fd, self._DTYPES[name], start, stop, name=self._file(name))

    def close(self):
        """Drop the maps and files, and delete the folder if this object made it."""
        self._maps.clear()
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        if self._owned:
            shutil.rmtree(self.directory, ignore_errors=True)
        if getattr(self, "_lock", None) is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _encode_block(token_lists, get, max_len):
    """Ids and per-sentence (kept, raw) lengths for one block of tokenised lines."""
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flat = list(chain.from_iterable(token_lists))
    ids = np.fromiter(map(get, flat, repeat(-1)), dtype=np.int32, count=len(flat))
    if lengths.size and lengths.max() > max_len:  # cut long lines into chunks
        pieces = np.where(lengths > max_len, -(-lengths // max_len), 1)
        chunked = np.full(int(pieces.sum()), max_len, dtype=np.int64)
        last = np.cumsum(pieces) - 1
        chunked[last] = lengths - (pieces - 1) * max_len
        lengths = chunked
    raw_ends = np.cumsum(lengths)
    keep = ids >= 0
    kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
    ends = kept_before[raw_ends]
    return ids[keep], ends, raw_ends


def encode_corpus(corpus, vocab, directory=None, progress=False):
    """Write `corpus` as word ids of `vocab` into memory-mapped files; see the module docstring.

    Sentences left empty once unknown words are dropped are skipped, but their tokens still
    count in `raw_ends`.
    """
    from ._progress import Progress

    corpus = as_corpus(corpus)
    get = vocab.word_to_id.get
    max_len = corpus.max_sentence_length
    blocks = corpus.token_blocks() if corpus.is_text else _batched(corpus, 10000)
    with Progress("encoding", unit="words", total=vocab.total_words, enabled=progress) as bar, \
            _gc_paused():
        return write_encoded((_encode_block(b, get, max_len) for b in blocks), directory,
                             bar.update)


def write_encoded(blocks, directory=None, done=None):
    """An `EncodedCorpus` written into `directory` (a fresh temporary folder by default) from
    `blocks` of `(ids, ends, raw_ends)`: the int32 ids of a block's kept words, and for each
    of its sentences the int64 end of its kept words and of its corpus tokens, counted from
    the block's start. `done(n)` is called with each block's corpus tokens (progress)."""
    owned = directory is None
    lock = None
    if owned:   # locked while this process lives: a later run removes it if this one is killed
        from ._atomic import open_private

        directory, lock = open_private("wordvec-encoded-")
    directory = Path(directory)
    n_tokens = n_raw = n_sentences = longest = 0
    try:
        with open(directory / "ids.int32", "wb") as f_ids, \
                open(directory / "ends.int64", "wb") as f_ends, \
                open(directory / "raw_ends.int64", "wb") as f_raw:
            for ids, ends, raw_ends in blocks:
                lengths = np.diff(ends, prepend=0)
                nonempty = lengths > 0
                longest = max(longest, int(lengths.max(initial=0)))
                f_ids.write(ids.tobytes())
                f_ends.write((ends[nonempty] + n_tokens).tobytes())
                f_raw.write((raw_ends[nonempty] + n_raw).tobytes())
                n_sentences += int(nonempty.sum())
                n_tokens += len(ids)
                block_raw = int(raw_ends[-1]) if len(raw_ends) else 0
                n_raw += block_raw
                if done is not None:
                    done(block_raw)
        if n_sentences and n_raw:  # trailing empty sentences still count as processed words
            with open(directory / "raw_ends.int64", "r+b") as f_raw:
                f_raw.seek(-8, os.SEEK_END)
                f_raw.write(np.int64(n_raw).tobytes())
        encoded = EncodedCorpus(directory, n_tokens, n_sentences, n_raw if n_sentences else 0,
                                longest, owned)
        encoded._lock = lock
        return encoded
    except BaseException:
        if owned:
            shutil.rmtree(directory, ignore_errors=True)
            os.close(lock)
        raise


def _batched(iterable, n):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch
