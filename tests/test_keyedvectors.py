"""Issue 12: a gensim user's API on `wordvec.Vectors`, with gensim's `KeyedVectors` built from
the same vectors as the oracle (scores to 1e-5, rankings equal up to near-ties), and
restrict_vocab with query words past the first N rows, in the library and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest
from gensim.models import KeyedVectors
from ties import assert_same_ranking

import wordvec
from wordvec import FormatError, Vectors
from wordvec.errors import TruncatedFileError

TOL = 1e-5
N, DIM = 400, 16


def same(ours, theirs):
    assert_same_ranking(ours, theirs, tol=TOL)


def gensim_of(keys, matrix):
    """The oracle, built by gensim itself (not by our `to_gensim`)."""
    kv = KeyedVectors(vector_size=matrix.shape[1])
    kv.add_vectors(list(keys), np.array(matrix, dtype=np.float32))
    return kv


@pytest.fixture
def pair():
    """A random store and gensim's KeyedVectors of the same vectors (fresh per test: some
    tests mutate them)."""
    rng = np.random.default_rng(12)
    matrix = rng.normal(size=(N, DIM)).astype(np.float32)
    keys = [f"w{i}" for i in range(N)]
    return Vectors(keys, matrix), gensim_of(keys, matrix)


def wordvec_cli(*args, stdin=None):
    """Run the real CLI in a subprocess -> (exit status, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "wordvec", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


# ---------------------------------------------------------------- restrict_vocab
@pytest.mark.parametrize("positive, negative", [
    (["w350"], []),                   # the query word lies past the first 100 rows
    (["w300", "w5"], ["w390"]),
    (["w1"], ["w399"]),
    ([np.full(DIM, 0.5, np.float32), "w250"], []),
])
def test_restrict_vocab_matches_gensim(pair, positive, negative):
    v, kv = pair
    ours = v.most_similar(positive, negative, topn=10, restrict_vocab=100)
    same(ours, kv.most_similar(positive, negative, topn=10, restrict_vocab=100))
    assert all(v.index(w) < 100 for w, _ in ours)
    np.testing.assert_allclose(v.most_similar(positive, negative, topn=None, restrict_vocab=100),
                               kv.most_similar(positive, negative, topn=None, restrict_vocab=100),
                               atol=TOL)


def test_restrict_vocab_analogies_and_batches_match_gensim(pair):
    v, kv = pair
    a, b, c = "w310", "w20", "w399"
    same(v.analogy(a, b, c, restrict_vocab=50),
         kv.most_similar(positive=[a, c], negative=[b], topn=10, restrict_vocab=50))
    # gensim's most_similar_cosmul ignores restrict_vocab: restrict its full scores by hand
    scores = kv.most_similar_cosmul(positive=[a, c], negative=[b], topn=None)[:50].copy()
    scores[[kv.get_index(w) for w in (a, b, c) if kv.get_index(w) < 50]] = -np.inf
    best = np.argsort(-scores, kind="stable")[:10]
    same(v.most_similar_cosmul([a, c], [b], restrict_vocab=50, epsilon=1e-6),
         [(kv.index_to_key[i], float(scores[i])) for i in best])
    assert v.analogy(a, b, c, method="mul", restrict_vocab=50) == \
        v.most_similar_cosmul([a, c], [b], restrict_vocab=50)
    words = ["w350", "w3", "w120"]
    for word, row in zip(words, v.most_similar_batch(words, restrict_vocab=100), strict=True):
        same(row, kv.most_similar(word, topn=10, restrict_vocab=100))


def test_glove_restrict_vocab_library_and_cli(glove_20k_store):
    """The issue's commands on the first 20,000 GloVe words: frog is row 12260, king 691."""
    v = wordvec.load(glove_20k_store)
    kv = gensim_of(v.keys, v.vectors)
    store = str(glove_20k_store)
    theirs = kv.most_similar("frog", topn=10, restrict_vocab=10000)
    same(v.most_similar("frog", restrict_vocab=10000), theirs)
    status, out, err = wordvec_cli("similar", "frog", "--restrict-vocab", "10000", "--json",
                                   "--vectors", store)
    assert (status, err) == (0, "")
    same([(r["word"], r["score"]) for r in json.loads(out)], theirs)
    status, out, err = wordvec_cli("similar", "-", "--restrict-vocab", "10000", "--json",
                                   "--vectors", store, stdin="frog\n")
    assert (status, err) == (0, "")
    same([(r["word"], r["score"]) for r in json.loads(out)["neighbours"]], theirs)

    theirs = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=10,
                             restrict_vocab=500)
    same(v.analogy("king", "man", "woman", restrict_vocab=500), theirs)
    status, out, err = wordvec_cli("analogy", "king", "man", "woman", "--restrict-vocab", "500",
                                   "--json", "--vectors", store)
    assert (status, err) == (0, "")
    same([(r["word"], r["score"]) for r in json.loads(out)], theirs)
    status, out, err = wordvec_cli("analogy", "king", "man", "woman", "--restrict-vocab", "500",
                                   "--method", "mul", "--vectors", store)
    assert status == 0 and err == "" and len(out.splitlines()) == 10


