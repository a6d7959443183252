"""`wordvec seq2seq` as a user runs it: real processes on a tiny model (seconds), bad input
as one line with exit 1, bad usage exit 2."""

import json
import subprocess
import sys

import numpy as np
import pytest


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "wordvec", "seq2seq", *map(str, args)],
                          input=stdin, capture_output=True, text=True, timeout=300)


def one_error_line(proc, code=1):
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


TINY = ("--epochs", 1, "--hidden", 4, "--decoder-hidden", 6, "-q")


@pytest.fixture(scope="module")
def dates_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("s2s") / "dates.model"
    proc = run("train", "dates", "-o", path, "--pairs", 300, "--json", *TINY)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["pairs"] == 300 and report["target_vocab"] == 12 and len(report["loss"]) == 1
    return path


def test_translate_arguments_stdin_json_and_attention_map(dates_model, tmp_path):
    proc = run("translate", "--model", dates_model, "3 may 1979", "tuesday 9 march 2004",
               "--attention-map", tmp_path / "map.png")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["3 may 1979", "tuesday 9 march 2004"]
    assert all(len(line.split("\t")) == 2 for line in lines)
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    proc = run("translate", "--model", dates_model, "-", "--json", "--beam", 2,
               stdin="9 may 1998\nzzz kqx 1\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["input"] for r in rows] == ["9 may 1998", "zzz kqx 1"]
    assert all(set(r) == {"input", "output", "score"} and r["score"] <= 0 for r in rows)


def test_evaluate_on_held_out_task_pairs_and_on_a_file(dates_model, tmp_path):
    proc = run("evaluate", "--model", dates_model, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["n"] == 2000 and 0 <= report["exact_match"] <= 1 and 0 <= report["bleu"] <= 1
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("3 may 1979\t1979-05-03\n\n9 may 1998\t1998-05-09\n", encoding="utf-8")
    proc = run("evaluate", "--model", dates_model, "--data", pairs)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("2 pairs: exact match ")


def test_train_on_a_tsv_then_evaluate_needs_data(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{w}\t{w[::-1]}\n" for w in ("abc", "ba", "cab", "bca")),
                     encoding="utf-8")
    proc = run("train", "--data", pairs, "-o", tmp_path / "m", *TINY)
    assert proc.returncode == 0, proc.stderr
    assert "4 pairs, 5 source and 4 target symbols" in proc.stdout
    line = one_error_line(run("evaluate", "--model", tmp_path / "m"))
    assert line == f"wordvec: error: {tmp_path / 'm'}: the model was trained on --data, not " \
                   f"a TASK; give --data"


def test_bad_input_is_one_line_exit_1(dates_model, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("3 may 1979\t1979-05-03\n9 may 1998 1998-05-09\n", encoding="utf-8")
    line = one_error_line(run("train", "--data", bad, "-o", tmp_path / "m", *TINY))
    assert line == (f"wordvec: error: {bad} line 2: expected source<TAB>target, got 1 "
                    f"tab-separated fields")
    line = one_error_line(run("evaluate", "--model", dates_model, "--data", bad))
    assert f"{bad} line 2" in line
    line = one_error_line(run("translate", "--model", dates_model, "-",
                              stdin="3 may 1979\n\n"))
    assert line == "wordvec: error: <stdin> line 2: empty input"

    other = tmp_path / "other"
    other.mkdir()
    meta = json.loads((dates_model / "model.json").read_text(encoding="utf-8"))
    meta["kind"] = "charlm"
    (other / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    line = one_error_line(run("translate", "--model", other, "3 may 1979"))
    assert line == f"wordvec: error: {other}: expected a seq2seq model, got 'charlm'"


def test_usage_errors_exit_2(tmp_path):
    proc = run("train", "-o", tmp_path / "m")
    assert proc.returncode == 2 and "give a TASK (dates) or --data" in proc.stderr
    pairs = tmp_path / "p.tsv"
    pairs.write_text("a\tb\n", encoding="utf-8")
    proc = run("train", "dates", "--data", pairs, "-o", tmp_path / "m")
    assert proc.returncode == 2 and "not both" in proc.stderr
    proc = run("train", "--data", pairs, "-o", pairs)
    assert proc.returncode == 2 and "choose another output path" in proc.stderr
    proc = run("translate", "--model", tmp_path, "a", "--beam", 0)
    assert proc.returncode == 2


def test_numbers_task_with_word_vectors(tmp_path):
    words = "zero one two three four five six seven eight nine ten eleven twelve".split()
    store = tmp_path / "vectors.txt"
    rng = np.random.default_rng(0)
    store.write_text(f"{len(words)} 3\n" + "".join(
        f"{w} {' '.join(f'{v:.4f}' for v in rng.standard_normal(3))}\n" for w in words),
        encoding="utf-8")
    proc = run("train", "numbers", "--pairs", 200, "--vectors", store, "--trainable-vectors",
               "-o", tmp_path / "num.model", *TINY)
    assert proc.returncode == 0, proc.stderr
    # "zero" is only ever the number 0, which these 200 pairs lack
    assert "200 pairs, 31 source (11 in --vectors) and 11 target symbols" in proc.stdout
    proc = run("translate", "--model", tmp_path / "num.model", "two hundred and five")
    assert proc.returncode == 0 and proc.stdout.startswith("two hundred and five\t")
    proc = run("train", "dates", "--vectors", store, "-o", tmp_path / "m")
    assert proc.returncode == 2 and "--vectors needs word-level sources" in proc.stderr


def test_unseen_words_read_the_recorded_store(glove, glove_20k_store, tmp_path):
    from tests.test_seq2seq import sentiment_pairs, sentiment_store

    store = sentiment_store(glove, tmp_path / "store")
    for part in ("train", "held-out"):
        (tmp_path / f"{part}.tsv").write_text("".join(
            f"{s}\t{t}\n" for s, t in zip(*sentiment_pairs(part), strict=True)),
            encoding="utf-8")
    model = tmp_path / "m"
    proc = run("train", "--data", tmp_path / "train.tsv", "--level", "word", "--target-level",
               "word", "--vectors", store, "-o", model, "--epochs", 30, "--batch-size", 16,
               "--hidden", 8, "--decoder-hidden", 8, "--learning-rate", 0.01, "-q")
    assert proc.returncode == 0, proc.stderr
    assert "96 pairs, 29 source (27 in --vectors) and 3 target symbols" in proc.stdout

    def evaluate(*args):
        proc = run("evaluate", "--model", model, "--data", tmp_path / "held-out.tsv", "--json",
                   *args)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["exact_match"], proc.stderr

    with_store, stderr = evaluate()
    assert with_store >= 0.85 and stderr == ""
    unseen = ("so wonderful", "really horrible")      # held-out words
    proc = run("translate", "--model", model, *unseen)
    assert proc.returncode == 0 and proc.stderr == ""
    assert [line.split("\t")[1] in ("pos", "neg") for line in proc.stdout.splitlines()] == \
        [True, True]
    store.rename(tmp_path / "moved")
    without, stderr = evaluate()
    assert without <= 0.6 and with_store - without >= 0.3
    assert stderr.count("\n") == 1 and stderr.startswith("wordvec: warning: words unseen in "
                                                         "training read as <unk>")
    proc = run("translate", "--model", model, *unseen)
    assert proc.returncode == 0 and len(proc.stderr.splitlines()) == 1
    assert evaluate("--vectors", tmp_path / "moved") == (with_store, "")
    proc = run("translate", "--model", model, *unseen, "--vectors", glove_20k_store)
    assert "but the model was trained with vectors of 51 words" in one_error_line(proc)
    proc = run("evaluate", "--model", model, "--data", tmp_path / "held-out.tsv",
               "--vectors", tmp_path / "nowhere")
    assert "nowhere" in one_error_line(proc)
