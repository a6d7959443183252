"""Property test of the loaders: a valid small file in each format, cut short and with random
bytes overwritten or inserted, loads correctly or raises `FormatError`, never anything else."""

import json
import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wordvec import FormatError, Vectors
from wordvec.io import ENCODING_ERRORS, load

FORMATS = ("word2vec", "word2vec-binary", "glove", "native")
NATIVE_FILES = ("vectors.npy", "vocab.txt", "meta.json")
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """format -> (path of a valid store, the store)."""
    root = tmp_path_factory.mktemp("fuzz")
    store = Vectors(["the", "café", "東京", "x"],
                    np.array([[0.418, -1.5, 2], [1 / 3, 0, -7e-5], [1e30, -2.5e-3, 4],
                              [0.1, 0.2, 0.3]], dtype=np.float32),
                    counts=[9, 5, 3, 1])
    made = {}
    for format in FORMATS:
        path = root / f"orig-{format}"
        store.save(path, format=format)
        made[format] = path
    return made, store


def mutated(data, cut, edits, inserts):
    """`data` with bytes overwritten, bytes inserted, then cut to `cut` of its length."""
    data = bytearray(data)
    for where, byte in edits:
        if data:
            data[int(where * len(data)) % len(data)] = byte
    for where, chunk in inserts:
        at = int(where * len(data))
        data[at:at] = chunk
    return bytes(data[:int(cut * len(data)) if cut is not None else None])


damage = dict(
    cut=st.one_of(st.none(), st.floats(0, 1)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=3),
    inserts=st.lists(st.tuples(st.floats(0, 1),
                               st.sampled_from([b" ", b"\n", b"\xff", b"\t", b"x", b"1e",
                                                b"\x00", b"\r\n", b"-", b"\xc3"])), max_size=2),
)


def check(path, format, store, intact, encoding_errors="strict"):
    """Load with detection and with the format named; accept a sound store or FormatError."""
    for fmt in (None, format):
        try:
            v = load(path, format=fmt, encoding_errors=encoding_errors)
        except FormatError as exc:
            assert str(path) in str(exc)
            continue
        assert isinstance(v, Vectors)
        assert v.vectors.dtype == np.float32
        assert v.vectors.shape == (len(v.keys), v.dim)
        assert len(set(v.keys)) == len(v.keys) and all(isinstance(k, str) and k for k in v.keys)
        if intact:
            assert v.keys == store.keys
            np.testing.assert_array_equal(v.vectors, store.vectors)
            assert (v.counts is not None) == (format == "native")


@pytest.mark.parametrize("format", ["word2vec", "word2vec-binary", "glove"])
@SETTINGS
@given(policy=st.sampled_from(ENCODING_ERRORS), **damage)
def test_damaged_files_load_or_raise_format_error(originals, tmp_path, format, policy, cut,
                                                  edits, inserts):
    made, store = originals
    path = tmp_path / "damaged"
    path.write_bytes(mutated(made[format].read_bytes(), cut, edits, inserts))
    intact = (cut is None or cut == 1) and not edits and not inserts
    check(path, format, store, intact, encoding_errors=policy)


@SETTINGS
@given(which=st.sampled_from(NATIVE_FILES), **damage)
def test_damaged_native_stores_load_or_raise_format_error(originals, tmp_path, which, cut,
                                                          edits, inserts):
    made, store = originals
    folder = tmp_path / "store"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(made["native"], folder)
    files = json.loads((folder / "meta.json").read_text())["files"]   # versioned file names
    target = folder / files.get(which, which)
    target.write_bytes(mutated(target.read_bytes(), cut, edits, inserts))
    check(folder, "native", store, (cut is None or cut == 1) and not edits and not inserts)
