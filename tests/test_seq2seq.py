"""wordvec.models.seq2seq: the whole model's gradient on a tiny batch, a seconds-long
training smoke test on the date task, decoding, save/load and bad input."""

import json
import warnings

import numpy as np
import pytest

from tests.test_nn import assert_close, numerical_grad
from wordvec import Vectors
from wordvec.datasets import date_pairs
from wordvec.errors import FormatError
from wordvec.models.seq2seq import Seq2Seq, VectorsWarning


@pytest.mark.parametrize("feed_previous", [True, False])
def test_whole_model_gradient_on_a_tiny_batch(feed_previous):
    sources = ["ab c", "ca", "bbb a"]
    targets = ["xy", "y", "yxx"]
    model = Seq2Seq(hidden=2, decoder_hidden=3, feed_previous=feed_previous, epochs=1,
                    batch_size=3, random_state=0).fit(sources, targets)
    x, mask = model._encode_sources(sources)
    y, y_mask = model._encode_targets(targets)
    assert mask.sum(axis=1).tolist() == [4, 2, 5] and y_mask.sum(axis=1).tolist() == [3, 2, 4]
    _, grads = model._loss_and_grads(x, mask, y, y_mask)
    analytic = {k: v.copy() for k, v in grads.items()}
    params = model._params()
    assert sorted(analytic) == sorted(params)
    for name, value in params.items():
        assert_close(analytic[name], numerical_grad(
            lambda: model._loss_and_grads(x, mask, y, y_mask)[0], value))


def test_gradient_reaches_trainable_word_vectors():
    store = Vectors(["ab", "c", "ca"], np.random.default_rng(1).standard_normal((3, 4)))
    sources = ["ab c", "ca zz", "c ab ab"]
    targets = ["xy", "y", "yxx"]
    model = Seq2Seq(level="word", vectors=store, trainable_embeddings=True, hidden=2,
                    decoder_hidden=3, epochs=1, random_state=0).fit(sources, targets)
    assert model.source_vocab_ == ["ab", "c", "ca", "zz", "<unk>", "<pad>"]
    assert model.in_vectors_ == 3                  # "zz" starts at zero, then trains
    assert np.all(model.embeddings_[4:] == 0) and np.any(model.embeddings_[3] != 0)
    ids, mask = model._encode_sources(sources)
    y, y_mask = model._encode_targets(targets)
    _, grads = model._loss_and_grads(ids, mask, y, y_mask)
    numeric = numerical_grad(lambda: model._loss_and_grads(ids, mask, y, y_mask)[0],
                             model.embeddings_)
    assert_close(grads["emb.E"], numeric)
    assert np.all(grads["emb.E"][5] == 0)           # padding is never trained


def test_frozen_word_vectors_stay_and_travel_with_the_model(tmp_path):
    store = Vectors(["one", "two", "three"], np.eye(3, 5, dtype=np.float32))
    sources, targets = ["one two", "three", "two two one", "four"], ["12", "3", "221", "4"]
    model = Seq2Seq(level="word", vectors=store, hidden=3, decoder_hidden=4, epochs=2,
                    random_state=0).fit(sources, targets)
    assert model.source_vocab_[:4] == ["four", "one", "three", "two"]
    np.testing.assert_array_equal(model.embeddings_[0], 0)          # "four": not in the store
    np.testing.assert_array_equal(model.embeddings_[1:4], store[["one", "three", "two"]])
    twice = Vectors(["one"], np.full((1, 4), 2.0, dtype=np.float32))       # unit length
    scaled = Seq2Seq(level="word", vectors=twice, hidden=2, decoder_hidden=2, epochs=1)
    np.testing.assert_allclose(scaled.fit(["one"], ["1"]).embeddings_[0], 0.5)
    assert "emb.E" not in model._params()
    model.save(tmp_path / "m")
    loaded = Seq2Seq.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.embeddings_, model.embeddings_)
    assert loaded.predict(sources) == model.predict(sources)
    with pytest.raises(ValueError, match="needs level='word'"):
        Seq2Seq(vectors=store).fit(["a"], ["b"])


