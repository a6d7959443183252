"""The numba-free side of the HNSW search kernel: `search_function()` runs `hnsw.search` as a
shared library through ctypes (`native.py`) when it can, else through numba's dispatcher.
Opening a graph and answering one query then costs no numba import."""

from pathlib import Path

import numpy as np

from .native import NativeKernel

#: The C-ABI entry point of `hnsw.search` (see `hnsw.c_entry`).
C_ARGS = (("queries", "float32*"), ("n_queries", "int64"), ("dim", "int64"),
          ("level0", "int32*"), ("unit", "float32*"), ("n", "int64"), ("width", "int64"),
          ("max_m0", "int64"), ("upper_offset", "int64*"),
          ("upper", "int32*"), ("n_upper", "int64"), ("max_m", "int64"), ("entry", "int64"),
          ("max_level", "int64"), ("ef", "int64"), ("k", "int64"), ("visited", "uint32*"),
          ("cand_d", "float32*"), ("cand_id", "int32*"), ("top_d", "float32*"),
          ("top_id", "int32*"), ("out_ids", "int64*"), ("out_cos", "float32*"),
          ("status", "int64*"))


def _build_entry():
    from .hnsw import c_entry

    return c_entry()


_HERE = Path(__file__).parent
NATIVE_KERNEL = NativeKernel("hnsw_search", C_ARGS,
                             [_HERE / "hnsw.py", _HERE / "prefetch.py", Path(__file__)],
                             _build_entry)


def search_function():
    """A callable `(graph, queries, ef, k) -> (ids, cosines, damaged)` running `hnsw.search`
    over a `wordvec.hnsw.HnswGraph`'s arrays; `queries` are C-contiguous float32 unit rows."""
    native = NATIVE_KERNEL.load()

    def run(graph, queries, ef, k):
        n = len(graph)
        ef = max(ef, k)
        visited = np.zeros(n, np.uint32)  # calloc: pages are touched only where visited
        cand_d, cand_id = np.empty(n, np.float32), np.empty(n, np.int32)
        top_d, top_id = np.empty(ef + 1, np.float32), np.empty(ef + 1, np.int32)
        ids = np.empty((len(queries), k), np.int64)
        cosines = np.empty((len(queries), k), np.float32)
        status = np.zeros(1, np.int64)
        if native is None:
            from .hnsw import search

            search(queries, graph.records, graph.records.view(np.float32), graph.max_m0,
                   graph.upper_offset, graph.upper, graph.max_m, graph.entry, graph.max_level,
                   ef, k, visited, cand_d, cand_id, top_d, top_id, ids, cosines, status)
        else:
            records = graph.records
            native(queries.ctypes.data, queries.shape[0], queries.shape[1],
                   records.ctypes.data, records.ctypes.data, n, records.shape[1], graph.max_m0,
                   graph.upper_offset.ctypes.data,
                   graph.upper.ctypes.data, len(graph.upper), graph.max_m, graph.entry,
                   graph.max_level, ef, k, visited.ctypes.data, cand_d.ctypes.data,
                   cand_id.ctypes.data, top_d.ctypes.data, top_id.ctypes.data,
                   ids.ctypes.data, cosines.ctypes.data, status.ctypes.data)
        return ids, cosines, bool(status[0])

    return run
