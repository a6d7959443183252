"""Issue 11: everything read back is validated, training never returns or saves NaN, and
nonsense options are refused before any work (usage errors: exit 2)."""

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import wordvec.train.sgns as sgns_module
from wordvec import SGNS, GloVe
from wordvec.errors import FormatError
from wordvec.train._checkpoint import DivergedError, checkpoint_file
from wordvec.train.cooccur import count_cooccurrences

WORDVEC = [sys.executable, "-m", "wordvec"]


def zipf_corpus(path, sentences=4000, words=300, seed=0):
    """`sentences` lines of 12 words drawn from a Zipf-like law over `words` words."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(words)])
    p = 1.0 / np.arange(1, words + 1)
    draws = rng.choice(vocab, size=(sentences, 12), p=p / p.sum())
    path.write_text("\n".join(" ".join(row) for row in draws) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return zipf_corpus(tmp_path_factory.mktemp("corpus") / "zipf.txt")


def run(*args, timeout=120):
    return subprocess.run([*WORDVEC, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def one_line_error(result, *fragments):
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wordvec: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------------------- divergence
def test_sgns_divergence_is_an_error_not_nan_vectors(corpus):
    # calibration: on this corpus alpha 1 and 5 give NaN within the first epoch (the C tool's
    # saturated gradients grow the vectors geometrically); alpha 0.025 trains normally
    with pytest.raises(DivergedError, match=r"epoch 1 .*lower learning rate than alpha=5"):
        SGNS(dim=10, epochs=1, alpha=5.0, threads=1, random_state=0, progress=False).fit(corpus)
    model = SGNS(dim=10, epochs=1, threads=1, random_state=0, progress=False).fit(corpus)
    assert np.isfinite(model.vectors_.vectors).all() and np.isfinite(model.loss_history_).all()


def test_cli_divergence_exits_1_and_saves_nothing(corpus, tmp_path):
    out = tmp_path / "a.wv"
    result = run("train", corpus, "-o", out, "--alpha", 5, "--dim", 10, "--epochs", 1,
                 "--threads", 1, "--seed", 0, "-q")
    one_line_error(result, "training diverged", "--alpha")
    assert not out.exists()


def test_glove_divergence_is_an_error(corpus, tmp_path):
    counts = count_cooccurrences(corpus, tmp_path / "counts", min_count=1, progress=False)
    # calibration: at learning_rate 1e30 the first AdaGrad steps overflow float32
    with pytest.raises(DivergedError, match="learning_rate=1e\\+30"):
        GloVe(dim=8, epochs=2, learning_rate=1e30, threads=1, random_state=0,
              progress=False).fit(cooccurrence=counts)


# ---------------------------------------------------------------------------- options
@pytest.mark.parametrize("args, fragment", [
    (["--dim", "0"], "--dim"),
    (["--window", "0"], "--window"),
    (["--alpha", "inf"], "--alpha"),
    (["--alpha", "nan"], "--alpha"),
    (["--alpha", "-1"], "--alpha"),
    (["--alpha", "0"], "--alpha"),
    (["--epochs", "0"], "--epochs"),
    (["--sample", "-1"], "--sample"),
    (["--negative", "-1"], "--negative"),
    (["--negative", "100000"], "negative must be at most 1000"),
    (["--min-count", "0"], "--min-count"),
    (["--threads", "0"], "--threads"),
    (["--seed", "-1"], "--seed"),
    (["--checkpoint-every", "0", "--checkpoint", "ck"], "--checkpoint-every"),
    (["--model", "glove", "--x-max", "0"], "--x-max"),
    (["--model", "glove", "--weight-exponent", "nan"], "--weight-exponent"),
    (["--model", "glove", "--memory", "abc"], "--memory"),
    (["--model", "glove", "--window", "21"], "window must be an integer in 1..20"),
    (["--alpha", "0.01", "--dim", "x"], "--dim"),
])
def test_nonsense_training_options_are_usage_errors(corpus, tmp_path, args, fragment):
    result = run("train", corpus, "-o", tmp_path / "o.wv", *args)
    assert result.returncode == 2, result.stderr
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.wv").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--memory", "abc"], "--memory"),
    (["--window", "0"], "--window"),
    (["--min-count", "0"], "--min-count"),
])
def test_nonsense_cooccur_options_are_usage_errors(corpus, tmp_path, args, fragment):
    result = run("cooccur", corpus, "-o", tmp_path / "counts", *args)
    assert result.returncode == 2 and fragment in result.stderr, result.stderr


@pytest.mark.parametrize("command", [
    ["charlm", "train", "-", "-o", "m", "--learning-rate", "inf"],
    ["charlm", "train", "-", "-o", "m", "--clip", "nan"],
    ["charlm", "sample", "--model", ".", "--temperature", "nan"],
])
def test_nonsense_charlm_options_are_usage_errors(command):
    assert run(*command).returncode == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"weight_exponent": float("nan")}, "weight_exponent must be a finite number > 0"),
    ({"learning_rate": float("inf")}, "learning_rate must be a finite number > 0"),
    ({"x_max": 0}, "x_max must be a finite number > 0"),
    ({"window": 0}, "window must be an integer in 1..20"),
    ({"memory": "abc"}, "memory must be bytes or a size"),
    ({"random_state": -5}, "random_state must be in"),
])
def test_glove_parameter_errors_name_the_parameter(corpus, kwargs, message):
    with pytest.raises(ValueError, match=message):
        GloVe(progress=False, **kwargs).fit(corpus)


def test_glove_weighting_exponent_has_one_name():
    assert "weight_exponent" in GloVe().get_params() and "alpha" not in GloVe().get_params()
    with pytest.raises(TypeError):
        GloVe(alpha=0.75)   # alpha is SGNS's learning rate; it never means the exponent


# ---------------------------------------------------------------------------- memory
def test_a_model_larger_than_memory_is_refused_before_allocating(tmp_path):
    two = tmp_path / "two.txt"
    two.write_text("a b\n")
    start = time.monotonic()
    # 16 TB: more than any test machine has (a size that fits would really be allocated)
    line = one_line_error(run("train", two, "-o", tmp_path / "o.wv", "--min-count", 1,
                              "--dim", 10**12, "-q"),
                          "2 x 2 words x 1000000000000 dimensions x 4 bytes = 16000.0 GB",
                          "memory available")
    assert time.monotonic() - start < 60, line
    one_line_error(run("train", two, "-o", tmp_path / "o.wv", "--min-count", 1, "--model",
                       "glove", "--dim", 10**12, "-q"), "GloVe needs", "memory available")


# ---------------------------------------------------------------------------- checkpoints
SGNS_PARAMS = dict(dim=8, epochs=2, min_count=1, threads=1, random_state=3, progress=False)


@pytest.fixture(scope="module")
def sgns_checkpoint(corpus, tmp_path_factory):
    """A checkpoint written after epoch 1 of 2, over jobs of 5,000 words (10 an epoch)."""
    write = SGNS._write_checkpoint

    def write_then_stop(self, *args, **kwargs):
        write(self, *args, **kwargs)
        raise KeyboardInterrupt

    mp = pytest.MonkeyPatch()
    mp.setattr(sgns_module, "JOB_WORDS", 5000)
    mp.setattr(SGNS, "_write_checkpoint", write_then_stop)
    folder = tmp_path_factory.mktemp("sgns") / "ck"
    with pytest.raises(KeyboardInterrupt):
        SGNS(checkpoint=folder, checkpoint_every=1, **SGNS_PARAMS).fit(corpus)
    mp.undo()
    assert json.loads((folder / "state.json").read_text())["epoch"] == 1
    return folder


def _copy(folder, tmp_path):
    copy = tmp_path / "ck"
    shutil.copytree(folder, copy)
    return copy


def _edit_state(folder, **fields):
    state = json.loads((folder / "state.json").read_text())
    for key, value in fields.items():
        if value is _DELETE:
            del state[key]
        else:
            state[key] = value
    (folder / "state.json").write_text(json.dumps(state))


def _edit_array(folder, name, change):
    state = json.loads((folder / "state.json").read_text())
    path = checkpoint_file(folder, state, name)
    np.save(path, change(np.load(path)))  # the file's name ends .npy: np.save keeps it
    return path.name


_DELETE = object()

SGNS_STATE = [
    ({"next_job": 10**9}, "next_job"),
    ({"next_job": -1}, "next_job"),
    ({"epoch": 99}, "epoch"),
    ({"epoch": -3}, "epoch"),
    ({"epoch": "1"}, "epoch"),
    ({"epoch": _DELETE}, "epoch"),
    ({"params": {}}, "params"),
    ({"params": [1, 2]}, "params"),
    ({"seed": "x"}, "seed"),
    ({"seed": 2**64}, "seed"),
    ({"job_words": None}, "job_words"),
    ({"raw_total": 1.5}, "raw_total"),
    ({"total_words": -1}, "total_words"),
    ({"words_done": 12345}, "words_done"),
    ({"loss_history": []}, "loss_history"),
    ({"loss_history": ["x"]}, "loss_history"),
    ({"loss_history": [float("nan")]}, "loss_history"),
    ({"pairs_history": [1.5]}, "pairs_history"),
    ({"pairs_history": None}, "pairs_history"),
]
SGNS_ARRAYS = [
    ("syn0.npy", lambda a: a.astype(np.float64), "float32"),
    ("syn0.npy", lambda a: a[:-1], "shape"),
    ("syn0.npy", lambda a: np.where(a > 0, np.nan, a).astype(np.float32), "NaN"),
    ("syn1.npy", np.asfortranarray, "C-contiguous"),
    ("syn1.npy", lambda a: a.ravel(), "shape"),
    ("job_loss.npy", lambda a: a[:, None], "1-D"),
    ("job_loss.npy", lambda a: a - 1.0, ">= 0"),
    ("job_loss.npy", lambda a: a[:3], "values"),
    ("job_pairs.npy", lambda a: a.astype(np.float64), "int64"),
]


@pytest.mark.parametrize("fields, name", SGNS_STATE)
def test_sgns_checkpoint_fields_are_validated(corpus, sgns_checkpoint, tmp_path, monkeypatch,
                                              fields, name):
    monkeypatch.setattr(sgns_module, "JOB_WORDS", 5000)
    folder = _copy(sgns_checkpoint, tmp_path)
    _edit_state(folder, **fields)
    with pytest.raises(FormatError, match=name) as info:
        SGNS(**SGNS_PARAMS).fit(corpus, resume=folder)
    assert "state.json" in str(info.value)


@pytest.mark.parametrize("name, change, message", SGNS_ARRAYS)
def test_sgns_checkpoint_arrays_are_validated(corpus, sgns_checkpoint, tmp_path, monkeypatch,
                                              name, change, message):
    monkeypatch.setattr(sgns_module, "JOB_WORDS", 5000)
    folder = _copy(sgns_checkpoint, tmp_path)
    file = _edit_array(folder, name, change)
    with pytest.raises(FormatError, match=message) as info:
        SGNS(**SGNS_PARAMS).fit(corpus, resume=folder)
    assert file in str(info.value)


def test_sgns_resume_refuses_another_seed_and_resumes_without_one(corpus, sgns_checkpoint,
                                                                  tmp_path, monkeypatch):
    monkeypatch.setattr(sgns_module, "JOB_WORDS", 5000)
    with pytest.raises(ValueError, match=r"made with seed 3, this model has random_state=4"):
        SGNS(**{**SGNS_PARAMS, "random_state": 4}).fit(corpus, resume=sgns_checkpoint)
    same = SGNS(**SGNS_PARAMS).fit(corpus, resume=sgns_checkpoint)
    unset = SGNS(**{**SGNS_PARAMS, "random_state": None}).fit(corpus, resume=sgns_checkpoint)
    assert np.array_equal(same.vectors_.vectors, unset.vectors_.vectors)


def test_cli_resume_from_a_corrupt_checkpoint_or_with_another_seed(corpus, tmp_path):
    ck = tmp_path / "ck"
    args = ["train", corpus, "-o", tmp_path / "o.wv", "--dim", 8, "--min-count", 1,
            "--threads", 1, "-q"]
    assert run(*args, "--epochs", 2, "--seed", 3, "--checkpoint", ck,
               "--checkpoint-every", 1).returncode == 0
    one_line_error(run(*args, "--epochs", 2, "--seed", 4, "--resume", ck),
                   "seed 3", "random_state=4")
    _edit_state(ck, next_job=10**9)
    one_line_error(run(*args, "--epochs", 2, "--resume", ck, timeout=60),
                   "state.json", "next_job")


GLOVE_PARAMS = dict(dim=8, epochs=2, threads=1, random_state=7, progress=False)


@pytest.fixture(scope="module")
def glove_counts(corpus, tmp_path_factory):
    return count_cooccurrences(corpus, tmp_path_factory.mktemp("glove") / "counts",
                               min_count=1, progress=False)


@pytest.fixture(scope="module")
def glove_checkpoint(glove_counts, tmp_path_factory):
    """A checkpoint written after epoch 1 of 2."""
    folder = tmp_path_factory.mktemp("glove") / "ck"
    GloVe(checkpoint=folder, **{**GLOVE_PARAMS, "epochs": 1}).fit(cooccurrence=glove_counts)
    return folder


GLOVE_STATE = [
    ({"epoch": 99}, "epoch"),
    ({"epoch": -3}, "epoch"),
    ({"next": 10**9}, "next"),
    ({"next": "0"}, "next"),
    ({"partial_loss": float("nan")}, "partial_loss"),
    ({"partial_loss": 2.5}, "partial_loss"),
    ({"loss_history": [1.0, 2.0]}, "loss_history"),
    ({"loss_history": [-1.0]}, "loss_history"),
    ({"nnz": "many"}, "nnz"),
    ({"n_words": None}, "n_words"),
    ({"params": {}}, "params"),
    ({"seed": -1}, "seed"),
]
GLOVE_ARRAYS = [
    ("W.npy", lambda a: a.astype(np.float64), "float32"),
    ("C.npy", lambda a: a[:, :-1], "shape"),
    ("bw.npy", lambda a: a[:, None], "shape"),
    ("bc.npy", lambda a: np.full_like(a, np.inf), "NaN or infinite"),
    ("gW.npy", np.zeros_like, "<= 0"),
    ("gbc.npy", lambda a: a.astype(np.int64), "float32"),
]


@pytest.mark.parametrize("fields, name", GLOVE_STATE)
def test_glove_checkpoint_fields_are_validated(glove_counts, glove_checkpoint, tmp_path,
                                               fields, name):
    folder = _copy(glove_checkpoint, tmp_path)
    _edit_state(folder, **fields)
    with pytest.raises(FormatError, match=name) as info:
        GloVe(**GLOVE_PARAMS).fit(cooccurrence=glove_counts, resume=folder)
    assert "state.json" in str(info.value)


@pytest.mark.parametrize("name, change, message", GLOVE_ARRAYS)
def test_glove_checkpoint_arrays_are_validated(glove_counts, glove_checkpoint, tmp_path,
                                               name, change, message):
    folder = _copy(glove_checkpoint, tmp_path)
    file = _edit_array(folder, name, change)
    with pytest.raises(FormatError, match=message) as info:
        GloVe(**GLOVE_PARAMS).fit(cooccurrence=glove_counts, resume=folder)
    assert file in str(info.value)


def test_glove_resume_refuses_another_seed(glove_counts, glove_checkpoint):
    with pytest.raises(ValueError, match="made with seed 7, this model has random_state=8"):
        GloVe(**{**GLOVE_PARAMS, "random_state": 8}).fit(cooccurrence=glove_counts,
                                                        resume=glove_checkpoint)
    resumed = GloVe(**GLOVE_PARAMS).fit(cooccurrence=glove_counts, resume=glove_checkpoint)
    assert len(resumed.loss_history_) == 2 and math.isfinite(resumed.loss_history_[-1])


# ---------------------------------------------------------------------------- SIGTERM
def test_sigterm_stops_training_between_jobs_and_writes_the_checkpoint(tmp_path):
    corpus = zipf_corpus(tmp_path / "c.txt", sentences=20000)
    ck, out = tmp_path / "ck", tmp_path / "o.wv"
    proc = subprocess.Popen([*WORDVEC, "train", str(corpus), "-o", str(out), "--dim", "8",
                             "--epochs", "500", "--threads", "1", "--checkpoint", str(ck),
                             "--checkpoint-every", "1", "-q"],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (ck / "state.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0 and "Traceback" not in stderr
    state = json.loads((ck / "state.json").read_text())
    assert 1 <= state["epoch"] < 500 and not out.exists()
    assert Path(ck).is_dir()


# ---------------------------------------------------------------------------- saved models
def _files(folder):
    """model.json as a dict, and the path of the (versioned) params.npz it names."""
    meta = json.loads((folder / "model.json").read_text())
    return meta, folder / meta.get("files", {}).get("params.npz", "params.npz")


def _corrupt_model(folder, change):
    """Apply `change(meta, arrays, params_path)`: it edits meta/arrays in place or returns
    "raw" after writing the files itself."""
    meta, params = _files(folder)
    with np.load(params) as data:
        arrays = {k: data[k] for k in data.files}
    if not isinstance(change(meta, arrays, params), str):
        (folder / "model.json").write_text(json.dumps(meta))
        np.savez(params, **arrays)


def _truncate(meta, arrays, params):
    params.write_bytes(params.read_bytes()[:200])
    return "raw"


def _as_list(meta, arrays, params):
    (params.parent / "model.json").write_text("[1, 2]")
    return "raw"


CHARLM_CORRUPTIONS = [
    (_as_list, "expected a JSON object"),
    (_truncate, "params.npz: unreadable"),
    (lambda m, a, p: a.pop("rnn.W_h" if "rnn.W_h" in a else sorted(a)[0]), "missing array"),
    (lambda m, a, p: a.update(extra=np.zeros(2)), "unexpected array 'extra'"),
    (lambda m, a, p: a["dense.W"].fill(np.nan), "array 'dense.W' holds NaN"),
    (lambda m, a, p: a.update({"dense.b": a["dense.b"][:-1]}), "array 'dense.b': expected"),
    (lambda m, a, p: a.update({"dense.W": a["dense.W"].astype(np.float32)}), "'dense.W'"),
    (lambda m, a, p: a.update(loss_history=a["loss_history"][:3]), "'loss_history'"),
    (lambda m, a, p: m["params"].update(hidden="5"), "hidden must be an integer >= 1"),
    (lambda m, a, p: m["params"].update(hidden=0), "hidden must be an integer >= 1"),
    (lambda m, a, p: m["params"].update(cell="tanh"), "cell must be one of"),
    (lambda m, a, p: m["params"].update(bogus=1), "params must have the keys"),
    (lambda m, a, p: m.update(params=[1]), "params must be dict"),
    (lambda m, a, p: m.update(vocab=m["vocab"][1:]), "vocab must be a list of distinct"),
    (lambda m, a, p: m.update(vocab=[*m["vocab"], 5]), "vocab must be a list of distinct"),
    (lambda m, a, p: m.update(names="abc"), "names must be a list of strings"),
]


@pytest.fixture(scope="module")
def charlm_folder(tmp_path_factory):
    from wordvec.models.charlm import CharLM

    folder = tmp_path_factory.mktemp("charlm") / "m"
    CharLM(hidden=5, iterations=30, random_state=0).fit(["abca", "cab", "bac"]).save(folder)
    return folder


@pytest.mark.parametrize("change, message", CHARLM_CORRUPTIONS)
def test_charlm_model_is_validated_on_load(charlm_folder, tmp_path, change, message):
    from wordvec.models.charlm import CharLM

    folder = _copy(charlm_folder, tmp_path)
    _corrupt_model(folder, change)
    with pytest.raises(FormatError, match=message) as info:
        CharLM.load(folder)
    assert str(folder) in str(info.value)


def test_charlm_hidden_size_beyond_memory_is_refused(charlm_folder, tmp_path):
    from wordvec.models.charlm import CharLM

    folder = _copy(charlm_folder, tmp_path)
    _corrupt_model(folder, lambda m, a, p: m["params"].update(hidden=10**9))
    with pytest.raises(MemoryError, match="memory available"):
        CharLM.load(folder)


def test_cli_sample_from_a_damaged_model_is_one_line(charlm_folder, tmp_path):
    folder = _copy(charlm_folder, tmp_path)
    assert run("charlm", "sample", "--model", folder, "-n", 2, "--seed", 0).returncode == 0
    _corrupt_model(folder, _truncate)
    one_line_error(run("charlm", "sample", "--model", folder, "-n", 2), "params.npz",
                   "unreadable")


@pytest.fixture(scope="module")
def emoji_store():
    from wordvec import Vectors

    words = ["i", "love", "you", "food", "eat", "sad", "happy", "ball", "play"]
    rng = np.random.default_rng(0)
    return Vectors(words, rng.standard_normal((len(words), 6)).astype(np.float32))


@pytest.fixture(scope="module")
def emoji_folder(emoji_store, tmp_path_factory):
    from wordvec.models.emojify import EmojifierMean

    folder = tmp_path_factory.mktemp("emojify") / "m"
    sentences = ["i love you", "eat food", "sad", "play ball", "happy"]
    EmojifierMean(emoji_store, epochs=5, random_state=0).fit(sentences, [0, 4, 3, 1, 2]) \
        .save(folder)
    return folder


EMOJIFY_CORRUPTIONS = [
    (_as_list, "expected a JSON object"),
    (_truncate, "unreadable"),
    (lambda m, a, p: a["W"].fill(np.nan), "array 'W' holds NaN"),
    (lambda m, a, p: a.pop("b"), "missing array 'b'"),
    (lambda m, a, p: a.update(W=a["W"][:, :2]), "array 'W': expected"),
    (lambda m, a, p: m["params"].update(epochs="5"), "epochs must be an integer"),
    (lambda m, a, p: m["params"].update(learning_rate=float("inf")), "learning_rate must be"),
    (lambda m, a, p: m["params"].update(hidden=3), "params must have the keys"),
    (lambda m, a, p: m.update(classes=[]), "classes must be a list of distinct labels"),
    (lambda m, a, p: m.update(dim="6"), "dim must be an integer"),
    (lambda m, a, p: m.update(fingerprint="x"), "fingerprint must be"),
    (lambda m, a, p: m.update(loss_history=[float("nan")]), "loss_history must be"),
]


@pytest.mark.parametrize("change, message", EMOJIFY_CORRUPTIONS)
def test_emojify_model_is_validated_on_load(emoji_folder, emoji_store, tmp_path, change,
                                            message):
    from wordvec.models import emojify

    folder = _copy(emoji_folder, tmp_path)
    assert emojify.load(folder, vectors=emoji_store).predict(["i love you"]).shape == (1,)
    _corrupt_model(folder, change)
    with pytest.raises(FormatError, match=message) as info:
        emojify.load(folder, vectors=emoji_store)
    assert str(folder) in str(info.value)
