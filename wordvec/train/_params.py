"""Parameter checks and seeding shared by the trainers (scikit-learn style: done in `fit`)."""

import math
import secrets

import numpy as np


def check_integers(model, names, low=1, optional=False):
    """`ValueError` naming the first of `names` that is not an integer >= `low`
    (`None` is allowed when `optional`)."""
    for name in names:
        value = getattr(model, name)
        if optional and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")


def check_floats(model, names, low=0.0, low_open=True):
    """`ValueError` naming the first of `names` that is not a finite number > `low`
    (>= `low` when not `low_open`)."""
    for name in names:
        value = getattr(model, name)
        ok = (not isinstance(value, bool) and isinstance(value, (int, float, np.number))
              and math.isfinite(value) and (value > low if low_open else value >= low))
        if not ok:
            raise ValueError(f"{name} must be a finite number {'>' if low_open else '>='} "
                             f"{low:g}, got {value!r}")


def seed_from(random_state):
    """A 63-bit seed from `random_state`: None (fresh entropy), an int, or a numpy generator."""
    rs = random_state
    if rs is None:
        return secrets.randbits(63)
    if isinstance(rs, (int, np.integer)) and not isinstance(rs, bool):
        if not 0 <= rs < 2**63:
            raise ValueError(f"random_state must be in [0, 2**63), got {rs!r}")
        return int(rs)
    if isinstance(rs, np.random.Generator):
        return int(rs.integers(2**63))
    if isinstance(rs, np.random.RandomState):
        return int(rs.randint(2**31))
    raise ValueError(f"random_state must be None, an int or a numpy generator, got {rs!r}")


#: Parameters that do not shape the vectors, left out of what a store records of its trainer.
_NOT_RECORDED = ("threads", "progress", "checkpoint", "checkpoint_every", "memory")


def source_of(model, name):
    """What a trained store records of its trainer (`Vectors.source`): the model's `name`
    ("sgns", "cbow", "glove" ...) and the parameters that shape the vectors (a seed given as a
    numpy generator is left out: it has no value to write)."""
    source = {"model": name}
    for key, value in model.get_params().items():
        if isinstance(value, np.generic):
            value = value.item()
        if key not in _NOT_RECORDED and (value is None or isinstance(value, (bool, int, float,
                                                                             str))):
            source[key] = value
    return source
