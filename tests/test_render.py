"""The map page: its data (places, events, geometry once each), escaping, offline
self-containment and the embed snippet.

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
from geo.render import MapData, build_data, data_range, render_map, write_embed_snippet
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


def page_data(html: str) -> dict[str, Any]:
    """The JSON the page's script reads."""
    m = re.search(r'<script type="application/json" id="fl-data">(.*?)</script>', html, re.S)
    assert m, "the page carries its data"
    out: dict[str, Any] = json.loads(m.group(1))
    return out


def day(d: date) -> int:
    return (d - START).days


def places_by_name(data: MapData) -> dict[str, list[Any]]:
    return {p[0]: p for p in data.payload["places"]}


def controller(data: MapData, entry: list[Any]) -> str:
    side: str = data.payload["sides"][entry[1]]["id"]
    return side


@pytest.fixture(scope="module")
def web_page(tmp_path_factory: pytest.TempPathFactory, sides: Sides) -> str:
    out = tmp_path_factory.mktemp("web") / "libya.html"
    render_map(FakeHistory(), sides, start=START, end=END, title="Test map", out_path=out)
    return out.read_text(encoding="utf-8")


# -- the data -----------------------------------------------------------------------------------
def test_each_place_once_with_its_timeline(sides: Sides) -> None:
    data = build_data(FakeHistory(), sides, start=START, end=END)
    assert data.periods == [START, *CHANGE_DAYS]
    places = places_by_name(data)
    tarhuna = places["Tarhuna"]
    assert tarhuna[1:3] == [32.435, 13.6332]
    timeline = [(e[0], controller(data, e)) for e in tarhuna[5]]
    assert timeline == [(0, "LNA"), (day(date(2020, 6, 5)), "GNA")]
    # Tripoli never changes: one entry, and the place is stored once.
    assert [controller(data, e) for e in places["Tripoli"][5]] == ["GNA"]
    assert [p[0] for p in data.payload["places"]].count("Tripoli") == 1
    # Evidence is cited by index: the capture's two articles behind Tarhuna's GNA state.
    src = data.payload["src"]
    refs = src["lists"][tarhuna[5][1][5]]
    docs = {src["text"][src["docs"][src["refs"][r][0]][0]] for r in refs}
    assert docs == {"Reuters", "AFP"}
    assert {s for s in data.sides_shown} == {"GNA", "LNA", "contested"}
    assert set(data.kinds_shown) == {"capture", "withdraw", "strike", "contested", "control_claim"}


def test_geometry_is_stored_once_and_shown_by_period(sides: Sides) -> None:
    data = build_data(FakeHistory(), sides, start=START, end=END)
    codes = [s["id"] for s in data.payload["sides"]]
    zones = data.payload["zones"]
    runs = [(codes[zones[i + 1]], zones[i + 2], zones[i + 3]) for i in range(0, len(zones), 4)]
    # The GNA zone changes when the front moves on 5 June (period 2): two pieces, two runs.
    assert [r for r in runs if r[0] == "GNA"] == [("GNA", 0, 1), ("GNA", 2, 3)]
    assert ("contested", 3, 3) in runs
    front = data.payload["front"]
    assert [(front[i + 1], front[i + 2]) for i in range(0, len(front), 3)] == [(0, 1), (2, 3)]
    topo = data.payload["topo"]
    # Each piece once, however many periods it is shown in.
    assert len(topo["polygons"]) == len({zones[i] for i in range(0, len(zones), 4)}) == 5
    # Every arc is used: nothing is stored that is not drawn.
    used = {
        ~r if r < 0 else r for part in topo["polygons"] + topo["lines"] for p in part for r in p
    }
    assert used == set(range(len(topo["arcs"])))


def test_events_stay_a_week_or_until_the_next_change_date(sides: Sides) -> None:
    def window(data: MapData, kind: str) -> tuple[int, int]:
        kinds = [k[0] for k in data.payload["kinds"]]
        ev = next(e for e in data.payload["events"] if kinds[e[1]] == kind)
        return ev[5], ev[6]

    data = build_data(FakeHistory(), sides, start=START, end=END)
    # No change date comes after 1 June + 7 days: gone on 8 June.
    assert window(data, "strike") == (day(date(2020, 6, 1)), day(date(2020, 6, 8)))
    # 5 June + 7 days is past the end: kept to the end, inclusive.
    assert window(data, "capture") == (day(date(2020, 6, 5)), day(END) + 1)
    # With 3 days, the strike stays until the next change date (5 June), not 4 June.
    short = build_data(FakeHistory(), sides, start=START, end=END, event_days=3)
    assert window(short, "strike") == (day(date(2020, 6, 1)), day(date(2020, 6, 5)))
    tarhuna = places_by_name(data)["Tarhuna"]
    index = data.payload["places"].index(tarhuna)
    at_tarhuna = [e for e in data.payload["events"] if e[0] == index]
    assert sorted(e[7] for e in at_tarhuna) == [0, 1]  # two markers side by side
    kinds = [k[0] for k in data.payload["kinds"]]
    capture = next(e for e in at_tarhuna if kinds[e[1]] == "capture")
    assert capture[8] == 2 and capture[4] == 0  # two articles, day precision


