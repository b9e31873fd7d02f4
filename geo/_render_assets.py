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
from importlib import resources
from pathlib import Path

from geo.exceptions import VendorError

__all__ = [
    "CDN_LEAFLET_CSS",
    "CDN_LEAFLET_JS",
    "CDN_TIMELINE_JS",
    "EVENT_ICONS",
    "VendorError",
    "Vendored",
    "contested_marker_svg",
    "event_icon_html",
    "find_vendor",
    "hatch_defs",
    "load_vendored",
    "page_assets",
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


# -- the page's own script and style ----------------------------------------------------------
def page_assets() -> tuple[str, str]:
    """The page's script and style sheet (``geo/assets/map.js`` and ``map.css``), as text."""
    base = resources.files("geo") / "assets"
    js = (base / "map.js").read_text(encoding="utf-8")
    css = (base / "map.css").read_text(encoding="utf-8")
    return _script_safe(js), css
