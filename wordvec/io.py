"""Reading and writing vector files.

Formats
-------
native
    A folder holding `vectors.npy` (float32, memory-mappable), `vocab.txt` (UTF-8, one
    `word<TAB>count` per line, in row order) and `meta.json`.
word2vec
    Text: a header line `n_words dim`, then one line per word, `word v1 v2 ... v_dim`.
word2vec-binary
    A header line `n_words dim`, then per word `word<SPACE>` and `dim` little-endian float32s.
    Both variants are read: the C tool's (a newline after each vector) and gensim's (none).
    We write the C tool's variant, which both tools read.
glove
    Text like word2vec, without the header line (Stanford GloVe files).
fasttext
    Facebook fastText `.bin` models, read only (`wordvec.fasttext_bin`): a `SubwordVectors`
    that also answers for words out of the vocabulary. A native store of `SubwordVectors`
    adds `ngrams.npy` and the n-gram lengths to its folder.

Only the native format keeps word counts; the others drop them.

Detection: a folder is native; a file that starts as a fastText model is fasttext; a file
whose first line is two integers is word2vec (text if the next line is a word and `dim`
numbers or the first 64 KiB hold no control bytes, binary otherwise); any other file is GloVe
text.
Pass `format=` to override (a GloVe file whose first line happens to be `3 5` needs it).

Precision of the text formats: each row is written with 6 significant digits (`%.6g`) when
that reproduces every float32 of the row exactly (e.g. the Stanford GloVe values), else with
9, which always does. So every float32 survives a text round trip bit for bit.

Encoding: words are UTF-8. `encoding_errors` says what to do with other bytes in a word:
``"strict"`` (the default) raises `FormatError` naming the line; ``"replace"`` puts U+FFFD in
place of the bad bytes, ``"ignore"`` drops them; ``"latin-1"`` decodes a word that is not UTF-8
as Latin-1 instead (a word the C tool cut in the middle of a UTF-8 character comes back as
mojibake, but loads).
A replacement that makes two words equal is a duplicate word, hence a `FormatError`.

Errors: a malformed file raises `FormatError` naming the file and the line (text formats) or
the entry and byte offset (binary): wrong field count, non-numeric value, dimension or row
count different from the header, duplicate or empty word, truncated file, bad bytes, empty file.
A truncated word2vec or GloVe file raises `TruncatedFileError`, also an `EOFError` (as gensim).

Every write is atomic: a crash mid-save leaves the previous file or folder as it was.

Examples
--------
>>> import numpy as np, wordvec                                   # doctest: +SKIP
>>> v = wordvec.Vectors(["king", "queen"], np.eye(2, dtype=np.float32))   # doctest: +SKIP
>>> v.save("kq.txt"); wordvec.load("kq.txt").keys               # doctest: +SKIP
['king', 'queen']
"""

import contextlib
import re
import warnings
from pathlib import Path

import numpy as np

from ._atomic import atomic_dir, atomic_file, published, read_dir
from ._header import read_header, write_header
from .errors import FormatError, TruncatedFileError
from .store import DTYPES, Vectors

