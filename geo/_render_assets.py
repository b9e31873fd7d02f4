"""Static assets of the map page: vendored JS/CSS for the offline page, icons, CSS and scripts.

Third-party code is never kept in the repository: the offline page reads Leaflet and
leaflet.timeline from the npm packages that ``make vendor`` installs into
``vendor/node_modules`` and inlines them. Everything else here is our own code.
"""

from __future__ import annotations

import base64
import json
import logging
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from geo.exceptions import VendorError

__all__ = [
    "CDN_LEAFLET_CSS",
    "CDN_LEAFLET_JS",
    "CDN_TIMELINE_JS",
    "EVENT_ICONS",
    "PAGE_CSS",
    "VendorError",
    "Vendored",
    "contested_marker_svg",
    "event_icon_html",
    "find_vendor",
    "hatch_defs",
    "load_vendored",
]

log = logging.getLogger(__name__)

# The versions folium 0.20 pins, and package.json installs for the offline page.
CDN_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
CDN_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
CDN_TIMELINE_JS = "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js"

_VENDOR_FILES = {
    "leaflet_js": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "timeline_js": "leaflet.timeline/dist/leaflet.timeline.js",
}


@dataclass(frozen=True, slots=True)
class Vendored:
    """The browser libraries, as text ready to inline."""

    leaflet_js: str
    leaflet_css: str
    timeline_js: str
    versions: dict[str, str]


def find_vendor(override: Path | str | None = None) -> Path:
    """The ``node_modules`` folder holding the vendored libraries.

    ``override`` when given, else ``$FRONTLINE_VENDOR`` when set, else ``vendor/node_modules``
    in the working directory or in the checkout this module lives in.

    Raises
    ------
    VendorError
        When none holds Leaflet and leaflet.timeline (run ``make vendor``).
    """
    if override is not None:
        candidates = [Path(override)]
    elif os.environ.get("FRONTLINE_VENDOR"):
        candidates = [Path(os.environ["FRONTLINE_VENDOR"])]
    else:
        candidates = [
            Path.cwd() / "vendor" / "node_modules",
            Path(__file__).resolve().parent.parent / "vendor" / "node_modules",
        ]
    for cand in candidates:
        if all((cand / rel).is_file() for rel in _VENDOR_FILES.values()):
            return cand
    tried = ", ".join(str(c) for c in candidates)
    raise VendorError(
        f"the offline map needs Leaflet and leaflet.timeline from npm; run `make vendor` "
        f"(looked in {tried})"
    )


def _script_safe(js: str) -> str:
    # Inline <script> ends at the first "</script"; the libraries never need that sequence.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _inline_css_urls(css: str, base: Path) -> str:
    """Replace relative ``url(...)`` references with data: URIs of the files they name."""

    def repl(m: re.Match[str]) -> str:
        ref = m.group(2)
        if ref.startswith(("data:", "#", "http:", "https:")):
            return m.group(0)
        path = (base / ref).resolve()
        if not path.is_file():
            log.warning("vendored CSS references missing %s; left out", path)
            return "url(data:,)"
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{data})"

    return re.sub(r"url\((['\"]?)([^'\")]+)\1\)", repl, css)


