"""File formats: round trips, gensim interop both ways, detection, `limit`, errors naming the
file and line, the encoding policy, atomic saves, and the `info` / `convert` commands."""

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

import wordvec
from wordvec import FormatError, Vectors
from wordvec.io import detect_format, format_for_path, load, save

FILE_FORMATS = ("word2vec", "word2vec-binary", "glove")
SUFFIX = {"word2vec": ".txt", "word2vec-binary": ".bin", "glove": ".glove", "native": ""}


@pytest.fixture
def small():
    """Six words (some non-ASCII) with full-precision float32 values, which need 9 digits."""
    rng = np.random.default_rng(7)
    keys = ["the", "king", "queen", "café", "東京", "naïve"]
    matrix = rng.standard_normal((6, 5)).astype(np.float32)
    matrix[0, 0] = 0.0
    matrix[1, 1] = 1e-30
    matrix[2, 2] = -3.4e38
    return Vectors(keys, matrix, counts=[60, 50, 40, 30, 20, 10])


def path_for(tmp_path, format, name="v"):
    return tmp_path / (name + SUFFIX[format])


def write(tmp_path, data, name="v.txt"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


# ---------------------------------------------------------------- round trips and detection
@pytest.mark.parametrize("format", FILE_FORMATS + ("native",))
def test_round_trip_is_exact(tmp_path, small, format):
    path = path_for(tmp_path, format)
    small.save(path, format=format)
    back = load(path)
    assert detect_format(path) == format
    assert back.keys == small.keys
    np.testing.assert_array_equal(back.vectors, small.vectors)
    assert back.vectors.dtype == np.float32
    if format == "native":
        np.testing.assert_array_equal(back.counts, small.counts)
    else:
        assert back.counts is None


def test_text_uses_six_digits_when_exact_and_nine_otherwise(tmp_path):
    short = np.array([[0.418, 0.656601, -0.00066023]], dtype=np.float32)
    long = np.array([[0.41800001, 1 / 3, 2.0]], dtype=np.float32)
    path = tmp_path / "v.txt"
    Vectors(["the", "of"], np.vstack([short, long])).save(path)
    lines = path.read_text().splitlines()
    assert lines == ["2 3", "the 0.418 0.656601 -0.00066023",
                     "of 0.418000013 0.333333343 2"]
    np.testing.assert_array_equal(load(path).vectors[1], long[0])


def test_binary_is_written_like_the_c_tool(tmp_path):
    path = tmp_path / "v.bin"
    v = Vectors(["a", "bc"], np.array([[1, 2], [3, 4]], dtype=np.float32))
    v.save(path)
    rec = np.array([1, 2], "<f4").tobytes(), np.array([3, 4], "<f4").tobytes()
    assert path.read_bytes() == b"2 2\na " + rec[0] + b"\nbc " + rec[1] + b"\n"


def test_binary_without_newlines_gensim_style_is_read(tmp_path):
    rec = [np.array(r, "<f4").tobytes() for r in ([1, 2], [3, 4], [5, 6])]
    path = write(tmp_path, b"3 2\na " + rec[0] + b"b " + rec[1] + b"\nc " + rec[2], "v.bin")
    v = load(path)
    assert v.keys == ["a", "b", "c"]
    np.testing.assert_array_equal(v.vectors, [[1, 2], [3, 4], [5, 6]])


def test_save_format_follows_the_extension(tmp_path, small):
    assert format_for_path("x.vec") == "word2vec"
    assert format_for_path("x.TXT") == "word2vec"
    assert format_for_path("x.bin") == "word2vec-binary"
    assert format_for_path("store") == "native"
    assert format_for_path("x.txt", "glove") == "glove"
    for name, format in [("a.vec", "word2vec"), ("b.bin", "word2vec-binary"), ("c", "native")]:
        small.save(tmp_path / name)
        assert detect_format(tmp_path / name) == format
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        small.save(tmp_path / "d", format="csv")


def test_detection_edge_cases(tmp_path):
    assert detect_format(write(tmp_path, "0 300\n")) == "word2vec"
    assert load(write(tmp_path, "0 3\n")).vectors.shape == (0, 3)
    assert detect_format(write(tmp_path, "12 0.5 1\n")) == "glove"
    assert detect_format(write(tmp_path, "2 3\na 1 2\n")) == "word2vec"    # so the error is
    with pytest.raises(FormatError, match="line 2: expected 3 values"):    # about the text
        load(tmp_path / "v.txt")
    crlf = load(write(tmp_path, "a 1 2\r\nb 3 4\r\n\r\n"))
    assert crlf.keys == ["a", "b"]
    np.testing.assert_array_equal(crlf.vectors, [[1, 2], [3, 4]])
    # the C tool leaves a space before the newline; double spaces take the line-by-line path
    loose = load(write(tmp_path, "2 2\na 1 2 \nb  3   4\n"))
    np.testing.assert_array_equal(loose.vectors, [[1, 2], [3, 4]])


# ---------------------------------------------------------------- limit
@pytest.mark.parametrize("format", FILE_FORMATS + ("native",))
def test_limit_reads_the_first_words(tmp_path, small, format):
    path = path_for(tmp_path, format)
    small.save(path, format=format)
    v = load(path, limit=4)
    assert v.keys == small.keys[:4]
    np.testing.assert_array_equal(v.vectors, small.vectors[:4])
    assert load(path, limit=100).keys == small.keys


@pytest.mark.parametrize("format", FILE_FORMATS)
def test_limit_stops_before_a_damaged_tail(tmp_path, small, format):
    path = path_for(tmp_path, format)
    small.save(path, format=format)
    data = path.read_bytes()
    # binary: the last vector is cut short; text: its last value becomes non-numeric
    path.write_bytes(data[:-3] if format == "word2vec-binary" else data[:-3] + b"#!\n")
    with pytest.raises(FormatError):
        load(path, format=format)
    assert load(path, format=format, limit=5).keys == small.keys[:5]


def test_limit_must_be_positive(tmp_path, small):
    small.save(tmp_path / "v.txt")
    with pytest.raises(ValueError, match="limit must be >= 1, got 0"):
        load(tmp_path / "v.txt", limit=0)


# ---------------------------------------------------------------- gensim interop
@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_what_we_write(tmp_path, small, binary):
    from gensim.models import KeyedVectors

    path = tmp_path / ("v.bin" if binary else "v.txt")
    small.save(path)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(kv.index_to_key) == small.keys
    np.testing.assert_array_equal(kv.vectors, small.vectors)


def test_gensim_reads_our_glove(tmp_path, small):
    from gensim.models import KeyedVectors

    small.save(tmp_path / "v.glove", format="glove")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "v.glove"), no_header=True)
    assert list(kv.index_to_key) == small.keys
    np.testing.assert_array_equal(kv.vectors, small.vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_what_gensim_writes(tmp_path, small, binary):
    kv = small.to_gensim()
    path = tmp_path / "g.out"
    kv.save_word2vec_format(str(path), binary=binary)
    v = load(path)
    assert detect_format(path) == ("word2vec-binary" if binary else "word2vec")
    assert v.keys == small.keys
    np.testing.assert_array_equal(v.vectors, small.vectors)


def test_gensim_object_round_trip(small):
    kv = small.to_gensim()
    assert list(kv.index_to_key) == small.keys
    np.testing.assert_array_equal(kv["café"], small["café"])
    back = Vectors.from_gensim(kv)
    assert back.keys == small.keys
    np.testing.assert_array_equal(back.vectors, small.vectors)
    np.testing.assert_array_equal(back.counts, small.counts)


# ---------------------------------------------------------------- errors name file and line
W2V_ERRORS = [
    ("2 3\na 1 2 3\nb 1 2\n", 3, "expected 3 values (the header says dim 3), got 2"),
    ("2 3\na 1 2 3\nb 1 x 3\n", 3, "non-numeric value b'x' in field 3"),
    ("2 4\na 1 2 3\nb 1 2 3\n", 2, "expected 4 values (the header says dim 4), got 3"),
    ("3 3\na 1 2 3\nb 1 2 3\n", 4, "the header says 3 words, the file ends after 2"),
    ("1 3\na 1 2 3\nb 1 2 3\n", 3, "the header says 1 words, the file goes on"),
    ("2 3\na 1 2 3\na 4 5 6\n", 3, "duplicate word 'a' (first on line 2)"),
    ("2 3\na 1 2 3\n\nb 1 2 3\n", 3, "empty line"),
    ("2 3\na 1 2 3\n 1 2 3\n", 3, "line starts with a space"),
    ("two 3\na 1 2 3\n", 1, "expected a header 'n_words dim'"),
    (b"2 3\na 1 2 3\n\xffb 1 2 3\n", 3, "word b'\\xffb' is not UTF-8"),
]
GLOVE_ERRORS = [
    ("a 1 2 3\nb 1 2\n", 2, "expected 3 values (line 1 has 3), got 2"),
    ("a 1 2 3\nb 1 2 3 4\n", 2, "expected 3 values (line 1 has 3), got 4"),
    ("a 1 2 3\nb 1 2 nan3\n", 2, "non-numeric value b'nan3' in field 4"),
    ("a 1 2 3\nb 1 2 3\na 1 2 3\n", 3, "duplicate word 'a' (first on line 1)"),
    ("a\nb 1 2\n", 1, "word b'a' has no values"),
    (b"a 1 2\nb 1 2\ncaf\xe9 1 2\n", 3, "word b'caf\\xe9' is not UTF-8"),
]


@pytest.mark.parametrize(("data", "line", "message"), W2V_ERRORS)
def test_word2vec_text_errors_name_file_and_line(tmp_path, data, line, message):
    path = write(tmp_path, data)
    with pytest.raises(FormatError) as caught:
        load(path, format="word2vec")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path} line {line}: {message}")


