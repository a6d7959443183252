"""fastText's n-grams and hashing, the subword store, and reading Facebook `.bin` models."""

import json
import os
import struct

import numpy as np
import pytest

import wordvec
from wordvec.errors import FormatError
from wordvec.subwords import SubwordVectors, ft_hash, ft_hash_many, ngram_buckets, ngrams

gensim = pytest.importorskip("gensim")
DATA = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data")
LEE = os.path.join(DATA, "lee_fasttext.bin")          # fastText's old format
LEE_NEW = os.path.join(DATA, "lee_fasttext_new.bin")  # magic + version 11
OOV = ["unseenword", "nightss", "overnighters", "Ωmega", "北海道", "ab", "x"]

# gensim's test_fasttext.py values, which reproduce fastText's dictionary.cc hash
KNOWN = {"команда": 1725507386, "маленьких": 3011324125, "друзей": 737001801,
         "возит": 4225261911, "грузы": 1301826944, "всех": 706328732, "быстрей": 1379730754,
         "mysterious": 1903186891, "asteroid": 1988297200, "odyssey": 310195777,
         "introduction": 2848265721, "北海道": 4096045468, "札幌": 3909947444,
         "西区": 3653372632}


def test_hash_known_values():
    for word, value in KNOWN.items():
        assert ft_hash(word.encode()) == value, word
    many = ft_hash_many([w.encode() for w in KNOWN])
    assert many.tolist() == list(KNOWN.values())


def test_hash_by_hand():
    # FNV-1a: h = (offset ^ byte) * prime mod 2**32; byte 0xC3 is XORed as 0xFFFFFFC3
    assert ft_hash(b"") == 2166136261
    assert ft_hash(b"a") == ((2166136261 ^ 0x61) * 16777619) % 2**32
    assert ft_hash(b"\xc3") == ((2166136261 ^ 0xFFFFFFC3) * 16777619) % 2**32
    assert ft_hash_many([b"", b"a", b"\xc3"]).tolist() == [ft_hash(b""), ft_hash(b"a"),
                                                           ft_hash(b"\xc3")]


def test_ngrams_by_hand():
    assert ngrams("where", 3, 3) == ["<wh", "whe", "her", "ere", "re>"]
    assert ngrams("ab", 3, 6) == ["<ab", "<ab>", "ab>"]
    # characters, not bytes; the lone markers never
    assert ngrams("éa", 1, 2) == ["<é", "é", "éa", "a", "a>"]


def test_ngrams_match_gensim():
    from gensim.models.fasttext_inner import compute_ngrams

    for word in ["where", "北海道", "night", "x", "naïveté"]:
        assert sorted(ngrams(word, 3, 6)) == sorted(compute_ngrams(word, 3, 6))
    from gensim.models.fasttext_inner import ft_hash_bytes

    for word in ["where", "北海道", "naïveté"]:
        want = [ft_hash_bytes(g.encode()) % 1000 for g in ngrams(word, 3, 6)]
        assert ngram_buckets(word, 3, 6, 1000).tolist() == want


@pytest.mark.parametrize("path", [LEE, LEE_NEW])
def test_bin_matches_gensim(path):
    from gensim.models.fasttext import load_facebook_model

    ours = wordvec.load(path)
    theirs = load_facebook_model(path).wv
    assert isinstance(ours, SubwordVectors)
    assert ours.keys == list(theirs.index_to_key)
    assert (ours.minn, ours.maxn, ours.bucket) == (theirs.min_n, theirs.max_n, theirs.bucket)
    np.testing.assert_allclose(ours.vectors, theirs.vectors, atol=1e-5, rtol=0)
    for word in OOV:
        assert word not in ours
        np.testing.assert_allclose(ours[word], theirs[word], atol=1e-5, rtol=0)
        assert ours.similarity(word, "night") == pytest.approx(
            float(theirs.similarity(word, "night")), abs=1e-5)
    got = ours.most_similar("nightss", topn=5)
    want = theirs.most_similar("nightss", topn=5)
    assert [w for w, _ in got] == [w for w, _ in want]


def test_native_round_trip_keeps_subwords(tmp_path):
    v = wordvec.load(LEE)
    v.save(tmp_path / "store")
    back = wordvec.load(tmp_path / "store")
    assert isinstance(back, SubwordVectors)
    assert (back.minn, back.maxn, back.bucket) == (v.minn, v.maxn, v.bucket)
    assert back.keys == v.keys and (back.counts == v.counts).all()
    for word in OOV:
        assert np.array_equal(back[word], v[word])
    assert back.most_similar("overnighters", topn=3) == v.most_similar("overnighters", topn=3)
    assert back.most_similar(["night", "unseenword"], negative=["day"], topn=3) == \
        v.most_similar(["night", "unseenword"], negative=["day"], topn=3)
    # a second save replaces the version whole; a plain word2vec file drops the n-grams
    back.save(tmp_path / "store")
    assert np.array_equal(wordvec.load(tmp_path / "store")["unseenword"], v["unseenword"])
    v.save(tmp_path / "words.txt")
    assert type(wordvec.load(tmp_path / "words.txt")) is wordvec.Vectors
    with pytest.raises(ValueError, match="read, not written"):
        v.save(tmp_path / "model.bin", format="fasttext")


