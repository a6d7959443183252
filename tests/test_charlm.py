"""The character language model: gradients, memorising a tiny corpus, the sampler's
stopping rules, seeds, save/load and the CLI."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec.models.charlm import CharLM, load_dinos, read_names

TINY = ["anna", "bob", "carl"]


@pytest.fixture(scope="module")
def tiny_model():
    return CharLM(cell="gru", hidden=16, iterations=1500, learning_rate=0.1,
                  random_state=0).fit(TINY)


def test_dinos_ship_with_the_package():
    names = load_dinos()
    assert len(names) == 1536 and names[0] == "Aachenosaurus" and names[-1] == "Zuul"
    assert read_names("a\r\n\r\nb \n") == ["a", "b"]


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_model_gradient_matches_finite_differences(cell):
    model = CharLM(cell=cell, hidden=5, iterations=1, random_state=1).fit(["abca", "cab"])
    for value in model._params().values():     # move away from the tiny initial weights
        value += 0.5 * np.random.default_rng(2).standard_normal(value.shape)
    ix = np.array([model.char_to_ix_[c] for c in "abcab"])
    _, grads = model._loss_and_grads(ix)
    for name, value in model._params().items():
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + 1e-5
            plus = model._loss_and_grads(ix)[0]
            value[idx] = old - 1e-5
            minus = model._loss_and_grads(ix)[0]
            value[idx] = old
            numeric[idx] = (plus - minus) / 2e-5
        rel = np.linalg.norm(grads[name] - numeric) / (
            np.linalg.norm(grads[name]) + np.linalg.norm(numeric))
        assert rel < 1e-6, (name, rel)


def test_tiny_corpus_is_memorised(tiny_model):
    # After the first letter (1 in 3) every character is certain: the loss per name tends to
    # log 3 = 1.0986.
    losses = [tiny_model._loss_and_grads(np.array([tiny_model.char_to_ix_[c] for c in n]))[0]
              for n in TINY]
    assert np.mean(losses) < 1.3
    assert tiny_model.loss_history_[-1] < tiny_model.loss_history_[0] / 2
    samples = tiny_model.sample(30, temperature=0.5, random_state=0)
    assert set(samples) == set(TINY)
    assert tiny_model.vocab_ == ["\n", "a", "b", "c", "l", "n", "o", "r"]


def test_sampler_stopping_rules(tiny_model):
    b = tiny_model.dense_.params["b"]
    saved = b.copy()
    try:
        b[0] = -1e9                      # a newline is never drawn: stop at max_length
        assert [len(s) for s in tiny_model.sample(5, max_length=7, random_state=0)] == [7] * 5
        assert all(len(s) == 50 for s in tiny_model.sample(2, random_state=0))  # the default
        b[0] = 1e9                       # a newline is always drawn: empty names
        assert tiny_model.sample(3, random_state=0) == ["", "", ""]
    finally:
        b[:] = saved
    with pytest.raises(ValueError, match="temperature"):
        tiny_model.sample(1, temperature=0)
    with pytest.raises(ValueError, match="not fitted"):
        CharLM().sample(1)


def test_seeds(tiny_model):
    a = tiny_model.sample(10, random_state=3)
    assert a == tiny_model.sample(10, random_state=3)
    assert a != tiny_model.sample(10, random_state=4)
    fit = [CharLM(hidden=8, iterations=200, random_state=s).fit(TINY).loss_history_
           for s in (5, 5, 6)]
    np.testing.assert_array_equal(fit[0], fit[1])
    assert not np.array_equal(fit[0], fit[2])


def test_dinos_loss_starts_like_the_course():
    model = CharLM(iterations=300, random_state=0).fit(load_dinos())
    # the course's initial smoothed loss: -log(1/27) * 7 = 23.07; one step barely moves it
    assert len(model.vocab_) == 27
    assert model.loss_history_[0] == pytest.approx(23.07, abs=0.02)


def test_save_load_and_cli(tiny_model, tmp_path):
    tiny_model.save(tmp_path / "m")
    back = CharLM.load(tmp_path / "m")
    assert back.sample(10, random_state=1) == tiny_model.sample(10, random_state=1)
    np.testing.assert_array_equal(back.loss_history_, tiny_model.loss_history_)

    names = tmp_path / "names.txt"
    names.write_bytes(b"anna\r\nbob\r\ncarl")
    runner = CliRunner()
    result = runner.invoke(main, ["charlm", "train", str(names), "-o", str(tmp_path / "c"),
                                  "--hidden", "16", "--iterations", "1500", "--learning-rate",
                                  "0.1", "--json", "--quiet", "--cell", "lstm"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["names"] == 3 and report["smoothed_loss"]["1500"] < 10
    result = runner.invoke(main, ["charlm", "sample", "--model", str(tmp_path / "c"), "-n", "4",
                                  "--seed", "2", "--temperature", "0.3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 4 and all(r["name"] in TINY and r["new"] is False for r in rows)
    result = runner.invoke(main, ["charlm", "sample", "--model", str(tmp_path / "c"), "-n", "2",
                                  "--seed", "2", "--temperature", "0.3"])
    assert result.output.splitlines()[0] in {"Anna", "Bob", "Carl"}
    result = runner.invoke(main, ["charlm", "sample", "--model", str(tmp_path / "m"),
                                  "--temperature", "-1"])
    assert result.exit_code == 2


def test_a_line_too_long_for_a_name_is_refused_before_training(tmp_path):
    """A file that is not a list of names (one huge line, a block of NULs) would make every
    iteration as slow as thousands of names: one error naming the file and line, at once."""
    from wordvec.errors import FormatError

    with pytest.raises(FormatError, match=r"names\.txt line 2: a line of 1,001 characters"):
        read_names("trex\n" + "a" * 1001 + "\n", "names.txt")
    assert read_names("trex\n" + "a" * 1000 + "\n") == ["trex", "a" * 1000]
    with pytest.raises(ValueError, match="at most 1,000 characters, got one of 5,000"):
        CharLM(iterations=1, progress=False).fit(["trex", "\0" * 5000])
    path = tmp_path / "zeros.txt"
    path.write_bytes(b"\0" * 5000)
    result = CliRunner().invoke(main, ["charlm", "train", str(path), "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert result.output.strip() == (f"wordvec: error: {path} line 1: a line of 5,000 "
                                     f"characters is not a name (at most 1,000; one name per "
                                     f"line)")


def test_a_model_too_large_for_memory_is_refused_before_allocating():
    with pytest.raises(MemoryError, match=r"a lstm model of 100000000 hidden units needs .* is "
                                          r"more than the .* of memory available"):
        CharLM(cell="lstm", hidden=10**8, iterations=1, progress=False).fit(["trex", "raptor"])
