"""Assessment: the state of one place over time, by weight of evidence.

Every place gets a timeline of segments, each with a state that holds from its start day to the
next segment. Changes (:mod:`geo.fusion`) and baseline snapshots are applied in date order.

States
------
* ``held``: a side holds the place, corroborated (two or more independent sources, at least
  one of them not the side's own word; a baseline snapshot; an analyst's ``set``) or
  uncontested (one source, not the side's own word, that nothing contradicts);
* ``claimed``: a side's uncorroborated claim: only the side's own word, or one source that
  other reports contradict;
* ``contested``: fighting with no clear result, or contrary evidence of comparable weight;
* ``unknown``: no evidence, or a side's withdrawal with no taker.

State rules
-----------
* Each state keeps its *support* (the reports for it) and the evidence *against* it. A source
  counts once (its strongest report, with its latest date), and every weight decays with age:
  by half every ``half_life_days`` when weighing state reports (claims, fighting) against a
  side's hold, and every ``transition_half_life_days`` when weighing a capture or withdrawal
  against the holder, or anything against reports of fighting. A capture reports a change and
  fighting is news of its day, so only recent evidence contradicts them; a claim or fighting
  contradicts whatever a side's evidence still says.
* Evidence for the current state adds to its support. Contrary evidence for another state
  accumulates until it outweighs the support by the factor ``1 / comparable`` (the place goes
  to it), or reaches ``comparable`` times the support (``contested``); weaker, it only lowers
  the confidence. Fighting in which the holder's rival attacks weighs ``siege`` times its weight
  against the holder (a siege is not yet a loss; the holder attacking its own place is). A
  contested place goes to a side as soon as that side's evidence outweighs the fighting
  reports.
* Fighting in which a side attacks is the battle of that side's capture of the place: weighing
  the capture against a contested state leaves the capturer's own attacks out of the fighting
  (they join the capture's evidence), and the capturer's fighting reported on the day of its
  capture supports it.
* Rival captures on one day: the holder's own (a recapture) is applied first, and the rival's
  takes the place only when it outweighs the recapture by ``1 / comparable``; weaker, it is
  listed against the holder but does not make the place contested (a recapture presupposes
  the loss, so the two reports agree that the holder ends the day).
* An article counts once: when on one day it reports the place going two ways (both sides'
  claims, a capture and its reversal), only its strongest report weighs; the others are listed
  against the state but never counted.
* **Background is not evidence**: a report dated only to a month or a year whose period starts
  on or before the latest evidence of the state it contradicts (it may describe the time before
  that evidence) never changes the state on its own; it counts against it.
* A side's own claims alone (``claimant`` is the side that gains) never take a place from a
  ``held`` holder: assessed control needs someone else's report. They count against the
  holder, and make a place with no holder (or a merely claimed one) ``claimed``.
* Activities (offensive, strike) never reach this module. A withdrawal gives the place to the
  withdrawing side's one declared opponent when no third party of the theatre holds ground
  (``cedes``; a third party that only strikes from the air takes nothing); otherwise, or when
  the side has several declared opponents, it leaves the place ``unknown``.
* A baseline snapshot resets the place to its side on its ``as_of`` day with the weight of an
  assessed fact; reports that may predate it are background. An analyst's ``set`` is final
  until the next ``set`` or snapshot.
* Confidence in [0, 1]: ``(1 - exp(-s)) * s / (s + a)`` for a side, with ``s`` the decayed
  support and ``a`` the decayed evidence against; ``1 - exp(-s)`` for ``contested``; 0 for
  ``unknown``; 1 for an analyst's ``set``. It grows with independent corroboration and decays
  with the age of the reports.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from geo.analyst import CONTESTED, UNKNOWN, BaselineEntry
from geo.fusion import OVERRIDE, ControlChange, SourceRef
from geo.sides import Sides

__all__ = [
    "CLAIMED",
    "CONTESTED",
    "HELD",
    "STATUSES",
    "UNKNOWN",
    "AssessmentRules",
    "PlaceState",
    "PlaceTimeline",
    "baseline_ref",
]

HELD = "held"
CLAIMED = "claimed"
STATUSES = (HELD, CLAIMED, CONTESTED, UNKNOWN)


@dataclass(frozen=True, slots=True)
class PlaceState:
    """Who controls one place on one date, how sure we are, and why.

    ``controller`` is what a map colours (a side id, ``contested`` or ``unknown``); ``status``
    says how well it is established (``held``, ``claimed``, ``contested`` or ``unknown``).
    ``evidence`` are the reports for the state and ``against`` the reports contradicting it;
    ``first_data`` is the first day anything is known of the place; before it ``no_data`` is
    set (the state is ``unknown``, with no evidence).
    """

    place_id: str
    place_name: str
    lat: float
    lon: float
    controller: str  # a side id, "contested" or "unknown"
    since: date | None
    last_report: date | None
    stale: bool
    evidence: tuple[SourceRef, ...]
    against: tuple[SourceRef, ...] = ()
    from_baseline: bool = False
    status: str = UNKNOWN
    confidence: float = 0.0
    first_data: date | None = None
    no_data: bool = False  # nothing is known of the place yet on this date

    @property
    def claims(self) -> tuple[SourceRef, ...]:
        """The reports against the state (the former name of :attr:`against`)."""
        return self.against

    @property
    def sources_for(self) -> int:
        """Independent sources behind the state (reprints of one story count once)."""
        return len({r.source_group for r in self.evidence})

    @property
    def sources_against(self) -> int:
        """Independent sources contradicting the state."""
        return len({r.source_group for r in self.against})


@dataclass(frozen=True, slots=True)
class AssessmentRules:
    """Parameters of the state rules (see the module docstring).

    Parameters
    ----------
    comparable
        Contrary evidence at least this share of the support makes a place contested; at
        least its inverse, the place changes hands.
    half_life_days
        Half-life of evidence weighed against claims and fighting, and of the confidence.
    transition_half_life_days
        Half-life of the holder's evidence weighed against a capture or withdrawal.
    merge_days
        The holder's evidence this recent is listed against a capture that replaces it.
    cedes
        Whether a withdrawal gives the place to the side's one declared opponent; None: when no
        third party of the theatre holds ground.
    siege
        Factor on the weight of fighting in which the holder's rival is the attacker (an
        attack on a held place is not yet its loss); fighting the holder reports as its own
        attack counts fully.
    revert_days
        A contested place that no report renews for this many days returns to the side that
        held it before the fighting (fighting is news of its day; an attack that took the place
        would have been reported as a capture).
    """

    comparable: float = 2 / 3
    half_life_days: float = 30.0
    transition_half_life_days: float = 1.0
    merge_days: int = 2
    cedes: bool | None = None
    siege: float = 0.5
    revert_days: int = 30

    def __post_init__(self) -> None:
        if not 0.0 < self.comparable < 1.0:
            raise ValueError(f"comparable must be in (0, 1), not {self.comparable}")
        if self.half_life_days <= 0 or self.transition_half_life_days <= 0:
            raise ValueError("half-lives must be positive")
        if not 0.0 <= self.siege <= 1.0:
            raise ValueError(f"siege must be in [0, 1], not {self.siege}")


def _earliest(ch: ControlChange) -> date:
    """The earliest day a change dated to a period may describe.

    A claim is a present-state assertion: dated only to
    a period that contains its publication, it describes the day of publication (its effective
    day). Anything else dated to a period may describe any day of it.
    """
    if ch.kind == "control_claim" and ch.effective < ch.date.last:
        return ch.effective
    return ch.date.first


def _way(ch: ControlChange) -> tuple[str, str]:
    """Where a change says the place went: fighting, a side's gain or hold, or a side's loss."""
    kind = {"contested": "fighting", "withdraw": "loss"}.get(ch.kind, "gain")
    return kind, ch.side


def _one_voice(changes: Sequence[ControlChange]) -> list[ControlChange]:
    """An article that on one day says the place went two ways weighs only its strongest."""
    best: dict[tuple[str, date], tuple[float, str, str]] = {}
    for c in changes:
        for r in c.sources:
            key = (r.doc_id, c.effective)
            if key not in best or r.weight > best[key][0]:
                best[key] = (r.weight, *_way(c))
    out = []
    for c in changes:
        way = _way(c)
        refs = tuple(
            r if best[(r.doc_id, c.effective)][1:] == way else replace(r, weight=0.0)
            for r in c.sources
        )
        out.append(replace(c, sources=refs) if refs != c.sources else c)
    return out


def _rank(ch: ControlChange, taken: set[tuple[date, str]]) -> float:
    """Same-day order: the capturer's own fighting of its day comes before its capture."""
    if ch.kind == "contested" and (ch.effective, ch.side) in taken:
        return 1.5
    return _RANK.get(ch.kind, 3)