# Names `load` accepts for pretrained vectors (when no file of that name exists).
PRETRAINED = {"glove-6b-50d": "glove_6b_50d"}
FORMATS = ("native", "word2vec", "word2vec-binary", "glove", "fasttext")
ENCODING_ERRORS = ("strict", "replace", "ignore", "latin-1")
NATIVE_FORMAT = "wordvec-native"
NATIVE_VERSION = 2   # 2: meta.json names versioned files (1: vectors.npy, vocab.txt)
_BLOCK_BYTES = 1 << 22   # text read in blocks of about this many bytes of whole lines
_BLOCK_ROWS = 8192       # rows formatted per write
_SNIFF_BYTES = 1 << 16
_FIELD_SEPARATORS = (" ", "\t", "\n", "\r")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_format(format):
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose from {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------- native
def save_native(vectors, path):
    """Write `vectors` as a native store folder at `path` (a new version, published atomically:
    see `wordvec._atomic`)."""
    for i, key in enumerate(vectors.keys):
        if "\t" in key or "\n" in key or "\r" in key:
            raise ValueError(f"row {i}: word {key!r} contains a tab or line break")
    _refuse_nonfinite(vectors)
    ngrams = getattr(vectors, "ngrams", None)
    subwords = {} if ngrams is None else {"subwords": {"minn": vectors.minn, "maxn": vectors.maxn}}
    if ngrams is not None and _first_nonfinite(ngrams) is not None:
        raise ValueError("the n-gram matrix holds NaN or infinity; refusing to save it")
    with atomic_dir(path, "meta.json", NATIVE_FORMAT) as tmp:
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors.vectors, dtype=np.float32))
        if ngrams is not None:
            np.save(tmp / "ngrams.npy", np.ascontiguousarray(ngrams, dtype=np.float32))
        write_vocab(tmp / "vocab.txt", vectors.keys, vectors.counts)
        source = {} if getattr(vectors, "source", None) is None else {"source": vectors.source}
        write_header(tmp / "meta.json", NATIVE_FORMAT, NATIVE_VERSION, n_words=len(vectors),
                     dim=vectors.dim, counts=vectors.counts is not None, **subwords, **source)


def load_native(path, limit=None, mmap=True, allow_nonfinite=False):
    """Read a native store folder; the matrix is memory-mapped (read-only) unless `mmap=False`.

    The manifest `meta.json` is read first and names the files of one version, so a save
    running at the same time never mixes into what is read.
    """
    return read_dir(lambda: _load_native(Path(path), limit, mmap, allow_nonfinite))


def _load_native(path, limit, mmap, allow_nonfinite):
    meta_path = path / "meta.json"
    meta = read_header(meta_path, NATIVE_FORMAT, NATIVE_VERSION,
                       "not a wordvec store (no meta.json)")
    matrix_path = published(path, meta_path, meta, "vectors.npy")
    vocab_path = published(path, meta_path, meta, "vocab.txt")
    matrix = load_npy(matrix_path, mmap)
    if matrix.ndim != 2 or matrix.dtype != np.float32:
        raise FormatError(matrix_path,
                          f"expected a 2-D float32 matrix, got {matrix.dtype} {matrix.shape}")
    if (meta.get("n_words"), meta.get("dim")) != matrix.shape:
        raise FormatError(meta_path, f"says {meta.get('n_words')} x {meta.get('dim')}, "
                                     f"{matrix_path.name} is {matrix.shape[0]} x {matrix.shape[1]}")
    n = matrix.shape[0] if limit is None else min(limit, matrix.shape[0])
    with_counts = meta.get("counts", False)
    if not isinstance(with_counts, bool):
        raise FormatError(meta_path, f"'counts' must be true or false, got {with_counts!r}")
    keys, counts = read_vocab(vocab_path, None if limit is None else n, with_counts)
    if len(keys) != n:
        raise FormatError(vocab_path, f"{len(keys)} words for a {matrix.shape[0]}-row matrix")
    if not allow_nonfinite:
        _check_finite(matrix_path, matrix[:n], first_line=None)
    vectors = _build(vocab_path, keys, matrix[:n], counts)
    if "subwords" in meta:
        from .subwords import load_ngrams

        vectors = load_ngrams(vectors, path, meta_path, meta, mmap, allow_nonfinite)
    source = meta.get("source")
    if source is not None and not isinstance(source, dict):
        raise FormatError(meta_path, f"'source' must be an object, got {source!r}")
    vectors.source = source
    return vectors


def load_npy(path, mmap):
    """`numpy.load` of a store's `.npy` matrix (memory-mapped read-only when `mmap`); a damaged
    file is a `FormatError` naming it."""
    try:
        return np.load(path, mmap_mode="r" if mmap else None)
    except FileNotFoundError:
        raise
    except Exception as exc:    # a damaged .npy header raises almost anything inside numpy
        raise FormatError(path, f"unreadable matrix ({type(exc).__name__}: {exc})") from None


