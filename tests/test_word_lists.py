"""Small text inputs (word lists, pairs, groups, evaluation sets, Emojify CSVs, translation
pairs, names) that are not UTF-8 are one error naming the file and line, in the library and on
the command line."""

import subprocess
import sys

import pytest

from wordvec import debias, evaluate, projection
from wordvec.errors import FormatError
from wordvec.models.emojify import read_emoji_csv

READERS = [
    (debias.read_words, b"he\nsh\xffe\n"),
    (debias.read_pairs, b"she he\nwom\xe9n men\n"),
    (projection.read_groups, b"paris\tcity\nm\xfcnchen\tcity\n"),
    (evaluate.read_analogies, b": capitals\nb\xe9rlin germany athens greece\n"),
    (evaluate.read_similarities, b"tiger\tcat\t7.35\ncaf\xe9\tcoffee\t8\n"),
    (read_emoji_csv, b"hello there,1\n\"caf\xe9, time\",2\n"),
]


@pytest.mark.parametrize("reader, data", READERS, ids=[r.__name__ for r, _ in READERS])
def test_a_line_that_is_not_utf8_is_named(reader, data, tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes(data)
    with pytest.raises(FormatError, match=r"list\.txt line 2: not UTF-8"):
        reader(path)
    path.write_bytes(data.decode("latin-1").encode("utf-8").replace(b"\n", b"\r\n"))
    assert len(reader(path)) > 0   # the same lines in UTF-8 (and CRLF) read


def test_the_command_line_says_which_file_and_line(tmp_path):
    words = tmp_path / "exclude.txt"
    words.write_bytes(b"he\nsh\xffe\n")
    store = tmp_path / "tiny.vec"
    store.write_text("2 2\nhe 1 0\nshe 0 1\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "wordvec", "debias", "-o", str(tmp_path / "o"),
                          "--exclude", str(words), "--vectors", str(store)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"wordvec: error: {words} line 2: not UTF-8 (invalid start byte)"]
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command, data", [
    (["seq2seq", "train", "--epochs", "1", "--data"], b"3 may 1979\t1979-05-03\nm\xe4rz\t03\n"),
    (["charlm", "train", "--iterations", "5"], b"aachenosaurus\nabr\xe9\n"),
], ids=["seq2seq", "charlm"])
def test_training_data_that_is_not_utf8_is_named(command, data, tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(data)
    run = subprocess.run([sys.executable, "-m", "wordvec", *command, str(path), "-o",
                          str(tmp_path / "m")], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"wordvec: error: {path} line 2: not UTF-8 (invalid continuation byte)"]
    assert not (tmp_path / "m").exists()
