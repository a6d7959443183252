"""A one-line progress printer shared by every long pass: training, counting, indexing,
evaluation, projection and the models.

Writes to stderr only when it is a terminal and `enabled` is true; otherwise every call is a
no-op, so callers never test for it.

Examples
--------
>>> with Progress("epoch 1/5", unit="words", total=1000, enabled=False) as bar:
...     bar.update(500, loss=0.5)
"""

import sys
import threading
import time


def _si(x):
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= factor:
            return f"{x / factor:.1f}{suffix}"
    return f"{x:.0f}"


def _clock(seconds):
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """`desc  done unit  rate unit/s  key value ...  ETA m:ss`, redrawn at most 4 times a second.

    Parameters
    ----------
    desc : str
        Label at the start of the line (`set_desc` changes it).
    unit : str or None
        What `update` counts; None for a line of only `desc`, fields and elapsed time.
    total : int, optional
        Expected count; enables the percentage and the ETA.
    enabled : bool
        False (or stderr not a terminal) makes the printer silent.
    stream : file, optional
        Where to draw (stderr by default).
    initial : int
        Count already done before (a resumed run); the rate counts only what follows.
    """

    def __init__(self, desc, unit="items", total=None, enabled=True, stream=None, initial=0):
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(enabled) and isatty is not None and isatty()
        self.desc, self.unit, self.total = desc, unit, total
        self.done = self.initial = initial
        self.fields = {}
        self.start = time.perf_counter()
        self._last = 0.0
        self._width = 0

    def set_desc(self, desc):
        self.desc = desc

    def update(self, n=0, **fields):
        """Add `n` to the count, set the extra `fields` shown, redraw if 0.25 s have passed."""
        self.done += n
        self.fields.update(fields)
        if self.enabled:
            now = time.perf_counter()
            if now - self._last >= 0.25:
                self._last = now
                self._draw(now)

    def _draw(self, now):
        elapsed = max(now - self.start, 1e-9)
        rate = (self.done - self.initial) / elapsed
        parts = [self.desc]
        if self.total:
            parts.append(f"{100 * self.done / self.total:5.1f}%")
        if self.unit is not None:
            parts.append(f"{_si(self.done)} {self.unit}")
            parts.append(f"{_si(rate)} {self.unit}/s")
        parts += [f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                  for k, v in self.fields.items()]
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {_clock((self.total - self.done) / rate)}")
        else:
            parts.append(f"{_clock(elapsed)}")
        line = "  ".join(parts)
        pad = max(self._width - len(line), 0)
        self._width = len(line)
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()

    def ticking(self, seconds=0.5):
        """A context manager that redraws the line every `seconds` from a thread, for one long
        call that reports nothing (such as Annoy's `build`), so its elapsed time runs on."""
        return _Ticking(self, seconds)

    def close(self):
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Ticking:
    def __init__(self, bar, seconds):
        self.bar, self.seconds = bar, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.seconds):
            self.bar._last = 0.0  # draw now
            self.bar.update()

    def __enter__(self):
        if self.bar.enabled:
            self._thread.start()
        return self.bar

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
