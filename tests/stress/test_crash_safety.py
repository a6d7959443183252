"""Saves under kill -9 and concurrent readers, with real processes (`make stress`).

- strace kills `wordvec convert` with SIGKILL at the N-th call of each system call a save
  makes (rename, write, fsync, unlink, mkdir, ...), for every N until the save finishes
  unharmed: afterwards the target loads as the old store or the new one, never neither, and
  the next save leaves no litter.
- A reader process loads a store 10,000 times while a writer process saves two versions over
  it in turn: every load is one whole version (0 mixed, 0 failed).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import wordvec

pytestmark = pytest.mark.stress

WORDVEC = [sys.executable, "-m", "wordvec"]
# The calls of a save (Python's start-up makes none of them, so the N-th is the save's).
SYSCALLS = ("rename", "write", "fsync", "unlink", "mkdir", "rmdir", "flock")


def two_versions(tmp_path, n=300, dim=8):
    """Two stores with the same shape but different words and vectors, as word2vec text."""
    rng = np.random.default_rng(0)
    old = wordvec.Vectors([f"old{i}" for i in range(n)], rng.normal(size=(n, dim)))
    new = wordvec.Vectors([f"new{i}" for i in range(n)], rng.normal(size=(n, dim)))
    old.save(tmp_path / "old.txt")
    new.save(tmp_path / "new.txt")
    return old, new


def which_version(target, old, new):
    """'old' or 'new' if `target` loads as exactly one of them; raises otherwise."""
    got = wordvec.load(target)
    for name, want in (("old", old), ("new", new)):
        if got.keys == want.keys:
            np.testing.assert_array_equal(np.asarray(got.vectors), want.vectors)
            return name
    raise AssertionError(f"{target} holds neither version: {got.keys[:3]}")


def litter(folder, target):
    """Entries beside or inside `target` that a finished save should not leave."""
    names = [p.name for p in folder.iterdir() if p.name.startswith(f".{target.name}.")]
    if target.is_dir():
        meta = json.loads((target / "meta.json").read_text())
        names += [p.name for p in target.iterdir()
                  if p.name != "meta.json" and p.name not in meta["files"].values()]
    return names


@pytest.mark.parametrize(("name", "syscall"), [
    *[("store", call) for call in SYSCALLS],                    # a native store's folder
    *[("new-store", call) for call in SYSCALLS if call != "unlink"],   # its first save
    *[("store.txt", call) for call in ("rename", "write", "fsync", "flock")],   # one file
])
def test_kill_9_at_every_step_of_a_save(tmp_path, name, syscall):
    strace = shutil.which("strace")
    assert strace, "the stress tests need strace (apt-get install strace)"
    old, new = two_versions(tmp_path)
    target = tmp_path / name
    kills = 0
    for n in range(1, 400):
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else None
        if name != "new-store":
            subprocess.run([*WORDVEC, "convert", str(tmp_path / "old.txt"), str(target)],
                           check=True)
        proc = subprocess.run(
            [strace, "-f", "-qq", "-o", os.devnull, "-e", f"trace={syscall}",
             "-e", f"inject={syscall}:signal=SIGKILL:when={n}",
             *WORDVEC, "convert", str(tmp_path / "new.txt"), str(target)],
            capture_output=True, text=True)
        if name == "new-store" and not os.path.lexists(target):
            version = "none"                # a first save: absent, or complete
        else:
            version = which_version(target, old, new)
        if proc.returncode == 0:
            assert version == "new"
            break
        assert proc.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL), proc.stderr
        kills += 1
        # The next save cleans up what the killed one left.
        subprocess.run([*WORDVEC, "convert", str(tmp_path / "new.txt"), str(target)],
                       check=True)
        assert which_version(target, old, new) == "new"
        assert litter(tmp_path, target) == []
    else:
        pytest.fail("the save never finished")
    print(f"{name} {syscall}: killed at each of {kills} calls, every time old (or none) "
          f"or new")
    assert kills > 0


def _writer(target, sources, stop_file):
    code = (
        "import sys, os, wordvec\n"
        "vs = [wordvec.load(p) for p in sys.argv[2:]]\n"
        "i = 0\n"
        f"while not os.path.exists({str(stop_file)!r}):\n"
        "    vs[i % 2].save(sys.argv[1]); i += 1\n"
        "print(i)\n")
    return subprocess.Popen([sys.executable, "-c", code, str(target), *map(str, sources)],
                            stdout=subprocess.PIPE, text=True)


READER = """
import sys, numpy as np, wordvec
target, n = sys.argv[1], int(sys.argv[2])
old, new = wordvec.load(sys.argv[3]), wordvec.load(sys.argv[4])
mixed = failed = seen_old = seen_new = 0
for _ in range(n):
    try:
        v = wordvec.load(target)
        want = old if v.keys[0] == old.keys[0] else new
        if v.keys != want.keys or not np.array_equal(np.asarray(v.vectors), want.vectors):
            mixed += 1
        elif want is old:
            seen_old += 1
        else:
            seen_new += 1
    except Exception as exc:
        failed += 1
        print(type(exc).__name__, exc, file=sys.stderr)
