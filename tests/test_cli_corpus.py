"""Corpus input through the real CLI (subprocesses): broken files give one error line naming
the file; raw text gets one warning unless --tokenize or --quiet says otherwise."""

import bz2
import gzip
import subprocess
import sys

import pytest

import wordvec

FAST = ["--dim", "8", "--epochs", "1", "--min-count", "2", "--seed", "1", "--threads", "1"]


def wordvec_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kwargs)


def _packed(tmp_path, name, opener, damage):
    path = tmp_path / name
    with opener(path, "wb") as f:
        f.write("".join(f"line {i} of a corpus\n" for i in range(20000)).encode())
    path.write_bytes(damage(path.read_bytes()))
    return path


BROKEN = {
    "corrupt.gz": lambda t: _packed(t, "corrupt.gz", gzip.open,
                                    lambda b: b[:200] + b"\xff" * 8 + b[208:]),
    "truncated.gz": lambda t: _packed(t, "truncated.gz", gzip.open, lambda b: b[:len(b) // 2]),
    "truncated.bz2": lambda t: _packed(t, "truncated.bz2", bz2.open, lambda b: b[:len(b) // 2]),
    "cp1251.txt": lambda t: (t / "cp1251.txt").write_bytes(
        "fine words\nпривет мир\n".encode("cp1251")) and t / "cp1251.txt",
}
EXPECTED = {"corrupt.gz": "corrupt.gz: truncated or corrupt gzip data (",
            "truncated.gz": "truncated.gz: truncated or corrupt gzip data (",
            "truncated.bz2": "truncated.bz2: truncated or corrupt bzip2 data (",
            "cp1251.txt": "cp1251.txt line 2: not UTF-8 (invalid continuation byte)",
            "/dev/zero": "/dev/zero line 1: NUL byte: not a text corpus"}


@pytest.mark.parametrize("command", ["train", "cooccur"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_broken_corpus_is_one_error_line_naming_it(tmp_path, command, name):
    corpus = name if name == "/dev/zero" else BROKEN[name](tmp_path)
    result = wordvec_cli(command, corpus, "-o", tmp_path / "out", "--min-count", "1")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("wordvec: error: ") and result.stderr.count("\n") == 1
    assert EXPECTED[name] in result.stderr
    assert not (tmp_path / "out").exists()


def test_raw_text_warns_once_and_tokenize_words_cleans_it(gensim_data, tmp_path):
    raw = gensim_data("lee_background.cor")
    plain = wordvec_cli("train", raw, "-o", tmp_path / "plain", *FAST)
    assert plain.returncode == 0, plain.stderr
    warnings = [line for line in plain.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and warnings[0].startswith(
        f"wordvec: warning: {raw} looks untokenised: ")
    assert "--tokenize words" in warnings[0]
    quiet = wordvec_cli("train", raw, "-o", tmp_path / "quiet", *FAST, "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    words = wordvec_cli("train", raw, "-o", tmp_path / "words", *FAST, "--tokenize", "words")
    assert words.returncode == 0 and "warning" not in words.stderr
    before, after = wordvec.load(tmp_path / "plain"), wordvec.load(tmp_path / "words")
    assert {"said.", "The", "Afghanistan,"} <= set(before.keys)
    assert not any(k != k.lower() or not k.isalnum() for k in after.keys)
    assert after.counts[after.keys.index("said")] > before.counts[before.keys.index("said")]


def test_cooccur_tokenize_and_its_misuse(gensim_data, tmp_path):
    raw = gensim_data("lee_background.cor")
    result = wordvec_cli("cooccur", raw, "-o", tmp_path / "counts", "--tokenize", "lower",
                         "--quiet")
    assert result.returncode == 0 and "warning" not in result.stderr
    from wordvec.train.cooccur import load_cooccurrence

    words = load_cooccurrence(tmp_path / "counts").words
    assert "the" in words and "The" not in words and "said." in words
    misuse = wordvec_cli("train", "--model", "glove", "--cooccur", tmp_path / "counts", "-o",
                         tmp_path / "g", "--tokenize", "words")
    assert misuse.returncode == 2 and "--tokenize applies to CORPUS" in misuse.stderr
