"""Reading Facebook fastText `.bin` models (unsupervised, not quantised) as `SubwordVectors`.

The layout, all little-endian, as fastText's `FastText::saveModel` writes it:

- new format (fastText >= 0.2): int32 magic 793712314 and int32 version (11 or 12); old
  format: neither (the file starts with the arguments);
- the arguments: int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn,
  maxn, lrUpdateRate and float64 t (an old-format file starts here);
- the dictionary: int32 size, nwords, nlabels; int64 ntokens; (new format) int64
  pruneidx_size; then `size` entries of `word bytes, NUL, int64 count, int8 type` and
  (new format) `pruneidx_size` pairs of int32;
- (new format) a bool `quant_input`; the input matrix: int64 rows (nwords + bucket), int64
  cols (dim), then rows x cols float32; then (new format) a bool `qout` and the output matrix
  the same way (not needed for vectors, but its size is checked).

Every count read from the file is checked against the bytes that remain before anything is
allocated, so a truncated or corrupt file is a `FormatError` naming the file and the field,
never a huge allocation. Word vectors are fastText's `getWordVector`: the mean of a word's own
row and its n-gram rows (see `wordvec.subwords`).

Examples
--------
>>> import wordvec                                                      # doctest: +SKIP
>>> v = wordvec.load("lee_fasttext.bin")                                # doctest: +SKIP
>>> v.most_similar("unseenword", topn=3)                                # doctest: +SKIP
"""

import mmap
import struct
from pathlib import Path

import numpy as np

from .errors import FormatError, TruncatedFileError
from .subwords import SubwordVectors, subword_rows, word_means

MAGIC = 793712314
VERSIONS = (11, 12)
_ARGS = ("dim", "ws", "epoch", "min_count", "neg", "word_ngrams", "loss", "model", "bucket",
         "minn", "maxn", "lr_update_rate")
_ARGS_FORMAT = "<12id"
_MAX_DIM = 1 << 16
_MAX_N = 64


def looks_like_fasttext(head):
    """Whether the first bytes of a file are those of a fastText `.bin` model: the magic
    number, or (old format) arguments in fastText's ranges."""
    if len(head) >= 4 and struct.unpack_from("<i", head)[0] == MAGIC:
        return True
    if len(head) < struct.calcsize(_ARGS_FORMAT):
        return False
    args = dict(zip((*_ARGS, "t"), struct.unpack_from(_ARGS_FORMAT, head), strict=True))
    return _plausible(args)


def _plausible(args):
    return (1 <= args["dim"] <= _MAX_DIM and 1 <= args["ws"] <= 1000 and args["epoch"] >= 1
            and args["min_count"] >= 0 and args["neg"] >= 0 and 1 <= args["loss"] <= 4
            and 1 <= args["model"] <= 3 and args["bucket"] >= 0
            and 0 <= args["minn"] <= _MAX_N and 0 <= args["maxn"] <= _MAX_N
            and 0.0 <= args["t"] < 1.0)


class _Reader:
    """Little-endian fields at a moving offset of a memory-mapped file; each short read is a
    `TruncatedFileError` naming the field and its byte offset."""

    def __init__(self, path, buf):
        self.path, self.buf, self.pos = path, buf, 0

    def need(self, size, what):
        if self.pos + size > len(self.buf):
            raise TruncatedFileError(self.path, f"byte {self.pos}: the file ends inside {what} "
                                                f"({size} bytes needed, "
                                                f"{len(self.buf) - self.pos} left)")

    def unpack(self, fmt, what):
        size = struct.calcsize(fmt)
        self.need(size, what)
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values

    def fail(self, message):
        raise FormatError(self.path, f"byte {self.pos}: {message}")


def load_fasttext(path, limit=None, mmap_matrix=True, encoding_errors="strict",
                  allow_nonfinite=False):
    """Read a fastText `.bin` model -> `SubwordVectors` (words in the model's order, with
    their counts; the n-gram matrix memory-mapped unless `mmap_matrix=False`).

    `limit` keeps the first `limit` words (every n-gram bucket stays). `FormatError` (or
    `TruncatedFileError`) naming the file for anything else than an unsupervised,
    unquantised, unpruned model that is whole.
    """
    path = Path(path)
    with open(path, "rb") as f:
        try:
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:   # an empty file cannot be mapped
            raise FormatError(path, "empty file") from None
    r = _Reader(path, buf)
    args = _read_args(r)
    words, counts, nwords = _read_dictionary(r, args["new"], encoding_errors)
    dim, bucket = args["dim"], args["bucket"]
    matrix = _read_matrix(r, args["new"], nwords + bucket, dim, "input matrix")
    _read_matrix(r, args["new"], None, dim, "output matrix")
    if r.pos != len(buf):
        r.fail(f"the model ends here, the file goes on for {len(buf) - r.pos} more bytes")
    if not allow_nonfinite:
        from .io import _check_finite

        _check_finite(path, matrix, binary=True)
    starts, rows = subword_rows(words, args["minn"], args["maxn"], bucket)
    keep = nwords if limit is None else min(limit, nwords)
    vectors = word_means(matrix, starts[:keep + 1], rows)
    ngrams = matrix[nwords:] if mmap_matrix else np.array(matrix[nwords:])
    return _build(path, words[:keep], vectors, ngrams, args, counts[:keep])