print(mixed, failed, seen_old, seen_new)
"""


@pytest.mark.parametrize("name", ["store", "store.txt", "store.bin"])
def test_readers_always_get_one_whole_version(tmp_path, name):
    old, new = two_versions(tmp_path, n=50)
    target = tmp_path / name
    old.save(target)
    stop = tmp_path / "stop"
    writer = _writer(target, [tmp_path / "old.txt", tmp_path / "new.txt"], stop)
    try:
        time.sleep(0.5)
        reader = subprocess.run([sys.executable, "-c", READER, str(target), "10000",
                                 str(tmp_path / "old.txt"), str(tmp_path / "new.txt")],
                                capture_output=True, text=True, timeout=900)
    finally:
        stop.touch()
        saves = int(writer.communicate(timeout=60)[0])
    assert reader.returncode == 0, reader.stderr
    mixed, failed, seen_old, seen_new = map(int, reader.stdout.split())
    print(f"{name}: 10000 loads during {saves} saves: {mixed} mixed, {failed} failed, "
          f"{seen_old} old, {seen_new} new")
    assert (mixed, failed) == (0, 0), reader.stderr[-2000:]
    assert seen_old > 0 and seen_new > 0 and saves > 100   # the race really happened
    assert litter(tmp_path, target) == []


def test_random_kill_9_during_saves_in_a_loop(tmp_path):
    old, new = two_versions(tmp_path, n=20000, dim=50)   # a save of about 10 MB
    rng = np.random.default_rng(1)
    for name in ("store", "store.txt"):
        target = tmp_path / name
        old.save(target)
        outcomes = {"old": 0, "new": 0}
        for _ in range(25):
            proc = subprocess.Popen([*WORDVEC, "convert", str(tmp_path / "new.txt"),
                                     str(target)])
            time.sleep(rng.uniform(0.2, 1.5))
            proc.kill()
            proc.wait()
            outcomes[which_version(target, old, new)] += 1
            old.save(target)          # the next save sweeps what the killed one left
            assert litter(tmp_path, target) == []
        print(f"{name}: {outcomes}")
        assert outcomes["old"] + outcomes["new"] == 25


def test_sigterm_cleans_up_a_save_in_progress(tmp_path):
    old, new = two_versions(tmp_path, n=20000, dim=50)
    target = tmp_path / "store.txt"
    old.save(target)
    proc = subprocess.Popen([*WORDVEC, "convert", str(tmp_path / "new.txt"), str(target)],
                            stderr=subprocess.PIPE, text=True)
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):   # writing now
        assert proc.poll() is None, "the save ended before it was caught writing"
        time.sleep(0.001)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and err.strip().splitlines()[-1] == "wordvec: terminated"
    assert which_version(target, old, new) == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_work_folders_of_killed_runs_are_swept_by_the_next_run(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(2000)])
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(words, 20)) for _ in range(60000)))
    cmd = [*WORDVEC, "train", str(corpus), "-o", str(tmp_path / "v"), "--min-count", "1",
           "--epochs", "50", "--dim", "20", "-q"]
    victim = subprocess.Popen(cmd, env=env)
    while not any(p.name.startswith("wordvec-encoded-") for p in temp.iterdir()):
        assert victim.poll() is None
        time.sleep(0.01)
    time.sleep(0.5)
    victim.kill()
    victim.wait()
    left = [p.name for p in temp.iterdir()]
    assert any(name.startswith("wordvec-encoded-") for name in left)
    # The next run removes the dead run's folder (and, when done, its own).
    live = subprocess.Popen([*cmd[:-5], "--epochs", "1", "--dim", "5", "-q"], env=env)
    assert live.wait(timeout=600) == 0
    assert [p.name for p in temp.iterdir()] == []
    assert wordvec.load(tmp_path / "v").dim == 5


def test_a_full_disk_fails_one_line_and_keeps_the_old_version(tmp_path):
    """A real full file system: a 256 KB tmpfs (CI runs as root, which may mount one)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], check=True)
    try:
        rng = np.random.default_rng(0)
        small = wordvec.Vectors([f"s{i}" for i in range(500)], rng.normal(size=(500, 8)))
        big = wordvec.Vectors([f"b{i}" for i in range(20000)], rng.normal(size=(20000, 8)))
        big.save(tmp_path / "big.txt")
        for name in ("store", "store.txt"):
            small.save(disk / name)
            proc = subprocess.run([*WORDVEC, "convert", str(tmp_path / "big.txt"),
                                   str(disk / name)], capture_output=True, text=True)
            assert proc.returncode == 1 and "Traceback" not in proc.stderr
            line, = proc.stderr.strip().splitlines()
            assert str(disk / name) in line and "no space left on device" in line.lower(), line
            assert wordvec.load(disk / name).keys == small.keys      # the old version, whole
            assert litter(disk, disk / name) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)