@pytest.fixture(scope="module")
def dates_model():
    # calibration (seeds 0 and 1, 17 s each on one core): the epoch losses fall 21 -> 6.7-6.9;
    # on 200 held-out dates 0.975-0.995 of the outputs are shaped YYYY-MM-DD and 0.62-0.74
    # get the year right (0.05-0.06 are already exact). The checks below sit well under
    # that and far above what no learning gives.
    pairs = date_pairs(3000, random_state=0)
    return Seq2Seq(epochs=4, random_state=0).fit(*zip(*pairs))


def test_a_short_training_run_learns_the_shape_of_iso_dates(dates_model):
    history = dates_model.loss_history_
    assert history.shape == (4,) and history[-1] < 0.6 * history[0]
    held_out = date_pairs(200, random_state=12345)
    predicted = dates_model.predict([h for h, _ in held_out])
    shaped = [len(p) == 10 and p[4] == p[7] == "-" for p in predicted]
    assert np.mean(shaped) > 0.8
    right = [p[:4] == iso[:4] for p, (_, iso) in zip(predicted, held_out, strict=True)]
    assert np.mean(right) > 0.3                  # a year's 4 characters by chance: ~1e-3


def test_training_is_reproducible_with_a_seed():
    pairs = date_pairs(60, random_state=1)
    a = Seq2Seq(epochs=2, batch_size=20, random_state=3).fit(*zip(*pairs))
    b = Seq2Seq(epochs=2, batch_size=20, random_state=3).fit(*zip(*pairs))
    c = Seq2Seq(epochs=2, batch_size=20, random_state=4).fit(*zip(*pairs))
    np.testing.assert_array_equal(a.loss_history_, b.loss_history_)
    assert not np.array_equal(a.loss_history_, c.loss_history_)


def test_beam_width_one_is_the_batched_greedy_decoder(dates_model):
    sources = [h for h, _ in date_pairs(20, random_state=5)] + ["kqxz 3 may 1979"]
    greedy = dates_model.predict(sources)
    assert [dates_model.translate(s, beam_width=1)[0].output for s in sources] == greedy
    beams = [dates_model.translate(s, beam_width=3) for s in sources]
    for found in beams:
        assert len(found) == 3
        assert found[0].score >= found[1].score >= found[2].score
        att = found[0].attention
        assert att.shape[0] == (len(found[0].output) + 1 if found[0].output else att.shape[0])
        np.testing.assert_allclose(att.sum(axis=1), 1.0)
    assert dates_model.predict(sources, beam_width=3) == [b[0].output for b in beams]


def test_unknown_symbols_map_to_unk_and_empty_input_is_an_error(dates_model):
    x, mask = dates_model._encode_sources(["kz 1"])
    unk = dates_model.source_vocab_.index("<unk>")
    assert x[0, :2].tolist() == [unk, unk]
    upper = Seq2Seq(lowercase=True, hidden=2, decoder_hidden=2, epochs=1).fit(["Ab"], ["c"])
    assert upper.source_vocab_ == ["a", "b", "<unk>", "<pad>"]
    assert upper._encode_sources(["BA"])[0].tolist() == [[1, 0]]
    with pytest.raises(ValueError, match="input 1 is empty"):
        dates_model.predict(["3 may 1979", ""])
    with pytest.raises(ValueError, match="not fitted"):
        Seq2Seq().predict(["a"])
    with pytest.raises(ValueError, match="2 sources but 1 targets"):
        Seq2Seq().fit(["a", "b"], ["c"])
    with pytest.raises(ValueError, match="level must be"):
        Seq2Seq(level="byte").fit(["a"], ["b"])


