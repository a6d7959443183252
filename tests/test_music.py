"""The music LSTM: gradients, shapes, the synthetic Markov source, decoding, MIDI and pictures.

These need numpy and mido only (no score parsing); tests/test_music_scores.py reads real
scores with music21 and drives the CLI.
"""

import numpy as np
import pytest
from music_source import INNER, OPENERS, MarkovSource, has_interval, length
from test_nn import assert_close, numerical_grad

from wordvec.errors import FormatError, WordvecError
from wordvec.models.music import UNK, MusicLSTM, improvise, solo_measures, vocabulary
from wordvec.music import require
from wordvec.music.render import (
    chord_notes,
    copy_rate,
    decode,
    in_scale_rate,
    interval_semitones,
    parse_token,
    piano_roll,
    pitch_class_l1,
    pitch_number,
    read_notes,
    write_midi,
)
from wordvec.music.tokens import Corpus, tone_type

C_MAJOR = [0.0, [60, 64, 67], 0, True]
D_MINOR = [0.0, [62, 65, 69], 2, False]


def markov_corpus(n, seed):
    tokens, _ = MarkovSource(0).sample(n, np.random.default_rng(seed))
    return Corpus("grammar", [tokens], ["markov"], [[C_MAJOR], [D_MINOR]], [1] * 12)


@pytest.fixture(scope="module")
def markov_model():
    # 800 windows from 20,000 tokens, 15 epochs, no decay: about 4 s
    return MusicLSTM(hidden=32, n_windows=800, epochs=15, decay=0.0,
                     random_state=0).fit(markov_corpus(20000, 100))


def test_parameter_count_is_the_courses():
    tokens = [f"C,{k / 8:.3f}" for k in range(1, 101)] * 2    # 100 values, capped at 78
    model = MusicLSTM(epochs=1, n_windows=2, random_state=0).fit(
        Corpus("grammar", [tokens], ["x"], [[C_MAJOR]]))
    assert len(model.values_) == 78 and UNK in model.values_
    assert model.n_parameters() == 41678
    assert model.lstm_.params["W_f"].shape == (64 + 78, 64)


def test_vocabulary_is_sorted_with_rare_values_as_unk():
    seqs = [["b", "a", "b", "c", "d", "b", "c"]]
    assert vocabulary(seqs, 4) == ["a", "b", "c", "d"]
    assert vocabulary(seqs, 3) == ["<unk>", "b", "c"]   # a and d once each: the rarest
    model = MusicLSTM(max_values=3, window=3, n_windows=4, epochs=1, random_state=0)
    model.fit(Corpus("notes", seqs))
    assert model.encode(["a", "b", "zzz"]).tolist() == [0, 1, 0]
    assert UNK not in model.sample(40, temperature=5.0, random_state=0)


def test_loss_gradient_matches_finite_differences():
    model = MusicLSTM(hidden=4, window=5, n_windows=3, epochs=1, random_state=0)
    model.fit(Corpus("notes", [["a", "b", "c", "a", "c", "b", "b", "a"] * 2]))
    windows = np.random.default_rng(1).integers(0, 3, size=(3, 5))
    _, grads = model._loss_and_grads(windows)
    for key, value in model._params().items():
        assert_close(grads[key], numerical_grad(lambda: model._loss_and_grads(windows)[0],
                                                value))


def test_loss_starts_at_steps_times_log_values_and_last_step_is_free():
    corpus = markov_corpus(3000, 1)
    model = MusicLSTM(hidden=64, epochs=1, random_state=0).fit(corpus)
    windows = np.random.default_rng(0).integers(0, len(model.values_), size=(32, 30))
    model._build(np.random.default_rng(3))
    loss = model._loss_and_grads(windows)[0]
    assert abs(loss - 29 * np.log(len(model.values_))) < 0.03 * 29 * np.log(len(model.values_))
    # X[:, 0] = 0: a window's first token is neither an input nor a target
    windows[:, 0] = (windows[:, 0] + 1) % len(model.values_)
    assert model._loss_and_grads(windows)[0] == loss
    windows[:, 1] = (windows[:, 1] + 1) % len(model.values_)
    assert model._loss_and_grads(windows)[0] != loss


def test_seed_gives_the_same_model():
    corpus = markov_corpus(2000, 2)
    a = MusicLSTM(hidden=8, n_windows=40, epochs=3, random_state=5).fit(corpus)
    b = MusicLSTM(hidden=8, n_windows=40, epochs=3, random_state=5).fit(corpus)
    c = MusicLSTM(hidden=8, n_windows=40, epochs=3, random_state=6).fit(corpus)
    assert np.array_equal(a.loss_history_, b.loss_history_)
    assert all(np.array_equal(v, b._params()[k]) for k, v in a._params().items())
    assert not np.array_equal(a.loss_history_, c.loss_history_)
    assert a.sample(20, temperature=1.0, random_state=3) == \
        b.sample(20, temperature=1.0, random_state=3)


