"""The offline map in headless Chromium: no network, the slider, the permalink, escaping, the
first view, labels, the legend and popups, keyboard and screen-reader use.

The map is built the way ``make demo`` builds it: ``frontline ingest seeds/`` (with the articles'
metadata) into a fresh store with the packaged baseline, then ``frontline map --offline``.
Screenshots go to ``tests/artifacts/`` (ignored); ``make screenshot`` also copies the default
view to ``maps/screenshot.png`` for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.render import render_map
from geo.sides import Sides

sys.path.insert(0, str(Path(__file__).parent))
from test_render import END, START, ClaimedHistory, FakeHistory

ROOT = Path(__file__).parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FROM, TO = "2020-05-20", "2020-06-10"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium missing: `apt-get install chromium` (or `make browser`)",
    ),
    pytest.mark.skipif(
        not (ROOT / "vendor" / "node_modules" / "leaflet").is_dir(),
        reason="vendor/node_modules missing: run `make vendor`",
    ),
]

# Reads the live map: Tarhuna's colour, the mean longitude of the front line, the date.
READ_MAP = """() => {
  const f = window.frontline, t = f.place('Tarhuna');
  let n = 0, sum = 0;
  f.layers.front.getLayers()[0].getLatLngs().flat(Infinity).forEach(p => { sum += p.lng; n += 1; });
  return {tarhuna: t && t.shown ? t.colour : null, frontLon: n ? sum / n : null,
          hash: location.hash, shown: document.getElementById('fl-date').textContent,
          events: f.events().length,
          date: f.date()};
}"""

# Moves the slider as a user does: a new value on the range input, then its input event.
MOVE_SLIDER = """(day) => {
  const input = document.querySelector('.leaflet-timeline-control input.time-slider');
  input.value = String(Date.parse(day + 'T00:00:00Z'));
  input.dispatchEvent(new Event('input', {bubbles: true}));
}"""

# The screen rectangles of the labels a reader sees.
LABEL_RECTS = """() => [...document.querySelectorAll('.leaflet-fl-labels-pane .fl-label-icon')]
  .filter(e => e.style.visibility !== 'hidden' && getComputedStyle(e).display !== 'none')
  .map(e => { const r = e.firstChild.getBoundingClientRect();
              return {name: e.textContent, left: r.left, top: r.top, right: r.right,
                      bottom: r.bottom}; })"""


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("browser") / "seeds.gpkg"
    args = ["-q", "ingest", str(ROOT / "seeds"), "--published", "2020-06-06"]
    meta = ["--meta", str(ROOT / "tests" / "data" / "articles.csv"), "--store", str(store)]
    res = CliRunner().invoke(main, args + meta)
    assert res.exit_code == 0, res.output
    return store


def _map(store: Path, page: Path, *extra: str) -> Path:
    args = ["map", "--store", str(store), "--offline", "-o", str(page), *extra]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    return page


@pytest.fixture(scope="module")
def offline_map(seed_store: Path) -> Path:
    return _map(seed_store, seed_store.parent / "range.html", "--from", FROM, "--to", TO)


@pytest.fixture(scope="module")
def default_map(seed_store: Path) -> Path:
    """What `make demo` and a plain `frontline map --offline` write: the default range."""
    return _map(seed_store, seed_store.parent / "libya-offline.html")


@pytest.fixture(scope="module")
def early_map(seed_store: Path) -> Path:
    """A slider that starts before the first baseline."""
    return _map(seed_store, seed_store.parent / "early.html", "--from", "2020-05-10")


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "hostile.html"
    return render_map(FakeHistory(), Sides.load(), start=START, end=END, offline=True, out_path=out)


@pytest.fixture(scope="module")
def claimed_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("claimed") / "claimed.html"
    history = ClaimedHistory(hostile=False)
    return render_map(history, Sides.load(), start=START, end=END, offline=True, out_path=out)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """A page that refuses and records every request that is not file:// or data:."""

    def __init__(self, browser: Any, *, width: int = 1280, height: int = 800) -> None:
        # A timezone west of UTC: the dates shown must not slip to the day before.
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, timezone_id="America/Los_Angeles"
        )
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.errors.append(f"dialog {dialog.message}")  # alert() from an article would land here
        dialog.dismiss()

    @staticmethod
    def _route(route: Any) -> None:
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            route.abort()

    def open(self, url: str) -> float:
        t0 = time.perf_counter()
        self.page.goto(url)
        self.page.wait_for_function("window.frontline !== undefined")
        return time.perf_counter() - t0

    def network(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "data:"))]

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.context.close()


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def rect(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return {
        "left": box["x"],
        "top": box["y"],
        "right": box["x"] + box["width"],
        "bottom": box["y"] + box["height"],
    }


def test_offline_map_slider_moves_tarhuna_and_the_front(browser: Any, offline_map: Path) -> None:
    sides = Sides.load()
    gna, lna = sides.colour("GNA"), sides.colour("LNA")
    pg = Page(browser)
    try:
        seconds = pg.open(offline_map.as_uri())
        first = pg.page.evaluate(READ_MAP)
        assert first["shown"] == "10 June 2020"  # opens on the last date
        assert first["hash"] == ""  # opening does not rewrite the address

        pg.page.evaluate(MOVE_SLIDER, "2020-06-01")
        before = pg.page.evaluate(READ_MAP)
        pg.page.wait_for_function("location.hash === '#date=2020-06-01'")  # once it rests
        pg.shot("offline-2020-06-01.png")
        pg.page.evaluate(MOVE_SLIDER, "2020-06-07")
        after = pg.page.evaluate(READ_MAP)
        pg.page.wait_for_function("location.hash === '#date=2020-06-07'")
        pg.shot("offline-2020-06-07.png")

        assert before["tarhuna"] == lna, before
        assert after["tarhuna"] == gna, after
        assert before["frontLon"] is not None and after["frontLon"] is not None
        assert after["frontLon"] > before["frontLon"] + 0.3, (before, after)
        assert before["shown"] == "1 June 2020" and after["shown"] == "7 June 2020"
        assert after["events"] > 0

        # Event markers never cover each other, and a click on one shows its sources.
        marks = pg.page.evaluate("() => window.frontline.events()")
        assert not [(a, b) for i, a in enumerate(marks) for b in marks[i + 1 :] if overlap(a, b)]
        capture = next(m for m in marks if m["kind"] == "capture")
        pg.page.mouse.click(capture["x"], capture["y"])
        pg.page.wait_for_selector(".leaflet-popup-content .fl-pop")
        popup = pg.page.inner_text(".leaflet-popup-content")
        assert "Capture" in popup and "precision" in popup and "Reported by" in popup
        assert any(o in popup for o in ("Anadolu", "Reuters", "TRT World", "PM News")), popup
        pg.shot("offline-popup.png")

        assert pg.network() == [], pg.network()
        assert pg.errors == []
        (ARTIFACTS / "timings.json").write_text(
            json.dumps({"open_seconds": round(seconds, 3), "bytes": offline_map.stat().st_size}),
            encoding="utf-8",
        )
        # The open time is recorded, not asserted: speed belongs to `make bench`.
    finally:
        pg.close()


def test_a_place_popup_groups_claims_by_side_and_lists_each_once(
    browser: Any, offline_map: Path
) -> None:
    pg = Page(browser)
    try:
        pg.open(offline_map.as_uri() + "#date=2020-06-07")
        pg.page.evaluate("() => window.frontline.place('Sirte').marker.openPopup()")
        pg.page.wait_for_selector(".leaflet-popup-content .fl-pop")
        html = pg.page.inner_html(".leaflet-popup-content")
        quotes = pg.page.locator(".leaflet-popup-content q").all_inner_texts()
        assert quotes and len(quotes) == len(set(quotes)), quotes  # no report twice
        heads = pg.page.locator(".leaflet-popup-content .fl-sec").all_inner_texts()
        assert heads and all("independent source" in h for h in heads), heads
        assert heads[0].startswith("For:") and "Conflicting claims" not in html
        assert pg.errors == []
    finally:
        pg.close()


def test_a_popup_says_how_sure_and_counts_independent_sources(
    browser: Any, claimed_map: Path
) -> None:
    pg = Page(browser)
    try:
        pg.open(claimed_map.as_uri() + "#date=2020-06-07")
        pg.page.evaluate("() => window.frontline.place('Tarhuna').marker.openPopup()")
        pg.page.wait_for_selector(".leaflet-popup-content .fl-pop")
        text = pg.page.inner_text(".leaflet-popup-content")
        assert "Claimed by" in text and "(unconfirmed)" in text and "confidence 0.42" in text
        assert "For: 1 independent source" in text and "Against: 1 independent source" in text
        assert "its own claim" in text  # the LNA's denial is the LNA's word
        assert pg.page.locator(".leaflet-popup-content li").count() == 3  # reprints listed too
        assert pg.errors == []
    finally:
        pg.close()


def test_date_permalink_opens_the_map_at_that_date(browser: Any, offline_map: Path) -> None:
    sides = Sides.load()
    pg = Page(browser, width=800, height=500)
    try:
        pg.open(offline_map.as_uri() + "#date=2020-06-01")
        state = pg.page.evaluate(READ_MAP)
        assert state["shown"] == "1 June 2020" and state["tarhuna"] == sides.colour("LNA")
        assert not pg.page.is_visible(".fl-notice")
        # Editing the address moves the map too.
        pg.page.evaluate("() => { location.hash = '#date=2020-06-07'; }")
        pg.page.wait_for_function("window.frontline.date() === '2020-06-07'")
        assert pg.page.evaluate(READ_MAP)["tarhuna"] == sides.colour("GNA")
        # Out-of-range dates are clamped, and the map says so.
        pg.page.evaluate("() => { location.hash = '#date=1999-01-01'; }")
        pg.page.wait_for_function("window.frontline.date() === '2020-05-20'")
        assert "starts on 20 May 2020" in pg.page.inner_text(".fl-notice")
        pg.shot("offline-small-2020-05-20.png")
        assert pg.network() == [] and pg.errors == []
    finally:
        pg.close()


def test_an_invalid_date_in_the_address_gets_a_visible_notice(
    browser: Any, offline_map: Path
) -> None:
    pg = Page(browser)
    try:
        pg.open(offline_map.as_uri() + "#date=<b>garbage</b>")
        notice = pg.page.locator(".fl-notice")
        assert notice.is_visible()
        assert "<b>garbage</b>" in notice.inner_text() and "YYYY-MM-DD" in notice.inner_text()
        assert pg.page.locator(".fl-notice b").count() == 0  # shown as text, not markup
        assert pg.page.evaluate(READ_MAP)["shown"] == "10 June 2020"  # the default date
        pg.page.evaluate("() => { location.hash = '#date=2020-02-30'; }")  # no such day
        pg.page.wait_for_function(
            "document.querySelector('.fl-notice').textContent.includes('2020-02-30')"
        )
        assert pg.errors == []
    finally:
        pg.close()


def test_slider_steps_one_day_with_the_keyboard(browser: Any, offline_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(offline_map.as_uri() + "#date=2020-06-01")
        slider = pg.page.locator(".leaflet-timeline-control input.time-slider")
        assert slider.get_attribute("step") == str(86_400_000)
        assert "date" in (slider.get_attribute("aria-label") or "").lower()
        assert slider.get_attribute("aria-valuetext") == "1 June 2020"
        slider.focus()
        pg.page.keyboard.press("ArrowRight")
        pg.page.wait_for_function("window.frontline.date() === '2020-06-02'")
        assert slider.get_attribute("aria-valuetext") == "2 June 2020"
        assert pg.page.inner_text("#fl-date") == "2 June 2020"
        pg.page.keyboard.press("ArrowLeft")
        pg.page.keyboard.press("ArrowLeft")
        pg.page.wait_for_function("window.frontline.date() === '2020-05-31'")
        assert slider.get_attribute("aria-valuetext") == "31 May 2020"
        assert pg.errors == []
    finally:
        pg.close()


def test_no_data_before_the_first_baseline_is_said(browser: Any, early_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(early_map.as_uri() + "#date=2020-05-12")
        note = pg.page.locator(".fl-nodata")
        assert note.is_visible() and note.inner_text() == "No data before 20 May 2020"
        pg.shot("offline-no-data.png")
        pg.page.evaluate(MOVE_SLIDER, "2020-05-25")
        assert not note.is_visible()
        background = pg.page.eval_on_selector(
            ".leaflet-timeline-control input.time-slider", "e => e.style.background"
        )
        assert "linear-gradient" in background  # the slider's part before any data is shaded
        assert pg.errors == []
    finally:
        pg.close()


def test_first_view_fits_the_front_and_recent_events(browser: Any, default_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(default_map.as_uri())
        view = pg.page.evaluate(
            """() => { const b = window.frontline.map.getBounds();
                       return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"""
        )
        south, west, north, east = view
        # The war of the seeds is on the coast from Tripoli to Sirte: it is in view ...
        for lat, lon in [(32.89, 13.19), (32.43, 13.63), (31.21, 16.59), (31.37, 15.57)]:
            assert south < lat < north and west < lon < east, view
        # ... the country is not: Kufra (far south-east) and Ghat (far south-west) are out.
        assert not (south < 24.2 < north and west < 23.3 < east), view
        assert not (south < 24.96 < north and west < 10.18 < east), view
        assert pg.errors == []
    finally:
        pg.close()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844), (1440, 900)])
def test_labels_never_overlap_at_the_default_zoom(
    browser: Any, default_map: Path, size: tuple[int, int]
) -> None:
    pg = Page(browser, width=size[0], height=size[1])
    try:
        pg.open(default_map.as_uri())
        pg.page.wait_for_timeout(100)
        labels = pg.page.evaluate(LABEL_RECTS)
        assert len(labels) >= 3, labels
        for i, a in enumerate(labels):
            for b in labels[i + 1 :]:
                assert not overlap(a, b), (a, b)
        names = {lb["name"] for lb in labels}
        assert {"Tripoli", "Misrata"} & names, names  # cities by the names news uses
        assert pg.errors == []
    finally:
        pg.close()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_the_legend_never_covers_a_popup(
    browser: Any, default_map: Path, size: tuple[int, int]
) -> None:
    pg = Page(browser, width=size[0], height=size[1])
    try:
        pg.open(default_map.as_uri())
        legend = pg.page.locator(".fl-legend details")
        assert legend.get_attribute("open") is None  # collapsed below 1,400 px
        pg.page.click(".fl-legend summary")  # a reader opens it ...
        assert legend.get_attribute("open") is not None
        # ... then opens the popup of the place nearest to it.
        pg.page.evaluate(
            """() => { const f = window.frontline, map = f.map;
                       const box = document.querySelector('.fl-legend').getBoundingClientRect();
                       let best = null, dist = Infinity;
                       f.layers.places.eachLayer(l => {
                         const p = map.latLngToContainerPoint(l.getLatLng());
                         const d = Math.hypot(p.x - (box.left + box.right) / 2, p.y - box.bottom);
                         if (d < dist) { dist = d; best = l; } });
                       best.openPopup(); }"""
        )
        pg.page.wait_for_selector(".leaflet-popup-content .fl-pop")
        pg.page.wait_for_timeout(400)  # the pan to fit the popup
        popup = rect(pg.page, ".leaflet-popup")
        assert not overlap(popup, rect(pg.page, ".fl-legend")), (popup, rect(pg.page, ".fl-legend"))
        assert not overlap(popup, rect(pg.page, ".leaflet-timeline-control"))
        # The attribution never covers the slider.
        assert not overlap(
            rect(pg.page, ".leaflet-control-attribution"),
            rect(pg.page, ".leaflet-timeline-control"),
        )
        pg.shot(f"offline-legend-popup-{size[0]}x{size[1]}.png")
        assert pg.errors == []
    finally:
        pg.close()


def test_activity_is_a_layer_that_starts_hidden(browser: Any, default_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(default_map.as_uri())
        shown = pg.page.evaluate(
            "() => [window.frontline.map.hasLayer(window.frontline.layers.activity), "
            "window.frontline.map.hasLayer(window.frontline.layers.changes)]"
        )
        assert shown == [False, True]
        kinds = {m["kind"] for m in pg.page.evaluate("() => window.frontline.events()")}
        assert kinds and not kinds & {"offensive", "strike"}
    finally:
        pg.close()


def test_default_view_is_the_readme_picture(browser: Any, default_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(default_map.as_uri())
        pg.page.wait_for_timeout(200)
        shot = pg.shot("offline-default.png")
        assert pg.network() == [] and pg.errors == []
        if os.environ.get("FRONTLINE_README_SCREENSHOT"):
            # `make screenshot`: refresh the README picture; plain test runs leave the tree alone.
            shutil.copyfile(shot, ROOT / "maps" / "screenshot.png")
    finally:
        pg.close()


def test_hostile_article_is_inert_in_the_browser(browser: Any, hostile_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(hostile_map.as_uri() + "#date=2020-06-07")
        # Every popup and tooltip of the page rendered once, through Leaflet itself.
        pg.page.evaluate(
            """() => { const f = window.frontline;
                 f.map.addLayer(f.layers.activity);
                 ['places', 'changes', 'activity'].forEach(k => f.layers[k].eachLayer(l => {
                   l.openPopup(); l.openTooltip();
                 })); }"""
        )
        pg.page.evaluate(
            """() => window.frontline.layers.changes.eachLayer(l => {
                 if (l.options.flKind === 'control_claim') { l.openPopup(); }
               })"""
        )
        pg.page.wait_for_selector(".leaflet-popup-content .fl-pop")
        text = pg.page.inner_text(".leaflet-popup-content")
        assert "<script>window.__pwned = 1</script>" in text
        assert '<img src=x onerror="window.__pwned=2">Evil Outlet' in text
        html = pg.page.inner_html(".leaflet-popup-content")
        assert "<a " not in html  # the javascript: url is no link
        tips = pg.page.inner_text(".leaflet-tooltip-pane")
        assert '<b onmouseover="window.__pwned=4">' in tips
        assert pg.page.evaluate("() => window.__pwned === undefined")
        for sel in (".leaflet-popup-pane", ".leaflet-tooltip-pane", ".leaflet-fl-labels-pane"):
            bad = f"{sel} img, {sel} script, {sel} [onerror], {sel} [onmouseover]"
            assert pg.page.locator(bad).count() == 0
        pg.shot("hostile-popup.png")
        assert pg.network() == [] and pg.errors == []
    finally:
        pg.close()
