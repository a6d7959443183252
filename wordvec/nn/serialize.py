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
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    if meta.get("kind") not in kinds:
        raise FormatError(path, f"expected a {' or '.join(kinds)} model, got {meta.get('kind')!r}")
    with np.load(published(path, path / "model.json", meta, "params.npz"),
                 allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    return meta, arrays
