"""The map page: layers, time intervals, escaping, offline self-containment and the CLI.

The HTML is checked by its content (parsed), never against a snapshot. ``FakeHistory`` stands in
for :class:`geo.control.ControlHistory` with a tiny war: Tarhuna held by the LNA, taken by the
GNA on 5 June 2020, the front line moving east, and one hostile article.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box
from shapely.geometry.base import BaseGeometry

from geo.control import ControlChange, PlaceState, SourceRef
from geo.dates import FuzzyDate
from geo.render import build_layers, render_map, write_embed_snippet
from geo.sides import Sides

ROOT = Path(__file__).parent.parent
HOSTILE_QUOTE = '<script>window.__pwned = 1</script> "Tarhuna fell" & more'
HOSTILE_OUTLET = '<img src=x onerror="window.__pwned=2">Evil Outlet'
HOSTILE_URL = "javascript:window.__pwned=3"
HOSTILE_PLACE = 'Qasr <b onmouseover="window.__pwned=4">bin</b> Ghashir'
VENDORED = (ROOT / "vendor" / "node_modules" / "leaflet" / "dist" / "leaflet.js").is_file()


# -- a small fake control history ---------------------------------------------------------------
PLACES = {
    # id: (name, lat, lon)
    "tripoli": ("Tripoli", 32.8872, 13.1913),
    "tarhuna": ("Tarhuna", 32.4350, 13.6332),
    "misrata": ("Misrata", 32.3754, 15.0925),
    "sirte": ("Sirte", 31.2089, 16.5887),
    "gharyan": ("Gharyan", 32.1722, 13.0203),
    "qasr": (HOSTILE_PLACE, 32.5170, 13.2350),
}
CHANGE_DAYS = (date(2020, 6, 1), date(2020, 6, 5), date(2020, 6, 6))
START, END = date(2020, 5, 25), date(2020, 6, 10)


def ref(
    doc: str, quote: str, *, outlet: str = "Reuters", url: str = "https://example.org/a"
) -> SourceRef:
    return SourceRef(doc, outlet, url, quote, "2020-06-05", "capture", "GNA", 0.9)


def change(place: str, kind: str, side: str, day: date, *sources: SourceRef) -> ControlChange:
    name, lat, lon = PLACES[place]
    return ControlChange(
        place_id=place,
        place_name=name,
        lat=lat,
        lon=lon,
        kind=kind,
        side=side,
        date=FuzzyDate(day, "day"),
        effective=day,
        approximate=False,
        sources=sources,
    )


@dataclass
class FakeHistory:
    """Tarhuna LNA until 5 June then GNA; the front line at 13.4°E, then 14.6°E."""

    hostile: bool = True
    calls: list[str] = field(default_factory=list)

    def front_lon(self, day: date) -> float:
        return 13.4 if day < date(2020, 6, 5) else 14.6

    def changes(self) -> list[ControlChange]:
        out = [
            change("gharyan", "strike", "LNA", date(2020, 6, 1), ref("d1", "Drones hit Gharyan.")),
            change(
                "tarhuna",
                "capture",
                "GNA",
                date(2020, 6, 5),
                ref("d2", "GNA forces entered Tarhuna."),
                ref("d3", "Tarhuna was taken.", outlet="AFP"),
            ),
            change(
                "tarhuna", "withdraw", "LNA", date(2020, 6, 5), ref("d2", "The LNA pulled out.")
            ),
            change("sirte", "contested", "GNA", date(2020, 6, 6), ref("d4", "Clashes near Sirte.")),
        ]
        if self.hostile:
            out.append(
                change(
                    "qasr",
                    "control_claim",
                    "GNA",
                    date(2020, 6, 6),
                    ref("d5", HOSTILE_QUOTE, outlet=HOSTILE_OUTLET, url=HOSTILE_URL),
                )
            )
        return out

    def intervals(self, start: date, end: date) -> list[tuple[date, date]]:
        self.calls.append("intervals")
        bounds = [start, *[d for d in CHANGE_DAYS if start < d <= end]]
        return [(a, b) for a, b in zip(bounds, [*bounds[1:], end], strict=True)]

    def state(self, day: date) -> list[PlaceState]:
        self.calls.append(f"state {day}")
        ctl = {
            "tripoli": "GNA",
            "gharyan": "GNA",
            "misrata": "GNA",
            "tarhuna": "LNA" if day < date(2020, 6, 5) else "GNA",
            "sirte": "LNA" if day < date(2020, 6, 6) else "contested",
        }
        if self.hostile:
            ctl["qasr"] = "GNA"
        out = []
        for pid, side in ctl.items():
            name, lat, lon = PLACES[pid]
            seen = [c for c in self.changes() if c.place_id == pid and c.effective <= day]
            evidence = tuple(s for c in seen for s in c.sources)
            since = max((c.effective for c in seen), default=None)
            out.append(
                PlaceState(
                    place_id=pid,
                    place_name=name,
                    lat=lat,
                    lon=lon,
                    controller=side,
                    since=since,
                    last_report=since,
                    stale=pid == "misrata",
                    evidence=evidence,
                    from_baseline=not evidence,
                )
            )
        return out

    def zones(self, day: date) -> gpd.GeoDataFrame:
        x = self.front_lon(day)
        rows = [("GNA", box(9.5, 29.5, x, 33.2)), ("LNA", box(x, 29.5, 24.9, 33.2))]
        if day >= date(2020, 6, 6):
            rows.append(("contested", box(16.3, 30.9, 16.9, 31.4)))
        return gpd.GeoDataFrame(
            {"side": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs="EPSG:4326"
        )

    def frontline(self, day: date) -> BaseGeometry | None:
        x = self.front_lon(day)
        return LineString([(x, 33.0), (x + 0.3, 32.0), (x - 0.2, 30.5)])


@pytest.fixture(scope="module")
def sides() -> Sides:
    return Sides.load()


# -- parsing helpers ------------------------------------------------------------------------------
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self.scripts.append(a)
            self._in_script = True
            self.script_text.append("")
        if tag == "link":
            self.links.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text[-1] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def timelines(html: str) -> list[dict[str, Any]]:
    """The FeatureCollections passed to ``L.timeline(...)``, in page order."""
    out = []
    decoder = json.JSONDecoder()
    for m in re.finditer(r"L\.timeline\(\s*", html):
        obj, _ = decoder.raw_decode(html, m.end())
        out.append(obj)
    return out


@pytest.fixture(scope="module")
def web_page(tmp_path_factory: pytest.TempPathFactory, sides: Sides) -> str:
    out = tmp_path_factory.mktemp("web") / "libya.html"
    render_map(FakeHistory(), sides, start=START, end=END, title="Test map", out_path=out)
    return out.read_text(encoding="utf-8")


# -- layers -------------------------------------------------------------------------------------
def test_layers_follow_the_history(sides: Sides) -> None:
    layers = build_layers(FakeHistory(), sides, start=START, end=END)
    assert [p[0] for p in layers.periods] == [START, *CHANGE_DAYS]
    tarhuna = [f["properties"] for f in layers.places if f["properties"]["place_id"] == "tarhuna"]
    assert [(p["controller"], p["start"], p["end"]) for p in tarhuna] == [
        ("LNA", "2020-05-25", "2020-06-05"),
        ("GNA", "2020-06-05", "2020-06-10"),
    ]
    assert tarhuna[0]["endExclusive"] is True and tarhuna[1]["endExclusive"] is False
    assert tarhuna[0]["colour"] == sides.colour("LNA") and tarhuna[1]["colour"] == sides.colour(
        "GNA"
    )
    # Tripoli never changes: one feature over the whole range.
    assert len([f for f in layers.places if f["properties"]["place_id"] == "tripoli"]) == 1
    assert {f["properties"]["side"] for f in layers.zones} == {"GNA", "LNA", "contested"}
    assert [f["properties"]["start"] for f in layers.front] == ["2020-05-25", "2020-06-05"]
    assert set(layers.kinds_shown) == {
        "capture",
        "withdraw",
        "strike",
        "contested",
        "control_claim",
    }
    assert layers.sides_shown[:2] == ["GNA", "LNA"] and "contested" in layers.sides_shown


def test_events_stay_a_week_or_until_the_next_change_date(sides: Sides) -> None:
    def window(layers: Any, kind: str) -> tuple[str, str, bool]:
        p = next(f["properties"] for f in layers.events if f["properties"]["kind"] == kind)
        return p["start"], p["end"], p["endExclusive"]

    layers = build_layers(FakeHistory(), sides, start=START, end=END)
    # No change date comes after 1 June + 7 days: gone on 8 June.
    assert window(layers, "strike") == ("2020-06-01", "2020-06-08", True)
    # 5 June + 7 days is past the end: kept to the end, inclusive.
    assert window(layers, "capture") == ("2020-06-05", "2020-06-10", False)
    # With 3 days, the strike stays until the next change date (5 June), not 4 June.
    short = build_layers(FakeHistory(), sides, start=START, end=END, event_days=3)
    assert window(short, "strike") == ("2020-06-01", "2020-06-05", True)
    at_tarhuna = [f["properties"] for f in layers.events if f["properties"]["place"] == "Tarhuna"]
    assert sorted(p["slot"] for p in at_tarhuna) == [0, 1]  # two markers side by side
    capture = next(p for p in at_tarhuna if p["kind"] == "capture")
    assert capture["corroboration"] == 2 and capture["precision"] == "day"


def test_end_before_start_is_an_error(sides: Sides) -> None:
    with pytest.raises(ValueError, match="before start"):
        build_layers(FakeHistory(), sides, start=END, end=START)


def test_empty_history_still_renders(tmp_path: Path, sides: Sides) -> None:
    class Empty(FakeHistory):
        def changes(self) -> list[ControlChange]:
            return []

    out = render_map(Empty(hostile=False), sides, out_path=tmp_path / "m.html")
    assert "L.timeline(" in out.read_text(encoding="utf-8")


# -- the page -----------------------------------------------------------------------------------
def test_page_has_the_layers_slider_and_permalink(web_page: str, sides: Sides) -> None:
    page = parse(web_page)
    js = "\n".join(page.script_text)
    zones, front, places, events = timelines(web_page)
    assert {f["properties"]["fill"] for f in zones["features"]} >= {
        sides.colour("GNA"),
        sides.colour("LNA"),
        "url(#fl-hatch)",
    }
    assert front["features"][0]["geometry"]["type"] == "LineString"
    assert any(f["properties"]["name"] == "Tarhuna" for f in places["features"])
    assert {f["properties"]["kind"] for f in events["features"]} >= {"capture", "strike"}
    assert "L.timelineSliderControl(" in js and ".addTimelines(" in js
    assert "fitBounds(" in js and "[19.5, 9.3]" in js.replace("\n", "").replace("  ", " ")
    assert "L.control.layers(" in js
    assert "date=" in js and "replaceState" in js and "hashchange" in js
    assert "window.frontlineMap" in js
    assert 'id="fl-hatch"' in web_page
    for credit in ("GeoNames", "OpenStreetMap", "Natural Earth"):
        assert credit in js
    # The map fills its container.
    assert re.search(
        r"#map_\w+ \{\s*position: relative;\s*width: 100.0%;\s*height: 100.0%", web_page
    )


def test_page_is_deterministic(tmp_path: Path, sides: Sides) -> None:
    a = render_map(FakeHistory(), sides, start=START, end=END, out_path=tmp_path / "a.html")
    b = render_map(FakeHistory(), sides, start=START, end=END, out_path=tmp_path / "b.html")
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")


def test_article_text_is_escaped(web_page: str) -> None:
    page = parse(web_page)
    # The only script elements are ours: no tag smuggled in by an article.
    assert all("__pwned" not in t for t in page.script_text if "fl-pop" not in t)
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    assert "<script>window.__pwned" not in web_page
    decoded = web_page.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    # Hostile attributes survive only as text (onerror=&quot;...), never inside a tag.
    assert not re.search(r"<[a-zA-Z][^<>]*\son\w+\s*=", decoded)
    assert not re.search(r"<(script|img)[^<>]*__pwned", decoded)
    popups = [
        f["properties"]["popup"]
        for tl in timelines(web_page)
        for f in tl["features"]
        if "__pwned" in f["properties"].get("popup", "")
    ]
    assert popups, "the hostile article is on the map"
    for html in popups:
        assert "<script" not in html and "<img" not in html and "<b " not in html
        assert "Qasr &lt;b onmouseover=&quot;window.__pwned=4&quot;&gt;bin&lt;/b&gt;" in html
        assert "javascript:" not in html  # not a link at all
    sourced = [h for h in popups if "Evil Outlet" in h]
    assert sourced
    for html in sourced:
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;Evil Outlet" in html
    links = re.findall(
        r"<a [^>]*>", "".join(f for tl in timelines(web_page) for f in [json.dumps(tl)])
    )
    assert links
    for link in links:
        assert 'rel=\\"noopener noreferrer\\"' in link and 'href=\\"https://' in link


def test_tooltips_are_escaped(sides: Sides) -> None:
    layers = build_layers(FakeHistory(), sides, start=START, end=END)
    tips = [f["properties"]["tooltip"] for f in layers.places + layers.events]
    hostile = [t for t in tips if "Qasr" in t]
    assert hostile and all("<b" not in t and "&lt;b onmouseover=&quot;" in t for t in hostile)


def test_web_page_uses_only_leaflet_and_timeline_from_cdn(web_page: str) -> None:
    page = parse(web_page)
    srcs = [s.get("src") or "" for s in page.scripts if s.get("src")]
    hrefs = [lnk.get("href") or "" for lnk in page.links if lnk.get("href")]
    assert any("leaflet@1.9.3" in s for s in srcs) and any("leaflet.timeline" in s for s in srcs)
    assert not any("jquery" in u or "bootstrap" in u or "font-awesome" in u for u in srcs + hrefs)
    assert "tile.openstreetmap.org" in web_page  # the web page has a tile layer


@pytest.mark.skipif(not VENDORED, reason="vendor/node_modules missing: run `make vendor`")
def test_offline_page_is_self_contained(tmp_path: Path, sides: Sides) -> None:
    out = render_map(
        FakeHistory(), sides, start=START, end=END, offline=True, out_path=tmp_path / "o.html"
    )
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert not [s for s in page.scripts if s.get("src")]
    assert not [lnk for lnk in page.links if lnk.get("href")]
    assert "L.TileLayer" not in html and "tileLayer(" not in html
    assert "cartocdn" not in html
    # No url() in CSS points anywhere but data: or a #fragment.
    for url in re.findall(r"url\(['\"]?([^'\")]+)", html):
        assert url.startswith(("data:", "#")), url
    js = "\n".join(page.script_text)
    assert "L.timelineSliderControl" in js and "leaflet.timeline" not in "".join(
        s.get("src") or "" for s in page.scripts
    )
    assert "District boundaries" in js and '"Land"' not in js.split("L.control.layers(")[-1]


def test_offline_without_vendor_is_a_clear_error(tmp_path: Path, sides: Sides) -> None:
    from geo.render import VendorError

    with pytest.raises(VendorError, match="make vendor"):
        render_map(
            FakeHistory(),
            sides,
            offline=True,
            out_path=tmp_path / "o.html",
            vendor_dir=tmp_path / "nothing",
        )


def test_embed_snippet_is_responsive(tmp_path: Path) -> None:
    page = tmp_path / "libya.html"
    page.write_text("<html></html>", encoding="utf-8")
    out = write_embed_snippet(page, title='A "map" <of> Libya')
    assert out == tmp_path / "libya.embed.html"
    tags = parse(out.read_text(encoding="utf-8")).tags
    div, iframe = tags[0], tags[1]
    assert div[0] == "div" and "aspect-ratio:16/10" in (div[1]["style"] or "")
    assert iframe[0] == "iframe" and iframe[1]["src"] == "libya.html"
    assert "width:100%" in (iframe[1]["style"] or "") and "height:100%" in (
        iframe[1]["style"] or ""
    )
    assert iframe[1]["title"] == 'A "map" <of> Libya'


def test_article_count_leaves_out_analyst_and_baseline_sources(sides: Sides) -> None:
    base = FakeHistory(hostile=False)
    articles = {s.doc_id for c in base.changes() for s in c.sources}

    class WithOverride(FakeHistory):
        def changes(self) -> list[ControlChange]:
            extra = change(
                "gharyan",
                "capture",
                "GNA",
                date(2020, 6, 6),
                ref("override:overrides.csv:2", "analyst note", outlet="analyst"),
            )
            return [*super().changes(), extra]

    layers = build_layers(WithOverride(hostile=False), sides, start=START, end=END)
    assert layers.articles == len(articles)


def test_hostile_title_stays_text(tmp_path: Path, sides: Sides) -> None:
    """Issue 14 #4: ``--title`` went raw into <title>, so a title could close it and run script."""
    title = '</title><script>window.__pwned = 5</script><b onmouseover="x()">'
    out = render_map(
        FakeHistory(), sides, start=START, end=END, title=title, out_path=tmp_path / "t.html"
    )
    html = out.read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert "<script>window.__pwned = 5" not in html
    assert re.search(r"<title>&lt;/title&gt;&lt;script&gt;window.__pwned = 5", head)
    # In the title box's script the title is JSON text of escaped HTML: inert.
    decoded = html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert "<script>window.__pwned = 5" not in decoded
    assert "&lt;script&gt;window.__pwned = 5" in decoded
    assert not any(k.startswith("on") for _, attrs in parse(html).tags for k in attrs)


