"""Distances on the earth. Arguments are (lat, lon) pairs in degrees.

:func:`distance_km` is the ellipsoidal (geodesic) distance through geopy, imported on first
use; :func:`haversine_km` is the spherical one (within 0.5 %), for ranking nearby places
without loading geopy.
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["distance_km", "haversine_km"]

_EARTH_KM = 6371.0088


@lru_cache(maxsize=65536)
def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in km between two (lat, lon) points."""
    from geopy.distance import geodesic

    return float(geodesic(a, b).km)


@lru_cache(maxsize=65536)
def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points on a sphere."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))
