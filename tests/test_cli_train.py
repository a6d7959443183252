"""`wordvec train`: outputs, formats, stdin, checkpoints and one-line errors."""


import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

import wordvec

FAST = ["--dim", "16", "--epochs", "2", "--min-count", "2", "--seed", "1", "--threads", "1",
        "--quiet"]


@pytest.fixture(scope="module")
def lee(gensim_data):
    return gensim_data("lee_background.cor")


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def test_train_writes_a_native_store_with_counts(lee, tmp_path):
    out = tmp_path / "lee"
    result = run("train", lee, "-o", out, *FAST)
    assert result.exit_code == 0, result.output
    v = wordvec.load(out)
    assert v.dim == 16 and len(v) == 4844 and v.keys[:3] == ["the", "to", "of"]
    assert v.counts is not None and v.counts[0] == 3523
    # the same seed with one thread gives the same vectors as the library
    model = wordvec.SGNS(dim=16, epochs=2, min_count=2, random_state=1, threads=1,
                         progress=False).fit(lee)
    assert np.array_equal(np.asarray(v.vectors), model.vectors_.vectors)


def test_format_option_and_stdin(lee, tmp_path):
    out = tmp_path / "lee.vec"
    text = lee.read_text(encoding="utf-8")
    result = run("train", "-", "-o", out, "--format", "word2vec", *FAST, input=text)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").split("\n", 1)[0] == "4844 16"


def test_checkpoint_and_resume(lee, tmp_path):
    ckpt, out1, out2 = tmp_path / "ckpt", tmp_path / "a", tmp_path / "b"
    opts = [*FAST, "--epochs", "3"]
    assert run("train", lee, "-o", out1, *opts, "--checkpoint", ckpt,
               "--checkpoint-every", "2").exit_code == 0
    assert (ckpt / "state.json").exists()
    result = run("train", lee, "-o", out2, *opts, "--resume", ckpt)
    assert result.exit_code == 0, result.output
    assert np.array_equal(np.asarray(wordvec.load(out1).vectors),
                          np.asarray(wordvec.load(out2).vectors))


def test_resume_takes_the_settings_left_out_from_the_checkpoint(lee, tmp_path):
    """A resume needs only the corpus and the checkpoint, even after a default changed: this
    CBOW run starts at alpha 0.025, not CBOW's default; a setting given must match."""
    ckpt, out1, out2 = tmp_path / "ckpt", tmp_path / "a", tmp_path / "b"
    opts = [*FAST, "--model", "cbow", "--alpha", "0.025", "--window", "3"]
    assert run("train", lee, "-o", out1, *opts, "--checkpoint", ckpt,
               "--checkpoint-every", "1").exit_code == 0
    result = run("train", lee, "-o", out2, "--model", "cbow", "--resume", ckpt, "--quiet",
                 "--threads", "1")
    assert result.exit_code == 0, result.output
    assert np.array_equal(np.asarray(wordvec.load(out1).vectors),
                          np.asarray(wordvec.load(out2).vectors))
    result = run("train", lee, "-o", tmp_path / "c", "--model", "cbow", "--resume", ckpt,
                 "--alpha", "0.05", "--quiet")
    assert result.exit_code == 1
    assert "checkpoint has alpha=0.025, this model alpha=0.05" in result.output
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("setup, args, message", [
    (None, ["--min-count", "100000"], "no word occurs min_count=100000 times"),
    (None, ["--format", "pickle"], "unknown format 'pickle'"),
    ("", [], "corpus is empty"),
    (b"ok line\nbad \xff\n", [], "line 2: not UTF-8"),
    ("missing", [], "No such file or directory"),
])
def test_errors_are_one_line_and_leave_no_output(lee, tmp_path, setup, args, message):
    corpus = lee
    if setup == "missing":
        corpus = tmp_path / "missing.txt"
    elif setup is not None:
        corpus = tmp_path / "corpus.txt"
        corpus.write_bytes(setup.encode() if isinstance(setup, str) else setup)
    out = tmp_path / "out"
    result = run("train", corpus, "-o", out, "--quiet", *args)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and message in result.output
    assert result.output.startswith("wordvec: error: ")
    assert not out.exists()


