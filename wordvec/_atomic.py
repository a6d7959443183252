"""Crash- and reader-safe saves: whatever instant a writer dies at, and whatever a concurrent
reader is doing, a target holds one whole version (the old one or the new one), never a mix,
never neither; and a save deletes nothing it did not create.

Single files (`atomic_path`, `atomic_file`)
    The new file is written beside the target as `.NAME.<random>.tmp`, fsynced and renamed
    over the target: rename is atomic, so readers open the old file or the new one. The writer
    holds an flock on its temporary file while it lives; each save first removes the
    temporary files of earlier saves of the same target that no live process holds (killed
    saves), and nothing else.

Folders (`atomic_dir`, `read_dir`): native stores, co-occurrence counts, checkpoints, models
    Linux cannot swap a folder for another in one step, so a saved folder is never swapped.
    It is a folder of immutable data files plus one *manifest* (`meta.json`, `state.json`,
    `model.json`), the only file ever replaced:

    - the writer takes an exclusive flock on the folder (two saves never interleave), writes
      its files into a staging folder inside it, fsyncs them, and moves each into the folder
      under a versioned name (`vectors.npy` -> `vectors.3f9a0c1d2b4e5f60.npy`) that no
      earlier save used;
    - it then replaces the manifest (temporary file, fsync, rename, fsync of the folder); the
      manifest's `"files"` maps each logical name to its versioned file. This rename is the
      instant the new version appears;
    - only then does it delete what it made obsolete: the files the old manifest named, and
      leftovers of earlier killed saves of this folder (versioned data files no manifest
      names, staging folders, manifest temporaries). Anything else in the folder (a user's
      notes, an index built beside the store) is left alone.

    A reader reads the manifest once, then opens exactly the files it names (`read_dir`): the
    names carry the version, so it can never pair one version's vocabulary with another's
    matrix. If a save retires a named file between the two steps, opening it fails and the
    reader starts again from the new manifest. Open files (and memory maps) stay valid after
    the writer deletes their names.

    Killed before the manifest rename, a save leaves the old version intact (plus leftovers
    the next save removes); killed after it, the new version is complete. The first save of
    a folder builds it whole beside the target (`.NAME.<random>.new`) and renames it into
    place, so the folder appears complete or not at all. A folder that
    exists but is not of the format being saved (or a file where a folder is to go) is
    refused, never replaced.

Temporary work folders (`private_tempdir`) are held under an flock too, so a later run
removes those of killed runs and never those of live ones.
"""

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from .errors import FormatError, WordvecError

_VERSIONED = re.compile(r"^(?P<stem>[^/]+)\.(?P<ver>[0-9a-f]{16})(?P<suffix>\.[A-Za-z0-9]+)?$")
_STAGING = re.compile(r"^\.staging\.[0-9a-f]{16}\.tmp$")
_READ_ATTEMPTS = 50


class TargetExistsError(WordvecError, ValueError):
    """The output path holds something a save must not replace."""


