"""Control over time: the state of every place by date, from fused changes, the baseline and
overrides; zones and the front line.

Coordinates: ``lat``/``lon`` attributes are WGS84 degrees; shapely geometries and GeoDataFrames
are (lon, lat), EPSG:4326.

The stages live in their own modules, and everything is importable from here: how much a report
is worth and which reports are one source in :mod:`geo.evidence`, how reports become changes in
:mod:`geo.fusion` (:class:`SourceRef`, :class:`ControlChange`), how changes and baseline
snapshots become a state per day (``held``, ``claimed``, ``contested``, ``unknown``, with a
confidence and the reports for and against) in :mod:`geo.assess` (:class:`PlaceState`), the
analyst's baseline and overrides in :mod:`geo.analyst`, and the geometry of zones and the front
line in :mod:`geo.zones`.

Every place known to the history (from a baseline row or a control report) has a state on
every day: before its first data it is ``unknown``, and :attr:`ControlHistory.data_start` is
the first day anything is known ("no data before"). A place with no control report for more
than ``stale_days`` is ``stale``.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
from geo.assess import (
    CLAIMED,
    HELD,
    STATUSES,
    AssessmentRules,
    PlaceState,
    PlaceTimeline,
)
from geo.evidence import EvidenceWeights
from geo.extract import ACTIVITY_KINDS, Event
from geo.fusion import ControlChange, SourceRef, fuse
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.theatre import Theatre, load_theatre
from geo.zones import ZoneMap, ZoneParts

if TYPE_CHECKING:
    from geo.store import Store

__all__ = [
    "CLAIMED",
    "CONTESTED",
    "HELD",
    "STATUSES",
    "UNKNOWN",
    "AssessmentRules",
    "BaselineEntry",
    "ControlChange",
    "ControlHistory",
    "EvidenceWeights",
    "Override",
    "PlaceState",
    "SourceRef",
    "load_baseline",
    "load_overrides",
    "state",
]


class ControlHistory:
    """The control history of every known place.

    The rules are in the module docstrings: weights in :mod:`geo.evidence`, fusion in
    :mod:`geo.fusion`, state in :mod:`geo.assess`, zones and the front line in :mod:`geo.zones`.

    Parameters
    ----------
    events
        Extracted events (e.g. :meth:`geo.store.Store.events`).
    sides
        The sides; the front line runs where the zones of declared opponents meet.
    published
        Publication date by document id, for the imprecise-date rule and source groups.
    baseline, overrides
        From :func:`load_baseline` (several dated snapshots per place allowed) and
        :func:`load_overrides`.
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
    weights, rules
        Evidence weights (:class:`EvidenceWeights`) and state rules (:class:`AssessmentRules`);
        defaults when None.
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
        weights: EvidenceWeights | None = None,
        rules: AssessmentRules | None = None,
    ) -> None:
        self.sides = sides
        self.published = dict(published or {})
        self.baseline = tuple(sorted(baseline, key=lambda b: (b.as_of, b.place_id)))
        self.overrides = list(overrides)
        self.stale_days = stale_days
        self.merge_days = merge_days
        self.max_distance_km = max_distance_km
        self.weights = weights or EvidenceWeights()
        self.rules = rules or AssessmentRules(merge_days=merge_days)
        self._changes = fuse(
            list(events),
            sides=sides,
            published=self.published,
            overrides=self.overrides,
            merge_days=merge_days,
            weights=self.weights,
        )
        self._timelines = self._build_timelines()
        turns = {d for t in self._timelines.values() for d in t.turns()}
        self._breaks = sorted(turns)  # the days some place's controller changes
        firsts = [d for t in self._timelines.values() if (d := t.first_data) is not None]
        self.data_start: date | None = min(firsts, default=None)
        self._geo: dict[int, tuple[gpd.GeoDataFrame, BaseGeometry | None]] = {}
        self._zone_map = ZoneMap(sides.theatre.bounds, land=land, land_path=land_path)
        self._ctl: dict[int, dict[str, str]] = {}
        self._parts: dict[int, ZoneParts] = {}

    def _build_timelines(self) -> dict[str, PlaceTimeline]:
        by_place: dict[str, list[ControlChange]] = defaultdict(list)
        for ch in self._changes:
            if ch.kind not in ACTIVITY_KINDS:
                by_place[ch.place_id].append(ch)
        snaps: dict[str, list[BaselineEntry]] = defaultdict(list)
        for b in self.baseline:
            snaps[b.place_id].append(b)
        out = {}
        for pid in sorted(set(by_place) | set(snaps)):
            chs, rows = by_place.get(pid, []), snaps.get(pid, [])
            meta: ControlChange | BaselineEntry = rows[0] if rows else chs[0]
            out[pid] = PlaceTimeline(
                pid,
                meta.place_name,
                meta.lat,
                meta.lon,
                chs,
                rows,
                sides=self.sides,
                rules=self.rules,
                baseline_weight=self.weights.baseline,
            )
        return out

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
        return list(self._timelines)

    def timeline(self, place_id: str) -> PlaceTimeline:
        """The timeline of one place (KeyError when the history does not know it)."""
        return self._timelines[place_id]

    def state(self, day: date) -> list[PlaceState]:
        """The state on ``day`` of every known place (``unknown`` before its data), by name."""
        states = (t.state(day, stale_days=self.stale_days) for t in self._timelines.values())
        return sorted(states, key=lambda s: (s.place_name, s.place_id))

    def controllers(self, day: date) -> dict[str, str]:
        """Controller by place id on ``day``."""
        key = bisect.bisect_right(self._breaks, day)  # constant between break dates
        if key not in self._ctl:
            self._ctl[key] = {pid: t.controller(day) for pid, t in self._timelines.items()}
        return dict(self._ctl[key])

    def span(self, day: date) -> tuple[date, date | None]:
        """The span of constant control containing ``day``: (first, stop), stop exclusive or
        None when no later change is known."""
        i = bisect.bisect_right(self._breaks, day)
        first = self._breaks[i - 1] if i else day
        return first, (self._breaks[i] if i < len(self._breaks) else None)

    def intervals(self, start: date, end: date) -> list[tuple[date, date]]:
        """Spans of constant control covering ``start``..``end`` inclusive.

        Returns
        -------
        list of tuple
            ``(first, stop)`` pairs, ``stop`` exclusive; a new span begins on each day some
            place's controller changes, so a map can step through them.
        """
        cuts = [start, *(d for d in self._breaks if start < d <= end)]
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
        held, rivals = self._held(day)
        return self._zone_map.compute(
            held, self.sides.ids, max_distance_km=self.max_distance_km, rivals=rivals
        )

    def _held(self, day: date) -> tuple[list[tuple[float, float, str]], list[tuple[str, str]]]:
        """``(lon, lat, side)`` of each place a side holds on ``day``, and the rival pairs."""
        ctl = self.controllers(day)
        held = [
            (t.lon, t.lat, ctl[pid])
            for pid, t in self._timelines.items()
            if ctl[pid] in self.sides.ids
        ]
        return held, [(a, b) for a in self.sides.ids for b in self.sides.opponents(a)]

    def zone_key(self, day: date) -> str:
        """A digest of everything the zones and front line of ``day`` depend on: two days with
        the same key have the same zones (a map's cache of pieces is keyed by it)."""
        held, rivals = self._held(day)
        parts = (self._zone_map.fingerprint(), self.max_distance_km, self.sides.ids, rivals, held)
        return hashlib.sha1(repr(parts).encode()).hexdigest()

    def zone_parts(self, day: date) -> ZoneParts:
        """The pieces of the zones and the front line on ``day``, before they are merged (see
        :meth:`geo.zones.ZoneMap.parts`): a map stores each piece once."""
        key = bisect.bisect_right(self._breaks, day)  # the span of constant control
        if key not in self._parts:
            held, rivals = self._held(day)
            self._parts[key] = self._zone_map.parts(
                held, self.sides.ids, max_distance_km=self.max_distance_km, rivals=rivals
            )
        return self._parts[key]


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
