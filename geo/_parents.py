"""Sub-places the gazetteer lacks, placed through the known place the text ties them to.

War reporting locates small places by a bigger one: "the X district of Town Y", "X, a suburb
south of Town Y", "the X camp in Town Y", "Town Y's X quarter", "X, 30 km west of Town Y".
When X is no gazetteer name but Town Y is, X becomes a place of its own at Town Y's position
(or projected along the stated bearing and distance) with a coarser precision: ACLED's
geo_precision 2 (within a few km), 3 when the distance is larger or has no bearing.

The patterns are English phrases of place, not of any war; they are tried only in a window
around each known mention, so the cost follows the number of mentions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["HEAD_KINDS", "SubPlace", "find_subplaces"]

# Head nouns of sub-places and the gazetteer kind of the place they name.
HEAD_KINDS = {
    "district": "suburb",
    "neighbourhood": "suburb",
    "neighborhood": "suburb",
    "quarter": "suburb",
    "suburb": "suburb",
    "area": "suburb",
    "camp": "camp",
    "base": "camp",
    "barracks": "camp",
    "checkpoint": "checkpoint",
    "gate": "checkpoint",
    "square": "square",
    "village": "village",
    "town": "town",
    "oasis": "village",
    "port": "port",
    "field": "oil_field",
    "oilfield": "oil_field",
    "terminal": "terminal",
}
_DIRECTIONS = {
    "north": 0.0,
    "northeast": 45.0,
    "north-east": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south-east": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "south-west": 225.0,
    "west": 270.0,
    "northwest": 315.0,
    "north-west": 315.0,
}
_UNITS_KM = {
    "km": 1.0,
    "kms": 1.0,
    "kilometres": 1.0,
    "kilometers": 1.0,
    "miles": 1.609,
    "mi": 1.609,
}
# Capitalised words that begin sentences or describe, never name, a sub-place.
_NOT_NAMES = frozenset(
    "the a an this that its their his her our old new central northern southern eastern western "
    "north south east west upper lower main inner outer greater government rebel army military "
    "security police one two three several some many about around nearly roughly only just "
    "located location situated".split()
)
_HEAD = "|".join(sorted(map(re.escape, HEAD_KINDS), key=len, reverse=True))
# Heads of parts of a place. "The X town of Y" says Y is a town (X is an adjective: "the
# Foreign town of Y"), so town, village, oasis and port only tie a name in other phrases.
_PART_HEADS = [h for h, k in HEAD_KINDS.items() if k not in ("town", "village", "port")]
_PART = "|".join(sorted(map(re.escape, _PART_HEADS), key=len, reverse=True))
_DIR = "|".join(sorted(map(re.escape, _DIRECTIONS), key=len, reverse=True))
_UNIT = "|".join(sorted(map(re.escape, _UNITS_KM), key=len, reverse=True))
_WORD = r"[A-Z][\w'’`]*"
# Articles before a name: "al"/"el" glued by a hyphen or a space, the short ones (also English
# words) by a hyphen only; particles inside a name stay lower-case ("Qasr bin X").
_ARTICLE = r"(?:(?i:al|el)[-‐ ]|(?i:ash|as|ad|az|at|an|ar)[-‐])"
_PARTICLE = r"(?:al|el|ash|as|ad|az|at|an|ar|bin|ben|ibn|abu|bu|wa|de)"
_NAME = rf"(?P<name>{_ARTICLE}?{_WORD}(?:(?:[ -]{_PARTICLE})?[ -]{_WORD}){{0,3}})"
_LINK = r"(?:of|in|near|outside|inside|on the outskirts of|on the edge of)"
_BEARING = rf"(?:(?:just|some|about|around|roughly|nearly)\s+)?(?:(?P<dir1>{_DIR})\s+)?"
_DISTANCE = (
    rf"\[?(?:(?:about|some|around|nearly|roughly|only)\s+)?(?P<n>\d+(?:\.\d+)?)\s*"
    rf"(?P<unit>{_UNIT})\]?\s+(?:\(\d+(?:\.\d+)?\s*(?:{_UNIT})\)\s+)?(?:(?P<dir>{_DIR})\s+)?"
)
# Each pattern ends where the known place starts (window before it) ...
_BEFORE = [
    re.compile(rf"(?:\bthe\s+)?{_NAME}\s+(?P<head>{_PART})\s+{_BEARING}{_LINK}\s+$"),
    re.compile(
        rf"{_NAME},\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,3}}?(?P<head>{_HEAD})\s+"
        rf"(?:(?:just|some|about)\s+)?(?:(?P<dir1>{_DIR})\s+)?(?:of|near|outside|in)\s+$"
    ),
    re.compile(
        rf"(?:a|an|the)\s+(?P<head>{_HEAD})\s+(?:called|named|known as)\s+{_NAME},?\s+"
        rf"(?:{_DISTANCE}(?:of|from|outside)|{_BEARING}(?:of|near|outside))\s+$"
    ),
    re.compile(rf"{_NAME},?\s+{_DISTANCE}(?:of|from|outside)\s+(?:the\s+[a-z]+\s+(?:of\s+)?)?$"),
]
# ... or begins where it ends (window after it).
_AFTER = [re.compile(rf"['’]s\s+{_NAME}\s+(?P<head>{_PART})\b")]
_WINDOW = 120
_TRIGGER = re.compile(rf"\b(?:{_HEAD}|{_UNIT}|called|named|known)\b")
# Every pattern before a place ends with one of these words, just before it.
_LINKED = re.compile(r"\b(?:of|in|near|outside|inside|from)\s+$")


@dataclass(frozen=True, slots=True)
class SubPlace:
    """A sub-place named in the text: ``start``/``end`` span its name in the text.

    ``lat``/``lon`` (WGS84) are the parent's, or projected from it; ``precision`` is ACLED's
    geo_precision (2 within a few km, 3 wider).
    """

    start: int
    end: int
    name: str
    kind: str
    parent: int
    lat: float
    lon: float
    precision: int


def find_subplaces(
    text: str,
    parents: Sequence[tuple[int, int, float, float]],
    taken: Sequence[tuple[int, int]],
) -> list[SubPlace]:
    """Sub-places tied to the known places ``parents`` (start, end, lat, lon in text order).

    ``taken`` are spans already named (places, persons, actors): a sub-place never overlaps
    one. The ``parent`` of a result is its index in ``parents``.
    """
    out: list[SubPlace] = []
    spans = list(taken)
    # Only places with a trigger word (a head noun, a distance) just before them, or a
    # possessive just after, can tie a sub-place: one pass finds the triggers.
    for i, (start, end, lat, lon) in enumerate(parents):
        before = _LINKED.search(text, max(0, start - 12), start) is not None
        if not before and text[end : end + 1] not in ("'", "’"):
            continue
        if before and not _TRIGGER.search(text, max(0, start - _WINDOW), start):
            continue
        lo = max(0, start - _WINDOW)
        window = text[lo:start]
        found = _before(window, lo, i, lat, lon) or _after(text, end, i, lat, lon)
        if found is None or not found.name[:1].isupper():
            continue
        first = found.name.split()[0].split("-")[-1].lower()
        if first in _NOT_NAMES or any(s < found.end and found.start < e for s, e in spans):
            continue
        out.append(found)
        spans.append((found.start, found.end))
    return sorted(out, key=lambda s: s.start)


def _before(window: str, offset: int, parent: int, lat: float, lon: float) -> SubPlace | None:
    for pattern in _BEFORE:
        m = pattern.search(window)
        if m is None:
            continue
        groups = m.groupdict()
        kind = HEAD_KINDS.get((groups.get("head") or "").lower(), "locality")
        plat, plon, precision = _placed(lat, lon, groups)
        start, end = offset + m.start("name"), offset + m.end("name")
        return SubPlace(start, end, m.group("name"), kind, parent, plat, plon, precision)
    return None


def _after(text: str, end: int, parent: int, lat: float, lon: float) -> SubPlace | None:
    for pattern in _AFTER:
        m = pattern.match(text, end, end + _WINDOW)
        if m is None:
            continue
        kind = HEAD_KINDS.get(m.group("head").lower(), "locality")
        return SubPlace(m.start("name"), m.end("name"), m.group("name"), kind, parent, lat, lon, 2)
    return None


def _placed(lat: float, lon: float, groups: dict[str, str | None]) -> tuple[float, float, int]:
    """The sub-place's point and precision: the parent's, or moved along a stated bearing."""
    n = groups.get("n")
    if not n:
        return lat, lon, 2
    km = float(n) * _UNITS_KM.get((groups.get("unit") or "km").lower(), 1.0)
    direction = groups.get("dir") or groups.get("dir1")
    if not direction:
        return lat, lon, 2 if km <= 10 else 3
    plat, plon = _project(lat, lon, _DIRECTIONS[direction.lower()], km)
    return plat, plon, 2 if km <= 50 else 3


def _project(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along ``bearing_deg`` on a sphere (degrees)."""
    r = 6371.0
    phi, lam, theta, d = map(math.radians, (lat, lon, bearing_deg, 0.0))
    d = km / r
    phi2 = math.asin(math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(phi), math.cos(d) - math.sin(phi) * math.sin(phi2)
    )
    return round(math.degrees(phi2), 5), round(math.degrees(lam2), 5)
