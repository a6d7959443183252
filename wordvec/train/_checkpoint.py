"""What both trainers share about checkpoints: the `state.json` header and Ctrl-C handling.

A checkpoint is a folder (written with `atomic_dir`) holding the trainer's arrays as `.npy`
files and a `state.json` whose header names the trainer, the format version and the
parameters that must match for a resume to continue the same run.
"""

import contextlib
import signal
import threading
from pathlib import Path

from .._header import read_header, write_header

VERSION = 1


def write_state(folder, kind, params, **state):
    """Write `state.json` into `folder` with the header for trainer `kind` ("sgns", "glove")."""
    write_header(Path(folder) / "state.json", f"wordvec-{kind}-checkpoint", VERSION,
                 params=params, **state)


def read_state(path, kind, model):
    """Read `state.json` of a `kind` checkpoint and check its parameters against `model`'s.

    `FormatError` for a folder that is not such a checkpoint; `ValueError` naming the first
    parameter that differs.
    """
    path = Path(path)
    state = read_header(path / "state.json", f"wordvec-{kind}-checkpoint", VERSION,
                        "not a training checkpoint (no state.json)")
    for name, value in state["params"].items():
        if getattr(model, name) != value:
            raise ValueError(f"{path}: checkpoint has {name}={value!r}, "
                             f"this model {name}={getattr(model, name)!r}")
    return state


@contextlib.contextmanager
def sigint_sets_flag():
    """Yield an Event that Ctrl-C sets instead of raising, so training stops between jobs
    with a consistent state. Outside the main thread signals cannot be caught: the Event
    is then never set by Ctrl-C."""
    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        yield stop
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
