"""Issue 11 through the command line, with real processes: outputs never overwrite inputs,
saves never replace what is not theirs, non-finite numbers never load or save, and every
failure is one `wordvec: error:` line."""

import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import wordvec

WORDVEC = [sys.executable, "-m", "wordvec"]


def run(*args, **kwargs):
    return subprocess.run([*WORDVEC, *map(str, args)], capture_output=True, text=True,
                          **kwargs)


def one_error_line(proc, code=1):
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 or code == 2, proc.stderr
    return lines[-1]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.txt"
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    path.write_text("\n".join(" ".join(rng.choice(words, 12)) for _ in range(200)) + "\n")
    return path


@pytest.mark.parametrize("command", ["train", "cooccur"])
def test_an_output_that_is_the_corpus_is_a_usage_error(corpus, command):
    before = corpus.read_bytes()
    proc = run(command, corpus, "-o", corpus, "--min-count", "1", "-q")
    line = one_error_line(proc, code=2)
    assert "is the input" in line
    assert corpus.read_bytes() == before


def test_an_output_inside_an_input_folder_is_a_usage_error(tmp_path, corpus):
    folder = tmp_path / "texts"
    folder.mkdir()
    corpus.rename(folder / "c.txt")
    proc = run("train", folder, "-o", folder / "vectors", "--min-count", "1", "-q")
    assert "is inside the input" in one_error_line(proc, code=2)
    assert os.listdir(folder) == ["c.txt"]


def test_convert_refuses_its_own_input(tmp_path):
    v = wordvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32))
    v.save(tmp_path / "v.txt")
    proc = run("convert", tmp_path / "v.txt", tmp_path / "v.txt")
    assert "is the input" in one_error_line(proc, code=2)


def test_saving_over_a_users_folder_or_file_is_refused_and_keeps_it(tmp_path, corpus):
    v = wordvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32))
    v.save(tmp_path / "v.txt")
    mine = tmp_path / "mystore"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    for target in (mine, tmp_path / "afile"):
        if target.name == "afile":
            target.write_text("precious")
        proc = run("convert", tmp_path / "v.txt", target)
        assert "not writing into it" in one_error_line(proc) or "not replacing" in proc.stderr
    assert (mine / "notes.txt").read_text() == "precious"
    assert (tmp_path / "afile").read_text() == "precious"
    # train checks before it trains: a usage error, not an error after the work
    proc = run("train", corpus, "-o", mine, "--min-count", "1", "-q")
    assert "not writing into it" in one_error_line(proc, code=2)


def test_a_users_store_old_folder_is_never_touched(tmp_path):
    """The old design renamed STORE to STORE.old, deleting whatever a user kept there."""
    v = wordvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32))
    v.save(tmp_path / "v.txt")
    (tmp_path / "mystore.old").mkdir()
    (tmp_path / "mystore.old" / "notes.txt").write_text("precious")
    for _ in range(2):
        assert run("convert", tmp_path / "v.txt", tmp_path / "mystore").returncode == 0
    assert (tmp_path / "mystore.old" / "notes.txt").read_text() == "precious"
    assert sorted(os.listdir(tmp_path)) == ["mystore", "mystore.old", "v.txt"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
@pytest.mark.parametrize("fmt", ["glove", "word2vec", "word2vec-binary", "native"])
def test_non_finite_values_are_refused_on_load(tmp_path, value, fmt):
    text = tmp_path / "g.txt"
    text.write_text(f"a 1 2\nb {value} 1\n")
    v = wordvec.load(text, allow_nonfinite=True)
    assert not np.isfinite(v.vectors).all()
    target = {"glove": text, "word2vec": tmp_path / "w.txt", "word2vec-binary":
              tmp_path / "w.bin", "native": tmp_path / "store"}[fmt]
    if fmt == "word2vec":
        target.write_text(f"2 2\na 1 2\nb {value} 1\n")
    elif fmt == "word2vec-binary":
        body = b"".join(w.encode() + b" " + np.asarray(r, "<f4").tobytes() + b"\n"
                        for w, r in zip(v.keys, v.vectors))
        target.write_bytes(b"2 2\n" + body)
    elif fmt == "native":
        finite = wordvec.Vectors(v.keys, np.ones((2, 2), np.float32))
        finite.save(target)
        name = json.loads((target / "meta.json").read_text())["files"]["vectors.npy"]
        np.save(target / name, np.asarray(v.vectors))   # damaged after the save
    proc = run("similar", "a", "--vectors", target)
    line = one_error_line(proc)
    assert "non-finite value" in line and ("line 2" in line or "line 3" in line
                                           or "entry 2" in line or "row 1" in line)
    assert proc.stdout == ""


def test_non_finite_vectors_are_never_saved(tmp_path):
    v = wordvec.Vectors(["a", "b"], np.array([[1, 2], [np.nan, 1]], np.float32))
    for target in (tmp_path / "s", tmp_path / "s.txt", tmp_path / "s.bin"):
        with pytest.raises(ValueError, match="word 'b'. holds NaN or infinity"):
            v.save(target)
    assert os.listdir(tmp_path) == []


def test_broken_inputs_are_one_line_naming_the_file(tmp_path):
    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "meta.json").write_text("[" * 100_000 + "]" * 100_000)
    assert "deep/meta.json" in one_error_line(run("info", "--vectors", deep))
    gz = tmp_path / "c.txt.gz"
    gz.write_bytes(gzip.compress(b"a b c\n" * 1000)[:-30])    # truncated mid-stream
    line = one_error_line(run("train", gz, "-o", tmp_path / "o", "--min-count", "1", "-q"))
    assert str(gz) in line
    store = tmp_path / "store"
    wordvec.Vectors(["a", "b"], np.eye(2, dtype=np.float32)).save(store)
    meta = json.loads((store / "meta.json").read_text())
    vocab = store / meta["files"]["vocab.txt"]
    vocab.write_text("a\nb\nc\n")        # longer than the matrix
    assert "3 words for a 2-row matrix" in one_error_line(run("info", "--vectors", store))
    long_word = "x" * 100_000
    line = one_error_line(run("similar", long_word, "--vectors", tmp_path / "store2"))
    assert len(line) < 1000


@pytest.mark.parametrize(("head", "says"), [
    (b"\xef\xbb\xbf2 2\n", "byte-order mark"), (b"+2 2\n", "two plain whole numbers")])
def test_a_bad_header_is_reported_on_line_1(tmp_path, head, says):
    path = tmp_path / "v.txt"
    path.write_bytes(head + b"a 1 2\nb 1 1\n")
    line = one_error_line(run("info", "--vectors", path))
    assert "line 1:" in line and says in line


def test_a_store_of_no_words_with_counts_round_trips(tmp_path):
    empty = wordvec.Vectors([], np.zeros((0, 3), np.float32), counts=np.zeros(0, np.int64))
    empty.save(tmp_path / "s")
    assert len(wordvec.load(tmp_path / "s")) == 0


def test_a_count_beyond_int64_is_a_format_error(tmp_path):
    store = tmp_path / "s"
    wordvec.Vectors(["a"], np.ones((1, 2), np.float32), counts=np.array([3])).save(store)
    vocab = store / json.loads((store / "meta.json").read_text())["files"]["vocab.txt"]
    vocab.write_text("a\t" + "1" * 23 + "\n")
    assert "too large" in one_error_line(run("info", "--vectors", store))
