"""Measure and remove a bias direction (after Bolukbasi et al. 2016, "Man is to Computer
Programmer as Woman is to Homemaker?").

Every helper is built from one projection, `project(v, g)`, the component of `v` along `g`:
`neutralize` subtracts it, `equalize` rebuilds a pair of words around it. `debias` applies both to
a whole store and returns a new `Vectors`; the store it reads is never modified (a memory-mapped
store stays read-only).

The built-in word lists (package data in `wordvec/data/`) are for gender: the paper's ten
definitional pairs (`gender_pairs.txt`), words that carry gender by definition
(`gender_specific.txt`), pairs to equalize (`gender_equalize.txt`) and gender-neutral
professions for the report (`professions.txt`). Pass your own pairs for any other bias.

Examples
--------
>>> import numpy as np
>>> from wordvec.debias import neutralize, project
>>> g = np.array([1.0, 0.0])
>>> project(np.array([3.0, 4.0]), g).tolist(), neutralize(np.array([3.0, 4.0]), g).tolist()
([3.0, 0.0], [0.0, 4.0])
"""

from importlib import resources

import numpy as np

from ._lines import utf8_lines
from .errors import FormatError
from .store import Vectors

_CHUNK = 65536  # rows neutralised at a time (float64 scratch of _CHUNK x dim)


# ---------------------------------------------------------------------------- word lists
def _read_lines(path, fields, what):
    """Non-comment lines of a UTF-8 word-list file split on whitespace, `fields` per line."""
    out = []
    for lineno, line in utf8_lines(path):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) != fields:
            raise FormatError(path, f"expected {what}, got {len(parts)} fields", lineno)
        out.append(tuple(parts) if fields > 1 else parts[0])
    return out


def read_pairs(path):
    """Pairs from a file of `word1 word2` lines (`#` comments) -> list of 2-tuples."""
    return _read_lines(path, 2, "two words")


def read_words(path):
    """Words from a file of one word per line (`#` comments) -> list of str."""
    return _read_lines(path, 1, "one word")


def _data(name):
    return resources.files("wordvec.data").joinpath(name)


def default_pairs():
    """The paper's ten definitional gender pairs, female word first: `[("woman", "man"), ...]`."""
    return read_pairs(_data("gender_pairs.txt"))


def default_exclude():
    """Words that carry gender by definition (left alone by `debias`)."""
    return read_words(_data("gender_specific.txt"))


def default_equalize():
    """Gender pairs that `debias` equalizes."""
    return read_pairs(_data("gender_equalize.txt"))


def default_professions():
    """Gender-neutral professions for `bias_report`."""
    return read_words(_data("professions.txt"))


