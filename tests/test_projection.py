"""Projection to 2-D: hand-checkable PCA, seeded t-SNE on GloVe, the CSV, the image and the CLI."""

import io
import re
import sys
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec import Vectors
from wordvec.errors import FormatError
from wordvec.projection import clamp_perplexity, plot, project_2d, read_groups, save_csv

GROUPS = resources.files("wordvec.data").joinpath("projection_groups.txt")


def _unit(m):
    m = np.asarray(m, dtype=np.float64)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _distances(m):
    return np.linalg.norm(m[:, None, :] - m[None, :, :], axis=2)


def test_pca_of_planar_unit_rows_keeps_distances():
    # unit rows in the plane spanned by (1,1,0,0) and (0,0,1,1): PCA to 2-D is a rotation of it
    angles = np.array([0.1, 0.9, 1.7, 2.2, 3.0, 4.4])
    rows = np.outer(np.cos(angles), [1, 1, 0, 0]) + np.outer(np.sin(angles), [0, 0, 1, 1])
    v = Vectors([f"w{i}" for i in range(6)], rows * 3.0)            # norms do not matter
    table = project_2d(v, top=6, method="pca")
    assert list(table.columns) == ["word", "x", "y", "group"] and len(table) == 6
    assert table["word"].tolist() == v.keys and (table["group"] == "").all()
    xy = table[["x", "y"]].to_numpy()
    assert np.allclose(_distances(xy), _distances(_unit(rows)), atol=1e-6)


def test_clamp_perplexity():
    assert clamp_perplexity(30, 100) == 30.0
    assert clamp_perplexity(30, 10) == 3.0
    assert clamp_perplexity(30, 2) == 1.0
    assert clamp_perplexity(0.5, 50) == 1.0