def test_activity_is_its_own_kind_of_event(sides: Sides) -> None:
    data = build_data(FakeHistory(), sides, start=START, end=END)
    activity = {k[0] for k in data.payload["kinds"] if k[2]}
    assert activity == {"offensive", "strike"}


def test_first_view_fits_the_front_and_recent_changes(sides: Sides) -> None:
    data = build_data(FakeHistory(), sides, start=START, end=END)
    assert data.view is not None
    (south, west), (north, east) = data.view
    # The last front line (14.6°E) and the changes at Tarhuna and Sirte are in view ...
    for lat, lon in [(32.435, 13.6332), (31.2089, 16.5887), (32.0, 14.9)]:
        assert south < lat < north and west < lon < east
    # ... and the view is far smaller than the theatre's.
    (ts, tw), (tn, te) = sides.theatre.bounds
    assert (north - south) * (east - west) < 0.25 * (tn - ts) * (te - tw)


def test_the_map_spans_the_evidence_from_the_first_baseline(sides: Sides) -> None:
    @dataclass
    class Entry:
        as_of: date

    class WithBaseline(FakeHistory):
        baseline = {"tripoli": Entry(date(2020, 5, 30))}  # noqa: RUF012
        published = {"d1": date(2020, 6, 12)}  # noqa: RUF012

    assert data_range(FakeHistory()) == (date(2020, 6, 1), date(2020, 6, 6))
    # A baseline starts the evidence; the newest publication ends it.
    assert data_range(WithBaseline()) == (date(2020, 5, 30), date(2020, 6, 12))


def test_end_before_start_is_an_error(sides: Sides) -> None:
    with pytest.raises(ValueError, match="before start"):
        build_data(FakeHistory(), sides, start=END, end=START)


def test_empty_history_still_renders(tmp_path: Path, sides: Sides) -> None:
    class Empty(FakeHistory):
        def changes(self) -> list[ControlChange]:
            return []

    out = render_map(Empty(hostile=False), sides, out_path=tmp_path / "m.html")
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["events"] == [] and data["n"] == 0


# -- the page -----------------------------------------------------------------------------------
def test_page_has_its_data_script_and_slider(web_page: str, sides: Sides) -> None:
    page = parse(web_page)
    js = "\n".join(page.script_text)
    data = page_data(web_page)
    assert data["t0"] == START.isoformat() and data["n"] == day(END)
    assert {s["colour"] for s in data["sides"][:2]} == {sides.colour("GNA"), sides.colour("LNA")}
    assert "window.frontlineStart(" in js and '"fl-data"' in js
    assert "L.timelineSliderControl(" in js and "aria-valuetext" in js and "hashchange" in js
    assert "replaceState" in js and "window.frontlineMap" in js
    assert 'id="fl-hatch"' in web_page
    for credit in ("GeoNames", "OpenStreetMap", "Natural Earth"):
        assert credit in js
    # The map fills its container.
    assert re.search(
        r"#map_\w+ \{\s*position: relative;\s*width: 100.0%;\s*height: 100.0%", web_page
    )


def test_page_has_a_language_and_lets_readers_zoom(web_page: str) -> None:
    tags = dict(parse(web_page).tags[:1])
    assert tags["html"]["lang"] == "en"
    viewports = [a for t, a in parse(web_page).tags if t == "meta" and a.get("name") == "viewport"]
    assert len(viewports) == 1
    content = viewports[0]["content"] or ""
    assert "user-scalable=no" not in content and "maximum-scale" not in content


def test_page_is_deterministic(tmp_path: Path, sides: Sides) -> None:
    a = render_map(FakeHistory(), sides, start=START, end=END, out_path=tmp_path / "a.html")
    b = render_map(FakeHistory(), sides, start=START, end=END, out_path=tmp_path / "b.html")
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")