def test_map_command_writes_html_only_and_never_over_the_store(tmp_path: Path) -> None:
    """Issue 14 #1: ``map -o s.gpkg`` overwrote the store with HTML."""
    from click.testing import CliRunner

    from geo.cli import main
    from geo.store import Store

    store = tmp_path / "s.gpkg"
    with Store(store):
        pass
    before = store.read_bytes()
    runner = CliRunner()
    wrong = runner.invoke(main, ["map", "--store", str(store), "-o", str(store)])
    assert wrong.exit_code == 2 and "does not write" in wrong.output
    disguised = tmp_path / "s.html"
    store.rename(disguised)
    result = runner.invoke(main, ["map", "--store", str(disguised), "-o", str(disguised)])
    assert result.exit_code == 1 and "is a frontline store" in result.output
    assert disguised.read_bytes() == before


def test_place_popup_shows_status_confidence_and_independent_sources() -> None:
    from dataclasses import replace

    from geo._render_html import place_popup

    sides = Sides.load()
    wire = ref("d1", "GNA forces took the town.")
    reprint = replace(ref("d2", "GNA forces took the town."), group="d1")
    denial = replace(ref("d3", "The LNA denied losing it."), side="LNA")
    name, lat, lon = PLACES["tarhuna"]
    state = PlaceState(
        "tarhuna", name, lat, lon, "GNA", date(2020, 6, 5), date(2020, 6, 5), False,
        (wire, reprint), (denial,), status="claimed", confidence=0.42,
    )  # fmt: skip
    html = place_popup(state, sides)
    assert "Claimed by" in html and "(unconfirmed)" in html and "confidence 0.42" in html
    assert "For: 1 independent source" in html and "Against: 1 independent source" in html
    assert html.count("<li>") == 3  # every report is listed, reprints too
    held = place_popup(replace(state, status="held", against=()), sides)
    assert "Held by" in held and "Against:" not in held
