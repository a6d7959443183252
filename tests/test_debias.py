"""Debiasing: hand-computed 2-D/3-D cases, the course's GloVe numbers, a full-store debias."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec import Vectors
from wordvec.debias import (
    analogy_change,
    bias_direction,
    bias_report,
    cosine,
    debias,
    default_equalize,
    default_exclude,
    default_pairs,
    equalize,
    neutralize,
    project,
    read_pairs,
    read_words,
)
from wordvec.errors import FormatError


# ---------------------------------------------------------------------------- by hand
def test_project_and_neutralize_2d_and_3d():
    assert project([3.0, 4.0], [2.0, 0.0]).tolist() == [3.0, 0.0]
    assert neutralize([3.0, 4.0], [2.0, 0.0]).tolist() == [0.0, 4.0]
    # (1,2,3) on (1,1,0): (3/2)(1,1,0); the rest is (-1/2, 1/2, 3)
    assert np.allclose(project([1.0, 2.0, 3.0], [1.0, 1.0, 0.0]), [1.5, 1.5, 0.0])
    assert np.allclose(neutralize([1.0, 2.0, 3.0], [1.0, 1.0, 0.0]), [-0.5, 0.5, 3.0])
    rows = np.array([[3.0, 4.0], [1.0, -1.0]])
    assert np.allclose(neutralize(rows, [0.0, 5.0]), [[3.0, 0.0], [1.0, 0.0]])


def test_equalize_2d_by_hand():
    # e1 = (0.6, 0.8), e2 = (0.8, 0.6), g = x axis: mu = (0.7, 0.7), mu_B = (0.7, 0), mu_orth =
    # (0, 0.7); sqrt(|1 - 0.49|) (e1B - mu_B) / |e1 - mu_orth - mu_B| = sqrt(0.51)(-0.1, 0)/(0.1
    # sqrt 2) = (-sqrt(0.255), 0), so e1 -> (-sqrt(0.255), 0.7) and e2 -> (+sqrt(0.255), 0.7).
    words = {"a": np.array([0.6, 0.8]), "b": np.array([0.8, 0.6])}
    e1, e2 = equalize(("a", "b"), np.array([3.0, 0.0]), words)
    assert np.allclose(e1, [-np.sqrt(0.255), 0.7], atol=1e-12)
    assert np.allclose(e2, [np.sqrt(0.255), 0.7], atol=1e-12)


def test_equalize_3d_pair_differs_only_along_g():
    rng = np.random.default_rng(0)
    words = {"a": rng.normal(size=3), "b": rng.normal(size=3)}
    g = np.array([1.0, 2.0, -1.0])
    e1, e2 = equalize(("a", "b"), g, words)
    assert np.allclose(neutralize(e1, g), neutralize(e2, g))       # same orthogonal part
    assert np.allclose(neutralize(e1, g), neutralize((words["a"] + words["b"]) / 2, g))
    assert np.isclose(cosine(e1, g), -cosine(e2, g))                # mirror images along g
    with pytest.raises(ValueError, match="'a' and 'a'.*identical"):
        equalize(("a", "a"), g, words)


def test_bias_direction_one_pair_and_pca():
    v = Vectors(["w", "m", "x", "y"], [[1, 0, 0], [0, 0, 0], [0, 2, 1], [0, 1, 1]])
    assert np.allclose(bias_direction(v, [("w", "m")]), [1, 0, 0])
    # differences (1,0,0) and (0,1,0): no single direction wins the tie, so make one bigger
    v = Vectors(["w", "m", "x", "y"], [[3, 0, 0], [-1, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert np.allclose(bias_direction(v, [("w", "m"), ("x", "y")]), [1, 0, 0])
    assert np.allclose(bias_direction(v, [("m", "w"), ("y", "x")]), [-1, 0, 0])   # signed
    with pytest.raises(KeyError, match="'nope'"):
        bias_direction(v, [("w", "nope")])
    with pytest.raises(ValueError, match="zero bias direction"):
        bias_direction(v, [("w", "w")])


def test_debias_tiny_store_keeps_excluded_and_equalizes():
    keys = ["she", "he", "nurse", "queen", "king", "QUEEN"]
    matrix = np.array([[1, 1, 0], [-1, 1, 0], [0.5, 2, 1], [0.9, 0, 3], [-0.7, 0, 3],
                       [0.8, 0, 2]], np.float32)
    v = Vectors(keys, matrix)
    out = debias(v, pairs=[("she", "he")], exclude=["queen", "absent"],
                 equalize_pairs=[("she", "he")])
    assert np.allclose(out["nurse"], [0, 2, 1])              # neutralised
    assert np.array_equal(out["queen"], v["queen"])          # excluded
    assert np.array_equal(out["QUEEN"], v["QUEEN"])          # ... in every case variant
    assert np.allclose(out["king"], [0, 0, 3])               # neither: neutralised
    e1, e2 = equalize(("she", "he"), [1, 0, 0], v)
    assert np.allclose(out[["she", "he"]], [e1, e2])
    assert np.array_equal(v.vectors, matrix)                 # the input is untouched


# ---------------------------------------------------------------------------- word lists
def test_word_list_files(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("# comment\nwoman man\n\nqueen\tking  # trailing\n", encoding="utf-8")
    assert read_pairs(path) == [("woman", "man"), ("queen", "king")]
    path.write_text("a b\nc d e\n", encoding="utf-8")
    with pytest.raises(FormatError, match="pairs.txt line 2: expected two words, got 3"):
        read_pairs(path)
    (tmp_path / "w.txt").write_text("nurse\n# x\ndoctor\n", encoding="utf-8")
    assert read_words(tmp_path / "w.txt") == ["nurse", "doctor"]
    assert len(default_pairs()) == 10 and default_pairs()[0] == ("woman", "man")
    assert "he" in default_exclude() and ("queen", "king") in default_equalize()


# ---------------------------------------------------------------------------- GloVe 6B 50d
def test_course_numbers_on_glove(glove):
    g = glove["woman"] - glove["man"]
    assert cosine(glove["receptionist"], g) == pytest.approx(0.330779, abs=1e-6)
    e = neutralize(glove["receptionist"], g)
    assert abs(cosine(e, g)) < 1e-6
    assert abs(cosine(e.astype(np.float32), g)) < 1e-6       # stored as float32: ~1e-10
    e1, e2 = equalize(("man", "woman"), g, glove)
    assert cosine(e1, g) == pytest.approx(-0.700436, abs=1e-6)
    assert cosine(e2, g) == pytest.approx(0.700436, abs=1e-6)


@pytest.fixture(scope="module")
def debiased(glove):
    return debias(glove)


def test_full_debias_of_glove(glove, debiased):
    before = np.array(glove.vectors[:1000])
    g = bias_direction(glove)
    assert cosine(g, glove["woman"] - glove["man"]) > 0.8     # PCA direction ~ woman - man
    keep = set(default_exclude()) | {w for p in default_pairs() + default_equalize() for w in p}
    cos = cosine(debiased.vectors, g)
    neutral = np.array([k not in keep for k in glove.keys])
    assert np.abs(cos[neutral]).max() < 1e-6
    assert abs(cosine(debiased["receptionist"], g)) < 1e-6
    assert cosine(glove["babysitter"], g) > 0.3               # was biased before
    # gender-specific words keep their direction; equalized pairs become mirror images
    assert np.array_equal(debiased["mrs"], glove["mrs"])
    assert cosine(debiased["queen"], g) == pytest.approx(-cosine(debiased["king"], g))
    assert cosine(debiased["queen"], g) > 0.5
    # the memory-mapped original is untouched and still read-only
    assert not glove.vectors.flags.writeable
    assert np.array_equal(glove.vectors[:1000], before)
    assert debiased.vectors.flags.writeable and debiased.vectors.dtype == np.float32


def test_debias_leaves_mapped_store_on_disk_unchanged(glove, tmp_path):
    small = Vectors(glove.keys[:5000], glove.vectors[:5000])
    small.save(tmp_path / "s")
    mapped = Vectors.load(tmp_path / "s")
    assert not mapped.vectors.flags.writeable                # memory-mapped, read-only
    out = debias(mapped)
    assert not np.allclose(out["doctor"], mapped["doctor"])
    assert np.array_equal(Vectors.load(tmp_path / "s", mmap=False).vectors, small.vectors)


def test_bias_report(glove, debiased):
    report = bias_report(glove, debiased)
    assert list(report.columns) == ["cos_before", "proj_before", "cos_after", "proj_after"]
    assert "receptionist" in report.index and len(report) >= 50
    g = bias_direction(glove)
    assert report.loc["nurse", "proj_before"] == pytest.approx(glove["nurse"] @ g, rel=1e-6)
    means = report.abs().mean()
    assert means["cos_before"] > 0.1 and means["cos_after"] < 1e-6
    assert means["proj_after"] < 1e-6
    with pytest.raises(KeyError, match="'zzqqxx'"):
        bias_report(glove, words=["nurse", "zzqqxx"])


def test_analogy_change_small(glove):
    small = Vectors(glove.keys[:5000], glove.vectors[:5000])
    table = analogy_change(small, debias(small), restrict_vocab=5000)
    assert list(table.index) == ["before", "after"]
    assert table.loc["before", "total"] == table.loc["after", "total"] > 1000
    # calibrated on GloVe 6B 50d: 30,000 words 0.4969 -> 0.4943 (benchmarks/report_debias.py)
    assert table.loc["after", "accuracy"] > table.loc["before", "accuracy"] - 0.01


# ---------------------------------------------------------------------------- CLI
def test_cli_debias_writes_new_store(glove_20k_store, tmp_path):
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(main, ["debias", "--vectors", str(glove_20k_store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "20000 words" in result.output
    written = Vectors.load(out)
    original = Vectors.load(glove_20k_store)
    g = bias_direction(original)
    assert abs(cosine(written["nurse"], g)) < 1e-5           # text format rounds the values
    assert cosine(original["nurse"], g) > 0.2


def test_cli_debias_user_lists(glove_20k_store, tmp_path):
    (tmp_path / "p.txt").write_text("rich poor\n", encoding="utf-8")
    (tmp_path / "x.txt").write_text("wealthy\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["debias", "--vectors", str(glove_20k_store), "-o", str(out),
                                       "--pairs", str(tmp_path / "p.txt"),
                                       "--exclude", str(tmp_path / "x.txt")])
    assert result.exit_code == 0, result.output
    v, w = Vectors.load(glove_20k_store), Vectors.load(out)
    g = v["rich"] - v["poor"]
    assert abs(cosine(w["money"], g)) < 1e-6 and abs(cosine(v["money"], g)) > 0.05
    assert np.array_equal(w["wealthy"], v["wealthy"])
    assert cosine(w["rich"], g) == pytest.approx(-cosine(w["poor"], g))


def test_cli_bias_report(glove_20k_store):
    runner = CliRunner()
    result = runner.invoke(main, ["bias", "--vectors", str(glove_20k_store), "nurse", "doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["word", "cos_before", "cos_after", "proj_before", "proj_after"]
    assert lines[1].startswith("nurse") and lines[3].startswith("mean |x|")
    result = runner.invoke(main, ["bias", "--vectors", str(glove_20k_store), "--json", "nurse"])
    data = json.loads(result.output)
    assert data["words"][0]["word"] == "nurse" and abs(data["words"][0]["cos_after"]) < 1e-6
    result = runner.invoke(main, ["bias", "--vectors", str(glove_20k_store), "nurse", "qqzzxx"])
    assert result.exit_code == 1
    assert "'qqzzxx' not in vocabulary" in result.output


def test_cli_bias_on_a_small_store_counts_the_missing_and_names_the_sides(glove, tmp_path):
    import os
    import subprocess
    import sys

    from wordvec.debias import default_professions

    Vectors(glove.keys[:3000], glove.vectors[:3000]).save(tmp_path / "g3k")
    professions = default_professions()
    missing = sum(w not in glove.keys[:3000] for w in professions)
    assert 0 < missing < len(professions)
    result = subprocess.run([sys.executable, "-m", "wordvec", "bias", "--vectors", "g3k"],
                            cwd=tmp_path, env=os.environ, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"wordvec: {missing} of {len(professions)} professions not in the "
                             f"store\n")
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + len(professions) - missing + 2
    assert "-0.000000" not in result.stdout   # debiased values of -3e-09 print as 0.000000
    assert lines[-1] == "positive: toward woman, girl, she ...; negative: toward man, boy, he ..."
    sides = subprocess.run([sys.executable, "-m", "wordvec", "bias", "--vectors", "g3k", "she",
                            "he"], cwd=tmp_path, env=os.environ, capture_output=True, text=True)
    she, he = (float(line.split()[1]) for line in sides.stdout.splitlines()[1:3])
    assert she > 0.1 and he < -0.1 and sides.stderr == ""   # the sides are as the line says
    none = Vectors(["woman", "man", "apple"], glove[["woman", "man", "apple"]])
    none.save(tmp_path / "tiny")
    result = subprocess.run([sys.executable, "-m", "wordvec", "bias", "--vectors", "tiny"],
                            cwd=tmp_path, env=os.environ, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == (f"wordvec: error: none of the {len(professions)} built-in "
                             "professions is in tiny; name the words to report\n")