def _first_nonfinite(matrix):
    """(row, column) of the first NaN or infinity of a 2-D `matrix`, or None; read in blocks
    of about 16M values, so memory stays bounded (a memory map is never copied whole)."""
    step = max(1, (1 << 24) // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], step):
        finite = np.isfinite(np.asarray(matrix[start:start + step]))
        if not finite.all():
            row = int(np.argmin(finite.all(axis=1)))
            return start + row, int(np.argmin(finite[row]))
    return None


def _refuse_nonfinite(vectors):
    """ValueError naming the first word whose vector holds NaN or infinity: never saved."""
    found = _first_nonfinite(vectors.vectors)
    if found is not None:
        row = found[0]
        raise ValueError(f"row {row} (word {vectors.keys[row][:60]!r}) holds NaN or "
                         f"infinity; refusing to save it")


def _check_finite(path, matrix, first_line=None, binary=False):
    """FormatError naming the first row with NaN or infinity (a row that overflowed float32
    on reading, such as 1e400, is infinite too)."""
    found = _first_nonfinite(matrix)
    if found is None:
        return
    row, col = found
    what = f"non-finite value {float(matrix[row, col])} (value {col + 1} of its row)"
    hint = " (load with allow_nonfinite=True to accept it)"
    if first_line is not None:
        raise FormatError(path, what + hint, first_line + row)
    prefix = f"entry {row + 1}: " if binary else f"row {row}: "
    raise FormatError(path, prefix + what + hint)


def write_vocab(path, words, counts=None):
    """Write a vocabulary file: UTF-8, one `word<TAB>count` (or `word`) per line, in row order.

    The one vocabulary format of the native store, co-occurrence counts and checkpoints.
    """
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        if counts is None:
            f.writelines(f"{w}\n" for w in words)
        else:
            f.writelines(f"{w}\t{c}\n" for w, c in zip(words, np.asarray(counts).tolist(),
                                                         strict=True))


def read_vocab(path, n=None, with_counts=True):
    """The first `n` (default all) lines of a vocabulary file -> (words, int64 counts or None).

    `FormatError` naming the line for a missing tab or a count that is not a whole number
    below 2**63; with `n`, lines beyond the first `n` are ignored, and without it the file
    is read whole.
    """
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            lines = f.read().split("\n")
        lines = lines[:n] if n is not None else lines[:-1] if lines[-1] == "" else lines
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"not UTF-8 ({exc.reason})") from None
    if not with_counts:
        return lines, None
    # Fast path in C-level calls; the line-by-line check below only runs to name a bad line.
    parts = [line.rpartition("\t") for line in lines]
    counts = [count for _, _, count in parts]
    digits = "".join(counts)
    if all(counts) and all(sep for _, sep, _ in parts) and digits.isascii() and digits.isdigit():
        with contextlib.suppress(OverflowError):   # a count >= 2**63: named below
            return [word for word, _, _ in parts], np.array(list(map(int, counts)), np.int64)
    for lineno, (_, sep, count) in enumerate(parts, 1):
        if not sep or not (count.isascii() and count.isdigit()):
            raise FormatError(path, "expected word<TAB>count", lineno)
        if int(count) >= 2**63:
            raise FormatError(path, f"count {count[:30]} is too large (at most 2**63 - 1)",
                              lineno)
    return [word for word, _, _ in parts], np.array(list(map(int, counts)), dtype=np.int64)


def _build(path, keys, matrix, counts=None, first_line=1, binary=False):
    """Make a Vectors, turning a bad key (empty or duplicate) into a FormatError naming the
    line (entry `i` is on line `first_line + i`) or, for a binary file, the entry."""
    try:
        return Vectors(keys, matrix, counts, dtype=matrix.dtype)
    except ValueError as exc:
        seen = {}
        for i, key in enumerate(keys):
            line = None if binary else first_line + i
            where = f"entry {i + 1}: " if binary else ""
            if not key:
                raise FormatError(path, f"{where}empty word", line) from None
            if key in seen:
                first = f"entry {seen[key] + 1}" if binary else f"line {first_line + seen[key]}"
                raise FormatError(path, f"{where}duplicate word {key!r} (first on {first})",
                                  line) from None
            seen[key] = i
        raise FormatError(path, str(exc)) from None


