"""Turn a control history into the timed GeoJSON layers of the map.

Every feature carries ``start``/``end`` properties (ISO dates, as leaflet.timeline reads them)
and ``endExclusive``. The map steps through *periods*: from one change date to the next, the last
period ending on the map's end date inclusive. A place, zone or front line that does not change
between consecutive periods is one feature spanning them, which keeps the page small.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geo._render_assets import EVENT_ICONS
from geo._render_html import (
    change_popup,
    change_tooltip,
    esc,
    label_html,
    place_popup,
    place_tooltip,
    safe_colour,
)
from geo.control import ControlChange, PlaceState
from geo.sides import Sides

__all__ = ["HistoryLike", "MapLayers", "build_layers", "default_range", "simplified_geojson"]

log = logging.getLogger(__name__)

Feature = dict[str, Any]
Period = tuple[date, date | None]  # (first day, first day of the next period or None: last)

_SIMPLIFY_DEG = 0.004  # ~400 m: invisible at the zooms a country map is read at
_GRID_DEG = 1e-4  # ~10 m coordinate precision in the page
_CONTESTED = "contested"
_NEUTRAL = "#8a8a8a"


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


@dataclass
class MapLayers:
    """The timed and static layers of one map, as GeoJSON FeatureCollections."""

    start: date
    end: date
    periods: list[Period]
    zones: list[Feature] = field(default_factory=list)
    front: list[Feature] = field(default_factory=list)
    places: list[Feature] = field(default_factory=list)
    events: list[Feature] = field(default_factory=list)
    labels: list[Feature] = field(default_factory=list)
    sides_shown: list[str] = field(default_factory=list)
    kinds_shown: list[str] = field(default_factory=list)
    articles: int = 0

    @staticmethod
    def collection(features: list[Feature]) -> dict[str, Any]:
        """A FeatureCollection of ``features``."""
        return {"type": "FeatureCollection", "features": features}


def _geom_json(geom: BaseGeometry) -> dict[str, Any] | None:
    geom = shapely.set_precision(geom.simplify(_SIMPLIFY_DEG, preserve_topology=True), _GRID_DEG)
    if geom.is_empty:
        return None
    out: dict[str, Any] = json.loads(shapely.to_geojson(geom))
    return out


def simplified_geojson(data: dict[str, Any], *, tolerance: float = 0.002) -> dict[str, Any]:
    """A copy of a FeatureCollection with simplified, rounded geometries (for static layers)."""
    features = []
    for feat in data.get("features", []):
        geom = shape(feat["geometry"])
        geom = shapely.set_precision(geom.simplify(tolerance, preserve_topology=True), _GRID_DEG)
        if geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "properties": feat.get("properties", {}), "geometry": mapping(geom)}
        )
    return {"type": "FeatureCollection", "features": features}


def _periods(history: HistoryLike, start: date, end: date) -> list[Period]:
    # Only the first day of each interval counts: that is right whether the history's intervals
    # end inclusive or exclusive.
    starts = {start} | {a for a, _ in history.intervals(start, end) if start < a <= end}
    ordered = sorted(starts)
    nxt: list[date | None] = [*ordered[1:], None]
    return list(zip(ordered, nxt, strict=True))


def _when(first: date, nxt: date | None, end: date) -> dict[str, Any]:
    if nxt is None:
        return {"start": first.isoformat(), "end": end.isoformat(), "endExclusive": False}
    return {"start": first.isoformat(), "end": nxt.isoformat(), "endExclusive": True}


class _Tracks:
    """Merge features that stay the same over consecutive periods."""

    def __init__(self) -> None:
        self.features: list[Feature] = []
        self._open: dict[Hashable, tuple[Hashable, Feature, int]] = {}

    def add(
        self,
        key: Hashable,
        signature: Hashable,
        index: int,
        when: dict[str, Any],
        make: Callable[[], Feature | None],
    ) -> None:
        prev = self._open.get(key)
        if prev is not None and prev[0] == signature and prev[2] == index - 1:
            prev[1]["properties"].update(end=when["end"], endExclusive=when["endExclusive"])
            self._open[key] = (signature, prev[1], index)
            return
        feat = make()
        if feat is None:
            self._open.pop(key, None)
            return
        feat["properties"].update(when)
        self.features.append(feat)
        self._open[key] = (signature, feat, index)


def _zone_fill(sides: Sides, side: str) -> tuple[str, str, bool]:
    if side == _CONTESTED:
        return "url(#fl-hatch)", "#555555", True
    colour = safe_colour(sides.colour(side, _NEUTRAL), _NEUTRAL)
    return colour, colour, False


def _dissolve(zones: Any) -> dict[str, BaseGeometry]:
    if zones is None or len(zones) == 0:
        return {}
    groups: dict[str, list[BaseGeometry]] = {}
    for side, geom in zip(zones["side"], zones.geometry, strict=True):
        if geom is not None and not geom.is_empty:
            groups.setdefault(str(side), []).append(geom)
    return {side: shapely.union_all(geoms) for side, geoms in sorted(groups.items())}


def _place_colour(sides: Sides, controller: str) -> str:
    if controller == _CONTESTED:
        return "#555555"
    return safe_colour(sides.colour(controller, _NEUTRAL), _NEUTRAL)


def _point(lon: float, lat: float, props: dict[str, Any]) -> Feature:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": props,
    }


def _changes_in(history: HistoryLike, start: date, end: date) -> list[ControlChange]:
    chosen = [c for c in history.changes() if start <= c.effective <= end]
    return sorted(chosen, key=lambda c: (c.effective, c.place_name, c.kind, c.side))


def default_range(history: HistoryLike) -> tuple[date, date]:
    """The first and last effective dates of the history (today twice when it is empty)."""
    days = [c.effective for c in history.changes()]
    if not days:
        today = date.today()
        return today, today
    return min(days), max(days)


def build_layers(
    history: HistoryLike,
    sides: Sides,
    *,
    start: date,
    end: date,
    event_days: int = 7,
    max_labels: int = 14,
) -> MapLayers:
    """Compute every layer of the map between ``start`` and ``end`` (inclusive).

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
    max_labels
        Permanent name labels for at most this many places: those most reported.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    periods = _periods(history, start, end)
    layers = MapLayers(start=start, end=end, periods=periods)
    zones, front, places = _Tracks(), _Tracks(), _Tracks()
    changed: set[str] = set()
    changes = _changes_in(history, start, end)
    for c in changes:
        changed.add(c.place_id)
    sides_seen: set[str] = set()
    for i, (first, nxt) in enumerate(periods):
        when = _when(first, nxt, end)
        for side, geom in _dissolve(history.zones(first)).items():
            sides_seen.add(side)
            fill, line, contested = _zone_fill(sides, side)

            def make_zone(
                g: BaseGeometry = geom,
                s: str = side,
                f: str = fill,
                ln: str = line,
                c: bool = contested,
            ) -> Feature | None:
                gj = _geom_json(g)
                if gj is None:
                    return None
                props = {"side": esc(s), "fill": f, "line": ln, "contested": c}
                return {"type": "Feature", "geometry": gj, "properties": props}

            zones.add(side, geom.wkb, i, when, make_zone)
        line_geom = history.frontline(first)
        if line_geom is not None and not line_geom.is_empty:

            def make_front(g: BaseGeometry = line_geom) -> Feature | None:
                gj = _geom_json(g)
                return None if gj is None else {"type": "Feature", "geometry": gj, "properties": {}}

            front.add("front", line_geom.wkb, i, when, make_front)
        for st in history.state(first):
            if st.no_data:  # nothing known of the place yet: no marker
                continue
            sides_seen.add(st.controller)
            popup = place_popup(st, sides)
            props = {
                "place_id": st.place_id,
                "name": esc(st.place_name),
                "controller": st.controller,
                "colour": _place_colour(sides, st.controller),
                "stale": st.stale,
                "r": 6 if st.place_id in changed else 4.5,
                "popup": popup,
                "tooltip": place_tooltip(st, sides),
            }

            def make_place(s: PlaceState = st, p: dict[str, Any] = props) -> Feature:
                return _point(s.lon, s.lat, dict(p))

            places.add(st.place_id, (st.controller, st.stale, popup), i, when, make_place)
    layers.zones, layers.front, layers.places = zones.features, front.features, places.features
    layers.events = _event_features(changes, sides, periods, end, event_days)
    layers.labels = _label_features(changes, max_labels)
    layers.kinds_shown = sorted({f["properties"]["kind"] for f in layers.events})
    layers.sides_shown = [s for s in sides.ids if s in sides_seen] + (
        [_CONTESTED] if _CONTESTED in sides_seen else []
    )
    # Analyst overrides and the baseline are sources too, but not articles.
    layers.articles = len(
        {s.doc_id for c in changes for s in c.sources if s.outlet not in ("analyst", "baseline")}
    )
    log.info(
        "map layers: %d periods, %d zone, %d front, %d place, %d event features",
        len(periods),
        len(layers.zones),
        len(layers.front),
        len(layers.places),
        len(layers.events),
    )
    return layers


