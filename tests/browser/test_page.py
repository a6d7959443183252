"""`wordvec project --html` pages opened in a real headless Chromium (Debian's, driven by
Playwright, which downloads no browser of its own): no console errors, no network, every word
drawn, search, neighbours on click, zoom and pan, and a screenshot that shows points.

`make browser` runs these (they need `apt-get install chromium` and the `browser` extra);
`make test` leaves them out.
"""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from ties import assert_same_ranking

from wordvec import Vectors

pytestmark = pytest.mark.browser

N_WORDS = 10000
VIEWPORT = {"width": 1280, "height": 800}


def _chromium():
    path = os.environ.get("WORDVEC_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not path:
        pytest.fail("no Chromium: apt-get install chromium (or set WORDVEC_CHROMIUM)")
    return path


@pytest.fixture(scope="module")
def store(glove_20k_store):
    return Vectors.load(glove_20k_store)


@pytest.fixture(scope="module")
def page_file(glove_20k_store, tmp_path_factory):
    """The map of the 20k store's 10,000 most frequent words (PCA), written by the CLI."""
    path = tmp_path_factory.mktemp("page") / "map.html"
    done = subprocess.run([sys.executable, "-m", "wordvec", "project", "--vectors",
                           str(glove_20k_store), "--top", str(N_WORDS), "--method", "pca",
                           "--html", str(path), "-q"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium())
        yield b
        b.close()


class Opened:
    """A page with everything it logged and requested recorded."""

    def __init__(self, browser, path):
        self.page = browser.new_page(viewport=VIEWPORT)
        self.console, self.errors, self.requests = [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.wordvecProjector && wordvecProjector.firstDraw")

    def state(self, expression):
        return self.page.evaluate(f"wordvecProjector.{expression}")

    def settle(self):   # the page draws in the next animation frame
        self.page.evaluate("new Promise(r => requestAnimationFrame(() => "
                           "requestAnimationFrame(r)))")

    def neighbours(self):
        return self.page.evaluate(
            "[...document.querySelectorAll('#neighbours li')].map(li => "
            "[li.dataset.word, Number(li.querySelector('.score').textContent)])")

    def click_word(self, word):
        x, y = self.state(f"screenOf({word!r})")
        self.page.mouse.click(x, y)
        self.settle()

    def pixels(self):
        """The viewport as an (height, width, 3) uint8 array, from a PNG screenshot."""
        import io

        import matplotlib.image

        png = self.page.screenshot()
        return (matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3] * 255) \
            .astype(np.uint8)


@pytest.fixture
def opened(browser, page_file):
    o = Opened(browser, page_file)
    yield o
    o.page.close()


def test_loads_offline_without_errors_and_draws_every_word(opened, page_file):
    opened.settle()
    assert opened.errors == []
    assert [m for m in opened.console if m[0] in ("error", "warning")] == []
    assert opened.requests == [page_file.as_uri()]       # the file itself, nothing else
    assert opened.state("n") == N_WORDS
    assert opened.state("drawn") == N_WORDS


def test_screenshot_shows_points(opened, tmp_path):
    rgb = opened.pixels()
    canvas = rgb[:, :VIEWPORT["width"] - 270].astype(int)  # left of the side panel
    blue = (canvas[..., 2] - canvas[..., 0] > 40)          # the points' #3b6ea8, blended
    assert blue.mean() > 0.02, f"only {blue.mean():.4f} of the map is points"
    # spread over the map, not one blob: points in most of a 4 x 4 grid of tiles
    h, w = blue.shape
    tiles = [blue[i * h // 4:(i + 1) * h // 4, j * w // 4:(j + 1) * w // 4].any()
             for i in range(4) for j in range(4)]
    assert sum(tiles) >= 8


def test_search_centres_and_highlights(opened):
    before = opened.pixels()
    box = opened.page.locator("#search")
    box.fill("Paris")                                    # any case finds the word
    box.press("Enter")
    opened.settle()
    assert opened.state("selected()") == "paris"
    x, y = opened.state("screenOf('paris')")
    rect = opened.page.evaluate("(() => { const r = document.getElementById('canvas')"
                                ".getBoundingClientRect(); return [r.left + r.width / 2, "
                                "r.top + r.height / 2]; })()")
    assert abs(x - rect[0]) < 1 and abs(y - rect[1]) < 1
    after = opened.pixels()
    around = (slice(int(y) - 20, int(y) + 20), slice(int(x) - 20, int(x) + 60))
    black = lambda rgb: (rgb[around].max(axis=2) < 40).sum()     # noqa: E731
    assert black(after) > 30 and black(after) > 3 * black(before)  # the ring and bold label
    box.fill("qqzx-not-a-word")
    box.press("Enter")
    assert "is not on the map" in opened.page.locator("#status").text_content()


@pytest.mark.parametrize("word", ["king", "france", "computer", "three"])
def test_click_lists_most_similar(opened, store, word):
    opened.click_word(word)
    assert opened.state("selected()") == word
    listed = opened.neighbours()
    assert_same_ranking([tuple(p) for p in listed], store.most_similar(word, topn=10),
                        tol=6e-5)  # the page shows 4 decimals
    on_map = set(store.keys[:N_WORDS])
    assert opened.state("ringed()") == [w for w, _ in listed if w in on_map]


def test_zoom_pan_and_show_all(opened):
    king, queen = (np.array(opened.state(f"screenOf('{w}')")) for w in ("king", "queen"))
    cursor = np.round(king)                              # events carry whole pixels
    opened.page.mouse.move(*cursor)
    for _ in range(10):
        opened.page.mouse.wheel(0, -300)                 # zoom in around king
    opened.settle()
    king2, queen2 = (np.array(opened.state(f"screenOf('{w}')")) for w in ("king", "queen"))
    zoom = np.linalg.norm(queen2 - king2) / np.linalg.norm(queen - king)
    assert zoom > 50
    # the place under the cursor stays put: king's offset from it grows by the zoom only
    np.testing.assert_allclose(king2 - cursor, (king - cursor) * zoom, atol=1)
    assert 0 < opened.state("drawn") < N_WORDS / 10      # off-screen points are skipped
    x, y = opened.state("screenOf('king')")
    opened.page.mouse.move(x, y)
    opened.page.mouse.down()
    opened.page.mouse.move(x + 100, y + 50, steps=5)
    opened.page.mouse.up()
    opened.settle()
    px, py = opened.state("screenOf('king')")
    assert abs(px - x - 100) < 2 and abs(py - y - 50) < 2
    assert opened.state("selected()") is None            # a drag is not a click
    opened.page.locator("#fit").click()
    opened.settle()
    assert opened.state("drawn") == N_WORDS


def test_groups_colour_points_and_fill_the_legend(browser, glove_20k_store, tmp_path):
    from importlib import resources

    from wordvec.projection import project_2d, read_groups
    from wordvec.projector import write_page

    v = Vectors.load(glove_20k_store)
    words, groups = read_groups(resources.files("wordvec.data") / "projection_groups.txt")
    write_page(v, project_2d(v, words, method="pca", groups=groups), tmp_path / "g.html")
    opened = Opened(browser, tmp_path / "g.html")
    opened.settle()
    legend = opened.page.locator("#legend div").all_text_contents()
    assert legend == list(dict.fromkeys(groups))
    assert opened.state("drawn") == len(words) and opened.errors == []
    rgb = opened.pixels().astype(int)
    seen = {}
    for word, group in zip(words, groups):
        x, y = (round(c) for c in opened.state(f"screenOf({word!r})"))
        seen.setdefault(group, []).append(tuple(rgb[y, x]))
    # each group's most common point colour is its own
    common = {g: max(set(c), key=c.count) for g, c in seen.items()}
    assert len(set(common.values())) == len(common), common
    opened.page.close()
