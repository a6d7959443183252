"""Small UTF-8 text inputs (word lists, evaluation sets, groups, training pairs and names),
with bytes that are not UTF-8 reported as a `FormatError` naming the file and line instead of
a bare `UnicodeDecodeError` naming neither."""

from .errors import FormatError


def utf8_lines(path):
    """Yield `(line number, line)` for each line of `path` (its "\\n" or "\\r\\n" kept)."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(path, f"not UTF-8 ({exc.reason})", number) from None


def decode_utf8(data, path, bom=False):
    """The bytes `data` read from `path` as text (a leading BOM dropped with `bom`), or a
    `FormatError` naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(path, f"not UTF-8 ({exc.reason})", line) from None
