"""The Spark engine (local[2]) against the local engine: the same vocabulary, encoded corpus
and counts folder (byte for byte) on the `small` corpus and on a folder of gzip files; SGNS
trained data-parallel on Spark passes the local trainer's quality check; missing Java or
pyspark and failed jobs are one-line errors. `make spark` runs these (pytest -m spark)."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec.corpus import Corpus, Vocabulary, encode_corpus
from wordvec.train.cooccur import count_cooccurrences, load_cooccurrence

pytestmark = pytest.mark.spark
COUNTS = ("rows.npy", "cols.npy", "vals.npy", "vocab.txt")


@pytest.fixture(scope="module")
def spark():
    from wordvec.spark import session

    return session("local[2]")


@pytest.fixture(scope="module")
def small():
    from wordvec.datasets import corpus_path

    return corpus_path("small", progress=False)


def assert_same_vocabulary(local, spark):
    assert spark.words == local.words
    assert spark.counts.dtype == np.int64 and spark.counts.tolist() == local.counts.tolist()
    assert spark.total_words == local.total_words


def assert_same_encoding(local, spark):
    for name in ("ids", "ends", "raw_ends"):
        assert np.array_equal(getattr(spark, name), getattr(local, name)), name
    assert (spark.n_tokens, spark.n_sentences, spark.raw_total, spark.longest) == \
        (local.n_tokens, local.n_sentences, local.raw_total, local.longest)


def assert_same_counts(local_dir, spark_dir):
    """The arrays and vocabulary files byte for byte, and the same meta.json bar the fields
    that say how the counting went (shards, merge passes) and the files' version names."""
    metas = [json.loads((Path(d) / "meta.json").read_text()) for d in (local_dir, spark_dir)]
    for name in COUNTS:
        local, spark = (Path(d, m["files"][name]).read_bytes()
                        for d, m in zip((local_dir, spark_dir), metas))
        assert spark == local, name
    for m in metas:
        for field in ("shards", "merge_passes", "files"):
            m.pop(field)
    assert metas[1] == metas[0]
    assert metas[0]["nnz"] > 0


def test_small_corpus_same_vocabulary_encoding_and_counts(spark, small, tmp_path):
    from wordvec.spark.cooccur import count_cooccurrences as count_on_spark
    from wordvec.spark.corpus import build_vocabulary
    from wordvec.spark.corpus import encode_corpus as encode_on_spark

    local = Vocabulary.build(Corpus(small))
    vocab = build_vocabulary(spark, small)
    assert_same_vocabulary(local, vocab)
    assert len(vocab) == 12_397 and vocab.total_words == 790_860
    with encode_corpus(Corpus(small), local) as a, encode_on_spark(spark, small, vocab) as b:
        assert_same_encoding(a, b)
    count_cooccurrences(small, tmp_path / "local", progress=False)
    X = count_on_spark(small, tmp_path / "spark", vocabulary=vocab)
    assert_same_counts(tmp_path / "local", tmp_path / "spark")
    assert X.nnz == load_cooccurrence(tmp_path / "local").nnz


def _gzip_folder(small, folder):
    """Three gzip files of `small`'s lines, and one of awkward text: Unicode spaces that
    str.split() splits at, CR and CRLF line ends, blank lines, a 130-word line, words tied
    in count that first appear in a known order."""
    folder.mkdir()
    lines = small.read_text(encoding="utf-8").splitlines(keepends=True)[:3000]
    for k, part in enumerate((lines[:1200], lines[1200:2000], lines[2000:])):
        with gzip.open(folder / f"part-{k}.txt.gz", "wt", encoding="utf-8") as f:
            f.writelines(part)
    odd = ("zeta\u00a0alpha\u3000beta\x1cgamma\u2009zeta\r\n\n  \t \n"
           "beta alpha\rgamma delta delta\n" + " ".join(["music"] * 130) + "\n"
           "\ufeffbom word\u200bjoined alpha\n")
    with gzip.open(folder / "part-3.txt.gz", "wt", encoding="utf-8", newline="") as f:
        f.write(odd * 5)
    return folder


