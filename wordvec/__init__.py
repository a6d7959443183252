"""wordvec: word embeddings in one toolkit that shares one vector store.

Examples
--------
>>> import wordvec                                           # doctest: +SKIP
>>> v = wordvec.load("glove.6B.50d.txt")                      # doctest: +SKIP
>>> v.analogy("king", "man", "woman", topn=1)                 # doctest: +SKIP
[('queen', 0.85...)]
"""

import importlib

from .errors import FormatError, WordvecError
from .store import Vectors

__version__ = "0.1.0"

# Heavy parts (numba trainers, annoy, scikit-learn, matplotlib) load on first use, so that
# `import wordvec` and `wordvec --help` stay fast.
_LAZY = {
    "load": "wordvec.io",
    "save": "wordvec.io",
    "SGNS": "wordvec.train.sgns",
    "CBOW": "wordvec.train.cbow",
    "FastText": "wordvec.train.fasttext",
    "SubwordVectors": "wordvec.subwords",
    "GloVe": "wordvec.train.glove",
    "AnnIndex": "wordvec.ann",
    "Phrases": "wordvec.phrases",
}

__all__ = ["FormatError", "Vectors", "WordvecError", *_LAZY]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wordvec' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