@pytest.mark.parametrize(("data", "line", "message"), GLOVE_ERRORS)
def test_glove_errors_name_file_and_line(tmp_path, data, line, message):
    path = write(tmp_path, data)
    with pytest.raises(FormatError) as caught:
        load(path)                                   # detected as GloVe
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path} line {line}: {message}")


def test_bad_lines_deep_in_a_big_file_are_located(tmp_path):
    rows = [f"w{i} {i} 0.5 -1e-3" for i in range(30000)]
    rows[25000] = "w25000 1 2 three"
    path = write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(FormatError, match=r"line 25001: non-numeric value b'three' in field 4"):
        load(path)
    assert len(load(path, limit=25000)) == 25000


def test_empty_files(tmp_path):
    for fmt in (None, "word2vec", "glove", "word2vec-binary"):
        path = write(tmp_path, b"")
        with pytest.raises(FormatError, match="empty file"):
            load(path, format=fmt)
    with pytest.raises(FormatError, match="empty file"):
        load(write(tmp_path, "\n\n  \n"))


def test_binary_errors_name_the_entry(tmp_path, small):
    path = tmp_path / "v.bin"
    small.save(path)
    data = path.read_bytes()
    header = len(b"6 5\n")
    record = len(b"the ") + 20 + 1
    path.write_bytes(data[:header + record + 10])       # inside entry 2's word/vector
    with pytest.raises(FormatError, match=rf"^{path}: entry 2 at byte {header + record}: "
                                           r"truncated \(the file ends inside its vector"):
        load(path)
    path.write_bytes(b"6 5\n\xff\xfe " + data[header + 4:])
    with pytest.raises(FormatError, match=r"entry 1: word b'\\xff\\xfe' is not UTF-8"):
        load(path)
    path.write_bytes(data + b"junk")
    with pytest.raises(FormatError, match="the header says 6 words, the file goes on"):
        load(path)
    path.write_bytes(data.replace(b"\nking ", b"\n\nthe ", 1))
    with pytest.raises(FormatError, match=r"entry 2: duplicate word 'the' \(first on entry 1\)"):
        load(path)


