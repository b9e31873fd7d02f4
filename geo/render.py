"""The interactive map: control zones, the front line, places and events on a time slider.

:func:`render_map` writes one HTML page with folium. The page carries its data once
(:mod:`geo._render_layers`: each place with its timeline, each event, each piece of zone and
front geometry in one shared topology) and its own script (``geo/assets/map.js``) draws them
for the slider's date. The slider is leaflet.timeline's, stepping one day at a time;
``#date=YYYY-MM-DD`` in the page's address opens it at a date and follows the slider.

With ``offline=True`` the page is one self-contained file: Leaflet and leaflet.timeline are
inlined (from the copy packaged in the wheel, or ``vendor/node_modules`` in a checkout), there
is no tile layer (the theatre's land and boundary layers stand in for it) and nothing is
fetched.

Everything taken from an article is escaped before it reaches the page (see
:mod:`geo._render_html`). In the browser, ``window.frontline`` exposes the map, the slider,
the layers and ``setDate``, and ``window.frontlineMap`` the Leaflet map.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import CustomPane
from folium.template import Template
from shapely.geometry import mapping, shape

from geo._output import atomic_write_text
from geo._render_assets import (
    CDN_LEAFLET_CSS,
    CDN_LEAFLET_JS,
    CDN_TIMELINE_JS,
    VendorError,
    contested_marker_svg,
    event_glyphs,
    event_icon_html,
    hatch_defs,
    load_vendored,
    page_assets,
)
from geo._render_cache import PartsCache
from geo._render_html import KIND_LABELS, esc, fmt_day, safe_colour, side_label
from geo._render_layers import (
    ACTIVITY_KINDS,
    PAGE_GRID,
    HistoryLike,
    MapData,
    build_data,
    data_range,
    default_range,
)
from geo.sides import Sides
from geo.theatre import Theatre, load_theatre

__all__ = [
    "DEFAULT_TITLE",
    "HistoryLike",
    "MapData",
    "VendorError",
    "build_data",
    "build_map",
    "data_range",
    "default_range",
    "render_map",
    "write_embed_snippet",
]

log = logging.getLogger(__name__)

DEFAULT_TITLE = "Who controls what"

_LAYER_NAMES = {
    "zones": "Control zones",
    "front": "Front line",
    "places": "Places",
    "labels": "Place names",
    "changes": "Reported changes",
    "activity": "Activity (offensives, strikes)",
}

# (pane, z-index, takes pointer events): zones, the front line and places (one canvas) under
# names under events.
_PANES = (
    ("fl-zones", 410, True),
    ("fl-labels", 440, False),
    ("fl-events", 450, True),
)
_SIMPLIFY_STATIC = 0.002  # degrees: the land and boundary layers
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')


def _title_html(title: str, data: MapData) -> str:
    span = f"{fmt_day(data.start)} – {fmt_day(data.end)}"
    n = data.articles
    src = f"{n} article{'s' if n != 1 else ''}"
    return (
        f'<div class="fl-t1">{esc(title)}</div>'
        f'<div class="fl-date" id="fl-date" aria-live="polite">{esc(fmt_day(data.end))}</div>'
        f'<div class="fl-sub">Territorial control as reported in {esc(src)}, {esc(span)}. '
        "Move the slider (or its arrow keys) by day; click a marker for its sources.</div>"
    )


def _legend_html(sides: Sides, data: MapData) -> str:
    rows = ["<details><summary>Legend</summary>", '<div class="fl-lg-sec">Control</div>']
    for sid in data.sides_shown:
        if sid == "contested":
            rows.append(
                '<div class="fl-row"><svg width="18" height="12" aria-hidden="true"><rect '
                'width="18" height="12" fill="url(#fl-hatch)" stroke="#555"/></svg>Contested</div>'
            )
        elif sid in sides.ids:
            colour = safe_colour(sides.colour(sid))
            rows.append(
                f'<div class="fl-row"><span class="fl-sw" style="background:{colour};'
                f'opacity:.6"></span>{esc(side_label(sides, sid))}'
                f' <span style="color:#555">— {esc(sides.get(sid).name)}</span></div>'
            )
    rows.append('<div class="fl-row"><span class="fl-line"></span>Front line</div>')
    rows.append('<div class="fl-lg-sec">Places</div>')
    main = [s for s in data.sides_shown if s in sides.ids][:2] or list(sides.ids[:1])
    dots = "".join(
        f'<span class="fl-dot" style="background:{safe_colour(sides.colour(s))}"></span>'
        for s in main
    )
    rows.append(f'<div class="fl-row">{dots}Held by a side</div>')
    rows.append(f'<div class="fl-row">{contested_marker_svg(14)}Contested</div>')
    rows.append(
        '<div class="fl-row"><span class="fl-dot" style="background:#999;opacity:.6;'
        'border:1.5px dashed #555"></span>No recent report</div>'
    )
    changes = [k for k in KIND_LABELS if k in data.kinds_shown and k not in ACTIVITY_KINDS]
    activity = [k for k in KIND_LABELS if k in data.kinds_shown and k in ACTIVITY_KINDS]
    for head, kinds in (("Reported changes", changes), ("Activity (layer menu)", activity)):
        if kinds:
            rows.append(f'<div class="fl-lg-sec">{esc(head)}</div>')
            rows.extend(
                f'<div class="fl-row">{event_icon_html(k, "#444")}{esc(KIND_LABELS[k])}</div>'
                for k in kinds
            )
    rows.append("</details>")
    return "".join(rows)


class _Page(MacroElement):
    """The page's data and the call that starts its script (``geo/assets/map.js``)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.frontlineStart({{ this._parent.get_name() }}, "fl-data", {
  title: {{ this.title_html|tojson }},
  legend: {{ this.legend_html|tojson }},
  attribution: {{ this.attribution|tojson }},
  glyphs: {{ this.glyphs|tojson }},
  names: {{ this.names|tojson }},
  bounds: {{ this.bounds|tojson }},
  hatch: {{ this.hatch|tojson }},
  statics: [
    {%- for name, layer in this.statics %}
    [{{ name|tojson }}, {{ layer.get_name() }}],
    {%- endfor %}
  ]
});
{% endmacro %}
"""
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FrontlinePage"
        for key, value in kwargs.items():
            setattr(self, key, value)


def _static_layer(path: Path, name: str, style: dict[str, Any], *, control: bool) -> Any:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    features = []
    for feat in raw.get("features", []):
        geom = shape(feat["geometry"]).simplify(_SIMPLIFY_STATIC, preserve_topology=True)
        if not geom.is_empty:
            features.append({"type": "Feature", "properties": {}, "geometry": mapping(geom)})
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        control=control,
        interactive=False,
        style_function=lambda _: style,
    )


def _deterministic_names(root: Any) -> None:
    """Replace folium's random element ids with sequential ones: the same input, the same page."""
    counter = itertools.count()
    stack = [root]
    while stack:
        el = stack.pop(0)
        el._id = f"{next(counter):04d}"
        stack.extend(el._children.values())


