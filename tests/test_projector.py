"""The interactive page's data and file, and the TensorBoard projector folder (no browser here:
tests/browser opens the page in Chromium)."""

import io
import json
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from ties import assert_same_ranking

from wordvec import Vectors
from wordvec._atomic import TargetExistsError
from wordvec.projection import project_2d
from wordvec.projector import export_tensorboard, page_data, write_page

CLI = [sys.executable, "-m", "wordvec"]


def _page_json(path):
    """The JSON a page embeds, read back as the browser reads it (the text of #data)."""
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script id="data" type="application/json">(.*?)</script>', text, re.S)
    assert found, "no data element"
    return json.loads(found.group(1))


@pytest.fixture
def tiny():
    # a, b, c on the map; d only in the store. Cosines by hand: a.b = 0.8, a.c = 0, a.d = 0.6
    rows = [[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1], [0.6, 0, 0.8]]
    return Vectors(["a", "b", "c", "d"], rows, counts=[40, 30, 20, 10])


def test_page_data_by_hand(tiny):
    table = pd.DataFrame({"word": ["a", "b", "c"], "x": [-1.0, 1.0, 0.0],
                          "y": [0.0, 0.5, 0.25], "group": ["g", "h", "g"]})
    data = page_data(tiny, table, topn=2, title="t")
    assert data["n"] == 3 and data["k"] == 2 and data["dim"] == 3 and data["vocabulary"] == 4
    assert data["x"] == [0, 10000, 5000] and data["y"] == [0, 2500, 1250]  # aspect kept
    assert data["groups"] == ["g", "h"] and data["group"] == [0, 1, 0]
    assert data["words"] == ["a", "b", "c", "d"]            # d: a neighbour not on the map
    listed = [[(data["words"][j], s / 1e4) for j, s in
               zip(data["neighbours"][i * 2:i * 2 + 2], data["scores"][i * 2:i * 2 + 2])]
              for i in range(3)]
    assert listed[0] == [("b", 0.8), ("d", 0.6)]
    assert listed[1] == [("a", 0.8), ("d", 0.48)]
    assert listed[2] == [("d", 0.8), ("b", 0.0)] or listed[2] == [("d", 0.8), ("a", 0.0)]
    no_groups = page_data(tiny, table.assign(group=""), topn=9)
    assert no_groups["groups"] is None and no_groups["group"] is None
    assert no_groups["k"] == 3                              # all the other words, no more
    with pytest.raises(ValueError, match="topn must be >= 1, got 0"):
        page_data(tiny, table, topn=0)


def test_page_neighbours_are_most_similar(glove, tmp_path):
    words = ["king", "france", "frog", "computer", "run", "three"]
    table = project_2d(glove, words, method="pca")
    size = write_page(glove, table, tmp_path / "m.html", topn=10)
    assert size == (tmp_path / "m.html").stat().st_size
    data = _page_json(tmp_path / "m.html")
    for i, word in enumerate(words):
        got = [(data["words"][j], s / 1e4) for j, s in
               zip(data["neighbours"][i * 10:(i + 1) * 10], data["scores"][i * 10:(i + 1) * 10])]
        assert_same_ranking(got, glove.most_similar(word, topn=10), tol=6e-5)


def test_page_is_self_contained_and_escapes_words(tmp_path):
    words = ["</script><img src=x onerror=alert(1)>", "a&b", "é", "plain"]
    v = Vectors(words, np.eye(4) + 0.1)
    table = pd.DataFrame({"word": words, "x": [0.0, 1, 2, 3], "y": [3.0, 2, 1, 0],
                          "group": [""] * 4})
    write_page(v, table, tmp_path / "p.html", topn=2, title="<b>mine</b>")
    text = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert _page_json(tmp_path / "p.html")["words"] == words
    assert text.count("</script>") == 2 and "<img" not in text
    assert "<title>&lt;b&gt;mine&lt;/b&gt;</title>" in text
    # nothing fetched: no external script, style, image or font, no URL at all
    assert not re.search(r"https?:|<link|src=\"|@import|url\(", text)
    assert [p.name for p in tmp_path.iterdir()] == ["p.html"]            # no temp file left


# ---------------------------------------------------------------------------- TensorBoard
def test_export_tensorboard_files(tiny, tmp_path):
    out = tmp_path / "tb"
    assert export_tensorboard(tiny, out, top=3) == 3
    assert sorted(p.name for p in out.iterdir()) == ["metadata.tsv", "projector_config.pbtxt",
                                                     "tensors.tsv"]
    back = np.loadtxt(out / "tensors.tsv", delimiter="\t", dtype=np.float32)
    np.testing.assert_array_equal(back, tiny.vectors[:3])          # %.9g: float32 exactly
    lines = (out / "metadata.tsv").read_text(encoding="utf-8").split("\n")
    assert lines == ["word\tcount", "a\t40", "b\t30", "c\t20", ""]  # header: two columns
    config = (out / "projector_config.pbtxt").read_text(encoding="utf-8")
    assert config == ('embeddings {\n  tensor_name: "wordvec"\n  tensor_path: "tensors.tsv"\n'
                      '  metadata_path: "metadata.tsv"\n}\n')
    assert [p.name for p in tmp_path.iterdir()] == ["tb"]        # no temporary folder left


