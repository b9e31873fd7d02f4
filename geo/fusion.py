"""Fusion: events extracted from many articles become dated control changes, one per change.

``lat``/``lon`` attributes are WGS84 degrees.

Fusion rules
------------
* Reports of one place in the same *direction* merge: ``capture`` by a side and ``withdraw`` by
  its opponent both move the place to that side; all ``contested`` reports of a place are one
  direction; ``control_claim`` by a side is "holds".
* Within a direction, day-precise reports at most ``merge_days`` apart are one change (reports
  of one capture often differ by a day); month- and year-precise reports join the compatible
  change with most sources, else form their own. The change's date is the finest-precision date
  reported by most articles (ties: the earliest).
* Imprecise dates: a change dated only to a month or a year takes effect no later than the
  first publication that reports it: ``effective = min(last day of the period, first
  publication)`` and ``approximate`` is set.
* Each report carries a weight and an independent-source group (:mod:`geo.evidence`); a
  change's ``weight`` is the sum over its groups of the strongest report of each, so five
  reprints of one wire story count once.
* Fusion never decides between reports that disagree (gains by rival sides, fighting in a
  place just taken): :mod:`geo.control` weighs them against each other over time.
* Within one article, a ``control_claim`` contradicted by a capture of the same place is a
  description of the earlier state ("Side A's stronghold Town X"): it is kept only as a
  conflicting report of that capture.
* Analyst overrides (:mod:`geo.analyst`): ``reject`` rows drop the events they match (a row
  matching none is logged), ``add`` rows are fused like any other report, and ``set`` rows
  become ``override`` changes of their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from geo.analyst import Override
from geo.dates import FuzzyDate
from geo.evidence import EvidenceWeights, claimant, report_weight, source_groups
from geo.extract import Event
from geo.sides import Sides

__all__ = ["KIND_RANK", "OVERRIDE", "ControlChange", "SourceRef", "fuse"]

log = logging.getLogger(__name__)

OVERRIDE = "override"
# Order of changes of one place on one day: an analyst's set last, so it wins.
KIND_RANK = {"control_claim": 0, "withdraw": 1, "capture": 2, "contested": 3, OVERRIDE: 4}
_PREC = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One report behind a change: which article said it, and how."""

    doc_id: str
    outlet: str
    url: str
    quote: str
    date: str  # ISO at the event's precision
    kind: str  # the event kind as extracted
    side: str
    confidence: float
    published: dt.date | None = None  # publication date of the article, when known
    claimant: str = ""  # the side the report is attributed to; "" when the reporter states it
    weight: float = 0.0  # the report's evidence weight (geo.evidence)
    group: str = ""  # its independent-source group (the group's first article); "" = doc_id

    @property
    def source_group(self) -> str:
        """The independent source this report belongs to (reprints share one)."""
        return self.group or self.doc_id


@dataclass(frozen=True, slots=True)
class ControlChange:
    """Reports of one place changing hands (or being fought over), fused across articles.

    ``effective`` is the day the change takes effect on the map: the date itself at day
    precision, else no later than the first publication that reports it (``approximate``).
    """

    place_id: str
    place_name: str
    lat: float
    lon: float
    kind: str  # capture | withdraw | contested | control_claim | offensive | strike | override
    side: str  # the side that gains, withdraws, fights or holds
    date: FuzzyDate
    effective: dt.date
    approximate: bool
    sources: tuple[SourceRef, ...]
    conflicting: tuple[SourceRef, ...] = ()
    note: str = ""  # the analyst's note, for overrides
    weight: float = 0.0  # sum over independent sources of their strongest report's weight

    @property
    def corroboration(self) -> int:
        """Number of distinct articles reporting the change."""
        return len({s.doc_id for s in self.sources})

    @property
    def independent(self) -> int:
        """Number of independent sources reporting the change (reprints count once)."""
        return len({s.source_group for s in self.sources})


def fuse(
    events: Sequence[Event],
    *,
    sides: Sides,
    published: Mapping[str, dt.date],
    overrides: Sequence[Override] = (),
    merge_days: int = 2,
    weights: EvidenceWeights | None = None,
) -> list[ControlChange]:
    """Fuse events and overrides into changes (see the module docstring), by effective date.

    Parameters
    ----------
    events
        Extracted events; events without a date are left out.
    sides
        The sides and their declared opponents (a withdrawal is the one opponent's gain).
    published
        Publication date by document id, for the imprecise-date rule.
    overrides
        From :func:`geo.analyst.load_overrides`.
    merge_days
        Day-precise reports of one change may differ by this many days.
    weights
        The evidence weights (:class:`geo.evidence.EvidenceWeights`; defaults when None).
    """
    fusion = _Fusion(sides, published, overrides, merge_days, weights or EvidenceWeights())
    return fusion.run(list(events))


@dataclass
class _Item:
    event: Event
    date: FuzzyDate
    ref: SourceRef


