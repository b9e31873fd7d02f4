"""Turn a control history into the map's data: every place, event and piece of geometry once.

The page (``geo/assets/map.js``) restyles everything by the slider's date, so nothing here is
repeated per date:

* **places**: each place once, with its *timeline*: the days its state changes, and on each
  the controller, since when, the last report and the evidence (as lists of source indices);
* **events**: each fused change once, with the days it is on the map and its marker slot;
* **sources**: each report once (outlet, link, quote, date), shared by places and events;
* **geometry**: the zones and the front line of every *period* (from one change date to the
  next) as pieces (a place's clipped cell, a stretch of the front) in one shared topology
  (:mod:`geo._render_topo`); a piece that lasts several periods is stored once with the run of
  periods it is shown in.

Everything that comes from an article is escaped here (:func:`geo._render_html.esc`); the page
only joins these strings with its own markup. Days are counted from ``start`` (day 0).
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol, runtime_checkable

import shapely
from shapely.geometry.base import BaseGeometry

from geo._render_cache import PartsCache
from geo._render_html import KIND_LABELS, esc, fmt_fuzzy, fmt_iso, safe_colour, safe_url
from geo._render_topo import TopologyBuilder
from geo.control import ControlChange, PlaceState, SourceRef
from geo.sides import Sides

__all__ = [
    "ACTIVITY_KINDS",
    "PAGE_GRID",
    "HistoryLike",
    "MapData",
    "build_data",
    "data_range",
    "default_range",
]

log = logging.getLogger(__name__)

#: Event kinds that are activity, not control: their own layer, off by default.
ACTIVITY_KINDS = ("offensive", "strike")
CONTESTED, UNKNOWN = "contested", "unknown"
_NEUTRAL = "#8a8a8a"
_CONTESTED_LINE = "#555555"
_PRECISION = {"day": 0, "month": 1, "year": 2}
PAGE_GRID = 1e-4  # degrees: ~10 m, the coordinate precision of the page
_SIMPLIFY_DEG = 0.002  # ~200 m: invisible at the zooms a war map is read at
_RECENT_DAYS = 30  # the first view fits the front and what happened in this many days


class HistoryLike(Protocol):
    """What the renderer needs of :class:`geo.control.ControlHistory`."""

    def changes(self) -> Sequence[ControlChange]:
        """Every fused change, any order."""
        ...

    def state(self, day: date) -> Sequence[PlaceState]:
        """Every known place on ``day``."""
        ...

    def intervals(self, start: date, end: date) -> Sequence[tuple[date, date]]:
        """Periods of constant control between ``start`` and ``end``."""
        ...

    def zones(self, day: date) -> Any:
        """A GeoDataFrame (``side``, ``geometry``; EPSG:4326) of control zones on ``day``."""
        ...

    def frontline(self, day: date) -> BaseGeometry | None:
        """The front line on ``day`` (lon, lat), or None."""
        ...


@runtime_checkable
class _Timeline(Protocol):
    """One place's states: the days they change, and the state on any day."""

    def days(self) -> Sequence[date]: ...

    def state(self, day: date, *, stale_days: int = 30) -> PlaceState: ...


@runtime_checkable
class _Timelines(Protocol):
    """A history that gives each place's timeline (faster than sampling :meth:`state`)."""

    def place_ids(self) -> Sequence[str]: ...

    def timeline(self, place_id: str) -> Any: ...


@runtime_checkable
class _Parts(Protocol):
    """A history that gives the pieces of its zones (cells and front stretches) per day, and a
    key to them."""

    def zone_parts(self, day: date) -> Any: ...

    def zone_key(self, day: date) -> str: ...


@dataclass
class MapData:
    """Everything the page shows, encoded once; :attr:`payload` is the page's JSON."""

    start: date
    end: date
    periods: list[date]
    payload: dict[str, Any]
    view: tuple[tuple[float, float], tuple[float, float]] | None = None  # ((s, w), (n, e))
    first_data: date | None = None
    sides_shown: list[str] = field(default_factory=list)
    kinds_shown: list[str] = field(default_factory=list)
    articles: int = 0


# -- tables of shared strings and sources --------------------------------------------------------
class _Table:
    """Rows stored once each; a row's index is its position."""

    def __init__(self, first: Any = None) -> None:
        self.rows: list[Any] = []
        self._index: dict[Any, int] = {}
        if first is not None:
            self.add(first)

    def add(self, row: Any) -> int:
        key = row if not isinstance(row, list) else tuple(row)
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.rows)
            self.rows.append(row)
        return found