# ---------------------------------------------------------------- gensim's names
def test_lookup_names(pair):
    v, kv = pair
    assert v.index_to_key == kv.index_to_key and v.key_to_index == kv.key_to_index
    assert v.vector_size == kv.vector_size == DIM
    for key in ("w0", "w17", "w399"):
        np.testing.assert_array_equal(v.get_vector(key), kv.get_vector(key))
        np.testing.assert_allclose(v.get_vector(key, norm=True), kv.get_vector(key, norm=True),
                                   atol=1e-7)
    assert not v.get_vector("w1").flags.writeable
    assert not v.get_vector("w1", norm=True).flags.writeable
    assert (v.get_index("w5"), v.get_index(7), v.get_index("nope", -1)) == \
        (kv.get_index("w5"), kv.get_index(7), kv.get_index("nope", -1)) == (5, 7, -1)
    assert [v.has_index_for(k) for k in ("w3", 3, N, "nope")] == \
        [kv.has_index_for(k) for k in ("w3", 3, N, "nope")] == [True, True, False, False]
    with pytest.raises(KeyError, match="'nope' not in vocabulary"):
        v.get_index("nope")


def test_neighbour_names(pair):
    v, kv = pair
    same(v.similar_by_word("w8", topn=7), kv.similar_by_word("w8", topn=7))
    vector = v["w8"] + v["w9"]
    same(v.similar_by_vector(vector, topn=7), kv.similar_by_vector(vector, topn=7))
    same(v.similar_by_word("w8", topn=5, restrict_vocab=30),
         kv.similar_by_word("w8", topn=5, restrict_vocab=30))
    # a 2-D array of vectors is a list of positive vectors
    matrix = v[["w1", "w2", "w3"]]
    same(v.most_similar(positive=matrix), kv.most_similar(positive=list(matrix)))
    np.testing.assert_allclose(v.most_similar("w4", topn=None), kv.most_similar("w4", topn=None),
                               atol=TOL)
    assert v.most_similar("w4", topn=0) == kv.most_similar("w4", topn=0) == []


def test_pairwise_names(pair):
    v, kv = pair
    assert v.distance("w1", "w2") == pytest.approx(kv.distance("w1", "w2"), abs=TOL)
    assert v.n_similarity(["w1", "w2"], ["w3", "w4", "w5"]) == pytest.approx(
        kv.n_similarity(["w1", "w2"], ["w3", "w4", "w5"]), abs=TOL)
    np.testing.assert_allclose(v.distances("w7"), kv.distances("w7"), atol=TOL)
    np.testing.assert_allclose(v.distances("w7", ["w1", "w9"]), kv.distances("w7", ["w1", "w9"]),
                               atol=TOL)
    np.testing.assert_allclose(v.distances(v["w7"] * 3), kv.distances(v["w7"] * 3), atol=TOL)
    assert v.relative_cosine_similarity("w1", "w2", topn=5) == pytest.approx(
        KeyedVectors.relative_cosine_similarity(kv, "w1", "w2", topn=5), abs=TOL)
    with pytest.raises(ValueError, match="non-empty"):
        v.n_similarity([], ["w1"])


@pytest.mark.parametrize("a, b", [("w0", "w1"), ("w10", "w399"), ("w42", "w43")])
def test_closer_than_and_rank(pair, a, b):
    v, kv = pair
    ours, theirs = v.closer_than(a, b), kv.closer_than(a, b)
    # words on either side of the threshold by less than TOL may fall either way
    threshold = kv.distance(a, b)
    for word in set(ours) ^ set(theirs):
        assert abs(kv.distance(a, word) - threshold) < TOL
    assert ours == sorted(ours, key=v.index)   # row order, as gensim
    assert v.words_closer_than(a, b) == ours
    assert v.rank(a, b) == len(ours) + 1
    assert abs(v.rank(a, b) - kv.rank(a, b)) <= len(set(ours) ^ set(theirs))


