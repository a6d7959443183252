"""Phrases: scores by hand on tiny corpora, counts, phrases, scores and joined sentences
against gensim's `Phrases` on gensim's lee_background.cor and (with connector words) on the
`small` corpus, bounded counting, saved models (round trips, damaged files), and the CLI
through real processes."""

import gzip
import json
import math
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS as GENSIM_CONNECTORS
from gensim.models.phrases import Phrases as GensimPhrases

from wordvec.corpus import Corpus
from wordvec.errors import FormatError, TruncatedFileError
from wordvec.phrases import ENGLISH_CONNECTOR_WORDS, Phrases, load

TINY = [["new", "york", "is", "big"], ["i", "love", "new", "york"]] * 3
BANKS = [["the", "bank", "of", "america", "said"], ["out", "of", "the", "blue"]] * 3
ROOT = Path(__file__).resolve().parent.parent


def wordvec_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def lee(gensim_data):
    path = gensim_data("lee_background.cor")
    return path, list(Corpus(path))


@pytest.fixture(scope="module")
def small():
    """The `small` corpus (data/small.txt, else built into the cache) and its sentences."""
    path = ROOT / "data" / "small.txt"
    if not path.exists():
        from wordvec.datasets import build_corpus

        path = build_corpus("small", progress=False)
    return path, list(Corpus(path))


# ------------------------------------------------------------------ hand-computed
def test_default_scores_by_hand():
    model = Phrases(min_count=1, threshold=1.0, progress=False).fit(TINY)
    table = model.tables_[0]
    # 6 words and 5 distinct pairs: new york 6, york is 3, is big 3, i love 3, love new 3
    assert len(table) == 11 and table.corpus_word_count == 24
    assert table.vocab()["new_york"] == 6 and table.vocab()["love_new"] == 3
    assert model.phrasegrams_ == pytest.approx({
        "new_york": (6 - 1) / (6 * 6) * 11, "york_is": (3 - 1) / (6 * 3) * 11,
        "is_big": (3 - 1) / (3 * 3) * 11, "i_love": (3 - 1) / (3 * 3) * 11,
        "love_new": (3 - 1) / (3 * 6) * 11}, rel=1e-15)
    # min_count 3: no pair is seen more than 3 times except new york
    model = Phrases(min_count=3, threshold=0.5, progress=False).fit(TINY)
    assert model.phrasegrams_ == pytest.approx({"new_york": (6 - 3) / 36 * 11})


def test_npmi_by_hand():
    model = Phrases(min_count=4, threshold=-1, scoring="npmi", progress=False).fit(TINY)
    p_ab, p_a = 6 / 24, 6 / 24
    expected = math.log(p_ab / (p_a * p_a)) / -math.log(p_ab)   # = 1: always together
    assert model.phrasegrams_ == pytest.approx({"new_york": expected}) and expected == 1.0


def test_join_is_greedy_left_to_right_within_sentences():
    model = Phrases(min_count=1, threshold=1.0, progress=False).fit(TINY)
    # york_is and is_big both phrases: "york is" is taken first, "big" stays alone
    assert model.transform([["new", "york", "is", "big"], ["york", "is", "big"],
                            ["love", "new", "york"], ["new"], ["york"], []]) == [
        ["new_york", "is_big"], ["york_is", "big"], ["love_new", "york"], ["new"], ["york"],
        []]
    # a pair across two sentences is neither counted nor joined
    model = Phrases(min_count=1, threshold=0.1, progress=False).fit([["a", "b"], ["c", "d"]] * 3)
    assert set(model.phrasegrams_) == {"a_b", "c_d"}
    assert model.transform([["b"], ["c"]]) == [["b"], ["c"]]


def test_unknown_words_and_delimiter():
    model = Phrases(min_count=1, threshold=1.0, delimiter="+", progress=False).fit(TINY)
    assert model.transform([["zzz", "new", "york", "zzz"]]) == [["zzz", "new+york", "zzz"]]


