"""Theatres: everything about one war, as a folder of data files.

A theatre is a folder holding a ``theatre.toml`` (id, title, country codes, period, default map
name, initial view, attribution lines, and where its other files are), its ``sides.toml``, a
``baseline.csv``, an ``overrides.csv`` and its land and boundary GeoJSON. The packaged theatres
live in ``data/theatres/<id>/`` (``data/theatres/index.toml`` names the default); any folder with
the same files is a theatre too, so a new war needs no change to the code::

    theatre = load_theatre("my-war")          # a packaged id, or a folder's path
    gazetteer = Gazetteer.load(theatre.gazetteer_path)
    extractor = EventExtractor(gazetteer, theatre.sides)

Paths in ``theatre.toml`` are relative to its folder.
"""

from __future__ import annotations

import html
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from geo._datafile import read_text
from geo.exceptions import TheatreError
from geo.sides import WORLD, Bounds, Region, Sides

__all__ = [
    "Attribution",
    "Theatre",
    "default_theatre_id",
    "load_theatre",
    "packaged_theatres",
    "read_region",
]

THEATRE_FILE = "theatre.toml"
_REQUIRED_FILES = ("gazetteer", "sides")
_OPTIONAL_FILES = ("baseline", "overrides", "land", "boundary")


@dataclass(frozen=True, slots=True)
class Attribution:
    """One credit line of the data a map is made from."""

    text: str
    url: str = ""
    licence: str = ""

    def html(self) -> str:
        """The line as escaped HTML: a link when there is a URL, the licence in brackets."""
        label = html.escape(self.text)
        if self.url:
            label = f'<a href="{html.escape(self.url, quote=True)}">{label}</a>'
        return f"{label} ({html.escape(self.licence)})" if self.licence else label


@dataclass(frozen=True, slots=True)
class Theatre:
    """One war: its identity, geography, sides and the paths of its data files.

    ``bounds`` is the initial map view as ((south, west), (north, east)), (lat, lon) degrees.
    ``period`` is the (start, end) of the war as the theatre defines it. Optional files are
    None when the theatre has none.
    """

    id: str
    title: str
    countries: tuple[str, ...]
    period: tuple[date, date] | None
    default_map: str
    bounds: Bounds
    attribution: tuple[Attribution, ...]
    root: Path
    sides: Sides
    sides_path: Path
    gazetteer_path: Path
    baseline_path: Path | None = None
    overrides_path: Path | None = None
    land_path: Path | None = None
    boundary_path: Path | None = None
    capitals: tuple[str, ...] = ()

    @property
    def country(self) -> str:
        """The first ISO country code ("" when none is declared)."""
        return self.countries[0] if self.countries else ""

    @property
    def view_bounds(self) -> Bounds:
        """The initial map view, ((south, west), (north, east)) in (lat, lon)."""
        return self.bounds

    @property
    def region(self) -> Region:
        """Name, country and view of the theatre, as the sides carry them."""
        return Region(self.title, self.country, self.bounds, self.capitals)

    @property
    def attribution_html(self) -> str:
        """Every attribution line, escaped, joined for a map's attribution control."""
        return ", ".join(a.html() for a in self.attribution)

    def with_files(
        self, *, sides: Path | str | None = None, gazetteer: Path | str | None = None
    ) -> Theatre:
        """This theatre with another sides file or gazetteer (the command-line overrides).

        Raises
        ------
        SidesError
            When the sides file is missing or malformed.
        """
        out = self
        if gazetteer is not None:
            out = replace(out, gazetteer_path=Path(gazetteer))
        if sides is not None:
            spath = Path(sides)
            out = replace(out, sides_path=spath, sides=Sides.load(spath, region=self.region))
        return out


# -- finding theatres ----------------------------------------------------------------------------
def _packaged_root() -> Path:
    return Path(str(resources.files("geo.data").joinpath("theatres")))


def packaged_theatres() -> tuple[str, ...]:
    """Ids of the theatres that ship with frontline, sorted."""
    root = _packaged_root()
    if not root.is_dir():
        return ()
    return tuple(sorted(p.name for p in root.iterdir() if (p / THEATRE_FILE).is_file()))


def default_theatre_id() -> str:
    """The id of the default packaged theatre (``default`` in ``data/theatres/index.toml``).

    Raises
    ------
    TheatreError
        When the index is missing or names no packaged theatre.
    """
    index = _packaged_root() / "index.toml"
    raw = _read_toml(index)
    default = str(raw.get("default", ""))
    if default not in packaged_theatres():
        raise TheatreError(str(index), None, f"default theatre {default!r} is not packaged")
    return default