def _version(pkg_dir: Path) -> str:
    try:
        return str(json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def load_vendored(vendor_dir: Path | str | None = None) -> Vendored:
    """Read the vendored libraries, with the images of Leaflet's CSS inlined.

    Raises
    ------
    VendorError
        When the libraries are not installed.
    """
    root = find_vendor(vendor_dir)
    css_path = root / _VENDOR_FILES["leaflet_css"]
    versions = {name: _version(root / name) for name in ("leaflet", "leaflet.timeline")}
    log.debug("inlining vendored libraries from %s: %s", root, versions)
    return Vendored(
        leaflet_js=_script_safe((root / _VENDOR_FILES["leaflet_js"]).read_text(encoding="utf-8")),
        leaflet_css=_inline_css_urls(css_path.read_text(encoding="utf-8"), css_path.parent),
        timeline_js=_script_safe((root / _VENDOR_FILES["timeline_js"]).read_text(encoding="utf-8")),
        versions=versions,
    )


# -- icons ---------------------------------------------------------------------------------
# 16x16 glyphs drawn in white on a disc of the side's colour. Our own drawings.
EVENT_ICONS: dict[str, str] = {
    # a flag planted
    "capture": '<path d="M4 1.5h1.6V15H4z"/><path d="M5.6 2.2h7.6l-2 3.3 2 3.3H5.6z"/>',
    # an arrow pulling back
    "withdraw": '<path d="M7.5 3 2 8l5.5 5V9.7H14V6.3H7.5z"/>',
    # crossed blades
    "contested": (
        '<path d="M3 3l10 10M13 3 3 13" stroke="#fff" stroke-width="2.6" '
        'stroke-linecap="round" fill="none"/>'
    ),
    # a speech bubble
    "control_claim": '<path d="M2 2.5h12v8.5H7.2L4 14.2V11H2z"/>',
    # a double chevron: advance
    "offensive": '<path d="M1.5 3 7.5 8l-6 5zM8 3l6 5-6 5z"/>',
    # a burst
    "strike": (
        '<path d="M8 .8l1.7 4.3 4.5-1.4-2.6 3.9 3.9 2.6-4.6.4.4 4.6-3.3-3.3-3.3 3.3.4-4.6'
        '-4.6-.4 3.9-2.6-2.6-3.9 4.5 1.4z"/>'
    ),
    # a pencil: an analyst's correction
    "override": '<path d="M11 1.8l3.2 3.2-8.4 8.4H2.6v-3.2z"/>',
}


def event_icon_html(kind: str, colour: str) -> str:
    """The marker of one event kind in one (validated) colour, for the legend."""
    glyph = EVENT_ICONS.get(kind, EVENT_ICONS["control_claim"])
    return (
        f'<span class="fl-ev fl-ev-{kind}" style="background:{colour}">'
        f'<svg viewBox="0 0 16 16" width="12" height="12" fill="#fff">{glyph}</svg></span>'
    )


def contested_marker_svg(size: int = 16) -> str:
    """A disc striped in the two sides' colours (pattern from :func:`hatch_defs`)."""
    r = size / 2 - 1.5
    c = size / 2
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f'<circle cx="{c}" cy="{c}" r="{r}" fill="url(#fl-hatch)" stroke="#222" '
        'stroke-width="1.5"/></svg>'
    )


def hatch_defs(colour_a: str, colour_b: str) -> str:
    """A hidden SVG defining ``#fl-hatch``: diagonal stripes of two (validated) colours."""
    return (
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false">'
        '<defs><pattern id="fl-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)">'
        f'<rect width="4" height="8" fill="{colour_a}"/>'
        f'<rect x="4" width="4" height="8" fill="{colour_b}"/>'
        "</pattern></defs></svg>"
    )