def test_save_and_load_give_the_same_translations(dates_model, tmp_path):
    dates_model.save(tmp_path / "m")
    loaded = Seq2Seq.load(tmp_path / "m")
    assert loaded.get_params() == {**dates_model.get_params(), "progress": False}
    sources = [h for h, _ in date_pairs(30, random_state=6)]
    assert loaded.predict(sources) == dates_model.predict(sources)
    a = loaded.translate(sources[0])[0]
    b = dates_model.translate(sources[0])[0]
    assert a.output == b.output and a.score == pytest.approx(b.score, rel=1e-12)

    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    for field, value, message in (("hidden", 0, "hidden must be an integer >= 1, got 0"),
                                  ("feed_previous", "yes", "feed_previous must be True or")):
        broken = json.loads(json.dumps(meta))
        broken["params"][field] = value
        (tmp_path / "m" / "model.json").write_text(json.dumps(broken))
        with pytest.raises(FormatError, match=f"model.json: {message}"):
            Seq2Seq.load(tmp_path / "m")
    meta["kind"] = "charlm"
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta))
    with pytest.raises(FormatError, match="expected a seq2seq model, got 'charlm'"):
        Seq2Seq.load(tmp_path / "m")


def test_word_level_with_variable_length_outputs():
    words = "zero one two three four five six seven eight nine".split()
    rng = np.random.default_rng(0)
    sources, targets = [], []
    for _ in range(300):
        digits = rng.integers(0, 10, rng.integers(1, 4)).tolist()
        sources.append(" ".join(words[d] for d in digits))
        targets.append(" ".join(str(d) for d in digits))
    model = Seq2Seq(level="word", hidden=16, decoder_hidden=32, epochs=12, batch_size=20,
                    learning_rate=0.01, random_state=0).fit(sources, targets)
    assert model.source_vocab_[-2:] == ["<unk>", "<pad>"] and len(model.source_vocab_) == 12
    # calibration: seeds 0, 1 and 2 all copy the 300 training pairs exactly
    assert model.score(sources[:100], targets[:100]) > 0.8
    assert model.predict(["seven"])[0].split() == ["7"]


def test_scikit_learn_parameter_protocol():
    from sklearn.base import clone
    model = Seq2Seq(hidden=8, random_state=3)
    assert model.get_params()["hidden"] == 8 and model.set_params(epochs=2) is model
    twin = clone(model)
    assert twin is not model and twin.get_params() == model.get_params()
    assert repr(model) == "Seq2Seq(hidden=8, epochs=2, random_state=3)"
    fitted = model.fit(["ab"], ["c"])
    assert not hasattr(clone(fitted), "decoder_")
    assert fitted.hidden == 8 and fitted.epochs == 2          # fit never rewrites them


# Words of two meaning classes: training sees every other word of each, in four frames; the
# held-out words are never seen, so only their vectors in the store can tell their class.
POSITIVE = ("good great excellent wonderful happy nice fantastic superb pleasant delightful "
            "lovely joyful brilliant terrific beautiful cheerful glad marvelous splendid "
            "enjoyable fabulous amazing awesome perfect").split()
NEGATIVE = ("bad terrible awful horrible sad poor nasty dreadful miserable unpleasant ugly "
            "disgusting lousy painful angry dismal gloomy wretched hideous rotten pathetic "
            "atrocious horrid unhappy").split()
FRAMES = ("{}", "very {}", "so {}", "really {}")


def sentiment_pairs(part):
    """``(sources, targets)``: the "train" or "held-out" words of each class in every frame,
    labelled "pos" or "neg"."""
    start = 0 if part == "train" else 1
    pairs = [(frame.format(word), label)
             for words, label in ((POSITIVE, "pos"), (NEGATIVE, "neg"))
             for word in words[start::2] for frame in FRAMES]
    return [s for s, _ in pairs], [t for _, t in pairs]


SENTIMENT = dict(level="word", target_level="word", hidden=8, decoder_hidden=8, epochs=30,
                 batch_size=16, learning_rate=0.01)


def sentiment_store(glove, path):
    """The GloVe rows of the task's words, saved as a native store at `path`."""
    words = POSITIVE + NEGATIVE + ["very", "so", "really"]
    Vectors(words, glove[words]).save(path)
    return path


def move_store(model_path, location):
    """Rewrite the store location a saved model records (as if the store had moved)."""
    meta_path = model_path / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["vectors"]["location"] = str(location)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize("trainable", [False, True])
