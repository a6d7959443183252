"""The command group's own behaviour: errors as one line, a closed pipe ends quietly."""

import subprocess
import sys

import numpy as np
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec import Vectors


def test_closed_pipe_ends_quietly(tmp_path):
    """`wordvec similar ... | head -1`: no traceback or error line once the reader leaves."""
    rng = np.random.default_rng(0)
    Vectors([f"w{i}" for i in range(6000)], rng.standard_normal((6000, 8))).save(tmp_path / "s")
    proc = subprocess.Popen([sys.executable, "-m", "wordvec", "similar", "w0", "-n", "5999",
                             "--vectors", str(tmp_path / "s")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(10)   # output is over a pipe buffer: the writer is still writing
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait() == 141
    assert stderr == b""


def test_library_errors_are_one_line_with_exit_1(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("2 3\nking 1 2 3\nqueen 1 x 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["info", "--vectors", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wordvec: error: {bad} line 3: ")
