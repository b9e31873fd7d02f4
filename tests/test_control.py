"""Tests of geo.control: state by date, spans of constant control, the state function.

Hand-made events test the rules without depending on the extractor; the seed tests check the
issue's done-when items on the real seeds, baseline and gazetteer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from control_cases import (
    BANI_WALID,
    DATA,
    PUB,
    SIRTE,
    TARHUNA,
    TRIPOLI,
    WASHKA,
    at,
    ev,
    history,
)

from geo.control import CONTESTED, UNKNOWN, BaselineEntry, ControlHistory, PlaceState, state
from geo.documents import load_documents
from geo.events import EventExtractor
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import Store, ingest


# -- state -----------------------------------------------------------------------------------------
def test_state_semantics(sides: Sides, mini_baseline: list[BaselineEntry]) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "withdraw", "LNA", WASHKA, "2020-06-06"),
        ev("c", "contested", "GNA", SIRTE, "2020-06-06", "Heavy fighting raged around Sirte."),
        ev("c2", "contested", "GNA", SIRTE, "2020-06-06", "GNA units attacked the city's gates."),
        ev("d", "offensive", "GNA", TRIPOLI, "2020-06-06"),
        ev("e", "strike", "LNA", TRIPOLI, "2020-06-06"),
        ev("f", "capture", "LNA", SIRTE, "2020-01"),  # before the baseline: already in it
    ]
    h = history(events, sides, baseline=mini_baseline)
    before, after = h.state(date(2020, 6, 1)), h.state(date(2020, 6, 7))
    assert at(before, TARHUNA).controller == "LNA" and at(before, TARHUNA).from_baseline
    assert at(after, TARHUNA).controller == "GNA" and at(after, TARHUNA).since == date(2020, 6, 5)
    assert at(after, WASHKA).controller == UNKNOWN  # a withdrawal is not the opponent's capture
    assert at(after, SIRTE).controller == CONTESTED
    assert at(after, TRIPOLI).controller == "GNA"  # activities never change control
    assert at(after, TRIPOLI).since == date(2020, 5, 20)
    assert at(after, "geonames:2217440").controller == UNKNOWN
    # Before the baseline's date only reports count: Sirte's January capture.
    early = [(s.place_id, s.controller) for s in h.state(date(2020, 5, 1)) if not s.no_data]
    assert early == [(SIRTE, "LNA")]


def test_claim_sets_holder_only_with_enough_weight(
    sides: Sides, mini_baseline: list[BaselineEntry]
) -> None:
    capture = [ev(d, "capture", "GNA", TARHUNA, "2020-06-05") for d in ("a", "b")]
    weak = history([*capture, ev("c", "control_claim", "LNA", TARHUNA, "2020-06-08")], sides)
    assert at(weak.state(date(2020, 6, 9)), TARHUNA).controller == "GNA"
    assert [c.doc_id for c in at(weak.state(date(2020, 6, 9)), TARHUNA).against] == ["c"]
    claims = [ev(d, "control_claim", "LNA", TARHUNA, "2020-06-08") for d in ("c", "d")]
    even = history([*capture, *claims], sides)  # two claims against two captures
    assert at(even.state(date(2020, 6, 9)), TARHUNA).controller == CONTESTED
    claims = [ev(d, "control_claim", "LNA", TARHUNA, "2020-07-08") for d in "cdefg"]
    strong = history([*capture, *claims], sides)  # five claims a month later
    assert at(strong.state(date(2020, 7, 9)), TARHUNA).controller == "LNA"
    confirmed = [ev(d, "capture", "GNA", TRIPOLI, "2020-06-04") for d in ("a", "b")]
    claim = ev("c", "control_claim", "LNA", TRIPOLI, "2020-06-08")
    held = history([*confirmed, claim], sides, baseline=mini_baseline)
    assert at(held.state(date(2020, 6, 9)), TRIPOLI).controller == "GNA"  # 1 + 2 articles vs 1
    contested = [ev("x", "contested", "GNA", SIRTE, "2020-06-06")]
    ended = history([*contested, ev("y", "control_claim", "LNA", SIRTE, "2020-06-08")], sides)
    assert at(ended.state(date(2020, 6, 7)), SIRTE).controller == CONTESTED
    assert at(ended.state(date(2020, 6, 8)), SIRTE).controller == "LNA"


def test_evidence_ages_into_stale(sides: Sides) -> None:
    h = history([ev("a", "capture", "GNA", TARHUNA, "2020-06-05")], sides, stale_days=10)
    assert not at(h.state(date(2020, 6, 15)), TARHUNA).stale
    assert at(h.state(date(2020, 6, 16)), TARHUNA).stale
    assert at(h.state(date(2020, 6, 16)), TARHUNA).last_report == date(2020, 6, 5)


def test_intervals_step_through_control_changes(
    sides: Sides, mini_baseline: list[BaselineEntry]
) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "capture", "GNA", TRIPOLI, "2020-06-04"),  # confirms the holder: no new span
        ev("c", "contested", "GNA", SIRTE, "2020-06-06", "Heavy fighting raged around Sirte."),
        ev("c2", "contested", "GNA", SIRTE, "2020-06-06", "GNA units attacked the city's gates."),
    ]
    h = history(events, sides, baseline=mini_baseline)
    spans = h.intervals(date(2020, 6, 1), date(2020, 6, 10))
    assert spans == [
        (date(2020, 6, 1), date(2020, 6, 5)),
        (date(2020, 6, 5), date(2020, 6, 6)),
        (date(2020, 6, 6), date(2020, 6, 11)),
    ]
    assert h.span(date(2020, 6, 8)) == (date(2020, 6, 6), None)
    assert h.span(date(2020, 6, 1)) == (date(2020, 5, 20), date(2020, 6, 5))


# -- the seeds (the done-when) -------------------------------------------------------------
AIRPORT = "ourairports:HLLT"


def test_seeds_on_june_1(seeds: ControlHistory) -> None:
    day = seeds.state(date(2020, 6, 1))
    for place in (TARHUNA, BANI_WALID, AIRPORT):
        assert at(day, place).controller == "LNA", place


def test_seeds_on_june_7(seeds: ControlHistory) -> None:
    day = seeds.state(date(2020, 6, 7))
    tarhuna = at(day, TARHUNA)
    assert (tarhuna.controller, tarhuna.since) == ("GNA", date(2020, 6, 5))
    assert len({e.doc_id for e in tarhuna.evidence}) >= 4
    bani_walid = at(day, BANI_WALID)
    assert (bani_walid.controller, bani_walid.since) == ("GNA", date(2020, 6, 6))
    assert at(day, AIRPORT).controller == "GNA"
    sirte = at(day, SIRTE)
    assert sirte.controller == CONTESTED and len(sirte.evidence) >= 2
    assert any("driven them back" in c.quote for c in sirte.evidence)
    assert at(day, WASHKA).controller != "LNA"


def test_state_function_reads_a_store_path(
    tmp_path: Path, gazetteer: Gazetteer, sides: Sides
) -> None:
    path = tmp_path / "s.gpkg"
    with Store(path) as store:
        docs = load_documents([DATA / "article.txt"], published=PUB)
        ingest(store, docs, EventExtractor(gazetteer, sides))
    states = state(
        path,
        date(2020, 6, 7),
        baseline=DATA / "baseline_mini.csv",
        overrides=DATA / "no_overrides.csv",
        gazetteer=gazetteer,
        sides=sides,
    )
    assert {s.place_id for s in states} >= {TRIPOLI, TARHUNA}
    assert all(isinstance(s, PlaceState) for s in states)
