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


@pytest.fixture
def small_blocks(monkeypatch):
    """Read 64 characters at a time, cutting unfinished lines beyond 16: long lines in tests."""
    import wordvec.corpus

    monkeypatch.setattr(wordvec.corpus, "BLOCK_CHARS", 64)
    monkeypatch.setattr(wordvec.corpus, "MAX_WORD", 16)


def test_long_lines_come_in_bounded_pieces_cut_exactly(tmp_path, small_blocks):
    line = " ".join(f"w{i % 37}" for i in range(1000))
    path = write(tmp_path / "long.txt", f"a b\n{line}\n\nc d e\n{line}")
    tokens = line.split()
    chunks = [tokens[i:i + 7] for i in range(0, len(tokens), 7)]
    assert list(Corpus(path, max_sentence_length=7)) == [["a", "b"], *chunks, ["c", "d", "e"],
                                                         *chunks]
    corpus = Corpus(path, max_sentence_length=7)
    vocab = Vocabulary.build(corpus, min_count=1)
    assert vocab.total_words == 2 * 1000 + 5
    with encode_corpus(corpus, vocab) as enc:
        assert np.diff(enc.ends, prepend=0).tolist() == [2, *map(len, chunks), 3,
                                                         *map(len, chunks)]


@pytest.mark.parametrize("data, message", [
    (b"one two\nthree\x00four\n", r"nul.txt line 2: NUL byte: not a text corpus"),
    (b"ok\n" + b"x" * 100 + b" y\n", r"nul.txt line 2: a word of over 16 characters"),
])
def test_binary_looking_text_is_refused_with_its_line(tmp_path, small_blocks, data, message):
    path = tmp_path / "nul.txt"
    path.write_bytes(data)
    with pytest.raises(FormatError, match=message):
        Vocabulary.build(Corpus(path), min_count=1)


def test_non_utf8_far_into_a_long_line_names_its_line(tmp_path, small_blocks):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine\n" + b"word " * 500 + b"\xd0 end\nlast\n")
    with pytest.raises(FormatError, match=r"bad.txt line 2: not UTF-8"):
        list(Corpus(path))


def _compressed(tmp_path, name, opener, damage):
    data = "".join(f"line {i} of a corpus\n" for i in range(20000)).encode()
    path = tmp_path / name
    with opener(path, "wb") as f:
        f.write(data)
    packed = bytearray(path.read_bytes())
    path.write_bytes(damage(packed))
    return path


@pytest.mark.parametrize("name, opener, damage, kind", [
    ("cut.gz", gzip.open, lambda b: bytes(b[:len(b) // 2]), "gzip"),
    ("flipped.gz", gzip.open, lambda b: bytes(b[:200] + b"\xff" * 8 + b[208:]), "gzip"),
    ("cut.bz2", bz2.open, lambda b: bytes(b[:len(b) // 2]), "bzip2"),
    ("zeroed.bz2", bz2.open, lambda b: bytes(b[:100] + b"\x00" * 8 + b[108:]), "bzip2"),
])
def test_broken_compressed_files_are_format_errors(tmp_path, name, opener, damage, kind):
    path = _compressed(tmp_path, name, opener, damage)
    with pytest.raises(FormatError, match=rf"{name}: truncated or corrupt {kind} data \(.+\)"):
        Vocabulary.build(Corpus(path), min_count=1)


def test_tokenize_words_lowercases_and_drops_punctuation_in_any_script(tmp_path):
    path = write(tmp_path / "raw.txt", "The cat's «Élan», the CAT.\nВ начале июля, в Москве!\n")
    assert list(Corpus(path, tokenize="lower")) == [
        ["the", "cat's", "«élan»,", "the", "cat."], ["в", "начале", "июля,", "в", "москве!"]]
    assert list(Corpus(path, tokenize="words")) == [
        ["the", "cat", "s", "élan", "the", "cat"], ["в", "начале", "июля", "в", "москве"]]
    with pytest.raises(ValueError, match="tokenize must be one of whitespace, lower, words"):
        Corpus(path, tokenize="nltk")


def test_raw_text_read_as_it_is_warns(gensim_data):
    import warnings

    from wordvec.corpus import UntokenizedWarning

    raw = gensim_data("lee_background.cor")  # news articles: capitals, punctuation attached
    with pytest.warns(UntokenizedWarning, match=r"lee_background.cor looks untokenised: \d+ "
                      r"of its 1,000 most frequent words carry punctuation \('said\.'"):
        plain = Vocabulary.build(Corpus(raw), min_count=2)
    assert "said." in plain.words and "The" in plain.words
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        words = Vocabulary.build(Corpus(raw, tokenize="words"), min_count=2)
        Vocabulary.build(Corpus(gensim_data("head500.noblanks.cor")), min_count=2)  # tokenised
    assert "said" in words.words and "said." not in words.words and "The" not in words.words
    assert words.counts[words.word_to_id["the"]] > plain.counts[plain.word_to_id["the"]]