def _strings(data: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, list):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)

    walk(data)
    return out


def test_article_text_is_escaped(web_page: str) -> None:
    page = parse(web_page)
    # Article text is only in the data element, never in code; no tag smuggled in by an article.
    for attrs, text in zip(page.scripts, page.script_text, strict=True):
        assert attrs.get("type") == "application/json" or "__pwned" not in text
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    assert "<script>window.__pwned" not in web_page
    data = page_data(web_page)
    strings = _strings(data)
    # No string of the data can open a tag: everything from an article arrives escaped.
    assert not [s for s in strings if "<" in s or ">" in s]
    assert "Qasr &lt;b onmouseover=&quot;window.__pwned=4&quot;&gt;bin&lt;/b&gt; Ghashir" in strings
    assert (
        "&lt;script&gt;window.__pwned = 1&lt;/script&gt; &quot;Tarhuna fell&quot; &amp; more"
        in (strings)
    )
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;Evil Outlet" in strings
    # The javascript: url is no link at all; the other links are http(s).
    assert not [s for s in strings if "javascript:" in s]
    docs = data["src"]["docs"]
    urls = {data["src"]["text"][d[1]] for d in docs if d[1] >= 0}
    assert urls == {"https://example.org/a"}
    assert any(d[1] < 0 for d in docs)


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
        FakeHistory(),
        sides,
        start=START,
        end=END,
        offline=True,
        out_path=tmp_path / "o.html",
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
    assert "TimelineSliderControl" in js and "window.frontlineStart" in js
    assert '["District boundaries", geo_json_' in js  # in the layer menu; the land is not


def test_offline_without_vendor_is_a_clear_error(tmp_path: Path, sides: Sides) -> None:
    from geo.render import VendorError

    with pytest.raises(VendorError, match="make vendor") as err:
        render_map(
            FakeHistory(),
            sides,
            offline=True,
            out_path=tmp_path / "o.html",
            vendor_dir=tmp_path / "nothing",
        )
    # Outside a checkout the message names the command that installs them.
    assert "npm install --prefix" in str(err.value) and "leaflet@1.9.3" in str(err.value)


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

    data = build_data(WithOverride(hostile=False), sides, start=START, end=END)
    assert data.articles == len(articles)


def test_names_news_uses_replace_the_gazetteers(sides: Sides) -> None:
    data = build_data(FakeHistory(), sides, start=START, end=END, names={"tarhuna": "Tarhouna"})
    names = [p[0] for p in data.payload["places"]]
    assert "Tarhouna" in names and "Tarhuna" not in names


def test_labels_go_to_important_places_first(sides: Sides) -> None:
    weights = {"misrata": 1.0, "gharyan": 0.9}
    data = build_data(FakeHistory(), sides, start=START, end=END, importance=weights)
    ranked = sorted((p[4], p[0]) for p in data.payload["places"] if p[4] >= 0)
    assert [name for _, name in ranked[:2]] == ["Misrata", "Gharyan"]


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


class ClaimedHistory(FakeHistory):
    """Tarhuna claimed by the GNA on a wire story and its reprint, denied by the LNA."""

    def state(self, day: date) -> list[PlaceState]:
        from dataclasses import replace

        wire = ref("d1", "GNA forces took the town.")
        reprint = replace(ref("d2", "GNA forces took the town.", outlet="AFP"), group="d1")
        denial = replace(ref("d3", "The LNA denied losing it."), side="LNA", claimant="LNA")
        name, lat, lon = PLACES["tarhuna"]
        claimed = PlaceState(
            "tarhuna", name, lat, lon, "GNA", date(2020, 6, 5), date(2020, 6, 5), False,
            (wire, reprint), (denial,), status="claimed", confidence=0.42,
            first_data=date(2020, 6, 5),
        )  # fmt: skip
        return [claimed] if day >= date(2020, 6, 5) else []


def test_place_states_carry_status_confidence_and_source_groups(sides: Sides) -> None:
    data = build_data(ClaimedHistory(hostile=False), sides, start=START, end=END)
    (entry,) = places_by_name(data)["Tarhuna"][5]
    assert entry[7:] == ["claimed", 0.42]
    src = data.payload["src"]
    groups = {src["text"][src["refs"][r][5]] for r in src["lists"][entry[5]]}
    assert groups == {"d1"}  # the reprint is no independent source
    (denial,) = src["lists"][entry[6]]
    assert data.payload["sides"][src["refs"][denial][6]]["id"] == "LNA"  # the LNA's own word