def test_connector_words_sit_inside_phrases_never_at_their_ends():
    model = Phrases(min_count=1, threshold=0.5, connector_words="english",
                    progress=False).fit(BANKS)
    table = model.tables_[0]
    # connectors are not counted as words; a pair spans the connectors between two words
    assert table.vocab() == {"bank": 3, "america": 3, "said": 3, "out": 3, "blue": 3,
                             "bank_of_america": 3, "america_said": 3, "out_of_the_blue": 3}
    assert table.corpus_word_count == 27   # connectors are tokens all the same
    # every pair: (3 - 1) / (3 * 3) * (5 words + 3 pairs)
    assert model.phrasegrams_ == pytest.approx(
        dict.fromkeys(["bank_of_america", "america_said", "out_of_the_blue"], 2 / 9 * 8),
        rel=1e-15)
    assert model.transform([["the", "bank", "of", "america", "said"], ["out", "of", "the"],
                            ["of", "the", "blue"], ["bank", "of", "the", "america"]]) == [
        ["the", "bank_of_america", "said"], ["out", "of", "the"], ["of", "the", "blue"],
        ["bank", "of", "the", "america"]]
    # without connectors, the same corpus and threshold make "of_the" a phrase:
    # (3 - 1) / (6 * 6) * (7 words + 7 pairs) = 0.78
    plain = Phrases(min_count=1, threshold=0.5, progress=False).fit(BANKS).phrasegrams_
    assert plain["of_the"] == pytest.approx(2 / 36 * 14, rel=1e-15)


def test_connector_words_given_as_words_and_their_errors():
    model = Phrases(min_count=1, threshold=0.5, connector_words=["of"], progress=False)
    assert model.fit(BANKS).transform([["bank", "of", "america"], ["the", "blue"]]) == [
        ["bank_of_america"], ["the_blue"]]
    assert ENGLISH_CONNECTOR_WORDS == GENSIM_CONNECTORS
    for bad, message in [("french", "connector_words must be 'english' or an iterable"),
                         (5, "connector_words must be 'english' or an iterable"),
                         (["of", ""], "connector_words must be non-empty strings")]:
        with pytest.raises(ValueError, match=message):
            Phrases(connector_words=bad, progress=False).fit(BANKS)


# ------------------------------------------------------------------ against gensim
@pytest.mark.parametrize("scoring, threshold, min_count",
                         [("default", 10.0, 5), ("default", 1.0, 2), ("npmi", 0.5, 5)])
def test_counts_phrases_and_joins_equal_gensims(lee, scoring, threshold, min_count):
    path, sentences = lee
    ours = Phrases(min_count=min_count, threshold=threshold, scoring=scoring,
                   progress=False).fit(path)
    theirs = GensimPhrases(sentences, min_count=min_count, threshold=threshold,
                           scoring=scoring)
    table = ours.tables_[0]
    assert table.vocab() == theirs.vocab
    assert table.corpus_word_count == theirs.corpus_word_count
    assert len(table) == len(theirs.vocab)
    exported = theirs.export_phrases()
    assert len(exported) > 100
    assert ours.phrasegrams_.keys() == exported.keys()
    for phrase, score in exported.items():
        assert ours.phrasegrams_[phrase] == pytest.approx(score, rel=1e-12), phrase
    assert ours.transform(sentences) == [theirs[s] for s in sentences]


@pytest.mark.parametrize("scoring, threshold, min_count",
                         [("default", 10.0, 5), ("default", 1.0, 2), ("npmi", 0.5, 5)])
def test_connector_words_equal_gensims(small, scoring, threshold, min_count):
    path, sentences = small
    ours = Phrases(min_count=min_count, threshold=threshold, scoring=scoring,
                   connector_words="english", progress=False).fit(path)
    theirs = GensimPhrases(sentences, min_count=min_count, threshold=threshold,
                           scoring=scoring, connector_words=GENSIM_CONNECTORS)
    table = ours.tables_[0]
    assert table.vocab() == theirs.vocab and len(table) == len(theirs.vocab)
    assert table.corpus_word_count == theirs.corpus_word_count
    exported = theirs.export_phrases()
    assert sum(p.count("_") >= 2 for p in exported) > 100   # phrases with connectors
    assert ours.phrasegrams_.keys() == exported.keys()
    for phrase, score in exported.items():
        assert ours.phrasegrams_[phrase] == pytest.approx(score, rel=1e-12), phrase
    assert ours.transform(sentences) == [theirs[s] for s in sentences]


