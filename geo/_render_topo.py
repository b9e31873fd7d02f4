"""Shared topology for the map's timed geometry: quantized coordinates cut into shared arcs.

The zones of a long war are mostly the same from one day to the next, and neighbouring cells
share their borders. :class:`TopologyBuilder` stores each polygon or line once, snaps every
coordinate to a grid of ``grid`` degrees, cuts every ring and line where it meets another one
differently (a *junction*, as in TopoJSON) and keeps each resulting arc once, whichever
direction it is walked in. Arcs are simplified one by one with their end points fixed, so two
parts that share a border keep sharing it exactly: no slivers open between them.

Coordinates are (lon, lat) degrees in and out; arcs are stored as integer grid steps from
``origin``, delta-encoded: ``[x0, y0, dx1, dy1, ...]``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["Topology", "TopologyBuilder"]

_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString", "LinearRing")


@dataclass(frozen=True, slots=True)
class Topology:
    """Arcs and the parts made of them.

    ``polygons[k]`` is a list of rings, ``lines[k]`` a list of paths; each ring or path is a
    list of arc references: ``i`` walks arc ``i`` forward, ``~i`` (``-i - 1``) backward.
    Exterior rings run counter-clockwise and holes clockwise, so a whole part fills correctly
    as one path with the non-zero rule.
    """

    origin: tuple[float, float]  # (lon, lat) of grid step (0, 0)
    grid: float  # degrees per grid step
    arcs: list[list[int]]
    polygons: list[list[list[int]]]
    lines: list[list[list[int]]]

    def as_json(self) -> dict[str, Any]:
        """The topology as plain lists, for the page."""
        return {
            "origin": [round(self.origin[0], 6), round(self.origin[1], 6)],
            "grid": self.grid,
            "arcs": self.arcs,
            "polygons": self.polygons,
            "lines": self.lines,
        }

    def points(self, arc: int) -> list[tuple[float, float]]:
        """The (lon, lat) points of an arc reference, in its walking direction (for tests)."""
        steps = np.cumsum(np.array(self.arcs[arc if arc >= 0 else ~arc]).reshape(-1, 2), axis=0)
        pts = [(self.origin[0] + x * self.grid, self.origin[1] + y * self.grid) for x, y in steps]
        return pts if arc >= 0 else pts[::-1]


@dataclass
class _Chains:
    """Every ring and path, snapped to the grid, as one array of point codes."""

    codes: list[np.ndarray[Any, Any]] = field(default_factory=list)
    closed: list[bool] = field(default_factory=list)


class TopologyBuilder:
    """Collect polygons and lines, then :meth:`build` their shared topology.

    Parameters
    ----------
    grid
        Grid step in degrees (1e-4 is about 10 m).
    tolerance
        Douglas-Peucker tolerance in degrees for each arc (0: no simplification).
    """

    def __init__(self, *, grid: float = 1e-4, tolerance: float = 0.0) -> None:
        self.grid = grid
        self.tolerance = tolerance
        self._polygons: list[BaseGeometry] = []
        self._lines: list[BaseGeometry] = []
        self._seen: dict[tuple[str, bytes], int] = {}
        self._by_id: dict[int, tuple[BaseGeometry, int]] = {}

    def add(self, geom: BaseGeometry) -> int:
        """Register a polygon or a line; the same geometry twice gets the same index.

        Polygons and lines have separate indices; the geometry's type says which.

        Raises
        ------
        ValueError
            When the geometry is neither polygonal nor linear.
        """
        known = self._by_id.get(id(geom))
        if known is not None and known[0] is geom:
            return known[1]
        kind = geom.geom_type
        if kind not in _POLYGONAL and kind not in _LINEAR:
            raise ValueError(f"cannot store a {kind} in the topology")
        target = self._polygons if kind in _POLYGONAL else self._lines
        key = ("p" if kind in _POLYGONAL else "l", self._grid_key(geom))
        index = self._seen.get(key)
        if index is None:
            index = self._seen[key] = len(target)
            target.append(geom)
        self._by_id[id(geom)] = (geom, index)  # the reference keeps the id from being reused
        return index

    def _grid_key(self, geom: BaseGeometry) -> bytes:
        """The geometry as the page will see it (its points snapped as :meth:`build` snaps
        them): two that snap to the same grid points are one."""
        parts = shapely.get_parts(geom)
        rings = shapely.get_rings(parts) if geom.geom_type in _POLYGONAL else parts
        counts = shapely.get_num_coordinates(rings).astype(np.int64)
        xy = np.rint(shapely.get_coordinates(geom) / self.grid).astype(np.int64)
        key: bytes = counts.tobytes() + b"|" + xy.tobytes()
        return key

    def build(self) -> Topology:
        """Cut everything into shared arcs and encode them."""
        everything = [*self._polygons, *self._lines]
        # The origin on a whole grid step (the nearest to the corner): geometries that snap to
        # the same grid points give the same steps however far they were from them.
        lo = (
            np.rint(np.array(shapely.total_bounds(everything)[:2]) / self.grid)
            if everything
            else np.zeros(2)
        )
        origin = (float(lo[0] * self.grid), float(lo[1] * self.grid))
        chains, owners = _Chains(), []
        for k, geom in enumerate(self._polygons):
            for ring in _rings(geom):
                owners.append(("p", k))
                chains.codes.append(self._codes(ring, lo))
                chains.closed.append(True)
        for k, geom in enumerate(self._lines):
            for path in shapely.get_parts(geom):
                owners.append(("l", k))
                chains.codes.append(self._codes(path, lo))
                chains.closed.append(False)
        arcs: dict[bytes, int] = {}
        pieces: list[np.ndarray[Any, Any]] = []
        polygons: list[list[list[int]]] = [[] for _ in self._polygons]
        lines: list[list[list[int]]] = [[] for _ in self._lines]
        junctions = _junctions(chains)
        every = np.concatenate(chains.codes) if chains.codes else np.zeros(0, dtype=np.int64)
        flags = _split_like(np.isin(every, junctions), chains.codes)
        for (kind, k), codes, closed, at in zip(
            owners, chains.codes, chains.closed, flags, strict=True
        ):
            refs = [_ref(arc, arcs, pieces) for arc in _cut(codes, closed, at)]
            if refs:
                (polygons if kind == "p" else lines)[k].append(refs)
        return Topology(origin, self.grid, self._encode(pieces), polygons, lines)

    def _codes(self, geom: BaseGeometry, lo: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        # Snapped as _grid_key snaps (lo is a whole number of steps): the same points, the
        # same steps.
        xy = (np.rint(shapely.get_coordinates(geom) / self.grid) - lo).astype(np.int64)
        codes = xy[:, 0] * _SHIFT + xy[:, 1]
        keep = np.ones(len(codes), dtype=bool)
        keep[1:] = codes[1:] != codes[:-1]  # repeated points after snapping
        out: np.ndarray[Any, Any] = codes[keep]
        return out

    def _encode(self, pieces: list[np.ndarray[Any, Any]]) -> list[list[int]]:
        if not pieces:
            return []
        xy = [np.column_stack([p // _SHIFT, p % _SHIFT]).astype(float) for p in pieces]
        if self.tolerance > 0:
            tol = self.tolerance / self.grid
            lines = shapely.linestrings(
                np.vstack(xy), indices=np.repeat(np.arange(len(xy)), [len(p) for p in xy])
            )
            coords, index = shapely.get_coordinates(
                shapely.simplify(lines, tol, preserve_topology=False), return_index=True
            )
            parts = np.split(coords, np.flatnonzero(np.diff(index)) + 1)
            # A closed arc must stay a ring: keep the original when simplifying collapses it.
            xy = [
                s if len(s) >= 4 or not np.array_equal(o[0], o[-1]) else o
                for s, o in zip(parts, xy, strict=True)
            ]
        out = []
        for pts in xy:
            ints = np.rint(pts).astype(np.int64)
            deltas = np.vstack([ints[:1], np.diff(ints, axis=0)])
            out.append(deltas.ravel().tolist())
        return out


_SHIFT = 1 << 31  # point code = x * _SHIFT + y; grid steps are non-negative and far below it


def _rings(geom: BaseGeometry) -> list[BaseGeometry]:
    """Every ring of a (multi)polygon: exteriors counter-clockwise, holes clockwise."""
    oriented = shapely.orient_polygons(geom)
    return [r for p in shapely.get_parts(oriented) for r in shapely.get_rings(p)]


def _junctions(chains: _Chains) -> np.ndarray[Any, Any]:
    """Point codes where chains meet differently: their neighbours differ, or a path ends."""
    rows, ends = [], []
    for codes, closed in zip(chains.codes, chains.closed, strict=True):
        if closed:
            ring = codes[:-1] if len(codes) > 1 and codes[0] == codes[-1] else codes
            if len(ring) < 3:
                continue
            prev, nxt = np.roll(ring, 1), np.roll(ring, -1)
            rows.append(np.column_stack([ring, np.minimum(prev, nxt), np.maximum(prev, nxt)]))
        elif len(codes) >= 2:
            ends.extend([codes[0], codes[-1]])
            inner = codes[1:-1]
            prev, nxt = codes[:-2], codes[2:]
            rows.append(np.column_stack([inner, np.minimum(prev, nxt), np.maximum(prev, nxt)]))
    if not rows:
        return np.array(sorted(set(ends)), dtype=np.int64)
    table = np.vstack(rows)
    # One number per neighbour pair (a collision only hides a junction: arcs then share less,
    # never wrongly); a point is a junction when it has two different pairs.
    pair = table[:, 1] * np.int64(0x9E3779B1) ^ table[:, 2]
    order = np.lexsort((pair, table[:, 0]))
    point, pair = table[order, 0], pair[order]
    differ = (point[1:] == point[:-1]) & (pair[1:] != pair[:-1])
    return np.union1d(point[1:][differ], np.array(ends, dtype=np.int64))


def _split_like(
    values: np.ndarray[Any, Any], chains: list[np.ndarray[Any, Any]]
) -> list[np.ndarray[Any, Any]]:
    """``values`` (one per point of all chains in a row) cut back into one array per chain."""
    return np.split(values, np.cumsum([len(c) for c in chains])[:-1]) if chains else []


def _cut(
    codes: np.ndarray[Any, Any], closed: bool, junction: np.ndarray[Any, Any]
) -> list[np.ndarray[Any, Any]]:
    """The arcs of one ring or path (``junction`` flags its points that are junctions): cut at
    its junctions; a ring without any stays whole."""
    if closed:
        shut = len(codes) > 1 and codes[0] == codes[-1]
        ring, flags = (codes[:-1], junction[:-1]) if shut else (codes, junction)
        if len(ring) < 3:
            return []
        at = np.flatnonzero(flags)
        # Start at a junction, or at the smallest point, so the same ring is the same arc.
        start = int(at[0]) if len(at) else int(np.argmin(ring))
        ring = np.roll(ring, -start)
        codes = np.append(ring, ring[0])
        cuts = [int(i) for i in (at - start) % len(ring)] if len(at) else [0]
        bounds = sorted({0, *cuts, len(ring)})
    else:
        if len(codes) < 2:
            return []
        inner = np.flatnonzero(junction[1:-1]) + 1
        bounds = [0, *(int(i) for i in inner), len(codes) - 1]
    return [codes[a : b + 1] for a, b in itertools.pairwise(bounds) if b > a]


def _ref(arc: np.ndarray[Any, Any], arcs: dict[bytes, int], pieces: list[Any]) -> int:
    key = arc.tobytes()
    if key in arcs:
        return arcs[key]
    back = arc[::-1].tobytes()
    if back in arcs:
        return ~arcs[back]
    arcs[key] = len(pieces)
    pieces.append(arc)
    return arcs[key]


def decode(topology: Topology, refs: Sequence[int]) -> list[tuple[float, float]]:
    """The (lon, lat) points of a ring or path given as arc references (for tests)."""
    out: list[tuple[float, float]] = []
    for ref in refs:
        pts = topology.points(ref)
        out.extend(pts if not out else pts[1:])
    return out