def _event_features(
    changes: Iterable[ControlChange],
    sides: Sides,
    periods: list[Period],
    end: date,
    event_days: int,
) -> list[Feature]:
    boundaries = [first for first, _ in periods[1:]]
    slots: dict[str, list[tuple[date, date, int]]] = {}
    out: list[Feature] = []
    for c in changes:
        # Gone on the first change date after ``event_days`` (so the slider's stops stay the
        # change dates), or after ``2 * event_days`` days when no change comes by then.
        keep = c.effective + timedelta(days=event_days)
        until: date | None = next((b for b in boundaries if b >= keep), None)
        if until is None or until > keep + timedelta(days=event_days):
            until = keep if keep <= end else None
        when = (
            {"start": c.effective.isoformat(), "end": until.isoformat(), "endExclusive": True}
            if until is not None
            else {"start": c.effective.isoformat(), "end": end.isoformat(), "endExclusive": False}
        )
        last = until or end + timedelta(days=1)
        taken = {k for a, b, k in slots.get(c.place_id, []) if a < last and c.effective < b}
        slot = next(k for k in range(len(taken) + 1) if k not in taken)
        slots.setdefault(c.place_id, []).append((c.effective, last, slot))
        kind = c.kind if c.kind in EVENT_ICONS else "control_claim"
        props = {
            "kind": kind,
            "side": esc(c.side),
            "place": esc(c.place_name),
            "date": c.date.iso(),
            "precision": c.date.precision,
            "corroboration": c.corroboration,
            "colour": _place_colour(sides, c.side),
            "slot": slot,
            "popup": change_popup(c, sides),
            "tooltip": change_tooltip(c, sides),
            **when,
        }
        out.append(_point(c.lon, c.lat, props))
    return out


def _label_features(changes: Iterable[ControlChange], max_labels: int) -> list[Feature]:
    weight: dict[str, set[str]] = {}
    where: dict[str, tuple[str, float, float]] = {}
    for c in changes:
        weight.setdefault(c.place_id, set()).update(s.doc_id for s in c.sources)
        where[c.place_id] = (c.place_name, c.lon, c.lat)
    # Most reported first: the page hides labels that overlap one drawn before them.
    ranked = sorted(weight, key=lambda p: (-len(weight[p]), where[p][0]))[:max_labels]
    return [
        _point(
            where[p][1], where[p][2], {"name": esc(where[p][0]), "label": label_html(where[p][0])}
        )
        for p in ranked
    ]
