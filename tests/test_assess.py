"""Tests of geo.assess: the state of a place by weight of evidence.

Hand-made events (``control_cases.ev``) test the rules without depending on the extractor; the
quotes are our own sentences.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from control_cases import BRENNICK, PUB, SIRTE, TARHUNA, TRIPOLI, WASHKA, at, ev, history

from geo.assess import CLAIMED, HELD, AssessmentRules
from geo.control import CONTESTED, UNKNOWN, BaselineEntry, ControlHistory
from geo.sides import Sides

JUNE = [date(2020, 6, d) for d in range(1, 31)]

# Five outlets, five wordings of one capture: five independent sources.
INDEPENDENT = [
    "Government fighters seized the hill town of Tarhuna on Friday after a short battle.",
    "Tarhuna fell to forces loyal to the Tripoli government on Friday, residents said.",
    "On Friday the government's troops drove their rivals out of Tarhuna, a spokesman said.",
    "Pro-government units entered Tarhuna and raised their flag over the town hall on Friday.",
    "The southern stronghold of Tarhuna was captured by government forces late on Friday.",
]


def _five_sources() -> list:  # type: ignore[type-arg]
    return [
        ev(f"src{i}", "capture", "GNA", TARHUNA, "2020-06-05", q, outlet=f"Outlet {i}")
        for i, q in enumerate(INDEPENDENT)
    ]


def test_a_corroborated_capture_survives_one_later_contested_report(sides: Sides) -> None:
    events = _five_sources()
    fighting = ev("late", "contested", "LNA", TARHUNA, "2020-06-07", "Clashes were reported.")
    before = at(history(events, sides).state(JUNE[6]), TARHUNA)
    after = at(history([*events, fighting], sides).state(JUNE[6]), TARHUNA)
    assert (before.controller, before.status, before.sources_for) == ("GNA", HELD, 5)
    assert (after.controller, after.status, after.since) == ("GNA", HELD, JUNE[4])
    assert after.confidence < before.confidence
    assert [r.doc_id for r in after.against] == ["late"]


def test_comparable_contrary_evidence_makes_a_place_contested(sides: Sides) -> None:
    one = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", INDEPENDENT[0])
    claims = [
        ev(d, "control_claim", "LNA", TARHUNA, "2020-06-06", q)
        for d, q in (("b", "The LNA-held town was quiet."), ("c", "Tarhuna, still in LNA hands"))
    ]
    tarhuna = at(history([one, *claims], sides).state(JUNE[6]), TARHUNA)
    assert tarhuna.controller == CONTESTED
    assert {r.side for r in tarhuna.evidence} == {"GNA", "LNA"}


def test_overwhelming_later_evidence_changes_hands(sides: Sides) -> None:
    one = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", INDEPENDENT[0])
    later = [
        ev(d, "capture", "LNA", TARHUNA, "2020-06-20", q)
        for d, q in zip(
            "bcd",
            [
                "Eastern forces retook Tarhuna on Saturday.",
                "The town changed hands again when the LNA returned at dawn, witnesses said.",
                "Haftar's units are back in control of the hill town, a commander told us.",
            ],
            strict=True,
        )
    ]
    h = history([one, *later], sides)
    assert at(h.state(JUNE[18]), TARHUNA).controller == "GNA"
    tarhuna = at(h.state(JUNE[20]), TARHUNA)
    assert (tarhuna.controller, tarhuna.since, tarhuna.sources_for) == ("LNA", JUNE[19], 3)


def test_rival_gains_on_one_day_go_to_the_better_supported_side(sides: Sides) -> None:
    rival = ev("odd", "capture", "LNA", TARHUNA, "2020-06-05", "The LNA took Tarhuna, it said.")
    for order in ([rival, *_five_sources()], [*_five_sources(), rival]):
        tarhuna = at(history(order, sides).state(JUNE[5]), TARHUNA)
        assert (tarhuna.controller, tarhuna.status) == ("GNA", HELD)
        assert [r.doc_id for r in tarhuna.against] == ["odd"]


def test_reprints_of_one_wire_story_are_one_source(sides: Sides) -> None:
    wire = (
        "TRIPOLI (Wire) - Forces of the internationally recognised government captured the "
        "town of Tarhuna on Friday, the last stronghold of their rivals in the west."
    )
    reprints = [
        ev(f"r{i}", "capture", "GNA", TARHUNA, "2020-06-05", q, outlet=f"Paper {i}")
        for i, q in enumerate(
            [wire, wire, wire.replace("TRIPOLI (Wire) - ", ""), wire + " (Reporting by A.)", wire]
        )
    ]
    h = history(reprints, sides)
    (change,) = h.changes()
    assert (change.corroboration, change.independent) == (5, 1)
    tarhuna = at(h.state(JUNE[6]), TARHUNA)
    assert tarhuna.sources_for == 1 and len(tarhuna.evidence) == 5
    assert {r.source_group for r in tarhuna.evidence} == {"r0"}  # named by the first article
    # One source: its strongest report, not five times it.
    assert change.weight == pytest.approx(max(r.weight for r in change.sources))
    independent = history(_five_sources(), sides)
    assert at(independent.state(JUNE[6]), TARHUNA).confidence > tarhuna.confidence


@pytest.mark.parametrize("background", ["2020", "2020-06"])
def test_background_never_changes_control_on_its_own(sides: Sides, background: str) -> None:
    capture = ev("a", "capture", "GNA", SIRTE, "2020-06-03", "GNA forces took Sirte on Wednesday.")
    old = ev("b", "capture", "LNA", SIRTE, background, "Sirte was taken by the LNA this year.")
    h = history([capture, old], sides)
    sirte = at(h.state(JUNE[10]), SIRTE)
    assert (sirte.controller, sirte.since) == ("GNA", JUNE[2])
    assert [r.doc_id for r in sirte.against] == ["b"]
    # With nothing to contradict, the same report is the first evidence of the place.
    alone = at(history([old], sides).state(JUNE[10]), SIRTE)
    assert alone.controller == "LNA"


@pytest.mark.parametrize(("kind", "acts"), [("control_claim", True), ("capture", False)])
def test_an_undated_claim_is_a_statement_of_its_publication_day(
    sides: Sides, kind: str, acts: bool
) -> None:
    capture = ev("a", "capture", "LNA", SIRTE, "2020-06-02", "The LNA took Sirte on Tuesday.")
    undated = [
        ev(d, kind, "GNA", SIRTE, "2020-06", f"{d}: GNA forces control Sirte.") for d in "bc"
    ]
    published = {"a": date(2020, 6, 2), "b": PUB, "c": PUB}
    h = ControlHistory([capture, *undated], sides=sides, published=published)
    sirte = at(h.state(JUNE[6]), SIRTE)
    # A claim speaks of its publication day; an undated capture may predate the dated one.
    assert (sirte.controller != "LNA") is acts
    assert {r.doc_id for r in (*sirte.evidence, *sirte.against)} == {"a", "b", "c"}


def test_a_place_before_the_first_baseline_with_no_evidence_is_unknown(
    sides: Sides, mini_baseline: list[BaselineEntry]
) -> None:
    h = history([ev("a", "capture", "GNA", TARHUNA, "2020-06-05")], sides, baseline=mini_baseline)
    assert h.data_start == date(2020, 5, 20)
    early = {s.place_id: s for s in h.state(date(2020, 5, 1))}
    assert set(early) == set(h.place_ids())  # every known place has a state
    tripoli = early[TRIPOLI]
    assert (tripoli.controller, tripoli.status, tripoli.confidence) == (UNKNOWN, UNKNOWN, 0.0)
    assert tripoli.no_data and tripoli.first_data == date(2020, 5, 20)
    assert not tripoli.evidence
    assert at(h.state(date(2020, 5, 20)), TRIPOLI).controller == "GNA"


def test_a_later_snapshot_resets_the_place(
    sides: Sides, mini_baseline: list[BaselineEntry]
) -> None:
    first = next(b for b in mini_baseline if b.place_id == SIRTE)
    second = BaselineEntry(SIRTE, "Sirte", first.lat, first.lon, "GNA", date(2020, 6, 15), "x")
    capture = ev("a", "capture", "LNA", SIRTE, "2020-06-10", "The LNA retook Sirte.")
    h = history([capture], sides, baseline=[*mini_baseline, second])
    assert [at(h.state(d), SIRTE).controller for d in (JUNE[0], JUNE[9], JUNE[15])] == [
        "LNA",
        "LNA",
        "GNA",
    ]
    assert at(h.state(JUNE[15]), SIRTE).from_baseline


def test_an_own_claim_alone_is_claimed_and_corroboration_makes_it_held(sides: Sides) -> None:
    own = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", "We took Tarhuna.", claimant="GNA")
    plain = ev("b", "capture", "GNA", TARHUNA, "2020-06-05", INDEPENDENT[0])
    assert at(history([own], sides).state(JUNE[5]), TARHUNA).status == CLAIMED
    assert at(history([plain], sides).state(JUNE[5]), TARHUNA).status == HELD  # uncontested
    both = at(history([own, plain], sides).state(JUNE[5]), TARHUNA)
    assert (both.status, both.sources_for) == (HELD, 2)


def test_the_losers_admission_outweighs_the_winners_claim(sides: Sides) -> None:
    own = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", "x", claimant="GNA")
    admitted = ev("b", "capture", "GNA", TARHUNA, "2020-06-05", "y", claimant="LNA")
    plain = ev("c", "capture", "GNA", TARHUNA, "2020-06-05", "z")
    weights = {
        e.doc_id: at(history([e], sides).state(JUNE[5]), TARHUNA).confidence
        for e in (own, admitted, plain)
    }
    assert weights["a"] < weights["c"] < weights["b"]


def test_confidence_grows_with_sources_and_decays_with_age(sides: Sides) -> None:
    def conf(n: int, day: date) -> float:
        return at(history(_five_sources()[:n], sides).state(day), TARHUNA).confidence

    assert 0 < conf(1, JUNE[5]) < conf(2, JUNE[5]) < conf(5, JUNE[5]) <= 1
    assert conf(5, JUNE[5]) > conf(5, JUNE[5] + timedelta(days=60)) > 0


def test_fighting_ends_when_a_side_is_reported_to_take_the_place(sides: Sides) -> None:
    fight = ev("a", "contested", "GNA", SIRTE, "2020-06-03", "Fighting raged in Sirte.")
    won = ev("b", "capture", "GNA", SIRTE, "2020-06-08", "GNA forces took Sirte on Monday.")
    h = history([fight, won], sides)
    assert at(h.state(JUNE[4]), SIRTE).controller == CONTESTED
    assert at(h.state(JUNE[8]), SIRTE).controller == "GNA"


def _two_sides() -> Sides:
    raw = {
        "theatre": {"name": "Testland", "country": "XX"},
        "side": [{"id": "A", "colour": "#111111"}, {"id": "B", "colour": "#222222"}],
    }
    return Sides._from_dict(raw)


def test_a_withdrawal_cedes_the_place_only_in_a_two_sided_war(sides: Sides) -> None:
    pulled = ev("a", "withdraw", "LNA", WASHKA, "2020-06-05", "The LNA pulled out of the town.")
    assert at(history([pulled], sides).state(JUNE[5]), WASHKA).controller == UNKNOWN
    two = _two_sides()
    left = ev("a", "withdraw", "B", WASHKA, "2020-06-05", "B withdrew from the town.")
    assert at(history([left], two).state(JUNE[5]), WASHKA).controller == "A"
    never = history([left], two, rules=AssessmentRules(cedes=False))
    assert at(never.state(JUNE[5]), WASHKA).controller == UNKNOWN


def _sides_with(third_party: dict[str, object]) -> Sides:
    raw = {
        "theatre": {"name": "Testland", "country": "XX"},
        "side": [
            {"id": "A", "colour": "#111111", "opponents": ["B"]},
            {"id": "B", "colour": "#222222"},
        ],
        "third_party": [{"id": "C", "colour": "#333333", **third_party}],
    }
    return Sides._from_dict(raw)


def test_a_withdrawal_cedes_the_place_when_the_third_party_holds_no_ground() -> None:
    left = ev("a", "withdraw", "B", BRENNICK, "2020-06-05", "B withdrew from the town.")
    air = history([left], _sides_with({"holds_ground": False}))
    assert at(air.state(JUNE[5]), BRENNICK).controller == "A"
    ground = history([left], _sides_with({}))  # a third party on the ground may have taken it
    assert at(ground.state(JUNE[5]), BRENNICK).controller == UNKNOWN


def test_a_withdrawal_cedes_nothing_to_a_side_with_several_opponents() -> None:
    raw = {
        "theatre": {"name": "Testland", "country": "XX"},
        "side": [
            {"id": "A", "colour": "#111111", "opponents": ["B", "D"]},
            {"id": "B", "colour": "#222222"},
            {"id": "D", "colour": "#444444"},
        ],
    }
    three = Sides._from_dict(raw)
    left = ev("a", "withdraw", "A", BRENNICK, "2020-06-05", "A withdrew from the town.")
    assert at(history([left], three).state(JUNE[5]), BRENNICK).controller == UNKNOWN
    gone = ev("b", "withdraw", "B", BRENNICK, "2020-06-05", "B withdrew from the town.")
    assert at(history([gone], three).state(JUNE[5]), BRENNICK).controller == "A"


def test_rules_reject_impossible_parameters() -> None:
    with pytest.raises(ValueError, match="comparable"):
        AssessmentRules(comparable=1.5)
    with pytest.raises(ValueError, match="half-lives"):
        AssessmentRules(half_life_days=0)


def test_a_sides_own_word_alone_never_takes_a_place_from_its_holder(sides: Sides) -> None:
    held = _five_sources()[:2]
    boast = ev("b", "capture", "LNA", TARHUNA, "2020-07-20", "We retook it.", claimant="LNA")
    seen = ev("c", "capture", "LNA", TARHUNA, "2020-07-20", "The LNA retook Tarhuna.")
    claimed = at(history([*held, boast], sides).state(date(2020, 7, 21)), TARHUNA)
    assert (claimed.controller, claimed.status) == ("GNA", HELD)
    assert [r.doc_id for r in claimed.against] == ["b"]
    reported = at(history([*held, seen], sides).state(date(2020, 7, 21)), TARHUNA)
    assert reported.controller == "LNA"  # the reporter's own word does take it
    # A holder that is itself only claimed has no such protection.
    first = ev("a", "capture", "GNA", TARHUNA, "2020-06-05", "We took it.", claimant="GNA")
    rivals = [
        ev(d, "capture", "LNA", TARHUNA, "2020-07-20", q, claimant="LNA")
        for d, q in (("b", "We retook it."), ("c", "Our units are back in the town hall today."))
    ]
    now = at(history([first, *rivals], sides).state(date(2020, 7, 21)), TARHUNA)
    assert (now.controller, now.status, now.sources_for) == ("LNA", CLAIMED, 2)


def test_a_siege_weighs_less_than_the_holder_fighting_for_its_own_place(sides: Sides) -> None:
    held = _five_sources()[:2]

    def after(attacker: str) -> str:
        fight = [
            ev(d, "contested", attacker, TARHUNA, "2020-06-06", q)
            for d, q in (("b", "Shelling hit the town."), ("c", "Clashes went on at its gates."))
        ]
        return at(history([*held, *fight], sides).state(JUNE[6]), TARHUNA).controller

    assert after("LNA") == "GNA"  # the rival attacks a held town
    assert after("GNA") == CONTESTED  # the holder fighting inside its own town has lost it


def test_the_attackers_own_fighting_folds_into_its_capture() -> None:
    two = _two_sides()
    fighting = [
        ev("f1", "contested", "A", BRENNICK, "2020-06-04", "A's columns fought their way in."),
        ev("f2", "contested", "A", BRENNICK, "2020-06-05", "Street battles as A pushed on."),
    ]
    took = ev("t", "capture", "A", BRENNICK, "2020-06-05", "A took Brennick on Friday.")
    town = at(history([*fighting, took], two).state(JUNE[5]), BRENNICK)
    assert (town.controller, town.status, town.since) == ("A", HELD, JUNE[4])
    assert {r.doc_id for r in town.evidence} == {"f1", "f2", "t"} and not town.against
    # The defender's fighting on the same day is no part of the capture: it counts against it.
    back = [
        ev(d, "contested", "B", BRENNICK, "2020-06-05", f"B fought back in the town ({d}).")
        for d in ("b1", "b2")
    ]
    held = at(history([took, *back], two).state(JUNE[5]), BRENNICK)
    assert held.controller == "A" and {r.doc_id for r in held.against} == {"b1", "b2"}


def test_fighting_long_before_a_capture_is_not_folded_into_it() -> None:
    early = ev("f", "contested", "A", BRENNICK, "2020-06-01", "A attacked the town.")
    took = ev("t", "capture", "A", BRENNICK, "2020-06-05", "A took Brennick on Friday.")
    h = history([early, took], _two_sides())
    assert at(h.state(JUNE[1]), BRENNICK).controller == CONTESTED
    assert at(h.state(JUNE[5]), BRENNICK).controller == "A"


def test_a_recapture_on_the_day_of_the_rivals_capture_ends_the_day_with_the_holder() -> None:
    two = _two_sides()
    held = [ev(d, "capture", "A", BRENNICK, "2020-06-01", f"A took Brennick ({d}).") for d in "pq"]
    lost = ev("x", "capture", "B", BRENNICK, "2020-06-10", "B's raid took Brennick at dawn.")
    back = ev("y", "capture", "A", BRENNICK, "2020-06-10", "A retook the town by nightfall.")
    for order in ([lost, back], [back, lost]):  # the day's order of the reports does not matter
        town = at(history([*held, *order], two).state(JUNE[10]), BRENNICK)
        assert (town.controller, [r.doc_id for r in town.against]) == ("A", ["x"])
    # Clearly stronger reports of the rival's capture still take the place.
    many = [ev(d, "capture", "B", BRENNICK, "2020-06-10", f"B took Brennick ({d}).") for d in "uvw"]
    assert at(history([*held, back, *many], two).state(JUNE[10]), BRENNICK).controller == "B"


def test_fighting_that_no_report_renews_gives_the_place_back_to_its_holder() -> None:
    two = _two_sides()
    took = ev("t", "capture", "A", BRENNICK, "2020-06-01", "A took Brennick.")
    attacks = [
        ev(d, "contested", "B", BRENNICK, "2020-06-10", f"B stormed the town ({d}).")
        for d in ("b1", "b2", "b3")
    ]
    h = history([took, *attacks], two)
    assert at(h.state(JUNE[19]), BRENNICK).controller == CONTESTED
    later = at(h.state(date(2020, 7, 15)), BRENNICK)
    assert (later.controller, later.since) == ("A", date(2020, 7, 11))
    assert {r.doc_id for r in later.against} == {"b1", "b2", "b3"}
    # With no holder before the fighting, the place stays contested.
    alone = history(attacks, two)
    assert at(alone.state(date(2020, 7, 15)), BRENNICK).controller == CONTESTED


def test_an_article_that_says_a_place_went_two_ways_weighs_only_its_strongest_report() -> None:
    two = _two_sides()
    took = ev("t", "capture", "A", BRENNICK, "2020-06-01", "A took Brennick.")
    mixed = [
        ev("m", "control_claim", "A", BRENNICK, "2020-06-20", "A-held Brennick was calm.", 0.8),
        ev("m", "control_claim", "B", BRENNICK, "2020-06-20", "B's Brennick garrison", 0.6),
    ]
    town = at(history([took, *mixed], two).state(JUNE[20]), BRENNICK)
    assert town.controller == "A"
    assert [(r.doc_id, r.side) for r in town.against] == [("m", "B")]  # listed, not weighed
    # B's claim from an article of its own is a voice of its own: it weighs against A.
    apart = [mixed[0], ev("n", "control_claim", "B", BRENNICK, "2020-06-20", "B's garrison", 0.6)]
    other = at(history([took, *apart], two).state(JUNE[20]), BRENNICK)
    assert other.confidence < town.confidence
