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
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Levy & Goldberg (2014), eq. 4: keeps 3CosMul's denominator away from zero.
COSMUL_EPSILON = 1e-3
# Largest score block (queries x rows) held at once by batched searches: 2**25 float32 = 128 MB.
BLOCK_ELEMENTS = 1 << 25
# Block length for the top-k lower bound in `_top`.
TOP_BLOCK = 64
# Float32 norms at least this large lost nothing to underflowing squares (see `_norms`).
_NORM_FLOOR = 1e-15


def _as_list(items):
    """A word, a vector, a `(n, dim)` matrix of vectors, or a sequence of them -> a list."""
    if items is None:
        return []
    if isinstance(items, np.ndarray):
        return list(items) if items.ndim == 2 else [items]
    if isinstance(items, str):
        return [items]
    return list(items)


def _norms(matrix):
    """Euclidean norm of each row (last axis), float64, without float32 overflow or underflow.

    Float32 norms first (fast); the rows whose squares may have overflowed (inf) or underflowed
    (norm below `_NORM_FLOOR`, zero rows included) are computed again in float64.
    """
    matrix = np.asarray(matrix)
    if matrix.dtype != np.float32:
        return np.linalg.norm(matrix.astype(np.float64), axis=-1)
    with np.errstate(over="ignore", under="ignore"):
        norms = np.linalg.norm(matrix, axis=-1).astype(np.float64)
    redo = ~((norms >= _NORM_FLOOR) & (norms < np.inf))
    if redo.any():
        norms[redo] = np.linalg.norm(matrix[redo].astype(np.float64), axis=-1)
    return norms


def _describe(positive, negative):
    """A query's words for a message: 'a + b - c' (vectors shown as <vector>), cut if long."""
    def name(item):
        return repr(item[:60]) if isinstance(item, str) else "<vector>"
    text = " + ".join(map(name, positive))
    if negative:
        text += (" - " if positive else "- ") + " - ".join(map(name, negative))
    return text[:300]


