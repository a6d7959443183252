"""Corpus streaming (files, .gz, .bz2, folders, stdin, long lines), vocabulary and encoding."""

import bz2
import gzip
import io
import sys

import numpy as np
import pytest

from wordvec.corpus import Corpus, Vocabulary, encode_corpus
from wordvec.errors import FormatError


def write(path, text):
    path.write_bytes(text.encode("utf-8"))
    return path


def test_plain_file_skips_blank_lines_and_cuts_long_ones(tmp_path):
    path = write(tmp_path / "c.txt", "a b c d e f g\n\n  \nh i\n")
    assert list(Corpus(path, max_sentence_length=3)) == [
        ["a", "b", "c"], ["d", "e", "f"], ["g"], ["h", "i"]]
    assert list(Corpus(path)) == [list("abcdefg"), ["h", "i"]]


def test_gz_bz2_and_folder_in_sorted_order(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    with gzip.open(folder / "b.txt.gz", "wb") as f:
        f.write(b"gz line\n")
    with bz2.open(folder / "c.bz2", "wb") as f:
        f.write("bz2 caf\u00e9\n".encode())
    write(folder / "a.txt", "plain\ttabbed  words\n")
    write(folder / ".hidden", "never read\n")
    corpus = Corpus(folder)
    expected = [["plain", "tabbed", "words"], ["gz", "line"], ["bz2", "caf\u00e9"]]
    assert list(corpus) == expected
    assert list(corpus) == expected  # re-iterable


def test_stdin_is_spooled_and_readable_twice(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x y\ny z\n")))
    corpus = Corpus("-")
    assert list(corpus) == [["x", "y"], ["y", "z"]]
    assert Vocabulary.build(corpus, min_count=2).words == ["y"]


def test_token_lists_are_accepted_and_strings_refused():
    assert list(Corpus([["a", "b"], [], ("c",)])) == [["a", "b"], ["c"]]
    with pytest.raises(TypeError, match="lists of tokens"):
        list(Corpus(["a b c"]))


def test_non_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine line\nsecond\nbad \xff byte\n")
    with pytest.raises(FormatError, match=r"bad.txt line 3: not UTF-8"):
        list(Corpus(path))
    gz = tmp_path / "bad.gz"
    with gzip.open(gz, "wb") as f:
        f.write(b"ok\n\xc3\x28\n")
    with pytest.raises(FormatError, match=r"bad.gz line 2"):
        Vocabulary.build(Corpus(gz), min_count=1)


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(Corpus(tmp_path / "nope.txt"))
    with pytest.raises(ValueError, match="holds no files"):
        list(Corpus(tmp_path))


def test_vocabulary_order_counts_and_limits():
    corpus = [["b", "a", "c", "a"], ["c", "d", "b", "a", "e"]]
    vocab = Vocabulary.build(corpus, min_count=1)
    # a:3, then b and c tie at 2 (b seen first), then d and e at 1
    assert vocab.words == ["a", "b", "c", "d", "e"]
    assert vocab.counts.dtype == np.int64 and vocab.counts.tolist() == [3, 2, 2, 1, 1]
    assert vocab.word_to_id["c"] == 2 and vocab.total_words == 9
    assert Vocabulary.build(corpus, min_count=2).words == ["a", "b", "c"]
    small = Vocabulary.build(corpus, min_count=1, max_vocab=2)
    assert small.words == ["a", "b"] and small.total_words == 9


def test_vocabulary_errors(tmp_path):
    empty = write(tmp_path / "empty.txt", "\n\n")
    with pytest.raises(ValueError, match="empty.txt: corpus is empty"):
        Vocabulary.build(Corpus(empty))
    rare = write(tmp_path / "rare.txt", "a b a\n")
    with pytest.raises(ValueError, match=r"rare.txt: no word occurs min_count=5 times "
                                         r"\(most frequent: 2 times\)"):
        Vocabulary.build(Corpus(rare))
    with pytest.raises(ValueError, match="min_count must be >= 1, got 0"):
        Vocabulary.build(Corpus(rare), min_count=0)


def test_encode_drops_unknown_words_and_keeps_raw_positions(tmp_path):
    path = write(tmp_path / "c.txt", "a x b a b\nx x\n\nb a\n")
    corpus = Corpus(path, max_sentence_length=3)
    vocab = Vocabulary.build(corpus, min_count=2)  # a, x and b: 3 times each, first-seen order
    assert vocab.words == ["a", "x", "b"]
    vocab = Vocabulary(["a", "b"], [3, 3], vocab.total_words)  # drop x by hand
    with encode_corpus(corpus, vocab) as enc:
        # sentences (max 3 tokens): [a x b] [a b] [x x] [b a] -> kept [a b] [a b] [] [b a]
        assert enc.ids.dtype == np.int32 and enc.ids.tolist() == [0, 1, 0, 1, 1, 0]
        assert enc.ends.tolist() == [2, 4, 6]
        assert enc.raw_ends.tolist() == [3, 5, 9]  # the empty [x x] still counts as words
        directory = enc.directory
        assert directory.is_dir()
    assert not directory.exists()


def test_encode_matches_iteration_on_a_real_corpus(gensim_data):
    corpus = Corpus(gensim_data("lee_background.cor"), max_sentence_length=50)
    vocab = Vocabulary.build(corpus, min_count=3)
    expected = [[vocab.word_to_id[w] for w in s if w in vocab.word_to_id] for s in corpus]
    expected = [s for s in expected if s]
    with encode_corpus(corpus, vocab) as enc:
        starts = np.concatenate([[0], enc.ends[:-1]])
        got = [enc.ids[a:b].tolist() for a, b in zip(starts, enc.ends, strict=True)]
        assert got == expected
        assert enc.raw_total == vocab.total_words
