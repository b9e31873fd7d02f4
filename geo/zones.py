"""Control zones and the front line, from the places each side holds on one day.

Coordinates: inputs and outputs are (lon, lat), EPSG:4326, as shapely geometries and
GeoDataFrames. Distances are computed in a local azimuthal equidistant projection centred on
the theatre, never in degrees.

Zone rules
----------
* Each place held by a side seeds a Voronoi cell; the cell is clipped to the land and to
  ``max_distance_km`` around the place (where its evidence reaches), and the cells are
  dissolved per side.
* Two places at one point held by different sides: neither is evidence.
* The front line is the set of Voronoi edges shared by cells of the two main sides, where both
  places' evidence reaches. It is taken from the raw cells, whose shared edges are exact.

This module knows nothing of how control is decided: :class:`geo.control.ControlHistory` passes
the held places in and caches the result per span of constant control.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from geo.theatre import load_theatre

__all__ = ["ZoneMap", "ZoneParts"]

log = logging.getLogger(__name__)


class ZoneParts(NamedTuple):
    """The pieces the zones and the front line of one day are made of, (lon, lat).

    ``cells`` holds one ``(side, cell)`` per held place: its Voronoi cell clipped to the land
    and its reach; a side's zone is the union of its cells. ``front`` holds the pieces of the
    front line: one per pair of neighbouring cells of the two main sides. The same piece on two
    days is the same object, so a map can store it once.
    """

    cells: tuple[tuple[str, BaseGeometry], ...]
    front: tuple[BaseGeometry, ...]


class _Piece:
    """A metric geometry and, once :func:`_to_degrees` has seen it, the same in (lon, lat)."""

    __slots__ = ("deg", "metric")

    def __init__(self, metric: BaseGeometry) -> None:
        self.metric = metric
        self.deg: BaseGeometry | None = None


class _Layout(NamedTuple):
    """The metric pieces of one day: held places, their clipped cells, the front's pieces."""

    sides: tuple[str, ...]  # the holder of each clipped cell, in place order
    clips: tuple[_Piece, ...]
    front: tuple[_Piece, ...]