def test_second_pass_equals_gensim_run_on_its_own_output(lee):
    path, sentences = lee
    ours = Phrases(min_count=3, threshold=5.0, passes=2, progress=False).fit(path)
    first = GensimPhrases(sentences, min_count=3, threshold=5.0)
    joined = [first[s] for s in sentences]
    second = GensimPhrases(joined, min_count=3, threshold=5.0)
    table = ours.tables_[1]
    assert table.vocab() == second.vocab
    # gensim's export_phrases re-splits "a_b_c" at every "_", so ask it pair by pair
    a, b = table.pairs >> 32, table.pairs & 0xFFFFFFFF
    found = {}
    for i, j in zip(a.tolist(), b.tolist()):
        phrase, score = second.score_candidate(table.words[i], table.words[j], [])
        if phrase is not None:
            found[phrase] = score
    assert table.phrasegrams() == pytest.approx(found, rel=1e-12)
    assert any(p.count("_") >= 2 for p in found)
    assert ours.transform(sentences) == [second[s] for s in joined]


# ------------------------------------------------------------------ bounded counting
def test_pruning_keeps_the_table_bounded_and_counts_never_overstated(lee):
    path, sentences = lee
    full = Phrases(min_count=5, progress=False).fit(path).tables_[0].vocab()
    pruned = Phrases(min_count=5, max_vocab_size=20_000, progress=False).fit(path)
    table = pruned.tables_[0]
    assert len(table) <= 20_000 and pruned.min_reduce_ >= 2
    vocab = table.vocab()
    assert all(count <= full[key] for key, count in vocab.items())
    # the most frequent words and pairs are always there, with most of their counts
    top = [key for key, _ in Counter(full).most_common(50)]
    assert all(vocab[key] >= full[key] - 10 * pruned.min_reduce_ for key in top)
    # and the strongest phrases are still found
    strong = Phrases(min_count=5, progress=False).fit(path).phrasegrams_
    best = sorted(strong, key=strong.get)[-20:]
    assert len(set(best) & set(pruned.phrasegrams_)) >= 10


def test_tails_count_toward_the_bound():
    # BANKS holds 5 words, 2 tails ("of america", "of the blue") and 3 pairs: 10 types once
    # the connectors (held, never counted) are pruned at min_reduce 2
    full = Phrases(min_count=1, threshold=0.5, connector_words="english",
                   progress=False).fit(BANKS)
    fits = Phrases(min_count=1, threshold=0.5, connector_words="english", max_vocab_size=10,
                   progress=False).fit(BANKS)
    assert fits.min_reduce_ == 2 and fits.tables_[0].vocab() == full.tables_[0].vocab()
    assert fits.phrasegrams_ == full.phrasegrams_
    # one fewer: all seen 3 times, so min_reduce rises to 4 and drops everything
    over = Phrases(min_count=1, threshold=0.5, connector_words="english", max_vocab_size=9,
                   progress=False).fit(BANKS)
    assert over.min_reduce_ == 4 and over.tables_[0].vocab() == {}


def test_pruning_with_connectors_never_overstates(lee):
    path, _ = lee
    full = Phrases(min_count=5, connector_words="english", progress=False).fit(path)
    pruned = Phrases(min_count=5, connector_words="english", max_vocab_size=20_000,
                     progress=False).fit(path)
    table = pruned.tables_[0]
    assert len(table.words) + len(table.tails) + len(table.pairs) <= 20_000
    assert pruned.min_reduce_ >= 2
    vocab, counts = table.vocab(), full.tables_[0].vocab()
    assert all(count <= counts[key] for key, count in vocab.items())
    assert sum("_of_" in key for key in vocab) > 10   # pairs with connectors kept


def test_unpruned_runs_record_nothing_dropped(lee):
    model = Phrases(progress=False).fit(lee[0])
    assert model.min_reduce_ == 1 and model.tables_[0].min_reduce == 1


# ------------------------------------------------------------------ files and errors
def test_write_keeps_lines_reads_gz_and_folders(tmp_path):
    lines = ["new york is big", "", "i love new york"] * 3
    text = "\n".join(lines) + "\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text)
    with gzip.open(tmp_path / "in" / "b.txt.gz", "wt") as f:
        f.write(text)
    model = Phrases(min_count=1, threshold=0.5, progress=False).fit(tmp_path / "in")
    assert model.tables_[0].corpus_word_count == 2 * 24
    written = model.write(tmp_path / "in", tmp_path / "out.txt")
    out = (tmp_path / "out.txt").read_text().splitlines()
    assert out[:3] == ["new_york is_big", "", "i_love new_york"] and len(out) == 18
    assert written == 2 * 3 * 4   # tokens after joining
    assert not list(tmp_path.glob(".out.txt.*"))   # no temporary file left


