"""Atomic writes: an interrupted save leaves the previous version whole and no litter."""

import os

import pytest

from wordvec._atomic import atomic_dir, atomic_file


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


def test_atomic_dir_swaps_folder_and_cleans_up(tmp_path):
    target = tmp_path / "store"
    target.mkdir()
    (target / "a").write_text("old")
    with atomic_dir(target) as tmp:
        (tmp / "b").write_text("new")
    assert sorted(os.listdir(target)) == ["b"]
    assert os.listdir(tmp_path) == ["store"]


def test_atomic_dir_keeps_old_folder_when_interrupted(tmp_path):
    target = tmp_path / "store"
    target.mkdir()
    (target / "a").write_text("old")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "b").write_text("half")
        raise RuntimeError("disk full")
    assert (target / "a").read_text() == "old"
    assert os.listdir(tmp_path) == ["store"]
