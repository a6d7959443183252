"""`Vectors.source`: a trained store records its model and parameters, an imported one the
file it came from; native saves keep it in meta.json and `wordvec info` prints it."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec import CBOW, SGNS, GloVe, Vectors, load

CORPUS = [["the", "king", "rules", "the", "land"], ["a", "queen", "rules", "a", "land"]] * 20


def info(path):
    result = CliRunner().invoke(main, ["info", "--vectors", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["source"]


@pytest.mark.parametrize("trainer, params, name", [
    (SGNS, dict(hs=True, negative=0), "sgns"),
    (CBOW, dict(cbow_mean=False), "cbow"),
    (GloVe, dict(x_max=10), "glove"),
])
def test_a_trained_store_says_which_model_made_it(tmp_path, trainer, params, name):
    model = trainer(dim=4, min_count=1, epochs=1, random_state=2, progress=False,
                    **params).fit(CORPUS)
    source = model.vectors_.source
    assert source["model"] == name and source["dim"] == 4 and source["random_state"] == 2
    for key, value in params.items():
        assert source[key] == value
    assert "threads" not in source and "progress" not in source
    model.vectors_.save(tmp_path / "store")
    assert info(tmp_path / "store") == json.loads(json.dumps(source))
    assert load(tmp_path / "store").subset(["king"]).source == source


def test_info_prints_the_model_and_its_parameters(tmp_path):
    SGNS(dim=4, min_count=1, epochs=1, hs=True, negative=0, progress=False).fit(
        CORPUS).vectors_.save(tmp_path / "store")
    result = CliRunner().invoke(main, ["info", "--vectors", str(tmp_path / "store")])
    line = [x for x in result.output.splitlines() if x.startswith("source:")]
    assert line and "sgns with hierarchical softmax alone: dim 4, window 5, negative 0" in line[0]


def test_an_imported_store_says_where_it_came_from(tmp_path):
    v = Vectors(["a", "b"], np.eye(2, dtype=np.float32))
    assert v.source is None
    v.save(tmp_path / "v.txt")
    assert load(tmp_path / "v.txt").source == {"imported": "word2vec", "file": "v.txt"}
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "v.txt"), str(tmp_path / "n")])
    assert result.exit_code == 0, result.output
    assert info(tmp_path / "n") == {"imported": "word2vec", "file": "v.txt"}
    assert Vectors.from_gensim(v.to_gensim()).source == {"imported": "gensim"}
    v.save(tmp_path / "plain")
    assert info(tmp_path / "plain") is None
    meta = json.loads((tmp_path / "plain" / "meta.json").read_text())
    assert "source" not in meta


def test_a_source_that_is_not_an_object_is_a_format_error(tmp_path):
    from wordvec.errors import FormatError

    model = SGNS(dim=4, min_count=1, epochs=1, progress=False).fit(CORPUS)
    model.vectors_.save(tmp_path / "store")
    meta_path = tmp_path / "store" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["source"] = "sgns"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(FormatError, match=r"meta.json: 'source' must be an object, got 'sgns'"):
        load(tmp_path / "store")
