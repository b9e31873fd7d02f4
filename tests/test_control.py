"""Tests of geo.control: state by date, spans of constant control, the state function.

Hand-made events test the rules without depending on the extractor; the seed tests check the
issue's done-when items on the real seeds, baseline and gazetteer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

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
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import Store, ingest


# -- state -----------------------------------------------------------------------------------------
def test_state_semantics(sides: Sides, mini_baseline: list[BaselineEntry]) -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05"),
        ev("b", "withdraw", "LNA", WASHKA, "2020-06-06"),
        ev("c", "contested", "LNA", SIRTE, "2020-06-06", "The LNA fought to retake its own city."),
        ev("c2", "contested", "LNA", SIRTE, "2020-06-06", "LNA units battled inside Sirte."),
        ev("s", "contested", "LNA", TRIPOLI, "2020-06-06", "LNA units attacked the city's edge."),
        ev("d", "offensive", "GNA", TRIPOLI, "2020-06-06"),
        ev("e", "strike", "LNA", TRIPOLI, "2020-06-06"),
        ev("f", "capture", "LNA", SIRTE, "2020-01"),  # before the baseline: already in it
    ]
    h = history(events, sides, baseline=mini_baseline)
    before, after = h.state(date(2020, 6, 1)), h.state(date(2020, 6, 7))
    assert at(before, TARHUNA).controller == "LNA" and at(before, TARHUNA).from_baseline
    assert at(after, TARHUNA).controller == "GNA" and at(after, TARHUNA).since == date(2020, 6, 5)
    assert at(after, WASHKA).controller == UNKNOWN  # a withdrawal is not the opponent's capture
    assert at(after, SIRTE).controller == CONTESTED  # its holder fighting for it: it lost it
    assert at(after, TRIPOLI).controller == "GNA"  # activities never change control
    assert at(after, TRIPOLI).since == date(2020, 5, 20)
    assert [r.doc_id for r in at(after, TRIPOLI).against] == ["s"]  # a siege is no loss yet
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
    claims = [ev(d, "control_claim", "LNA", TARHUNA, "2020-06-08") for d in "cde"]
    even = history([*capture, *claims], sides)  # three claims against two captures
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
        ev("c", "contested", "LNA", SIRTE, "2020-06-06", "The LNA fought to retake its own city."),
        ev("c2", "contested", "LNA", SIRTE, "2020-06-06", "LNA units battled inside Sirte."),
    ]
    h = history(events, sides, baseline=mini_baseline)
    spans = h.intervals(date(2020, 6, 1), date(2020, 6, 10))
    assert spans == [
        (date(2020, 6, 1), date(2020, 6, 5)),
        (date(2020, 6, 5), date(2020, 6, 6)),
        (date(2020, 6, 6), date(2020, 6, 11)),
    ]
    # Fighting that no report renews for 30 days gives Sirte back to its holder on 7 July.
    assert h.span(date(2020, 6, 8)) == (date(2020, 6, 6), date(2020, 7, 7))
    assert h.span(date(2020, 6, 1)) == (date(2020, 5, 20), date(2020, 6, 5))


# -- the seeds (the done-when) -------------------------------------------------------------
AIRPORT = "ourairports:HLLT"
MISRATA = "geonames:2214846"


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
    sirte = at(day, SIRTE)  # attacked by the GNA, still held by the LNA
    assert (sirte.controller, sirte.status) == ("LNA", "held") and len(sirte.against) >= 2
    assert any("driven them back" in c.quote for c in sirte.against)
    assert sirte.confidence < at(seeds.state(date(2020, 6, 1)), SIRTE).confidence
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


# -- end to end, with articles of our own ----------------------------------------------------------
CAPTURE_STORIES = {  # five outlets, five wordings: five independent sources
    "a1": "GNA forces seized the town of Tarhuna on Friday after a short battle, a spokesman said.",
    "a2": "Tarhuna fell to government troops on Friday, residents told reporters by telephone.",
    "a3": "On Friday the Government of National Accord took control of Tarhuna, the last "
    "stronghold of its rivals in the west.",
    "a4": "Forces loyal to the Tripoli government captured Tarhuna on Friday and raised their flag "
    "over the town hall.",
    "a5": "The hill town of Tarhuna was taken by GNA fighters on Friday, local officials said.",
}
WIRE = (
    "TRIPOLI (Wire) - GNA forces captured the town of Tarhuna on Friday, ending a long campaign "
    "by their rivals in the west of the country."
)
REPRINTS = {  # one wire story in five papers: one source
    "p1": WIRE,
    "p2": f"{WIRE}\nCopyright Paper Two.",
    "p3": f"By a staff writer\n{WIRE}",
    "p4": WIRE.replace("TRIPOLI (Wire) - ", ""),
    "p5": f"{WIRE} Reporting by the wire's Tripoli bureau.",
}
# An attacker is named: fighting "between" two sides names none, and gets no row (codebook).
LATER_FIGHTING = "LNA forces attacked GNA positions in Tarhuna on Sunday."
NOT_CONTROL = (  # a conditional and a landmark: neither says who holds the place
    "If GNA forces take Sirte, the road to the oil ports will be open, an analyst said. "
    "The convoy reached Waddan, 250 km south of Misrata, on Friday."
)


def _ingest(store: Path, stories: dict[str, str], published: str, tmp: Path) -> None:
    from click.testing import CliRunner

    from geo.cli import main

    folder = tmp / f"docs-{published}-{len(stories)}-{next(iter(stories))}"
    folder.mkdir()
    for doc, text in stories.items():
        (folder / f"{doc}.txt").write_text(text + "\n", encoding="utf-8")
    args = ["-q", "ingest", str(folder), "--published", published, "--store", str(store)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output


def _history(store: Path, **kw: Any) -> ControlHistory:
    with Store(store, create=False) as st:
        return ControlHistory.from_store(st, overrides=DATA / "no_overrides.csv", **kw)


def test_five_sources_are_not_overturned_by_one_later_contested_report(tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    _ingest(store, CAPTURE_STORIES, "2020-06-06", tmp_path)
    before = at(_history(store).state(date(2020, 6, 8)), TARHUNA)
    _ingest(store, {"late": LATER_FIGHTING}, "2020-06-08", tmp_path)
    after = at(_history(store).state(date(2020, 6, 8)), TARHUNA)
    assert (before.controller, before.status, before.sources_for) == ("GNA", "held", 5)
    assert (after.controller, after.status, after.since) == ("GNA", "held", date(2020, 6, 5))
    assert after.confidence < before.confidence
    assert [r.doc_id for r in after.against] == ["late"]


def test_five_reprints_of_one_wire_story_count_as_one_source(tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    _ingest(store, REPRINTS, "2020-06-06", tmp_path)
    tarhuna = at(_history(store).state(date(2020, 6, 7)), TARHUNA)
    assert tarhuna.controller == "GNA"
    assert len({r.doc_id for r in tarhuna.evidence}) == 5 and tarhuna.sources_for == 1
    other = tmp_path / "o.gpkg"
    _ingest(other, CAPTURE_STORIES, "2020-06-06", tmp_path)
    independent = at(_history(other).state(date(2020, 6, 7)), TARHUNA)
    assert independent.sources_for == 5 and independent.confidence > tarhuna.confidence


def test_a_conditional_or_a_landmark_never_changes_control(tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    _ingest(store, {"c": NOT_CONTROL}, "2020-06-06", tmp_path)
    history = _history(store)
    assert not [c for c in history.changes() if c.place_id in (SIRTE, MISRATA)]
    day = history.state(date(2020, 6, 7))
    for place in (SIRTE, MISRATA):
        state = at(day, place)
        assert state.from_baseline and state.since == date(2020, 5, 20), place
        assert [r.kind for r in state.evidence] == ["baseline"]


def test_before_the_first_baseline_a_place_with_no_evidence_is_unknown(tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    _ingest(store, CAPTURE_STORIES, "2020-06-06", tmp_path)
    history = _history(store)
    assert history.data_start == date(2020, 5, 20)
    misrata = at(history.state(date(2020, 5, 1)), MISRATA)
    assert (misrata.controller, misrata.status, misrata.no_data) == (UNKNOWN, UNKNOWN, True)
    assert misrata.first_data == date(2020, 5, 20)
    from click.testing import CliRunner

    from geo.cli.control import command as control_command

    args = ["--date", "2020-05-01", "--store", str(store)]
    res = CliRunner().invoke(
        control_command, [*args, "--overrides", str(DATA / "no_overrides.csv")]
    )
    assert res.exit_code == 0
    assert "no data before 2020-05-20" in res.output