def test_format_errors_for_folders_and_files(tmp_path, small):
    small.save(tmp_path / "store")
    with pytest.raises(FormatError, match="this is a folder"):
        load(tmp_path / "store", format="glove")
    small.save(tmp_path / "v.txt")
    with pytest.raises(FormatError, match="a native store is a folder"):
        load(tmp_path / "v.txt", format="native")
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.txt")


# ---------------------------------------------------------------- encoding policy
def test_encoding_errors_policy(tmp_path):
    path = write(tmp_path, b"2 2\ncaf\xe9 1 2\n\xe6\x9d\xb1\xe4\xba 3 4\n")   # latin-1; cut UTF-8
    with pytest.raises(FormatError, match=r"line 2: word b'caf\\xe9' is not UTF-8"):
        load(path)
    assert load(path, encoding_errors="latin-1").keys == ["café", "æ\x9d±ä\xba"]
    assert load(path, encoding_errors="replace").keys == ["caf\ufffd", "東\ufffd"]
    assert load(path, encoding_errors="ignore").keys == ["caf", "東"]
    with pytest.raises(ValueError, match="unknown encoding_errors 'backslashreplace'"):
        load(path, encoding_errors="backslashreplace")
    clash = write(tmp_path, b"a\xff 1\na\xfe 2\n")
    with pytest.raises(FormatError, match="line 2: duplicate word"):
        load(clash, encoding_errors="replace")


# ---------------------------------------------------------------- atomic saves
@pytest.mark.parametrize("format", FILE_FORMATS)
def test_failed_save_leaves_the_old_file(tmp_path, format):
    n = 9000                                       # the bad word is past the first written block
    keys = [f"w{i}" for i in range(n)]
    keys[-1] = "new york"
    bad = Vectors(keys, np.ones((n, 3), np.float32))
    path = path_for(tmp_path, format)
    good = Vectors(["a", "b"], np.eye(2, dtype=np.float32))
    good.save(path, format=format)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"row {n - 1}: word 'new york' contains whitespace"):
        bad.save(path, format=format)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [path.name]   # no temporary file left behind
    assert load(path).keys == ["a", "b"]