def _unit(matrix):
    """Rows (last axis) scaled to unit length, float32; zero rows stay zero.

    Exact for any finite float32 row, e.g. `[3e38, 3e38]`, whose float32 norm overflows.
    """
    matrix = np.asarray(matrix)
    if matrix.dtype != np.float32:
        wide = matrix.astype(np.float64)
        norms = np.linalg.norm(wide, axis=-1, keepdims=True)
        return (wide / np.where(norms == 0, 1, norms)).astype(np.float32)
    with np.errstate(over="ignore", under="ignore"):
        norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    unit = matrix / np.where(norms == 0, 1, norms)
    redo = ~((norms[..., 0] >= _NORM_FLOOR) & (norms[..., 0] < np.inf))
    if redo.any():
        unit[redo] = _unit(matrix[redo].astype(np.float64))
    return unit


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
        if rows is None:  # rows past the candidates (restrict_vocab) need no excluding
            q, e = np.nonzero((exclude >= 0) & (exclude < n_candidates))
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
    """Query methods of `Vectors` (kept here so that store.py stays about storage).

    Names, arguments and scores follow gensim's `KeyedVectors` wherever gensim has the feature.
    """

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

    def _unit_rows(self, rows):
        """Unit-length rows: from `normed` once built, else just these rows (so that one
        approximate query does not normalise the whole store)."""
        return self._normed[rows] if self._normed is not None else _unit(self._vectors[rows])

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

    def _mean(self, items, weights, pre_normalize, ignore_missing):
        """Weighted mean (float64) of words and raw vectors, and the rows of the words used.

        Words contribute their unit vectors when `pre_normalize`, raw vectors as given; unknown
        words are skipped when `ignore_missing`, else `KeyError`.
        """
        total, weight, used = np.zeros(self.dim), 0.0, []
        for item, w in zip(items, weights, strict=True):
            if isinstance(item, str):
                if ignore_missing and item not in self.key_to_index:
                    continue
                row = self.index(item)
                vector = self._unit_rows(row) if pre_normalize else self._vectors[row]
                used.append(row)
            else:
                vector = self._vector(item)
            total += w * vector.astype(np.float64)
            weight += abs(w)
        return (total / weight if weight else total), used

    def _combine(self, positive=None, negative=None):
        """Unit vector of sum(positive) - sum(negative) and the rows of the words used.

        Words contribute their unit vectors; raw vectors are used as given (as gensim does).
        """
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise ValueError("most_similar needs at least one positive or negative word")
        mean, used = self._mean(positive + negative, [1.0] * len(positive) + [-1.0] * len(negative),
                                pre_normalize=True, ignore_missing=False)
        if not np.any(mean):
            raise ValueError(f"the query {_describe(positive, negative)} is the zero vector: "
                             f"it has no direction, so no cosine")
        return _unit(mean), used

    # ------------------------------------------------------------------ pairs of words
    def similarity(self, a, b):
        """Cosine similarity of two words (or vectors)."""
        return float(np.dot(self._unit_vector(a), self._unit_vector(b)))

    def distance(self, a, b):
        """Cosine distance, `1 - similarity(a, b)`."""
        return 1.0 - self.similarity(a, b)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a word or vector to `other_words` (every row when empty),
        `(n,)` float32."""
        others = self.normed if not len(other_words) else self.normed[self.indices(other_words)]
        return 1 - others @ self._unit_vector(word_or_vector)

    def n_similarity(self, words_a, words_b):
        """Cosine similarity of the means of two word lists (raw vectors averaged, as gensim)."""
        if not (len(words_a) and len(words_b)):
            raise ValueError("n_similarity needs two non-empty word lists")
        means = [self.get_mean_vector(words, pre_normalize=False, ignore_missing=False)
                 for words in (words_a, words_b)]
        return self.similarity(*means)

    def relative_cosine_similarity(self, a, b, topn=10):
        """similarity(a, b) over the sum of the similarities of `a`'s `topn` neighbours
        (Leeuwenberg et al. 2016, eq. 1)."""
        neighbours = self.most_similar(a, topn=topn)
        if not neighbours:
            raise ValueError(f"relative_cosine_similarity needs topn >= 1, got {topn}")
        return self.similarity(a, b) / sum(score for _, score in neighbours)

    def closer_than(self, a, b):
        """The words closer (cosine) to `a` than `b` is, in row order (`a` left out)."""
        row_a, distances = self.index(a), self.distances(a)
        closer = np.flatnonzero(distances < distances[self.index(b)])
        return [self.keys[i] for i in closer.tolist() if i != row_a]

    def words_closer_than(self, a, b):
        """Gensim's older name of `closer_than`."""
        return self.closer_than(a, b)

    def rank(self, a, b):
        """Rank of `b` among the neighbours of `a`: 1 + the number of words closer to `a`."""
        return len(self.closer_than(a, b)) + 1

    def most_similar_to_given(self, word, candidates):
        """The word of `candidates` most similar to `word` (the first one on a tie)."""
        candidates = list(candidates)
        if not candidates:
            raise ValueError("most_similar_to_given needs at least one candidate")
        scores = self.normed[self.indices(candidates)] @ self._unit_vector(word)
        return candidates[int(np.argmax(scores))]

    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False,
                        ignore_missing=True):
        """Weighted mean of words and vectors, as gensim's: `sum(w_i v_i) / sum(|w_i|)`.

        Parameters
        ----------
        keys : list of str or ndarray (dim,)
        weights : array_like (n_keys,), optional
            Default 1 each.
        pre_normalize : bool
            Use the words' unit vectors (raw vectors are taken as given either way).
        post_normalize : bool
            Scale the mean to unit length.
        ignore_missing : bool
            Skip unknown words (the mean of none is the zero vector); else `KeyError`.

        Returns
        -------
        ndarray, shape (dim,)
        """
        keys = _as_list(keys)
        if not keys:
            raise ValueError("cannot compute the mean of no keys")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights.shape != (len(keys),):
            raise ValueError(f"{len(keys)} keys but weights of shape {weights.shape}")
        mean, _ = self._mean(keys, weights, pre_normalize, ignore_missing)
        return _unit(mean) if post_normalize else mean.astype(self._vectors.dtype)

    # ------------------------------------------------------------------ neighbours
    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None, index=None):
        """The `topn` words closest (cosine) to sum(positive) - sum(negative).

        Parameters
        ----------
        positive, negative : str, ndarray (dim,) or (n, dim), or a list of words and vectors
            Words contribute their unit vectors, vectors are taken as given; the words
            themselves are never returned.
        topn : int or None
            `None`: the cosine of every row (of the first `restrict_vocab`) as an array, the query
            words included, as gensim; below 1: `[]`.
        restrict_vocab : int, optional
            Search only the first `restrict_vocab` rows (the most frequent words, in a store sorted
            by frequency). The query words may lie anywhere.
        index : object with ``query_vector(vector, n) -> [(row, cosine)]``, optional
            An approximate-neighbour index (`wordvec.AnnIndex`) proposing the candidate rows;
            the candidates are then ranked by their exact cosine.

        Returns
        -------
        list of (str, float), best first; or ndarray (n_rows,) when `topn` is None
        """
        if topn is not None and topn < 1:
            return []
        query, used = self._combine(positive, negative)
        return self._search(query, used, topn, restrict_vocab, index)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """`most_similar(word)`: the neighbours of one word."""
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """`most_similar(vector)`: the words closest to a `(dim,)` vector (none left out)."""
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

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
            if not np.any(matrix[i]):
                raise ValueError(f"the query {_describe(words, [])} is the zero vector: it has "
                                 f"no direction, so no cosine")
        return matrix, own

    def _search(self, query, used, topn, restrict_vocab, index):
        n_rows = self._restrict(restrict_vocab)
        if topn is None:
            return self.normed[:n_rows] @ query
        rows = self._candidates(query, topn + len(used), n_rows, index)
        matrix = self.normed[:n_rows] if rows is None else self._unit_rows(rows)
        scores = (matrix @ query)[None, :]
        exclude = np.array([used], dtype=np.int64).reshape(1, -1)
        ids, best = _top(scores, topn, exclude, None if rows is None else rows[None, :])
        return self._pairs(ids[0], best[0])

    def most_similar_batch(self, queries, topn=10, restrict_vocab=None, index=None):
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
        index : AnnIndex, optional
            An approximate-neighbour index proposing each query's candidates (the library's
            multi-threaded batch search), then ranked by exact cosine as in `most_similar`.

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
                zero = ~matrix.any(axis=1)
                if zero.any():
                    word = queries[int(np.argmax(zero))]
                    raise ValueError(f"the query {_describe([word], [])} is the zero vector: "
                                     f"it has no direction, so no cosine")
            else:
                matrix, own = self._combine_each(queries)
        own = np.full((len(matrix), 0), -1, dtype=np.int64) if own is None else own
        if index is not None:
            return self._batch_by_index(matrix, own, topn, n_rows, index)
        from threadpoolctl import threadpool_limits

        from ._kernels.topk_host import top_k_function

        step = max(1, min(len(matrix), BLOCK_ELEMENTS // n_rows))
        normed = self.normed[:n_rows]
        k = min(topn, n_rows)
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

    def _batch_by_index(self, matrix, own, topn, n_rows, index, block=8192):
        """`most_similar_batch` over the candidates `index` proposes for each unit query row."""
        if n_rows != len(self):
            raise ValueError("restrict_vocab cannot be combined with an approximate index")
        out = []
        for start in range(0, len(matrix), block):
            queries, excluded = matrix[start:start + block], own[start:start + block]
            rows, _ = index.query_vectors(queries, topn + excluded.shape[1])
            found = rows >= 0
            units = self._unit_rows(np.where(found, rows, 0))  # (n_queries, n_candidates, dim)
            scores = np.einsum("qcd,qd->qc", units, queries)
            scores[~found] = -np.inf
            ids, best = _top(scores, topn, excluded, rows)
            out.extend(self._pairs(i, b) for i, b in zip(ids, best, strict=True))
        return out

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None,
                            index=None, epsilon=COSMUL_EPSILON):
        """Neighbours by the multiplicative objective (Levy & Goldberg 2014), as gensim's:
        prod(cos'(x, p) for p in positive) / (prod(cos'(x, n) for n in negative) + epsilon),
        with cos' = (1 + cos) / 2.

        Words count by their unit vectors, raw vectors as given; the words are never returned.
        `epsilon` is 1e-3 here (Levy & Goldberg's); gensim uses 1e-6: pass `epsilon=1e-6` for its
        scores. `topn`, `restrict_vocab` and `index` as in `most_similar`.
        """
        if topn is not None and topn < 1:
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive word or vector")
        terms, used = np.empty((len(positive) + len(negative), self.dim), np.float32), []
        for i, item in enumerate(positive + negative):
            if isinstance(item, str):
                used.append(self.index(item))
                terms[i] = self.normed[used[-1]]
            else:
                terms[i] = self._vector(item)
        n_rows = self._restrict(restrict_vocab)
        rows = None
        if topn is not None and index is not None:
            query, _ = self._combine(positive, negative)
            rows = self._candidates(query, topn + len(used), n_rows, index)
        matrix = self.normed[:n_rows] if rows is None else self.normed[rows]
        cos = (terms @ matrix.T + 1) / 2  # (n_terms, n_candidates), shifted to [0, 1]
        # products over axis 0 (a row at a time, as gensim's): fast, unlike a short axis 1
        scores = cos[:len(positive)].prod(axis=0) / (cos[len(positive):].prod(axis=0) + epsilon)
        if topn is None:
            return scores
        exclude = np.array([used], dtype=np.int64).reshape(1, -1)
        ids, best = _top(scores[None, :], topn, exclude, None if rows is None else rows[None, :])
        return self._pairs(ids[0], best[0])

    def analogy(self, a, b, c, topn=10, method="add", restrict_vocab=None, index=None):
        """Words x with a - b + c ~ x: `analogy("king", "man", "woman")` -> queen.

        The fastText convention (a - b + c), i.e. b:a :: c:x. `method="add"` ranks by
        cos(x, a - b + c) on unit vectors (3CosAdd, `most_similar`); `method="mul"` by 3CosMul
        (`most_similar_cosmul`): cos'(x, a) cos'(x, c) / (cos'(x, b) + 1e-3), with
        cos' = (1 + cos) / 2. The three query words are never returned.
        """
        if method not in ("add", "mul"):
            raise ValueError(f"method must be 'add' or 'mul', got {method!r}")
        search = self.most_similar if method == "add" else self.most_similar_cosmul
        return search(positive=[a, c], negative=[b], topn=topn, restrict_vocab=restrict_vocab,
                      index=index)

    # ------------------------------------------------------------------ odd one out
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
        """The word farthest (cosine) from the mean of the unit vectors of `words`.

        Unknown words are left out with a warning, as gensim does; at least 2 known words are
        needed (`ValueError`).
        """
        words = list(words)
        unknown = [w for w in words if w not in self.key_to_index]
        if unknown:
            warnings.warn(f"doesnt_match: ignoring {len(unknown)} word(s) not in vocabulary: "
                          f"{', '.join(map(repr, unknown[:20]))}", stacklevel=2)
        return self.rank_by_centrality([w for w in words if w in self.key_to_index])[-1][0]