# ---------------------------------------------------------------------------- words
def _decode_words(path, raw, encoding_errors, locate):
    """Decode word bytes to str by the `encoding_errors` policy; `locate(i)` -> (line, prefix)
    names entry `i` in an error."""
    joined = b"\n".join(raw)
    try:
        words = joined.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        words = None
    if words is None or len(words) != len(raw):   # bad bytes, or a newline inside a word
        words = [_decode_word(path, w, encoding_errors, locate, i) for i, w in enumerate(raw)]
    return words


def _decode_word(path, raw, encoding_errors, locate, i):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if encoding_errors in ("replace", "ignore"):
            return raw.decode("utf-8", encoding_errors)
        if encoding_errors == "latin-1":
            return raw.decode("latin-1")
        line, prefix = locate(i)
        raise FormatError(path, f"{prefix}word {raw[:60]!r} is not UTF-8 ({exc.reason} at byte "
                                f"{exc.start}); load with encoding_errors='replace' or 'latin-1'",
                          line) from None


def _check_words(keys, start, format):
    """ValueError for the first word the text/binary formats cannot hold (it has whitespace)."""
    joined = "".join(keys)
    if any(sep in joined for sep in _FIELD_SEPARATORS):
        for i, key in enumerate(keys):
            if any(sep in key for sep in _FIELD_SEPARATORS):
                raise ValueError(f"row {start + i}: word {key!r} contains whitespace, which the "
                                 f"{format} format cannot hold (save as native instead)")


def _is_number(token):
    """Whether `float` takes the bytes `token` (digit separators `1_0` are refused)."""
    try:
        float(token)
    except ValueError:
        return False
    return b"_" not in token


# ---------------------------------------------------------------------------- text formats
def _read_header(path, f):
    """Parse the `n_words dim` line of a word2vec file -> (n_words, dim)."""
    raw = f.readline()
    if not raw.strip():
        raise FormatError(path, "empty file" if not raw else "expected a header 'n_words dim'", 1)
    fields = raw.split()
    if len(fields) != 2 or not (fields[0].isdigit() and fields[1].isdigit()):
        raise FormatError(path, f"expected a header 'n_words dim', got {raw[:60]!r}", 1)
    n, dim = int(fields[0]), int(fields[1])
    if dim < 1:
        raise FormatError(path, f"header says dim {dim}, need >= 1", 1)
    return n, dim


def _rest_is_blank(f, pending=b""):
    """True when `pending` and the rest of `f` hold nothing but whitespace."""
    if pending.strip():
        return False
    while chunk := f.read(_BLOCK_BYTES):
        if chunk.strip():
            return False
    return True


def _read_text(path, header, limit, encoding_errors, dtype=np.float32, allow_nonfinite=False):
    """word2vec text (`header=True`) or GloVe text, read in blocks of whole lines, into a
    `dtype` matrix."""
    keys, blocks, leftover = [], [], b""
    with open(path, "rb") as f:
        n, dim = _read_header(path, f) if header else (None, None)
        line = 2 if header else 1             # number of the next line to parse
        want = n if limit is None else limit if n is None else min(n, limit)
        while want is None or len(keys) < want:
            full = f.readlines(_BLOCK_BYTES)
            if not full:
                break
            lines = full if want is None else full[:want - len(keys)]
            leftover = b"".join(full[len(lines):])
            eof = False
            if not lines[-1].strip():         # blank lines: allowed only at the end of the file
                end = len(lines)
                while end and not lines[end - 1].strip():
                    end -= 1
                if not _rest_is_blank(f, leftover):
                    raise FormatError(path, "empty line", line + end)
                lines, eof, leftover = lines[:end], True, b""
            if lines:
                raw_words, matrix, dim = _parse_lines(path, lines, line, dim, header, dtype)
                if not allow_nonfinite:
                    _check_finite(path, matrix, first_line=line)
                first = line
                keys += _decode_words(path, raw_words, encoding_errors,
                                      lambda i, first=first: (first + i, ""))
                blocks.append(matrix)
                line += len(lines)
            if eof:
                break
        if n is not None and len(keys) < want:
            raise TruncatedFileError(path, f"the header says {n} words, the file ends after "
                                           f"{len(keys)}", line)
        if n is not None and limit is None and not _rest_is_blank(f, leftover):
            raise FormatError(path, f"the header says {n} words, the file goes on", line)
    if dim is None:
        raise FormatError(path, "empty file")
    matrix = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype)
    return _build(path, keys, matrix, first_line=2 if header else 1)


