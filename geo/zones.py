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

import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from geo.theatre import load_theatre

__all__ = ["ZoneMap"]

log = logging.getLogger(__name__)


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
        self._land_path = land_path
        self._proj: tuple[Transformer, Transformer] | None = None
        self._land_m: BaseGeometry | None = None

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
        at_point: dict[tuple[float, float], str | None] = {}
        for lon, lat, side in held:
            key = (round(lon, 4), round(lat, 4))
            # Two places at one point held by different sides: neither is evidence.
            at_point[key] = side if at_point.get(key, side) == side else None
        pts = [(k, side) for k, side in at_point.items() if side is not None]
        empty = gpd.GeoDataFrame({"side": []}, geometry=[], crs="EPSG:4326")
        if not pts:
            return empty, None
        fwd, back = self.projection()
        xs, ys = fwd.transform([k[0] for k, _ in pts], [k[1] for k, _ in pts])
        points = [Point(x, y) for x, y in zip(xs, ys, strict=True)]
        land = self.land_metric()
        reach = max_distance_km * 1000.0
        extent = (MultiPoint(points) if land is None else land).envelope.buffer(2 * reach)
        cells = (
            list(shapely.voronoi_polygons(MultiPoint(points), extend_to=extent, ordered=True).geoms)
            if len(points) > 1
            else [extent]
        )
        by_side: dict[str, list[BaseGeometry]] = defaultdict(list)
        reaches = []  # where each place's evidence reaches: its disc, on land
        for pt, cell, (_, side) in zip(points, cells, pts, strict=True):
            disc = pt.buffer(reach, quad_segs=32)
            reaches.append(disc if land is None else disc.intersection(land))
            clip = cell.intersection(reaches[-1])
            if not clip.is_empty:
                by_side[side].append(clip)
        merged = {s: shapely.union_all(g, grid_size=1.0) for s, g in by_side.items()}
        # The front: the Voronoi edges shared by cells of rival sides, where both places'
        # evidence reaches. Taken from the raw cells, whose shared edges are exact.
        if rivals is None:
            rivals = [(sides[0], sides[1])] if len(sides) >= 2 else []
        fronts = {(a, b) for a, b in rivals} | {(b, a) for a, b in rivals}
        parts = []
        for i, (_, side_i) in enumerate(pts):
            for j, (_, side_j) in enumerate(pts):
                if i < j and (side_i, side_j) in fronts and cells[i].intersects(cells[j]):
                    edge = cells[i].intersection(cells[j])
                    parts.append(edge.intersection(reaches[i].intersection(reaches[j])))
        lines = [g for p in parts for g in getattr(p, "geoms", [p]) if g.length > 0]
        front = _reproject(shapely.line_merge(shapely.union_all(lines)), back) if lines else None
        order = [s for s in sides if s in merged]
        zones = gpd.GeoDataFrame(
            {"side": order}, geometry=[_reproject(merged[s], back) for s in order], crs="EPSG:4326"
        )
        return zones, front


def _reproject(geom: BaseGeometry, tr: Transformer) -> BaseGeometry:
    def fn(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)
