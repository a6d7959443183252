"""The numbered lines of a small UTF-8 text file (word lists, evaluation sets, groups), with
bytes that are not UTF-8 reported as a `FormatError` naming the file and line instead of a
bare `UnicodeDecodeError` naming neither."""

from .errors import FormatError


def utf8_lines(path):
    """Yield `(line number, line)` for each line of `path` (its "\\n" or "\\r\\n" kept)."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(path, f"not UTF-8 ({exc.reason})", number) from None