def _order(item: tuple[date, float, object]) -> tuple[date, float]:
    return item[0], item[1]


def _decay(days: int, half_life: float) -> float:
    return float(0.5 ** (max(days, 0) / half_life))


@dataclass
class _Tally:
    """Independent sources behind one state: group -> (strongest weight, latest day)."""

    groups: dict[str, tuple[float, date]] = field(default_factory=dict)
    refs: list[SourceRef] = field(default_factory=list)
    days: list[date] = field(default_factory=list)  # the day each ref was applied
    scales: list[float] = field(default_factory=list)  # its weight factor (0: listed only)

    def add(
        self, refs: Sequence[SourceRef], day: date, *, weigh: bool = True, scale: float = 1.0
    ) -> None:
        for r in refs:
            if weigh and r.weight > 0:  # a weightless report is listed, never counted
                old = self.groups.get(r.source_group)
                weight = max(r.weight * scale, old[0]) if old else r.weight * scale
                self.groups[r.source_group] = (weight, max(day, old[1]) if old else day)
            self.refs.append(r)
            self.days.append(day)
            self.scales.append(scale if weigh else 0.0)

    def merge(self, other: _Tally) -> None:
        for group, (w, day) in other.groups.items():
            old = self.groups.get(group)
            self.groups[group] = (max(w, old[0]), max(day, old[1])) if old else (w, day)
        self.refs.extend(other.refs)
        self.days.extend(other.days)
        self.scales.extend(other.scales)

    def split(self, side: str) -> tuple[_Tally, _Tally]:
        """The fighting in which ``side`` attacks, and the rest, as two tallies."""
        mine, rest = _Tally(), _Tally()
        for r, d, k in zip(self.refs, self.days, self.scales, strict=True):
            into = mine if r.kind == "contested" and r.side == side else rest
            into.add([r], d, weigh=k > 0, scale=k)
        return mine, rest

    def since(self, cutoff: date) -> list[SourceRef]:
        """The refs applied on or after ``cutoff``."""
        return [r for r, d in zip(self.refs, self.days, strict=True) if d >= cutoff]

    def score(self, day: date, half_life: float) -> float:
        return sum(w * _decay((day - t).days, half_life) for w, t in self.groups.values())

    def last(self) -> date | None:
        return max((t for _, t in self.groups.values()), default=None)


