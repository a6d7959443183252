"""Explore a map of words: an interactive HTML page, or a folder for TensorBoard's projector.

`write_page` turns `projection.project_2d`'s table into one self-contained HTML file (its
script, style and data inline; it loads nothing from the network and needs no server): every
word a point on a canvas, labels on hover, zoom (wheel) and pan (drag), colours by group, a
search box that centres and highlights a word, and on click the word's nearest neighbours in
the whole store, precomputed with `Vectors.most_similar_batch` (their cosines to 4 decimals),
ringed on the map and listed beside it. Points are drawn on one canvas, so 10,000 words pan
and zoom smoothly (a frame takes ~3 ms); that page is 1.3 MB (10 neighbours each).

`export_tensorboard` writes what TensorBoard's Embedding Projector opens as a log folder:
`tensors.tsv` (one tab-separated vector per line, no header), `metadata.tsv` (the word, or a
`word<TAB>count` header and rows when the store keeps counts) and `projector_config.pbtxt`
naming both. The folder appears whole (built beside it, then renamed into place) and an
existing folder that is not empty is never written into.

Examples
--------
>>> from wordvec.pretrained import glove_6b_50d                                  # doctest: +SKIP
>>> from wordvec.projection import project_2d
>>> from wordvec.projector import export_tensorboard, write_page
>>> v = glove_6b_50d()                                                           # doctest: +SKIP
>>> write_page(v, project_2d(v, top=10000, method="pca"), "map.html")           # doctest: +SKIP
>>> export_tensorboard(v, "logs/glove", top=10000)                              # doctest: +SKIP
"""

import html
import json
import os
from importlib import resources
from pathlib import Path

import numpy as np

from ._atomic import TargetExistsError, atomic_file, atomic_new_dir

_SPAN = 10000      # page coordinates are integers in [0, _SPAN]: 4-5 characters a number
_BLOCK = 1000      # neighbour queries per most_similar_batch call (one progress step each)
_PLACEHOLDER = "/*WORDVEC_DATA*/null"


def page_data(vectors, table, topn=10, title=None, progress=False):
    """The page's data as a dict of plain lists (what `write_page` embeds as JSON).

    `words` lists the map's words (table order), then the neighbours that are not on the map;
    `x`, `y` are integer coordinates in [0, 10000] keeping the map's aspect ratio (y up);
    `group` indexes `groups` (None without groups); `neighbours` and `scores` hold `topn`
    entries per map word, flat: indices into `words` and cosines times 10,000, rounded.
    """
    from ._progress import Progress

    if topn < 1:
        raise ValueError(f"topn must be >= 1, got {topn}")
    words = table["word"].tolist()
    xy = table[["x", "y"]].to_numpy(dtype=np.float64)
    if not np.isfinite(xy).all():
        raise ValueError("the map's coordinates must be finite")
    lo = xy.min(axis=0)
    extent = float((xy.max(axis=0) - lo).max()) or 1.0
    xy = np.rint((xy - lo) * (_SPAN / extent)).astype(np.int64)
    names = list(dict.fromkeys(table["group"]))
    grouped = names != [""]
    index = {w: i for i, w in enumerate(words)}
    every = list(words)
    neighbours, scores = [], []
    k = min(topn, len(vectors) - 1)
    with Progress("neighbours", unit="words", total=len(words), enabled=progress) as bar:
        for start in range(0, len(words), _BLOCK):
            block = words[start:start + _BLOCK]
            for found in vectors.most_similar_batch(block, topn=k):
                for word, score in found:
                    if word not in index:
                        index[word] = len(every)
                        every.append(word)
                    neighbours.append(index[word])
                    scores.append(int(round(float(score) * 10000)))
            bar.update(len(block))
    return {
        "title": title or f"{len(words):,} words",
        "n": len(words), "k": k, "dim": int(vectors.dim), "vocabulary": len(vectors),
        "words": every, "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "groups": names if grouped else None,
        "group": [names.index(g) for g in table["group"]] if grouped else None,
        "neighbours": neighbours, "scores": scores,
    }