# -- page style -----------------------------------------------------------------------------
PAGE_CSS = """
.folium-map.leaflet-container { background: #e3e4df; font: 13px/1.35 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.leaflet-tile-pane { filter: grayscale(1) contrast(.85) brightness(1.08); }
.leaflet-fl-front-pane { filter: drop-shadow(0 0 1.5px #fff) drop-shadow(0 0 1px #fff); }
.fl-box { background: rgba(255,255,255,.94); border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.3); padding: 8px 12px; color: #1b1b1b; }
.fl-title { max-width: 330px; }
.fl-title .fl-t1 { font-size: 15px; font-weight: 700; letter-spacing: .01em; }
.fl-title .fl-date { font-size: 30px; font-weight: 800; line-height: 1.1; margin: 2px 0 1px;
  font-variant-numeric: tabular-nums; }
.fl-title .fl-sub { font-size: 12px; color: #555; }
.fl-legend { max-width: 230px; font-size: 12px; }
.fl-legend summary { font-weight: 700; cursor: pointer; font-size: 13px; }
.fl-legend .fl-lg-sec { margin: 6px 0 2px; font-weight: 600; color: #444; font-size: 11px;
  text-transform: uppercase; letter-spacing: .05em; }
.fl-legend .fl-row { display: flex; align-items: center; gap: 7px; margin: 2px 0; }
.fl-sw { display: inline-block; width: 18px; height: 12px; border-radius: 2px; flex: none;
  border: 1px solid rgba(0,0,0,.25); }
.fl-line { display: inline-block; width: 18px; height: 0; border-top: 4px solid #1a1a1a;
  flex: none; }
.fl-dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%; flex: none;
  border: 1.5px solid #fff; box-shadow: 0 0 0 1px rgba(0,0,0,.35); }
.fl-ev { display: inline-flex; align-items: center; justify-content: center; width: 20px;
  height: 20px; border-radius: 50%; border: 2px solid #fff; box-shadow: 0 1px 3px rgba(0,0,0,.45);
  box-sizing: border-box; flex: none; }
.fl-ev.fl-ev-small { width: 16px; height: 16px; border-width: 1.5px; opacity: .9; }
.fl-ev-marker { background: none; border: none; }
.fl-far .fl-ev.fl-ev-small { width: 9px; height: 9px; border-width: 1px; margin: 3px; }
.fl-far .fl-ev.fl-ev-small svg { display: none; }
.fl-contested-marker { background: none; border: none; }
.fl-label-icon { background: none; border: none; }
.fl-label { display: inline-block; white-space: nowrap; font-size: 12px; font-weight: 600;
  color: #222;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }
.fl-pop { font-size: 13px; max-width: 320px; overflow-wrap: anywhere; }
.fl-pop .fl-place { font-size: 16px; font-weight: 700; margin-bottom: 3px; }
.fl-pop .fl-head { margin: 2px 0 4px; }
.fl-pop .fl-meta { color: #333; }
.fl-pop .fl-prec { color: #777; }
.fl-pop .fl-note { color: #8a5a00; font-size: 12px; margin-top: 3px; }
.fl-pop .fl-sec { margin-top: 8px; font-weight: 600; font-size: 11px; text-transform: uppercase;
  letter-spacing: .05em; color: #555; }
.fl-pop ol.fl-sources { margin: 3px 0 0; padding-left: 18px; max-height: 180px; overflow-y: auto; }
.fl-pop ol.fl-sources li { margin-bottom: 5px; }
.fl-pop q { font-style: italic; display: block; }
.fl-pop .fl-src { color: #555; font-size: 12px; }
.fl-badge { display: inline-block; color: #fff; border-radius: 3px; padding: 0 5px;
  font-weight: 700; font-size: 12px; }
.fl-badge-contested { background: repeating-linear-gradient(45deg, #555 0 4px, #999 4px 8px); }
.fl-badge-unknown { background: #888; }
.leaflet-control.leaflet-timeline-control { width: calc(100% - 24px); box-sizing: border-box;
  margin: 0 12px 22px; padding: 6px 10px; border-radius: 6px; border: none;
  box-shadow: 0 1px 5px rgba(0,0,0,.3); background: rgba(255,255,255,.94);
  display: flex; align-items: center; gap: 10px; }
.leaflet-control.leaflet-timeline-control .sldr-ctrl-container { float: none; width: auto;
  display: flex; align-items: center; flex: none; }
.leaflet-control.leaflet-timeline-control .button-container { display: flex; gap: 3px; }
.leaflet-control.leaflet-timeline-control .button-container button { width: 30px; height: 26px;
  border: 1px solid #bbb; border-radius: 4px; background: #f6f6f6; cursor: pointer; }
.leaflet-control.leaflet-timeline-control output.time-text { display: none; }
.leaflet-control.leaflet-timeline-control input[type="range"] { flex: 1; width: auto;
  min-width: 80px; accent-color: #333; cursor: pointer; }
.leaflet-control.leaflet-timeline-control .fl-range { font-size: 11px; color: #555; flex: none;
  white-space: nowrap; }
.leaflet-bottom.leaflet-left .fl-title { margin-bottom: 8px; }
.leaflet-bottom.leaflet-right .fl-legend { margin-bottom: 74px; }
.leaflet-control-attribution { font-size: 10px; }
@media (max-height: 650px), (max-width: 900px) {
  .fl-title .fl-sub { display: none; }
  .fl-title .fl-date { font-size: 24px; }
}
@media (max-width: 640px) {
  .fl-title .fl-date { font-size: 22px; }
  .fl-title .fl-sub { display: none; }
  .fl-title { max-width: 210px; }
  .leaflet-control.leaflet-timeline-control .fl-range { display: none; }
  .leaflet-bottom.leaflet-right .fl-legend { margin-bottom: 120px; }
}
"""