def _raise_named(exc, target):
    """Re-raise `exc`; a failing system call that names no file (a full disk: "[Errno 28] No
    space left on device") is re-raised naming the save's target."""
    if isinstance(exc, OSError) and exc.filename is None:
        message = exc.strerror or str(exc)
        if exc.errno is None:   # numpy's "N requested and M written": say why, when it is so
            with contextlib.suppress(OSError):
                if shutil.disk_usage(Path(target).parent).free < 1 << 20:
                    message = f"no space left on device ({message})"
        raise OSError(exc.errno, f"{message} (while saving)", str(target)) from exc
    raise exc


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _try_lock(path):
    """An fd holding an exclusive flock on `path`, or None if a live process holds it."""
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if Path(path).is_dir() else 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _remove(path):
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def sweep_dead(folder, pattern):
    """Remove entries of `folder` whose names match `pattern` (a compiled regex) and that no
    live process holds an flock on: the leftovers of killed saves and runs."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        fd = _try_lock(entry.path)
        if fd is None:
            continue
        try:
            _remove(Path(entry.path))
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------- single files
@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary file name beside `path`; on success fsync it and rename it over `path`.

    For writers that take only a file name (Annoy, numpy); `atomic_file` wraps it for streams.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise TargetExistsError(f"{path}: is a folder; not replacing it with a file")
    sweep_dead(parent, re.compile(rf"^\.{re.escape(path.name)}\.[A-Za-z0-9_]+\.tmp$"))
    fd, tmp = _locked(lambda: tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                               dir=parent))
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; saved files get the usual mode
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, path)
        _fsync_dir(parent)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        _raise_named(exc, path)
    finally:
        os.close(fd)


def _locked(make):
    """(fd, path) of a new file or folder from `make()` (mkstemp or mkdtemp), under an flock.
    A concurrent sweep may delete it in the instant before the lock is taken: then make
    another (the lock is only trusted once the name is seen to still be ours)."""
    while True:
        made = make()
        fd, name = made if isinstance(made, tuple) else (None, made)
        if fd is None:
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(name).st_ino == os.fstat(fd).st_ino:
                return fd, name
        except FileNotFoundError:
            pass
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path, mode="wb", **open_kwargs):
    """Open a temporary file beside `path`; on success fsync and rename it over `path`.

    Examples
    --------
    >>> with atomic_file("out.txt", "w", encoding="utf-8") as f:   # doctest: +SKIP
    ...     f.write("hello")
    """
    with atomic_path(path) as tmp, open(tmp, mode, **open_kwargs) as f:
        yield f


# ---------------------------------------------------------------------------- folders
def _family(manifest):
    """What kind of folder a manifest describes: its "format", or "model" for saved models."""
    if not isinstance(manifest, dict):
        return None
    return manifest.get("format") or ("model" if "kind" in manifest else None)


def _read_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return ...          # exists but unreadable


def check_target(path, manifest, family):
    """Refuse (`TargetExistsError`) to write a `family` folder into `path` unless it does not
    exist, is empty but for leftovers of our saves, or is a folder of the same family; return
    its manifest (None when it has none). Callers may use it to fail before long work."""
    path = Path(path)
    if not path.exists():
        return None
    if not path.is_dir():
        raise TargetExistsError(f"{path}: is a file; a {family} is a folder, so not replacing "
                                f"it (remove it or choose another name)")
    old = _read_json(path / manifest)
    if old is None:
        foreign = [e.name for e in os.scandir(path)
                   if not (_STAGING.match(e.name) or e.name.startswith(f".{manifest}."))]
        if foreign:
            raise TargetExistsError(f"{path}: exists and is not a {family} (no {manifest}); "
                                    f"not writing into it (remove it or choose another name)")
        return None
    if old is ... or _family(old) != family:
        what = "unreadable" if old is ... else f"a {_family(old) or 'different'} folder"
        raise TargetExistsError(f"{path}: its {manifest} is {what}, not a {family}; not "
                                f"writing into it (remove it or choose another name)")
    return old


def _files_of(manifest_path, manifest):
    """The manifest's logical -> physical file map, checked to name plain versioned files."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if files is None:
        return None
    if not isinstance(files, dict) or len(files) > 10_000:
        raise FormatError(manifest_path, "'files' must map names to file names")
    for name, physical in files.items():
        if not (isinstance(physical, str) and _VERSIONED.match(physical)
                and isinstance(name, str) and "/" not in name):
            raise FormatError(manifest_path, f"'files' entry {str(name)[:60]!r} is not a "
                                             f"versioned file name")
    return files


@contextlib.contextmanager
def atomic_dir(path, manifest, family):
    """Yield a staging folder to fill; on success publish it into the folder `path` as a new
    version whose manifest is the staged file `manifest` (see the module docstring).

    `family` is the manifest's "format" ("model" for saved models, which carry a "kind"):
    a folder holding anything else is refused before the caller writes anything.

    Every file staged but the manifest is moved in under a versioned name, and the manifest
    gains `"files"`, mapping each staged name to it. Readers find them with `published`.
    """
    path = Path(path)
    if not os.path.lexists(path):
        with _new_folder(path, manifest, family) as staging:
            yield staging
        return
    if not path.is_dir():
        raise TargetExistsError(f"{path}: is a file; not replacing it with a folder "
                                f"(remove it or choose another name)")
    with _writer_lock(path):
        version = secrets.token_hex(8)
        staging = path / f".staging.{version}.tmp"
        try:
            old = check_target(path, manifest, family)
            staging.mkdir(mode=0o777 & ~_umask())
            yield staging
            _publish(path, staging, manifest, family, version, old)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            _raise_named(exc, path)


@contextlib.contextmanager
def _writer_lock(folder):
    """Hold the exclusive flock on `folder` that every save into it takes: saves never
    interleave (readers take none)."""
    lock = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)


@contextlib.contextmanager
def _new_folder(path, manifest, family):
    """The first save of `path`: the whole folder is made beside it as `.NAME.<random>.new`
    (locked while its writer lives, so a later save sweeps it if the writer is killed) and
    renamed to `path`, so `path` appears complete or not at all. Should another writer have
    made `path` meanwhile, this version is published into theirs like any later save."""
    parent = path.parent
    parent.mkdir(parents=True, exist_ok=True)
    sweep_dead(parent, re.compile(rf"^\.{re.escape(path.name)}\.[A-Za-z0-9_]+\.new$"))
    fd, fresh = _locked(lambda: tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".new",
                                                 dir=parent))
    fresh = Path(fresh)
    try:
        os.chmod(fresh, 0o777 & ~_umask())
        version = secrets.token_hex(8)
        staging = fresh / f".staging.{version}.tmp"
        staging.mkdir()
        yield staging
        _publish(fresh, staging, manifest, family, version, None)
        try:
            os.rename(fresh, path)           # the folder appears here, whole
            _fsync_dir(parent)
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
                raise
            _adopt(path, fresh, manifest, family)
    except BaseException as exc:
        _raise_named(exc, path)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        os.close(fd)


