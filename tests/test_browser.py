"""The offline map in headless Chromium: no network, the slider, the permalink, escaping.

The map is built the way ``make demo`` builds it: ``frontline ingest seeds/`` into a fresh store
(with the packaged baseline), then ``frontline map --offline``. Screenshots go to
``tests/artifacts/`` (ignored); ``make screenshot`` also copies one to ``maps/screenshot.png``
for the README.
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
from test_render import END, START, FakeHistory

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

# Reads the live Leaflet layers: Tarhuna's marker colour, the mean longitude of the front line.
READ_MAP = """() => {
  const f = window.frontline, out = {tarhuna: null, frontLon: null, places: 0};
  f.layers.places.eachLayer(l => {
    out.places += 1;
    if (l.feature.properties.name === 'Tarhuna') { out.tarhuna = l.options.fillColor; }
  });
  let n = 0, sum = 0;
  f.layers.front.eachLayer(l => {
    l.getLatLngs().flat(Infinity).forEach(p => { sum += p.lng; n += 1; });
  });
  out.frontLon = n ? sum / n : null;
  out.hash = location.hash;
  out.shown = document.getElementById('fl-date').textContent;
  out.events = document.querySelectorAll('.leaflet-fl-events-pane .fl-ev').length;
  return out;
}"""

# Moves the slider as a user does: a new value on the range input, then its input event.
MOVE_SLIDER = """(day) => {
  const input = document.querySelector('.leaflet-timeline-control input.time-slider');
  input.value = String(Date.parse(day + 'T00:00:00Z'));
  input.dispatchEvent(new Event('input', {bubbles: true}));
}"""


@pytest.fixture(scope="module")
def offline_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    store = tmp / "seeds.gpkg"
    runner = CliRunner()
    res = runner.invoke(
        main,
        ["-q", "ingest", str(ROOT / "seeds"), "--published", "2020-06-06", "--store", str(store)],
    )
    assert res.exit_code == 0, res.output
    page = tmp / "libya-offline.html"
    res = runner.invoke(
        main,
        ["map", "--store", str(store), "--from", FROM, "--to", TO, "--offline", "-o", str(page)],
    )
    assert res.exit_code == 0, res.output
    return page


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "hostile.html"
    return render_map(FakeHistory(), Sides.load(), start=START, end=END, offline=True, out_path=out)


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
        pg.shot("offline-2020-06-01.png")
        pg.page.evaluate(MOVE_SLIDER, "2020-06-07")
        after = pg.page.evaluate(READ_MAP)
        pg.shot("offline-2020-06-07.png")

        assert before["tarhuna"] == lna, before
        assert after["tarhuna"] == gna, after
        assert before["frontLon"] is not None and after["frontLon"] is not None
        assert after["frontLon"] > before["frontLon"] + 0.3, (before, after)
        assert before["shown"] == "1 June 2020" and after["shown"] == "7 June 2020"
        assert (before["hash"], after["hash"]) == ("#date=2020-06-01", "#date=2020-06-07")
        assert after["events"] > 0

        # A popup of an event shows the sources.
        pg.page.locator(".leaflet-fl-events-pane .fl-ev-capture").first.click()
        pg.page.wait_for_selector(".leaflet-popup-content .fl-pop")
        popup = pg.page.inner_text(".leaflet-popup-content")
        assert "Capture" in popup and "precision" in popup and "Reported by" in popup
        pg.shot("offline-popup.png")

        assert pg.network() == [], pg.network()
        assert pg.errors == []
        (ARTIFACTS / "timings.json").write_text(
            json.dumps({"open_seconds": round(seconds, 3), "bytes": offline_map.stat().st_size}),
            encoding="utf-8",
        )
        # The open time is recorded, not asserted: speed belongs to `make bench`.
        # The README picture: the coast, where the war was, on 7 June.
        pg.page.evaluate("() => window.frontlineMap.closePopup()")
        pg.page.evaluate(
            "() => window.frontlineMap.fitBounds([[29.0, 11.8], [33.0, 20.8]], {animate: false})"
        )
        pg.page.wait_for_timeout(200)
        shot = pg.shot("offline-2020-06-07-coast.png")
        if os.environ.get("FRONTLINE_README_SCREENSHOT"):
            # `make screenshot`: refresh the README picture; plain test runs leave the tree alone.
            shutil.copyfile(shot, ROOT / "maps" / "screenshot.png")
    finally:
        pg.close()


def test_date_permalink_opens_the_map_at_that_date(browser: Any, offline_map: Path) -> None:
    sides = Sides.load()
    pg = Page(browser, width=800, height=500)
    try:
        pg.open(offline_map.as_uri() + "#date=2020-06-01")
        state = pg.page.evaluate(READ_MAP)
        assert state["shown"] == "1 June 2020" and state["tarhuna"] == sides.colour("LNA")
        # Editing the address moves the map too.
        pg.page.evaluate("() => { location.hash = '#date=2020-06-07'; }")
        pg.page.wait_for_function("window.frontline.date() === '2020-06-07'")
        assert pg.page.evaluate(READ_MAP)["tarhuna"] == sides.colour("GNA")
        # Out-of-range dates are clamped, garbage is ignored.
        pg.page.evaluate("() => { location.hash = '#date=1999-01-01'; }")
        pg.page.wait_for_function("window.frontline.date() === '2020-05-20'")
        pg.shot("offline-small-2020-05-20.png")
        assert pg.network() == [] and pg.errors == []
    finally:
        pg.close()


def test_hostile_article_is_inert_in_the_browser(browser: Any, hostile_map: Path) -> None:
    pg = Page(browser)
    try:
        pg.open(hostile_map.as_uri() + "#date=2020-06-07")
        # Every popup and tooltip of the page rendered once, through Leaflet itself.
        pg.page.evaluate(
            """() => ['places', 'events'].forEach(k => window.frontline.layers[k].eachLayer(l => {
                 l.openPopup(); l.openTooltip();
               }))"""
        )
        pg.page.evaluate(
            """() => window.frontline.layers.events.eachLayer(l => {
                 if (l.feature.properties.kind === 'control_claim') { l.openPopup(); }
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