# ---------------------------------------------------------------- the real GloVe 6B 50d
def test_real_glove_text(glove, glove_txt):
    head = glove_txt.read_bytes()[:80]
    assert head.startswith(b"the 0.418 0.24968 -0.41242 0.1217 0.34527 -0.044457 ")
    assert detect_format(glove_txt) == "glove"
    v = load(glove_txt)
    assert v.vectors.shape == (400000, 50)
    assert v.keys == glove.keys
    np.testing.assert_array_equal(v.vectors, glove.vectors)        # no precision lost
    np.testing.assert_array_equal(v["the"], glove["the"])
    first = load(glove_txt, limit=1000)
    assert first.keys == glove.keys[:1000]


# ---------------------------------------------------------------- CLI: info and convert
def test_cli_info(tmp_path, small):
    small.save(tmp_path / "v.bin")
    result = CliRunner().invoke(main, ["info", "--vectors", str(tmp_path / "v.bin")])
    assert result.exit_code == 0, result.output
    assert "word2vec-binary" in result.output
    assert "the king queen café 東京" in result.output
    small.save(tmp_path / "store")
    result = CliRunner(env={"WORDVEC_VECTORS": str(tmp_path / "store")}).invoke(
        main, ["info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["format"] == "native"
    assert (info["words"], info["dim"], info["counts"]) == (6, 5, True)
    assert info["bytes"] == sum(f.stat().st_size for f in (tmp_path / "store").iterdir())
    assert info["first_words"][:2] == ["the", "king"]


def test_cli_convert(tmp_path, small):
    small.save(tmp_path / "v.txt")
    runner = CliRunner()
    result = runner.invoke(main, ["convert", str(tmp_path / "v.txt"), str(tmp_path / "out.bin")])
    assert result.exit_code == 0, result.output
    np.testing.assert_array_equal(load(tmp_path / "out.bin").vectors, small.vectors)
    result = runner.invoke(main, ["convert", str(tmp_path / "out.bin"), str(tmp_path / "g"),
                                  "--to", "glove", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert detect_format(tmp_path / "g") == "glove"
    assert load(tmp_path / "g").keys == ["the", "king"]
    result = runner.invoke(main, ["convert", str(tmp_path / "v.txt"), str(tmp_path / "x"),
                                  "--to", "csv"])
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt, suffix", [("word2vec", ".txt"), ("word2vec-binary", ".bin"),
                                         ("glove", ".glove")])
def test_cli_convert_to_standard_output_writes_the_same_bytes_as_a_file(tmp_path, small, fmt,
                                                                        suffix):
    small.save(tmp_path / "store")
    save(small, tmp_path / f"file{suffix}", format=fmt)
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "store"), "-", "--to", fmt])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == (tmp_path / f"file{suffix}").read_bytes()


def test_cli_convert_to_standard_output_needs_a_one_file_format(tmp_path, small):
    small.save(tmp_path / "store")
    for extra in ([], ["--to", "native"]):
        result = CliRunner().invoke(main, ["convert", str(tmp_path / "store"), "-", *extra])
        assert result.exit_code == 2 and "needs --to word2vec" in result.stderr
        assert result.stdout_bytes == b""


def test_save_to_a_stream_checks_every_word_before_writing(small):
    import io

    stream = io.BytesIO()
    with pytest.raises(ValueError, match="needs format"):
        save(small, stream)
    spaced = Vectors([*small.keys[:-1], "new york"], small.vectors)
    with pytest.raises(ValueError, match="row 5: word 'new york' contains whitespace"):
        save(spaced, stream, format="word2vec")
    assert stream.getvalue() == b""  # nothing half-written
    save(small, stream, format="word2vec")
    assert stream.getvalue().startswith(b"6 5\nthe ")


