"""Queries on a store: similarity, nearest neighbours, analogies, odd-one-out.

All scores are cosine similarities computed from the cached unit-length rows (`Vectors.normed`).
Nearest-neighbour searches share one ranking step (`_top`): it drops the excluded rows and keeps
the best `topn` of each query, for one query or a whole batch at once (no Python loop over
queries), whether the candidates are every row (exact search) or the rows an approximate index
proposed (`index=`).

Examples
--------
>>> import numpy as np
>>> from wordvec import Vectors
>>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32))
>>> round(v.similarity("a", "b"), 4)
0.7071
>>> [(w, round(s, 4)) for w, s in v.most_similar("a", topn=2)]
[('b', 0.7071), ('c', 0.0)]
"""

import os
import queue
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Levy & Goldberg (2014), eq. 4: keeps 3CosMul's denominator away from zero.
COSMUL_EPSILON = 1e-3
# Largest score block (queries x rows) held at once by batched searches: 2**25 float32 = 128 MB.
BLOCK_ELEMENTS = 1 << 25
# Block length for the top-k lower bound in `_top`.
TOP_BLOCK = 64


def _as_list(items):
    """A word, a vector, or a sequence of them -> a list."""
    if items is None:
        return []
    if isinstance(items, (str, np.ndarray)):
        return [items]
    return list(items)