def test_most_similar_to_given(pair):
    v, kv = pair
    for word, candidates in [("w0", ["w1", "w2", "w3", "w300"]), ("w5", ["w5", "w6"])]:
        ours, theirs = v.most_similar_to_given(word, candidates), \
            kv.most_similar_to_given(word, candidates)
        assert ours == theirs or abs(kv.similarity(word, ours) - kv.similarity(word, theirs)) < TOL
    with pytest.raises(KeyError, match="'nope'"):
        v.most_similar_to_given("w0", ["w1", "nope"])


@pytest.mark.parametrize("kwargs", [
    {}, {"pre_normalize": False}, {"post_normalize": True}, {"weights": [0.5, -2.0, 1.0]},
    {"weights": [1.0, 2.0, 3.0], "pre_normalize": False, "post_normalize": True},
])
def test_get_mean_vector(pair, kwargs):
    v, kv = pair
    keys = ["w1", "w2", np.arange(DIM, dtype=np.float32)]
    np.testing.assert_allclose(v.get_mean_vector(keys, **kwargs),
                               kv.get_mean_vector(keys, **kwargs), atol=TOL)
    with_unknown = ["w1", "nope", "w3"]
    weights = kwargs.get("weights")
    np.testing.assert_allclose(v.get_mean_vector(with_unknown, **kwargs),
                               kv.get_mean_vector(with_unknown, **kwargs), atol=TOL)
    with pytest.raises(KeyError, match="'nope'"):
        v.get_mean_vector(with_unknown, ignore_missing=False, weights=weights)
    assert v.get_mean_vector(["nope"]).tolist() == kv.get_mean_vector(["nope"]).tolist() == \
        [0.0] * DIM


@pytest.mark.parametrize("positive, negative", [
    (["w1", "w3"], ["w2"]),                                    # 3CosMul
    (["w1"], []),
    (["w1", "w2", "w3"], ["w4", "w5"]),                        # the general form
    ([np.linspace(-1, 1, DIM, dtype=np.float32), "w9"], ["w10"]),   # a raw vector, as given
    ("w7", "w8"),
])
def test_most_similar_cosmul_scores_equal_gensims(pair, positive, negative):
    v, kv = pair
    same(v.most_similar_cosmul(positive, negative, topn=12, epsilon=1e-6),
         kv.most_similar_cosmul(positive, negative, topn=12))
    np.testing.assert_allclose(v.most_similar_cosmul(positive, negative, topn=None, epsilon=1e-6),
                               kv.most_similar_cosmul(positive, negative, topn=None), rtol=TOL,
                               atol=TOL)
    assert v.most_similar_cosmul(positive, negative, topn=0) == []


def test_doesnt_match_ignores_unknown_words_with_a_warning(pair):
    v, kv = pair
    words = ["w1", "nope", "w2", "w3", "gone"]
    with pytest.warns(UserWarning, match="ignoring 2 word.*'nope', 'gone'"):
        assert v.doesnt_match(words) == kv.doesnt_match(words)
    # gensim answers with the one word left; a single word has no odd one out here
    with pytest.raises(ValueError, match="at least 2 words"), pytest.warns(UserWarning):
        v.doesnt_match(["w1", "nope"])


# ---------------------------------------------------------------- mutation
def test_setitem_adds_or_replaces_as_gensim(pair):
    v, kv = pair
    rng = np.random.default_rng(1)
    new = rng.normal(size=DIM).astype(np.float32)
    before = v.similarity("w1", "w2")
    v["w1"] = kv["w1"] = new                 # replace (the unit-row cache must be dropped)
    v["fresh"] = kv["fresh"] = new * 2       # add
    matrix = rng.normal(size=(3, DIM)).astype(np.float32)
    v[["w2", "more", "w399"]] = matrix
    kv[["w2", "more", "w399"]] = matrix
    assert v.index_to_key == kv.index_to_key and len(v) == N + 2
    np.testing.assert_array_equal(v.vectors, kv.vectors)
    assert v.similarity("w1", "w2") != before
    assert v.similarity("w1", "fresh") == pytest.approx(1.0, abs=1e-6)
    same(v.most_similar("fresh"), kv.most_similar("fresh"))
    with pytest.raises(ValueError, match=r"shape \(3,\), expected \(16,\)"):
        v["w1"] = [1, 2, 3]
    with pytest.raises(ValueError, match=r"matrix for 2 words has shape \(3, 16\)"):
        v[["w1", "w2"]] = matrix
    with pytest.raises(ValueError, match="'x' is given twice"):
        v[["x", "x"]] = matrix[:2]


