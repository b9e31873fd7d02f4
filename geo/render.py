"""The interactive map: control zones, the front line, places and events on a time slider.

:func:`render_map` writes one HTML page with folium. The slider (leaflet.timeline) steps through
the change dates of the history; ``#date=YYYY-MM-DD`` in the page's address opens it at a date
and follows the slider. With ``offline=True`` the page is one self-contained file: Leaflet and
leaflet.timeline are inlined from ``vendor/node_modules`` (``make vendor``), there is no tile
layer (the land and district layers of ``data/`` stand in for it) and nothing is fetched.

Everything taken from an article is escaped before it reaches the page (see
:mod:`geo._render_html`). In the browser, ``window.frontline`` exposes the map, the slider and
the layers, and ``window.frontlineMap`` the Leaflet map.
"""

from __future__ import annotations

import itertools
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure
from folium.map import CustomPane
from folium.plugins import Timeline, TimelineSlider

from geo._output import atomic_write_text
from geo._render_assets import (
    CDN_LEAFLET_CSS,
    CDN_LEAFLET_JS,
    CDN_TIMELINE_JS,
    PAGE_CSS,
    VendorError,
    contested_marker_svg,
    event_icon_html,
    hatch_defs,
    load_vendored,
)
from geo._render_html import KIND_LABELS, esc, fmt_day, safe_colour, side_label
from geo._render_js import (
    BIND,
    FORMAT_DATE,
    FRONT_STYLE,
    LABEL_POINT,
    ZONE_STYLE,
    Controller,
    event_point,
    place_point,
)
from geo._render_layers import (
    HistoryLike,
    MapLayers,
    build_layers,
    default_range,
    simplified_geojson,
)
from geo.sides import Sides
from geo.theatre import Theatre, load_theatre

__all__ = [
    "DEFAULT_TITLE",
    "HistoryLike",
    "MapLayers",
    "VendorError",
    "build_layers",
    "build_map",
    "render_map",
    "write_embed_snippet",
]

log = logging.getLogger(__name__)

DEFAULT_TITLE = "Who controls what"

# (pane, z-index, takes pointer events): zones under the front line under places under events.
_PANES = (
    ("fl-zones", 410, False),
    ("fl-front", 420, False),
    ("fl-places", 430, True),
    ("fl-labels", 440, False),
    ("fl-events", 450, True),
)


def _title_html(title: str, layers: MapLayers) -> str:
    span = f"{fmt_day(layers.start)} – {fmt_day(layers.end)}"
    n = layers.articles
    src = f"{n} article{'s' if n != 1 else ''}"
    return (
        f'<div class="fl-t1">{esc(title)}</div>'
        f'<div class="fl-date" id="fl-date">{esc(fmt_day(layers.end))}</div>'
        f'<div class="fl-sub">Territorial control as reported in {esc(src)}, {esc(span)}. '
        "Drag the slider; click a marker for its sources.</div>"
    )