def _build(path, words, vectors, ngrams, args, counts):
    try:
        return SubwordVectors(words, vectors, ngrams, args["minn"], args["maxn"], counts)
    except ValueError:
        from .io import _build as named  # names the empty or duplicate word

        named(path, words, vectors, counts, binary=True)
        raise


def _read_args(r):
    (first,) = r.unpack("<i", "the header")
    new = first == MAGIC
    if new:
        (version,) = r.unpack("<i", "the header")
        if version not in VERSIONS:
            r.fail(f"fastText format version {version}, expected one of {VERSIONS}")
    else:
        r.pos = 0
    values = r.unpack(_ARGS_FORMAT, "the model's arguments")
    args = dict(zip((*_ARGS, "t"), values, strict=True), new=new)
    if not _plausible(args):
        r.fail("not a fastText model (its arguments are out of range: "
               + ", ".join(f"{k}={args[k]}" for k in ("dim", "ws", "loss", "model", "bucket",
                                                      "minn", "maxn")) + ")")
    if args["model"] == 3:
        r.fail("a supervised (classifier) fastText model; only word vectors are read")
    if args["maxn"] and not 1 <= args["minn"] <= args["maxn"]:
        r.fail(f"minn={args['minn']}, maxn={args['maxn']}: need 1 <= minn <= maxn")
    return args


def _read_dictionary(r, new, encoding_errors):
    size, nwords, nlabels = r.unpack("<3i", "the dictionary header")
    r.unpack("<q", "the dictionary header")   # ntokens
    prune = r.unpack("<q", "the dictionary header")[0] if new else -1
    if nlabels != 0 or not 0 < nwords == size:
        r.fail(f"dictionary of {size} entries, {nwords} words and {nlabels} labels: expected "
               f"words only (an unsupervised model)")
    if prune != -1:
        r.fail("a pruned (quantised) model: its n-grams are not hashed into buckets")
    # each entry is at least a 1-byte word, NUL, an int64 count and an int8 type
    r.need(11 * size, f"the dictionary's {size} entries")
    raw, counts = [], np.empty(size, dtype=np.int64)
    buf = r.buf
    for i in range(size):
        end = buf.find(b"\0", r.pos)
        if end < 0:
            r.need(len(buf) + 1 - r.pos, f"entry {i + 1} of the dictionary")
        raw.append(buf[r.pos:end])
        r.pos = end + 1
        count, kind = r.unpack("<qb", f"entry {i + 1} of the dictionary")
        if kind != 0 or count < 0:
            r.fail(f"entry {i + 1} of the dictionary: type {kind}, count {count} "
                   f"(expected a word, count >= 0)")
        counts[i] = count
    from .io import _decode_words

    words = _decode_words(r.path, raw, encoding_errors, lambda i: (None, f"entry {i + 1}: "))
    return words, counts, nwords


def _read_matrix(r, new, rows, dim, what):
    """The float32 matrix at the reader's position (checked to be `rows` x `dim`, any number
    of rows when `rows` is None), as a read-only view of the mapped file."""
    if new:
        (quantised,) = r.unpack("<?", f"the {what}'s header")
        if quantised:
            r.fail(f"a quantised {what} (.ftz): not supported")
    m, n = r.unpack("<2q", f"the {what}'s header")
    if n != dim or m < 0 or (rows is not None and m != rows):
        want = f"{'any' if rows is None else rows} x {dim}"
        r.fail(f"the {what} is {m} x {n}, expected {want}")
    r.need(4 * m * n, f"the {what} ({m} x {n} float32)")
    matrix = np.frombuffer(r.buf, dtype="<f4", count=m * n, offset=r.pos).reshape(m, n)
    r.pos += 4 * m * n
    return matrix
