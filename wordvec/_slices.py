"""Elements `start:stop` of a flat binary array file, read with `os.pread` into ordinary memory.

The pages of a memory map, once touched, count in the process's memory until it is unmapped;
pages read this way stay in the page cache only. Thread-safe (no shared file position).
"""

import os

import numpy as np

from .errors import FormatError


def read_elements(fd, dtype, start, stop, offset=0, name=None):
    """`stop - start` elements of `dtype` from the open file `fd`, whose array data begin at
    byte `offset`; a file that ends too early is a `FormatError` naming `name`."""
    dtype = np.dtype(dtype)
    count = max(stop - start, 0)
    data = os.pread(fd, count * dtype.itemsize, offset + start * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise FormatError(name or f"file descriptor {fd}", f"file ends before element {stop}")
    return np.frombuffer(data, dtype=dtype).copy()
