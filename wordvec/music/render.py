"""Tokens back to notes, standard MIDI files, piano rolls, and measures of generated notes.

A note here is ``(start, length, pitch)``: start and length in quarter notes, pitch a MIDI
number (60 is middle C). Decoding grammar tokens follows the course (its ``qa.py`` and
``grammar.py``): approach and other tones become chord tones, durations are rounded to
sixteenths, each token then becomes a pitch chosen at random against the chord sounding at
its start (a chord tone, or a tone of the chord's scale, within the token's interval window
from the previous note when it has one), and a note repeating the previous pitch is dropped.
The scale is the one the tokens were read with (major or Dorian on the chord's root), where
the course draws first notes from a blues scale.

Examples
--------
>>> notes = decode(["C,1.000", "S,1.000,<M2,d-4>", "R,2.000"],
...                [[[0.0, [60, 64, 67], 0, True]]], random_state=0)
>>> [(start, length) for start, length, _ in notes]
[(0.0, 1.0), (1.0, 1.0)]
"""

import re
from pathlib import Path

import numpy as np

from ..errors import FormatError
from . import require
from .tokens import SCALES, chord_at, tone_type

_INTERVAL = re.compile(r"^(P|M|m|A+|d+)(-?)(\d+)$")
_PITCH = re.compile(r"^([A-Ga-g])(#+|-+)?(\d+)$")
_STEPS = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 11}
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def interval_semitones(name):
    """Semitones of a music21 directed interval name: ``"m-3"`` -> -3, ``"AA4"`` -> 7."""
    match = _INTERVAL.match(name)
    if not match or int(match[3]) < 1:
        raise ValueError(f"not an interval name: {name!r}")
    quality, sign, number = match[1], match[2], int(match[3])
    simple = (number - 1) % 7 + 1
    perfect = simple in (1, 4, 5)
    if quality in ("P", "M", "m") and (quality == "P") != perfect:
        raise ValueError(f"not an interval name: {name!r}")
    if quality[0] == "A":
        shift = len(quality)
    elif quality[0] == "d":
        shift = -len(quality) - (0 if perfect else 1)
    else:
        shift = -1 if quality == "m" else 0
    semitones = _STEPS[simple] + 12 * ((number - 1) // 7) + shift
    return -semitones if sign else semitones


def pitch_number(name):
    """MIDI number of a music21 pitch name with octave: ``"F#4"`` -> 66, ``"B-3"`` -> 58."""
    match = _PITCH.match(name)
    if not match:
        raise ValueError(f"not a pitch name: {name!r}")
    accidental = (match[2] or "").count("#") - (match[2] or "").count("-")
    return 12 * (int(match[3]) + 1) + _LETTERS[match[1].upper()] + accidental


def parse_token(token):
    """``(type, length, (up, low) or None)`` of a grammar token, or ``(pitch or "R", length,
    None)`` of a note token; a `ValueError` naming the token otherwise."""
    parts = token.split(",", 2)
    try:
        length = float(parts[1])
        if not 0 <= length < 64:
            raise ValueError
        window = None
        if len(parts) == 3:
            up, low = parts[2].strip("<>").split(",")
            window = (interval_semitones(up), interval_semitones(low))
        if parts[0] in ("C", "S", "A", "X", "R"):
            return parts[0], length, window
        if window is None:
            return pitch_number(parts[0]), length, None
    except (ValueError, IndexError):
        pass
    raise ValueError(f"not a music token: {token!r}")


def decode(tokens, progression=None, random_state=None):
    """Notes ``(start, length, pitch)`` of `tokens`: note tokens directly, grammar tokens
    against `progression` (per measure, ``[offset, pitches, root, major]`` chords; measure
    ``k`` starts at beat ``4 k``, cycling when the tokens outlast it)."""
    rng = np.random.default_rng(random_state)
    notes, time, prev = [], 0.0, None
    for token in tokens:
        kind, length, window = parse_token(token)
        if isinstance(kind, str) and kind != "R" and not progression:
            raise ValueError("grammar tokens need a chord progression to become notes")
        if kind in ("A", "X"):
            kind = "C"
        if isinstance(kind, str) and kind != "R":
            length = max(0.25, round(length * 4) / 4)
        if kind != "R" and length > 0:
            if isinstance(kind, int):
                pitch = kind
            else:
                bar = progression[int(time // 4) % len(progression)]
                pitch = _choose(kind, window, prev, chord_at(bar, time % 4), rng)
            if pitch != prev:
                notes.append((time, length, pitch))
            prev = pitch
        time += length
    return notes


def _choose(kind, window, prev, chord, rng):
    """A pitch of type `kind` against `chord`: inside ``prev + window`` when there is one."""
    _, pitches, root, major = chord
    if window is None or prev is None:
        if kind == "C":
            pitch = int(rng.choice(pitches))
        else:
            pitch = pitches[0] - pitches[0] % 12 + root + int(rng.choice(SCALES[major]))
        while pitch < 60:
            pitch += 12
        return pitch
    up, low = window
    lo, hi = sorted((prev + low, prev + up))
    wanted = ("C",) if kind == "C" else ("C", "S")     # a chord tone is in its scale too
    candidates = [p for p in range(lo, hi + 1) if p != prev and tone_type(p, chord) in wanted]
    pitch = int(rng.choice(candidates)) if candidates else prev + int(rng.choice([-2, 2]))
    while pitch < 48:
        pitch += 12
    return pitch


def chord_notes(progression, beats):
    """The chords of `progression` as notes ``(start, length, pitch)`` over the first `beats`
    quarter notes (measure ``k`` is ``progression[k % len(progression)]``), each chord
    lasting until the next one or the end of its measure."""
    notes = []
    for k in range(int(np.ceil(beats / 4))):
        bar = progression[k % len(progression)]
        for j, (offset, pitches, _, _) in enumerate(bar):
            end = bar[j + 1][0] if j + 1 < len(bar) else 4.0
            notes.extend((4.0 * k + offset, end - offset, p) for p in pitches)
    return notes


def write_midi(path, melody, chords=(), bpm=130, ticks_per_beat=480):
    """A type-1 standard MIDI file: a tempo track, the melody (jazz guitar) and the chords
    (piano) as tracks of `(start, length, pitch)` notes; written atomically."""
    mido = require("mido")
    from .._atomic import atomic_file

    if not 1 <= bpm <= 1000:
        raise ValueError(f"tempo must be between 1 and 1000 bpm, got {bpm}")
    midi = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    midi.tracks.append(mido.MidiTrack([
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm)),
        mido.MetaMessage("time_signature", numerator=4, denominator=4)]))
    for channel, program, notes in ((0, 26, melody), (1, 0, chords)):
        if not len(notes):
            continue
        events = []
        for start, length, pitch in notes:
            on = round(start * ticks_per_beat)
            off = max(on + 1, round((start + length) * ticks_per_beat))
            events += [(on, 1, pitch, 90), (off, 0, pitch, 0)]
        track = mido.MidiTrack([mido.Message("program_change", channel=channel,
                                             program=program)])
        now = 0
        for tick, is_on, pitch, velocity in sorted(events):
            track.append(mido.Message("note_on" if is_on else "note_off", channel=channel,
                                      note=int(pitch), velocity=velocity, time=tick - now))
            now = tick
        midi.tracks.append(track)
    with atomic_file(path, "wb") as f:
        midi.save(file=f)


def read_notes(path):
    """``(tracks, tempo_bpm)`` of a MIDI file: per track its notes ``(start, length, pitch)``
    in quarter notes (the first tempo counts; 120 bpm without one)."""
    mido = require("mido")
    try:
        midi = mido.MidiFile(path)
    except (OSError, EOFError, ValueError, KeyError, IndexError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise FormatError(path, f"not a MIDI file mido can read "
                                f"({exc or type(exc).__name__})"[:300]) from None
    tempo, tracks = None, []
    for track in midi.tracks:
        now, open_notes, notes = 0, {}, []
        for message in track:
            now += message.time
            if message.type == "set_tempo" and tempo is None:
                tempo = message.tempo
            elif message.type == "note_on" and message.velocity > 0:
                open_notes.setdefault((message.channel, message.note), now)
            elif message.type in ("note_on", "note_off"):
                start = open_notes.pop((message.channel, message.note), None)
                if start is not None:
                    notes.append((start / midi.ticks_per_beat,
                                  (now - start) / midi.ticks_per_beat, message.note))
        tracks.append(sorted(notes))
    return tracks, mido.tempo2bpm(tempo) if tempo else 120.0


def info(path, with_notes=False):
    """What a MIDI file or score holds: a dict of tracks, notes, beats, tempo and seconds
    (and ``notes_by_track``, lists of ``(start, length, pitch)``, with `with_notes`)."""
    path = Path(path)
    if path.suffix.lower() in (".mid", ".midi"):
        tracks, bpm = read_notes(path)
    else:
        from .tokens import _parse

        music21 = require("music21")
        if not path.exists():
            raise FileNotFoundError(2, "no such file", str(path))
        (_, score), *_ = _parse(music21, path)
        marks = score.flatten().getElementsByClass("MetronomeMark")
        bpm = float(marks[0].getQuarterBPM()) if marks else 120.0
        tracks = [[(float(n.offset), float(n.quarterLength), p.midi)
                   for n in part.flatten().notes for p in n.pitches]
                  for part in score.parts]
    notes = [n for track in tracks for n in track]
    beats = max((start + length for start, length, _ in notes), default=0.0)
    facts = {"file": str(path), "tracks": len(tracks), "notes": len(notes),
             "beats": round(beats, 3), "tempo_bpm": round(bpm, 3),
             "seconds": round(beats * 60.0 / bpm, 3),
             "pitch_range": [min(p for *_, p in notes), max(p for *_, p in notes)]
             if notes else None}
    if with_notes:
        facts["notes_by_track"] = tracks
    return facts


def piano_roll(path, melody, chords=(), title=None):
    """Draw `melody` (and `chords` in grey) as a piano roll PNG at `path`, written atomically."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from .._atomic import atomic_file

    everything = list(melody) + list(chords)
    if not everything:
        raise ValueError("no notes to draw")
    fig = Figure(figsize=(12, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for notes, colour in ((chords, "0.75"), (melody, "tab:red")):
        for start, length, pitch in notes:
            ax.add_patch(Rectangle((start, pitch - 0.4), length, 0.8,
                                   color=colour, lw=0))
    end = max(s + n for s, n, _ in everything)
    low, high = min(p for *_, p in everything), max(p for *_, p in everything)
    ax.set_xlim(0, end)
    ax.set_ylim(low - 2, high + 2)
    for bar in np.arange(0, end, 4):
        ax.axvline(bar, color="0.9", lw=0.8, zorder=0)
    ax.set_xlabel("beat (quarter notes; a grey line every 4/4 measure)")
    ax.set_ylabel("MIDI pitch (60 = middle C)")
    ax.set_title(title or f"{len(melody)} melody notes, {len(chords)} chord notes")
    fig.tight_layout()
    with atomic_file(path, "wb") as f:
        fig.savefig(f, format="png")


def pitch_class_l1(notes, counts):
    """L1 distance (0 to 2) between the pitch-class histogram of `notes` and `counts`."""
    ours = np.bincount([p % 12 for *_, p in notes], minlength=12).astype(float)
    theirs = np.asarray(counts, dtype=float)
    if not ours.sum() or not theirs.sum():
        raise ValueError("a pitch-class histogram of no notes")
    return float(np.abs(ours / ours.sum() - theirs / theirs.sum()).sum())


def in_scale_rate(notes, progression):
    """The fraction of `notes` whose pitch is a chord or scale tone of the chord sounding at
    its start (`progression` as in `decode`)."""
    if not notes:
        raise ValueError("no notes to measure")
    inside = [tone_type(p, chord_at(progression[int(s // 4) % len(progression)], s % 4))
              in ("C", "S") for s, _, p in notes]
    return float(np.mean(inside))


def copy_rate(tokens, training, n=4):
    """The fraction of the `n`-grams of `tokens` that occur in the `training` sequences."""
    seen = {tuple(seq[i:i + n]) for seq in training for i in range(len(seq) - n + 1)}
    grams = [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    if not grams:
        raise ValueError(f"fewer than {n} tokens")
    return float(np.mean([g in seen for g in grams]))
