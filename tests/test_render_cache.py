"""Tests of geo._render_cache: pieces on the page's grid, kept between builds, and a rebuild
that writes the same page."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, box

from geo._render_cache import PartsCache, _decode, _encode
from geo.render import render_map
from geo.sides import Sides
from geo.zones import ZoneParts

sys.path.insert(0, str(Path(__file__).parent))
from test_render import END, START, FakeHistory

GRID = 1e-4


def on_grid(geom: shapely.Geometry) -> np.ndarray:  # type: ignore[type-arg]
    return np.rint(shapely.get_coordinates(geom) / GRID)


def test_pieces_round_trip_on_the_grid() -> None:
    holed = box(13.0, 32.0, 13.5, 32.5).difference(box(13.1, 32.1, 13.2, 32.2))
    for geom in (
        holed,
        MultiPolygon([holed, box(14.0, 31.0, 14.123456, 31.2)]),
        LineString([(13.0, 32.0), (13.333333, 32.7)]),
        MultiLineString([[(13.0, 32.0), (13.1, 32.1)]]),
    ):
        back = _decode(_encode(geom, GRID), GRID)
        assert back.geom_type == geom.geom_type
        assert (on_grid(back) == on_grid(geom)).all()
        assert len(shapely.get_parts(back)) == len(shapely.get_parts(geom))


def test_a_layout_is_kept_across_opening_the_file_again(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cell, line = box(13.0, 32.0, 13.5, 32.5), LineString([(13.0, 32.0), (13.0, 32.5)])
    with PartsCache(path, grid=GRID) as cache:
        assert cache.get("day-1") is None
        cache.put("day-1", [("A", cell), ("B", cell)], [line])
    with PartsCache(path, grid=GRID) as cache:
        found = cache.get("day-1")
        assert found is not None and cache.hits == 1
        cells, front = found
        assert [s for s, _ in cells] == ["A", "B"]
        assert cells[0][1] is cells[1][1]  # one piece, one object: the page stores it once
        assert (on_grid(front[0]) == on_grid(line)).all()
    # Another grid is another cache: it starts afresh.
    with PartsCache(path, grid=1e-3) as cache:
        assert cache.get("day-1") is None


def test_a_broken_cache_file_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with PartsCache(path, grid=GRID) as cache:
        assert cache.get("day-1") is None
        cache.put("day-1", [("A", box(0, 0, 1, 1))], [])
    with PartsCache(path, grid=GRID) as cache:
        assert cache.get("day-1") is not None


class KeyedHistory(FakeHistory):
    """FakeHistory with pieces keyed by day, as ControlHistory gives them."""

    def zone_key(self, day: date) -> str:
        # What its zones depend on: where the front is, and Sirte fought over from 6 June.
        return f"{self.front_lon(day)}|{day >= date(2020, 6, 6)}"

    def zone_parts(self, day: date) -> ZoneParts:
        zones = self.zones(day)
        cells = tuple(zip(zones["side"], zones.geometry, strict=True))
        front = self.frontline(day)
        return ZoneParts(cells, (front,) if front is not None else ())


def test_a_rebuild_from_the_cache_writes_the_same_page(tmp_path: Path) -> None:
    sides, cache = Sides.load(), tmp_path / "c.sqlite"
    plain = render_map(KeyedHistory(), sides, start=START, end=END, out_path=tmp_path / "a.html")
    first = render_map(
        KeyedHistory(), sides, start=START, end=END, out_path=tmp_path / "b.html", cache=cache
    )
    again = render_map(
        KeyedHistory(), sides, start=START, end=END, out_path=tmp_path / "c.html", cache=cache
    )
    with PartsCache(cache, grid=GRID) as kept:
        assert kept.get(KeyedHistory().zone_key(END)) is not None
    html = plain.read_text(encoding="utf-8")
    assert first.read_text(encoding="utf-8") == html
    assert again.read_text(encoding="utf-8") == html