def test_setitem_on_a_memory_mapped_store_copies_on_write(tmp_path):
    path = tmp_path / "store"
    Vectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[7, 3]).save(path)
    v = wordvec.load(path)
    assert not v.vectors.flags.writeable          # memory-mapped, read-only
    assert v.most_similar("a", topn=1)[0][1] == pytest.approx(0.0)
    v["a"] = [1, 1]
    v[["c", "b"]] = [[0, 5], [2, 2]]
    assert v.keys == ["a", "b", "c"] and v.counts.tolist() == [7, 3, 0]
    assert v.vectors.tolist() == [[1, 1], [2, 2], [0, 5]]
    assert v.most_similar("a", topn=1)[0] == ("b", pytest.approx(1.0))
    again = wordvec.load(path)                     # the file is unchanged
    assert again.keys == ["a", "b"] and again.vectors.tolist() == [[1, 0], [0, 1]]


# ---------------------------------------------------------------- files
@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_format_round_trips_with_gensim(pair, tmp_path, binary):
    v, kv = pair
    v = Vectors(v.keys, v.vectors, counts=np.arange(N, 0, -1))     # sorted by count, as gensim
    for word in v.keys:
        kv.set_vecattr(word, "count", int(v.counts[v.index(word)]))
    ours, ours_vocab = tmp_path / "ours", tmp_path / "ours.vocab"
    v.save_word2vec_format(ours, fvocab=ours_vocab, binary=binary)
    back = KeyedVectors.load_word2vec_format(ours, fvocab=ours_vocab, binary=binary)
    assert back.index_to_key == v.keys
    np.testing.assert_array_equal(back.vectors, v.vectors)
    assert [back.get_vecattr(w, "count") for w in v.keys] == v.counts.tolist()
    theirs, theirs_vocab = tmp_path / "theirs", tmp_path / "theirs.vocab"
    kv.save_word2vec_format(theirs, fvocab=theirs_vocab, binary=binary)
    back = Vectors.load_word2vec_format(theirs, fvocab=theirs_vocab, binary=binary)
    assert back.keys == kv.index_to_key
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    assert back.counts.tolist() == [kv.get_vecattr(w, "count") for w in kv.index_to_key]


def test_word2vec_format_without_header_is_glove_text(pair, tmp_path):
    v, kv = pair
    kv.save_word2vec_format(tmp_path / "g.txt", write_header=False)
    back = Vectors.load_word2vec_format(tmp_path / "g.txt", no_header=True, limit=5)
    assert back.keys == kv.index_to_key[:5]
    v.save_word2vec_format(tmp_path / "ours.txt", write_header=False)
    assert (tmp_path / "ours.txt").read_text().split("\n")[0].split()[0] == "w0"
    with pytest.raises(ValueError, match="encoding must be utf8"):
        Vectors.load_word2vec_format(tmp_path / "g.txt", encoding="latin-1")
    with pytest.raises(ValueError, match="no counts"):
        v.save_word2vec_format(tmp_path / "x.txt", fvocab=tmp_path / "x.vocab")


def test_gensim_conversions_keep_counts_and_type(pair):
    v, _ = pair
    v = Vectors(v.keys, v.vectors, counts=np.arange(N), dtype=np.float16)
    kv = v.to_gensim()
    assert kv.vectors.dtype == np.float16 and kv.index_to_key == v.keys
    assert [kv.get_vecattr(w, "count") for w in ("w0", "w9")] == [0, 9]
    back = Vectors.from_gensim(kv)
    assert back.vectors.dtype == np.float16 and back.counts.tolist() == v.counts.tolist()
    np.testing.assert_array_equal(back.vectors, v.vectors)


@pytest.mark.parametrize("datatype", [np.float16, np.float64])
@pytest.mark.parametrize("binary", [False, True])
def test_datatype_as_gensim(tmp_path, datatype, binary):
    path = tmp_path / "v"
    path.write_text("3 4\nalpha 0.123456789 -1.5 3e4 1e-3\nbeta 1 2 3 4\n"
                    "gamma 0.1 0.2 0.30000000000000004 65519.99\n")
    if binary:
        Vectors.load_word2vec_format(path).save_word2vec_format(path, binary=True)
    ours = wordvec.load(path, datatype=datatype)
    theirs = KeyedVectors.load_word2vec_format(path, binary=binary, datatype=datatype)
    assert ours.vectors.dtype == theirs.vectors.dtype == datatype
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    if datatype == np.float64 and not binary:      # the file's digits, not float32's
        assert ours["alpha"][0] == 0.123456789
    assert ours.similarity("alpha", "beta") == pytest.approx(
        float(theirs.similarity("alpha", "beta")), abs=1e-3 if datatype == np.float16 else TOL)
    native = tmp_path / "native"
    ours.save(native)
    assert wordvec.load(native, datatype=datatype).vectors.dtype == datatype
    with pytest.raises(ValueError, match="datatype must be float16, float32 or float64"):
        wordvec.load(path, datatype=np.int32)


