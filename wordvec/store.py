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

Gensim's `KeyedVectors` names work too (`index_to_key`, `key_to_index`, `vector_size`,
`get_vector`, `most_similar_cosmul`, `save_word2vec_format`, `v["new"] = vector` ...), with
gensim's meanings.
"""

import numpy as np

from .query import QueryMixin, _norms, _unit

DTYPES = (np.float16, np.float32, np.float64)


class Vectors(QueryMixin):
    """Word vectors: `keys` (row order), `key_to_index`, a float32 `vectors` matrix, `counts`.

    Parameters
    ----------
    keys : sequence of str
        The words, one per row, unique.
    vectors : array_like, shape (n_words, dim)
        Converted to `dtype` (an array of that type, including a read-only memory map, is kept
        as is).
    counts : array_like of int, shape (n_words,), optional
        Corpus frequencies, as trainers record them.
    dtype : {numpy.float32, numpy.float16, numpy.float64}
        Type of the matrix (gensim's `datatype`); queries compute in float32 whatever it is.

    Attributes
    ----------
    source : dict or None
        Where the vectors came from, kept in a native store's `meta.json`: the trainer and
        its parameters (`{"model": "sgns", "hs": False, "dim": 100, ...}`), or
        `{"imported": "word2vec", "file": "vectors.txt"}` for a file of another format
        (`"gensim"` for `from_gensim`); None when unknown.
    """

    def __init__(self, keys, vectors, counts=None, dtype=np.float32):
        keys = list(keys)
        if np.dtype(dtype) not in DTYPES:
            raise ValueError(f"dtype must be float16, float32 or float64, got {np.dtype(dtype)}")
        vectors = np.asarray(vectors)
        if vectors.dtype != dtype:
            vectors = vectors.astype(dtype)
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
        self.source = None
        self._normed = None

    # ------------------------------------------------------------------ lookup
    @property
    def vectors(self):
        """The `(n_words, dim)` matrix: float32 unless made with another `dtype` (read-only
        when memory-mapped)."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        value = np.asarray(value, dtype=self._vectors.dtype)
        if value.shape != self._vectors.shape:
            raise ValueError(f"new matrix has shape {value.shape}, expected {self._vectors.shape}")
        self._vectors = value
        self._normed = None

    @property
    def dim(self):
        """Number of dimensions of each vector."""
        return self._vectors.shape[1]

    @property
    def vector_size(self):
        """Gensim's name of `dim`."""
        return self.dim

    @property
    def index_to_key(self):
        """Gensim's name of `keys`: the words in row order."""
        return self.keys

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
            raise KeyError(self._unknown(key)) from None

    def _unknown(self, key):
        """`'King' not in vocabulary (did you mean 'king'?)`; a long word is cut at 60
        characters."""
        message = f"{_shown(key)} not in vocabulary"
        if isinstance(key, str):
            for other in (key.lower(), key.casefold()):
                if other != key and other in self.key_to_index:
                    return f"{message} (did you mean {_shown(other)}?)"
        return message

    def get_index(self, key, default=None):
        """Row number of `key` (an int row number is returned as is, as gensim does);
        `default` when unknown, or `KeyError` when no default is given."""
        row = self.key_to_index.get(key) if isinstance(key, str) else None
        if row is not None:
            return row
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool) \
                and 0 <= key < len(self):
            return int(key)
        if default is not None:
            return default
        raise KeyError(self._unknown(key))

    def has_index_for(self, key):
        """Whether `get_index(key)` finds a row."""
        return self.get_index(key, -1) >= 0

    def get_vector(self, key, norm=False):
        """The vector of `key` (unit length when `norm`), a read-only `(dim,)` view."""
        row = self.get_index(key)
        vector = (self.normed if norm else self._vectors)[row]
        vector.flags.writeable = False
        return vector

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
        """Euclidean norm of each row, `(n_words,)` float64 (a float32 norm may overflow)."""
        return _norms(self._vectors)

    @property
    def normed(self):
        """Unit-length float32 rows `(n_words, dim)`, built on first use and dropped by any
        mutation.

        Rows of length zero stay zero; rows whose float32 norm would overflow or underflow are
        scaled in float64.
        """
        if self._normed is None:
            # C order whatever the matrix's order: row-major products are faster
            self._normed = np.ascontiguousarray(_unit(self._vectors))
        return self._normed

    # ------------------------------------------------------------------ mutation
    def _writable(self):
        if not self._vectors.flags.writeable:
            self._vectors = np.array(self._vectors)
        self._normed = None
        return self._vectors

    def __setitem__(self, keys, vectors):
        """`v["word"] = vector` or `v[words] = matrix`: replace the vectors of known words and
        append the new ones (count 0 when the store keeps counts), as gensim does."""
        single = isinstance(keys, str)
        keys = [keys] if single else list(keys)
        matrix = np.asarray(vectors, dtype=self._vectors.dtype)
        if matrix.shape != ((self.dim,) if single else (len(keys), self.dim)):
            what = f"vector for {_shown(keys[0])}" if single else f"matrix for {len(keys)} words"
            want = f"({self.dim},)" if single else f"({len(keys)}, {self.dim})"
            raise ValueError(f"{what} has shape {matrix.shape}, expected {want}")
        matrix = matrix.reshape(len(keys), self.dim)
        if len(set(keys)) != len(keys):
            twice = next(k for i, k in enumerate(keys) if k in keys[:i])
            raise ValueError(f"{_shown(twice)} is given twice")
        known = np.array([k in self.key_to_index for k in keys], dtype=bool)
        if known.any():
            rows = self.indices([k for k, old in zip(keys, known, strict=True) if old])
            self._writable()[rows] = matrix[known]
        if not known.all():
            self.add([k for k, old in zip(keys, known, strict=True) if not old], matrix[~known])

    def add(self, keys, vectors, counts=None):
        """Append new words and their vectors (and counts, when the store keeps counts)."""
        keys = list(keys)
        vectors = np.asarray(vectors, dtype=self._vectors.dtype).reshape(len(keys), -1)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"new vectors have dim {vectors.shape[1]}, store has dim {self.dim}")
        for key in keys:
            if key in self.key_to_index:
                raise ValueError(f"{key!r} is already in the vocabulary")
        merged = Vectors(self.keys + keys, np.vstack([self._vectors, vectors]),
                         None if self.counts is None else np.concatenate(
                             [self.counts, np.zeros(len(keys), np.int64) if counts is None
                              else np.asarray(counts, np.int64)]), dtype=self._vectors.dtype)
        merged.source = self.source
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
            shown = ", ".join(map(_shown, unknown[:20])) + (", ..." if len(unknown) > 20 else "")
            raise KeyError(f"{len(unknown)} word(s) not in vocabulary: {shown}")
        kept = [k for k in wanted if k in index]
        rows = self.indices(kept)
        subset = Vectors(kept, self._vectors[rows].reshape(len(kept), self.dim),
                         None if self.counts is None else self.counts[rows], self._vectors.dtype)
        subset.source = self.source
        return subset

    def copy(self):
        """A deep copy held in memory."""
        copy = Vectors(list(self.keys), np.array(self._vectors),
                       None if self.counts is None else self.counts.copy(), self._vectors.dtype)
        copy.source = self.source
        return copy

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
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=np.float32,
                             no_header=False):
        """Gensim's reader of word2vec text/binary (GloVe text with `no_header`) over
        `wordvec.load`; `unicode_errors` is its `encoding_errors`. Words must be UTF-8."""
        if encoding.lower().replace("-", "") != "utf8":
            raise ValueError(f"encoding must be utf8, got {encoding!r} (see encoding_errors="
                             f"'latin-1' of wordvec.load)")
        if binary and no_header:
            raise ValueError("no_header applies to text files only, not binary=True")
        format = "word2vec-binary" if binary else "glove" if no_header else "word2vec"
        return cls.load(fname, format=format, limit=limit or None, mmap=False,
                        encoding_errors=unicode_errors, datatype=datatype, fvocab=fvocab)

    def save_word2vec_format(self, fname, fvocab=None, binary=False, write_header=True):
        """Gensim's writer: word2vec text or binary (`binary=True`), GloVe text without the
        header (`write_header=False`), and the counts as `word count` lines in `fvocab`.

        Rows stay in store order (gensim sorts by count first when the counts are known).
        """
        from .io import save, save_counts

        if binary and not write_header:
            raise ValueError("write_header=False applies to text files only, not binary=True")
        if fvocab is not None and self.counts is None:
            raise ValueError("this store has no counts to write to fvocab")
        save(self, fname, format="word2vec-binary" if binary else
             "word2vec" if write_header else "glove")
        if fvocab is not None:
            save_counts(self, fvocab)

    @classmethod
    def from_gensim(cls, kv):
        """Wrap a gensim `KeyedVectors` (its `count` attribute becomes `counts`, when set)."""
        counts = None
        if "count" in getattr(kv, "expandos", {}):
            counts = np.asarray(kv.expandos["count"], dtype=np.int64)
        dtype = kv.vectors.dtype if kv.vectors.dtype in DTYPES else np.float32
        vectors = cls(list(kv.index_to_key), kv.vectors, counts, dtype)
        vectors.source = {"imported": "gensim"}
        return vectors

    def to_gensim(self):
        """A gensim `KeyedVectors` with the same keys, vectors, counts and matrix type."""
        from gensim.models import KeyedVectors

        kv = KeyedVectors(vector_size=self.dim, count=0, dtype=self._vectors.dtype)
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


def _shown(word, width=60):
    """`repr` of a word for a message, cut after `width` characters."""
    return repr(word) if not isinstance(word, str) or len(word) <= width else \
        f"{word[:width]!r}..."