def test_help_has_an_example():
    result = run("train", "--help")
    assert result.exit_code == 0 and "wordvec train data/small.txt -o" in result.output


def test_the_defaults_in_train_help_are_the_estimators_defaults():
    """Each `[default]` in `wordvec train --help` names the estimator's real default:
    `[sgns; glove X]` for shared options, one value for SGNS- or GloVe-only ones."""
    import re

    from wordvec_cli.train import _GLOVE, _PARAMS, train

    def same(text, value):
        if value is None:
            return text in ("all", "all cores")
        if isinstance(value, bool):
            return text in (("symmetric", "on") if value else ("asymmetric", "off"))
        if isinstance(value, str):
            return text == value
        return float(text) == value

    sgns, glove = wordvec.SGNS().get_params(), wordvec.GloVe().get_params()
    cbow = wordvec.CBOW().get_params()
    checked = 0
    for option in train.params:
        help_text = getattr(option, "help", None) or ""
        found = re.search(r"\[([^\]]+)\]\.?$", help_text)
        if option.name not in set(_PARAMS) | set(_GLOVE) or not found:
            continue
        first, _, others = found.group(1).partition("; ")
        for_cbow = for_glove = ""
        if others:  # "glove X" or "cbow and glove X"
            models, _, value = others.rpartition(" ")
            assert set(models.split(" and ")) <= {"cbow", "glove"}, option.name
            for_cbow = value if "cbow" in models else ""
            for_glove = value if "glove" in models else ""
        if option.name in _PARAMS and not help_text.startswith("GloVe:"):
            assert same(first, sgns[_PARAMS[option.name]]), option.name
            assert same(for_cbow or first, cbow[_PARAMS[option.name]]), option.name
            checked += 1
        if option.name in _GLOVE and not help_text.startswith("SGNS:"):
            assert same(for_glove or first, glove[_GLOVE[option.name]]), option.name
            checked += 1
    assert checked >= 15


def test_the_models_in_train_help_list_their_real_defaults():
    """The "Models and their defaults" block of `wordvec train --help`: every `--option
    value` (and flag) named for a model is that estimator's default."""
    import re

    from wordvec_cli.train import _FASTTEXT, _GLOVE, _PARAMS, train

    block = train.help.split("Models and their defaults")[1].split("Example:")[0]
    entries = dict(re.findall(r"\n {6}([a-z]+) +(.*?)(?=\n {6}[a-z]|\Z)", block, re.S))
    assert sorted(entries) == ["cbow", "fasttext", "glove", "sgns"]
    estimators = {"sgns": (wordvec.SGNS, _PARAMS), "cbow": (wordvec.CBOW, _PARAMS),
                  "fasttext": (wordvec.FastText, _FASTTEXT), "glove": (wordvec.GloVe, _GLOVE)}
    flags = {"--no-hs": ("hs", False), "--symmetric": ("symmetric", True),
             "--cbow-mean": ("cbow_mean", True)}
    checked = 0
    for name, text in entries.items():
        estimator, names = estimators[name]
        params = estimator().get_params()
        pattern = r"(--[a-z-]+)(?: ([0-9][0-9.eG]*|[a-z]+(?=\s|$)))?"
        named = {}
        if "sgns's" in text:  # sgns's options, then the model's own, which override them
            named.update(re.findall(pattern, entries["sgns"].split(";")[0].replace("--no-hs", "")))
        named.update(re.findall(pattern, text.split(";")[0] if name == "sgns" else text))
        for option, value in named.items():
            if option in flags:
                key, want = flags[option]
                assert params[key] is want, (name, option)
            else:
                key = names[option[2:].replace("-", "_")]
                got = params[key]
                assert (str(got) == value if isinstance(got, str) else float(value) == got), \
                    (name, option, value, got)
            checked += 1
    assert checked >= 30
