"""Saved models: a folder with ``model.json`` (settings, UTF-8) and ``params.npz`` (arrays).

Both files are plain formats (no pickles). The folder is published atomically (see
`wordvec._atomic`): ``model.json`` is its manifest and names the version of ``params.npz``.

Examples
--------
>>> import numpy as np, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "m")
>>> save_model(path, {"kind": "demo"}, {"W": np.eye(2)})
>>> meta, arrays = load_model(path, kind="demo")
>>> meta["kind"], arrays["W"].shape
('demo', (2, 2))
"""

import json
import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .._atomic import atomic_dir, published, read_dir
from ..errors import FormatError


def save_model(path, meta, arrays):
    """Write `meta` (JSON-able dict with a "kind") and `arrays` (name -> ndarray) to `path`/."""
    with atomic_dir(path, "model.json", "model") as tmp:
        (tmp / "model.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
        with open(tmp / "params.npz", "wb") as f:
            np.savez(f, **arrays)


def load_model(path, kind):
    """Read a folder written by `save_model`; `kind` (str or tuple) must match its "kind"."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "no such model", str(path))
    return read_dir(lambda: _load_model(path, kind))


def _load_model(path, kind):
    if not (path / "model.json").is_file():
        raise FormatError(path, "not a wordvec model folder (no model.json)")
    try:
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormatError(path / "model.json", f"invalid JSON: {exc}", exc.lineno) from None
    except UnicodeDecodeError as exc:
        raise FormatError(path / "model.json", f"not UTF-8 ({exc})") from None
    if not isinstance(meta, dict):
        raise FormatError(path / "model.json", f"expected a JSON object, got "
                                               f"{type(meta).__name__}")
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    if meta.get("kind") not in kinds:
        raise FormatError(path, f"expected a {' or '.join(kinds)} model, got {meta.get('kind')!r}")
    try:
        with np.load(published(path, path / "model.json", meta, "params.npz"),
                     allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise   # read_dir reads the manifest again
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, KeyError, OSError) as exc:
        raise FormatError(path / "params.npz", f"unreadable ({exc})") from None
    return meta, arrays


def check_field(path, meta, name, kind, test=None, expected=None):
    """`meta[name]` if it is a `kind` (a type or tuple; bool is no int) passing `test`, else a
    `FormatError` naming `path`/model.json and the field (`expected` says what it should be)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    value = meta.get(name)
    ok = isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))
    if not ok or (test is not None and not test(value)):
        raise FormatError(Path(path) / "model.json",
                          f"{name} must be {expected or getattr(kind, '__name__', kind)}, "
                          f"got {value!r}"[:300])
    return value


def finite_number(value):
    """True for an int or float that is finite (for `check_field` tests)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) \
        and math.isfinite(value)


def check_arrays(path, arrays, expected):
    """`FormatError` naming `path`/params.npz and the entry unless `arrays` has exactly the
    names of `expected` (name -> array), each of its shape and dtype, all values finite."""
    where = Path(path) / "params.npz"
    for name in sorted(set(expected) - set(arrays)):
        raise FormatError(where, f"missing array {name!r}")
    for name in sorted(set(arrays) - set(expected)):
        raise FormatError(where, f"unexpected array {name!r}")
    for name, model in expected.items():
        array = arrays[name]
        if array.shape != model.shape or array.dtype != model.dtype:
            raise FormatError(where, f"array {name!r}: expected {model.dtype} {model.shape}, "
                                     f"got {array.dtype} {array.shape}")
        if not np.isfinite(array).all():
            raise FormatError(where, f"array {name!r} holds NaN or infinite values")


def layer_arrays(layers, attr="params"):
    """``{"prefix.name": array}`` of the `attr` dicts (params or grads) of `layers` (prefix ->
    layer): the names a saved model gives its layers' arrays."""
    return {f"{prefix}.{k}": v for prefix, layer in layers.items()
            for k, v in getattr(layer, attr).items()}


def restore_layers(path, arrays, layers, **expected):
    """Check `arrays` (see `check_arrays`) against the parameters of `layers` (prefix ->
    layer; arrays named ``prefix.param``) and the other `expected` arrays; copy the layers'
    parameters in place and return the other arrays by name."""
    params = layer_arrays(layers)
    check_arrays(path, arrays, {**params, **expected})
    for key, value in params.items():
        value[...] = arrays[key]
    return {name: arrays[name] for name in expected}