def _libraries(fmap: folium.Map, figure: Figure, offline: bool, vendor_dir: Any) -> None:
    if offline:
        vend = load_vendored(vendor_dir)
        fmap.default_js, fmap.default_css = [], []
        html = (
            f"<style>{vend.leaflet_css}</style>\n<script>{vend.leaflet_js}</script>\n"
            f"<script>{vend.timeline_js}</script>"
        )
    else:
        fmap.default_js = [("leaflet", CDN_LEAFLET_JS)]
        fmap.default_css = [("leaflet_css", CDN_LEAFLET_CSS)]
        html = f'<script src="{CDN_TIMELINE_JS}"></script>'
        folium.TileLayer("OpenStreetMap", name="Base map", control=False).add_to(fmap)
    js, css = page_assets()
    figure.header.add_child(
        Element(f"{html}\n<style>{css}</style>\n<script>{js}</script>"), name="fl_assets"
    )


def build_map(
    data: MapData,
    sides: Sides,
    *,
    title: str = DEFAULT_TITLE,
    offline: bool = False,
    vendor_dir: Path | str | None = None,
    theatre: Theatre | None = None,
) -> folium.Map:
    """Assemble the folium map of encoded data (see :func:`render_map`).

    Raises
    ------
    VendorError
        With ``offline=True`` when the browser libraries are not installed.
    """
    theatre = theatre or load_theatre()
    fmap = folium.Map(
        location=None,
        tiles=None,
        width="100%",
        height="100%",
        zoom_control=False,
        zoom_snap=0.25,
        min_zoom=3,
        max_zoom=13,
        control_scale=False,
        prefer_canvas=True,
    )
    figure = fmap.get_root()
    assert isinstance(figure, Figure)
    figure.title = esc(title)  # branca puts it into <title> unescaped
    _libraries(fmap, figure, offline, vendor_dir)
    a, b = (safe_colour(sides.colour(s)) for s in [*sides.ids, "", ""][:2])
    figure.html.add_child(Element(hatch_defs(a, b)), name="fl_defs")
    payload = json.dumps(data.payload, ensure_ascii=False, separators=(",", ":"))
    figure.html.add_child(
        Element(
            '<script type="application/json" id="fl-data">'
            + payload.replace("<", "\\u003c")
            + "</script>"
        ),
        name="fl_data",
    )
    statics = []
    if offline and theatre.land_path is not None:
        land_style = {"fillColor": "#fbfaf6", "fillOpacity": 1, "color": "#8f8f8f", "weight": 1.2}
        _static_layer(theatre.land_path, "Land", land_style, control=False).add_to(fmap)
    if theatre.boundary_path is not None:
        style = {"fill": False, "color": "#9c9c9c", "weight": 0.8, "dashArray": "3 3"}
        layer = _static_layer(theatre.boundary_path, "District boundaries", style, control=False)
        layer.add_to(fmap)
        statics.append(("District boundaries", layer))
    for pane, z, events in _PANES:
        CustomPane(pane, z_index=z, pointer_events=events).add_to(fmap)
    (south, west), (north, east) = theatre.view_bounds
    _Page(
        title_html=_title_html(title, data),
        legend_html=_legend_html(sides, data),
        attribution=theatre.attribution_html,
        glyphs=event_glyphs(),
        names=_LAYER_NAMES,
        bounds=[[south, west], [north, east]],
        hatch=[a, b],
        statics=statics,
    ).add_to(fmap)
    _deterministic_names(figure)
    return fmap