@pytest.mark.parametrize("command", ["info", "convert"])
def test_cli_bad_file_is_one_line_and_exit_1(tmp_path, command):
    path = write(tmp_path, "2 3\na 1 2 3\nb 1 x 3\n")
    args = ["info", "--vectors", str(path)] if command == "info" else \
        ["convert", str(path), str(tmp_path / "out.txt")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr == f"wordvec: error: {path} line 3: non-numeric value b'x' in field 3\n"
    assert not (tmp_path / "out.txt").exists()


def test_lazy_top_level_load(tmp_path, small):
    small.save(tmp_path / "v.txt")
    assert wordvec.load(tmp_path / "v.txt", limit=1).keys == ["the"]
    assert Vectors.load(tmp_path / "v.txt", encoding_errors="replace").keys == small.keys
    save(small, tmp_path / "w.txt")
    assert (tmp_path / "w.txt").read_bytes() == (tmp_path / "v.txt").read_bytes()


def test_pretrained_name_loads_the_packaged_glove(tmp_path, monkeypatch):
    import wordvec

    monkeypatch.chdir(tmp_path)  # no file called glove-6b-50d here
    v = wordvec.load("glove-6b-50d", limit=1000)
    assert (len(v), v.dim) == (1000, 50)
    assert v.keys[:3] == ["the", ",", "."]


def test_packaged_glove_is_kept_as_a_native_copy_that_needs_no_pyarrow(tmp_path, monkeypatch):
    import sys

    from wordvec.io import load_native
    from wordvec.pretrained import glove_6b_50d

    monkeypatch.setenv("WORDVEC_CACHE", str(tmp_path / "cache"))
    first = glove_6b_50d()
    copies = list((tmp_path / "cache" / "pretrained").iterdir())
    assert len(copies) == 1 and copies[0].name.startswith("glove-6b-50d-")
    direct = glove_6b_50d(cache=False)
    copy = load_native(copies[0])
    assert copy.keys == first.keys == direct.keys
    np.testing.assert_array_equal(copy.vectors, direct.vectors)
    (copies[0] / "vectors.npy").write_bytes(b"damaged")
    rebuilt = glove_6b_50d()  # a damaged copy is made again
    np.testing.assert_array_equal(load_native(copies[0]).vectors, direct.vectors)
    np.testing.assert_array_equal(rebuilt.vectors, direct.vectors)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # now the copy is read without it
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(Exception, match="pyarrow"):
        glove_6b_50d(cache=False)  # the package cannot be read...
    again = glove_6b_50d()  # ...and the cached copy still can
    assert again.keys == direct.keys
    np.testing.assert_array_equal(again.vectors, direct.vectors)


def test_packaged_glove_with_an_unwritable_cache_still_loads(tmp_path, monkeypatch):
    from wordvec.pretrained import glove_6b_50d

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WORDVEC_CACHE", str(blocker))
    v = glove_6b_50d()
    assert (len(v), v.dim) == (400_000, 50) and v.keys[0] == "the"



def test_subset_keeps_the_listed_words_in_order_with_their_counts(tmp_path, small):
    small.save(tmp_path / "store")
    mapped = load(tmp_path / "store")  # a read-only memory map underneath
    part = mapped.subset(["東京", "the", "東京", "king"])
    assert part.keys == ["東京", "the", "king"]
    np.testing.assert_array_equal(part.vectors, small.vectors[[4, 0, 1]])
    assert part.counts.tolist() == [20, 60, 50]
    part["the"] = np.ones(5)  # its own memory, not the map
    np.testing.assert_array_equal(mapped["the"], small["the"])
    with pytest.raises(KeyError, match="2 word\\(s\\) not in vocabulary: 'nope', 'zip'"):
        small.subset(["the", "nope", "zip"])
    assert small.subset(["nope", "queen"], missing="skip").keys == ["queen"]
    with pytest.raises(ValueError, match="missing must be"):
        small.subset(["the"], missing="ignore")


def test_cli_convert_words_keeps_a_vocabulary(tmp_path, small):
    small.save(tmp_path / "store")
    (tmp_path / "vocab.tsv").write_text("queen\t7\n\nnope\nthe\nqueen\n")
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "store"),
                                       str(tmp_path / "task.txt"), "--words",
                                       str(tmp_path / "vocab.tsv")])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"kept 2 of the 3 words of {tmp_path / 'vocab.tsv'} "
                             f"(not in {tmp_path / 'store'}: 1)\n")
    task = load(tmp_path / "task.txt")
    assert task.keys == ["queen", "the"]
    np.testing.assert_array_equal(task.vectors, small.vectors[[2, 0]])
    (tmp_path / "none.txt").write_text("nope\n")
    result = CliRunner().invoke(main, ["convert", str(tmp_path / "store"),
                                       str(tmp_path / "x.txt"), "--words",
                                       str(tmp_path / "none.txt")])
    assert result.exit_code == 1 and not (tmp_path / "x.txt").exists()
    assert result.stderr == (f"wordvec: error: none of the 1 words of {tmp_path / 'none.txt'} "
                             f"is in {tmp_path / 'store'}\n")
