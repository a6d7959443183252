"""Co-occurrence counting: exact agreement with a brute-force count (in memory, and through
many shards merged in several passes), the on-disk format, the memory budget, the CLI."""

import json
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec.corpus import Corpus, Vocabulary, encode_corpus
from wordvec.errors import FormatError
from wordvec.train.cooccur import (
    count_cooccurrences,
    count_ids,
    load_cooccurrence,
    parse_memory,
)


def brute_force(sentences, vocab, window, symmetric):
    """{(i, j): exact Fraction} by the definition: pairs within sentences, unknown words dropped."""
    counts = {}
    for sentence in sentences:
        ids = [vocab.word_to_id[w] for w in sentence if w in vocab.word_to_id]
        for p, b in enumerate(ids):
            for q in range(max(0, p - window), p):
                a, w = ids[q], Fraction(1, p - q)
                counts[a, b] = counts.get((a, b), 0) + w
                if symmetric:
                    counts[b, a] = counts.get((b, a), 0) + w
    return counts


def assert_exact(X, expected):
    keys = sorted(expected)
    assert X.nnz == len(keys)
    assert np.array_equal(X.rows, [k[0] for k in keys])
    assert np.array_equal(X.cols, [k[1] for k in keys])
    assert np.array_equal(X.vals, [float(expected[k]) for k in keys])   # bit-for-bit


@pytest.fixture(scope="module")
def lee(gensim_data, tmp_path_factory):
    """The first 120 documents of gensim's Lee corpus (24k tokens), one per line."""
    lines = gensim_data("lee_background.cor").read_text(encoding="utf-8").splitlines()[:120]
    path = tmp_path_factory.mktemp("lee") / "lee.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sentences = [line.split() for line in lines]
    return path, sentences, Vocabulary.build(Corpus(path), min_count=2)


def test_hand_counted_example(tmp_path):
    corpus = [["a", "b", "c"], ["b", "a", "zz"], ["c"]]
    X = count_cooccurrences(corpus, tmp_path / "x", window=2, min_count=1, progress=False)
    got = {(X.words[r], X.words[c]): v for r, c, v in zip(X.rows, X.cols, X.vals, strict=True)}
    # a-b at distance 1 twice (both orders), a-c at 2, b-c at 1, zz-a 1, zz-b 1/2
    assert got == {("a", "b"): 2.0, ("b", "a"): 2.0, ("a", "c"): 0.5, ("c", "a"): 0.5,
                   ("b", "c"): 1.0, ("c", "b"): 1.0, ("a", "zz"): 1.0, ("zz", "a"): 1.0,
                   ("b", "zz"): 0.5, ("zz", "b"): 0.5}
    left = count_cooccurrences(corpus, tmp_path / "y", window=2, min_count=1, symmetric=False,
                               progress=False)
    got = {(left.words[r], left.words[c]): v
           for r, c, v in zip(left.rows, left.cols, left.vals, strict=True)}
    assert got == {("a", "b"): 1.0, ("b", "a"): 1.0, ("a", "c"): 0.5, ("b", "c"): 1.0,
                   ("a", "zz"): 1.0, ("b", "zz"): 0.5}


@pytest.mark.parametrize("symmetric", [True, False])
def test_equals_brute_force_in_memory_and_through_shards(lee, tmp_path, symmetric):
    path, sentences, vocab = lee
    expected = brute_force(sentences, vocab, 10, symmetric)
    X = count_cooccurrences(path, tmp_path / "mem", window=10, symmetric=symmetric,
                            vocabulary=vocab, progress=False)
    assert X.meta["shards"] == 0
    assert_exact(X, expected)
    # 64K budget: hundreds of shards; fan-in 4 forces several merge passes
    Y = count_cooccurrences(path, tmp_path / "disk", window=10, symmetric=symmetric,
                            vocabulary=vocab, memory="64K", fan_in=4, progress=False)
    assert Y.meta["shards"] > 16 and Y.meta["merge_passes"] >= 3
    assert_exact(Y, expected)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no shards left