def _finish(html: str) -> str:
    """The page's language, and zoom left to the reader (folium's viewport forbids it)."""
    html = html.replace("<html>", '<html lang="en">', 1)
    return _VIEWPORT.sub(
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />', html, count=1
    )


def render_map(
    history: HistoryLike,
    sides: Sides,
    *,
    start: date | None = None,
    end: date | None = None,
    title: str = DEFAULT_TITLE,
    offline: bool = False,
    out_path: Path | str | None = None,
    vendor_dir: Path | str | None = None,
    event_days: int = 7,
    theatre: Theatre | None = None,
    names: Mapping[str, str] | None = None,
    importance: Mapping[str, float] | None = None,
    cache: Path | str | None = None,
) -> Path:
    """Write the interactive map of a control history to one HTML page.

    Parameters
    ----------
    history
        The control history (:class:`geo.control.ControlHistory` or anything with its methods).
    sides
        Side names and colours.
    start, end
        The dates the slider spans (default: the evidence, see :func:`data_range`).
    title
        Page and map title.
    offline
        Write one self-contained file: libraries inlined, no tiles, no network request.
    out_path
        Where to write the page, atomically (parent folders are created); by default
        ``maps/<default_map>.html`` of the theatre.
    vendor_dir
        A ``node_modules`` folder with Leaflet and leaflet.timeline (found automatically).
    event_days
        How long an event marker stays on the map after its date.
    theatre
        The land, boundaries, credits and fallback view to draw (the default theatre's).
    names
        The name to show per place id (the one news uses) instead of the gazetteer's.
    importance
        A 0-1 weight per place id: important places get their labels first.
    cache
        A file keeping the zones' pieces between builds (:mod:`geo._render_cache`): a rebuild
        after new articles computes only the periods that changed. The page is the same.

    Returns
    -------
    Path
        The page written.

    Raises
    ------
    VendorError
        With ``offline=True`` when the browser libraries are not installed.
    ValueError
        When ``end`` is before ``start``.
    OutputError
        When ``out_path`` is a frontline store or cannot be written; an old page stays intact.
    """
    theatre = theatre or load_theatre()
    first, last = data_range(history)
    start = start or first
    end = end or max(last, start)
    with PartsCache(cache, grid=PAGE_GRID) if cache is not None else nullcontext() as parts:
        data = build_data(
            history,
            sides,
            start=start,
            end=end,
            event_days=event_days,
            names=names,
            importance=importance,
            first_data=first,
            cache=parts,
        )
    fmap = build_map(
        data, sides, title=title, offline=offline, vendor_dir=vendor_dir, theatre=theatre
    )
    out = Path(out_path or Path("maps") / f"{theatre.default_map}.html")
    html = _finish(fmap.get_root().render())
    atomic_write_text(out, html)  # a reader never sees half a page; the store is refused
    log.info("wrote %s (%d kB, %s)", out, len(html.encode()) // 1024, "offline" * offline or "web")
    return out


def write_embed_snippet(
    html_path: Path | str,
    *,
    out_path: Path | str | None = None,
    src: str | None = None,
    title: str = DEFAULT_TITLE,
) -> Path:
    """Write a responsive iframe snippet that embeds the map page.

    Parameters
    ----------
    html_path
        The map page.
    out_path
        The snippet file (default: next to the page, ``<name>.embed.html``).
    src
        The iframe's address (default: the page's file name, i.e. served side by side); a
        ``#date=YYYY-MM-DD`` suffix opens it at a date.
    title
        The iframe's accessible title.

    Returns
    -------
    Path
        The snippet written.
    """
    page = Path(html_path)
    out = Path(out_path) if out_path is not None else page.with_suffix(".embed.html")
    ref = esc(src if src is not None else page.name)
    snippet = (
        '<div style="position:relative;width:100%;aspect-ratio:16/10;min-height:320px">\n'
        f'  <iframe src="{ref}" title="{esc(title)}" loading="lazy" allowfullscreen\n'
        '    style="position:absolute;top:0;left:0;width:100%;height:100%;border:0"></iframe>\n'
        "</div>\n"
    )
    atomic_write_text(out, snippet)
    return out