def _parse_lines(path, lines, first_line, dim, header, dtype=np.float32):
    """Whole lines -> (word bytes, (n, dim) `dtype` matrix, dim), vectorised; any irregular
    block goes through the line-by-line parser, which names the bad line. Other types than
    float32 are parsed in float64 and then rounded once, as gensim does."""
    parts = [s.rstrip().partition(b" ") for s in lines]
    words = [p[0] for p in parts]
    values = [p[2] for p in parts]
    if all(words) and all(values):
        try:    # numpy's C parser; it rejects ragged rows and non-numbers (then go slowly)
            matrix = np.loadtxt(values, dtype=np.float32 if dtype == np.float32 else np.float64,
                                delimiter=" ", comments=None, ndmin=2).astype(dtype, copy=False)
            if matrix.shape[0] == len(lines) and matrix.shape[1] == (dim or matrix.shape[1]):
                return words, matrix, matrix.shape[1]
        except ValueError:
            pass
    return _parse_lines_slowly(path, lines, first_line, dim, header, dtype)


def _parse_lines_slowly(path, lines, first_line, dim, header, dtype=np.float32):
    words, rows = [], []
    for i, raw in enumerate(lines):
        line = first_line + i
        word, _, rest = raw.rstrip().partition(b" ")
        if not word:
            raise FormatError(path, "line starts with a space" if rest else "empty line", line)
        fields = rest.split()
        if dim is None:
            if not fields:
                raise FormatError(path, f"word {word[:60]!r} has no values", line)
            dim = len(fields)
        if len(fields) != dim:
            said = f"the header says dim {dim}" if header else f"line 1 has {dim}"
            if len(fields) < dim and not raw.endswith(b"\n"):   # the file ends inside the line
                raise TruncatedFileError(path, f"the file ends inside this line: expected {dim} "
                                               f"values ({said}), got {len(fields)}", line)
            raise FormatError(path, f"expected {dim} values ({said}), got {len(fields)}", line)
        for k, token in enumerate(fields):
            if not _is_number(token):
                raise FormatError(path, f"non-numeric value {token[:40]!r} in field {k + 2}",
                                  line)
        words.append(word)
        rows.append([float(t) for t in fields])
    with np.errstate(over="ignore"):
        return words, np.array(rows, dtype=dtype).reshape(len(lines), dim), dim


_POWERS_OF_TEN = 10.0 ** np.arange(-64, 64)


def _exact_rows(block, digits):
    """Rows of `block` (float32) that `%.{digits}g` reproduces exactly when read back.

    Rounds at `digits` significant digits in float64 with numpy; a row it passes is exact
    (the correctly rounded decimal that `%g` prints is at least as close to each value).
    """
    with np.errstate(all="ignore"):
        exponent = np.floor(np.log10(np.abs(block.astype(np.float64))))
        exponent = np.nan_to_num(exponent, nan=0, posinf=0, neginf=0).astype(np.int64)
        scale = _POWERS_OF_TEN[np.clip(digits - 1 - exponent, -63, 63) + 64]
        back = (np.round(block * scale) / scale).astype(np.float32)
    return (back == block).all(axis=1)


