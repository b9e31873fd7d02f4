"""Tests of geo.evidence: report weights, directness, and independent source groups."""

from __future__ import annotations

from datetime import date

import pytest
from control_cases import SIRTE, TARHUNA, ev

from geo.evidence import (
    ADMISSION,
    OWN_CLAIM,
    REPORTED,
    THIRD_PARTY,
    EvidenceWeights,
    directness,
    quotes,
    report_weight,
    source_groups,
)
from geo.sides import Sides

W = EvidenceWeights()


@pytest.mark.parametrize(
    ("kind", "side", "claimant", "expected"),
    [
        ("capture", "GNA", "", REPORTED),
        ("capture", "GNA", "GNA", OWN_CLAIM),
        ("capture", "GNA", "LNA", ADMISSION),
        ("capture", "GNA", "residents", THIRD_PARTY),
        ("withdraw", "LNA", "LNA", ADMISSION),  # the side that withdrew says so
        ("withdraw", "LNA", "GNA", OWN_CLAIM),  # its rival says so
        ("control_claim", "LNA", "LNA", OWN_CLAIM),
        ("contested", "GNA", "GNA", REPORTED),
    ],
)
def test_directness_follows_who_the_report_is_attributed_to(
    sides: Sides, kind: str, side: str, claimant: str, expected: str
) -> None:
    assert directness(ev("a", kind, side, TARHUNA, "2020-06-05", claimant=claimant), sides) == (
        expected
    )


def test_weights_rank_kinds_precision_and_directness(sides: Sides) -> None:
    def w(kind: str, when: str = "2020-06-05", claimant: str = "") -> float:
        return report_weight(ev("a", kind, "GNA", TARHUNA, when, claimant=claimant), sides, W)

    assert w("capture") > w("contested") > w("control_claim") > 0
    assert w("offensive") == w("strike") == 0.0  # activities are no evidence of control
    assert w("capture") > w("capture", "2020-06") > w("capture", "2020")
    assert w("capture", claimant="GNA") < w("capture") < w("capture", claimant="LNA")


def test_a_claim_dated_to_its_publication_month_weighs_as_dated(sides: Sides) -> None:
    claim = ev("a", "control_claim", "GNA", TARHUNA, "2020-06")
    at_pub = report_weight(claim, sides, W, published=date(2020, 6, 6))
    later = report_weight(claim, sides, W, published=date(2020, 8, 1))
    dated = report_weight(ev("a", "control_claim", "GNA", TARHUNA, "2020-06-06"), sides, W)
    assert at_pub == pytest.approx(dated) and later < at_pub


def test_outlet_factors_are_case_insensitive(sides: Sides) -> None:
    weights = EvidenceWeights(outlets={"State TV": 0.5})
    report = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", outlet="state tv")
    other = ev("b", "capture", "GNA", TARHUNA, "2020-06-05", outlet="Wire")
    assert report_weight(report, sides, weights) == pytest.approx(
        0.5 * report_weight(other, sides, weights)
    )


STORY = "Government forces captured the hill town of Tarhuna on Friday after a short battle."


def test_near_duplicate_quotes_make_one_source_named_by_the_first_article() -> None:
    events = [
        ev("late", "capture", "GNA", TARHUNA, "2020-06-05", STORY + " (Reporting by A.)"),
        ev("early", "capture", "GNA", TARHUNA, "2020-06-05", "TRIPOLI - " + STORY),
        ev(
            "own",
            "capture",
            "GNA",
            TARHUNA,
            "2020-06-05",
            "Tarhuna fell to the GNA, residents said.",
        ),
    ]
    published = {"early": date(2020, 6, 5), "late": date(2020, 6, 6), "own": date(2020, 6, 5)}
    groups = source_groups(events, published=published)
    assert groups[(TARHUNA, "late")] == groups[(TARHUNA, "early")] == "early"
    assert groups[(TARHUNA, "own")] == "own"


def test_short_quotes_prove_no_copying_and_other_places_are_apart() -> None:
    events = [
        ev("a", "capture", "GNA", TARHUNA, "2020-06-05", "GNA took Tarhuna."),
        ev("b", "capture", "GNA", TARHUNA, "2020-06-05", "GNA took Tarhuna."),
        ev("c", "capture", "GNA", SIRTE, "2020-06-05", STORY.replace("Tarhuna", "Sirte")),
        ev("d", "capture", "GNA", TARHUNA, "2020-06-05", STORY),
    ]
    groups = source_groups(events)
    assert groups[(TARHUNA, "a")] == "a" and groups[(TARHUNA, "b")] == "b"
    assert groups[(SIRTE, "c")] == "c" and groups[(TARHUNA, "d")] == "d"


def test_further_sentences_of_an_event_link_reprints_too() -> None:
    lead = "A new sentence that only the first article has, about the fall of the town."
    first = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", lead, evidence=(STORY,))
    second = ev("b", "capture", "GNA", TARHUNA, "2020-06-05", STORY)
    assert quotes(first) == (lead, STORY)
    groups = source_groups([first, second])
    assert groups[(TARHUNA, "b")] == groups[(TARHUNA, "a")]
