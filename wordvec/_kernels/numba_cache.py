"""numba's on-disk cache of the kernels, keyed by every kernel source, not only the kernel's.

numba stamps a cached function with its own file alone, so a kernel that inlines helpers from
another file (`cbow.py` and `fasttext.py` take `sgns.py`'s, `hnsw.py` takes `prefetch.py`'s)
was served stale machine code after that file changed, and so was the shared library
`native.py` builds from it. Importing this module (every kernel module does, before its first
`@njit(cache=True)`) puts `KernelSourcesLocator` in front of numba's locators: for the files
of this folder it is the locator numba would have chosen, its stamp extended with a digest of
every kernel source here.
"""

import functools
import hashlib
from pathlib import Path

from numba.core import caching

_HERE = Path(__file__).resolve().parent
# the class holding numba's locators: `CacheImpl` in recent numba, `_CacheImpl` in older ones
_CACHE_IMPL = getattr(caching, "CacheImpl", None) or caching._CacheImpl


@functools.lru_cache(maxsize=1)
def sources_digest():
    """SHA-256 of the names and bytes of every `.py` file of this folder (read once)."""
    digest = hashlib.sha256()
    for path in sorted(_HERE.glob("*.py")):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


class KernelSourcesLocator(caching._CacheLocator):
    """numba's own locator for a kernel of this folder, stamped with `sources_digest()`."""

    def __init__(self, inner):
        self._inner = inner

    def ensure_cache_path(self):
        self._inner.ensure_cache_path()

    def get_cache_path(self):
        return self._inner.get_cache_path()

    def get_source_stamp(self):
        return (self._inner.get_source_stamp(), sources_digest())

    def get_disambiguator(self):
        return self._inner.get_disambiguator()

    @classmethod
    def from_function(cls, py_func, py_file):
        if Path(py_file).resolve().parent != _HERE:
            return None
        for locator_class in _CACHE_IMPL._locator_classes:
            if locator_class is not cls:
                inner = locator_class.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner)
        return None


if KernelSourcesLocator not in _CACHE_IMPL._locator_classes:
    _CACHE_IMPL._locator_classes.insert(0, KernelSourcesLocator)
