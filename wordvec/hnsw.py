"""An HNSW graph kept as flat, memory-mappable arrays and searched by a native kernel.

hnswlib builds the graph, but its saved index is read whole on opening (0.3-0.5 s for 400,000
words), which made one `wordvec similar --ann` query slower than exact search. So wordvec
keeps the graph, relabelled to store rows, in a file of its own that opening maps without
reading:

    128-byte header: b"WVHNSW1\\n", then int64 n, dim, width, max_m0, max_m, entry,
                     max_level, n_upper
    records       int32 (n, width)  row i: [count, max_m0 neighbours] of node i in layer 0,
                                    then its unit vector (dim float32), zero padding to a
                                    multiple of 64 bytes
    upper_offset  int64 (n + 1)     node i's layers 1..L: upper[offset[i]:offset[i+1]]
    upper         int32 (n_upper,)  blocks of max_m + 1 ints, [count, neighbours...]

each array starting on a 64-byte boundary. As in hnswlib, a node's links and vector share a
record, so the search pays one cache miss per node it visits. A query visits a few thousand
nodes: it reads a few hundred kB of the map. The search (`_kernels/hnsw.py`) is hnswlib's,
giving the same neighbours up to ties and float rounding; the index's fingerprint ties the
file to the store's vectors (`wordvec.ann`).
"""

import struct
from pathlib import Path

import numpy as np

from .errors import FormatError

MAGIC = b"WVHNSW1\n"
_HEADER = struct.Struct("<8s8q")
_HEADER_BYTES = 128
_ALIGN = 64
_MAX_LINKS = 1 << 16  # hnswlib keeps a link count in 16 bits
_MAX_LEVEL = 256

# hnswlib's saved index (hnswalg.h saveIndex): size_t offsetLevel0, max_elements,
# cur_element_count, size_data_per_element, label_offset, offsetData; int maxlevel;
# uint32 enterpoint; size_t maxM, maxM0, M; double mult; size_t ef_construction. Then
# cur_element_count records of layer 0 ([uint32 count, maxM0 links], the vector, a size_t
# label), then for each element a uint32 byte size and its upper layers' link lists.
_HNSWLIB_HEADER = struct.Struct("<6QiI3QdQ")


