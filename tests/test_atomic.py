"""Atomic saves: an interrupted save leaves the previous version whole, a save deletes nothing
it did not create, and readers always find one whole version (see wordvec/_atomic.py).

The kill -9 and reader/writer races with real processes are in tests/stress/.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import wordvec
from wordvec._atomic import (
    TargetExistsError,
    atomic_dir,
    atomic_file,
    atomic_new_dir,
    private_tempdir,
    published,
    read_dir,
)
from wordvec.errors import FormatError

FAMILY = "wordvec-test"


def stage(tmp, payload, **extra):
    (tmp / "data.txt").write_text(payload)
    (tmp / "meta.json").write_text(json.dumps({"format": FAMILY, **extra}))


def read(folder):
    def once():
        meta = json.loads((folder / "meta.json").read_text())
        return published(folder, folder / "meta.json", meta, "data.txt").read_text()
    return read_dir(once)


# ---------------------------------------------------------------------------- single files
def test_atomic_file_replaces_on_success(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with atomic_file(target, "w") as f:
        f.write("new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_file_keeps_old_version_when_interrupted(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_file(target, "w") as f:
        f.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_file_honours_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_file(tmp_path / "f", "w") as f:
            f.write("x")
    finally:
        os.umask(old)
    assert (tmp_path / "f").stat().st_mode & 0o777 == 0o644


def test_atomic_file_removes_dead_temporaries_but_not_live_ones(tmp_path):
    target = tmp_path / "out.txt"
    dead = tmp_path / ".out.txt.abc123.tmp"        # a killed save's leftover: nobody holds it
    dead.write_text("litter")
    # A live writer in another process holds its temporary file.
    live = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from wordvec._atomic import atomic_file\n"
        f"with atomic_file({str(target)!r}, 'w') as f:\n"
        "    print('writing', flush=True); sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert live.stdout.readline() == "writing\n"
        mine = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p != dead]
        assert len(mine) == 1
        with atomic_file(target, "w") as f:
            f.write("mine")
        assert not dead.exists() and mine[0].exists()
    finally:
        live.communicate("go\n")
    assert live.returncode == 0
    assert os.listdir(tmp_path) == ["out.txt"]


def test_atomic_file_refuses_to_replace_a_folder(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(TargetExistsError, match="is a folder"), atomic_file(tmp_path / "x"):
        pass
    assert (tmp_path / "x").is_dir()


# ---------------------------------------------------------------------------- folders
def test_atomic_dir_publishes_versioned_files_under_a_manifest(tmp_path):
    folder = tmp_path / "store"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "one")
    meta = json.loads((folder / "meta.json").read_text())
    assert set(meta["files"]) == {"data.txt"} and meta["files"]["data.txt"] != "data.txt"
    assert sorted(os.listdir(folder)) == sorted(["meta.json", meta["files"]["data.txt"]])
    assert read(folder) == "one"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "two")
    new = json.loads((folder / "meta.json").read_text())["files"]["data.txt"]
    assert new != meta["files"]["data.txt"]
    assert sorted(os.listdir(folder)) == sorted(["meta.json", new])   # the old one retired
    assert read(folder) == "two"
    assert os.listdir(tmp_path) == ["store"]


def test_atomic_dir_keeps_the_old_version_when_interrupted(tmp_path):
    folder = tmp_path / "store"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "old")
    before = sorted(os.listdir(folder))
    with pytest.raises(RuntimeError), atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "half")
        raise RuntimeError("disk full")
    assert read(folder) == "old" and sorted(os.listdir(folder)) == before


def test_a_failed_first_save_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), atomic_dir(tmp_path / "new", "meta.json", FAMILY) as tmp:
        stage(tmp, "half")
        raise RuntimeError("disk full")
    assert os.listdir(tmp_path) == []


def test_atomic_dir_never_touches_what_it_did_not_create(tmp_path):
    folder = tmp_path / "store"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "one")
    (folder / "notes.txt").write_text("precious")
    (tmp_path / "store.old").mkdir()
    (tmp_path / "store.old" / "notes.txt").write_text("precious too")
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "two")
    assert (folder / "notes.txt").read_text() == "precious"
    assert (tmp_path / "store.old" / "notes.txt").read_text() == "precious too"


def test_atomic_dir_removes_leftovers_of_killed_saves(tmp_path):
    folder = tmp_path / "store"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "one")
    # What a save killed before its manifest rename leaves behind:
    (folder / ".staging.0123456789abcdef.tmp").mkdir()
    (folder / ".staging.0123456789abcdef.tmp" / "data.txt").write_text("x" * 1000)
    (folder / "data.fedcba9876543210.txt").write_text("moved in, never published")
    (folder / ".meta.json.fedcba9876543210.tmp").write_text("{")
    assert read(folder) == "one"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "two")
    meta = json.loads((folder / "meta.json").read_text())
    assert sorted(os.listdir(folder)) == sorted(["meta.json", meta["files"]["data.txt"]])


@pytest.mark.parametrize("what", ["file", "foreign folder", "other family", "bad manifest"])
def test_atomic_dir_refuses_targets_that_are_not_its_own(tmp_path, what):
    target = tmp_path / "x"
    if what == "file":
        target.write_text("a user's file")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("a user's file")
        if what == "other family":
            (target / "meta.json").write_text(json.dumps({"format": "something-else"}))
        if what == "bad manifest":
            (target / "meta.json").write_text("{not json")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(TargetExistsError, match=str(target)), \
            atomic_dir(target, "meta.json", FAMILY) as tmp:
        stage(tmp, "new")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_store_saved_before_manifests_is_read_and_upgraded(tmp_path):
    rng = np.random.default_rng(0)
    v = wordvec.Vectors(["a", "b", "c"], rng.normal(size=(3, 4)).astype(np.float32))
    old = tmp_path / "old"
    old.mkdir()   # the layout of native version 1
    np.save(old / "vectors.npy", v.vectors)
    (old / "vocab.txt").write_text("a\nb\nc\n")
    (old / "meta.json").write_text(json.dumps(
        {"format": "wordvec-native", "version": 1, "n_words": 3, "dim": 4, "counts": False}))
    (old / "notes.txt").write_text("keep me")
    assert wordvec.load(old).keys == ["a", "b", "c"]
    v.save(old)
    names = sorted(os.listdir(old))
    assert "vectors.npy" not in names and "vocab.txt" not in names and "notes.txt" in names
    np.testing.assert_array_equal(wordvec.load(old).vectors, v.vectors)


def test_manifest_naming_files_outside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "store"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "one")
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours")
    meta = json.loads((folder / "meta.json").read_text())
    meta["files"]["data.txt"] = "../victim.txt"
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(FormatError, match="not a versioned file name"):
        read(folder)
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "two")
    assert victim.read_text() == "not yours" and read(folder) == "two"


def test_read_dir_names_a_file_that_stays_missing(tmp_path):
    folder = tmp_path / "store"
    with atomic_dir(folder, "meta.json", FAMILY) as tmp:
        stage(tmp, "one")
    name = json.loads((folder / "meta.json").read_text())["files"]["data.txt"]
    (folder / name).unlink()
    with pytest.raises(FormatError, match=name):
        read(folder)


def test_atomic_new_dir_keeps_the_first_writers_folder(tmp_path):
    with atomic_new_dir(tmp_path / "pkg") as tmp:
        (tmp / "a").write_text("first")
    with atomic_new_dir(tmp_path / "pkg") as tmp:
        (tmp / "a").write_text("second")
    assert (tmp_path / "pkg" / "a").read_text() == "first"
    assert os.listdir(tmp_path) == ["pkg"]


def test_private_tempdir_sweeps_the_dead_and_spares_the_living(tmp_path):
    dead = tmp_path / "wordvec-work-dead1"
    dead.mkdir()
    (dead / "big").write_bytes(b"x" * 1000)
    with private_tempdir("wordvec-work-", dir=tmp_path) as mine:
        code = ("from wordvec._atomic import private_tempdir\n"
                f"with private_tempdir('wordvec-work-', dir={str(tmp_path)!r}) as d:\n"
                "    print(d.name)\n")
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True)
        assert other.stdout.strip().startswith("wordvec-work-")
        assert mine.is_dir() and not dead.exists()
    assert not mine.exists() and os.listdir(tmp_path) == []
