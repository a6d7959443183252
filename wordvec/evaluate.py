"""Analogy and word-similarity benchmarks -> pandas tables, with gensim's numbers.

`evaluate_analogies` reads Google-analogy files (`: section` lines, then `a b c d` meaning
a:b :: c:d) and answers every question with 3CosAdd (the word closest to b - a + c), in blocks of
questions (one matrix product each). `evaluate_similarities` reads word-similarity files
(`w1<TAB>w2<TAB>score`, `#` comments) and correlates the cosines with the human scores.
Both follow gensim's `KeyedVectors.evaluate_word_analogies` / `evaluate_word_pairs` exactly:
only the first `restrict_vocab` words are known and searched, words are compared upper-cased when
`case_insensitive` (the first, most frequent, case variant wins), and questions or pairs with an
unknown word are skipped and counted as out-of-vocabulary.

The sets bundled with gensim have names: "questions-words", "wordsim353", "simlex999".

Examples
--------
>>> from wordvec.pretrained import glove_6b_50d                        # doctest: +SKIP
>>> from wordvec.evaluate import evaluate_analogies
>>> table = evaluate_analogies(glove_6b_50d(), restrict_vocab=30000)  # doctest: +SKIP
>>> table.loc["overall", "accuracy"]                                   # doctest: +SKIP
0.4969...
"""

import importlib.util
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ._lines import utf8_lines
from ._progress import Progress
from .errors import FormatError, WordvecError
from .query import BLOCK_ELEMENTS, COSMUL_EPSILON, _top

DATASETS = {
    "questions-words": "questions-words.txt",
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
}
DEFAULT_ANALOGIES = "questions-words"
DEFAULT_SIMILARITIES = ("wordsim353", "simlex999")
# gensim's evaluate_word_analogies keeps the top 5 answers and takes the first that is not a
# case variant of a question word.
_ANSWERS = 5


def dataset_path(name):
    """A built-in set name ("questions-words", "wordsim353", "simlex999") or a path -> Path."""
    if str(name) not in DATASETS:
        return Path(name)
    # gensim's package data, found without importing gensim (seconds of start-up)
    spec = importlib.util.find_spec("gensim")
    if spec is None or not spec.submodule_search_locations:
        raise WordvecError(f"the built-in set {name!r} ships with gensim: pip install gensim")
    return Path(spec.submodule_search_locations[0]) / "test" / "test_data" / DATASETS[str(name)]


def _known_words(vectors, restrict_vocab, case_insensitive):
    """word (upper-cased if case_insensitive) -> row of its first occurrence in the first rows."""
    known = {}
    for row, key in enumerate(vectors.keys[:restrict_vocab]):
        known.setdefault(key.upper() if case_insensitive else key, row)
    return known


def read_analogies(path):
    """(sections, questions): section names in file order and a list of (section, a, b, c, d)."""
    path = dataset_path(path)
    sections, questions = [], []
    for line_no, line in utf8_lines(path):
        if line.startswith(": "):
            sections.append(line[2:].strip())
            continue
        words = line.split()
        if not words:
            continue
        if not sections:
            raise FormatError(path, "question before any ': section' line", line_no)
        if len(words) != 4:
            raise FormatError(path, f"expected 4 words, got {len(words)}", line_no)
        questions.append((len(sections) - 1, *words))
    return sections, questions


def read_similarities(path):
    """A list of (w1, w2, score) from a tab-separated similarity file (`#` lines are comments)."""
    path = dataset_path(path)
    pairs = []
    for line_no, line in utf8_lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise FormatError(path, f"expected 3 tab-separated fields, got {len(fields)}",
                              line_no)
        try:
            score = float(fields[2])
        except ValueError:
            raise FormatError(path, f"score {fields[2].strip()!r} is not a number",
                              line_no) from None
        pairs.append((fields[0], fields[1], score))
    return pairs