def _legend_html(sides: Sides, layers: MapLayers) -> str:
    rows = ["<details open><summary>Legend</summary>", '<div class="fl-lg-sec">Control</div>']
    for sid in layers.sides_shown:
        if sid == "contested":
            rows.append(
                '<div class="fl-row"><svg width="18" height="12"><rect width="18" height="12" '
                'fill="url(#fl-hatch)" stroke="#555"/></svg>Contested</div>'
            )
        elif sid != "unknown":
            colour = safe_colour(sides.colour(sid))
            name = sides.get(sid).name if sid in sides.ids else sid
            rows.append(
                f'<div class="fl-row"><span class="fl-sw" style="background:{colour};'
                f'opacity:.75"></span>{esc(side_label(sides, sid))}'
                f' <span style="color:#666">— {esc(name)}</span></div>'
            )
    rows.append('<div class="fl-row"><span class="fl-line"></span>Front line</div>')
    rows.append('<div class="fl-lg-sec">Places</div>')
    main = [s for s in layers.sides_shown if s in sides.ids][:2] or list(sides.ids[:1])
    dots = "".join(
        f'<span class="fl-dot" style="background:{safe_colour(sides.colour(s))}"></span>'
        for s in main
    )
    rows.append(f'<div class="fl-row">{dots}Held by side</div>')
    rows.append(f'<div class="fl-row">{contested_marker_svg(14)}Contested</div>')
    rows.append(
        '<div class="fl-row"><span class="fl-dot" style="background:#999;opacity:.6;'
        'border:1.5px dashed #555"></span>No recent report</div>'
    )
    if layers.kinds_shown:
        rows.append('<div class="fl-lg-sec">Recent reports</div>')
        for kind in [k for k in KIND_LABELS if k in layers.kinds_shown]:
            rows.append(
                f'<div class="fl-row">{event_icon_html(kind, "#444")}{esc(KIND_LABELS[kind])}</div>'
            )
    rows.append("</details>")
    return "".join(rows)


def _header(figure: Figure, html: str, name: str) -> None:
    figure.header.add_child(Element(html), name=name)


def _deterministic_names(root: Any) -> None:
    """Replace folium's random element ids with sequential ones: the same input, the same page."""
    counter = itertools.count()
    stack = [root]
    while stack:
        el = stack.pop(0)
        el._id = f"{next(counter):04d}"
        stack.extend(el._children.values())


