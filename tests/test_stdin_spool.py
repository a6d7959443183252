"""stdin ("-") is spooled to $TMPDIR within bounds, through real processes: an endless writer
stops at $WORDVEC_MAX_SPOOL, or before the spool's filesystem runs low (a small tmpfs mounted
in a user namespace), with one error line, the partial spool removed and nothing else; a
finite stdin still trains."""

import os
import shutil
import subprocess
import sys

import pytest

FAST = ["--dim", "8", "--epochs", "1", "--min-count", "1", "--seed", "1", "--threads", "1"]
CORPUS_OF_STDIN = ("import sys; from wordvec.corpus import Corpus; "
                   "print(sum(map(len, Corpus('-'))))")


def _env(tmpdir, **extra):
    env = {k: v for k, v in os.environ.items() if k != "WORDVEC_MAX_SPOOL"}
    return {**env, "TMPDIR": str(tmpdir), **extra}


def _endless(cmd, env):
    """Run `cmd` with stdin fed by `yes` (endless); its result once it exits."""
    if shutil.which("yes") is None:
        pytest.skip("no `yes` command")
    writer = subprocess.Popen(["yes", "the cat sat on the mat"], stdout=subprocess.PIPE)
    try:
        return subprocess.run(cmd, stdin=writer.stdout, capture_output=True, text=True,
                              env=env, timeout=300)
    finally:
        writer.stdout.close()   # the reader is gone: `yes` dies of SIGPIPE
        writer.wait(timeout=60)


@pytest.fixture
def tmpdir_(tmp_path):
    """An empty $TMPDIR holding one file of someone else's, which must survive."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    (folder / "notes.txt").write_text("not wordvec's\n")
    return folder


def _left(folder):
    return sorted(p.name for p in folder.iterdir())


def test_endless_stdin_stops_at_the_limit_with_one_line(tmp_path, tmpdir_):
    out = tmp_path / "v.vec"
    result = _endless([sys.executable, "-m", "wordvec", "train", "-", "-o", out, *FAST],
                      _env(tmpdir_, WORDVEC_MAX_SPOOL="1M"))
    assert result.returncode == 1, result.stderr
    assert result.stderr == ("wordvec: error: <stdin>: more than 1.0 MiB read, past the "
                             "WORDVEC_MAX_SPOOL limit on spooling stdin; give the corpus as a "
                             "file instead, or raise WORDVEC_MAX_SPOOL\n")
    assert _left(tmpdir_) == ["notes.txt"]   # the partial spool is gone, the rest is not
    assert not out.exists()


@pytest.mark.parametrize(("size", "ok"), [(65536, True), (65537, False)])
def test_the_limit_takes_units_and_admits_exactly_its_size(tmpdir_, size, ok):
    text = b"aaa bbb\n" * 8192 + b"c" * (size - 65536)     # 65,536 bytes, then one more
    result = subprocess.run([sys.executable, "-c", CORPUS_OF_STDIN], input=text,
                            capture_output=True, env=_env(tmpdir_, WORDVEC_MAX_SPOOL="64K"),
                            timeout=300)
    if ok:
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().split() == ["16384"]
    else:
        assert result.returncode == 1
        assert b"WordvecError: <stdin>: more than 64.0 KiB read" in result.stderr
    assert _left(tmpdir_) == ["notes.txt"]


def test_a_bad_limit_is_one_line_before_reading_stdin(tmp_path, tmpdir_):
    result = _endless([sys.executable, "-m", "wordvec", "train", "-", "-o", tmp_path / "v",
                       *FAST], _env(tmpdir_, WORDVEC_MAX_SPOOL="lots"))
    assert result.returncode == 1
    assert result.stderr == ("wordvec: error: WORDVEC_MAX_SPOOL must be bytes or a size like "
                             "'20G', got 'lots'\n")
    assert _left(tmpdir_) == ["notes.txt"]


def test_finite_stdin_still_trains_and_its_spool_goes(tmp_path, tmpdir_):
    from wordvec import load

    out = tmp_path / "v.vec"
    text = "".join(f"the cat sat on mat {i % 7}\n" for i in range(3000))
    result = subprocess.run([sys.executable, "-m", "wordvec", "train", "-", "-o", out, *FAST],
                            input=text, capture_output=True, text=True,
                            env=_env(tmpdir_, WORDVEC_MAX_SPOOL="20G"), timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(load(out).keys) == sorted(["the", "cat", "sat", "on", "mat",
                                             *map(str, range(7))])
    assert _left(tmpdir_) == ["notes.txt"]


SMALL_FS = """
mount -t tmpfs -o size=32m tmpfs "$1" || exit 97
head -c 1000000 /dev/zero > "$1/notes.bin"
yes "the cat sat on the mat" | TMPDIR="$1" "$2" -m wordvec train - -o "$3" --dim 8
echo "rc=$?"
ls -A "$1"
df -k "$1" | tail -n 1
"""


def test_without_a_limit_the_spool_stops_before_its_filesystem_fills(tmp_path):
    """A 32 MiB tmpfs, mounted in a user and mount namespace of its own: the spool stops
    with 5% of it (1.6 MiB) still free."""
    if shutil.which("unshare") is None or shutil.which("yes") is None:
        pytest.skip("needs unshare and yes")
    small = tmp_path / "small"
    small.mkdir()
    result = subprocess.run(["unshare", "-rm", "sh", "-c", SMALL_FS, "sh", small,
                             sys.executable, tmp_path / "v.vec"],
                            capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    if result.returncode == 97 or "unshare:" in result.stderr:
        pytest.skip(f"cannot mount a tmpfs in a user namespace: {result.stderr.strip()}")
    rc, *listing, df = result.stdout.splitlines()
    assert rc == "rc=1", result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("wordvec: error: <stdin>: ")
    assert (f"read; spooling more to {small} would leave less than 1.6 MiB free on its "
            "filesystem; give the corpus as a file instead") in result.stderr
    assert listing == ["notes.bin"]          # the partial spool is gone, the rest is not
    assert int(df.split()[3]) > 30 * 1024    # and the room it took is free again