def _theatre_dir(ref: Path | str | None) -> Path:
    if ref is None:
        return _packaged_root() / default_theatre_id()
    path = Path(ref)
    if path.is_file() and path.suffix == ".toml":
        return path.parent
    if (path / THEATRE_FILE).is_file():
        return path
    if str(ref) in packaged_theatres():
        return _packaged_root() / str(ref)
    known = ", ".join(packaged_theatres()) or "none"
    raise TheatreError(
        str(ref), None, f"no such theatre (packaged: {known}; or a folder with a {THEATRE_FILE})"
    )


# -- reading theatre.toml ------------------------------------------------------------------------
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_text(path, TheatreError))  # not UTF-8: one line
    except tomllib.TOMLDecodeError as exc:
        raise TheatreError(str(path), None, f"not valid TOML ({exc})") from None


def _bounds(raw: Mapping[str, Any]) -> Bounds:
    b = raw.get("view", {}).get("bounds", WORLD)
    (south, west), (north, east) = (
        (float(b[0][0]), float(b[0][1])),
        (float(b[1][0]), float(b[1][1])),
    )
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ValueError(f"view.bounds {b!r} are not [[south, west], [north, east]] degrees")
    return (south, west), (north, east)


def _period(raw: Mapping[str, Any]) -> tuple[date, date] | None:
    period = raw.get("period")
    if period is None:
        return None
    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    return start, end


def _region_of(raw: Mapping[str, Any]) -> Region:
    countries = [str(c) for c in raw.get("countries", ())]
    title = str(raw.get("title", raw.get("id", "")))
    capitals = tuple(str(c) for c in raw.get("capitals", ()))
    return Region(title, countries[0] if countries else "", _bounds(raw), capitals)


def read_region(path: Path | str) -> Region:
    """Title, first country and view of a ``theatre.toml``, without loading the rest.

    Raises
    ------
    TheatreError
        When the file cannot be read or its view is malformed.
    """
    tpath = Path(path)
    raw = _read_toml(tpath)
    try:
        return _region_of(raw)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise TheatreError(str(tpath), None, f"malformed theatre file: {exc}") from None


def _files(raw: Mapping[str, Any], root: Path, tpath: Path) -> dict[str, Path | None]:
    declared = raw.get("files", {})
    unknown = set(declared) - {*_REQUIRED_FILES, *_OPTIONAL_FILES}
    if unknown:
        raise ValueError(f"unknown entries in [files]: {sorted(unknown)}")
    out: dict[str, Path | None] = {}
    for key in (*_REQUIRED_FILES, *_OPTIONAL_FILES):
        if key not in declared:
            if key in _REQUIRED_FILES:
                raise ValueError(f"[files] needs {key!r}")
            out[key] = None
            continue
        path = (root / str(declared[key])).resolve()
        if not path.is_file():
            raise TheatreError(str(tpath), None, f"files.{key}: {path} does not exist")
        out[key] = path
    return out


def load_theatre(id_or_dir: Path | str | None = None) -> Theatre:
    """Load a theatre: a packaged id (``data/theatres/<id>``), or a folder with a theatre.toml.

    Parameters
    ----------
    id_or_dir
        The theatre; None for the default packaged one.

    Raises
    ------
    TheatreError
        When there is no such theatre, its ``theatre.toml`` is malformed, or a file it names is
        missing.
    SidesError
        When its sides file is malformed.
    """
    root = _theatre_dir(id_or_dir)
    tpath = root / THEATRE_FILE
    raw = _read_toml(tpath)
    try:
        files = _files(raw, root, tpath)
        region = _region_of(raw)
        theatre_id = str(raw.get("id") or root.name)
        attribution = tuple(
            Attribution(str(a["text"]), str(a.get("url", "")), str(a.get("licence", "")))
            for a in raw.get("attribution", ())
        )
        period = _period(raw)
    except TheatreError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise TheatreError(str(tpath), None, f"malformed theatre file: {exc}") from None
    sides_path, gazetteer_path = files["sides"], files["gazetteer"]
    assert sides_path is not None and gazetteer_path is not None  # required above
    sides = Sides.load(sides_path, region=region)
    return Theatre(
        id=theatre_id,
        title=region.name,
        countries=tuple(str(c) for c in raw.get("countries", ())),
        period=period,
        default_map=str(raw.get("default_map") or theatre_id),
        bounds=region.bounds,
        attribution=attribution,
        root=root,
        sides=sides,
        sides_path=sides_path,
        gazetteer_path=gazetteer_path,
        baseline_path=files["baseline"],
        overrides_path=files["overrides"],
        land_path=files["land"],
        boundary_path=files["boundary"],
        capitals=region.capitals,
    )