def write_page(vectors, table, path, topn=10, title=None, progress=False):
    """Write the interactive map of `table` (from `project_2d`) to the HTML file `path`.

    Parameters
    ----------
    vectors : Vectors
        The store the map was made from: neighbours are searched in all of it.
    table : pandas.DataFrame
        Columns `word`, `x`, `y`, `group`.
    topn : int
        Neighbours listed per word.
    title : str, optional
        The page's title (default: the number of words).
    progress : bool
        Show the neighbour search on stderr when it is a terminal.

    Returns
    -------
    int
        The page's size in bytes.
    """
    data = page_data(vectors, table, topn=topn, title=title, progress=progress)
    # "<" escaped inside the JSON, so no word can close the <script> element it sits in
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    template = resources.files("wordvec.data").joinpath("projector.html").read_text("utf-8")
    page = (template.replace("<title></title>", f"<title>{html.escape(data['title'])}</title>")
            .replace(_PLACEHOLDER, blob))
    encoded = page.encode("utf-8")
    with atomic_file(path, "wb") as f:
        f.write(encoded)
    return len(encoded)


def export_tensorboard(vectors, path, top=None, name="wordvec", progress=False):
    """Write a folder that TensorBoard's Embedding Projector opens (`tensorboard --logdir`).

    Parameters
    ----------
    vectors : Vectors
    path : str or Path
        A folder that does not exist yet, or an empty one; anything else is refused
        (`TargetExistsError`) so that no folder of the user's is written into.
    top : int, optional
        Export only the store's first `top` words (the projector is made for ~100,000 points).
    name : str
        The tensor's name shown by the projector.
    progress : bool
        Show the rows written on stderr when it is a terminal.

    Returns
    -------
    int
        The number of words written.
    """
    from ._progress import Progress

    path = Path(path)
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise TargetExistsError(f"{path}: exists and is not an empty folder; not writing into "
                                f"it (remove it or choose another name)")
    if top is not None and top < 1:
        raise ValueError(f"top must be >= 1, got {top}")
    n = len(vectors) if top is None else min(top, len(vectors))
    words = vectors.keys[:n]
    for row, word in enumerate(words):
        if any(c in word for c in "\t\n\r"):
            raise ValueError(f"word {word!r} (row {row}) holds a tab or line break, which a TSV "
                             f"file cannot hold")
    counts = None if vectors.counts is None else vectors.counts[:n]
    with atomic_new_dir(path) as tmp, \
            Progress("tensors.tsv", unit="words", total=n, enabled=progress) as bar:
        with open(tmp / "tensors.tsv", "w", encoding="utf-8", newline="\n") as f:
            for start in range(0, n, 10000):
                block = np.asarray(vectors.vectors[start:min(start + 10000, n)], np.float32)
                np.savetxt(f, block, fmt="%.9g", delimiter="\t")  # %.9g: float32 exactly
                bar.update(len(block))
            _sync(f)
        with open(tmp / "metadata.tsv", "w", encoding="utf-8", newline="\n") as f:
            if counts is None:   # one column: the projector wants no header
                f.writelines(f"{w}\n" for w in words)
            else:
                f.write("word\tcount\n")
                f.writelines(f"{w}\t{c}\n" for w, c in zip(words, counts.tolist()))
            _sync(f)
        with open(tmp / "projector_config.pbtxt", "w", encoding="utf-8") as f:
            f.write("embeddings {\n"
                    f"  tensor_name: {json.dumps(name, ensure_ascii=False)}\n"
                    '  tensor_path: "tensors.tsv"\n'
                    '  metadata_path: "metadata.tsv"\n'
                    "}\n")
            _sync(f)
    if not (path / "projector_config.pbtxt").exists():  # another process made `path` meanwhile
        raise TargetExistsError(f"{path}: was created by another process meanwhile; not "
                                f"writing into it")
    return n


def _sync(f):
    f.flush()
    os.fsync(f.fileno())
