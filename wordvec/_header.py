"""The JSON header that every wordvec folder format carries (store, counts, index, checkpoint)."""

import json
from pathlib import Path

from .errors import FormatError

MAX_BYTES = 16 << 20   # headers are small; a larger file is not one (and is not read whole)


def read_header(path, format, version, missing):
    """Read the JSON file `path` and check that it names `format` at a version <= `version`.

    `missing` is the message for a file that does not exist (said of its parent folder).
    Every failure is a `FormatError` naming the file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FormatError(path.parent, missing) from None
    if len(raw) > MAX_BYTES:
        raise FormatError(path, f"larger than {MAX_BYTES >> 20} MB: not a wordvec header")
    try:
        header = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(path, f"unreadable ({exc})") from None
    except RecursionError:
        raise FormatError(path, "unreadable (nested too deeply)") from None
    if not isinstance(header, dict) or header.get("format") != format:
        raise FormatError(path, f"not a {format} file")
    if not isinstance(header.get("version"), int):
        raise FormatError(path, f"bad version {header.get('version')!r}")
    if header["version"] > version:
        raise FormatError(path, f"version {header['version']} is newer than this wordvec")
    return header


def write_header(path, format, version, **fields):
    """Write `{"format", "version", **fields}` as indented JSON to `path` (inside a folder
    that is itself being written atomically)."""
    header = {"format": format, "version": version, **fields}
    Path(path).write_text(json.dumps(header, indent=1) + "\n", encoding="utf-8")
