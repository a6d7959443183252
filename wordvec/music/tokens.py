"""Scores to token sequences: the course's abstract grammar, or plain notes.

Grammar tokens (Keller & Morrison's, as the course and deepjazz use them), one per note or
rest of a 4/4 measure of the melody, read against the chord sounding at its offset:

``TYPE,DUR[,<UP,LOW>]``
    TYPE is ``C`` (a chord tone), ``S`` (in the chord's scale: major for a major chord, else
    Dorian, on the chord's root), ``A`` (a semitone from a chord tone), ``X`` (anything
    else) or ``R`` (a rest); DUR is the length in quarter notes with 3 decimals; every note
    but a measure's first carries the interval from the previous note widened by a minor
    third each way, as music21's directed names (``<P4,m-2>``).

Pitches are compared by pitch class (enharmonic spellings count as the same tone). The
melody is the score's first part; the chords are the other parts sounding together
(music21's chordify), or the chord symbols of a lead sheet. Measures that are not 4/4, or
whose melody does not fill the measure (pick-ups, endings), are skipped.

Note tokens are ``PITCH,DUR`` (``F#4,0.500``) or ``R,DUR``, over every measure of the first
part: for monophonic tunes, any metre.

Examples
--------
>>> corpus = read_corpus(["bach/bwv66.6"], tokens="grammar")      # doctest: +SKIP
>>> corpus.sequences[0][:3]                                        # doctest: +SKIP
['C,1.000', 'C,0.500,<m3,m-3>', 'S,0.500,<M2,M-3>']
"""

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError, WordvecError
from . import require

KINDS = ("grammar", "notes")
SCALES = {True: (0, 2, 4, 5, 7, 9, 11), False: (0, 2, 3, 5, 7, 9, 10)}   # major?, else Dorian
SCORE_SUFFIXES = {".mid", ".midi", ".xml", ".musicxml", ".mxl", ".abc", ".krn", ".mei"}
CORPORA = {"bach-chorales": "the four-part Bach chorales",
           "essen": "the Essen folk songs (monophonic: --tokens notes)",
           "oneills": "O'Neill's 1850 Irish tunes (monophonic: --tokens notes)"}


@dataclass
class Corpus:
    """Token sequences read from scores.

    Attributes
    ----------
    kind : {"grammar", "notes"}
    sequences : list of list of str
        One token sequence per piece.
    names : list of str
        The pieces, in the order of `sequences`.
    progression : list
        Grammar only: per measure, its chords ``[offset, [MIDI pitches], root pitch class,
        major]`` with `offset` in quarter notes from the start of the measure.
    pitch_classes : list of int
        How many melody notes of each pitch class (C = 0) the sequences hold.
    """

    kind: str
    sequences: list = field(default_factory=list)
    names: list = field(default_factory=list)
    progression: list = field(default_factory=list)
    pitch_classes: list = field(default_factory=lambda: [0] * 12)


def read_corpus(sources, tokens="grammar", pieces=None):
    """Tokens of every usable piece of `sources`, at most `pieces` of them.

    Parameters
    ----------
    sources : list of str
        Names from `CORPORA`, music21 corpus paths (``bach/bwv66.6``), score files
        (MIDI, MusicXML, ABC, Humdrum...) or folders of them.
    tokens : {"grammar", "notes"}
    pieces : int, optional
        Stop after this many pieces have given tokens.
    """
    if tokens not in KINDS:
        raise ValueError(f"tokens must be one of {', '.join(KINDS)}, got {tokens!r}")
    if pieces is not None and pieces < 1:
        raise ValueError(f"pieces must be >= 1, got {pieces}")
    corpus = Corpus(tokens)
    for name, score in _scores(sources, tokens):
        if tokens == "grammar":
            sequence, progression, pitches = grammar_tokens(score)
        else:
            (sequence, pitches), progression = note_tokens(score), []
        if not sequence:
            continue
        corpus.sequences.append(sequence)
        corpus.names.append(name)
        corpus.progression.extend(progression)
        for pitch in pitches:
            corpus.pitch_classes[pitch % 12] += 1
        if pieces is not None and len(corpus.sequences) >= pieces:
            break
    if not corpus.sequences:
        raise WordvecError(f"no {tokens} tokens in {', '.join(map(str, sources))}"
                           + (" (grammar tokens need 4/4 measures and chords: a second part "
                              "or chord symbols; try --tokens notes)" if tokens == "grammar"
                              else ""))
    return corpus


def _scores(sources, tokens):
    """(name, music21 Score) for every piece of `sources`, parsed one at a time."""
    music21 = require("music21")
    from music21 import corpus

    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SCORE_SUFFIXES)
            if not files:
                raise WordvecError(f"{source}: no score files (.mid, .xml, .mxl, .abc...) here")
            for file in files:
                yield from _parse(music21, file)
        elif path.exists():
            yield from _parse(music21, path)
        elif source == "bach-chorales":
            for name in corpus.chorales.Iterator(returnType="filename"):
                yield from _parse(music21, name, corpus.parse)
        elif source in ("essen", "oneills"):
            for file in corpus.getComposer("essenFolksong" if source == "essen"
                                           else "oneills1850"):
                yield from _parse(music21, file, corpus.parse)
        else:
            try:
                paths = corpus.getWork(source)
            except Exception:   # music21 raises its own errors for unknown names
                paths = []
            if not paths:
                raise FileNotFoundError(2, "no such file, folder or music21 corpus name "
                                           f"(corpora: {', '.join(CORPORA)})", source)
            yield from _parse(music21, source, corpus.parse)


