"""fastText's character n-grams and the store of subword vectors (`SubwordVectors`).

A word `w` is read as `<w>`; its n-grams are the runs of `minn` to `maxn` characters (Unicode
code points, i.e. whole UTF-8 sequences) of `<w>`, the whole `<w>` included when it is short
enough, and the lone `<` and `>` never (fastText's rule). Each n-gram's UTF-8 bytes are hashed
with fastText's FNV-1a variant, which XORs each byte as a *signed* char (bytes >= 0x80 are
sign-extended to 32 bits), into a bucket `hash % bucket`. The layout is fastText's (and
gensim's): a model's input matrix has `n_words + bucket` rows, word `i` at row `i` and bucket
`h` at row `n_words + h`; a word's vector is the mean of its own row and its n-gram rows, and a
word never seen is the mean of its n-gram rows alone.

Examples
--------
>>> from wordvec.subwords import ngrams, ft_hash
>>> ngrams("where", 3, 3)
['<wh', 'whe', 'her', 'ere', 're>']
>>> ft_hash("asteroid".encode())
1988297200
"""

import numpy as np

from .query import _unit
from .store import Vectors, _shown

FNV_OFFSET = 2166136261
FNV_PRIME = 16777619


def ft_hash(data):
    """fastText's 32-bit FNV-1a of `data` (bytes), each byte taken as a signed char."""
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ (b | 0xFFFFFF00 if b & 0x80 else b)) * FNV_PRIME) & 0xFFFFFFFF
    return h


def ft_hash_many(items):
    """`ft_hash` of each bytes object of `items`, vectorised -> uint32 `(len(items),)`."""
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    width = int(lengths.max()) if len(items) else 0
    raw = np.zeros((len(items), width), dtype=np.uint8)
    if width:
        flat = np.frombuffer(b"".join(items), dtype=np.uint8)
        mask = np.arange(width) < lengths[:, None]
        raw[mask] = flat
    signed = raw.view(np.int8).astype(np.int32).view(np.uint32)   # sign-extended bytes
    h = np.full(len(items), FNV_OFFSET, dtype=np.uint32)
    prime = np.uint32(FNV_PRIME)
    for k in range(width):
        live = lengths > k
        h[live] = (h[live] ^ signed[live, k]) * prime
    return h


def ngrams(word, minn, maxn):
    """The character n-grams of `<word>` of `minn` to `maxn` characters, in fastText's order
    (by start, then length); the lone markers `<` and `>` are left out."""
    marked = f"<{word}>"
    size = len(marked)
    out = []
    for i in range(size):
        for n in range(minn, min(maxn, size - i) + 1):
            if n == 1 and (i == 0 or i + 1 == size):
                continue
            out.append(marked[i:i + n])
    return out


def ngram_buckets(word, minn, maxn, bucket):
    """Bucket numbers (int64) of the n-grams of `word`, one per n-gram, repeats kept."""
    if bucket == 0 or maxn == 0:
        return np.zeros(0, dtype=np.int64)
    grams = [g.encode("utf-8", "surrogatepass") for g in ngrams(word, minn, maxn)]
    return (ft_hash_many(grams) % np.uint32(bucket)).astype(np.int64)


def subword_rows(words, minn, maxn, bucket):
    """Input-matrix rows of each word of a vocabulary, fastText's layout: `(starts, rows)`,
    int64 `(n_words + 1,)` and int32, word `i` using `rows[starts[i]:starts[i + 1]]`: its own
    row `i` first, then `n_words + bucket` of each n-gram."""
    n = len(words)
    per_word = [ngrams(w, minn, maxn) if bucket and maxn else [] for w in words]
    counts = np.fromiter((len(g) + 1 for g in per_word), dtype=np.int64, count=n)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    unique = {}
    for grams in per_word:
        for g in grams:
            unique.setdefault(g, len(unique))
    hashed = ft_hash_many([g.encode("utf-8", "surrogatepass") for g in unique])
    rows_of = (hashed % np.uint32(max(bucket, 1))).astype(np.int64) + n
    ids = np.fromiter((unique[g] for grams in per_word for g in grams), dtype=np.int64,
                      count=int(counts.sum()) - n)
    rows = np.empty(int(starts[-1]), dtype=np.int32)
    own = starts[:-1]
    rows[own] = np.arange(n)
    rest = np.ones(len(rows), dtype=bool)
    rest[own] = False
    rows[rest] = rows_of[ids]
    return starts, rows


def word_means(matrix, starts, rows, block=8192):
    """Mean of each word's rows of `matrix` (n_words + bucket, dim) -> float32 (n_words, dim),
    computed in blocks of words so memory stays bounded."""
    n = len(starts) - 1
    out = np.empty((n, matrix.shape[1]), dtype=np.float32)
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        a, b = int(starts[lo]), int(starts[hi])
        sums = np.add.reduceat(np.asarray(matrix[rows[a:b]], dtype=np.float32),
                               starts[lo:hi] - a, axis=0)
        out[lo:hi] = sums / np.diff(starts[lo:hi + 1]).astype(np.float32)[:, None]
    return out


