"""Document consolidation: one event per place and direction per article.

The same event reported several times (the lead, the quote that repeats it, the loser's
retreat, the "full control" that follows) becomes one event whose other sentences are kept as
evidence. The most precise date stated for it anywhere in the article wins, and a headline
never outranks the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from geo._geodesy import distance_km
from geo.dates import FuzzyDate
from geo.gazetteer import Place
from geo.sides import Sides

__all__ = ["Merged", "Report", "consolidate", "contest_denied"]

_PRECISION = {"day": 3, "month": 2, "year": 1}
# A site and its town ("the port", "Town X") are one place for folding reports together.
_SAME_PLACE_KM = 3.0


@dataclass(frozen=True, slots=True)
class Report:
    """One sentence's report of an event, before consolidation.

    ``dated`` ranks how the date was found: 3 its own clause, 2 a governing report, 1 the
    story so far, 0 the undated default. ``start``/``end`` span the quoted sentence.
    """

    kind: str
    side: str
    place: Place
    surface: str
    sentence: int
    start: int
    end: int
    date: FuzzyDate | None
    dated: int
    claimant: str
    confidence: float
    headline: bool = False
    complete: bool = False
    reported: bool = False  # attributed to someone, a side or not ("state media said")

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """How good a source for the event's date and quote this report is: the body before
        a headline, a stated date before an inferred one, then the more precise."""
        precision = _PRECISION[self.date.precision] if self.date else 0
        return (not self.headline, self.dated > 0, precision, self.dated)


@dataclass
class Merged:
    """An event: its best report and the others that report it too."""

    best: Report
    others: list[Report] = field(default_factory=list)

    @property
    def reports(self) -> list[Report]:
        """Every report, the best first."""
        return [self.best, *self.others]

    def absorb(self, other: Merged) -> None:
        """Take in the reports of ``other``; the better best report becomes the best (the
        first on ties: the earlier sentence)."""
        if other.best.rank > self.best.rank:
            self.others.append(self.best)
            self.best = other.best
        else:
            self.others.append(other.best)
        self.others.extend(other.others)

    def absorb_as_evidence(self, other: Merged) -> None:
        """Take in ``other`` as evidence only (the loser's retreat dates no capture)."""
        self.others.extend(other.reports)


def _key(r: Report) -> tuple[str, str, str]:
    return (r.kind, r.side, r.place.id)


def _distinct_dates(a: Merged, b: Merged) -> bool:
    """Two explicitly dated reports of one kind, side and place on different days are two
    events (the same place taken twice)."""
    da, db = a.best.date, b.best.date
    if da is None or db is None or a.best.dated < 2 or b.best.dated < 2:
        return False
    if a.best.headline or b.best.headline:
        return False  # a headline restates the body
    return not da.compatible(db)


def _merge_same(reports: Iterable[Report]) -> list[Merged]:
    groups: dict[tuple[str, str, str], list[Merged]] = {}
    order: list[Merged] = []
    for r in reports:
        item = Merged(r)
        bucket = groups.setdefault(_key(r), [])
        home = next((m for m in bucket if not _distinct_dates(m, item)), None)
        if home is None:
            bucket.append(item)
            order.append(item)
        else:
            home.absorb(item)
    return order


def _earlier_or_same(a: Report, b: Report) -> bool:
    """``a`` happened no later than ``b`` as far as the dates tell."""
    if a.date is None or b.date is None or a.date.compatible(b.date):
        return True
    return a.date.first <= b.date.first


def contest_denied(reports: list[Report], denials: dict[int, str]) -> list[Report]:
    """A claimed capture that the same or the next sentence denies is contested ("state TV
    said A retook X; B denied this"). ``denials`` maps a sentence to the denier's side ("" when
    unknown); a side does not contest its own claim by denying another."""
    out = []
    for r in reports:
        near = (denials.get(r.sentence + k) for k in (0, 1, 2))
        denier = next((d for d in near if d is not None), None)
        claimed = r.claimant or r.reported or r.sentence in denials
        if r.kind == "capture" and denier is not None and claimed and denier != r.side:
            r = replace(r, kind="contested")
        out.append(r)
    return out


def _near(a: Place, b: Place) -> bool:
    return a.id == b.id or distance_km((a.lat, a.lon), (b.lat, b.lon)) < _SAME_PLACE_KM


class _Captures:
    """The captures of an article, found by place in constant time (a grid of ~5 km cells)."""

    _CELL = 20.0  # cells per degree

    def __init__(self, captures: list[Merged]) -> None:
        self._cells: dict[tuple[int, int], list[Merged]] = {}
        for c in captures:
            self._cells.setdefault(self._cell(c.best.place), []).append(c)

    def _cell(self, p: Place) -> tuple[int, int]:
        return round(p.lat * self._CELL), round(p.lon * self._CELL)

    def near(self, place: Place) -> list[Merged]:
        """The captures of ``place`` or of a place within a few km of it."""
        y, x = self._cell(place)
        return [
            c
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            for c in self._cells.get((y + dy, x + dx), ())
            if _near(c.best.place, place)
        ]


def consolidate(reports: list[Report], sides: Sides) -> list[Merged]:
    """The events of one article from its reports (in text order)."""
    merged = _merge_same(reports)
    captures = _Captures([m for m in merged if m.best.kind == "capture"])
    out: list[Merged] = []
    for m in merged:
        host = _host(m, captures.near(m.best.place), sides)
        if host is None:
            out.append(m)
        elif m.best.kind == "withdraw":
            host.absorb_as_evidence(m)
        else:
            host.absorb_as_evidence(m)
    return [m for m in out if not _contradicted(m, captures, sides)]


def _host(m: Merged, captures: list[Merged], sides: Sides) -> Merged | None:
    """The capture that report ``m`` is part of, if any."""
    r = m.best
    if r.kind == "capture":
        return None
    for c in captures:
        cap = c.best
        if r.kind == "withdraw" and cap.side != r.side:
            return c  # the loser's retreat
        if r.kind == "contested" and cap.side == r.side and _earlier_or_same(r, cap):
            return c  # the fighting that ended in the capture
        if r.kind == "control_claim" and cap.side == r.side and _follows(r, c):
            return c  # the "full control" that follows the capture
    return None


def _follows(claim: Report, capture: Merged) -> bool:
    """A claim restates a capture when it says the control is complete or stands in the same
    or the next sentence as a report of the capture."""
    if claim.complete:
        return True
    return any(abs(claim.sentence - r.sentence) <= 1 for r in capture.reports)


def _contradicted(m: Merged, captures: _Captures, sides: Sides) -> bool:
    """A claim that a capture by another side contradicts is not labelled."""
    r = m.best
    if r.kind != "control_claim":
        return False
    takers = {c.best.side for c in captures.near(r.place)}
    return bool(takers - {r.side}) and r.side not in takers
