"""The map at scale: build time and size for many events, open and slider time in Chromium.

The events are synthetic (random towns and cities, kinds, sides and days over two years): the
renderer's cost depends on how many events, places and change dates it gets, not on what the
articles said, and extracting 10,000 events would take longer than the whole benchmark allows.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "browse", "build", "measure_map", "synthetic_events"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
TITLE = "frontline bench"
FIRST_DAY = date(2019, 4, 4)
SPAN_DAYS = 730
# Roughly the mix the extractor produces on news.
KIND_WEIGHTS = {
    "capture": 0.25,
    "withdraw": 0.1,
    "contested": 0.25,
    "control_claim": 0.15,
    "offensive": 0.1,
    "strike": 0.15,
}


def synthetic_events(n: int, seed: int = 2020) -> list[Any]:
    """``n`` events at random towns and cities, on random days over two years."""
    from geo.extract import Event
    from geo.gazetteer import Gazetteer
    from geo.sides import Sides

    rng = random.Random(f"frontline-bench-events:{seed}")
    places = [p for p in Gazetteer.load() if p.kind in ("capital", "city", "town")]
    sides = Sides.load().ids[:2]
    kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
    events = []
    for i in range(n):
        place = places[rng.randrange(len(places))]
        kind = rng.choices(kinds, weights)[0]
        side = sides[rng.randrange(len(sides))]
        day = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
        quote = f"{side} forces reported a {kind.replace('_', ' ')} at {place.name}."
        events.append(
            Event(
                doc_id=f"bench-map-{i // 4:06d}",
                kind=kind,
                side=side,
                place=place.name,
                place_id=place.id,
                place_name=place.name,
                lat=place.lat,
                lon=place.lon,
                date=day.isoformat(),
                date_precision="day",
                quote=quote,
                start=0,
                end=len(quote),
                confidence=round(0.5 + 0.5 * rng.random(), 3),
                source="Bench Wire",
                url=f"https://example.org/bench/{i // 4}",
            )
        )
    return events


def build(spec: dict[str, Any]) -> dict[str, Any]:
    """Child task: build the control history and the offline map page of ``spec["events"]``."""
    from geo.control import ControlHistory
    from geo.render import render_map
    from geo.sides import Sides

    sides = Sides.load()
    events = synthetic_events(spec["events"], spec.get("seed", 2020))
    published = {e.doc_id: date.fromisoformat(e.date) for e in events}
    out = Path(spec["html"])
    t0 = time.perf_counter()
    history = ControlHistory(events, sides=sides, published=published)
    t1 = time.perf_counter()
    render_map(history, sides, offline=True, out_path=out, title=TITLE)
    t2 = time.perf_counter()
    days = sorted(published.values())
    rebuild = _rebuild(events, published, sides, out) if spec.get("rebuild", True) else {}
    return {
        **rebuild,
        "events": len(events),
        "changes": len(history.changes()),
        "span": f"{days[0]} to {days[-1]}",
        "history_s": t1 - t0,
        "render_s": t2 - t1,
        "build_s": t2 - t0,
        "html_mb": out.stat().st_size / 1e6,
        "html": str(out),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def _rebuild(
    events: list[Any], published: dict[str, date], sides: Any, out: Path
) -> dict[str, Any]:
    """A newsroom's day: the map of all but the last day's events built with a cache of its zone
    pieces, then the map of every event built again from that cache."""
    import tempfile

    from geo.control import ControlHistory
    from geo.render import render_map

    last = max(published.values())
    older = [e for e in events if date.fromisoformat(e.date) < last]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "zones.sqlite"
        t0 = time.perf_counter()
        before = ControlHistory(older, sides=sides, published=published)
        common: dict[str, Any] = {"offline": True, "title": TITLE, "cache": cache}
        render_map(before, sides, out_path=Path(tmp) / "a.html", **common)
        t1 = time.perf_counter()
        history = ControlHistory(events, sides=sides, published=published)
        page = render_map(history, sides, out_path=Path(tmp) / "b.html", **common)
        t2 = time.perf_counter()
        same = page.read_bytes() == out.read_bytes()
        size = cache.stat().st_size / 1e6
    return {
        "cold_cached_s": t1 - t0,
        "rebuild_s": t2 - t1,
        "rebuild_note": f"{len(events) - len(older)} events of the last day added; cache "
        f"{size:.1f} MB; first build with the cache {t1 - t0:.1f} s; page "
        + ("identical to a build without it" if same else "DIFFERS from a build without it"),
    }


_STEP_JS = """
async ([n]) => {
  const fl = window.frontline;
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const DAY = 86400000;
  const span = Math.floor((fl.end - fl.start) / DAY);
  const stride = Math.max(1, Math.floor(span / n));
  const times = [];
  let t = fl.start;
  fl.setDate(t);
  await frame();
  for (let i = 0; i < n; i++) {
    t = Math.min(fl.end, t + stride * DAY);
    const t0 = performance.now();
    fl.setDate(t);
    await frame();
    times.push(performance.now() - t0);
  }
  return times;
}
"""


def browse(spec: dict[str, Any]) -> dict[str, Any]:
    """Child task: open the page in headless Chromium, time loading and slider steps."""
    from playwright.sync_api import Request, sync_playwright

    html = Path(spec["html"]).resolve()
    steps = int(spec.get("steps", 20))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=spec.get("chromium", CHROMIUM), args=list(CHROMIUM_FLAGS)
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            requests: list[str] = []

            def on_request(req: Request) -> None:
                if not req.url.startswith(("file:", "data:")):
                    requests.append(req.url)

            page.on("request", on_request)
            t0 = time.perf_counter()
            page.goto(html.as_uri(), wait_until="load", timeout=300_000)
            t_load = time.perf_counter() - t0
            page.wait_for_function("window.frontline !== undefined", timeout=300_000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
            t_ready = time.perf_counter() - t0
            times = page.evaluate(_STEP_JS, [steps])
        finally:
            browser.close()
    return {
        "open_s": t_ready,
        "load_event_s": t_load,
        "open_note": f"load event {t_load:.2f} s, then slider ready and painted"
        + (f"; {len(requests)} network requests!" if requests else "; no network requests"),
        "step_ms": statistics.median(times),
        "step_max_ms": max(times),
        "step_note": (
            f"median of {len(times)} steps across two years, max {max(times):.0f} ms "
            f"(setDate to next frame)"
        ),
        "network_requests": requests[:5],
    }


def _child(task: str, spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    try:
        res = subprocess.run(
            [sys.executable, "-m", "bench.measure", json.dumps({"task": task, **spec})],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = res.stdout.strip().splitlines()
    if res.returncode != 0 or not lines:
        tail = (res.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {res.returncode}: {tail}"}
    out: dict[str, Any] = json.loads(lines[-1])
    return out


def measure_map(
    events: int, out_dir: Path, *, browser: bool = True, seed: int = 2020, timeout: float = 300
) -> dict[str, Any]:
    """Build the map of ``events`` synthetic events, then (optionally) time it in Chromium.

    Returns
    -------
    dict
        ``build_s``, ``html_mb`` and the rest of :func:`build`, with ``browser`` holding the
        figures of :func:`browse`; a ``reason`` (or ``browser.reason``) when not measured.
    """
    import importlib.util

    if importlib.util.find_spec("geo.render") is None:
        return {"reason": "geo/render.py is not there yet", "browser": {"reason": "no map"}}
    out_dir.mkdir(parents=True, exist_ok=True)
    html = out_dir / f"map-{events}.html"
    res = _child("map", {"events": events, "seed": seed, "html": str(html)}, timeout)
    if "error" in res:
        return {"reason": f"render failed: {res['error']}", "browser": {"reason": "no map"}}
    if not browser:
        res["browser"] = {"reason": "not asked (--only)"}
        return res
    if not Path(CHROMIUM).exists():
        res["browser"] = {"reason": f"{CHROMIUM} missing (make browser)"}
        return res
    b = _child("browser", {"html": str(html)}, timeout)
    if "error" in b:
        b = {"reason": f"browser failed: {b['error']}", "step_reason": "browser failed"}
    res["browser"] = b
    return res
