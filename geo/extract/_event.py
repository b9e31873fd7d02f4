"""The extractor's output: one :class:`Event` per control event an article reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from geo.dates import FuzzyDate

__all__ = ["ACTIVITY_KINDS", "CONTROL_KINDS", "EVENT_FIELDS", "Event", "Kind"]

Kind = Literal["capture", "withdraw", "contested", "control_claim", "offensive", "strike"]
CONTROL_KINDS: tuple[str, ...] = ("capture", "withdraw", "contested", "control_claim")
ACTIVITY_KINDS: tuple[str, ...] = ("offensive", "strike")
EVENT_FIELDS: tuple[str, ...] = (
    "doc_id",
    "kind",
    "side",
    "place",
    "place_id",
    "place_name",
    "lat",
    "lon",
    "date",
    "date_precision",
    "quote",
    "start",
    "end",
    "confidence",
    "source",
    "url",
    "claimant",
    "evidence",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One control event (or activity) of one article.

    ``lat``/``lon`` are WGS84 degrees of the resolved place; ``date`` is ISO at
    ``date_precision`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) or empty when unknown;
    ``start``/``end`` are the offsets of ``quote`` in the document's normalised text.
    ``claimant`` is the side the report is attributed to ("Side A said it took X" gives
    ``"A"``), empty when the reporter states it. ``evidence`` holds the other sentences of
    the same article that report the same event.
    """

    doc_id: str
    kind: str
    side: str
    place: str
    place_id: str
    place_name: str
    lat: float
    lon: float
    date: str
    date_precision: str
    quote: str
    start: int
    end: int
    confidence: float
    source: str = ""
    url: str = ""
    claimant: str = ""
    evidence: tuple[str, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The event as a flat record with exactly :data:`EVENT_FIELDS` (evidence as a list)."""
        rec = asdict(self)
        rec["evidence"] = list(self.evidence)
        return rec

    @property
    def fuzzy_date(self) -> FuzzyDate | None:
        """The date as a :class:`~geo.dates.FuzzyDate`, or None when unknown."""
        return FuzzyDate.parse(self.date) if self.date else None

    def to_feature(self) -> dict[str, Any]:
        """A GeoJSON Point feature; coordinates in (lon, lat) order per RFC 7946."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": self.to_record(),
        }