def build_map(
    layers: MapLayers,
    sides: Sides,
    *,
    title: str = DEFAULT_TITLE,
    offline: bool = False,
    vendor_dir: Path | str | None = None,
    theatre: Theatre | None = None,
) -> folium.Map:
    """Assemble the folium map of precomputed layers (see :func:`render_map`).

    Raises
    ------
    VendorError
        With ``offline=True`` when the vendored libraries are not installed.
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
    )
    figure = fmap.get_root()
    assert isinstance(figure, Figure)
    figure.title = esc(title)  # branca puts it into <title> unescaped
    timeline_js: list[tuple[str, str]] = []
    if offline:
        vend = load_vendored(vendor_dir)
        fmap.default_js, fmap.default_css = [], []
        _header(
            figure,
            f"<style>{vend.leaflet_css}</style>\n<script>{vend.leaflet_js}</script>\n"
            f"<script>{vend.timeline_js}</script>",
            "fl_vendor",
        )
    else:
        fmap.default_js = [("leaflet", CDN_LEAFLET_JS)]
        fmap.default_css = [("leaflet_css", CDN_LEAFLET_CSS)]
        timeline_js = [("timeline", CDN_TIMELINE_JS)]
        folium.TileLayer("OpenStreetMap", name="Base map", control=False).add_to(fmap)
    _header(figure, f"<style>{PAGE_CSS}</style>", "fl_css")
    a, b = (safe_colour(sides.colour(s)) for s in [*sides.ids, "", ""][:2])
    figure.html.add_child(Element(hatch_defs(a, b)), name="fl_defs")

    if offline and theatre.land_path is not None:
        land = json.loads(theatre.land_path.read_text(encoding="utf-8"))
        folium.GeoJson(
            simplified_geojson(land),
            name="Land",
            control=False,
            interactive=False,
            style_function=lambda _: {
                "fillColor": "#fbfaf6",
                "fillOpacity": 1,
                "color": "#8f8f8f",
                "weight": 1.2,
            },
        ).add_to(fmap)
    if theatre.boundary_path is not None:
        adm1 = json.loads(theatre.boundary_path.read_text(encoding="utf-8"))
        folium.GeoJson(
            simplified_geojson(adm1),
            name="District boundaries",
            interactive=False,
            style_function=lambda _: {
                "fill": False,
                "color": "#9c9c9c",
                "weight": 0.8,
                "dashArray": "3 3",
            },
        ).add_to(fmap)
    for pane, z, events in _PANES:
        CustomPane(pane, z_index=z, pointer_events=events).add_to(fmap)

    specs: list[tuple[str, str, list[dict[str, Any]], dict[str, Any]]] = [
        ("zones", "Control zones", layers.zones, {"style": ZONE_STYLE, "pane": "fl-zones"}),
        ("front", "Front line", layers.front, {"style": FRONT_STYLE, "pane": "fl-front"}),
        (
            "places",
            "Places",
            layers.places,
            {"point_to_layer": place_point(contested_marker_svg()), "on_each_feature": BIND},
        ),
        (
            "events",
            "Reported events",
            layers.events,
            {"point_to_layer": event_point(), "on_each_feature": BIND},
        ),
    ]
    timelines: dict[str, Timeline] = {}
    for key, name, feats, opts in specs:
        interactive = key in ("places", "events")
        tl = Timeline(MapLayers.collection(feats), interactive=interactive, **opts)
        tl.layer_name = name
        tl.default_js = timeline_js
        tl.add_to(fmap)
        timelines[key] = tl
    labels = None
    if layers.labels:
        labels = folium.GeoJson(
            MapLayers.collection(layers.labels), name="Place names", point_to_layer=LABEL_POINT
        )
        labels.add_to(fmap)

    days = max((layers.end - layers.start).days, 1)
    slider = TimelineSlider(
        auto_play=False,
        show_ticks=True,
        enable_playback=True,
        enable_keyboard_controls=False,
        steps=days,
        playback_duration=min(60_000, 400 * days),
    )
    slider_options: dict[str, Any] = slider.options
    slider_options["format_output"] = FORMAT_DATE
    slider.default_js = timeline_js
    slider.add_timelines(*timelines.values())  # type: ignore[no-untyped-call]
    slider.add_to(fmap)
    Controller(
        slider=slider,
        timelines=timelines,
        start=layers.start,
        end=layers.end,
        title_html=_title_html(title, layers),
        legend_html=_legend_html(sides, layers),
        labels=labels,
        attribution=theatre.attribution_html,
    ).add_to(fmap)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    (south, west), (north, east) = sides.theatre.bounds
    # Room for the slider and the title box at the bottom.
    fmap.fit_bounds(
        [[south, west], [north, east]], padding_top_left=(10, 10), padding_bottom_right=(10, 70)
    )
    _deterministic_names(figure)
    return fmap


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
) -> Path:
    """Write the interactive map of a control history to one HTML page.

    Parameters
    ----------
    history
        The control history (:class:`geo.control.ControlHistory` or anything with its methods).
    sides
        Side names and colours, and the theatre bounds the map opens on.
    start, end
        The dates the slider spans (default: the first and last change).
    title
        Page and map title.
    offline
        Write one self-contained file: libraries inlined, no tiles, no network request.
    out_path
        Where to write the page (parent folders are created); by default
        ``maps/<default_map>.html`` of the theatre.
    vendor_dir
        The ``node_modules`` folder of ``make vendor`` (found automatically by default).
    event_days
        How long an event marker stays on the map after its date.
    theatre
        The land, boundaries and attribution to draw (the default theatre by default).

    Returns
    -------
    Path
        The page written.

    Raises
    ------
    VendorError
        With ``offline=True`` when the vendored libraries are not installed.
    ValueError
        When ``end`` is before ``start``.
    OutputError
        When ``out_path`` is a frontline store or cannot be written; an old page stays intact.
    """
    lo, hi = default_range(history)
    start = start or lo
    end = end or max(hi, start)
    layers = build_layers(history, sides, start=start, end=end, event_days=event_days)
    theatre = theatre or load_theatre()
    out_path = out_path or Path("maps") / f"{theatre.default_map}.html"
    fmap = build_map(
        layers, sides, title=title, offline=offline, vendor_dir=vendor_dir, theatre=theatre
    )
    out = Path(out_path)
    html = fmap.get_root().render()
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
