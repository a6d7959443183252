"""Emojify on the course data with the real GloVe 6B 50d vectors; the CLI end to end."""

import json
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec import Vectors
from wordvec.models.emojify import (
    EMOJIS,
    EmojifierLSTM,
    EmojifierMean,
    label_to_emoji,
    load,
    load_emoji_data,
    tokenize,
)


@pytest.fixture(scope="module")
def data():
    return load_emoji_data("train"), load_emoji_data("test")


@pytest.fixture(scope="module")
def mean_model(glove, data):
    (X, y), _ = data
    return EmojifierMean(glove, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def small_store(glove, data, tmp_path_factory):
    """The GloVe rows of the course's words plus a few others, saved as a native store."""
    (X, _), (Xt, _) = data
    extra = "i adore you we won the match let us have lunch this is so sad".split()
    words = {w for s in X + Xt for w in tokenize(s)} | set(extra)
    words = sorted(w for w in words if w in glove)
    path = tmp_path_factory.mktemp("store") / "emoji-glove"
    Vectors(words, glove[words]).save(path)
    return path


def test_course_data_ships_intact(data):
    (X, y), (Xt, yt) = data
    assert (len(X), len(Xt)) == (132, 56)
    assert X[0] == "never talk to me again" and y[0] == 3
    assert Xt[0] == "I want to eat" and yt[0] == 4
    assert set(y) == set(yt) == {0, 1, 2, 3, 4}
    assert all(s == s.strip() and "\r" not in s for s in X + Xt)
    assert [label_to_emoji(i) for i in range(5)] == list(EMOJIS)


def test_mean_model_reaches_the_course_accuracy(mean_model, data):
    (X, y), (Xt, yt) = data
    # The course reports 0.977 / 0.857 for this model.
    assert mean_model.score(X, y) >= 0.97
    assert mean_model.score(Xt, yt) >= 0.85
    assert mean_model.loss_history_[-1] < mean_model.loss_history_[0] / 5
    assert mean_model.predict(["I adore you", "let us have lunch"]).tolist() == [0, 4]


def test_sklearn_conventions_and_unknown_words(mean_model, glove):
    assert mean_model.classes_.tolist() == [0, 1, 2, 3, 4]
    proba = mean_model.predict_proba(["I love you", "qqzzxx wwvvyy"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Unknown words are the zero vector: an all-unknown sentence scores softmax(b).
    b = mean_model.dense_.params["b"]
    np.testing.assert_allclose(proba[1], np.exp(b) / np.exp(b).sum())
    # ... and they count in the mean: "love qqzzxx" is half of "love".
    W = mean_model.dense_.params["W"]
    half = glove["love"].astype(np.float64) / 2 @ W + b
    np.testing.assert_allclose(mean_model._logits([["love", "qqzzxx"]]), [half])
    with pytest.raises(ValueError, match="sentence 1 is empty"):
        mean_model.predict(["fine", "   "])
    with pytest.raises(ValueError, match="not fitted"):
        EmojifierMean(glove).predict(["hello"])
    named = EmojifierMean(glove, epochs=20, random_state=0).fit(
        ["i love you", "baseball game", "i love it"], ["heart", "ball", "heart"])
    assert named.classes_.tolist() == ["ball", "heart"]
    assert named.predict(["love"]).tolist() == ["heart"]


def test_lstm_model_on_the_course_data(glove, data, tmp_path):
    (X, y), (Xt, yt) = data
    model = EmojifierLSTM(glove, random_state=0).fit(X, y)
    assert model.max_len_ == 10
    assert model.score(X, y) >= 0.95
    # One seed here (calibration: seeds 0-4 give 0.79-0.875, median 0.875; with masks
    # instead of the course's zero padding they gave 0.62-0.82). The 5-seed median is in
    # benchmarks/report_emojify.py.
    assert model.score(Xt, yt) >= 0.75
    assert model.loss_history_[-1] < model.loss_history_[0] / 3
    # A sentence's answer does not depend on the batch, nor on longer sentences beside it.
    long = "i really love you so much more than all the stars in the whole sky"
    together = model.predict_proba(Xt[:5] + [long])
    alone = np.vstack([model.predict_proba([s]) for s in Xt[:5] + [long]])
    np.testing.assert_allclose(together, alone, rtol=1e-4, atol=1e-7)  # float32 rounding
    model.save(tmp_path / "lstm")
    np.testing.assert_array_equal(load(tmp_path / "lstm", vectors=glove).predict_proba(Xt),
                                  model.predict_proba(Xt))


def test_save_load_round_trip(mean_model, glove, tmp_path, small_store, data):
    (X, y), (Xt, _) = data
    mean_model.save(tmp_path / "m")
    with pytest.raises(ValueError, match="in-memory store"):
        load(tmp_path / "m")
    again = load(tmp_path / "m", vectors=glove)
    np.testing.assert_array_equal(again.predict_proba(Xt), mean_model.predict_proba(Xt))
    lstm = EmojifierLSTM(str(small_store), hidden=8, epochs=2, random_state=1).fit(X, y)
    lstm.save(tmp_path / "l")
    back = load(tmp_path / "l")                  # reads the recorded store path
    assert back.vectors_path_ == str(small_store.resolve())
    np.testing.assert_array_equal(back.predict_proba(Xt), lstm.predict_proba(Xt))
    with pytest.warns(UserWarning, match="differ"):
        load(tmp_path / "l", vectors=Vectors(glove.keys[:1000], glove.vectors[:1000] + 1))
    with pytest.raises(ValueError, match="50-dimensional"):
        load(tmp_path / "l", vectors=Vectors(["a"], np.ones((1, 3))))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(tmp_path / "l", vectors=glove)      # the same vectors: no warning


def test_cli_train_and_predict(small_store, tmp_path):
    runner = CliRunner()
    out = tmp_path / "emo"
    result = runner.invoke(main, ["emojify", "train", "--vectors", str(small_store), "--json",
                                  "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["train_accuracy"] >= 0.97 and report["test_accuracy"] >= 0.85
    assert np.sum(report["confusion_matrix"]) == 56

    result = runner.invoke(main, ["emojify", "predict", "--model", str(out), "--json",
                                  "I adore you", "let us have lunch"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["sentence"] for r in rows] == ["I adore you", "let us have lunch"]
    assert rows[0]["label"] == 0 and rows[0]["emoji"] == EMOJIS[0]
    assert rows[1]["label"] == 4 and 0.2 < rows[1]["probability"] <= 1

    result = runner.invoke(main, ["emojify", "predict", "--model", str(out), "-"],
                           input="I adore you\n\nthis is so sad\n")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[0].startswith(EMOJIS[0]) and lines[1].endswith("so sad")

    result = runner.invoke(main, ["emojify", "predict", "--model", str(tmp_path / "none"), "x"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["emojify", "predict", "--model", str(out), ""])
    assert result.exit_code == 1 and "sentence 0 is empty" in result.output


def test_model_trained_on_packaged_glove_predicts_from_any_folder(tmp_path, monkeypatch):
    """A model trained with `--vectors glove-6b-50d` keeps that name, not a path to nowhere."""
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["emojify", "train", "--vectors", "glove-6b-50d", "-o", "emo",
                                  "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(main, ["emojify", "predict", "--model", str(tmp_path / "emo"),
                                  "--json", "lets play baseball"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["label"] == 1


def wordvec(*args, cwd):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "wordvec", *args], cwd=cwd, env=os.environ,
                          capture_output=True, text=True)


def test_cli_trains_on_the_users_csv_and_names_a_bad_line(small_store, tmp_path):
    """Our own labelled sentences in the course's CSV format (extra columns, CRLF, quoting)."""
    mine = tmp_path / "mine.csv"
    mine.write_bytes(b'I adore you,0,,\r\n"we won the match, again",1\r\nlet us have lunch,4\r\n'
                     b"this is so sad,3,, [3]\r\n\r\nI am happy,2\r\n")
    result = wordvec("emojify", "train", "--vectors", str(small_store), "--data", str(mine),
                     "--test", str(mine), "-o", "emo", "-q", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["train_accuracy"] == report["test_accuracy"] == 1.0
    assert np.sum(report["confusion_matrix"]) == 5
    alone = wordvec("emojify", "train", "--vectors", str(small_store), "--data", str(mine),
                    "-o", "emo2", "-q", cwd=tmp_path)   # no --test: no test set of the course's
    assert alone.returncode == 0 and alone.stdout.splitlines() == [
        "train accuracy 1.000 (5 sentences)", "wrote emo2"]

    bad = tmp_path / "bad.csv"
    for text, message in [("I adore you,0\nlunch now,lunch\n",
                           "line 2: the label (second column) must be 0-4, got 'lunch'"),
                          ("I adore you,0\n,3\n", "line 2: the sentence (first column) is empty"),
                          ("I adore you,7\n", "line 1: the label (second column) must be 0-4"),
                          ("\n\n", "no labelled sentences")]:
        bad.write_text(text)
        result = wordvec("emojify", "train", "--vectors", str(small_store), "--data", str(bad),
                         "-o", "never", "-q", cwd=tmp_path)
        assert result.returncode == 1 and not (tmp_path / "never").exists()
        assert result.stderr.startswith(f"wordvec: error: {bad}")
        assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_cli_predict_refuses_a_sentence_without_a_known_word(small_store, tmp_path):
    trained = wordvec("emojify", "train", "--vectors", str(small_store), "-o", "emo", "-q",
                      "--epochs", "50", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    result = wordvec("emojify", "predict", "--model", "emo", "zzqxv blorptastic", "I adore you",
                     cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("wordvec: error: no word of 'zzqxv blorptastic' is in the vectors; "
                             "cannot pick an emoji\n")
    assert result.stdout.splitlines()[0].endswith("I adore you")   # the others are answered
    alone = wordvec("emojify", "predict", "--model", "emo", "--json", "zzqxv", cwd=tmp_path)
    assert alone.returncode == 1 and json.loads(alone.stdout) == []


def test_a_malformed_csv_row_is_named(tmp_path):
    """csv's own errors (here a field past its 128K-character limit) name the file and line."""
    from wordvec.errors import FormatError
    from wordvec.models.emojify import read_emoji_csv

    path = tmp_path / "big.csv"
    path.write_text("hi there,1\n" + "word " * 30_000 + ",2\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"big\.csv line 2: not a sentence,label row "
                                          r"\(field larger than field limit"):
        read_emoji_csv(path)