class ZoneMap:
    """Zones and front lines over one theatre.

    Parameters
    ----------
    bounds
        The theatre's ((south, west), (north, east)) corners, (lat, lon) degrees; the metric
        projection is centred on them.
    land
        The land to clip zones to, (lon, lat); read from ``land_path`` on first use, else
        from the default theatre's land file.
    land_path
        A GeoJSON of the land (a theatre's ``land_path``), read when ``land`` is None.
    """

    def __init__(
        self,
        bounds: tuple[tuple[float, float], tuple[float, float]],
        *,
        land: BaseGeometry | None = None,
        land_path: Path | None = None,
    ) -> None:
        self.bounds = bounds
        self._land = land
        self._land_given = land
        self._land_path = land_path
        self._fingerprint: str | None = None
        self._proj: tuple[Transformer, Transformer] | None = None
        self._land_m: BaseGeometry | None = None
        # Pieces that do not depend on the day, or only on a place and its neighbours: kept
        # across calls, so a new day only computes what changed.
        self._reaches: dict[tuple[tuple[float, float], float], BaseGeometry] = {}
        self._clips: dict[Hashable, _Piece] = {}
        self._edges: dict[Hashable, _Piece | None] = {}
        self._pairs: dict[Hashable, BaseGeometry] = {}

    def projection(self) -> tuple[Transformer, Transformer]:
        """Transformers (lon, lat) -> metres and back, for the theatre's local projection."""
        if self._proj is None:
            (south, west), (north, east) = self.bounds  # (lat, lon) corners
            aeqd = (
                f"+proj=aeqd +lat_0={(south + north) / 2} +lon_0={(west + east) / 2} +datum=WGS84"
            )
            self._proj = (
                Transformer.from_crs("EPSG:4326", aeqd, always_xy=True),  # (lon, lat) -> metres
                Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True),
            )
        return self._proj

    def fingerprint(self) -> str:
        """A digest of what every day's zones here depend on besides the held places: the
        bounds (the projection) and the land (the geometry given, else its file)."""
        if self._fingerprint is None:
            if self._land_given is not None:
                land = hashlib.sha1(shapely.to_wkb(self._land_given)).hexdigest()
            else:
                path = self._land_path or load_theatre().land_path
                stat = path.stat() if path is not None and path.exists() else None
                land = f"{path}:{stat.st_size}:{stat.st_mtime_ns}" if stat else "no land"
            self._fingerprint = hashlib.sha1(f"{self.bounds!r}|{land}".encode()).hexdigest()
        return self._fingerprint

    def land_metric(self) -> BaseGeometry | None:
        """The land in metres, or None when the land file is missing."""
        if self._land_m is not None:
            return self._land_m
        if self._land is None:
            path = self._land_path or load_theatre().land_path
            if path is None or not path.exists():
                log.warning("%s missing: zones are not clipped to land", path)
                return None
            self._land = gpd.read_file(path).to_crs("EPSG:4326").union_all()
        self._land_m = _reproject(self._land, self.projection()[0])
        return self._land_m

    def compute(
        self,
        held: Iterable[tuple[float, float, str]],
        sides: Sequence[str],
        *,
        max_distance_km: float,
        rivals: Collection[tuple[str, str]] | None = None,
    ) -> tuple[gpd.GeoDataFrame, BaseGeometry | None]:
        """Zones and the front line of the held places (see the module docstring).

        Parameters
        ----------
        held
            ``(lon, lat, side)`` of each place held by a side.
        sides
            Side ids in order; zones are listed in this order.
        max_distance_km
            Zones reach at most this far from a held place.
        rivals
            The (side, side) pairs that fight each other: the front line is where their
            zones meet. By default the first two sides.

        Returns
        -------
        tuple
            A GeoDataFrame with one row per side, columns ``side``, ``geometry`` (EPSG:4326),
            and the front line, (lon, lat), or None if there is none.
        """
        layout = self._layout(held, sides, max_distance_km, rivals)
        empty = gpd.GeoDataFrame({"side": []}, geometry=[], crs="EPSG:4326")
        if layout is None:
            return empty, None
        back = self.projection()[1]
        by_side: dict[str, list[BaseGeometry]] = defaultdict(list)
        for side, clip in zip(layout.sides, layout.clips, strict=True):
            if not clip.metric.is_empty:
                by_side[side].append(clip.metric)
        merged = {s: shapely.union_all(g, grid_size=1.0) for s, g in by_side.items()}
        lines = [g for p in layout.front for g in getattr(p.metric, "geoms", [p.metric])]
        front = _reproject(shapely.line_merge(shapely.union_all(lines)), back) if lines else None
        order = [s for s in sides if s in merged]
        zones = gpd.GeoDataFrame(
            {"side": order}, geometry=[_reproject(merged[s], back) for s in order], crs="EPSG:4326"
        )
        return zones, front

    def parts(
        self,
        held: Iterable[tuple[float, float, str]],
        sides: Sequence[str],
        *,
        max_distance_km: float,
        rivals: Collection[tuple[str, str]] | None = None,
    ) -> ZoneParts:
        """The pieces of :meth:`compute`'s zones and front line, before they are merged.

        A piece that is the same as on an earlier call (same place, same neighbours) is the
        very same object, so a map that stores each piece once grows with what changes.
        """
        layout = self._layout(held, sides, max_distance_km, rivals)
        if layout is None:
            return ZoneParts((), ())
        _to_degrees([*layout.clips, *layout.front], self.projection()[1])
        cells = tuple(
            (side, clip.deg)
            for side, clip in zip(layout.sides, layout.clips, strict=True)
            if clip.deg is not None and not clip.metric.is_empty
        )
        return ZoneParts(cells, tuple(p.deg for p in layout.front if p.deg is not None))

    def _layout(
        self,
        held: Iterable[tuple[float, float, str]],
        sides: Sequence[str],
        max_distance_km: float,
        rivals: Collection[tuple[str, str]] | None,
    ) -> _Layout | None:
        at_point: dict[tuple[float, float], str | None] = {}
        for lon, lat, side in held:
            key = (round(lon, 4), round(lat, 4))
            # Two places at one point held by different sides: neither is evidence.
            at_point[key] = side if at_point.get(key, side) == side else None
        pts = [(k, side) for k, side in at_point.items() if side is not None]
        if not pts:
            return None
        fwd = self.projection()[0]
        keys = [k for k, _ in pts]
        xs, ys = fwd.transform([k[0] for k in keys], [k[1] for k in keys])
        points = shapely.points(np.column_stack([xs, ys]))
        land = self.land_metric()
        reach = max_distance_km * 1000.0
        extent = (MultiPoint(points) if land is None else land).envelope.buffer(2 * reach)
        cells = (
            shapely.get_parts(
                shapely.voronoi_polygons(MultiPoint(points), extend_to=extent, ordered=True)
            )
            if len(points) > 1
            else np.array([extent])
        )
        wkbs = shapely.to_wkb(cells)
        reaches = [self._reach(k, pt, reach, land) for k, pt in zip(keys, points, strict=True)]
        clips = self._clips_of(
            [(k, reach, w) for k, w in zip(keys, wkbs, strict=True)], cells, reaches
        )
        # The front: the Voronoi edges shared by cells of rival sides, where both places'
        # evidence reaches. Taken from the raw cells, whose shared edges are exact.
        if rivals is None:
            rivals = [(sides[0], sides[1])] if len(sides) >= 2 else []
        fronts = {(a, b) for a, b in rivals} | {(b, a) for a, b in rivals}
        side_of = [side for _, side in pts]
        pairs = _rival_pairs(cells, np.asarray(xs), np.asarray(ys), side_of, fronts, reach)
        keys_ij = [(keys[i], keys[j], reach, wkbs[i], wkbs[j]) for i, j in pairs]
        front = self._edges_of(keys_ij, pairs, cells, reaches)
        return _Layout(tuple(side_of), clips, tuple(p for p in front if p is not None))

    def _reach(
        self, key: tuple[float, float], pt: Point, reach: float, land: BaseGeometry | None
    ) -> BaseGeometry:
        """Where a place's evidence reaches: its disc, on land (the same for every day)."""
        found = self._reaches.get((key, reach))
        if found is None:
            disc = pt.buffer(reach, quad_segs=32)
            found = disc if land is None else disc.intersection(land)
            self._reaches[(key, reach)] = found
        return found

    def _clips_of(
        self, keys: Sequence[Hashable], cells: Any, reaches: list[BaseGeometry]
    ) -> tuple[_Piece, ...]:
        """Each cell clipped to its place's reach; computed only for cells not seen before."""
        new = [i for i, key in enumerate(keys) if key not in self._clips]
        if new:
            cut = shapely.intersection(
                cells[new], np.array([reaches[i] for i in new], dtype=object)
            )
            for i, geom in zip(new, cut, strict=True):
                self._clips[keys[i]] = _Piece(geom)
        return tuple(self._clips[key] for key in keys)

    def _edges_of(
        self,
        keys: Sequence[tuple[Hashable, ...]],
        pairs: list[tuple[int, int]],
        cells: Any,
        reaches: list[BaseGeometry],
    ) -> list[_Piece | None]:
        """The stretch of front between each pair of cells, where both places' evidence reaches;
        computed only for pairs not seen before."""
        new = [n for n, key in enumerate(keys) if key not in self._edges]
        todo = []
        for n in new:
            i, j = pairs[n]
            pair = keys[n][:3]  # both places and the reach
            both = self._pairs.get(pair)
            if both is None:
                both = self._pairs[pair] = reaches[i].intersection(reaches[j])
            if both.is_empty:
                self._edges[keys[n]] = None
            else:
                todo.append((n, both))
        if todo:
            ii = [pairs[n][0] for n, _ in todo]
            jj = [pairs[n][1] for n, _ in todo]
            both_arr = np.array([both for _, both in todo], dtype=object)
            parts = shapely.intersection(shapely.intersection(cells[ii], cells[jj]), both_arr)
            for (n, _), part in zip(todo, parts, strict=True):
                lines = [g for g in getattr(part, "geoms", [part]) if g.length > 0]
                self._edges[keys[n]] = _Piece(shapely.multilinestrings(lines)) if lines else None
        return [self._edges[key] for key in keys]


