"""Control over time: the state of every place by date, from fused changes, the baseline and
overrides; zones and the front line.

Coordinates: ``lat``/``lon`` attributes are WGS84 degrees; shapely geometries and GeoDataFrames
are (lon, lat), EPSG:4326.

The stages live in their own modules, and everything is importable from here: how reports
become changes in :mod:`geo.fusion` (:class:`SourceRef`, :class:`ControlChange`), the analyst's
baseline and overrides in :mod:`geo.analyst`, and the geometry of zones and the front line in
:mod:`geo.zones`.

State rules
-----------
The baseline gives the holder at its ``as_of`` date; changes that may predate it (their period
starts on or before ``as_of``) are taken as already reflected in it. Then, in date order:
capture sets the holder; withdraw makes the withdrawing side's place ``unknown`` (never the
opponent's by default); contested makes it ``contested`` until a later capture or claim;
control_claim confirms the holder, or sets it when the place is unknown or contested or the claim
has at least as many sources as the change it contradicts; offensive and strike never change
control. Analyst ``set`` overrides win on their day. A place with no control report for more
than ``stale_days`` is ``stale``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from geo.analyst import (
    CONTESTED,
    UNKNOWN,
    BaselineEntry,
    Override,
    load_baseline,
    load_overrides,
)
from geo.events import ACTIVITY_KINDS, Event
from geo.fusion import KIND_RANK, OVERRIDE, ControlChange, SourceRef, fuse
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.theatre import Theatre, load_theatre
from geo.zones import ZoneMap

if TYPE_CHECKING:
    from geo.store import Store

__all__ = [
    "CONTESTED",
    "UNKNOWN",
    "BaselineEntry",
    "ControlChange",
    "ControlHistory",
    "Override",
    "PlaceState",
    "SourceRef",
    "load_baseline",
    "load_overrides",
    "state",
]


@dataclass(frozen=True, slots=True)
class PlaceState:
    """Who controls one place on one date, and why we think so."""

    place_id: str
    place_name: str
    lat: float
    lon: float
    controller: str  # a side id, "contested" or "unknown"
    since: date | None
    last_report: date | None
    stale: bool
    evidence: tuple[SourceRef, ...]
    claims: tuple[SourceRef, ...] = ()  # conflicting claims, for contested places
    from_baseline: bool = False


@dataclass
class _Run:
    """The state of one place while its changes are applied in order."""

    controller: str = UNKNOWN
    since: date | None = None
    last: date | None = None
    weight: float = 0.0  # infinite once an analyst has set the controller
    evidence: list[SourceRef] = field(default_factory=list)
    claims: list[SourceRef] = field(default_factory=list)
    from_baseline: bool = False

    def set(self, controller: str, day: date, change: ControlChange, weight: float = 0) -> None:
        self.controller, self.since, self.weight, self.from_baseline = (
            controller,
            day,
            weight,
            False,
        )
        self.evidence = list(change.sources)
        self.claims = list(change.conflicting)


class ControlHistory:
    """The control history of every known place.

    The rules are in the module docstrings: fusion in :mod:`geo.fusion`, state here, zones and
    the front line in :mod:`geo.zones`.

    Parameters
    ----------
    events
        Extracted events (e.g. :meth:`geo.store.Store.events`).
    sides
        The sides; the first two are the main sides whose shared border is the front line.
    published
        Publication date by document id, for the imprecise-date rule.
    baseline, overrides
        From :func:`load_baseline` and :func:`load_overrides`.
    stale_days
        A place with no control report for more days than this is ``stale``.
    merge_days
        Day-precise reports of one change may differ by this many days.
    max_distance_km
        Zones reach at most this far from a place with known control.
    land
        The land to clip zones to, (lon, lat); read from ``land_path`` when None.
    land_path
        A GeoJSON of the land (a theatre's ``land_path``); the default theatre's by default.
    """

    def __init__(
        self,
        events: Iterable[Event],
        *,
        sides: Sides,
        published: Mapping[str, date] | None = None,
        baseline: Sequence[BaselineEntry] = (),
        overrides: Sequence[Override] = (),
        stale_days: int = 30,
        merge_days: int = 2,
        max_distance_km: float = 60.0,
        land: BaseGeometry | None = None,
        land_path: Path | None = None,
    ) -> None:
        self.sides = sides
        self.published = dict(published or {})
        self.baseline = {b.place_id: b for b in baseline}
        self.overrides = list(overrides)
        self.stale_days = stale_days
        self.merge_days = merge_days
        self.max_distance_km = max_distance_km
        self._changes = fuse(
            list(events),
            sides=sides,
            published=self.published,
            overrides=self.overrides,
            merge_days=merge_days,
        )
        self._by_place: dict[str, list[ControlChange]] = defaultdict(list)
        for ch in self._changes:
            if ch.kind not in ACTIVITY_KINDS:
                self._by_place[ch.place_id].append(ch)
        for chs in self._by_place.values():
            chs.sort(key=lambda c: (c.effective, KIND_RANK[c.kind]))
        self._breaks = sorted(
            {c.effective for c in self._changes} | {b.as_of for b in self.baseline.values()}
        )
        self._geo: dict[int, tuple[gpd.GeoDataFrame, BaseGeometry | None]] = {}
        self._zone_map = ZoneMap(sides.theatre.bounds, land=land, land_path=land_path)
        self._ctl: dict[int, dict[str, str]] = {}

    @classmethod
    def from_store(
        cls,
        store: Store,
        *,
        theatre: Theatre | None = None,
        sides: Sides | None = None,
        gazetteer: Gazetteer | None = None,
        baseline: Path | str | None = None,
        overrides: Path | str | None = None,
        **options: Any,
    ) -> ControlHistory:
        """Build the history from a store and a theatre's baseline, overrides and land.

        ``theatre`` defaults to the default packaged theatre; ``sides``, ``gazetteer``,
        ``baseline`` and ``overrides`` replace its own (a theatre without a baseline or
        overrides file has none).
        """
        theatre = theatre or load_theatre()
        sides = sides or theatre.sides
        gazetteer = gazetteer or Gazetteer.load(theatre.gazetteer_path)
        baseline_path = baseline or theatre.baseline_path
        overrides_path = overrides or theatre.overrides_path
        options.setdefault("land_path", theatre.land_path)
        return cls(
            store.events(),
            sides=sides,
            published=store.published(),
            baseline=(
                load_baseline(baseline_path, gazetteer=gazetteer, sides=sides)
                if baseline_path
                else []
            ),
            overrides=(
                load_overrides(overrides_path, gazetteer=gazetteer, sides=sides)
                if overrides_path
                else []
            ),
            **options,
        )

    # -- state ------------------------------------------------------------------------------------
    def changes(self) -> list[ControlChange]:
        """Every fused change (activities and overrides included), by effective date."""
        return list(self._changes)

    def place_ids(self) -> list[str]:
        """Every place with a baseline row or a control change."""
        return sorted(set(self.baseline) | set(self._by_place))

    def state(self, day: date) -> list[PlaceState]:
        """The state on ``day`` of each place known by then, by place name."""
        states = (self._place_state(pid, day) for pid in self.place_ids())
        return sorted((s for s in states if s is not None), key=lambda s: s.place_name)

    def _place_state(self, pid: str, day: date) -> PlaceState | None:
        base = self.baseline.get(pid)
        if base is not None and base.as_of > day:
            base = None  # before its date the baseline says nothing
        run = _Run()
        meta: BaselineEntry | ControlChange | None = base
        if base is not None:
            ref = SourceRef(
                "baseline",
                "baseline",
                "",
                base.source_note,
                base.as_of.isoformat(),
                "baseline",
                base.side,
                1.0,
                None,
            )
            run = _Run(base.side, base.as_of, base.as_of, 0.0, [ref], [], True)
        for ch in self._by_place.get(pid, ()):
            if ch.effective > day:
                break
            if base is not None and ch.kind != OVERRIDE and ch.date.first <= base.as_of:
                continue  # may predate the baseline, which already reflects it
            meta = meta or ch
            self._apply(run, ch)
        if meta is None:
            return None
        stale = run.last is None or (day - run.last).days > self.stale_days
        return PlaceState(
            meta.place_id,
            meta.place_name,
            meta.lat,
            meta.lon,
            run.controller,
            run.since,
            run.last,
            stale,
            tuple(run.evidence),
            tuple(run.claims),
            run.from_baseline,
        )

    def _apply(self, run: _Run, ch: ControlChange) -> None:
        day, weight = ch.effective, ch.corroboration
        run.last = max(run.last or day, day)
        if ch.kind == OVERRIDE:
            run.set(ch.side, day, ch, float("inf"))
        elif ch.kind == CONTESTED:
            run.set(CONTESTED, day, ch)
            run.claims = list(ch.sources)
        elif ch.kind == "withdraw" and run.controller in (ch.side, CONTESTED):
            run.set(UNKNOWN, day, ch)
        elif ch.kind in ("capture", "control_claim") and run.controller != ch.side:
            weak = ch.kind == "control_claim" and run.controller not in (UNKNOWN, CONTESTED)
            # The holder's weight: articles behind it so far (an analyst's set is final).
            held = max(run.weight, len({e.doc_id for e in run.evidence}))
            if weak and weight < held:
                run.claims.extend(ch.sources)  # outweighed: visible, not applied
            else:
                run.set(ch.side, day, ch)
        else:  # confirms the holder
            run.evidence.extend(ch.sources)
            run.claims.extend(ch.conflicting)

    def controllers(self, day: date) -> dict[str, str]:
        """Controller by place id on ``day``."""
        key = bisect.bisect_right(self._breaks, day)  # constant between break dates
        if key not in self._ctl:
            self._ctl[key] = {s.place_id: s.controller for s in self.state(day)}
        return dict(self._ctl[key])

    def span(self, day: date) -> tuple[date, date | None]:
        """The span of constant control containing ``day``: (first, stop), stop exclusive or
        None when no later change is known."""
        lo = min([day, *self._breaks[:1]])
        hi = max([day, *self._breaks[-1:]])
        for first, stop in self.intervals(lo, hi):
            if first <= day < stop:
                return first, (None if stop > hi else stop)
        raise AssertionError("intervals cover lo..hi")  # pragma: no cover

    def intervals(self, start: date, end: date) -> list[tuple[date, date]]:
        """Spans of constant control covering ``start``..``end`` inclusive.

        Returns
        -------
        list of tuple
            ``(first, stop)`` pairs, ``stop`` exclusive; a new span begins on each day some
            place's controller changes, so a map can step through them.
        """
        cuts = [start]
        for day in self._breaks:
            if start < day <= end and self.controllers(day) != self.controllers(
                day - timedelta(days=1)
            ):
                cuts.append(day)
        stops = [*cuts[1:], end + timedelta(days=1)]
        return list(zip(cuts, stops, strict=True))

    # -- zones and the front line (geometry in geo.zones) -------------------------------------
    def zones(self, day: date) -> gpd.GeoDataFrame:
        """Control zones on ``day``: one row per side, columns ``side``, ``geometry`` (EPSG:4326).

        Zones are Voronoi cells of the places held by a side, clipped to the land and to
        ``max_distance_km`` around each place, dissolved per side. Computed once per span of
        constant control.
        """
        return self._zones_and_front(day)[0].copy()

    def frontline(self, day: date) -> BaseGeometry | None:
        """The shared border of the two main sides' zones on ``day``, (lon, lat); None if none."""
        return self._zones_and_front(day)[1]

    def _zones_and_front(self, day: date) -> tuple[gpd.GeoDataFrame, BaseGeometry | None]:
        key = bisect.bisect_right(self._breaks, day)  # the span of constant control
        if key not in self._geo:
            self._geo[key] = self._compute_zones(day)
        return self._geo[key]

    def _compute_zones(self, day: date) -> tuple[gpd.GeoDataFrame, BaseGeometry | None]:
        held = [
            (s.lon, s.lat, s.controller) for s in self.state(day) if s.controller in self.sides.ids
        ]
        return self._zone_map.compute(held, self.sides.ids, max_distance_km=self.max_distance_km)


def state(
    store: Store | Path | str,
    day: date,
    *,
    baseline: Path | str | None = None,
    overrides: Path | str | None = None,
    sides: Sides | None = None,
    gazetteer: Gazetteer | None = None,
    stale_days: int = 30,
) -> list[PlaceState]:
    """Each known place's state on ``day``, from a store (or its path) and the analyst files."""
    from geo.store import Store

    opened = store if isinstance(store, Store) else Store(store, create=False)
    try:
        history = ControlHistory.from_store(
            opened,
            sides=sides,
            gazetteer=gazetteer,
            baseline=baseline,
            overrides=overrides,
            stale_days=stale_days,
        )
    finally:
        if opened is not store:
            opened.close()
    return history.state(day)
