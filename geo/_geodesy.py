"""Distances on the ellipsoid, through geopy. Arguments are (lat, lon) pairs in degrees."""

from __future__ import annotations

from functools import lru_cache

from geopy.distance import geodesic

__all__ = ["distance_km"]


@lru_cache(maxsize=65536)
def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in km between two (lat, lon) points."""
    return float(geodesic(a, b).km)