def test_format_is_plain_arrays(lee, tmp_path):
    path, _, vocab = lee
    count_cooccurrences(path, tmp_path / "c", window=3, vocabulary=vocab, progress=False)
    folder = tmp_path / "c"
    meta = json.loads((folder / "meta.json").read_text())
    files = meta["files"]   # the manifest names one version's files
    assert sorted(files) == ["cols.npy", "rows.npy", "vals.npy", "vocab.txt"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*files.values(), "meta.json"])
    rows = np.load(folder / files["rows.npy"], mmap_mode="r")
    assert rows.dtype == np.int32 and rows.shape == (meta["nnz"],)
    assert np.load(folder / files["vals.npy"]).dtype == np.float64
    lines = (folder / files["vocab.txt"]).read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"{vocab.words[0]}\t{vocab.counts[0]}" and len(lines) == len(vocab)
    X = load_cooccurrence(folder)
    assert isinstance(X.rows, np.memmap)
    key = X.rows.astype(np.int64) << 32 | X.cols
    assert np.all(np.diff(key) > 0)   # sorted by (row, col), no duplicates
    dense = X.to_scipy().toarray()
    assert np.array_equal(dense, dense.T)   # symmetric counts
    assert dense.shape == (len(vocab), len(vocab)) and dense.sum() == pytest.approx(X.vals.sum())


def test_read_gives_slices_without_the_map(lee, tmp_path):
    path, _, vocab = lee
    count_cooccurrences(path, tmp_path / "c", window=3, vocabulary=vocab, progress=False)
    mapped = load_cooccurrence(tmp_path / "c")
    loaded = load_cooccurrence(tmp_path / "c", mmap=False)
    n = mapped.nnz
    for name in ("rows", "cols", "vals"):
        for lo, hi in ((0, 7), (n - 5, n + 3), (1234, 5678), (n, n)):
            got = mapped.read(name, lo, hi)
            assert type(got) is np.ndarray and got.dtype == getattr(mapped, name).dtype
            np.testing.assert_array_equal(got, np.asarray(getattr(mapped, name)[lo:hi]))
            np.testing.assert_array_equal(loaded.read(name, lo, hi), got)
    vals_file = tmp_path / "c" / mapped.meta["files"]["vals.npy"]
    header = vals_file.stat().st_size - 8 * n
    with open(vals_file, "r+b") as f:
        f.truncate(header + 8 * (n - 2))  # the map was made before: reads find the end
    with pytest.raises(FormatError, match=f"file ends before element {n}"):
        mapped.read("vals", n - 4, n)


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="window must be an integer in 1..20, got 0"):
        count_cooccurrences([["a", "b"]], tmp_path / "x", window=0, min_count=1)
    with pytest.raises(ValueError, match="memory must be bytes or a size"):
        parse_memory("lots")
    assert parse_memory("2G") == 2**31 and parse_memory("1.5M") == 1572864
    with pytest.raises(FormatError, match="no meta.json"):
        load_cooccurrence(tmp_path)


@pytest.mark.parametrize("budget", [1 << 16, 1 << 20])
def test_peak_memory_stays_within_budget(lee, tmp_path, budget):
    """Every array of the counting and merging phases is allocated by numpy, which tracemalloc
    sees. Allowed overhead: 64K plus 100 bytes per vocabulary word (the vocab.txt lines).
    The encoded corpus is memory-mapped and made beforehand. Measured on this corpus: 64K
    budget -> 0.23 MB peak (the vocabulary dominates); 1M budget -> 0.77 MB."""
    path, _, vocab = lee
    with encode_corpus(Corpus(path), vocab) as enc:
        starts = np.concatenate([[0], enc.ends])
        def count(out):
            return count_ids([(enc.ids, starts)], vocab.words, vocab.counts, out, window=10,
                             memory=budget, fan_in=8, progress=False)

        # The same call once unmeasured first: compiling or loading the numba kernels and
        # first-time imports allocate memory that is not part of the counting budget.
        count(tmp_path / "warm")
        tracemalloc.start()
        try:
            meta = count(tmp_path / "c")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert meta["shards"] > 8 and meta["merge_passes"] >= 2
    assert peak <= budget + 64 * 1024 + 100 * len(vocab), peak
    if budget >= 1 << 20:
        assert peak >= budget // 2   # the budget is actually used


def test_cli_cooccur(lee, tmp_path):
    path, sentences, vocab = lee
    out = tmp_path / "counts"
    result = CliRunner().invoke(main, ["cooccur", str(path), "-o", str(out), "--window", "4",
                                       "--min-count", "2", "--memory", "64K", "--asymmetric",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert_exact(load_cooccurrence(out), brute_force(sentences, vocab, 4, False))
    assert "nonzeros" in result.output
    bad = CliRunner().invoke(main, ["cooccur", str(path), "-o", str(out), "--window", "50"])
    assert bad.exit_code == 2 and "--window" in bad.output and "1<=x<=20" in bad.output
    # An output that is the corpus would overwrite it: a usage error, the corpus untouched.
    before = path.read_bytes()
    same = CliRunner().invoke(main, ["cooccur", str(path), "-o", str(path), "--quiet"])
    assert same.exit_code == 2 and "is the input" in same.output
    assert path.read_bytes() == before