class SubwordVectors(Vectors):
    """A `Vectors` that also holds fastText's n-gram matrix, so it answers for unseen words.

    Parameters
    ----------
    keys, vectors, counts, dtype
        As `Vectors`: `vectors` are the words' full vectors (own row and n-grams averaged).
    ngrams : array_like, shape (bucket, dim)
        The n-gram bucket vectors (float32; a read-only memory map is kept as is).
    minn, maxn : int
        Lengths of the n-grams, in characters.

    A word out of the vocabulary gets the mean of its n-gram vectors: `v["unseen"]`,
    `get_vector`, `similarity` and `most_similar` take it; `"unseen" in v` stays False
    (vocabulary membership), and a word without n-grams raises `KeyError`.
    """

    def __init__(self, keys, vectors, ngrams, minn, maxn, counts=None, dtype=np.float32):
        super().__init__(keys, vectors, counts, dtype)
        ngrams = np.asarray(ngrams)
        if ngrams.dtype != np.float32:
            ngrams = ngrams.astype(np.float32)
        if ngrams.ndim != 2 or ngrams.shape[1] != self.dim:
            raise ValueError(f"ngrams must be a (bucket, {self.dim}) matrix, got {ngrams.shape}")
        for name, value in (("minn", minn), ("maxn", maxn)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        if maxn and not 1 <= minn <= maxn:
            raise ValueError(f"need 1 <= minn <= maxn, got minn={minn}, maxn={maxn}")
        self.ngrams = ngrams
        self.minn, self.maxn = int(minn), int(maxn)

    @property
    def bucket(self):
        """Number of n-gram buckets (rows of `ngrams`)."""
        return self.ngrams.shape[0]

    def __repr__(self):
        return (f"SubwordVectors(n_words={len(self)}, dim={self.dim}, bucket={self.bucket}, "
                f"minn={self.minn}, maxn={self.maxn})")

    def word_vector(self, word):
        """The vector of `word`: its row when known, else the mean of its n-gram vectors
        (a new float32 `(dim,)` array); `KeyError` for an unknown word without n-grams."""
        row = self.key_to_index.get(word)
        if row is not None:
            return self._vectors[row]
        buckets = ngram_buckets(word, self.minn, self.maxn, self.bucket)
        if not len(buckets):
            raise KeyError(f"{_shown(word)} not in vocabulary and has no character n-grams")
        return np.asarray(self.ngrams[buckets], dtype=np.float32).mean(axis=0, dtype=np.float32)

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.word_vector(key)
        if isinstance(key, (list, tuple)):
            return np.stack([self[k] for k in key]) if key else super().__getitem__(key)
        return super().__getitem__(key)

    def get_vector(self, key, norm=False):
        if not isinstance(key, str) or key in self.key_to_index:
            return super().get_vector(key, norm)
        vector = self.word_vector(key)
        return _unit(vector) if norm else vector

    def get(self, key, default=None):
        try:
            return self.word_vector(key)
        except KeyError:
            return default

    def _unit_vector(self, item):
        if isinstance(item, str) and item not in self.key_to_index:
            return _unit(self.word_vector(item))
        return super()._unit_vector(item)

    def _mean(self, items, weights, pre_normalize, ignore_missing):
        """As `Vectors._mean`, an unseen word entering as its n-gram vector (unit length
        when `pre_normalize`), or skipped without n-grams when `ignore_missing`."""
        known = []
        for item in items:
            if isinstance(item, str) and item not in self.key_to_index:
                try:
                    item = self._unit_vector(item) if pre_normalize else self.word_vector(item)
                except KeyError:
                    if not ignore_missing:
                        raise
            known.append(item)
        return super()._mean(known, weights, pre_normalize, ignore_missing)

    def copy(self):
        """A deep copy held in memory."""
        plain = super().copy()
        copy = SubwordVectors(plain.keys, plain.vectors, np.array(self.ngrams), self.minn,
                              self.maxn, plain.counts, plain.vectors.dtype)
        copy.source = plain.source
        return copy


def load_ngrams(vectors, folder, meta_path, meta, mmap, allow_nonfinite):
    """The `SubwordVectors` of a native store folder whose `meta.json` has `"subwords"`:
    `vectors` (its words, read already) plus `ngrams.npy`; `FormatError` naming the file."""
    from ._atomic import published
    from .errors import FormatError
    from .io import _check_finite, load_npy

    spec = meta["subwords"]
    if not isinstance(spec, dict) or not all(
            type(spec.get(k)) is int and 0 <= spec[k] <= 64 for k in ("minn", "maxn")):
        raise FormatError(meta_path, f"'subwords' must hold integers minn and maxn in [0, 64], "
                                     f"got {spec!r}")
    path = published(folder, meta_path, meta, "ngrams.npy")
    matrix = load_npy(path, mmap)
    if matrix.ndim != 2 or matrix.dtype != np.float32 or matrix.shape[1] != vectors.dim:
        raise FormatError(path, f"expected a float32 (bucket, {vectors.dim}) matrix, got "
                                f"{matrix.dtype} {matrix.shape}")
    if not allow_nonfinite:
        _check_finite(path, matrix)
    try:
        return SubwordVectors(vectors.keys, vectors.vectors, matrix, spec["minn"], spec["maxn"],
                              vectors.counts)
    except ValueError as exc:
        raise FormatError(meta_path, str(exc)) from None
