"""Scoring the control picture against documented history.

A truth file is a UTF-8 CSV with the header ``date,place,lat,lon,accept,source``: on ``date``,
``place`` (at ``lat``/``lon``, WGS84 degrees; both may be empty) was in one of the states in
``accept`` (a side id, ``contested`` or ``unknown``; several joined by ``|`` when the date is
genuinely uncertain), as ``source`` documents. Blank rows and rows starting with ``#`` are
skipped; a bad row is an error naming the file and line.

A row is matched to the gazetteer place of its name nearest its point (within
``name_km``), else to the place within ``near_km`` whose name is most like it (rapidfuzz
token-set ratio at least 80, then the closest token-sort ratio); a row that
matches no place, or a place the history does not know, finds ``unknown``. The row is right
when the controller found on its date is one of its ``accept`` values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, utils

from geo._datafile import raise_it, read_csv_rows
from geo._geodesy import distance_km
from geo.analyst import CONTESTED, UNKNOWN
from geo.assess import PlaceState
from geo.control import ControlHistory
from geo.exceptions import DataFileError
from geo.gazetteer import Gazetteer, Place

__all__ = [
    "TRUTH_COLUMNS",
    "ControlScore",
    "TruthResult",
    "TruthRow",
    "load_truth",
    "match_place",
    "score",
]

TRUTH_COLUMNS = ("date", "place", "lat", "lon", "accept", "source")


@dataclass(frozen=True, slots=True)
class TruthRow:
    """One documented fact: who held ``place`` on ``date`` (``lat``/``lon`` WGS84 or None)."""

    date: date
    place: str
    lat: float | None
    lon: float | None
    accept: tuple[str, ...]
    source: str
    where: str = ""  # file:line


@dataclass(frozen=True, slots=True)
class TruthResult:
    """A truth row, the place it was matched to, and the state found there on its date."""

    row: TruthRow
    place: Place | None
    state: PlaceState | None

    @property
    def found(self) -> str:
        """The controller found (``unknown`` when the place is unmatched or unknown)."""
        return self.state.controller if self.state is not None else UNKNOWN

    @property
    def right(self) -> bool:
        """Whether the controller found is one the row accepts."""
        return self.found in self.row.accept


@dataclass(frozen=True, slots=True)
class ControlScore:
    """Every row's result and the accuracy."""

    results: tuple[TruthResult, ...]

    @property
    def right(self) -> int:
        """Rows right."""
        return sum(r.right for r in self.results)

    @property
    def accuracy(self) -> float:
        """Share of rows right (0 for no rows)."""
        return self.right / len(self.results) if self.results else 0.0


def _coordinate(where: str, row: dict[str, str], key: str, bound: float) -> float | None:
    text = row.get(key, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _fail(where, f"{key} {text!r} is not a number") from None
    if not -bound <= value <= bound:
        raise _fail(where, f"{key} {value} is out of range")
    return value


def _fail(where: str, reason: str) -> DataFileError:
    path, _, line = where.rpartition(":")
    return DataFileError(path, int(line), reason)


def _parse(where: str, row: dict[str, str], allowed: Sequence[str]) -> TruthRow:
    try:
        day = date.fromisoformat(row.get("date", "").strip())
    except ValueError:
        raise _fail(where, f"date {row.get('date', '')!r} is not an ISO date") from None
    place = row.get("place", "").strip()
    if not place:
        raise _fail(where, "the place is empty")
    lat = _coordinate(where, row, "lat", 90.0)
    lon = _coordinate(where, row, "lon", 180.0)
    if (lat is None) != (lon is None):
        raise _fail(where, "give both lat and lon, or neither")
    accept = tuple(a.strip() for a in row.get("accept", "").split("|"))
    bad = [a for a in accept if a not in allowed]
    if bad:
        raise _fail(where, f"accept value {bad[0]!r} is not one of {', '.join(allowed)}")
    return TruthRow(day, place, lat, lon, accept, row.get("source", "").strip(), where)


def load_truth(path: Path | str, *, sides: Iterable[str]) -> list[TruthRow]:
    """Read a truth CSV (see the module docstring); ``sides`` are the side ids allowed.

    The file is read strictly (:mod:`geo._datafile`): UTF-8, one CSV record per line.

    Raises
    ------
    DataFileError
        On an unreadable or non-UTF-8 file, a missing column or a bad row, naming file:line.
    """
    tpath = Path(path)
    allowed = (*sides, CONTESTED, UNKNOWN)
    out: list[TruthRow] = []
    for line, row in read_csv_rows(tpath, TRUTH_COLUMNS, DataFileError, raise_it):
        if row.get("date", "").startswith("#") or not any(v.strip() for v in row.values()):
            continue
        out.append(_parse(f"{tpath}:{line}", row, allowed))
    return out


def _likeness(name: str, place: Place) -> tuple[float, float]:
    """(token-set, token-sort) similarity of ``name`` to the place's best-matching name."""
    return max(
        (
            fuzz.token_set_ratio(name, n, processor=utils.default_process),
            fuzz.token_sort_ratio(name, n, processor=utils.default_process),
        )
        for n in place.names
    )


def match_place(
    row: TruthRow,
    gazetteer: Gazetteer,
    *,
    known: Iterable[str] = (),
    name_km: float = 25.0,
    near_km: float = 10.0,
) -> Place | None:
    """The gazetteer place a truth row means (see the module docstring); places the history
    knows (``known`` ids) win ties."""
    known_ids = set(known)
    point = (row.lat, row.lon) if row.lat is not None and row.lon is not None else None

    def far(p: Place) -> float:
        return distance_km(point, (p.lat, p.lon)) if point else 0.0

    named = [p for p in gazetteer.lookup(row.place) if far(p) <= name_km]
    if named:
        return min(named, key=lambda p: (p.id not in known_ids, far(p), -p.importance))
    if point is None:
        return None
    lat, lon = point
    # A first cut by degrees (110 km of latitude; less of longitude away from the equator).
    dlat, dlon = near_km / 110.0, near_km / (110.0 * max(math.cos(math.radians(lat)), 0.01))
    near = [
        p
        for p in gazetteer
        if abs(p.lat - lat) <= dlat and abs(p.lon - lon) <= dlon and far(p) <= near_km
    ]
    alike = [(p, _likeness(row.place, p)) for p in near]
    alike = [(p, sim) for p, sim in alike if sim[0] >= 80.0]
    if not alike:
        return None
    # The name most like the row's, in full (token-sort); then a known place; then the nearest.
    return max(alike, key=lambda ps: (ps[1][1], ps[0].id in known_ids, -far(ps[0])))[0]


def score(history: ControlHistory, rows: Iterable[TruthRow], gazetteer: Gazetteer) -> ControlScore:
    """Score the history against truth rows (see the module docstring)."""
    known = set(history.place_ids())
    results = []
    for row in rows:
        place = match_place(row, gazetteer, known=known)
        state = None
        if place is not None and place.id in known:
            state = history.timeline(place.id).state(row.date, stale_days=history.stale_days)
        results.append(TruthResult(row, place, state))
    return ControlScore(tuple(results))
