"""Reading and writing vector files.

Formats
-------
native
    A folder holding `vectors.npy` (float32, memory-mappable), `vocab.txt` (UTF-8, one
    `word<TAB>count` per line, in row order) and `meta.json`.
word2vec, word2vec-binary, glove
    The interchange text/binary formats (see the functions below).

Every write is atomic: a crash mid-save leaves the previous file or folder as it was.
"""

import json
from pathlib import Path

import numpy as np

from ._atomic import atomic_dir, atomic_file
from .errors import FormatError
from .store import Vectors

FORMATS = ("native", "word2vec", "word2vec-binary", "glove")
NATIVE_VERSION = 1


def _check_format(format):
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------- native
def save_native(vectors, path):
    """Write `vectors` as a native store folder at `path` (atomically replaced)."""
    for i, key in enumerate(vectors.keys):
        if "\t" in key or "\n" in key or "\r" in key:
            raise ValueError(f"row {i}: word {key!r} contains a tab or line break")
    with atomic_dir(path) as tmp:
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors.vectors, dtype=np.float32))
        with open(tmp / "vocab.txt", "w", encoding="utf-8", newline="\n") as f:
            if vectors.counts is None:
                f.writelines(f"{k}\n" for k in vectors.keys)
            else:
                f.writelines(f"{k}\t{c}\n" for k, c in zip(vectors.keys, vectors.counts.tolist()))
        meta = {"format": "wordvec-native", "version": NATIVE_VERSION, "n_words": len(vectors),
                "dim": vectors.dim, "counts": vectors.counts is not None}
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def load_native(path, limit=None, mmap=True):
    """Read a native store folder; the matrix is memory-mapped (read-only) unless `mmap=False`."""
    path = Path(path)
    meta_path = path / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError(path, "not a wordvec store (no meta.json)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(meta_path, f"unreadable metadata ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != "wordvec-native":
        raise FormatError(meta_path, "not a wordvec-native metadata file")
    if meta.get("version", 0) > NATIVE_VERSION:
        raise FormatError(meta_path, f"store version {meta['version']} is newer than this wordvec")
    try:
        matrix = np.load(path / "vectors.npy", mmap_mode="r" if mmap else None)
    except (ValueError, OSError) as exc:
        raise FormatError(path / "vectors.npy", f"unreadable matrix ({exc})") from None
    if matrix.ndim != 2 or matrix.dtype != np.float32:
        raise FormatError(path / "vectors.npy",
                          f"expected a 2-D float32 matrix, got {matrix.dtype} {matrix.shape}")
    n = matrix.shape[0] if limit is None else min(limit, matrix.shape[0])
    keys, counts = _read_vocab(path / "vocab.txt", n, meta.get("counts", False))
    if len(keys) != n:
        raise FormatError(path / "vocab.txt",
                          f"{len(keys)} words for a {matrix.shape[0]}-row matrix")
    if limit is None and (meta.get("n_words"), meta.get("dim")) != matrix.shape:
        raise FormatError(meta_path, f"says {meta.get('n_words')} x {meta.get('dim')}, "
                                     f"vectors.npy is {matrix.shape[0]} x {matrix.shape[1]}")
    return _build(path / "vocab.txt", keys, matrix[:n], counts)


def _read_vocab(path, n, with_counts):
    """First `n` lines of a native vocabulary -> (keys, counts or None)."""
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            lines = [line for _, line in zip(range(n), f)]
    except FileNotFoundError:
        raise FormatError(path, "missing vocabulary file") from None
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"not UTF-8 ({exc.reason})") from None
    keys, counts = [], []
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if with_counts:
            word, sep, count = line.rpartition("\t")
            if not sep or not count.isdigit():
                raise FormatError(path, "expected word<TAB>count", lineno)
            counts.append(int(count))
        else:
            word = line
        keys.append(word)
    return keys, (np.array(counts, dtype=np.int64) if with_counts else None)


def _build(path, keys, matrix, counts=None):
    """Make a Vectors, turning a bad key (empty or duplicate) into a FormatError naming the line."""
    try:
        return Vectors(keys, matrix, counts)
    except ValueError as exc:
        seen = {}
        for lineno, key in enumerate(keys, 1):
            if not key:
                raise FormatError(path, "empty word", lineno) from None
            if key in seen:
                raise FormatError(path, f"duplicate word {key!r} (first at entry {seen[key]})",
                                  lineno) from None
            seen[key] = lineno
        raise FormatError(path, str(exc)) from None


# ---------------------------------------------------------------------------- dispatch
def detect_format(path):
    """Guess the format of `path` from its contents: a folder is native, else sniff the header."""
    path = Path(path)
    if path.is_dir():
        return "native"
    raise NotImplementedError("text formats: to do")


def format_for_path(path, format=None):
    """The format to save `path` in: `format` if given, else `.txt`/`.vec` word2vec text,
    `.bin` word2vec binary, anything else native."""
    _check_format(format)
    if format is not None:
        return format
    suffix = Path(path).suffix.lower()
    return {".txt": "word2vec", ".vec": "word2vec", ".bin": "word2vec-binary"}.get(suffix, "native")


def load(path, format=None, limit=None, mmap=True):
    """Read a vector store from `path`.

    Parameters
    ----------
    path : str or Path
    format : {"native", "word2vec", "word2vec-binary", "glove"}, optional
        Detected from the contents when omitted.
    limit : int, optional
        Read only the first `limit` words.
    mmap : bool
        Memory-map a native store's matrix instead of reading it into memory.
    """
    _check_format(format)
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "no such file or folder", str(path))
    format = format or detect_format(path)
    if format == "native":
        return load_native(path, limit=limit, mmap=mmap)
    raise NotImplementedError(format)


def save(vectors, path, format=None):
    """Write `vectors` to `path` atomically, in `format` or the one the extension implies."""
    format = format_for_path(path, format)
    if format == "native":
        return save_native(vectors, path)
    raise NotImplementedError(format)