def test_long_lines_are_cut_as_the_trainers_cut_them(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(" ".join(["a", "b"] * 6) + "\n")   # 12 tokens, sentences of 5
    model = Phrases(min_count=1, threshold=0.1, progress=False)
    model.fit(Corpus(path, max_sentence_length=5))
    # pairs within [a b a b a] [b a b a b] [a b]: a_b 5, b_a 4; none across the cuts
    assert model.tables_[0].vocab() == {"a": 6, "b": 6, "a_b": 5, "b_a": 4}


@pytest.mark.parametrize("params, message", [
    (dict(min_count=0), "min_count must be an integer >= 1, got 0"),
    (dict(threshold=0), "threshold must be a finite number > 0 for default scoring, got 0"),
    (dict(scoring="npmi", threshold=1.5), "threshold must be in [-1, 1] for npmi scoring"),
    (dict(threshold=float("nan")), "threshold must be a number, got nan"),
    (dict(scoring="pmi"), "scoring must be one of default, npmi, got 'pmi'"),
    (dict(passes=0), "passes must be an integer >= 1, got 0"),
    (dict(delimiter=" "), "delimiter must be a non-empty string without whitespace"),
    (dict(max_vocab_size=2.5), "max_vocab_size must be an integer >= 1, got 2.5"),
])
def test_bad_parameters_name_themselves(params, message):
    with pytest.raises(ValueError) as err:
        Phrases(progress=False, **params).fit(TINY)
    assert message in str(err.value)


def test_estimator_protocol_and_unfitted_use():
    from sklearn.base import clone

    model = Phrases(min_count=3, passes=2)
    assert clone(model).get_params() == model.get_params()
    assert repr(model) == "Phrases(min_count=3, passes=2)"
    with pytest.raises(ValueError, match="not fitted yet"):
        model.transform(TINY)
    with pytest.raises(ValueError, match="corpus is empty"):
        Phrases(progress=False).fit([[]])


def test_counting_arrays_stay_compact(lee):
    table = Phrases(progress=False).fit(lee[0]).tables_[0]
    assert table.pairs.dtype == np.int64 and np.all(np.diff(table.pairs) > 0)
    assert table.pair_counts.sum() == table.corpus_word_count - len(lee[1])


# ------------------------------------------------------------------ saved models
@pytest.mark.parametrize("params", [dict(passes=2, connector_words="english"),
                                   dict(scoring="npmi", threshold=0.3, delimiter="+")])
def test_a_loaded_model_writes_what_the_fitted_one_wrote(lee, tmp_path, params):
    path, sentences = lee
    model = Phrases(min_count=3, progress=False, **params).fit(path)
    model.write(path, tmp_path / "fitted.txt")
    model.save(tmp_path / "model.phrases")
    loaded = load(tmp_path / "model.phrases")
    loaded.write(path, tmp_path / "loaded.txt", progress=False)
    assert (tmp_path / "loaded.txt").read_bytes() == (tmp_path / "fitted.txt").read_bytes()
    assert loaded.phrasegrams_ == model.phrasegrams_   # scores exactly, through JSON
    assert loaded.transform(sentences[:50]) == model.transform(sentences[:50])
    assert [len(t.phrases) for t in loaded.tables_] == [len(t.phrases) for t in model.tables_]
    assert loaded.min_reduce_ == model.min_reduce_ == 1
    assert loaded._connectors() == model._connectors()
    expected = {**model.get_params(), "connector_words": sorted(model._connectors()),
                "progress": True}   # not a saved setting
    assert loaded.get_params() == expected
    # saved again, the same file
    loaded.save(tmp_path / "again.phrases")
    assert (tmp_path / "again.phrases").read_bytes() == (tmp_path / "model.phrases").read_bytes()
    assert Phrases.load(tmp_path / "again.phrases").phrasegrams_ == model.phrasegrams_
    with pytest.raises(ValueError, match="keeps its phrases, not the counts"):
        loaded.tables_[0].vocab()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "again.phrases", "fitted.txt", "loaded.txt", "model.phrases"]   # no temporaries


