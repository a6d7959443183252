"""What both trainers share about checkpoints: the `state.json` header and its checks, Ctrl-C
and SIGTERM handling, and the checks that training has not diverged.

A checkpoint is a folder (published with `atomic_dir`: a crash or a concurrent reader never
sees half of one) holding the trainer's arrays as `.npy` files and a `state.json` whose
header names the trainer, the format version and the parameters that must match for a
resume to continue the same run. Everything read back is checked (types, ranges, array
dtypes and shapes, finiteness) before training uses it: each failure is a `FormatError`
naming the file and the field.
"""

import contextlib
import math
import signal
import threading
from pathlib import Path

import numpy as np

from .._atomic import atomic_dir, published
from .._header import read_header, write_header
from ..errors import FormatError, WordvecError

VERSION = 2   # 2: state.json names versioned files


def write_checkpoint(path, kind):
    """Context manager: a staging folder to fill, published as the checkpoint `path`."""
    return atomic_dir(path, "state.json", f"wordvec-{kind}-checkpoint")


def checkpoint_file(path, state, name):
    """The path of the checkpoint's file `name` (versioned: `state.json` names it)."""
    return published(path, Path(path) / "state.json", state, name)


def write_state(folder, kind, params, **state):
    """Write `state.json` into `folder` with the header for trainer `kind` ("sgns", "glove")."""
    write_header(Path(folder) / "state.json", f"wordvec-{kind}-checkpoint", VERSION,
                 params=params, **state)


#: Parameters added to a model after its checkpoints were first written, with the value that
#: checkpoints without them were trained with, so that those still resume.
ADDED_PARAMS = {"hs": False}


def read_params(path, kind, schedule):
    """`(state, params)` of the `kind` checkpoint `path`: its `state.json` and the parameters
    named by `schedule` it was trained with (those a resume must keep). `FormatError` for a
    folder that is not such a checkpoint or params that do not name exactly `schedule`."""
    path = Path(path)
    state = read_header(path / "state.json", f"wordvec-{kind}-checkpoint", VERSION,
                        "not a training checkpoint (no state.json)")
    params = state.get("params")
    if isinstance(params, dict):  # written before a parameter existed: trained without it
        params = {**{k: v for k, v in ADDED_PARAMS.items() if k in schedule}, **params}
        state["params"] = params
    if not isinstance(params, dict) or sorted(params) != sorted(schedule):
        raise FormatError(path / "state.json", f"params must be an object with the keys "
                                               f"{', '.join(schedule)}, got {params!r}")
    return state, params


def read_state(path, kind, model, schedule):
    """Read `state.json` of a `kind` checkpoint and check it against `model`.

    `schedule` names the parameters that must equal the model's, and `seed` must equal the
    model's `random_state` when that is an integer. `FormatError` for a folder that is not
    such a checkpoint or a malformed field; `ValueError` naming the first parameter that
    differs.
    """
    path = Path(path)
    state, params = read_params(path, kind, schedule)
    where = path / "state.json"
    for name in schedule:
        if params[name] != getattr(model, name):
            raise ValueError(f"{path}: checkpoint has {name}={params[name]!r}, "
                             f"this model {name}={getattr(model, name)!r}")
    seed = integer(state, where, "seed", 0, 2**63 - 1)
    rs = model.random_state
    if isinstance(rs, (int, np.integer)) and not isinstance(rs, bool) and rs != seed:
        raise ValueError(f"{path}: checkpoint was made with seed {seed}, this model has "
                         f"random_state={rs} (leave it unset to resume)")
    return state


def integer(state, where, name, low, high):
    """`state[name]` if it is an integer in [low, high], else `FormatError` naming it."""
    value = state.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FormatError(where, f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return value


def number(state, where, name, low=0.0):
    """`state[name]` as a float if it is a finite number >= `low`, else `FormatError`."""
    value = state.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < low:
        raise FormatError(where, f"{name} must be a finite number >= {low}, got {value!r}")
    return float(value)


def history(state, where, name, length, kind=float):
    """`state[name]`: a list of `length` finite non-negative numbers (or integers)."""
    values = state.get(name)
    if not isinstance(values, list) or len(values) != length:
        raise FormatError(where, f"{name} must be a list of {length} numbers, got {values!r}")
    for i in range(length):
        if kind is int:
            integer({name: values[i]}, where, name, 0, 2**63 - 1)
        else:
            number({name: values[i]}, where, name)
    return values


def check_array(path, array, dtype, shape, positive=False):
    """`FormatError` naming `path` unless `array` is a C-contiguous `dtype` array of `shape`
    with finite values (and > 0 when `positive`); returns it."""
    if not isinstance(array, np.ndarray) or array.dtype != dtype or array.shape != shape:
        got = (f"{array.dtype} {array.shape}" if isinstance(array, np.ndarray)
               else type(array).__name__)
        raise FormatError(path, f"expected a {np.dtype(dtype)} array of shape {shape}, got {got}")
    if not array.flags.c_contiguous:
        raise FormatError(path, "array is not C-contiguous")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise FormatError(path, "array holds NaN or infinite values")
    if positive and not (array > 0).all():
        raise FormatError(path, "array holds values <= 0")
    return array


class DivergedError(WordvecError, ArithmeticError):
    """Training produced a NaN or infinite loss or parameter (a learning rate too high)."""


def check_finite(what, rate, *arrays, loss=0.0):
    """`DivergedError` unless `loss` and every array are finite; `what` says where
    (e.g. "epoch 2"), `rate` is the learning-rate setting to lower, e.g. "alpha=0.5"."""
    if math.isfinite(loss) and all(np.isfinite(a).all() for a in arrays):
        return
    raise DivergedError(f"training diverged in {what} (NaN or infinite "
                        f"{'loss' if not math.isfinite(loss) else 'parameters'}): try a lower "
                        f"learning rate than {rate} (--alpha on the command line)")


@contextlib.contextmanager
def sigint_sets_flag():
    """Yield an Event that Ctrl-C (SIGINT) or SIGTERM sets instead of raising, so training
    stops between jobs with a consistent state. Outside the main thread signals cannot be
    caught: the Event is then never set by them."""
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
