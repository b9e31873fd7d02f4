"""The offline gazetteer: places, their names, and lookup by transliteration-insensitive key.

The gazetteer is an object passed to every stage that needs it; nothing here is global.
Coordinates are stored as ``lat``/``lon`` attributes (WGS84 degrees); :meth:`Place.lonlat`
gives the (lon, lat) order that GeoJSON and shapely use.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

from geo._datafile import read_csv_rows
from geo._normalise import normalise_name
from geo.exceptions import GazetteerError

__all__ = ["KIND_WEIGHT", "Gazetteer", "Place", "data_path"]

log = logging.getLogger(__name__)

GAZETTEER_COLUMNS = (
    "id",
    "name",
    "asciiname",
    "alternatenames",
    "lat",
    "lon",
    "kind",
    "population",
    "admin1",
    "source",
)
ALIAS_COLUMNS = ("id", "name", "alias", "kind", "lat", "lon", "source", "note")

# How much a kind of place is worth when several share a name: news names cities and
# military sites far more often than hamlets.
KIND_WEIGHT: Mapping[str, float] = {
    "capital": 1.0,
    "region": 0.9,
    "city": 0.85,
    "district": 0.7,
    "airbase": 0.75,
    "airport": 0.7,
    "terminal": 0.7,
    "oil_field": 0.7,
    "town": 0.6,
    "wadi": 0.5,
    "suburb": 0.45,
    "village": 0.35,
    "locality": 0.3,
    "hamlet": 0.2,
}

ErrorHandler = Callable[[GazetteerError], None]


def data_path(name: str, override: Path | str | None = None) -> Path:
    """Path of a packaged data file, or ``override`` when given.

    The data ships inside the wheel as ``geo.data`` so an installed ``frontline`` works outside
    the checkout.
    """
    if override is not None:
        return Path(override)
    return Path(str(resources.files("geo.data").joinpath(name)))


@dataclass(frozen=True, slots=True)
class Place:
    """A real place. ``lat``/``lon`` are WGS84 degrees."""

    id: str
    name: str
    lat: float
    lon: float
    kind: str
    population: int = 0
    admin1: str = ""
    alternates: tuple[str, ...] = ()
    source: str = ""

    @property
    def lonlat(self) -> tuple[float, float]:
        """(lon, lat), the axis order of GeoJSON and shapely."""
        return (self.lon, self.lat)

    @property
    def importance(self) -> float:
        """A 0-1 prior of how likely news means this place when it shares a name."""
        weight = KIND_WEIGHT.get(self.kind, 0.3)
        pop = min(math.log10(self.population + 1) / 6.5, 1.0) if self.population else 0.0
        return 0.6 * weight + 0.4 * pop

    @property
    def names(self) -> tuple[str, ...]:
        """The primary name followed by every alternate."""
        return (self.name, *self.alternates)


def _float(value: str, column: str) -> float:
    try:
        out = float(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a number") from None
    if not math.isfinite(out):
        raise ValueError(f"{column} {value!r} is not finite")
    return out


def _place_from_row(row: Mapping[str, str]) -> Place:
    pid = (row.get("id") or "").strip()
    name = (row.get("name") or "").strip()
    if not pid or not name:
        raise ValueError("empty id or name")
    lat = _float(row.get("lat") or "", "lat")
    lon = _float(row.get("lon") or "", "lon")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates ({lat}, {lon}) out of range")
    pop_text = (row.get("population") or "").strip()
    try:
        population = int(float(pop_text)) if pop_text else 0
    except OverflowError:
        raise ValueError(f"population {pop_text!r} is not a finite number") from None
    alternates = [a.strip() for a in (row.get("alternatenames") or "").split("|") if a.strip()]
    ascii_name = (row.get("asciiname") or "").strip()
    if ascii_name and ascii_name != name:
        alternates.insert(0, ascii_name)
    return Place(
        id=pid,
        name=name,
        lat=lat,
        lon=lon,
        kind=(row.get("kind") or "locality").strip(),
        population=population,
        admin1=(row.get("admin1") or "").strip(),
        alternates=tuple(dict.fromkeys(alternates)),
        source=(row.get("source") or "").strip(),
    )


@dataclass
class Gazetteer:
    """A set of places with a name index.

    Build one with :meth:`load` (the packaged Libya gazetteer by default) or from places.
    """

    places: dict[str, Place]
    blocked_keys: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_places(cls, places: Iterable[Place], **kwargs: Any) -> Gazetteer:
        """Make a gazetteer from :class:`Place` objects (later ids win)."""
        return cls({p.id: p for p in places}, **kwargs)

    @classmethod
    def load(
        cls,
        path: Path | str | None = None,
        *,
        aliases: Path | str | bool | None = None,
        on_error: ErrorHandler | None = None,
    ) -> Gazetteer:
        """Load a gazetteer CSV and apply an aliases CSV.

        Parameters
        ----------
        path
            The gazetteer CSV; the packaged ``data/gazetteer.csv`` by default.
        aliases
            The aliases CSV; by default ``aliases.csv`` beside the gazetteer, if present.
            ``False`` skips aliases.
        on_error
            Called with a :class:`GazetteerError` for each bad row, which is skipped; the
            default logs a warning.

        Raises
        ------
        GazetteerError
            When the file is missing or lacks a required column.
        """
        handler: ErrorHandler = on_error or (lambda err: log.warning("%s", err))
        gpath = data_path("gazetteer.csv", path)
        places: dict[str, Place] = {}
        for lineno, row in _read_csv(gpath, ("id", "name", "lat", "lon"), handler):
            try:
                place = _place_from_row(row)
            except ValueError as exc:
                handler(GazetteerError(str(gpath), lineno, f"{exc}; row skipped"))
                continue
            places[place.id] = place
        gaz = cls(places)
        if aliases is not False:
            apath = (
                gpath.with_name("aliases.csv")
                if aliases is None or aliases is True
                else Path(aliases)
            )
            if apath.exists():
                gaz.apply_aliases(apath, on_error=handler)
        return gaz

    def apply_aliases(self, path: Path, *, on_error: ErrorHandler | None = None) -> None:
        """Add the names and places of an aliases CSV (see ``data/aliases.csv``)."""
        handler: ErrorHandler = on_error or (lambda err: log.warning("%s", err))
        for lineno, row in _read_csv(path, ("id", "alias"), handler):
            pid = (row.get("id") or "").strip()
            alias = (row.get("alias") or "").strip()
            try:
                if pid in self.places:
                    if alias:
                        place = self.places[pid]
                        if alias not in place.names:
                            self.places[pid] = replace(place, alternates=(*place.alternates, alias))
                else:
                    new = _place_from_row({**row, "alternatenames": alias})
                    self.places[new.id] = new
            except ValueError as exc:
                handler(GazetteerError(str(path), lineno, f"{exc}; alias row skipped"))
        self.__dict__.pop("index", None)
        self.__dict__.pop("automaton", None)

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self.places.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def get(self, place_id: str) -> Place:
        """The place with this id.

        Raises
        ------
        GazetteerError
            When no place has the id.
        """
        try:
            return self.places[place_id]
        except KeyError:
            raise GazetteerError("gazetteer", None, f"no place with id {place_id!r}") from None

    @cached_property
    def index(self) -> dict[str, tuple[Place, ...]]:
        """Normalised name key -> the places that carry it, most important first."""
        found: dict[str, dict[str, Place]] = defaultdict(dict)
        for place in self.places.values():
            for name in place.names:
                key = normalise_name(name)
                # One- and two-letter keys match everywhere in running text.
                if len(key) >= 3 and key not in self.blocked_keys:
                    found[key][place.id] = place
        return {
            key: tuple(sorted(ps.values(), key=lambda p: (-p.importance, p.id)))
            for key, ps in found.items()
        }

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Places whose name or alias has the same key as ``name``, most important first."""
        return self.index.get(normalise_name(name), ())

    @cached_property
    def automaton(self) -> ahocorasick.Automaton:
        """An Aho-Corasick automaton over every key; values are ``(key, length)``."""
        auto = ahocorasick.Automaton()
        for key in self.index:
            auto.add_word(key, (key, len(key)))
        auto.make_automaton()
        return auto


def _read_csv(
    path: Path, required: tuple[str, ...], handler: ErrorHandler
) -> Iterator[tuple[int, dict[str, str]]]:
    # One record per line, strictly: a broken quote is reported at its own line (geo._datafile).
    yield from read_csv_rows(path, required, GazetteerError, handler)