def test_oov_without_ngrams_is_a_key_error():
    v = SubwordVectors(["ab"], np.ones((1, 2), np.float32), np.ones((5, 2), np.float32), 0, 0)
    with pytest.raises(KeyError, match="'zz' not in vocabulary and has no character n-grams"):
        v["zz"]
    assert v.get("zz") is None
    with pytest.raises(KeyError):
        v.most_similar("zz")


def test_oov_vector_is_the_mean_of_its_buckets():
    rng = np.random.default_rng(0)
    grams = rng.standard_normal((50, 4)).astype(np.float32)
    v = SubwordVectors(["the"], np.zeros((1, 4), np.float32), grams, 3, 4)
    want = grams[[ft_hash(g.encode()) % 50 for g in ngrams("cat", 3, 4)]].mean(axis=0)
    np.testing.assert_allclose(v["cat"], want, rtol=1e-6)
    np.testing.assert_allclose(v.get_vector("cat", norm=True), want / np.linalg.norm(want),
                               rtol=1e-6)


def _truncations(raw):
    """Cuts inside the header, the dictionary, the input and the output matrices."""
    return [4, 40, 70, 200, len(raw) // 2, len(raw) - 1]


@pytest.mark.parametrize("path", [LEE, LEE_NEW])
def test_truncated_bin_names_the_file(tmp_path, path):
    raw = open(path, "rb").read()
    for cut in _truncations(raw):
        bad = tmp_path / "cut.bin"
        bad.write_bytes(raw[:cut])
        with pytest.raises(FormatError, match=r"cut\.bin"):
            wordvec.load(bad, format="fasttext")


def test_corrupt_counts_do_not_allocate(tmp_path):
    raw = bytearray(open(LEE_NEW, "rb").read())
    # the dictionary's size says 2**31 - 1 entries: refused before reading them
    at = 8 + struct.calcsize("<12id")
    raw[at:at + 12] = struct.pack("<3i", 2**31 - 1, 2**31 - 1, 0)
    (tmp_path / "big.bin").write_bytes(bytes(raw))
    with pytest.raises(FormatError, match=r"big\.bin.*dictionary"):
        wordvec.load(tmp_path / "big.bin")


def test_huge_matrix_header_is_refused(tmp_path):
    v = wordvec.load(LEE_NEW)
    raw = bytearray(open(LEE_NEW, "rb").read())
    at = len(raw) - 4 * 10 * len(v) - 17 - 1  # the output matrix's rows field
    raw[at:at + 8] = struct.pack("<q", 2**60)
    (tmp_path / "huge.bin").write_bytes(bytes(raw))
    with pytest.raises(FormatError, match=r"huge\.bin"):
        wordvec.load(tmp_path / "huge.bin")


def test_supervised_and_trailing_bytes_are_refused(tmp_path):
    with pytest.raises(FormatError, match="supervised"):
        wordvec.load(os.path.join(DATA, "pang_lee_polarity_fasttext.bin"))
    (tmp_path / "long.bin").write_bytes(open(LEE, "rb").read() + b"\0\0")
    with pytest.raises(FormatError, match="goes on for 2 more bytes"):
        wordvec.load(tmp_path / "long.bin")


def test_cli_reads_a_bin_and_answers_unseen_words(tmp_path):
    from click.testing import CliRunner
    from wordvec_cli.main import main

    result = CliRunner().invoke(main, ["similar", "nightss", "--vectors", LEE, "-n", "3"])
    assert result.exit_code == 0, result.output
    assert "night" in result.output
    (tmp_path / "bad.bin").write_bytes(open(LEE, "rb").read()[:300])
    result = CliRunner().invoke(main, ["similar", "night", "--vectors", str(tmp_path / "bad.bin")])
    assert result.exit_code == 1
    assert "bad.bin" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["info", "--json", "--vectors", LEE])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["format"] == "fasttext" and facts["words"] == 1762
    assert facts["subwords"] == {"minn": 3, "maxn": 6, "bucket": 1000}


def test_damaged_native_subword_store_names_the_file(tmp_path):
    wordvec.load(LEE).save(tmp_path / "store")
    meta = json.loads((tmp_path / "store" / "meta.json").read_text())
    ngrams = tmp_path / "store" / meta["files"]["ngrams.npy"]
    raw = ngrams.read_bytes()
    ngrams.write_bytes(raw[:20])
    with pytest.raises(FormatError, match=r"ngrams\.[0-9a-f]+\.npy: unreadable matrix"):
        wordvec.load(tmp_path / "store")
    ngrams.write_bytes(raw)
    meta["subwords"] = {"minn": 3}
    (tmp_path / "store" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(FormatError, match=r"meta\.json: 'subwords' must hold integers minn"):
        wordvec.load(tmp_path / "store")
