"""Parameter checks and seeding shared by the trainers (scikit-learn style: done in `fit`)."""

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


def seed_from(random_state):
    """A 63-bit seed from `random_state`: None (fresh entropy), an int, or a numpy generator."""
    rs = random_state
    if rs is None:
        return secrets.randbits(63)
    if isinstance(rs, (int, np.integer)) and not isinstance(rs, bool):
        return int(rs)
    if isinstance(rs, np.random.Generator):
        return int(rs.integers(2**63))
    if isinstance(rs, np.random.RandomState):
        return int(rs.randint(2**31))
    raise ValueError(f"random_state must be None, an int or a numpy generator, got {rs!r}")
