"""The JSON header that every wordvec folder format carries (store, counts, index, checkpoint)."""

import json
from pathlib import Path

from .errors import FormatError


def read_header(path, format, version, missing):
    """Read the JSON file `path` and check that it names `format` at a version <= `version`.

    `missing` is the message for a file that does not exist (said of its parent folder).
    Every failure is a `FormatError` naming the file.
    """
    path = Path(path)
    try:
        header = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError(path.parent, missing) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(path, f"unreadable ({exc})") from None
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