def _write_text(vectors, f, format):
    n, dim = vectors.vectors.shape
    short = "%s" + " %.6g" * dim + "\n"
    exact = "%s" + " %.9g" * dim + "\n"
    if format == "word2vec":
        f.write(f"{n} {dim}\n".encode())
    for start in range(0, n, _BLOCK_ROWS):
        keys = vectors.keys[start:start + _BLOCK_ROWS]
        _check_words(keys, start, format)
        block = np.asarray(vectors.vectors[start:start + _BLOCK_ROWS], dtype=np.float32)
        lines = [(short if ok else exact) % (key, *row) for key, row, ok
                 in zip(keys, block.tolist(), _exact_rows(block, 6).tolist(), strict=True)]
        f.write("".join(lines).encode("utf-8"))


# ---------------------------------------------------------------------------- word2vec binary
def _read_binary(path, limit, encoding_errors, dtype=np.float32, allow_nonfinite=False):
    with open(path, "rb") as f:
        n, dim = _read_header(path, f)
        want = n if limit is None else min(n, limit)
        size = 4 * dim
        buf, pos, offset = b"", 0, f.tell()     # offset: position of buf[0] in the file
        raw_words, raw_vectors = [], []
        for i in range(want):
            space = buf.find(b" ", pos)
            while space < 0 or space + 1 + size > len(buf):
                more = f.read(_BLOCK_BYTES)
                if not more:
                    inside = "word" if space < 0 else "vector"
                    start = len(buf) - len(buf[pos:].lstrip(b"\n"))   # skip the C newline
                    raise TruncatedFileError(path, f"entry {i + 1} at byte {offset + start}: "
                                                   f"truncated (the file ends inside its {inside}; "
                                                   f"the header says {n} words)")
                offset, buf = offset + pos, buf[pos:] + more
                space, pos = buf.find(b" ", 0 if space < 0 else space - pos), 0
            raw_words.append(buf[pos:space].lstrip(b"\n"))
            raw_vectors.append(buf[space + 1:space + 1 + size])
            pos = space + 1 + size
        if limit is None and not _rest_is_blank(f, buf[pos:]):
            raise FormatError(path, f"byte {offset + pos}: the header says {n} words, "
                                    f"the file goes on")
    keys = _decode_words(path, raw_words, encoding_errors, lambda i: (None, f"entry {i + 1}: "))
    matrix = np.frombuffer(bytearray(b"".join(raw_vectors)), dtype="<f4").reshape(want, dim)
    if not allow_nonfinite:
        _check_finite(path, matrix, binary=True)
    return _build(path, keys, matrix.astype(dtype, copy=False), binary=True)


def _write_binary(vectors, f):
    """The C tool's layout: `word<SPACE>` + float32 bytes + newline (gensim reads it too)."""
    n, dim = vectors.vectors.shape
    size = 4 * dim
    f.write(f"{n} {dim}\n".encode())
    for start in range(0, n, _BLOCK_ROWS):
        keys = vectors.keys[start:start + _BLOCK_ROWS]
        _check_words(keys, start, "word2vec-binary")
        raw = np.ascontiguousarray(vectors.vectors[start:start + _BLOCK_ROWS],
                                   dtype="<f4").tobytes()
        f.write(b"".join([key.encode("utf-8") + b" " + raw[i * size:(i + 1) * size] + b"\n"
                          for i, key in enumerate(keys)]))