def _unit(matrix):
    """Rows scaled to unit length (zero rows stay zero), float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _top(scores, topn, exclude=None, rows=None):
    """The best `topn` of each row of `scores`, skipping excluded rows: the one ranking step.

    Parameters
    ----------
    scores : ndarray, shape (n_queries, n_candidates)
        Higher is better; modified in place (excluded entries become -inf).
    topn : int
    exclude : ndarray of int, shape (n_queries, n_excluded), optional
        Store rows that must not be returned for each query; -1 pads.
    rows : ndarray of int, shape (n_queries, n_candidates), optional
        The store row of each candidate; None means candidate j is row j.

    Returns
    -------
    ids, best : ndarrays, shape (n_queries, k)
        Store rows and their scores, best first, k = min(topn, n_candidates); excluded or
        missing entries have score -inf.
    """
    n_queries, n_candidates = scores.shape
    if exclude is not None and exclude.size:
        if rows is None:
            q, e = np.nonzero(exclude >= 0)
            scores[q, exclude[q, e]] = -np.inf
        else:
            hit = (rows[:, :, None] == exclude[:, None, :]).any(axis=2)
            scores[hit] = -np.inf
    k = min(topn, n_candidates)
    # Candidates: the entries of the blocks whose maximum reaches the k-th largest block maximum
    # (a lower bound of the row's k-th best score): one pass over the scores, then only a few
    # blocks per query are looked at, instead of a selection over every row.
    starts = np.arange(0, n_candidates, TOP_BLOCK)
    if len(starts) > k:
        block_max = np.maximum.reduceat(scores, starts, axis=1)
        bound = np.partition(block_max, len(starts) - k, axis=1)[:, len(starts) - k]
        q, blocks = np.nonzero(block_max >= bound[:, None])
        cols = (starts[blocks][:, None] + np.arange(TOP_BLOCK)).ravel()
        q = np.repeat(q, TOP_BLOCK)
        inside = cols < n_candidates
        q, cols = q[inside], cols[inside]
    else:
        q, cols = np.divmod(np.arange(n_queries * n_candidates), n_candidates)
    values = scores[q, cols]
    order = np.lexsort((-values, q))  # by query, then best first (stable on ties)
    q, cols, values = q[order], cols[order], values[order]
    rank = np.arange(len(q)) - np.searchsorted(q, q)
    keep = rank < k
    q, rank = q[keep], rank[keep]
    best = np.full((n_queries, k), -np.inf, dtype=scores.dtype)
    best[q, rank] = values[keep]
    cols_out = np.zeros((n_queries, k), dtype=np.int64)
    cols_out[q, rank] = cols[keep]
    cols = cols_out
    ids = cols if rows is None else np.take_along_axis(rows, cols, axis=1)
    return ids, best


class QueryMixin:
    """Query methods of `Vectors` (kept here so that store.py stays about storage)."""

    # ------------------------------------------------------------------ helpers
    def _vector(self, item):
        """A raw query vector -> float32 `(dim,)`; ValueError naming a wrong shape."""
        vector = np.asarray(item, dtype=np.float32)
        if vector.shape != (self.dim,):
            raise ValueError(f"query vector has shape {vector.shape}, expected ({self.dim},)")
        return vector

    def _unit_vector(self, item):
        """A word or a raw vector -> its unit float32 vector."""
        return self.normed[self.index(item)] if isinstance(item, str) else _unit(self._vector(item))

    def _restrict(self, restrict_vocab):
        """Number of leading rows a search looks at."""
        if restrict_vocab is None:
            return len(self)
        if restrict_vocab < 1:
            raise ValueError(f"restrict_vocab must be >= 1, got {restrict_vocab}")
        return min(int(restrict_vocab), len(self))

    def _candidates(self, query, k, n_rows, index):
        """Candidate rows for one query vector: None (all of the first n_rows) or the index's."""
        if index is None:
            return None
        if n_rows != len(self):
            raise ValueError("restrict_vocab cannot be combined with an approximate index")
        found = index.query_vector(query, k)
        return np.fromiter((row for row, _ in found), dtype=np.int64, count=len(found))

    def _pairs(self, ids, best):
        """One row of `_top` output -> [(word, score)], dropping -inf entries."""
        keys = self.keys
        return [(keys[i], float(s)) for i, s in zip(ids.tolist(), best.tolist(), strict=True)
                if s != -np.inf]

    # ------------------------------------------------------------------ queries
    def similarity(self, a, b):
        """Cosine similarity of two words (or vectors)."""
        return float(np.dot(self._unit_vector(a), self._unit_vector(b)))

    def _combine(self, positive=None, negative=None):
        """Unit vector of sum(positive) - sum(negative) and the rows of the words used.

        Words contribute their unit vectors; raw vectors are used as given (as gensim does).
        """
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise ValueError("most_similar needs at least one positive or negative word")
        total = np.zeros(self.dim, dtype=np.float32)
        used = []
        for items, sign in ((positive, 1), (negative, -1)):
            for item in items:
                if isinstance(item, str):
                    row = self.index(item)
                    vector = self.normed[row]
                    used.append(row)
                else:
                    vector = self._vector(item)
                total = total + vector if sign > 0 else total - vector
        return _unit(total), used

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None, index=None):
        """The `topn` words closest (cosine) to sum(positive) - sum(negative).

        Parameters
        ----------
        positive, negative : str, ndarray (dim,), or a list of them
            Words contribute their unit vectors; the words themselves are never returned.
        topn : int
        restrict_vocab : int, optional
            Search only the first `restrict_vocab` rows (the most frequent words, in a store sorted
            by frequency).
        index : object with ``query_vector(vector, n) -> [(row, cosine)]``, optional
            An approximate-neighbour index (`wordvec.AnnIndex`) proposing the candidate rows;
            the candidates are then ranked by their exact cosine.

        Returns
        -------
        list of (str, float)
            Best first.
        """
        if topn < 1:
            raise ValueError(f"topn must be >= 1, got {topn}")
        query, used = self._combine(positive, negative)
        return self._search(query, used, topn, restrict_vocab, index)

    def _combine_each(self, queries):
        """Unit query rows and their words' rows (-1 padded) for a list of words or word lists."""
        lists = [[q] if isinstance(q, str) else list(q) for q in queries]
        for words in lists:
            if not words or not all(isinstance(w, str) for w in words):
                raise ValueError(f"a batch query is a word or a non-empty list of words, "
                                 f"got {words!r}")
        own = np.full((len(lists), max(map(len, lists), default=0)), -1, dtype=np.int64)
        matrix = np.empty((len(lists), self.dim), dtype=np.float32)
        for i, words in enumerate(lists):
            rows = self.indices(words)
            own[i, :len(rows)] = rows
            matrix[i] = self.normed[rows[0]] if len(rows) == 1 else \
                _unit(self.normed[rows].sum(axis=0))
        return matrix, own

    def _search(self, query, used, topn, restrict_vocab, index):
        n_rows = self._restrict(restrict_vocab)
        rows = self._candidates(query, topn + len(used), n_rows, index)
        matrix = self.normed[:n_rows] if rows is None else self.normed[rows]
        scores = (matrix @ query)[None, :]
        exclude = np.array([used], dtype=np.int64).reshape(1, -1)
        ids, best = _top(scores, topn, exclude, None if rows is None else rows[None, :])
        return self._pairs(ids[0], best[0])

    def most_similar_batch(self, queries, topn=10, restrict_vocab=None):
        """Neighbours of many queries at once: one matrix product per block, no loop per query.

        Parameters
        ----------
        queries : list of str (or of lists of str), or ndarray (n_queries, dim)
            A word, or a list of words whose unit vectors are summed (as `most_similar`'s
            `positive`); the query's words are left out of its neighbours. Vector queries
            exclude nothing.
        topn : int
        restrict_vocab : int, optional
            Search only the first `restrict_vocab` rows.

        Returns
        -------
        list of list of (str, float)
            One neighbour list per query, best first.
        """
        if topn < 1:
            raise ValueError(f"topn must be >= 1, got {topn}")
        n_rows = self._restrict(restrict_vocab)
        if isinstance(queries, np.ndarray):
            if queries.ndim != 2 or queries.shape[1] != self.dim:
                raise ValueError(f"query matrix has shape {queries.shape}, "
                                 f"expected (n, {self.dim})")
            matrix, own = _unit(queries), None
        else:
            queries = [queries] if isinstance(queries, str) else list(queries)
            if all(isinstance(q, str) for q in queries):
                own = self.indices(queries)[:, None]
                matrix = self.normed[own[:, 0]]
            else:
                matrix, own = self._combine_each(queries)
        from threadpoolctl import threadpool_limits

        from ._kernels.topk_host import top_k_function

        step = max(1, min(len(matrix), BLOCK_ELEMENTS // n_rows))
        normed = self.normed[:n_rows]
        k = min(topn, n_rows)
        own = np.full((len(matrix), 0), -1, dtype=np.int64) if own is None else own
        top_k_rows = top_k_function()  # the kernel as a shared library, else numba's
        starts = range(0, len(matrix), step)
        threads = min(os.cpu_count() or 1, len(starts))
        buffers = queue.SimpleQueue()  # one scores block per thread, reused: no page faults
        for _ in range(threads):
            buffers.put(np.empty((step, n_rows), dtype=np.float32))

        def block(start):
            # One thread per block, each with a one-thread product and the GIL-free kernel.
            buffer = buffers.get()
            rows = matrix[start:start + step]
            scores = np.matmul(rows, normed.T, out=buffer[:len(rows)])
            found = top_k_rows(scores, k, own[start:start + step])
            buffers.put(buffer)
            return found

        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(threads) as pool:
            found = list(pool.map(block, starts))
        out = []
        for ids, best in found:
            out.extend(self._pairs(i, b) for i, b in zip(ids, best, strict=True))
        return out

    def analogy(self, a, b, c, topn=10, method="add", restrict_vocab=None, index=None):
        """Words x with a - b + c ~ x: `analogy("king", "man", "woman")` -> queen.

        The fastText convention (a - b + c), i.e. b:a :: c:x. `method="add"` ranks by
        cos(x, a - b + c) on unit vectors (3CosAdd); `method="mul"` by 3CosMul (Levy & Goldberg
        2014): cos'(x, a) cos'(x, c) / (cos'(x, b) + 1e-3), with cos' = (1 + cos) / 2.
        The three query words are never returned.
        """
        if method not in ("add", "mul"):
            raise ValueError(f"method must be 'add' or 'mul', got {method!r}")
        if method == "add":
            return self.most_similar(positive=[a, c], negative=[b], topn=topn,
                                     restrict_vocab=restrict_vocab, index=index)
        if topn < 1:
            raise ValueError(f"topn must be >= 1, got {topn}")
        used = self.indices([a, b, c])
        n_rows = self._restrict(restrict_vocab)
        query, _ = self._combine([a, c], [b])
        rows = self._candidates(query, topn + 3, n_rows, index)
        matrix = self.normed[:n_rows] if rows is None else self.normed[rows]
        cos = (matrix @ self.normed[used].T + 1) / 2  # (n_candidates, 3), shifted to [0, 1]
        scores = (cos[:, 0] * cos[:, 2] / (cos[:, 1] + COSMUL_EPSILON))[None, :]
        ids, best = _top(scores, topn, used[None, :], None if rows is None else rows[None, :])
        return self._pairs(ids[0], best[0])

    def rank_by_centrality(self, words):
        """(word, cosine to the mean of the unit vectors) for each word, most central first."""
        words = list(words)
        if len(words) < 2:
            raise ValueError(f"need at least 2 words to compare, got {len(words)}")
        unit = self.normed[self.indices(words)]
        centre = _unit(unit.mean(axis=0))
        scores = unit @ centre
        order = np.argsort(-scores, kind="stable")
        return [(words[i], float(scores[i])) for i in order]

    def doesnt_match(self, words):
        """The word farthest (cosine) from the mean of the unit vectors of `words`."""
        return self.rank_by_centrality(words)[-1][0]
