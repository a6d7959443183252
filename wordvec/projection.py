"""Maps of words: t-SNE or PCA to 2-D, a CSV of the coordinates and a labelled scatter plot.

Both methods work on unit-length rows, so the map reflects cosine similarity. t-SNE is
scikit-learn's (cosine metric, random initialisation from `random_state`: the same seed gives
the same coordinates, another seed another view); its perplexity is clamped to
`(n_words - 1) / 3` so that a few words still give a map. It runs on one OpenMP thread: its
gradient steps are short, and with more threads on a busy 2-core machine they mostly wait
(100 words: 0.8 s on one thread, 13 s on two, measured while other jobs ran).

Examples
--------
>>> from wordvec.pretrained import glove_6b_50d                                # doctest: +SKIP
>>> from wordvec.projection import plot, project_2d, read_groups, save_csv
>>> words, groups = read_groups("wordvec/data/projection_groups.txt")         # doctest: +SKIP
>>> table = project_2d(glove_6b_50d(), words, groups=groups)                   # doctest: +SKIP
>>> save_csv(table, "coords.csv"); plot(table, "map.png")                     # doctest: +SKIP
"""

import contextlib
import csv
import io
import re
from pathlib import Path

import numpy as np

from ._atomic import atomic_file
from ._lines import utf8_lines
from .errors import FormatError

METHODS = ("tsne", "pca")
_REPEL_MAX = 1000  # beyond this many words labels stay put (the first placement is O(n^2))
_LABEL_MAX = 2000  # words labelled in an image, the first ones; more are points without labels
_REACH = 24.0  # pixels: pairs of label boxes nearer than this are checked at each step


def read_groups(path):
    """Words from a file of `word` or `word<TAB>group` lines (`#` comments) -> (words, groups).

    `groups` is None when no line names a group, else a list with "" for ungrouped words.
    """
    words, groups = [], []
    for lineno, line in utf8_lines(path):
        line = line.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        word, _, group = line.partition("\t")
        if not word.strip() or word != word.strip():
            raise FormatError(path, f"expected word or word<TAB>group, got {line!r}", lineno)
        words.append(word)
        groups.append(group.strip())
    return words, (groups if any(groups) else None)


