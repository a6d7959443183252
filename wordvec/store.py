"""The vector store: words in row order, a float32 matrix, optional counts.

Every part of wordvec (trainers, queries, the Annoy index, debiasing, projection and the
downstream models) reads and writes this one class.

Examples
--------
>>> import numpy as np
>>> from wordvec import Vectors
>>> v = Vectors(["king", "queen"], np.eye(2, dtype=np.float32))
>>> v["queen"].tolist(), "king" in v, len(v), v.dim
([0.0, 1.0], True, 2, 2)
"""

import numpy as np

from .query import QueryMixin


class Vectors(QueryMixin):
    """Word vectors: `keys` (row order), `key_to_index`, a float32 `vectors` matrix, `counts`.

    Parameters
    ----------
    keys : sequence of str
        The words, one per row, unique.
    vectors : array_like, shape (n_words, dim)
        Converted to float32 (a float32 array, including a read-only memory map, is kept as is).
    counts : array_like of int, shape (n_words,), optional
        Corpus frequencies, as trainers record them.
    """

    def __init__(self, keys, vectors, counts=None):
        keys = list(keys)
        vectors = np.asarray(vectors)
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-D (n_words, dim) matrix, got {vectors.shape}")
        if len(keys) != vectors.shape[0]:
            raise ValueError(f"{len(keys)} keys but {vectors.shape[0]} vector rows")
        key_to_index = dict(zip(keys, range(len(keys))))
        if len(key_to_index) != len(keys) or not all(type(k) is str and k for k in keys):
            _raise_bad_key(keys)
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(keys),):
                raise ValueError(f"counts must have shape ({len(keys)},), got {counts.shape}")
        self.keys = keys
        self.key_to_index = key_to_index
        self._vectors = vectors
        self.counts = counts
        self._normed = None

    # ------------------------------------------------------------------ lookup
    @property
    def vectors(self):
        """The `(n_words, dim)` float32 matrix (read-only when memory-mapped)."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        value = np.asarray(value, dtype=np.float32)
        if value.shape != self._vectors.shape:
            raise ValueError(f"new matrix has shape {value.shape}, expected {self._vectors.shape}")
        self._vectors = value
        self._normed = None

    @property
    def dim(self):
        """Number of dimensions of each vector."""
        return self._vectors.shape[1]

    def __len__(self):
        return len(self.keys)

    def __contains__(self, key):
        return key in self.key_to_index

    def __iter__(self):
        return iter(self.keys)

    def __repr__(self):
        return f"Vectors(n_words={len(self)}, dim={self.dim})"

    def index(self, key):
        """Row number of `key`; `KeyError` naming the word when it is unknown."""
        try:
            return self.key_to_index[key]
        except KeyError:
            raise KeyError(f"{key!r} not in vocabulary") from None

    def indices(self, keys):
        """Row numbers of several words as an int64 array."""
        return np.fromiter((self.index(k) for k in keys), dtype=np.int64, count=len(keys))

    def rows(self, ids):
        """Embedding-matrix lookup: the rows `ids` (any int array shape) -> `ids.shape + (dim,)`.

        An index lookup, never a one-hot times matrix product.
        """
        # Fancy indexing, not np.take: np.take copies a Fortran-ordered matrix whole first.
        return self._vectors[np.asarray(ids, dtype=np.int64)]

    def __getitem__(self, key):
        """`v["king"]` -> `(dim,)` view; `v[["king", "queen"]]` -> `(2, dim)` copy."""
        if isinstance(key, str):
            return self._vectors[self.index(key)]
        if isinstance(key, (list, tuple)):
            return self.rows(self.indices(key))
        raise TypeError(f"look words up by str or list of str, got {type(key).__name__}")

    def get(self, key, default=None):
        """The vector of `key`, or `default` when it is unknown."""
        i = self.key_to_index.get(key)
        return default if i is None else self._vectors[i]

    # ------------------------------------------------------------------ normalised cache
    @property
    def norms(self):
        """Euclidean norm of each row, `(n_words,)` float32."""
        return np.linalg.norm(self._vectors, axis=1)

    @property
    def normed(self):
        """Unit-length rows `(n_words, dim)`, built on first use and dropped by any mutation.

        Rows of length zero stay zero.
        """
        if self._normed is None:
            norms = self.norms
            norms[norms == 0] = 1.0
            # C order whatever the matrix's order: row-major products are faster
            self._normed = np.ascontiguousarray(self._vectors / norms[:, None], dtype=np.float32)
        return self._normed

    # ------------------------------------------------------------------ mutation
    def _writable(self):
        if not self._vectors.flags.writeable:
            self._vectors = np.array(self._vectors)
        self._normed = None
        return self._vectors

    def __setitem__(self, key, vector):
        """Replace the vector of an existing word (use `add` for new words)."""
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.dim,):
            raise ValueError(f"vector for {key!r} has shape {vector.shape}, expected ({self.dim},)")
        self._writable()[self.index(key)] = vector

    def add(self, keys, vectors, counts=None):
        """Append new words and their vectors (and counts, when the store keeps counts)."""
        keys = list(keys)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(keys), -1)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"new vectors have dim {vectors.shape[1]}, store has dim {self.dim}")
        for key in keys:
            if key in self.key_to_index:
                raise ValueError(f"{key!r} is already in the vocabulary")
        merged = Vectors(self.keys + keys, np.vstack([self._vectors, vectors]),
                         None if self.counts is None else np.concatenate(
                             [self.counts, np.zeros(len(keys), np.int64) if counts is None
                              else np.asarray(counts, np.int64)]))
        self.__dict__.update(merged.__dict__)

    def subset(self, keys, missing="error"):
        """A new store of `keys` only, in that order (counts kept): the vocabulary a downstream
        model needs, e.g. for `nn.Embedding(trainable=True)`.

        `missing="error"` raises `KeyError` naming every unknown word (at most 20 shown);
        `missing="skip"` leaves them out. A word listed twice is kept once.
        """
        if missing not in ("error", "skip"):
            raise ValueError(f"missing must be 'error' or 'skip', got {missing!r}")
        wanted = list(dict.fromkeys(keys))
        index = self.key_to_index
        unknown = [k for k in wanted if k not in index]
        if unknown and missing == "error":
            shown = ", ".join(map(repr, unknown[:20])) + (", ..." if len(unknown) > 20 else "")
            raise KeyError(f"{len(unknown)} word(s) not in vocabulary: {shown}")
        kept = [k for k in wanted if k in index]
        rows = self.indices(kept)
        return Vectors(kept, self._vectors[rows].reshape(len(kept), self.dim),
                       None if self.counts is None else self.counts[rows])

    def copy(self):
        """A deep copy held in memory."""
        return Vectors(list(self.keys), np.array(self._vectors),
                       None if self.counts is None else self.counts.copy())

    # ------------------------------------------------------------------ files and gensim
    @classmethod
    def load(cls, path, format=None, limit=None, mmap=True, **kwargs):
        """Read vectors from `path`; see `wordvec.load`."""
        from .io import load

        return load(path, format=format, limit=limit, mmap=mmap, **kwargs)

    def save(self, path, format=None):
        """Write the store atomically; the format comes from `format`, else the extension.

        See `wordvec.io.save` for the format names.
        """
        from .io import save

        return save(self, path, format=format)

    @classmethod
    def from_gensim(cls, kv):
        """Wrap a gensim `KeyedVectors` (its `count` attribute becomes `counts`, when set)."""
        counts = None
        if "count" in getattr(kv, "expandos", {}):
            counts = np.asarray(kv.expandos["count"], dtype=np.int64)
        return cls(list(kv.index_to_key), np.asarray(kv.vectors, dtype=np.float32), counts)

    def to_gensim(self):
        """A gensim `KeyedVectors` with the same keys, vectors and counts."""
        from gensim.models import KeyedVectors

        kv = KeyedVectors(vector_size=self.dim, count=0, dtype=np.float32)
        kv.add_vectors(self.keys, np.array(self._vectors))
        if self.counts is not None:
            kv.expandos["count"] = np.array(self.counts, dtype=np.int64)
        return kv


def _raise_bad_key(keys):
    """Name the first key that is not a non-empty string, or the first duplicate."""
    seen = {}
    for i, key in enumerate(keys):
        if not isinstance(key, str) or not key:
            raise ValueError(f"row {i}: keys must be non-empty strings, got {key!r}")
        if key in seen:
            raise ValueError(f"duplicate key {key!r} at rows {seen[key]} and {i}")
        seen[key] = i