def _lookup(words, known, case_insensitive):
    """Rows of `words` (an (n, m) list of lists) in `known`, -1 where unknown."""
    rows = np.array([[known.get(w.upper() if case_insensitive else w, -1) for w in ws]
                     for ws in words], dtype=np.int64)
    return rows.reshape(len(words), -1)


def _answer(vectors, questions, n_rows, canonical, method="add", progress=False):
    """Predicted row (3CosAdd with gensim's arithmetic, or 3CosMul) for each (a, b, c) row
    triple."""
    matrix = vectors.vectors[:n_rows]
    norms = np.linalg.norm(matrix, axis=1)
    unit = lambda rows: matrix[rows] / norms[rows][:, None]  # noqa: E731
    a, b, c = questions[:, 0], questions[:, 1], questions[:, 2]
    if method == "add":
        mean = ((unit(b) + unit(c)) - unit(a)).astype(np.float64) / 3
        mean = (mean / np.linalg.norm(mean, axis=1, keepdims=True)).astype(np.float32)
    else:
        normed = vectors.normed[:n_rows]
    predicted = np.empty(len(questions), dtype=np.int64)
    threads = os.cpu_count() or 1
    # all threads' scores take one block's memory (3CosMul holds three score matrices)
    step = max(1, BLOCK_ELEMENTS // n_rows // threads // (1 if method == "add" else 3))

    def scores_of(start):
        if method == "add":
            scores = mean[start:start + step] @ matrix.T
            scores /= norms
            return scores
        shifted = [(normed[rows[start:start + step]] @ normed.T + 1) / 2 for rows in (a, b, c)]
        return shifted[1] * shifted[2] / (shifted[0] + COSMUL_EPSILON)

    def answer_block(start):
        block = questions[start:start + step, :3]
        scores = scores_of(start)
        ids, _ = _top(scores, _ANSWERS, block)
        # Skip answers that are case variants of a question word; with none left, keep the
        # last one (which then counts as wrong), as gensim does.
        variants = canonical[ids]
        ignored = (variants[:, :, None] == block[:, None, :]).any(axis=2)
        first = np.where(ignored.all(axis=1), ids.shape[1] - 1, ignored.argmin(axis=1))
        predicted[start:start + step] = variants[np.arange(len(block)), first]
        return len(block)

    # One block per thread at a time, each with a one-thread product: numpy releases the GIL
    # in the product, the division and the ranking, so the cores share all of the work.
    starts = range(0, len(questions), step)
    with threadpool_limits(1, user_api="blas"), \
            ThreadPoolExecutor(max(1, min(threads, len(starts)))) as pool, \
            Progress(f"analogies (3Cos{method.capitalize()})", unit="questions",
                     total=len(questions), enabled=progress) as bar:
        for done in pool.map(answer_block, starts):
            bar.update(done)
    return predicted


def evaluate_analogies(vectors, analogies=DEFAULT_ANALOGIES, restrict_vocab=300000,
                       case_insensitive=True, method="add", progress=False):
    """Accuracy of 3CosAdd (or 3CosMul) on an analogy set, per section and overall.

    Parameters
    ----------
    vectors : Vectors
    analogies : str or Path
        A Google-analogy file, or a built-in set name.
    restrict_vocab : int
        Only the first `restrict_vocab` words are known and searched (gensim's default 300000).
    case_insensitive : bool
        Compare upper-cased words, the first case variant of a word in the store winning.
    method : {"add", "mul"}
        3CosAdd with gensim's arithmetic (its `evaluate_word_analogies` numbers), or 3CosMul
        (Levy & Goldberg 2014) as `Vectors.analogy(b, a, c, method="mul")` ranks: the question
        a:b :: c:d is answered by argmax cos'(x, b) cos'(x, c) / (cos'(x, a) + 1e-3), with
        cos' = (1 + cos) / 2.
    progress : bool
        Show the questions answered on stderr when it is a terminal.

    Returns
    -------
    pandas.DataFrame
        Index: the sections in file order, then "overall". Columns: `correct`, `total`
        (questions answered), `accuracy` (NaN for a section with no answerable question), `oov`
        (questions skipped for an unknown word) and `oov_ratio` (oov / all questions).
    """
    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab must be >= 1, got {restrict_vocab}")
    if method not in ("add", "mul"):
        raise ValueError(f"method must be 'add' or 'mul', got {method!r}")
    n_rows = min(int(restrict_vocab), len(vectors))
    sections, questions = read_analogies(analogies)
    known = _known_words(vectors, n_rows, case_insensitive)
    rows = _lookup([q[1:] for q in questions], known, case_insensitive)
    section = np.array([q[0] for q in questions], dtype=np.int64)
    answerable = (rows >= 0).all(axis=1)
    correct = np.zeros(len(questions), dtype=bool)
    if answerable.any():
        canonical = _lookup([[k] for k in vectors.keys[:n_rows]], known, case_insensitive)[:, 0]
        predicted = _answer(vectors, rows[answerable], n_rows, canonical, method, progress)
        correct[answerable] = predicted == rows[answerable, 3]
    counts = lambda mask: np.bincount(section[mask], minlength=len(sections))  # noqa: E731
    table = pd.DataFrame({
        "correct": counts(correct),
        "total": counts(answerable),
        "oov": counts(~answerable),
    }, index=pd.Index(sections, name="section"))
    table.loc["overall"] = table.sum()
    table["accuracy"] = table["correct"] / table["total"].where(table["total"] > 0)
    table["oov_ratio"] = table["oov"] / (table["total"] + table["oov"]).where(
        table["total"] + table["oov"] > 0)
    return table[["correct", "total", "accuracy", "oov", "oov_ratio"]]


def evaluate_similarities(vectors, datasets=DEFAULT_SIMILARITIES, restrict_vocab=300000,
                          case_insensitive=True):
    """Pearson and Spearman correlation of cosines with human similarity scores.

    Parameters
    ----------
    vectors : Vectors
    datasets : str, Path, or a list of them
        Similarity files or built-in set names.
    restrict_vocab, case_insensitive
        As in `evaluate_analogies`.

    Returns
    -------
    pandas.DataFrame
        One row per data set (index: its name or file stem). Columns: `pearson`, `spearman`
        (NaN with fewer than 2 known pairs), `pairs` (pairs used), `oov` (pairs skipped for an
        unknown word), `oov_ratio`.
    """
    from scipy import stats

    if restrict_vocab < 1:
        raise ValueError(f"restrict_vocab must be >= 1, got {restrict_vocab}")
    if isinstance(datasets, (str, Path)):
        datasets = [datasets]
    n_rows = min(int(restrict_vocab), len(vectors))
    known = _known_words(vectors, n_rows, case_insensitive)
    unit = vectors.normed
    records = {}
    for dataset in datasets:
        pairs = read_similarities(dataset)
        rows = _lookup([p[:2] for p in pairs], known, case_insensitive)
        ok = (rows >= 0).all(axis=1)
        gold = np.array([p[2] for p in pairs])[ok]
        model = np.einsum("ij,ij->i", unit[rows[ok, 0]].astype(np.float64),
                          unit[rows[ok, 1]].astype(np.float64))
        name = str(dataset) if str(dataset) in DATASETS else Path(dataset).stem
        enough = ok.sum() >= 2  # a correlation needs two pairs
        records[name] = {
            "pearson": stats.pearsonr(gold, model)[0] if enough else np.nan,
            "spearman": stats.spearmanr(gold, model)[0] if enough else np.nan,
            "pairs": int(ok.sum()),
            "oov": int((~ok).sum()),
            "oov_ratio": float((~ok).mean()),
        }
    return pd.DataFrame.from_dict(records, orient="index").rename_axis("dataset")