def _adopt(path, fresh, manifest, family):
    """Publish the complete folder `fresh` as the next version of the folder `path`."""
    if not path.is_dir():
        raise TargetExistsError(f"{path}: a file appeared here during the save; not "
                                f"replacing it with a folder")
    with _writer_lock(path):
        old = check_target(path, manifest, family)
        files = json.loads((fresh / manifest).read_text(encoding="utf-8"))["files"]
        for physical in files.values():
            os.rename(fresh / physical, path / physical)
        os.replace(fresh / manifest, path / manifest)
        _fsync_dir(path)
        _retire(path, manifest, old, files)


def _publish(path, staging, manifest, family, version, old):
    new = _read_json(staging / manifest)
    if _family(new) != family:
        raise AssertionError(f"the staged {manifest} must be a JSON object of {family}")
    files = {}
    for entry in sorted(os.scandir(staging), key=lambda e: e.name):
        if entry.name == manifest:
            continue
        if not entry.is_file(follow_symlinks=False):
            raise AssertionError(f"only files may be staged, got {entry.name}")
        name = Path(entry.name)
        physical = f"{name.stem}.{version}{name.suffix}"
        _fsync_file(entry.path)
        os.rename(entry.path, path / physical)
        files[entry.name] = physical
    new["files"] = files
    temp = path / f".{manifest}.{version}.tmp"
    with open(temp, "w", encoding="utf-8") as f:
        f.write(json.dumps(new, indent=1, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.chmod(temp, 0o666 & ~_umask())
    os.replace(temp, path / manifest)       # the new version appears here
    _fsync_dir(path)
    _retire(path, manifest, old, files)


def _retire(path, manifest, old, files):
    """Delete what the new version made obsolete: the old manifest's files (its logical
    names for a manifest without "files", written by wordvec before manifests), versioned
    files of these logical names no manifest names, staging folders, manifest temporaries."""
    keep = set(files.values())
    logical = set(files)
    doomed = set()
    old_files = None
    if old is not None:
        with contextlib.suppress(FormatError):
            old_files = _files_of(path / manifest, old)
        if old_files is None:
            doomed |= {name for name in logical if "/" not in name}
        else:
            logical |= set(old_files)
            doomed |= set(old_files.values())
    for entry in os.scandir(path):
        m = _VERSIONED.match(entry.name)
        if m and f"{m['stem']}{m['suffix'] or ''}" in logical:
            doomed.add(entry.name)
        elif _STAGING.match(entry.name) or (entry.name.startswith(f".{manifest}.")
                                           and entry.name.endswith(".tmp")):
            doomed.add(entry.name)
    for name in doomed - keep - {manifest}:
        _remove(path / name)


def published(folder, manifest_path, manifest, name):
    """The path of the logical file `name` of a folder whose manifest (read from
    `manifest_path`) is `manifest`: its versioned file, or `name` itself in a folder saved
    before manifests named their files."""
    files = _files_of(manifest_path, manifest)
    if files is None:
        return Path(folder) / name
    if name not in files:
        raise FormatError(manifest_path, f"names no file {name!r}")
    return Path(folder) / files[name]


def read_dir(read):
    """Run `read()`, which reads a manifest and then the files it names, again while it fails
    because a concurrent save retired one of those files in between; a file still missing
    after that is a `FormatError` naming it."""
    for attempt in range(_READ_ATTEMPTS):
        try:
            return read()
        except FileNotFoundError as exc:
            missing = exc
            time.sleep(min(0.0005 * attempt, 0.01))
    raise FormatError(missing.filename or "?", "missing (named by the folder's manifest)")


# ---------------------------------------------------------------------------- other folders
@contextlib.contextmanager
def atomic_new_dir(path):
    """Yield a temporary folder beside `path`; on success rename it to `path`, which must not
    exist (if another process made `path` meanwhile, theirs is kept and ours discarded).

    For write-once folders such as unpacked packages in a cache.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        try:
            os.rename(tmp, path)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not path.is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def open_private(prefix, suffix="", dir=None, folder=True):
    """A new temporary folder (or file) in `dir` (default: the system's) and the fd of the
    flock that marks it as in use until that fd is closed; first removes the folders (files)
    of the same prefix and suffix that killed processes left behind."""
    parent = Path(dir) if dir else Path(tempfile.gettempdir())
    sweep_dead(parent, re.compile(rf"^{re.escape(prefix)}[A-Za-z0-9_]+{re.escape(suffix)}$"))
    make = tempfile.mkdtemp if folder else tempfile.mkstemp
    fd, name = _locked(lambda: make(prefix=prefix, suffix=suffix, dir=parent))
    return Path(name), fd


@contextlib.contextmanager
def private_tempdir(prefix, dir=None):
    """Yield a new temporary folder (`open_private`), removed afterwards."""
    folder, fd = open_private(prefix, dir=dir)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)
