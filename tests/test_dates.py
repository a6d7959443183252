"""The course's date task: the renderer against babel (the course's own renderer, a dev
test dependency) on every format, the week-year quirk, the fixed vocabularies, seeding."""

import datetime

import numpy as np
import pytest

from wordvec.datasets import (
    DATE_FORMATS,
    DATE_HUMAN_VOCAB,
    DATE_MACHINE_VOCAB,
    date_pairs,
    format_date,
    week_year,
)


def test_renderer_agrees_with_babel_on_every_format():
    babel_dates = pytest.importorskip("babel.dates")
    rng = np.random.default_rng(0)
    first = datetime.date(1970, 1, 1)
    days = rng.integers(0, 60 * 366, 400).tolist()
    days += [(datetime.date(y, 12, d) - first).days for y in (1998, 2003, 2014)
             for d in range(25, 32)]                        # the week-year corner
    for pattern in sorted(set(DATE_FORMATS)):
        for offset in days:
            date = first + datetime.timedelta(days=offset)
            assert format_date(date, pattern) == babel_dates.format_date(
                date, format=pattern, locale="en_US"), (date, pattern)


def test_week_based_year_quirk():
    assert week_year(datetime.date(2003, 12, 31)) == 2004       # a Wednesday
    assert week_year(datetime.date(1998, 12, 27)) == 1999       # a Sunday
    assert week_year(datetime.date(1998, 12, 26)) == 1998       # the Saturday before
    assert week_year(datetime.date(2004, 1, 1)) == 2004
    assert format_date(datetime.date(2003, 12, 31), "d MMM YYY") == "31 Dec 2004"
    pairs = date_pairs(20000, random_state=1)
    noisy = sum(h[-4:].isdigit() and h[-4:] != iso[:4] for h, iso in pairs)
    assert 10 <= noisy <= 80                   # about 0.2 % carry the next year
    clean = date_pairs(20000, random_state=1, week_years=False)
    assert [iso for _, iso in clean] == [iso for _, iso in pairs]
    assert not any(h[-4:].isdigit() and h[-4:] != iso[:4] for h, iso in clean)


def test_pairs_are_seeded_and_use_the_course_vocabularies():
    pairs = date_pairs(3000, random_state=7)
    assert pairs == date_pairs(3000, random_state=7) != date_pairs(3000, random_state=8)
    assert len(DATE_HUMAN_VOCAB) == 37 and len(DATE_MACHINE_VOCAB) == 11
    assert DATE_HUMAN_VOCAB.index("a") == 13 and DATE_HUMAN_VOCAB[-2:] == ("<unk>", "<pad>")
    seen = {c for human, _ in pairs for c in human}
    assert seen <= set(DATE_HUMAN_VOCAB) and not seen & set("kqxz")
    assert max(len(h) for h, _ in pairs) <= 30
    for human, iso in pairs:
        date = datetime.date.fromisoformat(iso)
        assert datetime.date(1970, 1, 1) <= date <= datetime.date(2019, 12, 31)
        assert "," not in human and human == human.lower()
    full = sum(h.split()[0] in {"monday", "tuesday", "wednesday", "thursday", "friday",
                                "saturday", "sunday"} for h, _ in pairs)
    assert abs(full / len(pairs) - 10 / 24) < 0.04        # "full" is 10 of the 24 formats


def test_bad_range():
    with pytest.raises(ValueError, match="before start"):
        date_pairs(1, start="2000-01-01", end="1999-01-01")


# --- the numbers task -------------------------------------------------------------------

def _words_to_number(text):
    """An independent reading of the words back (the usual running-total parser)."""
    from wordvec.datasets import _ONES, _TENS
    value = {w: i for i, w in enumerate(_ONES)} | {w: 10 * i for i, w in enumerate(_TENS)
                                                   if w != "_"}
    total = current = 0
    for word in text.split():
        if word == "and":
            continue
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        else:
            current += value[word]
    return total + current


def test_spelled_numbers_by_hand_and_read_back():
    from wordvec.datasets import number_pairs, spell_number
    assert spell_number(0) == "zero" and spell_number(13) == "thirteen"
    assert spell_number(205) == "two hundred and five"
    assert spell_number(1005) == "one thousand and five"
    assert spell_number(21040) == "twenty one thousand and forty"
    assert spell_number(100000) == "one hundred thousand"
    for k in (*range(0, 2100), *range(99000, 101000), 999999):
        assert _words_to_number(spell_number(k)) == k
    pairs = number_pairs(3000, random_state=0)
    assert pairs == number_pairs(3000, random_state=0)
    assert all(_words_to_number(w) == int(d) for w, d in pairs)
    counts = np.bincount([len(d) for _, d in pairs], minlength=7)[1:]
    assert counts.min() > 400                       # digit counts 1..6 about equally often
    with pytest.raises(ValueError, match="0 to 999999"):
        spell_number(10**6)