def _rival_pairs(
    cells: Any,
    xs: np.ndarray[Any, Any],
    ys: np.ndarray[Any, Any],
    side_of: Sequence[str],
    fronts: Collection[tuple[str, str]],
    reach: float,
) -> list[tuple[int, int]]:
    """``(i, j)``, ``i < j``, of neighbouring cells held by rival sides whose places are close
    enough for both to reach their shared edge; in order."""
    if not fronts:
        return []
    names = sorted(set(side_of))
    code = {s: k for k, s in enumerate(names)}
    sides = np.array([code[s] for s in side_of])
    rival = np.zeros((len(names), len(names)), dtype=bool)
    for a, b in fronts:
        if a in code and b in code:
            rival[code[a], code[b]] = True
    i, j = shapely.STRtree(cells).query(cells, predicate="intersects")
    near = np.hypot(xs[i] - xs[j], ys[i] - ys[j]) <= 2 * reach
    keep = (i < j) & rival[sides[i], sides[j]] & near
    i, j = i[keep], j[keep]
    order = np.lexsort((j, i))
    return list(zip(i[order].tolist(), j[order].tolist(), strict=True))


def _to_degrees(pieces: Sequence[_Piece], back: Transformer) -> None:
    """Give every piece its (lon, lat) geometry, all new ones in one transformation."""
    new = list({id(p): p for p in pieces if p.deg is None}.values())
    if new:
        geoms = _reproject(np.array([p.metric for p in new], dtype=object), back)
        for piece, geom in zip(new, geoms, strict=True):
            piece.deg = geom


def _reproject(geom: Any, tr: Transformer) -> Any:
    def fn(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)
