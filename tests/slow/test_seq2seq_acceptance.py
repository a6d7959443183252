"""Issue 13's acceptance, slowly: `wordvec seq2seq train dates` with its defaults (about two
minutes on 2 cores), then `evaluate` on its 2,000 held-out dates (>= 0.98 exact match) and the
attention of "tuesday 9 march 2004" (the year's outputs look at the year). `make slow`."""

import json
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def wordvec(*args):
    proc = subprocess.run([sys.executable, "-m", "wordvec", "seq2seq", *map(str, args)],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_dates_defaults_reach_098_and_the_year_attends_to_the_year(tmp_path):
    from wordvec.models.seq2seq import Seq2Seq

    wordvec("train", "dates", "-o", tmp_path / "dates.model", "-q")
    report = json.loads(wordvec("evaluate", "--model", tmp_path / "dates.model", "--json"))
    # calibration: 0.9925 (seed 0, 2 shared cores); about 0.2 % of the labels carry the
    # week-based year of late December, so 0.998 is the ceiling
    assert report["n"] == 2000 and report["exact_match"] >= 0.98
    model = Seq2Seq.load(tmp_path / "dates.model")
    source = "tuesday 9 march 2004"
    best = model.translate(source, beam_width=3)[0]
    assert best.output == "2004-03-09"
    year = slice(source.index("2004"), source.index("2004") + 4)
    # calibration: the four year rows put 0.89-0.998 of their weight on "2004", under 0.05
    # on "tuesday"
    assert np.all(best.attention[:4, year].sum(axis=1) > 0.5)
    assert np.all(best.attention[:4, :source.index(" 9")].sum(axis=1) < 0.2)   # "tuesday"
    # the course notebook's own examples, out of the training formats ("21th of", "tue",
    # "3rd"): its shipped models get 6 or 7 of these 8 right; calibration: 5 here, greedy
    # or beam 3 ("tue 10 jul" -> june, "21th" -> 20, "3rd" -> 2)
    course = {"3 May 1979": "1979-05-03", "5 April 09": "2009-04-05",
              "21th of August 2016": "2016-08-21", "Tue 10 Jul 2007": "2007-07-10",
              "Saturday May 9 2018": "2018-05-09", "March 3 2001": "2001-03-03",
              "March 3rd 2001": "2001-03-03", "1 March 2001": "2001-03-01"}
    right = sum(o == t for o, t in zip(model.predict(list(course), beam_width=3),
                                         course.values(), strict=True))
    print(f"course examples right: {right} of 8")
    assert right >= 4
