"""Phrases: scores by hand on tiny corpora, counts, phrases, scores and joined sentences
against gensim's `Phrases` on gensim's lee_background.cor, bounded counting, and the CLI
through real processes."""

import gzip
import math
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from gensim.models.phrases import Phrases as GensimPhrases

from wordvec.corpus import Corpus
from wordvec.phrases import Phrases

TINY = [["new", "york", "is", "big"], ["i", "love", "new", "york"]] * 3


def wordvec_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def lee(gensim_data):
    path = gensim_data("lee_background.cor")
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
