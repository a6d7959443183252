"""`wordvec --help` (and each command's --help) must not import the heavy libraries.

Start-up time itself is measured in benchmarks/bench_startup.py; this checks the cause.
"""

import json
import subprocess
import sys

HEAVY = ("numba", "sklearn", "matplotlib", "gensim", "annoy", "hnswlib", "pandas", "scipy")

PROBE = """
import json, sys
from wordvec_cli.main import COMMANDS, main
args = json.loads(sys.argv[1])
try:
    main(args, prog_name="wordvec", standalone_mode=False)
except SystemExit:
    pass
heavy = set(json.loads(sys.argv[2]))
print("\\nLOADED=" + json.dumps(sorted({m.split(".")[0] for m in sys.modules} & heavy)))
"""


def loaded_after(args):
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.rsplit("LOADED=", 1)[1])


def test_top_level_help_imports_nothing_heavy():
    assert loaded_after(["--help"]) == []


def test_every_command_help_imports_nothing_heavy():
    from wordvec_cli.main import COMMANDS

    for name in COMMANDS:
        assert loaded_after([name, "--help"]) == [], name


def test_python_dash_m_wordvec_runs_the_same_cli():
    out = subprocess.run([sys.executable, "-m", "wordvec", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "Usage: wordvec" in out
