"""Evidence weights and independent sources: how much one report of control is worth.

Weight rules
------------
A report's weight is the product of

* its **kind**: a capture is a direct report of a change; a withdrawal says less about who took
  the place; a present-state claim ("the town, held by Side A") and a report of fighting say
  less again (:attr:`EvidenceWeights.kinds`);
* the extractor's **confidence** in the reading (at least ``min_confidence``);
* its **date precision**: a day-dated report outweighs one dated only to a month or a year (a
  claim dated to the period of its publication states the publication day: day precision);
* its **directness**: who the report is attributed to (``Event.claimant``). A side's own claim
  of its gain ("Side A said it took Town X") counts less than a report in the reporter's voice
  or a third party's, and the losing side's admission ("Side B said it withdrew") counts more;
* its **source**: an optional factor per outlet (``1.0`` unless configured).

Independent sources
-------------------
Outlets reprint wire stories, so five articles can be one source. Two articles are one
*source group* for a place when a quote of one (the event's sentence or a further sentence of
the same event, ``Event.evidence``) is a near-duplicate of a quote of the other: rapidfuzz's
token-set ratio at least ``threshold`` on quotes of at least ``min_tokens`` words (shorter
quotes say too little to prove copying). Groups are the connected components; each group is
named by its earliest article, and counts once: a change's strength is the sum over its groups
of the strongest report in each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

import numpy as np
from rapidfuzz import fuzz, process, utils

from geo.extract import Event
from geo.sides import Sides

__all__ = [
    "ADMISSION",
    "OWN_CLAIM",
    "REPORTED",
    "THIRD_PARTY",
    "EvidenceWeights",
    "claimant",
    "directness",
    "quotes",
    "report_weight",
    "source_groups",
]

_CHUNK = 2048  # quotes compared at once

# How direct a report is, by whom it is attributed to.
REPORTED = "reported"  # in the reporter's own voice
OWN_CLAIM = "own claim"  # the side that gains says so
ADMISSION = "admission"  # the side that loses says so
THIRD_PARTY = "third party"  # someone who is not a side (witnesses, residents, officials)


def _frozen(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class EvidenceWeights:
    """The weight rules' parameters (see the module docstring).

    Parameters
    ----------
    kinds
        Weight of each event kind; kinds not listed (activities) weigh nothing.
    precision
        Factor for each date precision.
    directness
        Factor for each directness class (:data:`REPORTED`, :data:`OWN_CLAIM`,
        :data:`ADMISSION`, :data:`THIRD_PARTY`).
    outlets
        Factor per outlet name (case-insensitive); outlets not listed count ``1.0``.
    min_confidence
        The extractor's confidence is raised to at least this.
    baseline
        Weight of one row of a baseline snapshot (an analyst's assessment of a date).
    threshold, min_tokens
        Near-duplicate quotes: token-set ratio at least ``threshold`` (0-100) on quotes of at
        least ``min_tokens`` words.
    """

    kinds: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"capture": 1.0, "withdraw": 0.8, "control_claim": 0.6, "contested": 0.8}
        )
    )
    precision: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"day": 1.0, "month": 0.7, "year": 0.4})
    )
    directness: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {REPORTED: 1.0, OWN_CLAIM: 0.5, ADMISSION: 1.25, THIRD_PARTY: 1.0}
        )
    )
    outlets: Mapping[str, float] = field(default_factory=lambda: _frozen({}))
    min_confidence: float = 0.1
    baseline: float = 2.0
    threshold: float = 90.0
    min_tokens: int = 6

    def outlet(self, name: str) -> float:
        """The factor of one outlet (``1.0`` when not configured)."""
        if not self.outlets:
            return 1.0
        folded = {k.casefold(): v for k, v in self.outlets.items()}
        return folded.get(name.casefold(), 1.0)


def claimant(ev: Event) -> str:
    """The side a report is attributed to, ``""`` when the reporter states it.

    Works with events from extractors that do not fill ``claimant`` yet.
    """
    return str(getattr(ev, "claimant", "") or "")


def quotes(ev: Event) -> tuple[str, ...]:
    """The event's sentence and the further sentences of the same event (``Event.evidence``)."""
    more = getattr(ev, "evidence", ()) or ()
    return (ev.quote, *(str(q) for q in more))


def _beneficiary(ev: Event, sides: Sides) -> str | None:
    """The side the report says holds or gains the place, if one."""
    if ev.kind in ("capture", "control_claim"):
        return ev.side
    if ev.kind == "withdraw":
        return sides.opponent(ev.side)
    return None


def directness(ev: Event, sides: Sides) -> str:
    """How direct a report is (see the module docstring)."""
    who = claimant(ev)
    if not who:
        return REPORTED
    if who not in sides.ids:
        return THIRD_PARTY
    gainer = _beneficiary(ev, sides)
    if ev.kind == "withdraw":
        # The side that withdrew says so: an admission; its rival says so: its own claim.
        return ADMISSION if who == ev.side else OWN_CLAIM if who == gainer else THIRD_PARTY
    if ev.kind == "contested":
        return REPORTED  # who fights where is no one's gain
    return OWN_CLAIM if who == gainer else ADMISSION


def report_weight(
    ev: Event, sides: Sides, weights: EvidenceWeights, *, published: date | None = None
) -> float:
    """The weight of one report (see the module docstring); 0 for activities.

    ``published`` is the article's publication date, when known.
    """
    kind = weights.kinds.get(ev.kind, 0.0)
    if kind == 0.0:
        return 0.0
    precision = weights.precision.get(_precision(ev, published), 1.0)
    confidence = max(ev.confidence, weights.min_confidence)
    direct = weights.directness.get(directness(ev, sides), 1.0)
    return kind * precision * confidence * direct * weights.outlet(ev.source)


def _precision(ev: Event, published: date | None) -> str:
    """The date precision that weighs: a present-state claim speaks of its publication day."""
    prec = ev.date_precision or "day"
    if prec == "day" or ev.kind != "control_claim" or published is None:
        return prec
    fd = ev.fuzzy_date
    return "day" if fd is not None and fd.first <= published <= fd.last else prec


def source_groups(
    events: Iterable[Event],
    *,
    published: Mapping[str, date] | None = None,
    weights: EvidenceWeights | None = None,
) -> dict[tuple[str, str], str]:
    """The independent-source group of each (place id, doc id) (see the module docstring).

    Returns
    -------
    dict
        ``(place_id, doc_id) -> group``; the group is the doc id of its earliest article (by
        publication date, then id). An article alone is its own group.
    """
    weights = weights or EvidenceWeights()
    published = published or {}
    by_place: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for ev in events:
        by_place[ev.place_id][ev.doc_id].update(q for q in quotes(ev) if q)
    out: dict[tuple[str, str], str] = {}
    for pid, docs in by_place.items():
        if len(docs) == 1:  # one article: its own group, nothing to compare
            out[(pid, next(iter(docs)))] = next(iter(docs))
            continue
        order = sorted(docs, key=lambda d: (published.get(d, date.max), d))
        for doc, group in _components(order, docs, weights).items():
            out[(pid, doc)] = group
    return out


def _components(
    order: Sequence[str], docs: Mapping[str, set[str]], weights: EvidenceWeights
) -> dict[str, str]:
    """Group articles whose quotes are near-duplicates; each named by its first in ``order``."""
    parent = {d: d for d in order}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    rank = {d: i for i, d in enumerate(order)}
    texts: list[str] = []
    owner: list[str] = []
    for doc in order:
        for q in sorted(docs[doc]):
            processed = utils.default_process(q)
            if len(processed.split()) >= weights.min_tokens:
                texts.append(processed)
                owner.append(doc)
    if len(set(owner)) < 2:
        return {d: d for d in order}
    for lo in range(0, len(texts), _CHUNK):  # bounded memory on places with many quotes
        scores = process.cdist(
            texts[lo : lo + _CHUNK],
            texts,
            scorer=fuzz.token_set_ratio,
            score_cutoff=weights.threshold,
            dtype=np.uint8,
            workers=1,
        )
        for i, j in zip(*scores.nonzero(), strict=True):
            a, b = find(owner[lo + i]), find(owner[j])
            if a != b:  # the earlier article names the group
                first, second = (a, b) if rank[a] < rank[b] else (b, a)
                parent[second] = first
    return {d: find(d) for d in order}