@dataclass(frozen=True, slots=True)
class _Segment:
    """The state from ``start`` until the next segment; scores taken on ``start``."""

    start: date
    controller: str
    status: str
    since: date | None
    last_report: date | None
    support: float
    against: float
    final: bool
    from_baseline: bool
    evidence: tuple[list[SourceRef], int]  # the run's list and its length at this segment
    contrary: tuple[tuple[list[SourceRef], int], ...]


def baseline_ref(entry: BaselineEntry, weight: float) -> SourceRef:
    """The report standing for one baseline snapshot row."""
    return SourceRef(
        f"baseline:{entry.as_of.isoformat()}",
        "baseline",
        "",
        entry.source_note,
        entry.as_of.isoformat(),
        "baseline",
        entry.side,
        1.0,
        None,
        "",
        weight,
    )


@dataclass
class _Run:
    """The state of one place while its changes are applied in order."""

    controller: str = UNKNOWN
    since: date | None = None
    support: _Tally = field(default_factory=_Tally)
    against: dict[str, _Tally] = field(default_factory=dict)
    last_report: date | None = None
    final: bool = False  # an analyst's set
    from_baseline: bool = False
    prior: tuple[str, _Tally] | None = None  # contested: who held it before, and why

    def anchor(self) -> date | None:
        """The latest evidence of the current state."""
        last = self.support.last()
        return max(last, self.since) if last and self.since else last or self.since