def test_model_matches_the_markov_source(markov_model):
    """Calibration (seeds 0-2 of model and data): mean KL(source || model) 0.057-0.065 nats
    per step; a model of the token frequencies alone scores 0.85. Bound: 0.15."""
    source = MarkovSource(0)
    tokens, left = source.sample(3000, np.random.default_rng(1000))
    kls = []
    for s in range(0, len(tokens) - 30, 30):
        window = tokens[s:s + 30]
        probs = markov_model.next_distributions(window)
        started = False   # the beats left are known once a measure has opened in the window
        for t, token in enumerate(window):
            started = started or token in OPENERS
            if started:
                true = source.next_distribution(token, left[s + t])
                q = probs[t + 1]
                kls.append(sum(p * np.log(p / q[markov_model.index_[k]])
                               for k, p in true.items()))
    assert len(kls) > 2000
    assert np.mean(kls) < 0.15


def test_greedy_solo_keeps_the_source_structure(markov_model):
    tokens = markov_model.sample(80)
    assert set(tokens) <= set(OPENERS) | set(INNER)
    start = next(i for i, t in enumerate(tokens) if t in OPENERS)
    measures, beats = [], 4.0
    for token in tokens[start:]:
        if beats >= 4.0 - 1e-9:
            measures.append([])
            beats = 0.0
        measures[-1].append(token)
        beats += length(token)
    complete = measures[:-1] if beats < 4.0 else measures
    assert len(complete) >= 10
    for measure in complete:
        assert sum(map(length, measure)) == 4.0, measure
        assert not has_interval(measure[0]) and measure[0][0] != "R", measure
        assert all(has_interval(t) or t[0] == "R" for t in measure[1:]), measure


def test_sampling_options(markov_model):
    assert markov_model.sample(30) == markov_model.sample(30)          # greedy: no randomness
    hot = [markov_model.sample(30, temperature=1.0, random_state=s) for s in range(3)]
    assert hot[0] != hot[1] or hot[1] != hot[2]
    top1 = markov_model.sample(30, temperature=1.0, top_k=1, random_state=4)
    assert top1 == markov_model.sample(30)
    primed = markov_model.sample(10, primer=["C,2.000"])
    assert primed[0] in {t for t in INNER if length(t) <= 2}
    with pytest.raises(KeyError, match="'nope' is not one of the model's values"):
        markov_model.sample(5, primer=["nope"])
    with pytest.raises(ValueError, match="temperature must be"):
        markov_model.sample(5, temperature=0.0)


def test_save_load_round_trip(markov_model, tmp_path):
    markov_model.save(tmp_path / "m")
    loaded = MusicLSTM.load(tmp_path / "m")
    assert loaded.get_params() == {**markov_model.get_params(), "progress": False}
    assert loaded.values_ == markov_model.values_
    assert loaded.sample(40, temperature=1.0, random_state=2) == \
        markov_model.sample(40, temperature=1.0, random_state=2)
    assert np.array_equal(loaded.loss_history_, markov_model.loss_history_)
    text = (tmp_path / "m" / "model.json").read_text()
    (tmp_path / "m" / "model.json").write_text(text.replace('"progression": [',
                                                            '"progression": [7, '))
    with pytest.raises(FormatError, match="progression must be"):
        MusicLSTM.load(tmp_path / "m")
    (tmp_path / "m" / "model.json").write_text(text.replace('"hidden": 32', '"hidden": 0'))
    with pytest.raises(FormatError, match="params: hidden must be an integer >= 1, got 0"):
        MusicLSTM.load(tmp_path / "m")


def test_fit_refuses_bad_settings():
    corpus = markov_corpus(50, 3)
    with pytest.raises(ValueError, match="window of 60 needs at least 61"):
        MusicLSTM(window=60).fit(corpus)
    with pytest.raises(ValueError, match="hidden must be an integer >= 1, got 0"):
        MusicLSTM(hidden=0).fit(corpus)
    with pytest.raises(ValueError, match="not fitted"):
        MusicLSTM().sample(3)


