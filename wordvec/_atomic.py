"""Atomic writes: build the new file or folder beside the target, then rename it into place.

A crash or Ctrl-C part-way through a save leaves the previous version untouched.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary file name beside `path`; on success fsync it and rename it over `path`.

    For writers that take only a file name (Annoy, numpy); `atomic_file` wraps it for streams.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; saved files get the usual mode
        yield tmp
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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


@contextlib.contextmanager
def atomic_dir(path):
    """Yield a temporary folder beside `path`; on success swap it in for `path`.

    An existing `path` is renamed aside first and removed only after the new folder is in
    place, so at every moment one complete version exists on disk (`path`, or `path` + the
    `.old` suffix if the process dies between the two renames).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if path.is_dir():
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        if path.exists():
            path.unlink()
        os.replace(tmp, path)