def test_export_tensorboard_without_counts_and_refusals(tmp_path):
    v = Vectors(["x", "y"], [[1.5, -2.25e-8], [3.0, 4.0]])
    empty = tmp_path / "empty"
    empty.mkdir()
    export_tensorboard(v, empty)                                 # an empty folder is fine
    assert (empty / "metadata.tsv").read_text(encoding="utf-8") == "x\ny\n"  # one column
    np.testing.assert_array_equal(np.loadtxt(empty / "tensors.tsv", dtype=np.float32),
                                  v.vectors)
    before = (empty / "tensors.tsv").read_bytes()
    with pytest.raises(TargetExistsError, match="empty: exists and is not an empty folder"):
        export_tensorboard(Vectors(["z"], [[0.0, 1.0]]), empty)
    assert (empty / "tensors.tsv").read_bytes() == before        # the old export untouched
    (tmp_path / "file").write_text("mine")
    with pytest.raises(TargetExistsError, match="file: exists"):
        export_tensorboard(v, tmp_path / "file")
    with pytest.raises(ValueError, match="'a\\\\tb' \\(row 1\\) holds a tab"):
        export_tensorboard(Vectors(["x", "a\tb"], np.eye(2)), tmp_path / "tab")
    assert not (tmp_path / "tab").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "file"]


# ---------------------------------------------------------------------------- CLI (processes)
def _run(*args):
    env = {**os.environ, "WORDVEC_VECTORS": ""}
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300)


def test_cli_project_html_and_export(glove_20k_store, tmp_path):
    groups = tmp_path / "groups.txt"
    groups.write_text("year\ttime\nday\ttime\ncity\tplace\nnowhere-qq\tplace\n",
                      encoding="utf-8")                      # a word not on the map: ignored
    page = tmp_path / "top.html"
    done = _run("project", "--vectors", glove_20k_store, "--top", "300", "--method", "pca",
                "--groups", groups, "--html", page, "--neighbours", "5", "--csv", "-")
    assert done.returncode == 0, done.stderr
    assert re.search(r"wrote .*top\.html \(0\.\d MB\): 300 words, pca", done.stderr)
    data = _page_json(page)
    assert data["n"] == 300 and data["k"] == 5 and data["groups"] == ["", "time", "place"]
    table = pd.read_csv(pd.io.common.StringIO(done.stdout), keep_default_na=False)
    assert table.set_index("word").loc[["year", "day", "city", "the"], "group"].tolist() \
        == ["time", "time", "place", ""]

    tb = tmp_path / "tb"
    done = _run("export", "--vectors", glove_20k_store, "--top", "50", "--tensorboard", tb)
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith(f"wrote {tb}: 50 words, 50 dimensions\n")
    assert len((tb / "tensors.tsv").read_text(encoding="utf-8").splitlines()) == 50
    done = _run("export", "--vectors", glove_20k_store, "--tensorboard", tb)
    assert done.returncode == 1
    assert done.stderr == (f"wordvec: error: {tb}: exists and is not an empty folder; not "
                           f"writing into it (remove it or choose another name)\n")


def test_cli_project_usage_errors(glove_20k_store, tmp_path):
    done = _run("project", "--vectors", glove_20k_store, "--top", "30")
    assert done.returncode == 2 and "give at least one output" in done.stderr
    done = _run("project", "--vectors", glove_20k_store, "--top", "30", "--html", "-")
    assert done.returncode == 2 and "only --csv may be `-`" in done.stderr
    done = _run("project", "--vectors", glove_20k_store, "--top", "30", "--html",
                glove_20k_store)
    assert done.returncode == 2 and "is the input" in done.stderr
    done = _run("export", "--vectors", glove_20k_store)
    assert done.returncode == 2 and "--tensorboard" in done.stderr


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal(tiny, monkeypatch, tmp_path):
    table = pd.DataFrame({"word": ["a", "b"], "x": [0.0, 1], "y": [0.0, 1], "group": ""})
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    write_page(tiny, table, tmp_path / "p.html", topn=2, progress=True)
    export_tensorboard(tiny, tmp_path / "tb", progress=True)
    shown = terminal.getvalue()
    assert re.search(r"\rneighbours  100\.0%  2 words", shown)
    assert re.search(r"\rtensors\.tsv  100\.0%  4 words", shown)
    monkeypatch.setattr(sys, "stderr", io.StringIO())          # piped: nothing drawn
    write_page(tiny, table, tmp_path / "q.html", progress=True)
    export_tensorboard(tiny, tmp_path / "tb2", progress=True)
    assert sys.stderr.getvalue() == ""
