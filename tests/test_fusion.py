"""Tests of geo.fusion: reports of one change merge, imprecise dates, contradictions, and no
report is ever lost. Hand-made events test the rules without depending on the extractor.
"""

from __future__ import annotations

from datetime import date, timedelta

from control_cases import BANI_WALID, PLACES, PUB, SIRTE, TARHUNA, at, ev, history
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.control import CONTESTED, ControlHistory
from geo.dates import FuzzyDate
from geo.sides import Sides


def test_reports_of_one_capture_merge_at_the_most_precise_date(sides: Sides) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "capture", "GNA", TARHUNA, "2020-06"),
        ev("c", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("d", "withdraw", "LNA", TARHUNA, "2020-06"),  # the same direction, told by the loser
        ev("e", "capture", "GNA", TARHUNA, "2020-06-04"),  # a day off: still the same capture
    ]
    (change,) = history(events, sides).changes()
    assert (change.kind, change.side) == ("capture", "GNA")
    assert change.date.iso() == "2020-06-05" and change.effective == date(2020, 6, 5)
    assert not change.approximate
    assert change.corroboration == 5
    assert {s.doc_id for s in change.sources} == set("abcde")


def test_reports_far_apart_stay_separate_changes(sides: Sides) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "capture", "GNA", TARHUNA, "2020-06-20"),
    ]
    assert len(history(events, sides).changes()) == 2


def test_month_only_date_takes_effect_by_first_publication(sides: Sides) -> None:
    events = [ev("a", "capture", "GNA", BANI_WALID, "2020-06")]
    (change,) = history(events, sides).changes()
    assert change.approximate and change.effective == PUB
    (unpublished,) = ControlHistory(events, sides=sides).changes()
    assert unpublished.effective == date(2020, 6, 30)  # no publication: the period's end


def test_rival_gains_stay_separate_changes_and_comparable_ones_are_contested(
    sides: Sides,
) -> None:
    events = [
        ev("gna", "capture", "GNA", SIRTE, "2020-06-06", "GNA advanced into Sirte"),
        ev("lna", "capture", "LNA", SIRTE, "2020-06-06", "eastern forces drove them back"),
    ]
    h = history(events, sides)
    assert sorted(c.side for c in h.changes()) == ["GNA", "LNA"]  # fusion does not judge
    sirte = at(h.state(date(2020, 6, 7)), SIRTE)
    assert (sirte.controller, sirte.status) == (CONTESTED, CONTESTED)
    assert {c.side for c in sirte.evidence} == {"GNA", "LNA"}


def test_claim_contradicted_by_its_own_article_is_only_a_conflicting_report(sides: Sides) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("a", "control_claim", "LNA", TARHUNA, "2020-06-06", "Haftar stronghold Tarhuna"),
    ]
    h = history(events, sides)
    assert [c.kind for c in h.changes()] == ["capture"]
    tarhuna = at(h.state(date(2020, 6, 7)), TARHUNA)
    assert tarhuna.controller == "GNA"
    assert [c.side for c in tarhuna.claims] == ["LNA"]


_KINDS = ("capture", "withdraw", "contested", "control_claim", "offensive", "strike")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdef"),
            st.sampled_from(_KINDS),
            st.sampled_from(("GNA", "LNA", "ISIS")),
            st.sampled_from(list(PLACES)),
            st.integers(0, 40),
            st.sampled_from(("day", "month")),
        ),
        max_size=12,
    )
)
def test_fusion_keeps_every_report(
    rows: list[tuple[str, str, str, str, int, str]],
) -> None:
    sides = Sides.load()
    events = []
    for doc, kind, side, place, offset, prec in rows:
        day = date(2020, 5, 20) + timedelta(days=offset)
        events.append(ev(doc, kind, side, place, day.isoformat()[: 10 if prec == "day" else 7]))
    h = history(events, sides)
    refs = [r for c in h.changes() for r in (*c.sources, *c.conflicting)]
    kept = {(r.doc_id, r.kind, r.side, r.date) for r in refs}
    assert kept == {(e.doc_id, e.kind, e.side, e.date) for e in events}
    slack = timedelta(days=3 * h.merge_days + 31)  # window merges, month joins, contradictions
    for c in h.changes():
        assert c.effective >= c.date.first
        for ref in c.sources:
            fd = FuzzyDate.parse(ref.date)
            assert fd.first <= c.date.last + slack and c.date.first - slack <= fd.last
