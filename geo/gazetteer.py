"""The offline gazetteer: places, their names, and lookup by transliteration-insensitive key.

The gazetteer is an object passed to every stage that needs it; nothing here is global.
Coordinates are stored as ``lat``/``lon`` attributes (WGS84 degrees); :meth:`Place.lonlat`
gives the (lon, lat) order that GeoJSON and shapely use.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from geo import _matcher as _matcher_module
from geo import _normalise as _normalise_module
from geo import _translit as _translit_module
from geo._datafile import read_csv_rows
from geo._matcher import FORMAT as MATCHER_FORMAT
from geo._matcher import NameMatcher, NameSpec
from geo._normalise import default_transliteration, name_key
from geo._translit import Transliteration, load_transliteration
from geo.exceptions import DataFileError, GazetteerError

__all__ = ["KIND_WEIGHT", "Gazetteer", "NotPlace", "Place", "data_path", "is_acronym"]

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
    "parent",
    "source",
)
ALIAS_COLUMNS = ("id", "name", "alias", "kind", "lat", "lon", "parent", "display", "source", "note")
NOT_PLACE_COLUMNS = ("name", "kind", "source", "note")

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
    "port": 0.65,
    "mountains": 0.8,
    "town": 0.6,
    "camp": 0.55,
    "checkpoint": 0.5,
    "square": 0.5,
    "power_station": 0.5,
    "wadi": 0.5,
    "suburb": 0.45,
    "village": 0.35,
    "locality": 0.3,
    "hamlet": 0.2,
}

ErrorHandler = Callable[[GazetteerError], None]
T = TypeVar("T")


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
    parent: str = ""

    @property
    def lonlat(self) -> tuple[float, float]:
        """(lon, lat), the axis order of GeoJSON and shapely."""
        return (self.lon, self.lat)

    @property
    def importance(self) -> float:
        """A 0-1 prior of how likely news means this place when it shares a name."""
        return _importance(self.kind, self.population)

    @property
    def names(self) -> tuple[str, ...]:
        """The primary name followed by every alternate."""
        return (self.name, *self.alternates)


@lru_cache(maxsize=4096)
def _importance(kind: str, population: int) -> float:
    weight = KIND_WEIGHT.get(kind, 0.3)
    pop = min(math.log10(population + 1) / 6.5, 1.0) if population else 0.0
    return 0.6 * weight + 0.4 * pop


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
        parent=(row.get("parent") or "").strip(),
    )


def is_acronym(name: str) -> bool:
    """A name written as an abbreviation in capitals ("TIA"): it matches only so written."""
    return 2 <= len(name) <= 5 and name.isalpha() and name.isupper()


@dataclass(frozen=True, slots=True)
class NotPlace:
    """A name that looks like a place but is not one here (an outlet, a tribe, a demonym)."""

    name: str
    kind: str
    note: str = ""


@dataclass
class Gazetteer:
    """A set of places with a name index and a name matcher.

    Build one with :meth:`load` (the packaged gazetteer by default) or from places.

    Attributes
    ----------
    places
        Place id -> place.
    blocked_keys
        ``mid`` keys never indexed.
    translit
        The transliteration rules of the names (the packaged tables by default).
    not_places
        Names that look like places but are not (``not_places.csv``).
    files
        The files the gazetteer was read from; their bytes key the on-disk matcher cache.
    """

    places: dict[str, Place]
    blocked_keys: frozenset[str] = field(default_factory=frozenset)
    translit: Transliteration = field(default_factory=default_transliteration)
    not_places: tuple[NotPlace, ...] = ()
    files: tuple[Path, ...] = ()

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
        """Load a gazetteer CSV with its side files.

        Beside ``X.csv``, an optional ``X.toml`` names the transliteration tables of its names
        and its aliases and not-places files (``[names]``: ``transliteration``, ``aliases``,
        ``not_places``, paths relative to it); without it, ``aliases.csv`` and
        ``not_places.csv`` beside the gazetteer are read when present.

        Parameters
        ----------
        path
            The gazetteer CSV; the packaged ``data/gazetteer.csv`` by default.
        aliases
            The aliases CSV; by default the one the side file names, or ``aliases.csv``
            beside the gazetteer, if present. ``False`` skips aliases.
        on_error
            Called with a :class:`GazetteerError` for each bad row, which is skipped; the
            default logs a warning.

        Raises
        ------
        GazetteerError
            When a file is missing or lacks a required column.
        """
        handler: ErrorHandler = on_error or (lambda err: log.warning("%s", err))
        gpath = data_path("gazetteer.csv", path)
        config = _side_config(gpath)
        places: dict[str, Place] = {}
        for lineno, row in _read_csv(gpath, ("id", "name", "lat", "lon"), handler):
            try:
                place = _place_from_row(row)
            except ValueError as exc:
                handler(GazetteerError(str(gpath), lineno, f"{exc}; row skipped"))
                continue
            places[place.id] = place
        gaz = cls(places, translit=config.translit, files=(gpath, *config.files))
        if aliases is not False:
            apath = config.aliases if aliases is None or aliases is True else Path(aliases)
            if apath.exists():
                gaz.apply_aliases(apath, on_error=handler)
        if config.not_places.exists():
            gaz.not_places = _read_not_places(config.not_places, handler)
            gaz.files = (*gaz.files, config.not_places)
        return gaz

    def apply_aliases(self, path: Path, *, on_error: ErrorHandler | None = None) -> None:
        """Add the names and places of an aliases CSV (see ``data/aliases.csv``).

        A row whose ``display`` is ``yes`` makes its alias the place's display name.
        """
        handler: ErrorHandler = on_error or (lambda err: log.warning("%s", err))
        for lineno, row in _read_csv(path, ("id", "alias"), handler):
            try:
                self._apply_alias(row)
            except ValueError as exc:
                handler(GazetteerError(str(path), lineno, f"{exc}; alias row skipped"))
        if self.files:
            self.files = (*self.files, path)  # the cached matcher and index follow the file
        for name in ("index", "_matchers"):
            self.__dict__.pop(name, None)

    def _apply_alias(self, row: Mapping[str, str]) -> None:
        pid = (row.get("id") or "").strip()
        alias = (row.get("alias") or "").strip()
        display = (row.get("display") or "").strip().lower() in ("yes", "true", "1")
        if pid not in self.places:
            new = _place_from_row({**row, "alternatenames": alias})
            self.places[new.id] = new
            return
        if not alias:
            return
        place = self.places[pid]
        if display and place.name != alias:
            alternates = tuple(a for a in (place.name, *place.alternates) if a != alias)
            self.places[pid] = replace(place, name=alias, alternates=alternates)
        elif alias not in place.names:
            self.places[pid] = replace(place, alternates=(*place.alternates, alias))

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

    def parent_of(self, place: Place) -> Place | None:
        """The place ``place`` lies in (a district's town), when the gazetteer records one."""
        return self.places.get(place.parent) if place.parent else None

    def key(self, name: str) -> str:
        """The ``mid`` key of ``name`` under this gazetteer's rules."""
        cache = self._key_cache
        known = cache.get(name)
        if known is None:
            if len(cache) > 200_000:  # a bound on memory over a huge, varied corpus
                cache.clear()
            known = cache[name] = name_key(name, self.translit)
        return known

    @cached_property
    def _key_cache(self) -> dict[str, str]:
        return {}

    @cached_property
    def index(self) -> dict[str, tuple[Place, ...]]:
        """``mid`` name key -> the places that carry it, most important first.

        The keys are computed once and kept on disk with the matcher (see :meth:`cached`).
        """
        ids = self.cached("index", [], self._index_ids)
        places = self.places
        return {key: tuple(places[i] for i in pids if i in places) for key, pids in ids.items()}

    def _index_ids(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, dict[str, Place]] = defaultdict(dict)
        for place in self.places.values():
            for name in place.names:
                key = self.key(name)
                # One- and two-letter keys match everywhere in running text.
                if len(key) >= 3 and key not in self.blocked_keys:
                    found[key][place.id] = place
        return {
            key: tuple(p.id for p in sorted(ps.values(), key=lambda p: (-p.importance, p.id)))
            for key, ps in found.items()
        }

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Places whose name or alias has the same key as ``name``, most important first."""
        return self.index.get(self.key(name), ())

    # -- the matcher -------------------------------------------------------------------------
    def name_specs(self) -> list[NameSpec]:
        """Every name to match: place names and aliases, and the not-places."""
        specs = [
            NameSpec(name, "place", place.id, acronym=is_acronym(name))
            for place in self.places.values()
            for name in place.names
            if self.key(name) not in self.blocked_keys
        ]
        specs += [
            NameSpec(n.name, "not_place", n.kind, acronym=is_acronym(n.name))
            for n in self.not_places
        ]
        return specs

    @cached_property
    def _matchers(self) -> dict[str, NameMatcher]:
        return {}

    def matcher(self, extra: Sequence[NameSpec] = ()) -> NameMatcher:
        """The name matcher over every name, plus ``extra`` (actors and persons).

        Built once per set of names and kept on disk (see :meth:`cached`), keyed by the hash
        of the files the gazetteer was read from, its rules and ``extra``.
        """
        parts = [repr(sorted((s.name, s.kind, s.ident, s.acronym) for s in extra))]
        digest = self.digest(parts)
        known = self._matchers.get(digest)
        if known is not None:
            return known
        data = self.cached(
            "matcher",
            parts,
            lambda: NameMatcher.build(self.translit, [*self.name_specs(), *extra]).dumps(),
        )
        matcher = NameMatcher.loads(data, self.translit)
        self._matchers[digest] = matcher
        return matcher

    def digest(self, parts: Sequence[str] = ()) -> str:
        """A hash of the gazetteer (its files, or its places), its rules, and ``parts``."""
        h = hashlib.sha256(f"gazetteer {MATCHER_FORMAT}\n".encode())
        # The code that turns names into keys is part of the key: an upgrade rebuilds.
        for module in (_matcher_module, _translit_module, _normalise_module):
            h.update(Path(str(module.__file__)).read_bytes())
        h.update(self.translit.digest.encode())
        if self.files:
            for path in self.files:
                h.update(str(path.name).encode())
                h.update(path.read_bytes())
            h.update(repr(sorted(self.blocked_keys)).encode())
        else:
            h.update(repr(sorted(self.places.items())).encode())
            h.update(repr((sorted(self.blocked_keys), self.not_places)).encode())
        for part in parts:
            h.update(b"\0" + part.encode())
        return h.hexdigest()

    def cached(self, name: str, parts: Sequence[str], build: Callable[[], T]) -> T:
        """``build()``, or its result kept on disk from an earlier run.

        The file is keyed by :meth:`digest` of ``parts``; it lives in ``.cache/`` beside the
        gazetteer, or the user's cache folder (``$XDG_CACHE_HOME/frontline``) when that is
        read-only, or ``$FRONTLINE_CACHE_DIR`` when set. A gazetteer made in memory is not
        cached on disk. A damaged or stale file is rebuilt, never trusted.
        """
        if not self.files:
            return build()
        digest = self.digest([name, *parts])
        dirs = self._cache_dirs()
        value: T | None = _load_cached(name, digest, dirs)
        if value is None:
            value = build()
            _store_cached(name, digest, value, dirs)
        return value

    def _cache_dirs(self) -> list[Path]:
        dirs = []
        env = os.environ.get("FRONTLINE_CACHE_DIR")
        if env:
            dirs.append(Path(env))
        if self.files:
            dirs.append(self.files[0].parent / ".cache")
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        dirs.append(Path(base) / "frontline")
        return dirs


@dataclass(frozen=True)
class _SideConfig:
    translit: Transliteration
    aliases: Path
    not_places: Path
    files: tuple[Path, ...]


def _side_config(gpath: Path) -> _SideConfig:
    """Read ``X.toml`` beside ``X.csv``: the tables and side files of the gazetteer."""
    side = gpath.with_suffix(".toml")
    if not side.exists():
        return _SideConfig(
            default_transliteration(),
            gpath.with_name("aliases.csv"),
            gpath.with_name("not_places.csv"),
            (),
        )
    try:
        names = tomllib.loads(side.read_text(encoding="utf-8")).get("names", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GazetteerError(str(side), None, f"cannot read ({exc})") from None
    tables = [side.parent / t for t in names.get("transliteration", [])]
    try:
        translit = load_transliteration(tables)
    except DataFileError as exc:
        raise GazetteerError(exc.path, exc.line, exc.reason) from None
    return _SideConfig(
        translit,
        side.parent / names.get("aliases", "aliases.csv"),
        side.parent / names.get("not_places", "not_places.csv"),
        (side, *tables),
    )


def _read_not_places(path: Path, handler: ErrorHandler) -> tuple[NotPlace, ...]:
    out: list[NotPlace] = []
    for lineno, row in _read_csv(path, ("name", "kind"), handler):
        name = (row.get("name") or "").strip()
        kind = (row.get("kind") or "").strip()
        if not name or not kind:
            handler(GazetteerError(str(path), lineno, "empty name or kind; row skipped"))
            continue
        out.append(NotPlace(name, kind, (row.get("note") or "").strip()))
    return tuple(out)


_CACHE_KEEP = 7


def _cache_file(folder: Path, name: str, digest: str) -> Path:
    return folder / f"{name}-{digest[:32]}.pickle"


def _load_cached(name: str, digest: str, dirs: Sequence[Path]) -> Any:
    for folder in dirs:
        path = _cache_file(folder, name, digest)
        try:
            data = path.read_bytes()
        except OSError:
            continue
        try:
            stored_digest, value = pickle.loads(data)
        except Exception:  # a damaged cache file is rebuilt, never trusted
            log.info("ignoring unreadable cache file %s", path)
            continue
        if stored_digest == digest:
            return value
    return None


def _store_cached(name: str, digest: str, value: Any, dirs: Sequence[Path]) -> None:
    data = pickle.dumps((digest, value), protocol=pickle.HIGHEST_PROTOCOL)
    for folder in dirs:
        path = _cache_file(folder, name, digest)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError:
            continue
        # Files of earlier versions are dropped, the most recent few kept (one per sides file).
        others = sorted(
            (p for p in folder.glob(f"{name}-*.pickle") if p != path),
            key=lambda p: p.stat().st_mtime,
        )
        for old in others[: max(0, len(others) - _CACHE_KEEP)]:
            old.unlink(missing_ok=True)
        log.debug("cached %s in %s", name, path)
        return
    log.info("no writable cache folder for %s; it is rebuilt next time", name)


def _read_csv(
    path: Path, required: tuple[str, ...], handler: ErrorHandler
) -> Iterator[tuple[int, dict[str, str]]]:
    # One record per line, strictly: a broken quote is reported at its own line (geo._datafile).
    yield from read_csv_rows(path, required, GazetteerError, handler)