@dataclass
class _Fusion:
    sides: Sides
    published: Mapping[str, dt.date]
    overrides: Sequence[Override]
    merge_days: int
    weights: EvidenceWeights
    groups: dict[tuple[str, str], str] = field(default_factory=dict)

    def _ref(self, ev: Event) -> SourceRef:
        return SourceRef(
            ev.doc_id,
            ev.source,
            ev.url,
            ev.quote,
            ev.date,
            ev.kind,
            ev.side,
            ev.confidence,
            self.published.get(ev.doc_id),
            claimant(ev),
            report_weight(ev, self.sides, self.weights, published=self.published.get(ev.doc_id)),
            self.groups.get((ev.place_id, ev.doc_id), ev.doc_id),
        )

    def _direction(self, ev: Event) -> tuple[str, str]:
        if ev.kind == "capture":
            return ("gain", ev.side)
        if ev.kind == "withdraw":
            rival = self.sides.opponent(ev.side)
            return ("gain", rival) if rival else ("loss", ev.side)
        if ev.kind == "contested":
            return ("contested", "")
        return (ev.kind, ev.side)

    def run(self, events: list[Event]) -> list[ControlChange]:
        rejects = [o for o in self.overrides if o.action == "reject"]
        for o in rejects:
            if not any(o.matches(ev) for ev in events):
                log.warning("%s: reject matches no event", o.where)
        events = [ev for ev in events if not any(o.matches(ev) for o in rejects)]
        events += [_added(o) for o in self.overrides if o.action == "add"]
        self.groups = source_groups(events, published=self.published, weights=self.weights)
        items = [_Item(ev, FuzzyDate.parse(ev.date), self._ref(ev)) for ev in events if ev.date]
        # One article's claim contradicted by its own capture describes the earlier state.
        gains: dict[tuple[str, str], set[str]] = defaultdict(set)
        for it in items:
            way, side = self._direction(it.event)
            # Only a gain by a named side can contradict a claim (a third party's loss cannot:
            # the claim would have no change to hang on and be lost).
            if it.event.kind in ("capture", "withdraw") and way == "gain":
                gains[(it.event.doc_id, it.event.place_id)].add(side)
        demoted: dict[tuple[str, str], list[SourceRef]] = defaultdict(list)
        groups: dict[tuple[str, str, str], list[_Item]] = defaultdict(list)
        for it in items:
            ev = it.event
            won = gains.get((ev.doc_id, ev.place_id), set())
            if ev.kind == "control_claim" and won and ev.side not in won:
                for side in won:
                    demoted[(ev.place_id, side)].append(it.ref)
                continue
            groups[(ev.place_id, *self._direction(ev))].append(it)
        changes: list[ControlChange] = []
        for (pid, way, side), group in groups.items():
            for cluster in _cluster(group, self.merge_days):
                ch = self._change(cluster, way, side)
                if way == "gain":
                    ch = replace(ch, conflicting=tuple(demoted.get((pid, side), ())))
                changes.append(ch)
        changes += [_set_change(o) for o in self.overrides if o.action == "set"]
        return sorted(changes, key=lambda c: (c.effective, c.place_name, KIND_RANK.get(c.kind, 9)))

    def _change(self, cluster: list[_Item], way: str, side: str) -> ControlChange:
        best = cluster[0].date if len(cluster) == 1 else _best_date(cluster)
        kinds = {it.event.kind for it in cluster}
        ev = cluster[0].event
        kind, actor = ev.kind, ev.side
        if way == "gain":
            kind, actor = ("capture", side) if "capture" in kinds else ("withdraw", ev.side)
        if best.precision == "day":
            effective, approximate = best.value, False
        else:
            pubs = [p for it in cluster if (p := self.published.get(it.event.doc_id))]
            bound = min([best.last, *pubs])
            effective, approximate = max(best.first, bound), True
        refs = sorted({it.ref for it in cluster}, key=lambda r: (r.doc_id, r.date, r.kind))
        strongest: dict[str, float] = {}
        for r in refs:
            strongest[r.source_group] = max(strongest.get(r.source_group, 0.0), r.weight)
        return ControlChange(
            ev.place_id,
            ev.place_name,
            ev.lat,
            ev.lon,
            kind,
            actor,
            best,
            effective,
            approximate,
            tuple(refs),
            weight=sum(strongest.values()),
        )


def _best_date(cluster: list[_Item]) -> FuzzyDate:
    """The finest-precision date reported by most articles (ties: the earliest)."""
    finest = min(_PREC[it.date.precision] for it in cluster)
    votes = Counter(it.date for it in cluster if _PREC[it.date.precision] == finest)
    return max(
        votes,
        key=lambda d: (
            len({i.event.doc_id for i in cluster if i.date == d}),
            -d.value.toordinal(),
        ),
    )


def _cluster(items: list[_Item], merge_days: int) -> list[list[_Item]]:
    """Clusters of reports of one change (see the module docstring)."""
    clusters: list[list[_Item]] = []
    for it in sorted((i for i in items if i.date.precision == "day"), key=lambda i: i.date):
        if clusters and (it.date.value - clusters[-1][0].date.value).days <= merge_days:
            clusters[-1].append(it)
        else:
            clusters.append([it])
    rest = sorted(
        (i for i in items if i.date.precision != "day"),
        key=lambda i: (_PREC[i.date.precision], i.date.value),
    )
    for it in rest:
        fits = [c for c in clusters if any(it.date.compatible(o.date) for o in c)]
        if fits:
            max(fits, key=lambda c: len({o.event.doc_id for o in c})).append(it)
        else:
            clusters.append([it])
    return clusters


def _added(o: Override) -> Event:
    assert o.date is not None
    return Event(
        f"override:{o.where}",
        o.kind,
        o.side,
        o.place_name,
        o.place_id,
        o.place_name,
        o.lat,
        o.lon,
        o.date.iso(),
        o.date.precision,
        o.note,
        0,
        0,
        1.0,
        "analyst",
    )


def _set_change(o: Override) -> ControlChange:
    assert o.date is not None
    ref = SourceRef(
        o.doc_id or f"override:{o.where}",
        "analyst",
        "",
        o.note,
        o.date.iso(),
        OVERRIDE,
        o.side,
        1.0,
    )
    return ControlChange(
        o.place_id,
        o.place_name,
        o.lat,
        o.lon,
        OVERRIDE,
        o.side,
        o.date,
        o.date.first,
        o.date.precision != "day",
        (ref,),
        note=o.note,
    )