def test_interval_names_agree_with_music21():
    interval = require("music21").interval
    for quality in ("P", "M", "m", "A", "d", "AA", "dd"):
        for number in range(1, 16):
            for sign in ("", "-"):
                name = f"{quality}{sign}{number}"
                try:
                    expected = interval.Interval(name).semitones
                except Exception:
                    continue
                if name != "P-1":
                    assert interval_semitones(name) == expected, name
    for name in ("C4", "F#4", "B-3", "C-4", "B#3", "E--5", "A0", "G##2"):
        assert pitch_number(name) == require("music21").pitch.Pitch(name).midi, name
    with pytest.raises(ValueError, match="not an interval name: 'M5'"):
        interval_semitones("M5")


def test_tone_types_by_hand():
    assert [tone_type(p, C_MAJOR) for p in (64, 62, 61, 66, 70, 76)] == \
        ["C", "S", "A", "A", "X", "C"]
    assert tone_type(71, D_MINOR) == "S"           # B is in D Dorian
    assert tone_type(70, D_MINOR) == "A"           # B flat: a semitone from A


def test_decode_follows_the_rules():
    tokens = ["C,1.000", "S,1.000,<M2,d-4>", "C,0.333,<P4,m-2>", "R,0.500", "X,1.000",
              "A,1.000,<m3,m-3>"]
    for seed in range(20):
        notes = decode(tokens, [[C_MAJOR, [2.0, [62, 65, 69], 2, False]]], random_state=seed)
        starts = [s for s, _, _ in notes]
        assert starts == sorted(starts) and starts[0] == 0.0
        first, second = notes[0][2], notes[1][2]
        assert first in (60, 64, 67)                   # a chord tone, octave 4 or above
        assert first - 4 <= second <= first + 2 and second != first   # the window M2 / d-4
        assert tone_type(second, C_MAJOR) in ("C", "S") or abs(second - first) == 2
        assert notes[2][1] == 0.25                     # 0.333 rounded to a sixteenth
    notes = decode(["G4,1.000", "G4,1.000", "R,1.000", "A4,0.500"])
    assert notes == [(0.0, 1.0, 67), (3.0, 0.5, 69)]   # the repeat dropped, the rest kept
    with pytest.raises(ValueError, match="not a music token: 'Q,1.0'"):
        decode(["Q,1.0"])
    with pytest.raises(ValueError, match="need a chord progression"):
        decode(["C,1.000"])


def test_midi_round_trip_and_piano_roll(tmp_path):
    melody = [(0.0, 1.0, 60), (1.0, 0.5, 64), (1.5, 2.5, 67)]
    chords = chord_notes([[C_MAJOR], [D_MINOR]], 8)
    assert len(chords) == 6 and chords[3] == (4.0, 4.0, 62)
    write_midi(tmp_path / "a.mid", melody, chords)
    tracks, bpm = read_notes(tmp_path / "a.mid")
    assert bpm == pytest.approx(130.0, rel=1e-5)    # 461,538 µs a beat
    assert tracks[0] == [] and tracks[1] == melody and sorted(tracks[2]) == sorted(chords)
    piano_roll(tmp_path / "a.png", melody, chords)
    from matplotlib.image import imread
    image = imread(tmp_path / "a.png")
    red = (image[..., 0] > 0.7) & (image[..., 1] < 0.3) & (image[..., 2] < 0.3)
    assert red.sum() > 500                  # the melody's bars are drawn in red
    (tmp_path / "b.mid").write_bytes(b"MThd not really")
    with pytest.raises(FormatError, match="b.mid: not a MIDI file"):
        read_notes(tmp_path / "b.mid")


def test_solo_measures(markov_model, tmp_path):
    solo = improvise(markov_model, 50, random_state=0)
    assert solo.tokens == markov_model.sample(50)
    assert solo.melody and solo.chords
    measures = solo_measures(markov_model, solo)
    assert measures["copy_rate_4"] == copy_rate(solo.tokens, markov_model.sequences_)
    assert 0 <= measures["pitch_class_l1"] <= 2 and 0 <= measures["in_scale"] <= 1
    # by hand: one of three notes outside C major's scale; a histogram all on C vs uniform
    assert in_scale_rate([(0, 1, 60), (1, 1, 61), (2, 1, 62)], [[C_MAJOR]]) == 2 / 3
    assert pitch_class_l1([(0, 1, 60)], [1] * 12) == pytest.approx(2 * 11 / 12)
    assert copy_rate(list("abcde"), [list("abcdx")]) == 0.5
    assert parse_token("S,0.500,<M2,d-4>") == ("S", 0.5, (2, -4))


def test_missing_extra_says_what_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "mido", None)
    with pytest.raises(WordvecError, match=r"pip install 'wordvec\[music\]'"):
        require("mido")