def test_fvocab_counts_as_gensim(tmp_path):
    (tmp_path / "v.txt").write_text("3 2\nthe 1 0\nof 0 1\nfrog 1 1\n")
    (tmp_path / "vocab.txt").write_text("</s> 99\nthe 50\nfrog 3\nof 20\n")
    ours = wordvec.load(tmp_path / "v.txt", fvocab=tmp_path / "vocab.txt")
    theirs = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "vocab.txt")
    assert ours.counts.tolist() == [theirs.get_vecattr(w, "count") for w in ours.keys] == \
        [50, 20, 3]
    (tmp_path / "short.txt").write_text("the 50\n")
    with pytest.warns(UserWarning, match=r"no count for 2 word\(s\), set to 0: 'of', 'frog'"):
        assert wordvec.load(tmp_path / "v.txt", fvocab=tmp_path / "short.txt").counts.tolist() \
            == [50, 0, 0]
    (tmp_path / "bad.txt").write_text("the 50\nof twenty\n")
    with pytest.raises(FormatError, match=r"bad.txt line 2: expected 'word count'"):
        wordvec.load(tmp_path / "v.txt", fvocab=tmp_path / "bad.txt")


def test_encoding_errors_ignore_as_gensim(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 2\ncaf\xc3\xa9 1 0\nna\xefve\xff 0 1\n")
    ours = wordvec.load(path, encoding_errors="ignore")
    theirs = KeyedVectors.load_word2vec_format(path, unicode_errors="ignore")
    assert ours.keys == theirs.index_to_key == ["café", "nave"]
    assert Vectors.load_word2vec_format(path, unicode_errors="ignore").keys == ours.keys


@pytest.mark.parametrize("binary", [False, True])
def test_truncated_files_raise_an_eof_error_as_gensim(pair, tmp_path, binary):
    v, _ = pair
    whole = tmp_path / "whole"
    Vectors(v.keys[:3], v.vectors[:3]).save_word2vec_format(whole, binary=binary)
    data = whole.read_bytes()
    cuts = [len(data) - 5, len(data) - (4 * DIM + 5)] if binary else \
        [data.rindex(b"\n", 0, len(data) - 1) + 1]        # the last line gone
    for cut in cuts:
        path = tmp_path / f"cut{cut}"
        path.write_bytes(data[:cut])
        with pytest.raises(EOFError):
            KeyedVectors.load_word2vec_format(path, binary=binary)
        with pytest.raises(TruncatedFileError, match=f"{path.name}.*(truncated|ends)") as caught:
            wordvec.load(path)
        assert isinstance(caught.value, EOFError) and isinstance(caught.value, FormatError)


def test_a_text_file_cut_inside_its_last_line_is_truncated(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text("2 3\na 1 2 3\nb 4 5")
    with pytest.raises(TruncatedFileError, match="line 3: the file ends inside this line"):
        wordvec.load(path)
    path.write_text("2 3\na 1 2 3\nb 4 5\n")             # a whole short line is not truncation
    with pytest.raises(FormatError, match="line 3: expected 3 values") as caught:
        wordvec.load(path)
    assert not isinstance(caught.value, EOFError)


# ---------------------------------------------------------------- unknown words
def test_unknown_word_messages():
    v = Vectors(["king", "strasse"], np.eye(2, dtype=np.float32))
    with pytest.raises(KeyError, match=r"'King' not in vocabulary \(did you mean 'king'\?\)"):
        v["King"]
    with pytest.raises(KeyError, match=r"'Straße' .*did you mean 'strasse'") as caught:
        v.similarity("Straße", "king")            # found by case folding, not by lower()
    assert caught.type is KeyError
    long = "x" * 500
    with pytest.raises(KeyError) as caught:
        v.most_similar(long)
    assert caught.value.args[0] == f"'{'x' * 60}'... not in vocabulary"
    with pytest.raises(KeyError, match=r"^\"'queen' not in vocabulary\"$"):
        v.index("queen")


def test_cli_suggests_the_lower_case_word(tmp_path):
    path = tmp_path / "kq"
    Vectors(["king", "queen"], np.eye(2, dtype=np.float32)).save(path)
    status, out, err = wordvec_cli("similarity", "King", "queen", "--vectors", str(path))
    assert (status, out) == (1, "")
    assert err == "wordvec: error: 'King' not in vocabulary (did you mean 'king'?)\n"
