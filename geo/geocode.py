"""Opt-in online suggestions for names the offline gazetteer misses.

Never called by the pipeline: only ``frontline gazetteer suggest`` uses it, and its proposals
go to ``aliases.csv`` for a person to review. The geocoder is any geopy backend; Nominatim is
the default, with a proper user agent, a rate limit and a bounding box on the theatre.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

from geo.exceptions import GeocoderError
from geo.gazetteer import ALIAS_COLUMNS, Gazetteer

__all__ = ["Suggestion", "append_aliases", "make_geocoder", "suggest"]

log = logging.getLogger(__name__)

USER_AGENT = "frontline/0.1 (offline front-line mapper; gazetteer suggestions for review)"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A geocoder's proposal for a name; ``lat``/``lon`` in WGS84 degrees."""

    name: str
    display_name: str
    lat: float
    lon: float
    kind: str
    source: str


def make_geocoder(
    service: str = "nominatim",
    *,
    domain: str | None = None,
    scheme: str | None = None,
    user_agent: str = USER_AGENT,
    timeout: float = 10.0,
) -> Any:
    """A geopy geocoder by service name (``nominatim``, ``photon``, ...)."""
    try:
        cls = get_geocoder_for_service(service)
    except GeopyError as exc:
        raise GeocoderError(f"unknown geocoder {service!r}: {exc}") from None
    kwargs: dict[str, Any] = {"user_agent": user_agent, "timeout": timeout}
    if domain:
        kwargs["domain"] = domain
    if scheme:
        kwargs["scheme"] = scheme
    return cls(**kwargs)


def suggest(
    names: Iterable[str],
    gazetteer: Gazetteer,
    geocoder: Any,
    *,
    bounds: tuple[tuple[float, float], tuple[float, float]],
    country: str = "",
    min_delay: float = 1.0,
) -> list[Suggestion]:
    """Ask ``geocoder`` about the names the gazetteer does not know.

    Parameters
    ----------
    bounds
        ((south, west), (north, east)) in (lat, lon); results outside are dropped.
    country
        ISO code passed to geocoders that accept ``country_codes``.
    min_delay
        Seconds between requests (Nominatim's policy is one per second).
    """
    lookup: Callable[..., Any] = RateLimiter(geocoder.geocode, min_delay_seconds=min_delay)
    (south, west), (north, east) = bounds
    out = []
    for name in names:
        if gazetteer.lookup(name):
            log.info("%r is already in the gazetteer", name)
            continue
        kwargs: dict[str, Any] = {"exactly_one": True}
        if type(geocoder).__name__ == "Nominatim":
            # Nominatim takes the box as two (lat, lon) corners.
            kwargs.update(viewbox=[(south, west), (north, east)], bounded=True)
            if country:
                kwargs["country_codes"] = country.lower()
        try:
            loc = lookup(name, **kwargs)
        except GeopyError as exc:
            raise GeocoderError(f"geocoder failed for {name!r}: {exc}") from None
        if loc is None or not (south <= loc.latitude <= north and west <= loc.longitude <= east):
            log.info("no result in the theatre for %r", name)
            continue
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        osm = f"{raw.get('osm_type', '')}/{raw.get('osm_id', '')}".strip("/")
        out.append(
            Suggestion(
                name=name,
                display_name=str(loc.address),
                lat=round(float(loc.latitude), 5),
                lon=round(float(loc.longitude), 5),
                kind=str(raw.get("type") or raw.get("class") or "locality"),
                source=f"{type(geocoder).__name__.lower()}:{osm}"
                if osm
                else type(geocoder).__name__,
            )
        )
    return out


def append_aliases(path: Path, suggestions: Iterable[Suggestion]) -> int:
    """Append suggestions to an aliases CSV as new places marked for review."""
    rows = list(suggestions)
    new_file = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ALIAS_COLUMNS))
        if new_file:
            writer.writeheader()
        for s in rows:
            slug = "-".join(s.name.lower().split())
            writer.writerow(
                {
                    "id": f"alias:{slug}",
                    "name": s.name,
                    "alias": s.name,
                    "kind": s.kind,
                    "lat": s.lat,
                    "lon": s.lon,
                    "source": s.source,
                    "note": f"suggested {date.today().isoformat()} from {s.display_name!r}; REVIEW",
                }
            )
    return len(rows)