def _parse(music21, source, parse=None):
    try:
        parsed = (parse or music21.converter.parse)(source)
    except Exception as exc:   # music21's parsers raise many kinds of errors on bad files
        raise FormatError(source, f"not a score music21 can read "
                                  f"({type(exc).__name__}: {exc})"[:300]) from None
    if isinstance(parsed, music21.stream.Opus):
        for k, score in enumerate(parsed.scores):
            yield f"{source}#{k + 1}", score
    elif isinstance(parsed, music21.stream.Score):
        yield str(source), parsed
    else:   # a lone part or measure
        yield str(source), music21.stream.Score([parsed])


def _events(measure):
    """(offset, quarter length, music21 Note or None for a rest) of a melody measure: chords
    give their top note, grace notes and a second event at the same offset are dropped."""
    from music21 import chord, harmony, note

    events = []
    for element in measure.flatten().notesAndRests:
        if isinstance(element, harmony.ChordSymbol) or element.quarterLength == 0:
            continue
        offset = float(element.offset)
        if events and offset < events[-1][0] + 1e-9:
            continue
        if isinstance(element, chord.Chord):
            element = note.Note(max(element.pitches), quarterLength=element.quarterLength)
        events.append((offset, float(element.quarterLength),
                       None if element.isRest else element))
    return events


def _chords(elements):
    """``[offset, pitches, root, major]`` of the chords among `elements`, repeats merged."""
    from music21 import chord

    out = []
    for element in elements:
        if not isinstance(element, chord.Chord) or not element.pitches:
            continue
        pitches = sorted({p.midi for p in element.pitches})
        if out and out[-1][1] == pitches:
            continue
        out.append([float(element.offset), pitches, element.root().pitchClass,
                    element.quality == "major"])
    return out


def chord_at(chords, offset):
    """The last of `chords` (``[offset, pitches, root, major]``) starting at or before
    `offset`, else the first."""
    current = chords[0]
    for c in chords:
        if c[0] <= offset + 1e-9:
            current = c
    return current


def tone_type(pitch, chord):
    """``C``, ``S``, ``A`` or ``X``: what the MIDI `pitch` is against `chord`."""
    _, pitches, root, major = chord
    pc = pitch % 12
    classes = {p % 12 for p in pitches}
    if pc in classes:
        return "C"
    if (pc - root) % 12 in SCALES[major]:
        return "S"
    if (pc + 1) % 12 in classes or (pc - 1) % 12 in classes:
        return "A"
    return "X"


def grammar_tokens(score):
    """Grammar tokens of `score` (a music21 Score), its progression (one entry per 4/4
    measure used, see the module docstring) and the MIDI pitches of those measures' notes."""
    parts = list(score.parts)
    if not parts:
        return [], []
    melody = parts[0].getElementsByClass("Measure")
    if len(parts) > 1:
        from music21 import stream

        chordified = stream.Score(parts[1:]).chordify()
        chords_by_number = {m.number: _chords(m.flatten().notes)
                            for m in chordified.getElementsByClass("Measure")}
    else:
        from music21 import harmony

        chords_by_number = {m.number: _chords(m.flatten().getElementsByClass(
            harmony.ChordSymbol)) for m in melody}
    tokens, progression, pitches, last_chord = [], [], [], None
    for measure in melody:
        chords = chords_by_number.get(measure.number) or []
        if not chords and last_chord is not None:
            chords = [[0.0, *last_chord[1:]]]
        if chords and chords[0][0] > 0 and last_chord is not None:
            chords.insert(0, [0.0, *last_chord[1:]])
        if chords:
            last_chord = chords[-1]
        events = _events(measure)
        if not chords or measure.barDuration.quarterLength != 4 or not events \
                or abs(events[-1][0] + events[-1][1] - 4.0) > 1e-6 or events[0][0] > 1e-9:
            continue
        measure_tokens = _measure_grammar(events, chords)
        if measure_tokens is None:
            continue
        tokens.extend(measure_tokens)
        pitches.extend(n.pitch.midi for _, _, n in events if n is not None)
        progression.append(chords)
    return tokens, progression, pitches


def _measure_grammar(events, chords):
    """The grammar tokens of one measure's `events`, or None if music21 cannot name one of
    its widened intervals."""
    from music21 import interval

    tokens, prev = [], None
    for offset, length, n in events:
        if n is None:
            tokens.append(f"R,{length:.3f}")
            continue
        token = f"{tone_type(n.pitch.midi, chord_at(chords, offset))},{length:.3f}"
        if prev is not None:
            step = interval.Interval(noteStart=prev, noteEnd=n)
            try:
                up = interval.add([step, "m3"]).directedName
                low = interval.subtract([step, "m3"]).directedName
            except Exception:   # music21 cannot name some wide or odd sums
                return None
            token += f",<{up},{low}>"
        tokens.append(token)
        prev = n
    return tokens


def note_tokens(score):
    """``PITCH,DUR`` / ``R,DUR`` tokens of the first part of `score`, every measure, and the
    MIDI pitches of its notes."""
    parts = list(score.parts) or [score]
    tokens, pitches = [], []
    measures = parts[0].getElementsByClass("Measure") or [parts[0]]
    for measure in measures:
        for _, length, n in _events(measure):
            tokens.append(f"{'R' if n is None else n.pitch.nameWithOctave},{length:.3f}")
            if n is not None:
                pitches.append(n.pitch.midi)
    return tokens, pitches