# ---------------------------------------------------------------------------- dispatch
def detect_format(path):
    """Guess the format of `path` from its contents: a folder is native; a file starting with
    a line of two integers is word2vec (text when the next line is a word and `dim` numbers or
    the start of the file has no control bytes, else binary); anything else is GloVe text.
    `FormatError` for an empty file."""
    path = Path(path)
    if path.is_dir():
        return "native"
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    if not head.strip():
        raise FormatError(path, "empty file")
    from .fasttext_bin import looks_like_fasttext

    if looks_like_fasttext(head):
        return "fasttext"
    if head.startswith(b"\xef\xbb\xbf"):
        raise FormatError(path, "starts with a UTF-8 byte-order mark (U+FEFF), which no vector "
                                "format has; remove its first 3 bytes", 1)
    first, _, rest = head.partition(b"\n")
    fields = first.split()
    if len(fields) == 2 and all(re.fullmatch(rb"[+-]?\d+", f) for f in fields) and not (
            fields[0].isdigit() and fields[1].isdigit()):
        raise FormatError(path, f"header {first.strip()[:40]!r}: expected 'n_words dim' as two "
                                f"plain whole numbers", 1)
    if len(fields) != 2 or not (fields[0].isdigit() and fields[1].isdigit()):
        return "glove"
    dim = int(fields[1])
    record, newline, _ = rest.partition(b"\n")
    values = record.rstrip().partition(b" ")[2].split()
    complete = bool(newline) or len(head) < _SNIFF_BYTES
    numeric = values and all(_is_number(v) for v in values[:dim + 1]) and (
        len(values) == dim or not complete and len(values) < dim)
    if numeric or not _CONTROL_BYTES.search(rest):    # float32 bytes are rarely all printable
        return "word2vec"
    return "word2vec-binary"


def format_for_path(path, format=None):
    """The format to save `path` in: `format` if given, else `.txt`/`.vec` word2vec text,
    `.bin` word2vec binary, anything else native."""
    _check_format(format)
    if format == "fasttext":
        raise ValueError("fastText .bin models are read, not written; save as native to keep "
                         "the n-gram vectors")
    if format is not None:
        return format
    suffix = Path(path).suffix.lower()
    return {".txt": "word2vec", ".vec": "word2vec", ".bin": "word2vec-binary"}.get(suffix, "native")


def load(path, format=None, limit=None, mmap=True, encoding_errors="strict", datatype=np.float32,
         fvocab=None, allow_nonfinite=False):
    """Read a vector store from `path`.

    Parameters
    ----------
    path : str or Path
        A file or native folder; or the name of pretrained vectors that ship in a registry
        package (`"glove-6b-50d"`, see `wordvec.pretrained`) when no such file exists.
    format : {"native", "word2vec", "word2vec-binary", "glove", "fasttext"}, optional
        Detected from the contents when omitted.
    limit : int, optional
        Read only the first `limit` words (the rest of the file is not read).
    mmap : bool
        Memory-map a native store's matrix instead of reading it into memory.
    encoding_errors : {"strict", "replace", "ignore", "latin-1"}
        What to do with a word that is not UTF-8 (see the module docstring).
    datatype : {numpy.float32, numpy.float16, numpy.float64}
        Type of the matrix, as gensim's `datatype` (text is parsed in float64, then rounded
        once); any other type than float32 holds the matrix in memory.
    fvocab : str or Path, optional
        Word counts, one `word count` per line (the word2vec C tool's `-save-vocab` file,
        gensim's `fvocab`); a word it lacks gets count 0, with a warning.
    allow_nonfinite : bool
        Accept NaN and infinite values (refused by default: `FormatError` naming the line
        or entry, since every cosine with such a vector is NaN).

    Returns
    -------
    Vectors
    """
    _check_format(format)
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    if encoding_errors not in ENCODING_ERRORS:
        raise ValueError(f"unknown encoding_errors {encoding_errors!r}; "
                         f"choose from {', '.join(ENCODING_ERRORS)}")
    if np.dtype(datatype) not in DTYPES:
        raise ValueError(f"datatype must be float16, float32 or float64, got "
                         f"{np.dtype(datatype)}")
    vectors = _load(Path(path), format, limit, mmap, encoding_errors, datatype, allow_nonfinite)
    source = vectors.source
    if vectors.vectors.dtype != datatype:
        subwords = {} if getattr(vectors, "ngrams", None) is None else dict(
            ngrams=vectors.ngrams, minn=vectors.minn, maxn=vectors.maxn)
        vectors = type(vectors)(vectors.keys, vectors.vectors, counts=vectors.counts,
                                dtype=datatype, **subwords)
    if fvocab is not None:
        vectors.counts = read_counts(fvocab, vectors.keys, encoding_errors)
    vectors.source = source
    return vectors