def project_2d(vectors, words=None, top=None, method="tsne", perplexity=30.0, random_state=0,
               groups=None, progress=False):
    """2-D coordinates of `words`, or of the first `top` words of the store.

    Parameters
    ----------
    vectors : Vectors
    words : list of str, optional
        Every word must be known (`KeyError` naming all the unknown ones) and listed once.
    top : int, optional
        Use the store's first `top` words instead (frequency order for most stores).
    method : {"tsne", "pca"}
    perplexity : float
        t-SNE only; clamped to `(n_words - 1) / 3` (at least 1).
    random_state : int
        Seeds t-SNE (PCA here is deterministic).
    groups : list of str, optional
        One group name per word, kept in the `group` column.
    progress : bool
        Show t-SNE's iterations as a progress line on a terminal (stderr).

    Returns
    -------
    pandas.DataFrame
        Columns `word`, `x`, `y`, `group` (empty strings without groups), one row per word.
    """
    import pandas as pd

    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    if (words is None) == (top is None):
        raise ValueError("give either words or top, not both or neither")
    if top is not None:
        if top < 2:
            raise ValueError(f"top must be >= 2, got {top}")
        words = vectors.keys[:top]
    words = list(words)
    if len(words) < 2:
        raise ValueError(f"need at least 2 words for a map, got {len(words)}")
    seen = set()
    for w in words:
        if w in seen:
            raise ValueError(f"word {w!r} is listed twice")
        seen.add(w)
    missing = [w for w in words if w not in vectors]
    if missing:
        raise KeyError(f"{len(missing)} word(s) not in vocabulary: {', '.join(map(repr, missing))}")
    if groups is not None and len(groups) != len(words):
        raise ValueError(f"{len(groups)} groups for {len(words)} words")
    if perplexity <= 0:
        raise ValueError(f"perplexity must be > 0, got {perplexity}")

    x = vectors[words].astype(np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x /= np.where(norms > 0, norms, 1.0)
    if method == "pca":
        from sklearn.decomposition import PCA

        xy = PCA(n_components=2, svd_solver="full").fit_transform(x)
    else:
        from sklearn.manifold import TSNE
        from threadpoolctl import threadpool_limits

        tsne = TSNE(n_components=2, perplexity=clamp_perplexity(perplexity, len(words)),
                    metric="cosine", init="random", random_state=random_state)
        with threadpool_limits(limits=1, user_api="openmp"), _tsne_progress(tsne, progress):
            xy = tsne.fit_transform(x)
    return pd.DataFrame({"word": words, "x": xy[:, 0], "y": xy[:, 1],
                         "group": list(groups) if groups is not None else [""] * len(words)})


@contextlib.contextmanager
def _tsne_progress(tsne, enabled):
    """A progress line for `tsne.fit_transform`, which has no callback: with verbose=2 it
    prints "[t-SNE] Iteration N: error = E, ..." every 50 iterations; while it runs, standard
    output goes to a reader of those lines (the rest of what it prints is dropped)."""
    from ._progress import Progress

    bar = Progress("t-SNE", unit="iterations", total=tsne.get_params().get("max_iter") or 1000,
                   enabled=enabled)
    if not bar.enabled:  # not on a terminal: leave t-SNE and standard output alone
        yield
        return
    tsne.set_params(verbose=2)
    try:
        with bar, contextlib.redirect_stdout(_IterationReader(bar)):
            yield
            # t-SNE stops early once it converges: the line ends at the iterations it ran
            bar.total = bar.done = max(bar.done, getattr(tsne, "n_iter_", 0))
    finally:
        tsne.set_params(verbose=0)


class _IterationReader(io.TextIOBase):
    """A text stream that turns t-SNE's "Iteration N: error = E" lines into `bar` updates."""

    _LINE = re.compile(r"Iteration (\d+): error = ([-+0-9.eE]+)")

    def __init__(self, bar):
        self.bar = bar

    def writable(self):
        return True

    def write(self, text):
        for found in self._LINE.finditer(text):
            self.bar.update(max(int(found.group(1)) - self.bar.done, 0),
                            error=float(found.group(2)))
        return len(text)


def clamp_perplexity(perplexity, n_words):
    """t-SNE needs perplexity < n_words; keep it at most (n_words - 1) / 3, and at least 1."""
    return float(max(1.0, min(perplexity, (n_words - 1) / 3)))


def save_csv(table, path):
    """Write `word,x,y,group` rows (with a header) to `path` atomically, or to an open text
    file (such as `sys.stdout`)."""
    if hasattr(path, "write"):
        out = csv.writer(path, lineterminator="\n")
        out.writerow(["word", "x", "y", "group"])
        for row in table[["word", "x", "y", "group"]].itertuples(index=False):
            out.writerow([row.word, repr(float(row.x)), repr(float(row.y)), row.group])
        return
    with atomic_file(path, "w", encoding="utf-8", newline="") as f:
        save_csv(table, f)


def plot(table, path, title=None, progress=False):
    """A labelled scatter plot of `project_2d`'s table, written atomically.

    Points are coloured by group (with a legend) when the table has groups; labels are pushed
    apart so that they overlap neither each other nor the points where they can (up to 1000
    words). Only the first 2000 words are labelled: more would not be legible, and drawing
    each label costs about 3 ms (400,000 would take 20 minutes). The image format follows
    the extension of `path` (`.png`, `.svg`, `.pdf`).
    `progress` shows the label placement steps on stderr when it is a terminal.
    """
    # The Agg canvas directly, not pyplot: no global backend switch, nothing left open.
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(table)
    xy = table[["x", "y"]].to_numpy(dtype=np.float64)
    side = float(np.clip(np.sqrt(n) * 1.1, 6.0, 24.0))
    fig = Figure(figsize=(side * 1.25, side), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    group_names = list(dict.fromkeys(table["group"]))
    grouped = group_names != [""]
    cmap = colormaps["tab10" if len(group_names) <= 10 else "tab20"]
    colours = {}
    for i, name in enumerate(group_names):
        mask = (table["group"] == name).to_numpy()
        colours[name] = cmap(i % cmap.N) if grouped else "tab:blue"
        ax.scatter(xy[mask, 0], xy[mask, 1], s=18, color=colours[name],
                   label=(name or "(none)") if grouped else None, zorder=3)
    ax.margins(0.08)
    label_box = {"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.3}
    texts = [ax.text(x, y, word, fontsize=8, ha="center", va="center", zorder=4,
                     color=colours[g] if grouped else "black", bbox=label_box)
             for (x, y), word, g in zip(xy[:_LABEL_MAX], table["word"][:_LABEL_MAX],
                                        table["group"][:_LABEL_MAX], strict=True)]
    if n <= _REPEL_MAX:
        _repel(fig, ax, texts, xy, progress=progress)
    if grouped:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  markerscale=1.5)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    suffix = Path(path).suffix.lower().lstrip(".") or "png"
    with atomic_file(path, "wb") as f:
        fig.savefig(f, format=suffix, bbox_inches="tight")


def _overlap(centre, size, centres, sizes):
    """Overlap area of one box with each of several boxes (centres and sizes in pixels)."""
    o = np.clip((size + sizes) / 2 - np.abs(centre - centres), 0.0, None)
    return o[..., 0] * o[..., 1]


def _repel(fig, ax, texts, xy, steps=300, pad=4.0, progress=False):
    """Place labels (in pixels) so that they overlap neither each other nor the points.

    First each label, in turn, takes the free-est of eight spots around its point (right
    first); then every step pushes each still-overlapping pair apart along the axis of least
    overlap while a weak spring pulls labels back to their spot. Labels that end up far from
    their point get a thin leader line. The steps look only at pairs of boxes less than
    `_REACH` pixels apart, a list rebuilt whenever some label has moved `_REACH / 2` since:
    the same pushes as comparing every pair, in O(pairs) instead of O(n^2) a step.
    """
    from ._progress import Progress

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    size = np.array([[b.width, b.height] for b in (t.get_window_extent(renderer) for t in texts)])
    size += 2 * pad
    n = len(xy)
    points = ax.transData.transform(xy)
    box = ax.get_window_extent(renderer)
    dot = np.full((n, 2), 8.0)  # a point is a small fixed box
    lo, hi = np.array([box.x0, box.y0]), np.array([box.x1, box.y1])

    gap = 3.0 + dot[0] / 2
    directions = np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1], [1, -1], [-1, -1]])
    start = np.empty((n, 2))
    for i in range(n):  # the 8 spots of label i against the labels placed before it at once
        spots = (points[i] + directions * (size[i] / 2 + gap))[:, None, :]
        cost = (_overlap(spots, size[i], start[None, :i], size[None, :i]).sum(axis=1)
                + _overlap(spots, size[i], points[None], dot[None]).sum(axis=1)
                + 1e6 * ((spots[:, 0] - size[i] / 2 < lo) | (spots[:, 0] + size[i] / 2 > hi))
                .any(axis=1))
        start[i] = spots[np.argmin(cost), 0]

    pos = start.copy()
    centres = np.vstack([pos, points])
    sizes = np.vstack([size, dot])
    with Progress("placing labels", unit="steps", total=steps, enabled=progress) as bar:
        listed_at = None
        for _ in range(steps):
            centres[:n] = pos
            if listed_at is None or np.abs(pos - listed_at).max() >= _REACH / 2:
                apart = np.abs(pos[:, None, :] - centres[None, :, :]) \
                    - (size[:, None, :] + sizes[None, :, :]) / 2
                near = (apart < _REACH).all(axis=2)
                near[np.arange(n), np.arange(n)] = False                   # a label and itself
                first, second = np.nonzero(near)
                listed_at = pos.copy()
            d = pos[first] - centres[second]                               # (pairs, 2)
            overlap = (size[first] + sizes[second]) / 2 - np.abs(d)
            hit = (overlap > 0).all(axis=1)
            if not hit.any():
                break
            along_x = overlap[:, 0] < overlap[:, 1]
            sign = np.where(d >= 0, 1.0, -1.0)
            push = np.zeros((n, 2))
            push[:, 0] = np.bincount(first, np.where(hit & along_x, overlap[:, 0] * sign[:, 0],
                                                     0.0), minlength=n)
            push[:, 1] = np.bincount(first, np.where(hit & ~along_x, overlap[:, 1] * sign[:, 1],
                                                     0.0), minlength=n)
            pos += 0.5 * push + 0.02 * (start - pos)
            pos = np.clip(pos, lo + size / 2, hi - size / 2)
            bar.update(1)
        bar.total = bar.done  # the pushes stop once no labels overlap
    to_data = ax.transData.inverted()
    for text, p in zip(texts, to_data.transform(pos), strict=True):
        text.set_position(p)
    far = np.linalg.norm(pos - start, axis=1) > 12
    for i in np.flatnonzero(far):
        tip = to_data.transform(pos[i])
        ax.plot([xy[i, 0], tip[0]], [xy[i, 1], tip[1]], lw=0.5, color="0.6", zorder=2)