def test_unseen_words_read_their_glove_vectors(glove, tmp_path, trainable):
    # calibration (seeds 0, 1, 2; 96 held-out sources of 24 unseen words): with the store
    # 1.00 / 1.00 / 1.00 frozen and 0.93 / 0.93 / 0.96 trainable; as <unk> every unseen
    # word reads the same, so each frame gets one class: 0.50 exactly.
    assert all(w in glove for w in POSITIVE + NEGATIVE)
    train, held = sentiment_pairs("train"), sentiment_pairs("held-out")
    assert not set(train[0]) & set(held[0])
    model = Seq2Seq(vectors="glove-6b-50d", trainable_embeddings=trainable, random_state=0,
                    **SENTIMENT).fit(*train)
    assert model.score(*train) == 1.0
    with_store = model.score(*held)
    assert with_store >= 0.85
    if trainable:    # seen words read their trained rows, unseen ones the store's own
        ids, _ = model._encode_sources(["good"])
        assert not np.allclose(model.embeddings_[ids[0, 0]], glove["good"] /
                               np.linalg.norm(glove["good"]))
    model.save(tmp_path / "m")
    assert json.loads((tmp_path / "m" / "model.json").read_text())["vectors"]["location"] == \
        "glove-6b-50d"
    loaded = Seq2Seq.load(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loaded.predict(held[0]) == model.predict(held[0])
    move_store(tmp_path / "m", tmp_path / "gone")
    fallback = Seq2Seq.load(tmp_path / "m")
    with pytest.warns(VectorsWarning, match="<unk>.*gone") as caught:
        without = fallback.score(*held)
        fallback.translate("really gorgeous")
    assert len(caught) == 1
    assert without <= 0.6 and with_store - without >= 0.3
    assert fallback.predict(train[0]) == model.predict(train[0])


def test_a_saved_model_finds_its_store_on_disk_and_checks_it(glove, glove_20k_store, tmp_path):
    store = sentiment_store(glove, tmp_path / "store")
    train, held = sentiment_pairs("train"), sentiment_pairs("held-out")
    model = Seq2Seq(vectors=store, random_state=1, **SENTIMENT).fit(*train)
    expected = model.predict(held[0])
    model.save(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Seq2Seq.load(tmp_path / "m").predict(held[0]) == expected
    store.rename(tmp_path / "moved")
    moved = Seq2Seq.load(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # the store is read only for an unseen word
        assert moved.predict(train[0]) == model.predict(train[0])
    with pytest.warns(VectorsWarning, match="no such file") as caught:
        moved.predict(held[0])
        moved.predict(held[0])
    assert len(caught) == 1
    assert Seq2Seq.load(tmp_path / "m").use_vectors(tmp_path / "moved").predict(held[0]) == \
        expected
    with pytest.raises(ValueError, match="20000 words x 50 dims, but the model was trained "
                                         "with vectors of 51 words"):
        Seq2Seq.load(tmp_path / "m").use_vectors(glove_20k_store)
    other = Vectors.load(tmp_path / "moved")
    changed = Vectors(other.keys, np.array(other.vectors))
    changed.vectors[changed.key_to_index["awful"]] += 0.01
    with pytest.raises(ValueError, match="the vectors given: not the vectors the model was "
                                         "trained with .its vector of 'awful' differs"):
        Seq2Seq.load(tmp_path / "m").use_vectors(changed)


def test_a_model_saved_before_store_records_loads_as_before(glove, tmp_path):
    train, held = sentiment_pairs("train"), sentiment_pairs("held-out")
    model = Seq2Seq(vectors=glove, random_state=0, **SENTIMENT).fit(*train)
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    assert meta["vectors"]["location"] is None      # a store given in memory has no place
    del meta["vectors"]                             # the format before records
    (tmp_path / "m" / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    old = Seq2Seq.load(tmp_path / "m")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert old.score(*held) <= 0.5               # unseen words are <unk>, silently
    with pytest.raises(ValueError, match="saved without a fingerprint"):
        old.use_vectors(glove)
    chars = Seq2Seq(hidden=2, decoder_hidden=2, epochs=1).fit(["ab"], ["c"])
    with pytest.raises(ValueError, match="reads no word vectors"):
        chars.use_vectors(glove)
