"""Small text inputs (word lists, pairs, groups, evaluation sets) that are not UTF-8 are one
error naming the file and line, in the library and on the command line."""

import subprocess
import sys

import pytest

from wordvec import debias, evaluate, projection
from wordvec.errors import FormatError

READERS = [
    (debias.read_words, b"he\nsh\xffe\n"),
    (debias.read_pairs, b"she he\nwom\xe9n men\n"),
    (projection.read_groups, b"paris\tcity\nm\xfcnchen\tcity\n"),
    (evaluate.read_analogies, b": capitals\nb\xe9rlin germany athens greece\n"),
    (evaluate.read_similarities, b"tiger\tcat\t7.35\ncaf\xe9\tcoffee\t8\n"),
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