def test_a_second_pass_with_connectors_is_saved_with_the_first(tmp_path):
    corpus = [["the", "bank", "of", "america", "tower", "in", "town"]] * 4
    model = Phrases(min_count=1, threshold=0.2, passes=2, connector_words="english",
                    progress=False).fit(corpus)
    assert model.transform(corpus[:1]) == [["the", "bank_of_america_tower_in_town"]]
    model.save(tmp_path / "m")
    lines = (tmp_path / "m").read_text().splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "wordvec-phrases" and header["version"] == 1
    assert [p["n_phrases"] for p in header["pass_phrases"]] == [3, 1] and len(lines) == 5
    assert load(tmp_path / "m").transform(corpus[:1]) == [["the", "bank_of_america_tower_in_town"]]


def test_save_replaces_atomically_and_refuses_a_folder(tmp_path):
    model = Phrases(min_count=1, threshold=1.0, progress=False).fit(TINY)
    target = tmp_path / "m.phrases"
    target.write_text("old\n")
    model.save(target)
    assert load(target).phrasegrams_ == model.phrasegrams_
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="is a folder"):
        model.save(tmp_path / "folder")
    assert (tmp_path / "folder" / "keep.txt").read_text() == "mine"
    with pytest.raises(ValueError, match="not fitted yet"):
        Phrases().save(tmp_path / "unfitted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "m.phrases"]


def _saved(tmp_path):
    """A saved model of BANKS (3 phrases, with connectors) as a list of its lines."""
    model = Phrases(min_count=1, threshold=0.5, connector_words="english", progress=False)
    model.fit(BANKS).save(tmp_path / "good")
    return (tmp_path / "good").read_bytes().splitlines(keepends=True)


def _header(edit):
    def change(lines):
        header = json.loads(lines[0])
        edit(header)
        return [json.dumps(header).encode() + b"\n", *lines[1:]]
    return change


@pytest.mark.parametrize("damage, error, message", [
    (lambda lines: [], FormatError, "empty file"),
    (lambda lines: lines[:1], TruncatedFileError, "line 2: truncated: ends before phrase 1 of 3"),
    (lambda lines: lines[:3], TruncatedFileError, "line 4: truncated: ends before phrase 3"),
    (lambda lines: [*lines[:3], lines[3][:9]], TruncatedFileError, "line 4: truncated: the last"),
    (lambda lines: [*lines, lines[1]], FormatError, "line 5: the header's phrase counts end"),
    (lambda lines: [lines[0][:30]], TruncatedFileError, "line 1: truncated"),
    (lambda lines: [b"the bank of america said\n"] * 3, FormatError,
     "line 1: not a saved phrases model"),
    (lambda lines: [b'{"format": "wordvec-native", "version": 1}\n'], FormatError,
     "not a saved phrases model"),
    (lambda lines: [b"\x89PNG\r\n\x1a\n\x00\x00"], FormatError, "line 1: not UTF-8"),
    (_header(lambda h: h.update(version=2)), FormatError, "version 2 is newer"),
    (_header(lambda h: h.update(version="1")), FormatError, "bad version '1'"),
    (_header(lambda h: h.pop("delimiter")), FormatError, "header lacks delimiter"),
    (_header(lambda h: h.update(threshold=-1)), FormatError, "bad settings: threshold must"),
    (_header(lambda h: h.update(connector_words="english")), FormatError,
     "connector_words must be a list"),
    (_header(lambda h: h.update(pass_phrases=[{"n_phrases": "3"}])), FormatError,
     "pass_phrases must be 1 objects"),
    (lambda lines: [lines[0], b'[1.7, "bank", "america"\n', *lines[2:]], FormatError,
     "line 2: expected [score"),
    (lambda lines: [lines[0], b'[1.7, "bank"]\n', *lines[2:]], FormatError,
     "line 2: expected [score"),
    (lambda lines: [lines[0], b'[0.1, "bank", "america"]\n', *lines[2:]], FormatError,
     "line 2: score 0.1 is not above the threshold 0.5"),
    (lambda lines: [lines[0], b'[1.7, "of", "america"]\n', *lines[2:]], FormatError,
     "line 2: phrase 'of america': only connector words may sit inside"),
    (lambda lines: [lines[0], b'[1.7, "bank", "big", "america"]\n', *lines[2:]], FormatError,
     "only connector words"),
    (lambda lines: [lines[0], lines[1], lines[1], lines[3]], FormatError, "line 3: phrase"),
])
def test_damaged_models_name_the_file_and_line(tmp_path, damage, error, message):
    bad = tmp_path / "bad.phrases"
    bad.write_bytes(b"".join(damage(_saved(tmp_path))))
    with pytest.raises(error) as err:
        load(bad)
    assert str(err.value).startswith(f"{bad}") and message in str(err.value), err.value


def test_loading_a_folder_or_a_missing_file(tmp_path):
    with pytest.raises(FormatError, match="is a folder, not a saved phrases model"):
        load(tmp_path)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing")


# ------------------------------------------------------------------ the command line
def test_cli_writes_what_the_library_writes(lee, tmp_path):
    path, _ = lee
    result = wordvec_cli("phrases", path, "-o", tmp_path / "out.txt", "--passes", "2")
    assert result.returncode == 0, result.stderr
    assert "pass 2:" in result.stderr and f"wrote {tmp_path / 'out.txt'}" in result.stderr
    Phrases(passes=2, progress=False).fit(path).write(path, tmp_path / "lib.txt")
    assert (tmp_path / "out.txt").read_text() == (tmp_path / "lib.txt").read_text()
    assert "Tora_Bora" in (tmp_path / "out.txt").read_text()


def test_cli_stdin_to_stdout_and_quiet(tmp_path):
    text = "new york is big\ni love new york\n" * 3
    result = wordvec_cli("phrases", "-", "-o", "-", "--min-count", "1", "--threshold", "1.5",
                         "-q", input=text)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == "new_york is_big\ni_love new_york\n" * 3


@pytest.mark.parametrize("args, message", [
    (["--scoring", "npmi", "--threshold", "2"], "threshold must be in [-1, 1]"),
    (["--threshold", "-1"], "threshold must be a finite number > 0"),
    (["--threshold", "nan"], "threshold must be a number, got nan"),
    (["--threshold", "inf"], "threshold must be a finite number > 0"),
    (["--min-count", "0"], "0 is not in the range x>=1"),
    (["--delimiter", " "], "delimiter must be a non-empty string without whitespace"),
])
def test_cli_bad_usage_exits_2(lee, tmp_path, args, message):
    result = wordvec_cli("phrases", lee[0], "-o", tmp_path / "out.txt", *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_cli_output_never_overwrites_the_input(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    result = wordvec_cli("phrases", corpus, "-o", corpus)
    assert result.returncode == 2 and "is the input" in result.stderr
    assert corpus.read_text() == "a b c\n"


def test_cli_bad_input_is_one_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("fine words\nпривет мир\n".encode("cp1251"))
    for corpus, message in [(bad, "bad.txt line 2: not UTF-8"),
                            (tmp_path / "missing.txt", "missing.txt: No such file")]:
        result = wordvec_cli("phrases", corpus, "-o", tmp_path / "out.txt")
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("wordvec: error: ") and message in result.stderr
        assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out.txt").exists()


def test_cli_saves_a_model_and_applies_it_without_relearning(small, tmp_path):
    path, _ = small
    words = tmp_path / "connectors.txt"
    words.write_text("\n".join(sorted(ENGLISH_CONNECTOR_WORDS)) + "\n\n")
    learnt = wordvec_cli("phrases", path, "-o", tmp_path / "learnt.txt", "--passes", "2",
                         "--connector-words", words, "--save-model", tmp_path / "small.phrases")
    assert learnt.returncode == 0, learnt.stderr
    assert f"saved the phrases to {tmp_path / 'small.phrases'}" in learnt.stderr
    text = (tmp_path / "learnt.txt").read_text()
    assert "_of_" in text and " of_the " not in text and not text.startswith("of_the ")
    # "english" is the same list as the file
    english = wordvec_cli("phrases", path, "-o", tmp_path / "english.txt", "--passes", "2",
                          "--connector-words", "english", "-q")
    assert english.returncode == 0 and english.stderr == ""
    assert (tmp_path / "english.txt").read_text() == text
    applied = wordvec_cli("phrases", path, "-o", tmp_path / "applied.txt",
                          "--model", tmp_path / "small.phrases")
    assert applied.returncode == 0, applied.stderr
    assert "applied" in applied.stderr and "2 pass(es)" in applied.stderr
    assert (tmp_path / "applied.txt").read_bytes() == (tmp_path / "learnt.txt").read_bytes()
    # new text, through stdin and stdout: sao_tome (pass 1) + and + principe (pass 2)
    new = wordvec_cli("phrases", "-", "-o", "-", "--model", tmp_path / "small.phrases", "-q",
                      input="the bay of bengal\nsao tome and principe\nof the\n")
    assert new.returncode == 0 and new.stderr == ""
    assert new.stdout == "the bay_of_bengal\nsao_tome_and_principe\nof the\n", new.stdout


@pytest.mark.parametrize("args, message", [
    (["--min-count", "3"], "--min-count: not with --model"),
    (["--connector-words", "english", "--passes", "2"],
     "--passes, --connector-words: not with --model"),
    (["--save-model", "again.phrases"], "--save-model: not with --model"),
])
def test_cli_model_refuses_learning_options(tmp_path, args, message):
    corpus = tmp_path / "c.txt"
    corpus.write_text("new york is big\n" * 3)
    Phrases(min_count=1, threshold=1, progress=False).fit(corpus).save(tmp_path / "m")
    result = wordvec_cli("phrases", corpus, "-o", tmp_path / "out.txt", "--model",
                         tmp_path / "m", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "out.txt").exists() and not (tmp_path / "again.phrases").exists()


def test_cli_damaged_model_or_connector_file_is_one_line(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("new york is big\n" * 3)
    Phrases(min_count=1, threshold=1, progress=False).fit(corpus).save(tmp_path / "m")
    good = (tmp_path / "m").read_bytes()
    (tmp_path / "cut").write_bytes(good[:len(good) - 5])
    (tmp_path / "flipped").write_bytes(good.replace(b"wordvec-phrases", b"wordvec-phrasez"))
    (tmp_path / "words.txt").write_text("of\nthe de\n")
    (tmp_path / "latin1.txt").write_bytes("of\nd\xe9\n".encode("latin-1"))
    for args, message in [
            (["--model", tmp_path / "cut"], "cut line 4: truncated: the last line is cut"),
            (["--model", tmp_path / "flipped"], "flipped line 1: not a saved phrases model"),
            (["--model", corpus], "c.txt line 1: not a saved phrases model"),
            (["--model", tmp_path], f"{tmp_path}: is a folder, not a saved phrases model"),
            (["--model", tmp_path / "nope"], "nope: No such file"),
            (["--connector-words", tmp_path / "words.txt"],
             "words.txt line 2: expected one word a line, got 2"),
            (["--connector-words", tmp_path / "latin1.txt"], "latin1.txt line 2: not UTF-8")]:
        result = wordvec_cli("phrases", corpus, "-o", tmp_path / "out.txt", *args)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("wordvec: error: ") and message in result.stderr, \
            result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_writing_other_text_shows_no_share_of_the_text_learnt(tmp_path):
    """The progress of writing text other than the text learnt from (a saved model applied to
    new text) has no total to show a share of: it showed a share of the learnt text
    (2,667% here)."""
    import re

    from test_progress_cli import wordvec_cli

    learnt, other, model = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "m.phrases"
    learnt.write_text("new york city\n" * 500, encoding="utf-8")
    other.write_text("the new york times\n" * 10_000, encoding="utf-8")
    Phrases(min_count=1, threshold=0.1, progress=False).fit(learnt).save(model)
    status, err = wordvec_cli("phrases", other, "-o", tmp_path / "o.txt", "--model", model,
                              terminal=True)
    assert status == 0 and "writing" in err, err
    assert not re.search(r"\d%", err), err
    status, err = wordvec_cli("phrases", learnt, "-o", tmp_path / "o.txt", "--min-count", "1",
                              "--threshold", "0.1", terminal=True)
    assert status == 0 and "writing" in err, err
    assert re.search(r"100\.0%", err), err   # the text learnt from: its share is known
