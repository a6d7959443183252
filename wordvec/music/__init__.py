"""Music for the course's LSTM solo: scores to tokens, tokens back to notes, MIDI and pictures.

`wordvec.music.tokens` reads scores (music21's bundled corpus by name, or MIDI / MusicXML /
ABC files) into token sequences, either the course's abstract grammar (``TYPE,DUR[,<UP,LOW>]``
against the current chord) or plain ``PITCH,DUR`` notes; `wordvec.music.render` turns
tokens back into notes, writes standard MIDI files (mido), draws piano rolls and measures
generated notes against a corpus. The model itself is `wordvec.models.music.MusicLSTM`.

music21 (reading scores) and mido (MIDI) are the optional extra ``music``.

Examples
--------
>>> from wordvec.music.render import interval_semitones
>>> interval_semitones("M-6"), interval_semitones("A4")
(-9, 6)
"""

from ..errors import WordvecError


def require(module):
    """Import `module` (music21 or mido), or a one-line error naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise WordvecError(f"{module} is not installed: pip install 'wordvec[music]'") from None