def _load(path, format, limit, mmap, encoding_errors, datatype, allow_nonfinite):
    if not path.exists():
        if str(path) in PRETRAINED:
            from . import pretrained

            vectors = getattr(pretrained, PRETRAINED[str(path)])(mmap=mmap)
            if limit is not None:
                vectors = Vectors(vectors.keys[:limit], vectors.vectors[:limit])
            vectors.source = {"imported": "pretrained", "name": str(path)}
            return vectors
        raise FileNotFoundError(2, "no such file or folder", str(path))
    format = format or detect_format(path)
    if format == "native":
        if not path.is_dir():
            raise FormatError(path, "a native store is a folder, this is a file")
        return load_native(path, limit=limit, mmap=mmap, allow_nonfinite=allow_nonfinite)
    if path.is_dir():
        raise FormatError(path, f"a {format} file was asked for, this is a folder")
    if format == "word2vec-binary":
        vectors = _read_binary(path, limit, encoding_errors, datatype, allow_nonfinite)
    elif format == "fasttext":
        from .fasttext_bin import load_fasttext

        vectors = load_fasttext(path, limit, mmap, encoding_errors, allow_nonfinite)
    else:
        vectors = _read_text(path, format == "word2vec", limit, encoding_errors, datatype,
                             allow_nonfinite)
    vectors.source = {"imported": format, "file": path.name}
    return vectors


def save(vectors, path, format=None):
    """Write `vectors` to `path` atomically, in `format` or the one the extension implies.

    `path` may also be a binary file object (`sys.stdout.buffer`, say) for the one-file
    formats, which then need `format`. Text and binary formats need words without whitespace
    (`ValueError` naming the row).
    """
    if hasattr(path, "write"):
        if format in (None, "native", "fasttext"):
            raise ValueError("writing to a stream needs format word2vec, word2vec-binary or "
                             "glove (a native store is a folder)")
        _check_format(format)
        _check_words(vectors.keys, 0, format)  # before the first byte: no half-written stream
        _refuse_nonfinite(vectors)
        return _write_one_file(vectors, path, format)
    format = format_for_path(path, format)
    if format == "native":
        return save_native(vectors, path)
    _refuse_nonfinite(vectors)
    with atomic_file(path, "wb") as f:
        _write_one_file(vectors, f, format)


def _write_one_file(vectors, f, format):
    if format == "word2vec-binary":
        _write_binary(vectors, f)
    else:
        _write_text(vectors, f, format)


# ---------------------------------------------------------------------------- counts (fvocab)
def read_counts(path, keys, encoding_errors="strict"):
    """The counts of `keys` from a `word count` file (the word2vec C tool's `-save-vocab`,
    gensim's `fvocab`) -> int64 `(len(keys),)`; a word the file lacks gets 0, with a warning.

    `FormatError` naming the line for anything but two fields with a whole-number count.
    """
    counts = {}
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            fields = raw.split()
            if len(fields) != 2 or not (fields[1].isdigit() and len(fields[1]) < 19):
                raise FormatError(path, f"expected 'word count', got {raw[:60]!r}", lineno)
            word = _decode_word(path, fields[0], encoding_errors,
                                lambda i, lineno=lineno: (lineno, ""), 0)
            counts[word] = int(fields[1])
    missing = [k for k in keys if k not in counts]
    if missing:
        warnings.warn(f"{path}: no count for {len(missing)} word(s), set to 0: "
                      f"{', '.join(map(repr, missing[:10]))}", stacklevel=3)
    return np.array([counts.get(k, 0) for k in keys], dtype=np.int64)


def save_counts(vectors, path):
    """Write the counts of `vectors` as `word count` lines (gensim's `fvocab`), atomically."""
    if vectors.counts is None:
        raise ValueError("this store has no counts to write")
    _check_words(vectors.keys, 0, "fvocab")
    with atomic_file(path, "wb") as f:
        f.write("".join(f"{w} {c}\n" for w, c in zip(vectors.keys, vectors.counts.tolist(),
                                                      strict=True)).encode("utf-8"))
