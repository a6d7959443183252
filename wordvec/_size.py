"""Byte sizes as people write them: "20G", "512M", "64K" in (powers of 1024), "1.5 GiB" out.

>>> parse_size("1.5K", "limit"), format_size(3 << 30)
(1536, '3.0 GiB')
"""

import re

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text, name):
    """Bytes from `text`, a number with an optional K, M, G or T suffix (and "B" or "iB");
    `ValueError` naming `name` for anything else."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", str(text), re.I)
    if m is None:
        raise ValueError(f"{name} must be bytes or a size like '20G', got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def format_size(n):
    """`n` bytes for people: "812 B", "1.0 MiB", "20.0 GiB"."""
    for suffix, factor in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor:
            return f"{n / factor:.1f} {suffix}"
    return f"{n} B"