def _aligned(offset):
    return -(-offset // _ALIGN) * _ALIGN


class HnswGraph:
    """The links and unit vectors of an HNSW graph over a store's rows, and its search.

    Make one with `from_hnswlib` or `load`. `records`, `upper_offset` and `upper` are as in
    the module docstring (memory maps once loaded).
    """

    def __init__(self, records, dim, max_m0, upper_offset, upper, max_m, entry, max_level):
        self.records, self.dim, self.max_m0 = records, int(dim), int(max_m0)
        self.upper_offset, self.upper = upper_offset, upper
        self.max_m, self.entry, self.max_level = int(max_m), int(entry), int(max_level)

    def __len__(self):
        return len(self.records)

    # ------------------------------------------------------------------ from hnswlib
    @classmethod
    def from_hnswlib(cls, filename, n, dim):
        """The graph of an index hnswlib saved to `filename` in its cosine space, over `n`
        items labelled 0..n-1 (the store's rows) of `dim` dimensions. `FormatError` if the
        file is not one, or not over such items."""
        filename = Path(filename)
        size = filename.stat().st_size
        if size < _HNSWLIB_HEADER.size:
            raise FormatError(filename, "truncated HNSW index")
        with open(filename, "rb") as f:
            header = _HNSWLIB_HEADER.unpack(f.read(_HNSWLIB_HEADER.size))
        (offset0, _, count, record, label_at, data_at, max_level, entry, max_m, max_m0, _, _,
         _) = header
        if count != n:
            raise FormatError(filename, f"HNSW index over {count} items, the store has {n}")
        if (offset0 != 0 or not 0 < max_m0 < _MAX_LINKS or not 0 < max_m < _MAX_LINKS
                or data_at != 4 * (max_m0 + 1) or data_at + 4 * dim > label_at
                or label_at + 8 > record or not 0 <= max_level < _MAX_LEVEL
                or (n and entry >= n)):
            raise FormatError(filename, "not an hnswlib index of this store's dimension, or "
                                        "a damaged one")
        if _HNSWLIB_HEADER.size + n * record > size:
            raise FormatError(filename, "truncated HNSW index")
        raw = np.memmap(filename, np.uint8, "r", _HNSWLIB_HEADER.size, (n, record))
        labels = np.ascontiguousarray(raw[:, label_at:label_at + 8]).view(np.uint64).ravel()
        if not np.array_equal(np.sort(labels), np.arange(n, dtype=np.uint64)):
            raise FormatError(filename, "HNSW item labels are not the store's rows")
        labels = labels.astype(np.int64)
        width = _aligned(4 * (1 + max_m0 + dim)) // 4
        records = np.zeros((n, width), np.int32)
        links = np.ascontiguousarray(raw[:, :data_at]).view(np.uint32)
        records[labels, :1 + max_m0] = _relabel(filename, links, labels, max_m0)
        # hnswlib's cosine space keeps each vector normalised: the unit vectors, as they are
        records[labels, 1 + max_m0:1 + max_m0 + dim] = np.ascontiguousarray(
            raw[:, data_at:data_at + 4 * dim]).view(np.int32)
        upper_offset, upper = _upper_layers(filename, size, _HNSWLIB_HEADER.size + n * record,
                                            labels, max_m)
        return cls(records, dim, max_m0, upper_offset, upper, max_m,
                   labels[entry] if n else 0, max_level)

    # ------------------------------------------------------------------ own file
    def save(self, filename):
        """Write the graph to `filename` (the caller makes the write atomic)."""
        n, width = self.records.shape
        header = _HEADER.pack(MAGIC, n, self.dim, width, self.max_m0, self.max_m, self.entry,
                              self.max_level, len(self.upper))
        with open(filename, "wb") as f:
            f.write(header.ljust(_HEADER_BYTES, b"\0"))
            for array in (self.records, self.upper_offset, self.upper):
                f.write(b"\0" * (_aligned(f.tell()) - f.tell()))
                f.write(memoryview(np.ascontiguousarray(array)).cast("B"))

    @classmethod
    def load(cls, filename, n, dim):
        """Map the graph saved at `filename`, which must be over `n` rows of `dim` dimensions
        (nothing is read but the header). `FormatError` if it is not one, or does not fit."""
        filename = Path(filename)
        size = filename.stat().st_size
        with open(filename, "rb") as f:
            raw = f.read(_HEADER_BYTES)
        if len(raw) < _HEADER_BYTES or raw[:8] != MAGIC:
            raise FormatError(filename, "not a wordvec HNSW graph")
        _, count, graph_dim, width, max_m0, max_m, entry, max_level, n_upper = \
            _HEADER.unpack_from(raw)
        if (count, graph_dim) != (n, dim):
            raise FormatError(filename, f"HNSW graph over {count} x {graph_dim}, the store is "
                                        f"{n} x {dim}")
        if (not 0 < max_m0 < _MAX_LINKS or not 0 < max_m < _MAX_LINKS or n_upper < 0
                or width < 1 + max_m0 + dim or width > 1 + max_m0 + dim + _ALIGN
                or not 0 <= max_level < _MAX_LEVEL or (n and not 0 <= entry < n)):
            raise FormatError(filename, "damaged HNSW graph header")
        shapes = [((n, width), np.int32), ((n + 1,), np.int64), ((n_upper,), np.int32)]
        arrays, offset = [], _HEADER_BYTES
        for shape, dtype in shapes:
            offset = _aligned(offset)
            nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
            if offset + nbytes > size:
                raise FormatError(filename, "truncated HNSW graph")
            arrays.append(np.memmap(filename, dtype, "r", offset, shape) if nbytes
                          else np.empty(shape, dtype))
            offset += nbytes
        if offset != size:
            raise FormatError(filename, f"HNSW graph of {size} bytes, expected {offset}")
        records, upper_offset, upper = arrays
        return cls(records, dim, max_m0, upper_offset, upper, max_m, entry, max_level)

    # ------------------------------------------------------------------ search
    def search(self, queries, k, ef, threads=1):
        """The `k` nearest rows of each row of `queries` (n_queries, dim) and their cosines,
        best first, searching with a candidate list of max(ef, k); -1 and -inf pad when the
        graph holds fewer than k rows. Blocks of queries run on `threads` threads."""
        from ._kernels.hnsw_host import search_function

        queries = np.asarray(queries, dtype=np.float32)
        norms = np.linalg.norm(queries, axis=1, keepdims=True)
        units = np.ascontiguousarray(np.divide(queries, norms, out=np.zeros_like(queries),
                                               where=norms > 0))
        run = search_function()
        k = min(k, len(self))
        blocks = np.array_split(np.arange(len(units)), max(1, min(threads, len(units) // 64)))
        if len(blocks) == 1:
            results = [run(self, units, ef, k)]
        else:
            from concurrent.futures import ThreadPoolExecutor  # the kernel frees the GIL

            with ThreadPoolExecutor(len(blocks)) as pool:
                results = list(pool.map(lambda rows: run(self, units[rows[0]:rows[-1] + 1],
                                                         ef, k), blocks))
        if any(damaged for _, _, damaged in results):
            filename = getattr(self.records, "filename", None) or "HNSW graph"
            raise FormatError(filename, "damaged HNSW graph (a link out of range); rebuild "
                                        "the index")
        return (np.concatenate([ids for ids, _, _ in results]),
                np.concatenate([cosines for _, cosines, _ in results]))


def _relabel(filename, links, labels, max_links):
    """[count, links...] rows with hnswlib's internal ids turned into labels, unused slots 0."""
    counts = (links[:, 0] & 0xFFFF).astype(np.int64)
    if counts.max(initial=0) > max_links:
        raise FormatError(filename, "damaged HNSW index (a link count past its maximum)")
    used = np.arange(max_links)[None, :] < counts[:, None]
    targets = np.where(used, links[:, 1:], 0).astype(np.int64)
    if targets.max(initial=0) >= len(labels):
        raise FormatError(filename, "damaged HNSW index (a link out of range)")
    out = np.empty(links.shape, np.int32)
    out[:, 0] = counts
    out[:, 1:] = np.where(used, labels[targets], 0)
    return out


def _upper_layers(filename, size, start, labels, max_m):
    """(upper_offset, upper) by label from hnswlib's per-element link lists at `start`."""
    n, block = len(labels), max_m + 1
    with open(filename, "rb") as f:
        f.seek(start)
        tail = f.read(size - start)
    levels, starts = np.zeros(n, np.int64), np.zeros(n, np.int64)
    position = 0  # a sequential walk: each list's size says where the next one starts
    for internal in range(n):
        if position + 4 > len(tail):
            raise FormatError(filename, "truncated HNSW index")
        nbytes = int.from_bytes(tail[position:position + 4], "little")
        position += 4
        if nbytes:
            if nbytes % (4 * block):
                raise FormatError(filename, "damaged HNSW index (upper layer lists)")
            if position + nbytes > len(tail):
                raise FormatError(filename, "truncated HNSW index")
            levels[internal], starts[internal] = nbytes // (4 * block), position // 4
            position += nbytes
    by_label = np.zeros(n, np.int64)
    by_label[labels] = levels
    upper_offset = np.zeros(n + 1, np.int64)
    np.cumsum(by_label * block, out=upper_offset[1:])
    # gather every element's lists in label order, then relabel their links at once
    order = np.argsort(labels, kind="stable")
    lengths = (levels * block)[order]
    first = np.repeat(starts[order] - (np.cumsum(lengths) - lengths), lengths)
    words = np.frombuffer(tail, np.uint32, len(tail) // 4)
    gathered = words[first + np.arange(upper_offset[-1])].reshape(-1, block)
    upper = _relabel(filename, gathered, labels, max_m).ravel()
    return upper_offset, upper
