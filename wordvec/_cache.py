"""The cache folder every part shares: datasets and packages, kernel libraries, pretrained
vectors and their indexes."""

import os
from pathlib import Path


def cache_dir(cache=None):
    """The cache folder: `cache`, else `$WORDVEC_CACHE`, else `~/.cache/wordvec`."""
    if cache is None:
        cache = os.environ.get("WORDVEC_CACHE") or Path.home() / ".cache" / "wordvec"
    return Path(cache).expanduser()
