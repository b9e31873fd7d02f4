"""Tests of geo.zones through ControlHistory: clipped Voronoi zones, the front line, caching per
span, and the front line of the seeds (the issue's done-when).
"""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pytest
import shapely
from control_cases import BANI_WALID, PLACES, SIRTE, TARHUNA, TRIPOLI, WASHKA, ev, history
from pyproj import Transformer
from shapely.geometry import Point, box

from geo._geodesy import distance_km
from geo.control import ControlHistory
from geo.sides import Sides
from geo.theatre import load_theatre
from geo.zones import ZoneMap


def test_zones_are_clipped_voronoi_cells_and_front_is_the_bisector(sides: Sides) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "capture", "LNA", BANI_WALID, "2020-06-05"),
    ]
    land = box(12.0, 30.5, 15.5, 33.5)  # (lon, lat)
    h = history(events, sides, land=land, max_distance_km=60)
    zones = h.zones(date(2020, 6, 6))
    assert list(zones.columns) == ["side", "geometry"] and zones.crs.to_epsg() == 4326
    assert list(zones["side"]) == ["GNA", "LNA"]
    gna = zones.geometry.iloc[0]
    assert gna.contains(Point(13.63, 32.43)) and not gna.contains(Point(13.98, 31.75))
    assert gna.bounds[3] < 32.43 + 60 / 111 + 0.01  # no further than 60 km from the evidence
    front = h.frontline(date(2020, 6, 6))
    assert front is not None and front.geom_type in ("LineString", "MultiLineString")
    tarhuna, bani_walid = (PLACES[TARHUNA][1:], PLACES[BANI_WALID][1:])
    for lon, lat in front.coords:  # equidistant from both places, within a few km
        assert abs(distance_km((lat, lon), tarhuna) - distance_km((lat, lon), bani_walid)) < 3
    assert h.frontline(date(2020, 6, 4)) is None  # before the changes: no zones at all


def test_zones_are_computed_once_per_interval(
    sides: Sides, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = [ev("a", "capture", "GNA", TARHUNA, "2020-06-05")]
    h = history(events, sides, land=box(12.0, 30.5, 15.5, 33.5))
    calls: list[date] = []
    original = h._compute_zones

    def counting(day: date) -> object:
        calls.append(day)
        return original(day)

    monkeypatch.setattr(h, "_compute_zones", counting)
    for offset in range(10):
        h.zones(date(2020, 6, 5) + timedelta(days=offset))
        h.frontline(date(2020, 6, 5) + timedelta(days=offset))
    assert len(calls) == 1


# -- the seeds -------------------------------------------------------------------------------------
def _metric() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "+proj=aeqd +lat_0=31 +lon_0=15", always_xy=True)


def test_seed_front_passes_south_of_tripoli_on_june_1(seeds: ControlHistory) -> None:
    front = seeds.frontline(date(2020, 6, 1))
    assert front is not None
    lat0, lon0 = PLACES[TRIPOLI][1:]
    south = [
        (lat, lon)
        for line in getattr(front, "geoms", [front])
        for lon, lat in line.coords
        if lat < lat0 and distance_km((lat, lon), (lat0, lon0)) < 40
    ]
    assert south, "no front-line vertex within 40 km south of Tripoli"


def test_seed_front_reaches_the_coast_between_abu_grein_and_sirte_on_june_7(
    seeds: ControlHistory,
) -> None:
    front = seeds.frontline(date(2020, 6, 7))
    assert front is not None
    tr = _metric()
    land = gpd.read_file(load_theatre().land_path).to_crs("EPSG:4326").union_all()
    coast = shapely.transform(
        land.boundary, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))
    )
    ends = [
        (lon, lat)
        for line in getattr(front, "geoms", [front])
        for lon, lat in (line.coords[0], line.coords[-1])
    ]
    abu_grein, sirte = 15.25501, PLACES[SIRTE][2]
    on_coast = [
        (lon, lat)
        for lon, lat in ends
        if abu_grein < lon < sirte and coast.distance(Point(tr.transform(lon, lat))) < 2000
    ]
    assert on_coast, f"no front-line end on the coast between Abu Grein and Sirte: {ends}"


def test_the_front_runs_between_declared_rivals_only() -> None:
    zm = ZoneMap(((-1.0, -1.0), (1.0, 3.0)), land=box(-1.0, -1.0, 3.0, 1.0))  # (lon, lat)
    held = [(0.0, 0.0, "A"), (1.0, 0.0, "B"), (2.0, 0.0, "C")]  # (lon, lat, side)
    zones, front = zm.compute(held, ["A", "B", "C"], max_distance_km=200, rivals=[("A", "B")])
    assert list(zones["side"]) == ["A", "B", "C"]
    assert front is not None
    assert all(abs(lon - 0.5) < 0.01 for lon, _ in front.coords)  # A|B, not B|C at lon 1.5
    _, both = zm.compute(held, ["A", "B", "C"], max_distance_km=200, rivals=[("B", "C")])
    assert both is not None and all(abs(lon - 1.5) < 0.01 for lon, _ in both.coords)
    _, none = zm.compute(held, ["A", "B", "C"], max_distance_km=200, rivals=[])
    assert none is None


def test_parts_are_the_zones_before_they_are_merged(sides: Sides) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "capture", "GNA", TRIPOLI, "2020-06-05"),
        ev("c", "capture", "LNA", BANI_WALID, "2020-06-05"),
        ev("d", "capture", "LNA", SIRTE, "2020-06-05"),
    ]
    h = history(events, sides, land=box(12.0, 30.5, 17.5, 33.5), max_distance_km=80)
    day = date(2020, 6, 6)
    zones, front, parts = h.zones(day), h.frontline(day), h.zone_parts(day)
    for side, geom in zip(zones["side"], zones.geometry, strict=True):
        cells = shapely.union_all([g for s, g in parts.cells if s == side])
        assert cells.symmetric_difference(geom).area < 1e-5 * geom.area  # 1 m snapping
    assert front is not None
    merged = shapely.line_merge(shapely.union_all(list(parts.front)))
    assert merged.hausdorff_distance(front) < 1e-6
    assert h.zone_parts(day) is parts  # computed once per span


def test_cached_pieces_give_the_zones_a_fresh_map_gives(sides: Sides) -> None:
    land = box(12.0, 30.5, 17.5, 33.5)
    places = [PLACES[p][1:] for p in (TRIPOLI, TARHUNA, BANI_WALID, SIRTE, WASHKA)]
    warm = ZoneMap(sides.theatre.bounds, land=land)
    days = [  # who holds what on three days: the middle one shares most pieces with the first
        ["GNA", "GNA", "LNA", "LNA", "LNA"],
        ["GNA", "GNA", "GNA", "LNA", "LNA"],
        ["GNA", "LNA", "GNA", "LNA", "GNA"],
    ]
    for holders in days * 2:
        held = [(lon, lat, s) for (lat, lon), s in zip(places, holders, strict=True)]
        zones, front = warm.compute(held, sides.ids, max_distance_km=70)
        fresh, fresh_front = ZoneMap(sides.theatre.bounds, land=land).compute(
            held, sides.ids, max_distance_km=70
        )
        assert list(zones["side"]) == list(fresh["side"])
        for a, b in zip(zones.geometry, fresh.geometry, strict=True):
            assert a.equals_exact(b, 0)
        assert (front is None and fresh_front is None) or front.equals_exact(fresh_front, 0)
