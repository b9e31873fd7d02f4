"""The analyst's files: the baseline (who held what at a start date) and overrides (corrections).

Both are UTF-8 CSV files with a header row; blank rows and rows whose first cell starts with
``#`` are skipped, and every error names the file and line (:class:`~geo.exceptions.OverrideError`).

* a theatre's ``baseline.csv`` (``place_id,place_name,side,as_of,source_note``): who held
  each place on ``as_of``; ``side`` is a side id or ``unknown``. A file may hold several dated
  snapshots: a place may have one row per ``as_of`` date, each with its source. A file with only
  the header is an empty baseline (the control picture from the articles alone).
* a theatre's ``overrides.csv`` (``action,place_id,side,kind,date,doc_id,note``): ``add``
  inserts a report that is fused like any other; ``reject`` drops every event matching the non-empty
  fields; ``set`` forces the controller (a side id, ``contested`` or ``unknown``) from ``date``
  on. Every row needs a note. A missing packaged file means no overrides.

How :class:`geo.control.ControlHistory` applies them is in :mod:`geo.fusion` (``add`` and
``reject``) and :mod:`geo.control` (the baseline and ``set``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo._datafile import raise_it, read_csv_rows
from geo.dates import FuzzyDate
from geo.exceptions import OverrideError
from geo.extract import ACTIVITY_KINDS, CONTROL_KINDS, Event
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.theatre import load_theatre

__all__ = [
    "CONTESTED",
    "UNKNOWN",
    "BaselineEntry",
    "Override",
    "load_baseline",
    "load_overrides",
]

# Controller values besides side ids (the analyst's files use them too).
CONTESTED = "contested"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """Who held a place at a start date (a row of a theatre's ``baseline.csv``)."""

    place_id: str
    place_name: str
    lat: float
    lon: float
    side: str  # a side id or "unknown"
    as_of: date
    source_note: str
    where: str = ""  # file:line


@dataclass(frozen=True, slots=True)
class Override:
    """An analyst's correction (a row of a theatre's ``overrides.csv``).

    ``add`` inserts a report that is fused like any other; ``reject`` drops every event
    matching the non-empty fields; ``set`` forces the controller from ``date`` on.
    """

    action: str
    place_id: str
    place_name: str
    lat: float
    lon: float
    side: str
    kind: str
    date: FuzzyDate | None
    doc_id: str
    note: str
    where: str

    def matches(self, ev: Event) -> bool:
        """Whether a ``reject`` of this row drops the event."""
        if ev.place_id != self.place_id or (self.side and ev.side != self.side):
            return False
        if (self.kind and ev.kind != self.kind) or (self.doc_id and ev.doc_id != self.doc_id):
            return False
        return self.date is None or (
            ev.fuzzy_date is not None and self.date.compatible(ev.fuzzy_date)
        )


def _rows(path: Path, required: Sequence[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Rows of a CSV as (file:line, row); blank rows and rows starting with '#' are skipped.

    The file is read strictly (geo._datafile): not UTF-8, or a line that is not one CSV
    record (an unterminated quote), is an error naming the file and line.
    """
    if path.is_file() and not path.read_bytes().strip():
        return  # an empty file: no rows
    for lineno, row in read_csv_rows(path, required, OverrideError, raise_it):
        first = next(iter(row.values()), "")
        if not any(v.strip() for v in row.values()) or first.startswith("#"):
            continue
        yield f"{path}:{lineno}", {k: v.strip() for k, v in row.items() if k}


def _fail(where: str, reason: str) -> OverrideError:
    path, _, line = where.rpartition(":")
    return OverrideError(path, int(line), reason)


def load_baseline(
    path: Path | str | None = None, *, gazetteer: Gazetteer, sides: Sides
) -> list[BaselineEntry]:
    """Read a baseline CSV (``place_id,place_name,side,as_of,source_note``).

    Returns
    -------
    list of BaselineEntry
        In file order; a place may have several rows with different ``as_of`` dates.

    Raises
    ------
    OverrideError
        On an unknown place id or side, a bad date or a place repeated on one date, naming
        file:line.
    """
    bpath = Path(path) if path is not None else load_theatre().baseline_path
    if bpath is None:
        return []
    out: dict[tuple[str, date], BaselineEntry] = {}
    for where, row in _rows(bpath, ("place_id", "side", "as_of")):
        pid, side = row["place_id"], row["side"]
        if pid not in gazetteer:
            raise _fail(where, f"place_id {pid!r} is not in the gazetteer")
        if side not in (*sides.ids, UNKNOWN):
            raise _fail(where, f"side {side!r} is not a side id or 'unknown'")
        try:
            as_of = date.fromisoformat(row["as_of"])
        except ValueError:
            raise _fail(where, f"as_of {row['as_of']!r} is not an ISO date") from None
        if (pid, as_of) in out:
            first = out[(pid, as_of)].where
            raise _fail(where, f"place {pid!r} repeated on {as_of} (first at {first})")
        place = gazetteer.get(pid)
        out[(pid, as_of)] = BaselineEntry(
            pid, place.name, place.lat, place.lon, side, as_of, row.get("source_note", ""), where
        )
    return list(out.values())


def load_overrides(
    path: Path | str | None = None, *, gazetteer: Gazetteer, sides: Sides
) -> list[Override]:
    """Read an overrides CSV (``action,place_id,side,kind,date,doc_id,note``); missing: none.

    Raises
    ------
    OverrideError
        On a bad action, place, side, kind or date, or a missing note, naming file:line.
    """
    opath = Path(path) if path is not None else load_theatre().overrides_path
    if opath is None or (path is None and not opath.exists()):
        return []
    out: list[Override] = []
    for where, row in _rows(opath, ("action", "place_id", "side", "kind", "date", "note")):
        action, pid, side, kind = row["action"], row["place_id"], row["side"], row["kind"]
        if action not in ("add", "reject", "set"):
            raise _fail(where, f"action {action!r} is not add, reject or set")
        if pid not in gazetteer:
            raise _fail(where, f"place_id {pid!r} is not in the gazetteer")
        allowed = (*sides.ids, CONTESTED, UNKNOWN) if action == "set" else sides.ids
        if (side or action != "reject") and side not in allowed:
            raise _fail(where, f"side {side!r} is not one of {', '.join(allowed)}")
        if action == "add" and kind not in (*CONTROL_KINDS, *ACTIVITY_KINDS):
            raise _fail(where, f"kind {kind!r} is not an event kind")
        if not row["note"]:
            raise _fail(where, "every override needs a note")
        try:
            when = FuzzyDate.parse(row["date"]) if row["date"] else None
        except ValueError as exc:
            raise _fail(where, str(exc)) from None
        if when is None and action != "reject":
            raise _fail(where, f"{action} needs a date")
        place = gazetteer.get(pid)
        out.append(
            Override(
                action,
                pid,
                place.name,
                place.lat,
                place.lon,
                side,
                kind,
                when,
                row.get("doc_id", ""),
                row["note"],
                where,
            )
        )
    return out
