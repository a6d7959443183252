"""Refuse an allocation larger than the memory available, before making it.

A request the machine cannot hold would otherwise end with the kernel's OOM killer and no
message at all; this check turns it into a `MemoryError` naming the size.
"""

import os


def available_memory():
    """Bytes of memory available to a new allocation: `MemAvailable` of /proc/meminfo where
    there is one, else free physical pages; None if neither is known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _size(n):
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


def check_memory(nbytes, what):
    """`MemoryError` if `nbytes` (an int; `what` explains it, e.g. "2 x 2 x 10 x 4 bytes of
    vectors") exceed the available memory."""
    available = available_memory()
    if available is not None and nbytes > available:
        raise MemoryError(f"{what} = {_size(nbytes)} is more than the {_size(available)} of "
                          f"memory available")