def test_read_groups(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("# header\ncat\tanimal\ndog\tanimal\n\nparis\n", encoding="utf-8")
    assert read_groups(path) == (["cat", "dog", "paris"], ["animal", "animal", ""])
    path.write_text("cat\ndog\n", encoding="utf-8")
    assert read_groups(path) == (["cat", "dog"], None)
    path.write_text("cat\n dog\tx\n", encoding="utf-8")
    with pytest.raises(FormatError, match="g.txt line 2"):
        read_groups(path)
    words, groups = read_groups(GROUPS)
    assert len(words) == 100 and len(set(groups)) == 5


def test_project_errors(glove):
    with pytest.raises(KeyError, match="2 word\\(s\\) not in vocabulary: 'qqzx', 'zzyq'"):
        project_2d(glove, ["cat", "qqzx", "dog", "zzyq"])
    with pytest.raises(ValueError, match="'cat' is listed twice"):
        project_2d(glove, ["cat", "dog", "cat"])
    with pytest.raises(ValueError, match="either words or top"):
        project_2d(glove, ["cat", "dog"], top=5)
    with pytest.raises(ValueError, match="unknown method 'umap'"):
        project_2d(glove, ["cat", "dog"], method="umap")
    with pytest.raises(ValueError, match="at least 2 words"):
        project_2d(glove, ["cat"])
    with pytest.raises(ValueError, match="1 groups for 2 words"):
        project_2d(glove, ["cat", "dog"], groups=["a"])


def test_tsne_seeded_and_few_words(glove):
    words = ["cat", "dog", "horse", "paris", "london", "rome", "one", "two", "three", "run"]
    a = project_2d(glove, words, random_state=3)
    b = project_2d(glove, words, random_state=3)
    c = project_2d(glove, words, random_state=4)
    assert a.shape == (10, 4)
    assert np.array_equal(a[["x", "y"]].to_numpy(), b[["x", "y"]].to_numpy())
    assert not np.allclose(a[["x", "y"]].to_numpy(), c[["x", "y"]].to_numpy())
    assert np.isfinite(project_2d(glove, ["cat", "dog", "king"])[["x", "y"]].to_numpy()).all()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_tsne_progress_line_on_a_terminal_changes_nothing_else(glove, monkeypatch, capsys):
    words = glove.keys[:120]
    quiet = project_2d(glove, words, random_state=1)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    shown = project_2d(glove, words, random_state=1, progress=True)
    np.testing.assert_array_equal(shown[["x", "y"]].to_numpy(), quiet[["x", "y"]].to_numpy())
    line = terminal.getvalue()
    assert line.startswith("\rt-SNE") and line.endswith("\n")
    assert re.search(r"t-SNE  100\.0%  [0-9.k]+ iterations .* error 0\.\d+  0:\d\d *\n$", line)
    assert capsys.readouterr().out == ""  # sklearn's own lines went to the reader, not stdout
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: nothing drawn
    project_2d(glove, words[:20], random_state=1, progress=True)
    assert sys.stderr.getvalue() == ""


@pytest.fixture(scope="module")
def groups_map(glove):
    words, groups = read_groups(GROUPS)
    return project_2d(glove, words, groups=groups, random_state=0)


def test_tsne_of_word_groups_is_trustworthy(glove, groups_map):
    from sklearn.manifold import trustworthiness

    x = _unit(glove[groups_map["word"].tolist()])
    xy = groups_map[["x", "y"]].to_numpy()
    assert xy.shape == (100, 2)
    # 0.977 on GloVe 6B 50d with seed 0 (0.974-0.979 over seeds 0-2); PCA of these words: 0.864
    assert trustworthiness(x, xy, n_neighbors=5) >= 0.9
    # each group's centre is nearer its own words than any other group's centre is
    centres = groups_map.groupby("group")[["x", "y"]].mean()
    nearest = np.argmin(_distances(np.vstack([xy, centres.to_numpy()]))[:100, 100:], axis=1)
    assert (centres.index[nearest] == groups_map["group"]).mean() > 0.9


def test_csv_and_png(groups_map, tmp_path):
    import matplotlib.image

    save_csv(groups_map, tmp_path / "map.csv")
    back = pd.read_csv(tmp_path / "map.csv", keep_default_na=False)
    assert list(back.columns) == ["word", "x", "y", "group"]
    assert back["word"].tolist() == groups_map["word"].tolist()
    assert back["group"].tolist() == groups_map["group"].tolist()
    assert np.array_equal(back[["x", "y"]].to_numpy(), groups_map[["x", "y"]].to_numpy())
    plot(groups_map, tmp_path / "map.png", title="groups")
    data = (tmp_path / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(tmp_path / "map.png")
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    assert image.shape[0] > 500 and image.shape[1] > 500
    assert image[..., :3].std() > 0.05                           # not a blank canvas
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


# ---------------------------------------------------------------------------- CLI
def test_cli_project_words_file_pca(glove_20k_store, tmp_path):
    path = tmp_path / "groups.txt"
    path.write_text("cat\tanimal\ndog\tanimal\nfrance\tplace\nitaly\tplace\none\tnumber\n"
                    "two\tnumber\n", encoding="utf-8")
    out, csv_path = tmp_path / "m.png", tmp_path / "m.csv"
    result = CliRunner().invoke(main, ["project", "--vectors", str(glove_20k_store), "--words",
                                       str(path), "--method", "pca", "-o", str(out),
                                       "--csv", str(csv_path)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(csv_path)
    assert table["group"].tolist() == ["animal"] * 2 + ["place"] * 2 + ["number"] * 2
    v = Vectors.load(glove_20k_store)
    expected = project_2d(v, ["cat", "dog", "france", "italy", "one", "two"], method="pca")
    assert np.allclose(table[["x", "y"]].to_numpy(), expected[["x", "y"]].to_numpy())
    result = CliRunner().invoke(main, ["project", "--vectors", str(glove_20k_store), "--words",
                                       str(path), "--method", "pca", "-o", str(out),
                                       "--csv", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout == csv_path.read_text(encoding="utf-8")


def test_cli_project_top_and_errors(glove_20k_store, tmp_path):
    runner = CliRunner()
    out = tmp_path / "top.png"
    result = runner.invoke(main, ["project", "--vectors", str(glove_20k_store), "--top", "30",
                                  "--seed", "1", "--perplexity", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "30 words, tsne" in result.output and out.stat().st_size > 1000
    result = runner.invoke(main, ["project", "--vectors", str(glove_20k_store), "cat", "qqzx",
                                  "-o", str(out)])
    assert result.exit_code == 1 and "not in vocabulary: 'qqzx'" in result.output
    result = runner.invoke(main, ["project", "--vectors", str(glove_20k_store), "-o", str(out)])
    assert result.exit_code == 2 and "exactly one of WORDS" in result.output


def test_an_image_labels_only_the_first_2000_words(tmp_path):
    """Every word is a point, but only the first 2000 get a label: more are not legible and
    each costs milliseconds to draw (a map of all GloVe's 400,000 words took 20 minutes)."""
    n = 2100
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"word": [f"w{i}" for i in range(n)], "x": rng.normal(size=n),
                          "y": rng.normal(size=n), "group": [""] * n})
    plot(table, tmp_path / "map.svg")
    svg = (tmp_path / "map.svg").read_text(encoding="utf-8")
    assert "<!-- w0 -->" in svg and "<!-- w1999 -->" in svg
    assert "<!-- w2000 -->" not in svg and "<!-- w2099 -->" not in svg
    assert svg.count("<use ") >= n    # the points: one marker each
