"""Progress lines of the long commands (evaluate, index, index --report, project): drawn when
stderr is a terminal (a real pseudo-terminal here), silent when it is a pipe or with -q."""

import os
import pty
import subprocess
import sys

import pytest


def wordvec_cli(*args, terminal):
    """Run `python -m wordvec ARGS`, stderr on a pseudo-terminal or a pipe -> (status, stderr)."""
    cmd = [sys.executable, "-m", "wordvec", *map(str, args)]
    if not terminal:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        return done.returncode, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # EIO: the command closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def store(glove, tmp_path_factory):
    from wordvec import Vectors

    path = tmp_path_factory.mktemp("progress") / "g5k"
    Vectors(glove.keys[:5000], glove.vectors[:5000]).save(path)
    return path


def _lines(stderr):
    """The redrawn states of a progress line ("\\r"-separated), without the padding."""
    return [part.strip() for part in stderr.replace("\r\n", "\n").split("\r") if part.strip()]


def test_evaluate_shows_the_questions_answered(store):
    args = ["evaluate", "--vectors", store, "--analogies", "questions-words"]
    status, shown = wordvec_cli(*args, terminal=True)
    assert status == 0
    final = [line for line in _lines(shown) if line.startswith("analogies (3CosAdd)")][-1]
    assert "100.0%" in final and "questions" in final
    assert wordvec_cli(*args, terminal=False) == (0, "")
    assert wordvec_cli(*args, "-q", terminal=True) == (0, "")


def test_index_build_and_report_show_progress(store):
    annoy = ["index", "--vectors", store, "--backend", "annoy", "--trees", "5"]
    status, shown = wordvec_cli(*annoy, terminal=True)
    assert status == 0
    lines = _lines(shown)
    assert any(line.startswith("adding vectors  100.0%  5.0k vectors") for line in lines)
    assert any(line.startswith("building 5 trees with Annoy (no progress to show)")
               for line in lines)
    status, quiet = wordvec_cli(*annoy, "-q", terminal=True)
    assert status == 0 and "adding" not in quiet and "building" not in quiet
    status, shown = wordvec_cli("index", "--vectors", store, terminal=True)  # HNSW
    assert status == 0
    assert any(line.startswith("building an HNSW graph (M=16, ef_construction=400)  100.0%  "
                               "5.0k vectors") for line in _lines(shown))
    report = ["index", "--vectors", store, "--report", "--sample", "40"]
    status, shown = wordvec_cli(*report, terminal=True)
    assert status == 0
    for backend in ("hnsw", "annoy"):
        assert any(line.startswith(f"recall@10 of {backend}  100.0%  40 words")
                   for line in _lines(shown))
    assert wordvec_cli(*report, terminal=False) == (0, "")


def test_project_shows_label_placement_only_on_a_terminal(store, tmp_path):
    args = ["project", "--vectors", store, "--top", "300", "--method", "pca", "-o",
            tmp_path / "top.png"]
    status, shown = wordvec_cli(*args, terminal=True)
    assert status == 0
    assert any(line.startswith("placing labels") and "steps" in line for line in _lines(shown))
    status, piped = wordvec_cli(*args, terminal=False)
    assert status == 0 and piped.startswith("wrote ") and piped.count("\n") == 1
