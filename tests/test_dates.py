"""Tests of geo.dates: temporal expressions resolved against a publication date.

The sentences are written for these tests; most are dated against Saturday 6 June 2020.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.dates import (
    FuzzyDate,
    TimeExpression,
    find_time_expressions,
    parse_date,
    resolve_date,
)

SATURDAY = date(2020, 6, 6)
NEW_YEAR = date(2020, 1, 10)  # a Friday just after a year boundary
WEDNESDAY = date(2021, 3, 17)


def iso(text: str, published: date = SATURDAY, anchor: date | None = None) -> str | None:
    """The resolved date of `text` as ISO text (which also shows the precision), or None."""
    found = resolve_date(text, published, anchor=anchor)
    return None if found is None else found.iso()


def only(text: str, published: date = SATURDAY, anchor: date | None = None) -> TimeExpression:
    """The single expression that `text` must contain."""
    found = find_time_expressions(text, published, anchor=anchor)
    assert len(found) == 1, found
    return found[0]


# --- weekdays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Artillery hit the harbour district on Saturday.", "2020-06-06"),
        ("Saturday brought the heaviest bombardment so far.", "2020-06-06"),
        ("The militia abandoned the ridge on Thursday.", "2020-06-04"),
        ("Friday's setback cost the brigade two villages.", "2020-06-05"),
        ("Tuesday morning saw drones over the refinery.", "2020-06-02"),
        ("Late on Wednesday the garrison laid down its arms.", "2020-06-03"),
        ("Skirmishes have flared along the canal since Sunday.", "2020-05-31"),
        ("Engineers repaired the bridge last Friday.", "2020-06-05"),
        ("The convoy was ambushed last Saturday.", "2020-05-30"),
        ("The truce is meant to hold from Monday.", "2020-06-08"),
        ("Negotiators meet again next Monday.", "2020-06-08"),
        ("Both delegations will travel to Rome on Tuesday.", "2020-06-09"),
        ("The army will pull back, a spokesman said on Tuesday.", "2020-06-02"),
    ],
)
def test_weekdays_resolve_around_publication(sentence: str, expected: str) -> None:
    assert iso(sentence) == expected
    assert any(e.kind == "weekday" for e in find_time_expressions(sentence, SATURDAY))


def test_earlier_on_a_weekday_is_one_weekday_expression() -> None:
    found = only("Earlier on Saturday, a depot near the airfield burned.")
    assert (found.text, found.kind, found.date.iso()) == (
        "Earlier on Saturday",
        "weekday",
        "2020-06-06",
    )


def test_weekday_counts_back_from_a_midweek_publication() -> None:
    assert iso("The checkpoint changed hands on Sunday.", WEDNESDAY) == "2021-03-14"
    assert iso("The checkpoint changed hands on Wednesday.", WEDNESDAY) == "2021-03-17"
    assert iso("The checkpoint changed hands on Thursday.", WEDNESDAY) == "2021-03-11"


def test_weekday_plurals_and_lowercase_words_are_ignored() -> None:
    assert iso("Markets there open on Fridays.") is None
    assert iso("a sunday school was hit") is None


# --- anchored and publication-relative days ---------------------------------------------------


def test_comes_a_day_after_dates_the_earlier_event() -> None:
    found = only("The raid comes a day after gunmen seized the customs post.", anchor=SATURDAY)
    assert (found.kind, found.date.iso()) == ("anchor", "2020-06-05")


def test_came_two_days_after_counts_back_from_the_anchor() -> None:
    text = "It came just two days after the port was mined."
    assert iso(text, anchor=date(2020, 6, 4)) == "2020-06-02"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A day later, the airbase was overrun.", "2020-06-04"),
        ("Two days later the hill was retaken.", "2020-06-05"),
        ("Four days later the siege was lifted.", "2020-06-07"),
        ("Some 3 days later the road reopened.", "2020-06-06"),
        ("The rebels had left the town the day before.", "2020-06-02"),
        ("They had mined the bridge the previous day.", "2020-06-02"),
        ("The next day, reinforcements arrived.", "2020-06-04"),
        ("Later that day the mayor fled.", "2020-06-03"),
        # A week does not fix the day (codebook): the month.
        ("A week later the front had barely moved.", "2020-06"),
    ],
)
def test_anchor_expressions_count_from_the_previous_event(sentence: str, expected: str) -> None:
    anchor = date(2020, 6, 3)
    assert iso(sentence, anchor=anchor) == expected
    assert all(e.kind == "anchor" for e in find_time_expressions(sentence, SATURDAY, anchor=anchor))


def test_anchor_defaults_to_publication() -> None:
    assert iso("A day later the airbase was overrun.") == "2020-06-07"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Shelling resumed yesterday.", "2020-06-05"),
        ("The ministry confirmed the capture today.", "2020-06-06"),
        ("A curfew starts tonight.", "2020-06-06"),
        ("Sirens sounded across the city last night.", "2020-06-05"),
        ("The depot was hit three days ago.", "2020-06-03"),
    ],
)
def test_days_relative_to_publication(sentence: str, expected: str) -> None:
    anchor = date(2019, 1, 1)  # must not matter
    assert iso(sentence, anchor=anchor) == expected


# --- weeks, months, years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("Fighting intensified this week near the dam.", SATURDAY, "2020-06"),
        ("In recent days the lines have hardly shifted.", SATURDAY, "2020-06"),
        ("Several hamlets have emptied in recent weeks.", SATURDAY, "2020-06"),
        ("Over the past week both sides dug in.", SATURDAY, "2020-06"),
        ("The ridge was lost last week.", SATURDAY, "2020-05"),
        ("The ridge was lost last week.", date(2020, 6, 3), "2020-05"),
        ("The ridge was lost last week.", date(2020, 6, 10), "2020-06"),
        ("Aid deliveries stopped this month.", SATURDAY, "2020-06"),
        ("Aid deliveries stopped last month.", SATURDAY, "2020-05"),
        ("Aid deliveries stopped last month.", NEW_YEAR, "2019-12"),
        ("The port was blockaded this year.", SATURDAY, "2020"),
        ("The port was blockaded last year.", SATURDAY, "2019"),
        ("The port was blockaded last year.", NEW_YEAR, "2019"),
        ("Casualties over the past 24 hours rose sharply.", SATURDAY, "2020-06-06"),
    ],
)
def test_calendar_periods(sentence: str, published: date, expected: str) -> None:
    assert iso(sentence, published) == expected
    assert all(e.kind == "relative" for e in find_time_expressions(sentence, published))


def test_earlier_this_week_is_a_week_not_vague() -> None:
    found = only("Earlier this week the garrison was resupplied.")
    assert (found.kind, found.date.iso()) == ("relative", "2020-06")


@pytest.mark.parametrize(
    "sentence",
    [
        "The airstrip had recently been repaired.",
        "Earlier, the governor had fled the province.",
        "The hills changed hands earlier this year.",
        "Such offensives have stalled in the past.",
    ],
)
def test_vague_expressions_give_the_publication_year(sentence: str) -> None:
    found = only(sentence)
    assert (found.kind, found.date.iso()) == ("vague", "2020")


def test_in_the_past_week_is_not_vague() -> None:
    assert only("Two bridges were blown up in the past week.").date.iso() == "2020-06"


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("In January the garrison surrendered.", SATURDAY, "2020-01"),
        ("January saw the first drone strikes.", SATURDAY, "2020-01"),
        ("The offensive began in June.", SATURDAY, "2020-06"),
        ("The offensive began in March.", date(2020, 2, 15), "2019-03"),
        ("The town fell in December.", NEW_YEAR, "2019-12"),
        ("The enclave has been besieged since April 2019.", SATURDAY, "2019-04"),
        ("The enclave was shelled in April 2019.", SATURDAY, "2019-04"),
        ("April 2019 was the worst month for civilians.", SATURDAY, "2019-04"),
        ("The port was taken in Jan. by the coalition.", SATURDAY, "2020-01"),
        ("Talks collapsed in Sept. 2018.", SATURDAY, "2018-09"),
        ("The airport has been closed since mid-February.", SATURDAY, "2020-02"),
    ],
)
def test_months(sentence: str, published: date, expected: str) -> None:
    assert iso(sentence, published) == expected
    assert all(e.kind == "month" for e in find_time_expressions(sentence, published))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Monitors may inspect the depots.", None),
        ("May the truce hold, the bishop said.", None),
        ("Jan Kowalski, an aid worker, was wounded.", None),
        ("The columns crossed the river in May.", "2020-05"),
        ("The corridor has been shut since May 2019.", "2019-05"),
        ("May 2020 brought a lull.", "2020-05"),
        ("The siege ended on 14 May.", "2020-05-14"),
        ("The siege ended May 14.", "2020-05-14"),
    ],
)
def test_may_is_a_month_only_in_date_context(sentence: str, expected: str | None) -> None:
    assert iso(sentence) == expected


def test_month_followed_by_a_count_is_still_a_month() -> None:
    assert iso("In June, 20 conscripts deserted.") == "2020-06"


def test_reported_plans_look_forward() -> None:
    assert iso("Officials said the prisoner swap would happen on Monday.") == "2020-06-08"
    assert iso("The truce, agreed on Friday, will be reviewed.") == "2020-06-05"


def test_lowercase_month_words_are_not_months() -> None:
    assert iso("Veterans plan to march on the capital.") is None


# --- explicit dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("Elections are set for June 8, 2020.", SATURDAY, "2020-06-08"),
        ("The pact was signed on 8 June 2020 in Cairo.", SATURDAY, "2020-06-08"),
        ("The pact was signed on 2 April 2019.", SATURDAY, "2019-04-02"),
        ("The pact was signed on 2 April.", SATURDAY, "2020-04-02"),
        ("The pact was signed on the 2nd of April.", SATURDAY, "2020-04-02"),
        ("The truce begins June 8.", SATURDAY, "2020-06-08"),
        ("The town fell on August 20.", SATURDAY, "2019-08-20"),
        ("The town fell on December 28.", NEW_YEAR, "2019-12-28"),
        ("The town fell on January 3.", NEW_YEAR, "2020-01-03"),
        ("The log is dated 2020-06-08.", SATURDAY, "2020-06-08"),
        ("The log is dated 8/6/2020.", SATURDAY, "2020-06-08"),
        ("Hostilities paused on Sept. 9, 2019.", SATURDAY, "2019-09-09"),
    ],
)
def test_explicit_dates(sentence: str, published: date, expected: str) -> None:
    assert iso(sentence, published) == expected
    assert all(e.kind == "explicit" for e in find_time_expressions(sentence, published))


def test_weekday_with_full_date_is_one_expression() -> None:
    found = only("A truce takes hold at 6pm (16:00 GMT) on Monday, June 8, 2020, officials said.")
    assert (found.text, found.kind, found.date.iso()) == (
        "Monday, June 8, 2020",
        "explicit",
        "2020-06-08",
    )


def test_impossible_dates_are_dropped() -> None:
    assert iso("The ledger says 31 June 2020.") == "2020-06"  # the month survives
    assert iso("The ledger says 2020-13-40.") is None
    assert iso("The ledger says June 8, 1750.") is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The uprising began in 2011.", "2011"),
        ("Militias have held the valley since 2014.", "2014"),
        ("Sanctions were tightened in 2019.", "2019"),
        ("The bridge was rebuilt in early 2018.", "2018"),
    ],
)
def test_years(sentence: str, expected: str) -> None:
    found = only(sentence)
    assert (found.kind, found.date.iso()) == ("year", expected)


@pytest.mark.parametrize(
    "sentence",
    [
        "More than 1,000 people fled the district.",
        "The 14-month blockade strained supplies.",
        "The curfew lifts at 16:00 GMT.",
        "Shelling stopped at 0400 GMT.",
        "Shelling stopped at 6pm.",
        "The ceasefire is to start in 2000 GMT.",
        "Fighting has continued in 1850 villages.",
        "Some 2020 rounds were fired.",
    ],
)
def test_numbers_are_not_dates(sentence: str) -> None:
    assert find_time_expressions(sentence, SATURDAY) == []


def test_times_of_day_do_not_disturb_a_date() -> None:
    assert iso("The curfew lifts at 6pm (16:00 GMT) on Sunday.") == "2020-05-31"


# --- choosing the date of a sentence -----------------------------------------------------------


def test_no_expression_gives_none() -> None:
    assert resolve_date("Rebels control the northern suburbs.", SATURDAY) is None
    assert resolve_date("", SATURDAY) is None


def test_most_precise_expression_wins() -> None:
    text = "Earlier this year the town fell, and on Thursday it was retaken."
    assert iso(text) == "2020-06-04"


def test_ties_go_to_the_first_expression() -> None:
    text = "Rebels entered the town on Friday, a day after the army withdrew."
    assert iso(text, anchor=SATURDAY) == "2020-06-05"


def test_expressions_are_reported_in_text_order_with_offsets() -> None:
    text = "In March the port fell; on Tuesday the airport followed."
    found = find_time_expressions(text, SATURDAY)
    assert [e.text for e in found] == ["In March", "on Tuesday"]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_datetime_publication_is_accepted() -> None:
    assert iso("Shelling resumed yesterday.", datetime(2020, 6, 6, 23, 59)) == "2020-06-05"


# --- FuzzyDate --------------------------------------------------------------------------------


def test_iso_and_bounds() -> None:
    day, month, year = (
        FuzzyDate.parse("2020-02-05"),
        FuzzyDate.parse("2020-02"),
        FuzzyDate.parse("2020"),
    )
    assert [day.iso(), month.iso(), year.iso()] == ["2020-02-05", "2020-02", "2020"]
    assert (day.first, day.last) == (date(2020, 2, 5), date(2020, 2, 5))
    assert (month.first, month.last) == (date(2020, 2, 1), date(2020, 2, 29))
    assert (year.first, year.last) == (date(2020, 1, 1), date(2020, 12, 31))


def test_compatible_and_refine() -> None:
    day, month, year = (
        FuzzyDate.parse("2020-06-05"),
        FuzzyDate.parse("2020-06"),
        FuzzyDate.parse("2020"),
    )
    other_month = FuzzyDate.parse("2020-07")
    assert day.compatible(month) and month.compatible(year) and year.compatible(day)
    assert not month.compatible(other_month)
    assert not FuzzyDate.parse("2019").compatible(day)
    assert month.refine(day) == day and day.refine(month) == day
    assert year.refine(month) == month
    assert month.refine(month) == month
    with pytest.raises(ValueError, match="2020-07"):
        month.refine(other_month)


def test_containing_truncates_to_the_period() -> None:
    assert FuzzyDate.containing(date(2020, 6, 17), "month") == FuzzyDate(date(2020, 6, 1), "month")
    assert FuzzyDate.containing(date(2020, 6, 17), "year").iso() == "2020"


def test_fuzzy_dates_order_by_value() -> None:
    assert FuzzyDate.parse("2019") < FuzzyDate.parse("2020-01-01") < FuzzyDate.parse("2020-02")


@pytest.mark.parametrize("bad", ["", "20", "2020-6", "2020-13", "2020-02-30", "June 2020", "0000"])
def test_parse_rejects_and_names_bad_values(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        FuzzyDate.parse(bad)
    assert repr(bad) in str(info.value)


def test_constructor_checks_alignment_and_precision() -> None:
    with pytest.raises(ValueError, match="first day"):
        FuzzyDate(date(2020, 6, 5), "month")
    with pytest.raises(ValueError, match="first day"):
        FuzzyDate(date(2020, 6, 1), "year")
    with pytest.raises(ValueError, match="week"):
        FuzzyDate(date(2020, 6, 1), "week")  # type: ignore[arg-type]


# --- parse_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2020-06-06", "June 6, 2020", "6 June 2020", " Saturday, 6 June 2020 ", "6/6/2020"]
)
def test_parse_date_accepts_common_forms(text: str) -> None:
    assert parse_date(text) == SATURDAY


@pytest.mark.parametrize("text", ["", "June 2020", "2020", "tomorrow", "31 June 2020", "6 June"])
def test_parse_date_rejects_and_names_the_value(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(text)
    assert repr(text) in str(info.value)


# --- robustness -------------------------------------------------------------------------------

FRAGMENTS = [
    "on Saturday",
    "Monday, June 8, 2020",
    "8 June",
    "in May",
    "May",
    "a day after",
    "the previous day",
    "last week",
    "since 2014",
    "16:00 GMT",
    "1,000",
    "2020-06-08",
    "8/6/2020",
    "earlier",
    "in the past week",
    "يوم السبت",
    "בשבת",
    "\u202e\u200f",
    "\x00\x1b\x7f",
    "\n\t ",
]
noisy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=60).map(
    "".join
)


def check_invariants(text: str, found: list[TimeExpression]) -> None:
    """Expressions are in order, do not overlap and point at their own text."""
    previous_end = 0
    for expression in found:
        assert previous_end <= expression.start < expression.end <= len(text)
        assert text[expression.start : expression.end] == expression.text
        previous_end = expression.end


@settings(max_examples=200, deadline=None)
@given(text=noisy_text, published=st.dates(), anchor=st.none() | st.dates())
def test_any_text_and_date_resolves_without_error(
    text: str, published: date, anchor: date | None
) -> None:
    found = find_time_expressions(text, published, anchor=anchor)
    check_invariants(text, found)
    best = resolve_date(text, published, anchor=anchor)
    assert (best is None) == (not found)
    if best is not None:
        assert best in {e.date for e in found}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_megabyte_of_noise(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = [chr(c) for c in [*range(0x20), *range(0x20, 0x250), *range(0x590, 0x700)]]
    pieces: list[str] = []
    size = 0
    while size < 1_000_000:
        piece = (
            rng.choice(FRAGMENTS)
            if rng.random() < 0.2
            else "".join(rng.choices(alphabet, k=rng.randint(1, 60)))
        )
        pieces.append(piece)
        size += len(piece)
    text = "".join(pieces)
    found = find_time_expressions(text, SATURDAY)
    check_invariants(text, found)
    assert found  # the fragments guarantee some dates


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_parse_functions_only_raise_value_error(text: str) -> None:
    try:
        assert isinstance(parse_date(text), date)
    except ValueError as exc:
        assert repr(text) in str(exc)
    try:
        assert FuzzyDate.parse(text).iso() in text
    except ValueError as exc:
        assert repr(text) in str(exc)


@pytest.mark.parametrize(
    "sentence",
    [
        "Fighters of the March 3 Brigade held the bridge.",
        "Crowds gathered in July 14 Street.",
        "Veterans of the April 9 Movement marched.",
    ],
)
def test_a_written_day_that_heads_a_name_is_no_date(sentence: str) -> None:
    assert iso(sentence) is None


def test_a_written_day_before_a_person_is_a_date() -> None:
    assert iso("On March 3 Colonel Vermeer said the town was quiet.") == "2020-03-03"