class _Sources:
    """Reports, their articles and the lists of reports that places and events cite."""

    _QUOTE_MAX = 320

    def __init__(self, codes: _SideCodes) -> None:
        self.codes = codes
        self.text = _Table()  # escaped strings
        self.docs = _Table()  # [outlet, url] string indices (url -1: no safe link)
        self.refs = _Table()  # [doc, quote, date, side, kind, source group, claimant]
        self.lists = _Table(first=[])  # tuples of ref indices; 0 is the empty list
        self.kinds = _Table()
        self._seen: dict[SourceRef, int] = {}

    def ref(self, ref: SourceRef) -> int:
        found = self._seen.get(ref)
        if found is None:
            found = self._seen[ref] = self._ref(ref)
        return found

    def _ref(self, ref: SourceRef) -> int:
        outlet = ref.outlet.strip()
        href = safe_url(ref.url)
        doc = self.docs.add([self.text.add(esc(outlet)), self.text.add(href) if href else -1])
        quote = " ".join(ref.quote.split())
        if len(quote) > self._QUOTE_MAX:
            quote = quote[: self._QUOTE_MAX - 1].rstrip() + "…"
        return self.refs.add(
            [
                doc,
                self.text.add(esc(quote)),
                self.text.add(esc(fmt_iso(ref.date)) if ref.date else ""),
                self.codes.code(ref.side) if ref.side else -1,
                self.kinds.add(esc(KIND_LABELS.get(ref.kind, ref.kind))),
                self.text.add(esc(getattr(ref, "source_group", ref.doc_id))),
                self.codes.code(claim) if (claim := getattr(ref, "claimant", "")) else -1,
            ]
        )

    def cite(self, refs: Iterable[SourceRef]) -> int:
        return self.lists.add(tuple(dict.fromkeys(self.ref(r) for r in refs)))

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text.rows,
            "docs": self.docs.rows,
            "refs": self.refs.rows,
            "lists": [list(r) for r in self.lists.rows],
            "kinds": self.kinds.rows,
        }


class _SideCodes:
    """Small integers for the sides, ``contested``, ``unknown`` and any stray id."""

    def __init__(self, sides: Sides) -> None:
        self.sides = sides
        self.ids: list[str] = [*sides.ids, CONTESTED, UNKNOWN]

    def code(self, side: str) -> int:
        if side not in self.ids:
            self.ids.append(side)
        return self.ids.index(side)

    def as_json(self) -> list[dict[str, Any]]:
        out = []
        for sid in self.ids:
            known = sid in self.sides.ids
            colour = (
                _CONTESTED_LINE
                if sid == CONTESTED
                else safe_colour(self.sides.colour(sid, _NEUTRAL), _NEUTRAL)
            )
            out.append(
                {
                    "id": esc(sid),
                    "short": esc(self.sides.get(sid).short if known else sid.capitalize()),
                    "name": esc(self.sides.get(sid).name if known else ""),
                    "colour": colour,
                    "line": _darker(colour),
                    "held": known,
                }
            )
        return out


