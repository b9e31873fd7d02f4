"""Hand-made places, events and histories shared by the tests of the control stages.

Used by ``test_fusion.py``, ``test_control.py``, ``test_analyst.py`` and ``test_zones.py``; their
fixtures (``sides``, ``gazetteer``, ``mini_baseline``, ``seeds``) are in ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from geo.control import ControlHistory, PlaceState
from geo.extract import Event
from geo.sides import Sides

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "store"
PLACES = {  # id: (name, lat, lon)
    "geonames:2210247": ("Tripoli", 32.88743, 13.18733),
    "geonames:2210221": ("Tarhuna", 32.43501, 13.63320),
    "geonames:2218840": ("Bani Walid", 31.74554, 13.98354),
    "geonames:2210554": ("Sirte", 31.20892, 16.58866),
    "osm:node/665116031": ("Al Wachkah", 31.37336, 15.57085),
    "test:brennick": ("Brennick", -40.0, -20.0),  # invented, for the made-up sides A and B
}
TRIPOLI, TARHUNA, BANI_WALID, SIRTE, WASHKA, BRENNICK = PLACES
PUB = date(2020, 6, 6)


@dataclasses.dataclass(frozen=True, slots=True)
class AttributedEvent(Event):
    """An event with the attribution fields, for extractors that do not have them yet."""

    claimant: str = ""
    evidence: tuple[str, ...] = ()


def ev(
    doc: str,
    kind: str,
    side: str,
    place: str,
    when: str,
    quote: str = "",
    conf: float = 0.8,
    *,
    claimant: str = "",
    evidence: tuple[str, ...] = (),
    outlet: str = "",
) -> Event:
    name, lat, lon = PLACES[place]
    prec = {4: "year", 7: "month", 10: "day"}[len(when)]
    args = (doc, kind, side, name, place, name, lat, lon, when, prec, quote or doc, 0, 1, conf)
    if not claimant and not evidence:
        return Event(*args, source=outlet)
    native = {f.name for f in dataclasses.fields(Event)} >= {"claimant", "evidence"}
    make = Event if native else AttributedEvent
    return make(*args, source=outlet, claimant=claimant, evidence=evidence)  # type: ignore[call-arg]


def history(events: list[Event], sides: Sides, **kw: object) -> ControlHistory:
    published = {e.doc_id: PUB for e in events}
    return ControlHistory(events, sides=sides, published=published, **kw)  # type: ignore[arg-type]


def at(states: list[PlaceState], place: str) -> PlaceState:
    return next(s for s in states if s.place_id == place)