# Order of items applied on one day: the claims (they describe the day's earlier state), the
# changes of hands, then the fighting (reported the same day, it questions them); then a
# baseline snapshot (it reflects them), then an analyst's set (it wins its day).
_RANK = {"control_claim": 0, "withdraw": 1, "capture": 2, "contested": 3, OVERRIDE: 5}
_SNAPSHOT_RANK = 4


class PlaceTimeline:
    """The assessed state of one place over time (see the module docstring).

    Parameters
    ----------
    place_id, place_name, lat, lon
        The place (WGS84 degrees).
    changes
        Its fused control changes (no activities), any order.
    snapshots
        Its baseline rows, any order.
    sides
        The theatre's sides (who a withdrawal cedes the place to).
    rules
        The state rules' parameters.
    baseline_weight
        The weight of one baseline row.
    """

    def __init__(
        self,
        place_id: str,
        place_name: str,
        lat: float,
        lon: float,
        changes: Sequence[ControlChange],
        snapshots: Sequence[BaselineEntry] = (),
        *,
        sides: Sides,
        rules: AssessmentRules | None = None,
        baseline_weight: float = 2.0,
    ) -> None:
        self.place_id, self.place_name, self.lat, self.lon = place_id, place_name, lat, lon
        self.rules = rules or AssessmentRules()
        self._sides = sides
        self._cedes = self.rules.cedes
        if self._cedes is None:  # no one but the declared opponent could take a place given up
            self._cedes = not sides.ground_third_parties
        self._segments: list[_Segment] = []
        changes = _one_voice(changes)
        taken = {(c.effective, c.side) for c in changes if c.kind == "capture"}
        items: list[tuple[date, float, ControlChange | BaselineEntry]] = [
            (c.effective, _rank(c, taken), c) for c in changes
        ]
        items += [(b.as_of, _SNAPSHOT_RANK, b) for b in snapshots]
        run = _Run()
        for _, grouped in itertools.groupby(sorted(items, key=_order), key=_order):
            group = list(grouped)
            run = self._revert(run, group[0][0])
            # A day's captures: the holder's first (a recapture presupposes the rival's).
            group.sort(key=lambda t: getattr(t[2], "side", "") != run.controller)
            for day, _, item in group:
                run = self._step(run, day, item, baseline_weight)
        self._revert(run, None)
        self._starts = [s.start for s in self._segments]

    def _revert(self, run: _Run, today: date | None) -> _Run:
        """A contested place no report has renewed for ``revert_days`` days goes back to the
        side that held it before the fighting (recorded on the day it does), if there was one."""
        fought = run.anchor()
        if run.controller != CONTESTED or run.prior is None or fought is None:
            return run
        back = fought + timedelta(days=self.rules.revert_days + 1)
        if today is not None and today <= back:
            return run
        side, tally = run.prior
        new = _Run(side, back, last_report=run.last_report)
        new.support.merge(tally)
        new.against[CONTESTED] = run.support  # the fighting, listed against the holder
        self._record(new, back)
        return new

    def _step(
        self, run: _Run, day: date, item: ControlChange | BaselineEntry, baseline_weight: float
    ) -> _Run:
        """Apply one change or snapshot and record the state of its day."""
        if isinstance(item, BaselineEntry):
            run = self._snapshot(item, baseline_weight)
        else:
            run = self._apply(run, item)
            for ref in item.conflicting:  # the earlier state, as its article describes it
                run.against.setdefault(ref.side, _Tally()).add([ref], day, weigh=False)
        self._record(run, day)
        return run

    # -- applying changes -------------------------------------------------------------------
    def _snapshot(self, entry: BaselineEntry, weight: float) -> _Run:
        ref = baseline_ref(entry, weight)
        run = _Run(entry.side, entry.as_of, last_report=entry.as_of, from_baseline=True)
        run.support.add([ref], entry.as_of)
        return run

    def _target(self, ch: ControlChange) -> tuple[str | None, bool]:
        """The state a change argues for, and whether it reports a change of hands."""
        if ch.kind == "capture":
            return ch.side, True
        if ch.kind == "withdraw":
            taker = self._sides.opponent(ch.side) if self._cedes else None
            return taker, True  # None: the side lost it to no one named
        if ch.kind == OVERRIDE or ch.kind == "control_claim":
            return ch.side, False
        return CONTESTED, False

    def _apply(self, run: _Run, ch: ControlChange) -> _Run:
        day = ch.effective
        last = run.last_report
        if ch.kind == OVERRIDE:
            return self._restart(run, ch.side, day, ch.sources, final=True)
        run.last_report = max(last, day) if last else day
        target, transition = self._target(ch)
        if target is None:  # a withdrawal with no taker
            if run.controller not in (ch.side, CONTESTED):
                return self._support(run, ch, day)  # consistent with the holder
            target = UNKNOWN
        if target == run.controller or (
            ch.kind == "contested" and ch.side == run.controller and run.since == day
        ):  # the holder's attack on the day it took the place is the battle of that capture
            return self._support(run, ch, day)
        rival = run.against.setdefault(target, _Tally())
        if run.final:
            rival.add(ch.sources, day)
            return run
        if run.controller == UNKNOWN:
            return self._restart(run, target, day, ch.sources)
        for ref in ch.sources:
            rival.add([ref], day, scale=self._siege(run, ref, target))
        anchor = run.anchor()
        if ch.date.precision != "day" and anchor is not None and _earliest(ch) <= anchor:
            return run  # background: it may predate the evidence it contradicts
        return self._weigh(run, target, day, transition)

    def _siege(self, run: _Run, ref: SourceRef, target: str) -> float:
        """Fighting in which the holder's rival attacks is no loss yet: it weighs less."""
        attacked = target == CONTESTED and ref.side != run.controller
        return self.rules.siege if attacked and run.controller in self._sides.ids else 1.0

    @staticmethod
    def _support(run: _Run, ch: ControlChange, day: date) -> _Run:
        run.support.add(ch.sources, day)
        return run

    def _weigh(self, run: _Run, target: str, day: date, transition: bool) -> _Run:
        """Contrary evidence for ``target``: change hands, become contested, or lower confidence."""
        rules = self.rules
        # Fighting is news of its day, and a capture news of a change: both outlast little.
        fast = transition or run.controller == CONTESTED
        half_life = rules.transition_half_life_days if fast else rules.half_life_days
        held = run.support.score(day, half_life)
        rival = run.against[target]
        contrary = rival.score(day, half_life)
        own = all(r.claimant == target for r in rival.refs)
        if own and run.controller in self._sides.ids and self._status(run, target) == HELD:
            return run  # a side's own word alone never takes a place from an assessed holder
        if run.controller == CONTESTED:
            # Fighting ends as soon as a side's evidence outweighs the reports of it; the
            # capturer's own attack is the battle of its capture: it folds in, never opposes.
            if transition:
                mine, rest = run.support.split(target)
                held = rest.score(day, half_life)
                rival.merge(mine)
                contrary = rival.score(day, half_life)
            return self._restart(run, target, day, (), tally=rival) if contrary >= held else run
        if contrary >= held / rules.comparable:
            return self._restart(run, target, day, (), tally=rival)
        if transition and self._recaptured(run, day):
            return run  # the holder's recapture the same day follows the rival's capture
        if contrary >= held * rules.comparable:
            return self._contest(run, target, day, half_life)
        return run

    @staticmethod
    def _recaptured(run: _Run, day: date) -> bool:
        """Whether the holder before ``day`` reports its own capture of the place that day."""
        return (
            run.since is not None
            and run.since < day
            and any(
                d == day and r.kind == "capture" and r.side == run.controller
                for r, d in zip(run.support.refs, run.support.days, strict=True)
            )
        )

    def _restart(
        self,
        run: _Run,
        controller: str,
        day: date,
        refs: Sequence[SourceRef],
        *,
        tally: _Tally | None = None,
        final: bool = False,
    ) -> _Run:
        """A new state from ``day``; the old holder's evidence of the last days counts against."""
        new = _Run(controller, day, last_report=run.last_report or day, final=final)
        if tally is not None:
            new.support.merge(tally)
        new.support.add(refs, day)
        if run.controller != controller and not final:
            have = set(new.support.refs)  # a capturer's own attack is no evidence against it
            recent = [
                r
                for r in run.support.since(day - timedelta(days=self.rules.merge_days))
                if r not in have
            ]
            if recent:
                new.against[run.controller] = _Tally()
                new.against[run.controller].add(recent, day)
        return new

    def _contest(self, run: _Run, target: str, day: date, half_life: float) -> _Run:
        """Contrary evidence comparable with the support: the place is contested."""
        new = _Run(CONTESTED, day, last_report=run.last_report or day)
        if run.controller in self._sides.ids:
            new.prior = (run.controller, run.support)
        new.support.merge(run.against[target])  # the contradiction weighs what the rival does
        if target != CONTESTED:  # rival claims: show the holder's recent ones beside them
            held = run.support.since(day - timedelta(days=math.ceil(2 * half_life)))
            new.support.add(held, day, weigh=False)
        return new

    # -- segments ---------------------------------------------------------------------------
    def _record(self, run: _Run, day: date) -> None:
        half_life = self.rules.half_life_days
        segment = _Segment(
            day,
            run.controller,
            self._status(run),
            run.since,
            run.last_report,
            run.support.score(day, half_life),
            sum(t.score(day, half_life) for t in run.against.values()),
            run.final,
            run.from_baseline,
            (run.support.refs, len(run.support.refs)),
            tuple((t.refs, len(t.refs)) for t in run.against.values()),
        )
        if self._segments and self._segments[-1].start == day:
            self._segments[-1] = segment  # one state per day: the day's last
        else:
            self._segments.append(segment)

    @staticmethod
    def _status(run: _Run, ignoring: str | None = None) -> str:
        """The run's status (evidence against it for ``ignoring`` left out)."""
        ctl = run.controller
        if ctl in (CONTESTED, UNKNOWN):
            return ctl
        if run.final or run.from_baseline:
            return HELD
        # A side's own word is no corroboration: it takes someone else's report to hold.
        others = {r.source_group for r in run.support.refs if r.claimant != ctl}
        if not others:
            return CLAIMED
        if len(run.support.groups) >= 2:
            return HELD
        contradicted = any(t.groups for h, t in run.against.items() if h != ignoring)
        return CLAIMED if contradicted else HELD

    # -- queries ----------------------------------------------------------------------------
    @property
    def first_data(self) -> date | None:
        """The first day anything is known of the place."""
        return self._starts[0] if self._starts else None

    def _segment(self, day: date) -> _Segment | None:
        i = bisect.bisect_right(self._starts, day)
        return self._segments[i - 1] if i else None

    def controller(self, day: date) -> str:
        """The controller on ``day`` (``unknown`` before the first data)."""
        seg = self._segment(day)
        return seg.controller if seg is not None else UNKNOWN

    def days(self) -> list[date]:
        """The days the state changes (controller, status, evidence), in order; between two
        of them only what ages with the day moves (staleness, confidence)."""
        return list(self._starts)

    def turns(self) -> list[date]:
        """The days the controller changes (from no data to a side counts)."""
        out, before = [], UNKNOWN
        for seg in self._segments:
            if seg.controller != before:
                out.append(seg.start)
            before = seg.controller
        return out

    def state(self, day: date, *, stale_days: int = 30) -> PlaceState:
        """The state on ``day``; before the first data, ``unknown`` with no evidence."""
        seg = self._segment(day)
        if seg is None:
            return PlaceState(
                self.place_id,
                self.place_name,
                self.lat,
                self.lon,
                UNKNOWN,
                None,
                None,
                True,
                (),
                first_data=self.first_data,
                no_data=True,
            )
        refs, n = seg.evidence
        stale = seg.last_report is None or (day - seg.last_report).days > stale_days
        return PlaceState(
            self.place_id,
            self.place_name,
            self.lat,
            self.lon,
            seg.controller,
            seg.since,
            seg.last_report,
            stale,
            tuple(refs[:n]),
            tuple(r for lst, k in seg.contrary for r in lst[:k]),
            seg.from_baseline,
            seg.status,
            self._confidence(seg, day),
            self.first_data,
        )

    def _confidence(self, seg: _Segment, day: date) -> float:
        if seg.final:
            return 1.0
        if seg.controller == UNKNOWN:
            return 0.0
        decay = _decay((day - seg.start).days, self.rules.half_life_days)
        support, against = seg.support * decay, seg.against * decay
        sure = 1.0 - math.exp(-support)
        if seg.controller == CONTESTED or support <= 0.0:
            return round(sure, 3)
        return round(sure * support / (support + against), 3)
