"""Tests of geo._render_topo: shared arcs, each stored once, borders shared exactly."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from geo._render_topo import TopologyBuilder, decode


def area(points: list[tuple[float, float]]) -> float:
    return float(Polygon(points).area)


def test_a_shared_border_is_one_arc_walked_both_ways() -> None:
    b = TopologyBuilder(grid=0.01)
    west, east = b.add(box(0, 0, 1, 1)), b.add(box(1, 0, 2, 1))
    topo = b.build()
    (ring_w,), (ring_e,) = topo.polygons[west], topo.polygons[east]
    shared = {r if r >= 0 else ~r for r in ring_w} & {r if r >= 0 else ~r for r in ring_e}
    assert len(shared) == 1
    (arc,) = shared
    assert sorted(topo.points(arc)) == [(1.0, 0.0), (1.0, 1.0)]
    # One ring walks it forward, the other backward: both stay counter-clockwise.
    assert (arc in ring_w) != (arc in ring_e)
    assert area(decode(topo, ring_w)) == pytest.approx(1.0)
    assert area(decode(topo, ring_e)) == pytest.approx(1.0)
    assert Polygon(decode(topo, ring_w)).exterior.is_ccw


def test_the_same_geometry_twice_is_stored_once() -> None:
    b = TopologyBuilder(grid=0.01)
    square = box(0, 0, 1, 1)
    first = b.add(square)
    assert b.add(square) == first  # the same object
    assert b.add(box(0, 0, 1, 1)) == first  # the same shape
    # The same ring from another start and the other way round is the same arc.
    other = b.add(Polygon([(1, 1), (1, 0), (0, 0), (0, 1)]).buffer(0.5).difference(square))
    topo = b.build()
    assert len(topo.polygons) == 2
    hole = topo.polygons[other][1]
    assert [~r if r < 0 else r for r in hole] == topo.polygons[first][0]


def test_holes_run_clockwise() -> None:
    b = TopologyBuilder(grid=0.01)
    k = b.add(box(0, 0, 4, 4).difference(box(1, 1, 2, 2)))
    topo = b.build()
    outer, hole = (Polygon(decode(topo, ring)) for ring in topo.polygons[k])
    assert outer.exterior.is_ccw and not hole.exterior.is_ccw
    assert outer.area - hole.area == pytest.approx(15.0)


def test_simplified_neighbours_keep_sharing_their_border() -> None:
    wiggle = [(1 + 0.02 * (i % 2), i / 10) for i in range(11)]  # a border with tiny zigzags
    west = Polygon([(0, 0), *wiggle, (0, 1)])
    east = Polygon([(2, 0), (2, 1), *reversed(wiggle)])
    b = TopologyBuilder(grid=0.001, tolerance=0.05)
    iw, ie = b.add(west), b.add(east)
    topo = b.build()
    pw = shapely.get_coordinates(Polygon(decode(topo, topo.polygons[iw][0])).exterior)
    pe = shapely.get_coordinates(Polygon(decode(topo, topo.polygons[ie][0])).exterior)
    border_w = {(round(x, 3), round(y, 3)) for x, y in pw if 0.9 < x < 1.1}
    border_e = {(round(x, 3), round(y, 3)) for x, y in pe if 0.9 < x < 1.1}
    assert border_w == border_e  # simplified once, used by both: no sliver between them
    assert len(border_w) < len(wiggle)  # and simplified


def test_a_line_along_a_border_shares_its_arc() -> None:
    b = TopologyBuilder(grid=0.01)
    b.add(box(0, 0, 1, 1))
    b.add(box(1, 0, 2, 1))
    line = b.add(LineString([(1, 0), (1, 1)]))
    topo = b.build()
    assert len(topo.arcs) == 3  # the line is the shared border, stored once
    assert len(topo.lines[line]) == 1 and len(topo.lines[line][0]) == 1


def test_points_are_refused() -> None:
    with pytest.raises(ValueError, match="Point"):
        TopologyBuilder().add(Point(0, 0))
