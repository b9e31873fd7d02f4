"""Static assets of the map page: vendored JS/CSS for the offline page, icons, CSS and scripts.

Third-party code is never kept in the repository: the offline page inlines Leaflet and
leaflet.timeline from the npm packages, which a wheel carries in ``geo/_vendor`` (copied there
by ``setup.py`` when the wheel is built), ``make vendor`` installs into ``vendor/node_modules``
of a checkout, and :func:`install_command` into the user's cache. Everything else here is our
own code.
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
    "LEAFLET_VERSION",
    "TIMELINE_VERSION",
    "VendorError",
    "Vendored",
    "contested_marker_svg",
    "event_glyphs",
    "event_icon_html",
    "find_vendor",
    "hatch_defs",
    "install_command",
    "load_vendored",
    "page_assets",
    "user_cache_dir",
]

log = logging.getLogger(__name__)

# The versions folium 0.20 pins; package.json installs the same for the offline page.
LEAFLET_VERSION = "1.9.3"
TIMELINE_VERSION = "1.6.0"
CDN_LEAFLET_JS = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
CDN_LEAFLET_CSS = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"
CDN_TIMELINE_JS = (
    f"https://cdn.jsdelivr.net/npm/leaflet.timeline@{TIMELINE_VERSION}/dist/leaflet.timeline.min.js"
)

_VENDOR_FILES = {
    "leaflet_js": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "timeline_js": "leaflet.timeline/dist/leaflet.timeline.js",
}


def user_cache_dir() -> Path:
    """frontline's folder in the user's cache (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "frontline"


def user_vendor_dir() -> Path:
    """Where the command in :class:`VendorError`'s message installs the libraries."""
    return user_cache_dir() / "vendor"


def install_command() -> str:
    """The shell command that installs the libraries for the offline map."""
    return (
        f"npm install --prefix {user_vendor_dir()} "
        f"leaflet@{LEAFLET_VERSION} leaflet.timeline@{TIMELINE_VERSION}"
    )


@dataclass(frozen=True, slots=True)
class Vendored:
    """The browser libraries, as text ready to inline."""

    leaflet_js: str
    leaflet_css: str
    timeline_js: str
    versions: dict[str, str]


def find_vendor(override: Path | str | None = None) -> Path:
    """The folder holding the browser libraries, laid out as ``node_modules``.

    ``override`` when given, else ``$FRONTLINE_VENDOR`` when set, else the first that has
    them of: the copy inside the installed package (wheels carry one), the user's cache
    (:func:`install_command` fills it) and ``vendor/node_modules`` of the checkout this module
    lives in (``make vendor``).

    Raises
    ------
    VendorError
        When none holds Leaflet and leaflet.timeline; the message names the command that
        installs them.
    """
    if override is not None:
        candidates = [Path(override)]
    elif os.environ.get("FRONTLINE_VENDOR"):
        candidates = [Path(os.environ["FRONTLINE_VENDOR"])]
    else:
        here = Path(__file__).resolve().parent
        candidates = [
            here / "_vendor",
            user_vendor_dir() / "node_modules",
            here.parent / "vendor" / "node_modules",
        ]
    for cand in candidates:
        if all((cand / rel).is_file() for rel in _VENDOR_FILES.values()):
            return cand
    tried = ", ".join(str(c) for c in candidates)
    raise VendorError(
        f"the offline map needs Leaflet {LEAFLET_VERSION} and leaflet.timeline "
        f"{TIMELINE_VERSION} (npm packages), and this installation has none; install them with "
        f"`{install_command()}` (in a checkout: `make vendor`), or set FRONTLINE_VENDOR to a "
        f"node_modules folder that has them (looked in {tried})"
    )


def _banner(pkg_dir: Path) -> str:
    """A comment crediting a library by its licence's copyright line (kept with its code)."""
    meta: dict[str, str] = {}
    try:
        meta = json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.debug("no package.json for the banner of %s: %s", pkg_dir, exc)
    holder = ""
    lic = pkg_dir / "LICENSE"
    if lic.is_file():
        holder = next(
            (ln.strip() for ln in lic.read_text(encoding="utf-8").splitlines() if "opyright" in ln),
            "",
        )
    name, version, spdx = (meta.get(k, "?") for k in ("name", "version", "license"))
    return f"/* {name} {version}, {spdx} licence. {holder} */\n".replace("*/ */", "*/")


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
    leaflet = (root / _VENDOR_FILES["leaflet_js"]).read_text(encoding="utf-8")
    timeline = (root / _VENDOR_FILES["timeline_js"]).read_text(encoding="utf-8")
    bundled = _banner(root / "diesal") if (root / "diesal").is_dir() else ""
    return Vendored(
        leaflet_js=_script_safe(_banner(root / "leaflet") + leaflet),
        leaflet_css=_inline_css_urls(css_path.read_text(encoding="utf-8"), css_path.parent),
        timeline_js=_script_safe(_banner(root / "leaflet.timeline") + bundled + timeline),
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


def event_glyphs() -> dict[str, list[tuple[str, float]]]:
    """Each kind's glyph for the page's canvas: ``(path data, stroke width)`` per path, 0 to
    fill it (the same drawings as :data:`EVENT_ICONS`)."""
    out: dict[str, list[tuple[str, float]]] = {}
    for kind, svg in EVENT_ICONS.items():
        paths = []
        for tag in re.findall(r"<path\b[^>]*>", svg):
            d = re.search(r'\bd="([^"]+)"', tag)
            width = re.search(r'stroke-width="([0-9.]+)"', tag)
            if d:
                paths.append((d.group(1), float(width.group(1)) if width else 0.0))
        out[kind] = paths
    return out


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