# ---------------------------------------------------------------------------- projections
def project(v, g):
    """The component of `v` along `g`: `(v.g / |g|^2) g`, for `(dim,)` or `(n, dim)` `v`."""
    v = np.asarray(v, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    return np.multiply.outer(v @ g / (g @ g), g)


def neutralize(v, g):
    """`v` minus its projection on `g` (orthogonal to `g`); `(dim,)` or `(n, dim)`, float64."""
    return np.asarray(v, dtype=np.float64) - project(v, g)


def cosine(v, g):
    """Cosine of `v` (`(dim,)` or `(n, dim)`) with the direction `g`; zero rows give 0."""
    v = np.asarray(v, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    norms = np.linalg.norm(v, axis=-1) * np.linalg.norm(g)
    return np.divide(v @ g, norms, out=np.zeros_like(norms), where=norms > 0)


def equalize(pair, g, vectors):
    """Move a pair of words to equal distance from the subspace orthogonal to `g`.

    The course's equations, on the vectors as stored (not unit-normalised first):
    mu = (e1 + e2)/2, mu_B = proj(mu), mu_orth = mu - mu_B, and for each word
    e_wB = proj(e_w), corrected = sqrt(|1 - |mu_orth|^2|) (e_wB - mu_B) / |e_w - mu_orth - mu_B|,
    result = corrected + mu_orth. The two results share `mu_orth` and differ only along `g`.

    Parameters
    ----------
    pair : (str, str)
    g : array_like, shape (dim,)
    vectors : Vectors (or any mapping word -> vector)

    Returns
    -------
    (e1, e2) : two float64 arrays of shape (dim,)
    """
    w1, w2 = pair
    e1 = np.asarray(vectors[w1], dtype=np.float64)
    e2 = np.asarray(vectors[w2], dtype=np.float64)
    if np.array_equal(e1, e2):
        raise ValueError(f"cannot equalize {w1!r} and {w2!r}: their vectors are identical")
    mu = (e1 + e2) / 2
    mu_B = project(mu, g)
    mu_orth = mu - mu_B
    scale = np.sqrt(np.abs(1.0 - mu_orth @ mu_orth))
    out = []
    for e in (e1, e2):
        denom = np.linalg.norm(e - mu_orth - mu_B)
        out.append(scale * (project(e, g) - mu_B) / denom + mu_orth)
    return out[0], out[1]


# ---------------------------------------------------------------------------- the direction
def bias_direction(vectors, pairs=None):
    """The bias direction of a store, as a unit vector `(dim,)` float64.

    One pair `(a, b)` gives `a - b`; several give the first principal component of the centred
    pairs (each word minus its pair's mean), signed to agree with the mean `a - b`.
    `pairs` defaults to those of the ten gender pairs the store has (so the direction points
    from male to female); words of pairs you give must all be known (`KeyError` naming them).
    """
    if pairs is None:
        pairs = [p for p in default_pairs() if p[0] in vectors and p[1] in vectors]
        if not pairs:
            raise KeyError("none of the default gender pairs is in the vocabulary")
    pairs = [tuple(p) for p in pairs]
    if not pairs:
        raise ValueError("need at least one pair of words for a bias direction")
    for p in pairs:
        if len(p) != 2:
            raise ValueError(f"a pair needs two words, got {p!r}")
    missing = [w for p in pairs for w in p if w not in vectors]
    if missing:
        raise KeyError(f"{', '.join(map(repr, missing))} not in vocabulary")
    a = vectors[[p[0] for p in pairs]].astype(np.float64)
    b = vectors[[p[1] for p in pairs]].astype(np.float64)
    if len(pairs) == 1:
        g = a[0] - b[0]
    else:
        half = (a - b) / 2  # a - mean and b - mean are +half and -half
        g = np.linalg.svd(np.vstack([half, -half]), full_matrices=False)[2][0]
        if g @ (a - b).sum(axis=0) < 0:
            g = -g
    norm = np.linalg.norm(g)
    if norm == 0:
        raise ValueError(f"the pairs {pairs!r} give a zero bias direction")
    return g / norm


# ---------------------------------------------------------------------------- the store
def _with_cases(words):
    """Each word as given, Title-cased and UPPER-cased (for cased stores), order kept."""
    return list(dict.fromkeys(v for w in words for v in (w, w.title(), w.upper())))


def debias(vectors, pairs=None, exclude=None, equalize_pairs=None):
    """A debiased copy of `vectors`: neutralise every word except `exclude`, then equalize pairs.

    Parameters
    ----------
    vectors : Vectors
        Read only; may be memory-mapped.
    pairs : list of (str, str), optional
        Definitional pairs for `bias_direction` (default: the ten gender pairs).
    exclude : list of str, optional
        Words left alone because they carry the direction by definition. Default: the built-in
        gender-specific list with the default pairs; with your own pairs, only their words.
        The words of `pairs` and `equalize_pairs` are always left out of neutralisation.
    equalize_pairs : list of (str, str), optional
        Pairs passed through `equalize`. Default: the built-in gender pairs with the default
        `pairs`; with your own pairs, those pairs.

    Each exclude/equalize word is also tried Title-cased and UPPER-cased; words the store lacks
    are skipped. Returns a new in-memory `Vectors` (counts copied).
    """
    g = bias_direction(vectors, pairs)
    custom = pairs is not None
    pairs = [tuple(p) for p in pairs] if custom else default_pairs()
    if exclude is None:
        exclude = [] if custom else default_exclude()
    if equalize_pairs is None:
        equalize_pairs = pairs if custom else default_equalize()
    cased_pairs = [p for a, b in equalize_pairs
                   for p in dict.fromkeys([(a, b), (a.title(), b.title()), (a.upper(), b.upper())])
                   if p[0] in vectors and p[1] in vectors]
    keep = set(_with_cases([*exclude, *(w for p in pairs for w in p),
                            *(w for p in equalize_pairs for w in p)]))

    out = np.empty(vectors.vectors.shape, dtype=np.float32)
    src = vectors.vectors
    for start in range(0, len(vectors), _CHUNK):
        out[start:start + _CHUNK] = neutralize(src[start:start + _CHUNK], g)
    kept = [vectors.key_to_index[w] for w in keep if w in vectors.key_to_index]
    out[kept] = src[kept]
    result = Vectors(list(vectors.keys), out,
                     None if vectors.counts is None else vectors.counts.copy())
    for a, b in cased_pairs:
        e1, e2 = equalize((a, b), g, vectors)
        out[result.key_to_index[a]] = e1
        out[result.key_to_index[b]] = e2
    return result


# ---------------------------------------------------------------------------- the report
def bias_report(before, after=None, words=None, pairs=None):
    """Per-word bias table (pandas): cosine and scalar projection on the bias direction.

    The direction comes from `before` (`bias_direction(before, pairs)`, a unit vector, so the
    projection is `e.g`). Columns: `cos_before`, `proj_before`, and with `after` (e.g.
    `debias(before)`) `cos_after`, `proj_after`. `report.abs().mean()` gives the mean absolute
    values. `words` defaults to the built-in professions the store has; words you name must all
    be known (`KeyError` naming the missing ones).
    """
    import pandas as pd

    if words is None:
        words = [w for w in default_professions() if w in before]
    else:
        words = list(words)
        missing = [w for w in words if w not in before or (after is not None and w not in after)]
        if missing:
            raise KeyError(f"{', '.join(map(repr, missing))} not in vocabulary")
    g = bias_direction(before, pairs)
    columns = {}
    for name, store in (("before", before), ("after", after)):
        if store is None:
            continue
        e = store[words].astype(np.float64)
        columns[f"cos_{name}"] = cosine(e, g)
        columns[f"proj_{name}"] = e @ g
    return pd.DataFrame(columns, index=pd.Index(words, name="word"))


def analogy_change(before, after, restrict_vocab=30000, questions="questions-words"):
    """Analogy accuracy of two stores on the same questions (pandas, one row per store).

    3CosAdd over the `restrict_vocab` most frequent words (`wordvec.evaluate.evaluate_analogies`,
    Google's questions-words.txt by default). Columns: `accuracy`, `correct`, `total`.
    """
    import pandas as pd

    from .evaluate import evaluate_analogies

    rows = {name: evaluate_analogies(store, questions, restrict_vocab=restrict_vocab)
            .loc["overall", ["accuracy", "correct", "total"]]
            for name, store in (("before", before), ("after", after))}
    return pd.DataFrame(rows).T.astype({"correct": int, "total": int})