def _darker(colour: str, factor: float = 0.62) -> str:
    """A darker shade of a ``#rrggbb`` colour, for the outline of a zone."""
    full = colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])
    rgb = [int(full[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * factor):02x}" for c in rgb)


# -- ranges and periods -------------------------------------------------------------------------
def default_range(history: HistoryLike) -> tuple[date, date]:
    """The first and last effective dates of the history (today twice when it is empty)."""
    days = [c.effective for c in history.changes()]
    if not days:
        today = date.today()
        return today, today
    return min(days), max(days)


def data_range(history: HistoryLike) -> tuple[date, date]:
    """The span of the evidence: from the first baseline date (or, with no baseline, the first
    report) to the last report or publication.

    Reports with an imprecise date before the first baseline do not pull the start back: the
    baseline already reflects them, and a map that opens on empty months says nothing.
    """
    lo, hi = default_range(history)
    baseline = getattr(history, "baseline", None) or ()
    rows = baseline.values() if isinstance(baseline, Mapping) else baseline
    as_of = [b.as_of for b in rows]
    start = getattr(history, "data_start", None)
    first = min(as_of) if as_of else start if isinstance(start, date) else lo
    published = list((getattr(history, "published", None) or {}).values())
    last = max([hi, *published, *as_of]) if history.changes() or as_of else hi
    return first, max(first, last)


def _periods(history: HistoryLike, start: date, end: date) -> list[date]:
    # Only the first day of each interval counts: that is right whether the history's intervals
    # end inclusive or exclusive.
    starts = {start} | {a for a, _ in history.intervals(start, end) if start < a <= end}
    return sorted(starts)


def _changes_in(history: HistoryLike, start: date, end: date) -> list[ControlChange]:
    chosen = [c for c in history.changes() if start <= c.effective <= end]
    return sorted(chosen, key=lambda c: (c.effective, c.place_name, c.kind, c.side))


# -- the builder --------------------------------------------------------------------------------
class _Builder:
    def __init__(
        self,
        history: HistoryLike,
        sides: Sides,
        start: date,
        end: date,
        names: Mapping[str, str],
    ) -> None:
        self.history = history
        self.start, self.end = start, end
        self.codes = _SideCodes(sides)
        self.sources = _Sources(self.codes)
        self.names = names
        self.place_index: dict[str, int] = {}
        self.places: list[list[Any]] = []
        self.topology = TopologyBuilder(grid=PAGE_GRID, tolerance=_SIMPLIFY_DEG)

    def day(self, d: date | None) -> int | None:
        return None if d is None else (d - self.start).days

    def place(self, pid: str, name: str, lat: float, lon: float) -> int:
        """The index of a place in the page's table (added on first sight)."""
        found = self.place_index.get(pid)
        if found is None:
            found = self.place_index[pid] = len(self.places)
            shown = self.names.get(pid) or name
            # [name, lat, lon, flags (1: changed in range), label rank, timeline]
            self.places.append([esc(shown), round(lat, 5), round(lon, 5), 0, -1, []])
        return found

    def entry(self, day: date, st: PlaceState) -> list[Any]:
        flags = (1 if st.from_baseline else 0) | (2 if st.stale else 0)
        return [
            self.day(day),
            self.codes.code(st.controller),
            self.day(st.since),
            self.day(st.last_report),
            flags,
            self.sources.cite(st.evidence),
            self.sources.cite(r for r in _against(st) if r not in st.evidence),
            *_extra(st),
        ]


def _against(st: PlaceState) -> tuple[SourceRef, ...]:
    """The reports against a state (``claims`` in older histories)."""
    found: tuple[SourceRef, ...] = getattr(st, "against", ()) or getattr(st, "claims", ())
    return found


def _extra(st: PlaceState) -> list[Any]:
    """What newer histories tell about a state, when they do: its status and confidence."""
    status = getattr(st, "status", None)
    confidence = getattr(st, "confidence", None)
    if status is None and confidence is None:
        return []
    conf = round(float(confidence), 2) if isinstance(confidence, int | float) else None
    return [esc(status) if isinstance(status, str) else None, conf]


def _place_timelines(b: _Builder, periods: list[date]) -> None:
    """Each place's states over the range, from the last one before it, at the days they
    change; a place is on the map from its first data."""
    history = b.history
    stale = int(getattr(history, "stale_days", 30))
    if isinstance(history, _Timelines):
        for pid in history.place_ids():
            tl = history.timeline(pid)
            if not isinstance(tl, _Timeline):
                break  # an older history: sample it below
            days = [d for d in tl.days() if d <= b.end]
            before = [d for d in days if d <= b.start]
            chosen = [b.start] * bool(before) + [d for d in days if d > b.start]
            states = [(d, tl.state(d, stale_days=stale)) for d in chosen]
            entries = [b.entry(d, st) for d, st in states if not st.no_data]
            if entries:
                st0 = states[0][1]
                idx = b.place(pid, st0.place_name, st0.lat, st0.lon)
                b.places[idx][5] = entries
        else:
            return
    last: dict[str, PlaceState] = {}
    for first in periods:  # a history without timelines: sample it once per period
        for st in history.state(first):
            if getattr(st, "no_data", False) or last.get(st.place_id) == st:
                continue
            idx = b.place(st.place_id, st.place_name, st.lat, st.lon)
            b.places[idx][5].append(b.entry(first, st))
            last[st.place_id] = st


def _zone_pieces(
    history: HistoryLike, day: date, cache: PartsCache | None = None
) -> tuple[list[tuple[str, Any]], list[Any]]:
    """The cells and front stretches of one day (from the cache when it has their layout);
    whole zones when the history has no parts."""
    if isinstance(history, _Parts):
        key = history.zone_key(day) if cache is not None else ""
        found = cache.get(key) if cache is not None else None
        if found is not None:
            return found
        parts = history.zone_parts(day)
        if cache is not None:
            return cache.put(key, list(parts.cells), list(parts.front))
        return list(parts.cells), list(parts.front)
    zones = history.zones(day)
    cells: list[tuple[str, Any]] = []
    if zones is not None and len(zones):
        for side, geom in zip(zones["side"], zones.geometry, strict=True):
            if geom is not None and not geom.is_empty:
                cells.extend((str(side), g) for g in shapely.get_parts(geom))
    line = history.frontline(day)
    return cells, [] if line is None or line.is_empty else [line]


def _geometry(
    b: _Builder, periods: list[date], cache: PartsCache | None
) -> tuple[list[int], list[int], set[str], list[Any]]:
    """Runs ``[piece, side, first period, last period]`` of zone cells and ``[piece, first,
    last]`` of front stretches, flattened; the sides that hold any zone; the last front."""
    zone_runs: dict[tuple[int, int], list[int]] = {}
    front_runs: dict[int, list[int]] = {}
    zr: list[list[int]] = []
    fr: list[list[int]] = []
    seen: set[str] = set()
    for k, first in enumerate(periods):
        cells, front = _zone_pieces(b.history, first, cache)
        for side, geom in cells:
            if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
                continue
            seen.add(side)
            key = (b.topology.add(geom), b.codes.code(side))
            run = zone_runs.get(key)
            if run is not None and run[3] == k - 1:
                run[3] = k
            elif run is None or run[3] != k:  # the same piece twice in a day is drawn once
                zone_runs[key] = run = [key[0], key[1], k, k]
                zr.append(run)
        for geom in front:
            if geom.is_empty or geom.geom_type not in ("LineString", "MultiLineString"):
                continue
            line = b.topology.add(geom)
            frun = front_runs.get(line)
            if frun is not None and frun[2] == k - 1:
                frun[2] = k
            elif frun is None or frun[2] != k:
                front_runs[line] = frun = [line, k, k]
                fr.append(frun)
    return [x for r in zr for x in r], [x for r in fr for x in r], seen, front


def _events(b: _Builder, changes: list[ControlChange], periods: list[date], days: int) -> list[Any]:
    """``[place, kind, side, date text, precision, from, until, slot, reports, approximate,
    sources, conflicting]`` per change; ``until`` is exclusive."""
    boundaries = periods[1:]
    slots: dict[str, list[tuple[date, date, int]]] = {}
    out = []
    for c in changes:
        # Gone on the first change date after ``days`` (so the slider's stops stay the change
        # dates), or after ``2 * days`` when no change comes by then.
        keep = c.effective + timedelta(days=days)
        k = bisect.bisect_left(boundaries, keep)
        until: date | None = boundaries[k] if k < len(boundaries) else None
        if until is None or until > keep + timedelta(days=days):
            until = keep if keep <= b.end else None
        last = until or b.end + timedelta(days=1)
        taken = {k for a, z, k in slots.get(c.place_id, []) if a < last and c.effective < z}
        slot = next(k for k in range(len(taken) + 1) if k not in taken)
        slots.setdefault(c.place_id, []).append((c.effective, last, slot))
        kind = c.kind if c.kind in KIND_LABELS else "control_claim"
        out.append(
            [
                b.place(c.place_id, c.place_name, c.lat, c.lon),
                kind,
                b.codes.code(c.side),
                b.sources.text.add(esc(fmt_fuzzy(c.date))),
                _PRECISION.get(c.date.precision, 0),
                b.day(c.effective),
                b.day(last),
                slot,
                c.corroboration,
                1 if c.approximate else 0,
                b.sources.cite(c.sources),
                b.sources.cite(c.conflicting),
            ]
        )
    return out


def _label_ranks(
    b: _Builder, changes: list[ControlChange], importance: Mapping[str, float], most: int
) -> None:
    """Rank the places for permanent labels: important places first, then the most reported.

    The page draws labels in this order and hides one that would overlap a label drawn before.
    """
    reports: dict[int, set[str]] = {}
    for c in changes:
        reports.setdefault(b.place_index[c.place_id], set()).update(s.doc_id for s in c.sources)
    candidates = [i for i, p in enumerate(b.places) if p[5]]
    ids = {i: pid for pid, i in b.place_index.items()}

    def score(i: int) -> tuple[float, str]:
        weight = 3.0 * float(importance.get(ids[i], 0.0)) + min(len(reports.get(i, ())), 20) / 10
        return (-weight, b.places[i][0])

    for rank, i in enumerate(sorted(candidates, key=score)[:most]):
        b.places[i][4] = rank
    for i in reports:
        b.places[i][3] |= 1  # changed in the range: a bigger marker


def _first_view(
    b: _Builder, changes: list[ControlChange], front: list[BaseGeometry]
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The view the page opens on: the last front line and the last month's events, else every
    place on the map; ((south, west), (north, east))."""
    recent = b.end - timedelta(days=_RECENT_DAYS)
    # Control changes with a known date: activity and "sometime in 2020" say little about where
    # the war is now.
    chosen = [
        c
        for c in changes
        if c.effective >= recent and c.kind not in ACTIVITY_KINDS and not c.approximate
    ]
    lons = [c.lon for c in chosen]
    lats = [c.lat for c in chosen]
    for geom in front:
        x0, y0, x1, y1 = geom.bounds
        lons += [x0, x1]
        lats += [y0, y1]
    if not lons:
        lons = [p[2] for p in b.places if p[5]]
        lats = [p[1] for p in b.places if p[5]]
    if not lons:
        return None
    pad = 0.08
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    dx, dy = max(e - w, 1.2), max(n - s, 0.8)  # never closer than a town and its neighbours
    cx, cy = (w + e) / 2, (s + n) / 2
    dx, dy = dx * (1 + 2 * pad), dy * (1 + 2 * pad)
    return (
        (round(cy - dy / 2, 4), round(cx - dx / 2, 4)),
        (round(cy + dy / 2, 4), round(cx + dx / 2, 4)),
    )


def build_data(
    history: HistoryLike,
    sides: Sides,
    *,
    start: date,
    end: date,
    event_days: int = 7,
    names: Mapping[str, str] | None = None,
    importance: Mapping[str, float] | None = None,
    first_data: date | None = None,
    max_labels: int = 80,
    cache: PartsCache | None = None,
) -> MapData:
    """Encode everything the map shows between ``start`` and ``end`` (inclusive).

    Parameters
    ----------
    history
        The control history.
    sides
        Colours and names of the sides.
    start, end
        The dates the slider spans.
    event_days
        An event stays on the map this many days after it takes effect, or until the first
        change date after that when one comes within as many days again.
    names
        The name to show for a place id (the one news uses), instead of the gazetteer's.
    importance
        A 0-1 weight per place id (its size): important places get their labels first.
    first_data
        The first day with evidence (see :func:`data_range`); before it the page says so.
    max_labels
        Label candidates: at most this many places, the best ranked.
    cache
        Zone pieces of earlier builds (:class:`geo._render_cache.PartsCache`), reused and
        added to.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    b = _Builder(history, sides, start, end, names or {})
    periods = _periods(history, start, end)
    _place_timelines(b, periods)
    changes = _changes_in(history, start, end)
    events = _events(b, changes, periods, event_days)
    zones, front, zone_sides, last_front = _geometry(b, periods, cache)
    _label_ranks(b, changes, importance or {}, max_labels)
    topology = b.topology.build()
    kinds = list(KIND_LABELS)
    for ev in events:
        ev[1] = kinds.index(ev[1])
    seen = zone_sides | {b.codes.ids[e[1]] for p in b.places for e in p[5]}
    data = MapData(
        start=start,
        end=end,
        periods=periods,
        payload={},
        view=_first_view(b, changes, last_front),
        first_data=first_data,
        sides_shown=[s for s in sides.ids if s in seen]
        + ([CONTESTED] if CONTESTED in seen else []),
        kinds_shown=sorted({kinds[e[1]] for e in events}),
        # Analyst overrides and the baseline are sources too, but not articles.
        articles=len(
            {
                s.doc_id
                for c in changes
                for s in c.sources
                if s.outlet not in ("analyst", "baseline")
            }
        ),
    )
    data.payload = {
        "v": 1,
        "t0": start.isoformat(),
        "n": (end - start).days,
        "first": b.day(first_data) if first_data is not None else None,
        "stops": [b.day(p) for p in periods],
        "stale": int(getattr(history, "stale_days", 30)),
        "sides": b.codes.as_json(),
        "kinds": [[k, esc(KIND_LABELS[k]), k in ACTIVITY_KINDS] for k in kinds],
        "places": b.places,
        "events": events,
        "src": b.sources.as_json(),
        "topo": topology.as_json(),
        "zones": zones,
        "front": front,
        "view": data.view,
    }
    log.info(
        "map data: %d periods, %d places, %d events, %d arcs, %d zone pieces, %d front pieces",
        len(periods),
        len(b.places),
        len(events),
        len(topology.arcs),
        len(topology.polygons),
        len(topology.lines),
    )
    return data
