"""Opt-in online suggestions for names the offline gazetteer misses.

Never called by the pipeline: only ``frontline gazetteer suggest`` uses it, and its proposals
go to a review file (``aliases.suggested.csv`` beside the user's data, never into the packaged
data), which no lookup reads. A person marks each row ``accept`` or ``reject`` in its ``review``
column, and ``frontline gazetteer accept`` (:func:`accept_aliases`) moves the accepted rows into
an aliases CSV the gazetteer does read. The geocoder is any geopy backend; Nominatim is
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

from geo._output import open_atomic
from geo.exceptions import GeocoderError
from geo.gazetteer import ALIAS_COLUMNS, Gazetteer

__all__ = [
    "REVIEW_COLUMNS",
    "REVIEW_FILE",
    "Suggestion",
    "accept_aliases",
    "append_aliases",
    "make_geocoder",
    "suggest",
]

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
    # Errors must reach the caller: by default RateLimiter swallows them after its retries and
    # returns None, and an unreachable service looked like "no result".
    lookup: Callable[..., Any] = RateLimiter(
        geocoder.geocode,
        min_delay_seconds=min_delay,
        max_retries=1,
        error_wait_seconds=min_delay,
        swallow_exceptions=False,
    )
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


REVIEW_COLUMNS = (*ALIAS_COLUMNS, "review")
REVIEW_FILE = "aliases.suggested.csv"
_ACCEPTED = frozenset({"accept", "accepted", "yes", "y", "ok"})


def append_aliases(path: Path, suggestions: Iterable[Suggestion]) -> int:
    """Add suggestions to a review file as new places, each with an empty ``review`` cell.

    The file is rewritten atomically (old rows kept, the new ones after them).
    """
    _, rows = _read_csv(path)
    before = len(rows)
    for s in suggestions:
        slug = "-".join(s.name.lower().split())
        rows.append(
            {
                "id": f"alias:{slug}",
                "name": s.name,
                "alias": s.name,
                "kind": s.kind,
                "lat": str(s.lat),
                "lon": str(s.lon),
                "source": s.source,
                "note": f"suggested {date.today().isoformat()} from {s.display_name!r}; REVIEW",
                "review": "",
            }
        )
    _write_csv(path, rows, REVIEW_COLUMNS)
    return len(rows) - before


def accept_aliases(review: Path, target: Path, names: Iterable[str] = ()) -> list[dict[str, str]]:
    """Move reviewed rows from ``review`` into the aliases CSV ``target``.

    Moved are the rows whose ``review`` cell says ``accept`` (or yes/ok), or, when ``names``
    are given, the rows of those names whatever their cell says. Rows marked ``reject`` are
    dropped from the review file; the others stay for later. Both files are written
    atomically, ``target`` first, so a crash between the two can only leave a row in both.

    Returns
    -------
    list of dict
        The rows moved.

    Raises
    ------
    GeocoderError
        When ``review`` does not exist.
    """
    if not review.is_file():
        raise GeocoderError(f"{review}: no such review file (run `frontline gazetteer suggest`)")
    wanted = {n.casefold() for n in names}
    _, rows = _read_csv(review)

    def verdict(row: dict[str, str]) -> str:
        if wanted:
            return "accept" if row.get("name", "").casefold() in wanted else "keep"
        cell = row.get("review", "").strip().casefold()
        return "accept" if cell in _ACCEPTED else "reject" if cell == "reject" else "keep"

    moved = [r for r in rows if verdict(r) == "accept"]
    if moved:
        columns, existing = _read_csv(target)
        cleaned = [{k: v for k, v in r.items() if k != "review"} for r in moved]
        for row in cleaned:
            row["note"] = row.get("note", "").replace("; REVIEW", "; reviewed")
        # The target keeps its own columns (and order); any alias column it lacks is added.
        keep = (*columns, *(c for c in ALIAS_COLUMNS if c not in columns))
        _write_csv(target, existing + cleaned, keep)
    _write_csv(review, [r for r in rows if verdict(r) == "keep"], REVIEW_COLUMNS)
    return moved


def _read_csv(path: Path) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """(columns, rows) of a CSV; a missing file has none."""
    if not path.is_file():
        return (), []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [{k: v or "" for k, v in row.items() if k} for row in reader]
        return tuple(reader.fieldnames or ()), rows


def _write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    with open_atomic(path) as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
