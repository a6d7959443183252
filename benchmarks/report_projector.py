"""The interactive map of GloVe 6B 50d's most frequent words, opened in headless Chromium.

Prints the page's size, the time to write it, the time from opening it to its first paint
(the canvas's first frame, and Chromium's first-contentful-paint), the time one frame takes
to draw while zooming (all points in view, then zoomed in), and saves a screenshot after
clicking a word. Needs `apt-get install chromium` and the `browser` extra.

    python benchmarks/report_projector.py --top 10000 --method pca --screenshot map.png
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from wordvec.pretrained import glove_6b_50d
from wordvec.projection import project_2d
from wordvec.projector import write_page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10000)
    parser.add_argument("--method", choices=["pca", "tsne"], default="pca")
    parser.add_argument("--click", default="king", help="word to click before the screenshot")
    parser.add_argument("--screenshot", default="projector.png")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    vectors = glove_6b_50d()
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "map.html"
        started = time.perf_counter()
        table = project_2d(vectors, top=args.top, method=args.method)
        projected = time.perf_counter()
        size = write_page(vectors, table, page)
        written = time.perf_counter()
        print(f"{args.top} words, {args.method}: projection {projected - started:.1f} s, "
              f"neighbours and page {written - projected:.1f} s, page {size / 1e6:.2f} MB "
              f"({size / args.top:.0f} bytes a word)")
        measure(page, args)


def measure(page, args):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium)
        tab = browser.new_page(viewport={"width": 1280, "height": 800})
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
        started = time.perf_counter()
        tab.goto(page.as_uri())
        tab.wait_for_function("window.wordvecProjector && wordvecProjector.firstDraw")
        wall = time.perf_counter() - started
        first, fcp, drawn = tab.evaluate(
            "[wordvecProjector.firstDraw, (performance.getEntriesByName("
            "'first-contentful-paint')[0] || {}).startTime, wordvecProjector.drawn]")
        print(f"open -> first frame: {first:.0f} ms after navigation start "
              f"(first-contentful-paint {fcp:.0f} ms; {wall:.2f} s as seen by the driver); "
              f"{drawn} points drawn")
        x, y = tab.evaluate(f"wordvecProjector.screenOf({args.click!r})")
        tab.mouse.move(round(x), round(y))
        times = []
        for step in range(30):
            tab.mouse.wheel(0, -120 if step < 15 else 120)
            tab.evaluate("new Promise(r => requestAnimationFrame(() => "
                         "requestAnimationFrame(r)))")
            times.append(tab.evaluate("wordvecProjector.drawMs"))
        print(f"one frame while zooming: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms (30 zoom steps; 16.7 ms is 60 frames/s)")
        tab.locator("#fit").click()
        tab.mouse.click(*tab.evaluate(f"wordvecProjector.screenOf({args.click!r})"))
        tab.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        tab.screenshot(path=args.screenshot)
        listed = tab.evaluate("[...document.querySelectorAll('#neighbours li')]"
                              ".map(li => li.dataset.word)")
        print(f"clicked {args.click!r}: {', '.join(listed)}; screenshot {args.screenshot}")
        print(f"console errors: {len(errors)}" + (f" ({errors[0]})" if errors else ""))
        browser.close()


if __name__ == "__main__":
    main()