def test_gzip_folder_same_vocabulary_encoding_and_counts(spark, small, tmp_path):
    from wordvec.spark.corpus import build_vocabulary
    from wordvec.spark.corpus import encode_corpus as encode_on_spark

    folder = _gzip_folder(small, tmp_path / "corpus")
    corpus = Corpus(folder, max_sentence_length=40)   # lines cut into sentences of 40
    local = Vocabulary.build(corpus, min_count=2, max_vocab=1500)
    vocab = build_vocabulary(spark, corpus, min_count=2, max_vocab=1500)
    assert_same_vocabulary(local, vocab)
    assert "alpha" in vocab.words   # split off "zeta\u00a0alpha\u3000beta"
    assert not any("\u00a0" in w or "\u3000" in w or "\x1c" in w for w in vocab.words)
    with encode_corpus(corpus, local) as a, encode_on_spark(spark, corpus, vocab) as b:
        assert_same_encoding(a, b)
        assert a.longest == 40
    # the CLI, asymmetric counts with another window and vocabulary cut
    count_cooccurrences(folder, tmp_path / "local", window=4, symmetric=False, min_count=3,
                        max_vocab=1000, progress=False)
    result = CliRunner().invoke(main, ["cooccur", str(folder), "-o", str(tmp_path / "spark"),
                                       "--engine", "spark", "--master", "local[2]", "--window",
                                       "4", "--asymmetric", "--min-count", "3", "--max-vocab",
                                       "1000", "-q", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n_words"] == 1000
    assert_same_counts(tmp_path / "local", tmp_path / "spark")


@pytest.fixture
def small_jobs(monkeypatch):
    """Jobs of 2,000 words: lee_background.cor's 60,000 make 30 an epoch, so that each of
    10 rounds gives 2 tasks their own jobs (with the default 50,000, one task would train
    each round alone)."""
    import wordvec.train.sgns as sgns_module

    monkeypatch.setattr(sgns_module, "JOB_WORDS", 2000)


def test_sgns_on_spark_puts_related_words_closer_than_unrelated_ones(spark, gensim_data,
                                                                      small_jobs):
    """The local trainer's calibrated check (tests/test_sgns.py), with 2 partitions.
    Calibration (lee_background.cor, dim 50, 10 epochs, 2 partitions, 10 rounds an epoch,
    jobs of 2,000 words): seeds 11 and 12 gave margins of 0.426 and 0.461 with 10 of 10
    pairs related > unrelated (the local trainer: 0.398-0.456 over seeds 0-5); random
    vectors give a margin near 0."""
    from wordvec.spark.sgns import SparkSGNS

    related = [("Israeli", "Palestinian"), ("Afghanistan", "Taliban"), ("bin", "Laden"),
               ("Arafat", "Yasser"), ("Al", "Qaeda"), ("Tora", "Bora"), ("Gaza", "Hamas"),
               ("Test", "match"), ("police", "arrested"), ("fire", "weather")]
    model = SparkSGNS(dim=50, epochs=10, min_count=2, random_state=11, progress=False,
                      partitions=2, rounds=10).fit(gensim_data("lee_background.cor"))
    v = model.vectors_
    rel = np.array([v.similarity(a, b) for a, b in related])
    unrel = np.array([v.similarity(related[i][0], related[(i + 5) % 10][1]) for i in range(10)])
    assert rel.mean() - unrel.mean() > 0.2
    assert (rel > unrel).sum() >= 8
    per_pair = model.loss_history_ / model.pairs_history_
    assert (np.diff(per_pair) < 0).all()


def test_cli_train_on_spark_checkpoints_and_resumes_to_the_same_vectors(gensim_data, tmp_path,
                                                                        small_jobs):
    """`wordvec train --engine spark`: a checkpoint after epoch 2 of 3, then --resume trains
    epoch 3 only, to the vectors of the uninterrupted run (one seed, the same partitions and
    rounds: each task runs its jobs in order, and the driver combines in task order); and
    --rounds and --partitions reach the trainer (the library with them gives the same)."""
    from wordvec import Vectors
    from wordvec.spark.sgns import SparkSGNS

    lee = str(gensim_data("lee_background.cor"))
    common = ["--engine", "spark", "--dim", "24", "--epochs", "3", "--min-count", "2",
              "--seed", "5", "--rounds", "10", "--partitions", "2", "-q"]
    ckpt = tmp_path / "ckpt"
    run = CliRunner().invoke
    result = run(main, ["train", lee, "-o", str(tmp_path / "full"), "--checkpoint", str(ckpt),
                        "--checkpoint-every", "2", *common])
    assert result.exit_code == 0, result.output
    state = json.loads((ckpt / "state.json").read_text())
    assert (state["epoch"], state["next_job"]) == (2, 0)
    result = run(main, ["train", lee, "-o", str(tmp_path / "resumed"), "--resume", str(ckpt),
                        *common])
    assert result.exit_code == 0, result.output
    full, resumed = Vectors.load(tmp_path / "full"), Vectors.load(tmp_path / "resumed")
    assert resumed.keys == full.keys and len(full) > 1000
    assert np.array_equal(resumed.vectors, full.vectors)
    library = SparkSGNS(dim=24, epochs=3, min_count=2, random_state=5, rounds=10,
                        partitions=2, progress=False).fit(lee)
    assert np.array_equal(library.vectors_.vectors, full.vectors)
    result = run(main, ["train", lee, "-o", str(tmp_path / "x"), "--model", "cbow", *common])
    assert result.exit_code == 2 and "--engine spark trains --model sgns" in result.output


def _wordvec(args, env, python_prelude=""):
    """Run the CLI in a fresh process; its stderr without the JVM's own start-up line
    ("WARNING: Using incubator modules", which Spark's launch options make Java print)."""
    code = f"{python_prelude}\nfrom wordvec_cli.main import main\nmain()"
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=300)
    done.stderr = "".join(line for line in done.stderr.splitlines(keepends=True)
                          if not line.startswith("WARNING: Using incubator modules"))
    return done


def test_missing_java_or_pyspark_is_one_line_saying_how_to_install(small, tmp_path):
    args = ["cooccur", str(small), "-o", str(tmp_path / "counts"), "--engine", "spark"]
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(Path(sys.executable).parent)   # no java on it
    done = _wordvec(args, env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "needs Java" in done.stderr
    assert "apt-get install openjdk-17-jre-headless" in done.stderr
    done = _wordvec(args, dict(os.environ), "import sys; sys.modules['pyspark'] = None")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "pip install 'wordvec[spark]'" in done.stderr
    assert not (tmp_path / "counts").exists()


def test_a_failing_job_names_the_stage_and_the_input(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    data = gzip.compress(b"the cat sat on the mat\n" * 20000)
    (folder / "a.txt.gz").write_bytes(data[:len(data) // 2])   # truncated
    done = _wordvec(["cooccur", str(folder), "-o", str(tmp_path / "counts"), "--engine",
                     "spark", "-q"], dict(os.environ))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"Spark stage 'counting words' failed on {folder} (file " in done.stderr
    assert "a.txt.gz): java.io.EOFException" in done.stderr
    assert not (tmp_path / "counts").exists()
