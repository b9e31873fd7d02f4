"""Control events from war reporting (geo.extract).

Every sentence here is written for these tests in the style of wire reporting; none is copied
from an article. Documents are published on Saturday 2020-06-06 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.documents import Document
from geo.extract import ACTIVITY_KINDS, CONTROL_KINDS, EVENT_FIELDS, EventExtractor, extract_events
from geo.gazetteer import Gazetteer
from geo.sides import Sides

PUB = date(2020, 6, 6)  # a Saturday

Triple = tuple[str, str, str]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def sides() -> Sides:
    return Sides.load()


@pytest.fixture(scope="module")
def ex(gaz: Gazetteer, sides: Sides) -> EventExtractor:
    return EventExtractor(gaz, sides)


def _doc(text: str, published: date | None = PUB, source: str = "", doc_id: str = "t") -> Document:
    return Document(doc_id, text, published, "cli", "x", source=source)


def _canon(gaz: Gazetteer, expected: set[Triple]) -> set[Triple]:
    """Spell expected places as in news; compare on the gazetteer's canonical names."""
    out = set()
    for kind, side, name in expected:
        found = gaz.lookup(name)
        assert found, f"test bug: {name!r} is not in the gazetteer"
        out.add((kind, side, found[0].name))
    return out


def _control(
    ex: EventExtractor, text: str, *, published: date | None = PUB, source: str = ""
) -> set[Triple]:
    return {
        (e.kind, e.side, e.place_name)
        for e in ex.extract(_doc(text, published, source))
        if e.kind in CONTROL_KINDS
    }


def _activity(
    ex: EventExtractor, text: str, *, published: date | None = PUB, source: str = ""
) -> set[Triple]:
    return {
        (e.kind, e.side, e.place_name)
        for e in ex.extract(_doc(text, published, source))
        if e.kind in ACTIVITY_KINDS
    }


def _dates(
    ex: EventExtractor, text: str, *, published: date | None = PUB, source: str = ""
) -> dict[str, tuple[str, str]]:
    """place name -> (date, precision) of the control events."""
    return {
        e.place_name: (e.date, e.date_precision)
        for e in ex.extract(_doc(text, published, source))
        if e.kind in CONTROL_KINDS
    }


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


# -- capture: active ------------------------------------------------------------------------------
CAPTURE_ACTIVE = [
    ("Government forces seized the hill town of Gharyan.", {("capture", "GNA", "Gharyan")}),
    ("The LNA captured Sirte after a lightning advance.", {("capture", "LNA", "Sirte")}),
    ("GNA forces took control of Tarhuna late on Thursday.", {("capture", "GNA", "Tarhuna")}),
    (
        "Pro-government forces retook Bani Walid from Haftar's fighters.",
        {("capture", "GNA", "Bani Walid")},
    ),
    ("Haftar's forces recaptured Brega in a surprise push.", {("capture", "LNA", "Brega")}),
    ("The GNA regained Abu Qurain after two days of fighting.", {("capture", "GNA", "Abu Qurain")}),
    (
        "Turkish-backed forces liberated Sabratha and Surman.",
        {("capture", "GNA", "Sabratha"), ("capture", "GNA", "Surman")},
    ),
    ("Misrata forces entered and secured Zliten before noon.", {("capture", "GNA", "Zliten")}),
    (
        "The LNA extended its control over Ubari and the Sharara oil field.",
        {("capture", "LNA", "Ubari"), ("capture", "LNA", "Sharara oil field")},
    ),
    (
        "Government forces wrested control of Al-Asabaa from Haftar's militias.",
        {("capture", "GNA", "Al Asabi'a")},
    ),
    ("GNA forces took back Gharyan after a day of fighting.", {("capture", "GNA", "Gharyan")}),
    ("The LNA took over Sabha in January.", {("capture", "LNA", "Sabha")}),
    (
        "Pro-government forces, backed by Turkish drones, retook Watiya air base.",
        {("capture", "GNA", "al-Watiya")},
    ),
    # A third party never gets a row (codebook): its gain from nobody is nothing.
    ("Islamic State fighters seized Sirte in 2015.", set()),
    (
        "The GNA announced the liberation of Tarhuna on Friday.",
        {("capture", "GNA", "Tarhuna")},
    ),
]


@pytest.mark.parametrize(("text", "expected"), CAPTURE_ACTIVE)
def test_capture_active(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


# -- capture: passive, fell to, handed, drove out -----------------------------------------------
CAPTURE_PASSIVE = [
    ("Sirte was taken by Haftar's forces without a fight.", {("capture", "LNA", "Sirte")}),
    ("Gharyan was captured by GNA forces in a dawn raid.", {("capture", "GNA", "Gharyan")}),
    ("Tarhuna was retaken by pro-government forces.", {("capture", "GNA", "Tarhuna")}),
    (
        "Ajdabiya was captured by the Libyan National Army in 2016.",
        {("capture", "LNA", "Ajdabiya")},
    ),
    ("Gharyan fell to government forces after a swift assault.", {("capture", "GNA", "Gharyan")}),
    ("The town of Tarhuna fell to the GNA on Friday.", {("capture", "GNA", "Tarhuna")}),
    (
        "The town of Bani Walid fell into the hands of the LNA.",
        {("capture", "LNA", "Bani Walid")},
    ),
    (
        "Local elders handed Bani Walid to the LNA without resistance.",
        {("capture", "LNA", "Bani Walid")},
    ),
    ("Haftar's forces handed over Brega to GNA troops.", {("capture", "GNA", "Brega")}),
    ("GNA forces drove Haftar's fighters out of Gharyan.", {("capture", "GNA", "Gharyan")}),
    (
        "The LNA drove the Islamic State fighters out of Benghazi.",
        {("capture", "LNA", "Benghazi")},
    ),
    ("The LNA pushed GNA fighters out of Sirte.", {("capture", "LNA", "Sirte")}),
    ("Pro-GNA forces chased Haftar's men from Tarhuna.", {("capture", "GNA", "Tarhuna")}),
]


@pytest.mark.parametrize(("text", "expected"), CAPTURE_PASSIVE)
def test_capture_passive_and_transfer(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


# -- withdraw -------------------------------------------------------------------------------------
WITHDRAW = [
    ("Haftar's forces withdrew from Tarhuna overnight.", {("withdraw", "LNA", "Tarhuna")}),
    ("GNA troops pulled out of Sirte on Monday.", {("withdraw", "GNA", "Sirte")}),
    ("The LNA retreated from Gharyan towards Jufra.", {("withdraw", "LNA", "Gharyan")}),
    (
        "Haftar's forces pulled out of Gharyan towards Jufra.",
        {("withdraw", "LNA", "Gharyan")},
    ),
    (
        "The LNA pulled back from Ain Zara to Qasr Bin Ghashir.",
        {("withdraw", "LNA", "Ain Zara")},
    ),
    ("Haftar's forces were driven out of Gharyan on Friday.", {("withdraw", "LNA", "Gharyan")}),
    ("The jihadists were driven out of Sirte in 2016.", set()),
    pytest.param(
        "LNA fighters fled Tarhuna for Bani Walid.",
        {("withdraw", "LNA", "Tarhuna")},
    ),
    pytest.param(
        "Tarhuna was abandoned by Haftar's forces on Friday.",
        {("withdraw", "LNA", "Tarhuna")},
    ),
]


@pytest.mark.parametrize(("text", "expected"), WITHDRAW)
def test_withdraw(ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


def test_withdraw_destination_is_not_an_event(ex: EventExtractor, gaz: Gazetteer) -> None:
    events = _control(ex, "Haftar's forces retreated from Gharyan towards Mizdah and Jufra.")
    assert {name for _, _, name in events} == {gaz.lookup("Gharyan")[0].name}


# -- lost -----------------------------------------------------------------------------------------
LOST = [
    ("The LNA lost Gharyan on Wednesday.", {("capture", "GNA", "Gharyan")}),
    ("Haftar's forces lost control of Tarhuna.", {("capture", "GNA", "Tarhuna")}),
    ("Pro-Haftar forces lost Watiya air base.", {("capture", "GNA", "al-Watiya")}),
    ("The GNA lost Sirte to Haftar's forces in January.", {("capture", "LNA", "Sirte")}),
    ("Islamic State lost Sirte to Misrata forces.", {("capture", "GNA", "Sirte")}),
]


@pytest.mark.parametrize(("text", "expected"), LOST)
def test_lost_is_a_capture_by_the_other_side(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


# -- contested ------------------------------------------------------------------------------------
CONTESTED = [
    # Fighting between two sides names no attacker: no row (codebook).
    ("Heavy fighting erupted in Ain Zara between GNA forces and the LNA.", set()),
    (
        "GNA forces were locked in heavy fighting in Ain Zara on Friday.",
        {("contested", "GNA", "Ain Zara")},
    ),
    ("Haftar's forces fought fierce battles for Tarhuna.", {("contested", "LNA", "Tarhuna")}),
    ("GNA forces advanced into Qasr Bin Ghashir.", {("contested", "GNA", "Qasr Bin Ghashir")}),
    ("GNA forces advanced into Sirte on Friday.", {("contested", "GNA", "Sirte")}),
    ("Derna is under siege by the LNA.", {("contested", "LNA", "Derna")}),
    ("Sirte is under siege by GNA forces.", {("contested", "GNA", "Sirte")}),
    ("Haftar's forces attacked Misrata from the east.", {("contested", "LNA", "Misrata")}),
    (
        "GNA forces attacked LNA positions in Tarhuna on Thursday.",
        {("contested", "GNA", "Tarhuna")},
    ),
    ("Heavy fighting at Abu Qurain pitted GNA forces against the LNA.", set()),
    pytest.param(
        "The LNA fought fierce battles at Tarhuna.",
        {("contested", "LNA", "Tarhuna")},
    ),
    pytest.param(
        "The LNA clashed with GNA troops around Gharyan.",
        {("contested", "LNA", "Gharyan")},
    ),
    # A siege set off by commas is said of the town, whatever the main verb's mood.
    (
        "The border crossing could prove key to supplies for the town of Gharyan, under siege "
        "by LNA forces for weeks.",
        {("contested", "LNA", "Gharyan")},
    ),
    ("Gharyan could soon come under siege by LNA forces.", set()),
    (
        "A new road could give access to the town of Gharyan, under siege by LNA forces since "
        "April.",
        {("contested", "LNA", "Gharyan")},
    ),
    # "they" in the object clause of armed men's verb is those men, not the story's focus.
    (
        "GNA forces pushed into Sirte. LNA troops showed they were still a threat by "
        "launching an attack on Gharyan, officials said.",
        {("contested", "GNA", "Sirte"), ("contested", "LNA", "Gharyan")},
    ),
    (
        "LNA troops showed they were still a threat by launching an attack on Gharyan.",
        {("contested", "LNA", "Gharyan")},
    ),
    # The defender penned into a part of the town: its rival presses the attack.
    ("LNA fighters are hemmed into a small area of Sirte.", {("contested", "GNA", "Sirte")}),
    # "took X then moved on" (no conjunction): the second verb keeps the first one's subject.
    (
        "A commander said GNA forces took the villages on Monday then moved south to clash "
        "with LNA troops in Gharyan on Tuesday.",
        {("contested", "GNA", "Gharyan")},
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONTESTED)
def test_contested(ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


# -- control claims -------------------------------------------------------------------------------
CLAIMS = [
    (
        "The LNA still controls Sirte and Jufra.",
        {("control_claim", "LNA", "Sirte"), ("control_claim", "LNA", "Jufra")},
    ),
    ("Sirte is held by the LNA.", {("control_claim", "LNA", "Sirte")}),
    ("Misrata is held by GNA forces.", {("control_claim", "GNA", "Misrata")}),
    (
        "Ras Lanuf remains under the control of the LNA.",
        {("control_claim", "LNA", "Ras Lanuf")},
    ),
    ("Sirte is under the control of Haftar's forces.", {("control_claim", "LNA", "Sirte")}),
    ("Jufra remained in the hands of Haftar's forces.", {("control_claim", "LNA", "Jufra")}),
    ("Bani Walid, a Haftar stronghold, was calm.", {("control_claim", "LNA", "Bani Walid")}),
    ("Reporters reached Jufra, a Haftar stronghold, by road.", {("control_claim", "LNA", "Jufra")}),
    ("GNA forces remain in control of Zawiya.", {("control_claim", "GNA", "Zawiya")}),
    pytest.param(
        "Jufra, the LNA's main stronghold in the south, was quiet.",
        {("control_claim", "LNA", "Jufra")},
    ),
]


@pytest.mark.parametrize(("text", "expected"), CLAIMS)
def test_control_claim(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


def test_stronghold_being_lost_is_no_claim(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "GNA forces seized Tarhuna, the LNA's last stronghold in the west."
    assert _control(ex, text) == _canon(gaz, {("capture", "GNA", "Tarhuna")})


# -- exclusions: intentions, failures, strikes -----------------------------------------------------
INTENTIONS = [
    "The GNA aims to liberate Sirte and Jufra.",
    "Bashagha vowed to retake Tarhuna within days.",
    "GNA forces were ordered to advance towards Sirte.",
    "The GNA launched an operation to liberate Tarhuna.",
    "GNA forces plan to recapture Sirte.",
    "The GNA threatened to take Sirte and Jufra.",
    "Haftar's forces are expected to retreat from Tarhuna.",
    "GNA forces did not enter Sirte.",
    "The LNA denied withdrawing from Tarhuna.",
]


@pytest.mark.parametrize("text", INTENTIONS)
def test_intentions_are_not_control_events(ex: EventExtractor, text: str) -> None:
    assert _control(ex, text) == set()
    assert {kind for kind, _, _ in _activity(ex, text)} <= {"offensive"}


def test_intention_may_be_an_offensive(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _activity(ex, "The GNA launched an operation to liberate Tarhuna.") == _canon(
        gaz, {("offensive", "GNA", "Tarhuna")}
    )


FAILED = [
    "GNA forces repelled an attack on Gharyan by Haftar's militias.",
    "The LNA made an abortive attempt to seize Zawiya.",
    "The LNA failed to capture Zawiya.",
    "GNA forces beat back an LNA assault on Abu Qurain.",
    "Haftar's forces foiled an attempt by GNA forces to enter Sirte.",
]


@pytest.mark.parametrize("text", FAILED)
def test_failed_attacks_are_not_control_events(ex: EventExtractor, text: str) -> None:
    assert _control(ex, text) == set()


@pytest.mark.parametrize(
    ("text", "attacker"),
    [
        ("GNA forces beat back an LNA assault on Abu Qurain.", "LNA"),
        pytest.param(
            "GNA forces repelled an attack on Gharyan by Haftar's militias.",
            "LNA",
        ),
        pytest.param(
            "Haftar's forces foiled an attempt by GNA forces to enter Sirte.",
            "GNA",
        ),
    ],
)
def test_repelled_attack_offensive_belongs_to_the_attacker(
    ex: EventExtractor, text: str, attacker: str
) -> None:
    sides = {side for kind, side, _ in _activity(ex, text) if kind == "offensive"}
    assert sides <= {attacker}


STRIKES = [
    ("GNA drones struck an LNA convoy in Tarhuna.", ("strike", "GNA", "Tarhuna")),
    ("Haftar's warplanes bombed Zawiya on Friday.", ("strike", "LNA", "Zawiya")),
    ("LNA artillery shelled Mitiga airport.", ("strike", "LNA", "Mitiga")),
    ("The LNA shelled residential areas of Tripoli overnight.", ("strike", "LNA", "Tripoli")),
]


@pytest.mark.parametrize(("text", "expected"), STRIKES)
def test_strikes_are_never_control(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: Triple
) -> None:
    assert _control(ex, text) == set()
    assert _activity(ex, text) == _canon(gaz, {expected})


@pytest.mark.parametrize(
    "text",
    [
        "An airstrike by the LNA hit Misrata's air academy.",
        "Turkish drones pounded LNA positions in Al-Watiya.",
        "GNA drones struck LNA positions near Sirte.",
    ],
)
def test_air_attacks_give_no_control(ex: EventExtractor, text: str) -> None:
    assert _control(ex, text) == set()


def test_activities_can_be_switched_off(gaz: Gazetteer, sides: Sides) -> None:
    quiet = EventExtractor(gaz, sides, activities=False)
    doc = _doc("Haftar's warplanes bombed Zawiya. The GNA launched an operation to liberate Sirte.")
    assert quiet.extract(doc) == []


# -- voice and direction ---------------------------------------------------------------------------
def test_passive_voice_gives_the_agent(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _control(ex, "Sirte was taken by Haftar's forces.") == _canon(
        gaz, {("capture", "LNA", "Sirte")}
    )
    assert _control(ex, "Sirte was captured in January by Haftar's forces.") == _canon(
        gaz, {("capture", "LNA", "Sirte")}
    )


def test_retreat_is_the_retreating_side(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _control(ex, "The LNA retreated from Ajdabiya.") == _canon(
        gaz, {("withdraw", "LNA", "Ajdabiya")}
    )
    assert _control(ex, "The GNA retreated from Ajdabiya.") == _canon(
        gaz, {("withdraw", "GNA", "Ajdabiya")}
    )


def test_object_actor_is_not_the_subject(ex: EventExtractor, gaz: Gazetteer) -> None:
    # "from the LNA" is the loser; the unnamed winner is its opponent.
    assert _control(ex, "The town of Gharyan was recaptured from the LNA.") <= _canon(
        gaz, {("capture", "GNA", "Gharyan")}
    )
    assert _control(ex, "Government forces retook Gharyan from the LNA.") == _canon(
        gaz, {("capture", "GNA", "Gharyan")}
    )


# -- quotes and speakers ---------------------------------------------------------------------------
def test_our_forces_is_the_speakers_side(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _control(ex, '"Our forces have liberated Tarhuna," Bashagha said.') == _canon(
        gaz, {("capture", "GNA", "Tarhuna")}
    )
    assert _control(ex, '"We have retaken Gharyan," Ahmed al-Mismari said.') == _canon(
        gaz, {("capture", "LNA", "Gharyan")}
    )


# -- dates -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "place", "when"),
    [
        ("Government forces captured Gharyan on Friday.", "Gharyan", ("2020-06-05", "day")),
        ("Government forces captured Gharyan yesterday.", "Gharyan", ("2020-06-05", "day")),
        ("GNA forces took control of Tarhuna on Thursday.", "Tarhuna", ("2020-06-04", "day")),
        ("Government forces captured Gharyan.", "Gharyan", ("2020-06", "month")),
        ("Government forces captured Gharyan in January.", "Gharyan", ("2020-01", "month")),
        ("Government forces captured Gharyan recently.", "Gharyan", ("2020", "year")),
        ("Government forces captured Gharyan on June 2.", "Gharyan", ("2020-06-02", "day")),
        ("Government forces captured Gharyan in 2019.", "Gharyan", ("2019", "year")),
        ("Government forces captured Gharyan last month.", "Gharyan", ("2020-05", "month")),
        ("GNA forces now control Tarhuna.", "Tarhuna", ("2020-06-06", "day")),
        pytest.param(
            "Haftar's forces lost Gharyan to the GNA last June.",
            "Gharyan",
            ("2019-06", "month"),
        ),
    ],
)
def test_dates(
    ex: EventExtractor, gaz: Gazetteer, text: str, place: str, when: tuple[str, str]
) -> None:
    dates = _dates(ex, text)
    assert dates[gaz.lookup(place)[0].name] == when


def test_date_of_a_later_sentence_from_the_carried_day(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Haftar's forces retreated from Gharyan on Friday. They also withdrew from Asabaa."
    dates = _dates(ex, text)
    assert dates[gaz.lookup("Gharyan")[0].name] == ("2020-06-05", "day")


@pytest.mark.xfail(reason="the small parser makes 'Bani Walid' the object of 'on'", strict=True)
def test_each_place_keeps_its_own_date(ex: EventExtractor, gaz: Gazetteer) -> None:
    dates = _dates(ex, "The GNA seized Tarhuna on Friday and Bani Walid on Saturday.")
    assert dates[gaz.lookup("Tarhuna")[0].name] == ("2020-06-05", "day")
    assert dates[gaz.lookup("Bani Walid")[0].name] == ("2020-06-06", "day")


def test_each_clause_keeps_its_own_date(ex: EventExtractor, gaz: Gazetteer) -> None:
    dates = _dates(ex, "The GNA seized Tarhuna on Friday and took Bani Walid on Saturday.")
    assert dates[gaz.lookup("Tarhuna")[0].name] == ("2020-06-05", "day")
    assert dates[gaz.lookup("Bani Walid")[0].name] == ("2020-06-06", "day")


def test_no_publication_date_means_no_event_date(ex: EventExtractor) -> None:
    events = ex.extract(_doc("The LNA captured Sirte on Friday.", published=None))
    assert [(e.kind, e.date, e.date_precision) for e in events] == [("capture", "", "")]


def test_without_publication_date_written_dates_still_resolve(ex: EventExtractor) -> None:
    events = ex.extract(_doc("The GNA captured Tarhuna on June 4, 2020.", published=None))
    assert [(e.kind, e.date, e.date_precision) for e in events] == [
        ("capture", "2020-06-04", "day")
    ]


# -- place reference and restatement ---------------------------------------------------------------
def test_the_city_is_the_topic_not_a_place_named_in_passing(
    ex: EventExtractor, gaz: Gazetteer
) -> None:
    text = (
        "LNA forces took Sirte on Monday, their biggest gain since the battle for Tripoli "
        "began. The city fell within hours, residents said."
    )
    # "The city fell" restates the capture: its place is the topic, its winner the captor.
    assert _control(ex, text) == _canon(gaz, {("capture", "LNA", "Sirte")})


def test_a_town_in_an_actors_name_is_no_antecedent(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = (
        "LNA forces captured Sirte on Monday. "
        "The Tripoli government said the city had been lost through treason."
    )
    # "the city" is Sirte, not the Tripoli of "the Tripoli government"; the loss is the
    # speaker's own.
    assert _control(ex, text) == _canon(gaz, {("capture", "LNA", "Sirte")})


def test_a_loss_reported_by_a_side_is_its_own(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Heavy fighting was reported on Sunday. The LNA admitted that Gharyan had been lost."
    assert _control(ex, text) == _canon(gaz, {("capture", "GNA", "Gharyan")})


# -- newcomers and advances ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An armed group seized Brega from LNA forces on Monday.", ("withdraw", "LNA", "Brega")),
        ("Militants took Sirte from GNA forces on Monday.", ("withdraw", "GNA", "Sirte")),
    ],
)
def test_a_newcomers_gain_is_the_losers_withdraw(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: Triple
) -> None:
    # An actor the text brings in new is no side: not the loser's rival (codebook: a third
    # party's gain is the loser's withdraw).
    assert _control(ex, text) == _canon(gaz, {expected})


def test_reaching_a_place_is_an_advance(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _control(ex, "GNA columns reached Gharyan on Sunday.") == _canon(
        gaz, {("contested", "GNA", "Gharyan")}
    )
    assert _control(ex, "GNA columns failed to reach Gharyan on Sunday.") == set()


def test_its_forces_are_the_organisation_named_before_in_the_sentence(
    ex: EventExtractor, gaz: Gazetteer
) -> None:
    # The LNA is in focus; "its" still means the GNA named before it in its sentence.
    text = (
        "LNA forces attacked Zawiya. Meanwhile, the GNA's spokesman in Gharyan, where its "
        "forces retook the airport, spoke."
    )
    airport = gaz.lookup("Gharyan International Airport")[0].name
    assert ("capture", "GNA", airport) in _control(ex, text)


def test_after_under_a_present_verb_is_the_news_not_background(ex: EventExtractor) -> None:
    # "celebrate after A took X": the capture is the day's news (publication month), while
    # "was quiet after A took X" stays background (publication year).
    news = ex.extract(_doc("Residents celebrate after GNA fighters drove LNA forces from Gharyan."))
    old = ex.extract(_doc("The town was quiet after GNA fighters drove LNA forces from Gharyan."))
    assert [e.date[:7] for e in news] == ["2020-06"]
    assert [e.date for e in old] == ["2020"]


def test_a_retreat_to_a_place_is_a_destination(ex: EventExtractor, gaz: Gazetteer) -> None:
    # Codebook: destinations are never labelled; "to the outskirts of X" leaves X itself.
    assert _control(ex, "GNA forces withdrew to Sirte on Monday.") == set()
    assert _control(ex, "LNA troops retreated to the outskirts of Gharyan on Monday.") == _canon(
        gaz, {("withdraw", "LNA", "Gharyan")}
    )


def test_pressing_on_where_the_place_is_contests_it(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = (
        "Fighting continued on Thursday in Sirte, where GNA soldiers were advancing house by house."
    )
    assert _control(ex, text) == _canon(gaz, {("contested", "GNA", "Sirte")})


# -- ambiguous actors ------------------------------------------------------------------------------
def test_ambiguous_army_judged_by_whom_it_fights(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _control(ex, "The Libyan army liberated Tarhuna from Haftar's militia.") == _canon(
        gaz, {("capture", "GNA", "Tarhuna")}
    )
    assert _control(ex, "The Libyan army seized Zawiya from GNA militias.") == _canon(
        gaz, {("capture", "LNA", "Zawiya")}
    )


def test_ambiguous_army_judged_across_the_document(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = (
        "The Libyan army fought Haftar's militias south of Tripoli. "
        "The Libyan army later seized Gharyan."
    )
    assert _control(ex, text) == _canon(gaz, {("capture", "GNA", "Gharyan")})


@pytest.mark.parametrize(
    "text",
    [
        "Army spokesman Ahmed al-Mismari said on Monday that the army had seized Zawiya.",
        "The army, backed by jets of the air force loyal to Haftar, seized Zawiya on Monday.",
        "The army's commander Khalifa Haftar visited the front. The army seized Zawiya.",
    ],
)
def test_ambiguous_army_judged_by_its_titles_and_allies(
    ex: EventExtractor, gaz: Gazetteer, text: str
) -> None:
    # A title or an allegiance between the name and a named actor makes them one side.
    assert _control(ex, text, source="Reuters") == _canon(gaz, {("capture", "LNA", "Zawiya")})


def test_ambiguous_army_is_the_army_named_before(ex: EventExtractor, gaz: Gazetteer) -> None:
    # "the army" after "the Libyan National Army" is that army (coreference by the head noun).
    text = "Units of the Libyan National Army advanced on Monday. The army seized Zawiya."
    assert _control(ex, text, source="Reuters") == _canon(gaz, {("capture", "LNA", "Zawiya")})


def test_a_speaker_after_an_ambiguous_army_is_no_rival(ex: EventExtractor, gaz: Gazetteer) -> None:
    # The named person reports the deed: no vote for his rival; the report is his side's.
    text = "The army seized Zawiya on Monday, Haftar said."
    assert _control(ex, text, source="Reuters") == _canon(gaz, {("capture", "LNA", "Zawiya")})


def test_ambiguous_army_against_a_named_rival_is_still_the_rival(
    ex: EventExtractor, gaz: Gazetteer
) -> None:
    text = "The army fought Haftar's forces for a week and seized Zawiya on Monday."
    assert _control(ex, text, source="Reuters") == _canon(gaz, {("capture", "GNA", "Zawiya")})


@pytest.mark.parametrize(
    ("source", "side"), [("Anadolu", "GNA"), ("Anadolu Agency", "GNA"), ("Al Arabiya", "LNA")]
)
def test_ambiguous_army_judged_by_outlet(
    ex: EventExtractor, gaz: Gazetteer, source: str, side: str
) -> None:
    text = "The Libyan army seized Zawiya on Friday."
    assert _control(ex, text, source=source) == _canon(gaz, {("capture", side, "Zawiya")})


def test_ambiguous_army_unjudged_gives_nothing(ex: EventExtractor) -> None:
    assert _control(ex, "The Libyan army seized Zawiya on Friday.", source="Reuters") == set()


def test_outlet_from_dateline_and_source_line(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _control(ex, "(Anadolu) - The Libyan army seized Zawiya.") == _canon(
        gaz, {("capture", "GNA", "Zawiya")}
    )
    assert _control(ex, "The Libyan army seized Zawiya.\nSource: Al Arabiya") == _canon(
        gaz, {("capture", "LNA", "Zawiya")}
    )


def test_dated_actor_in_an_old_article(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "The internationally recognised government said its forces seized Ajdabiya."
    assert _control(ex, text, published=date(2015, 3, 2)) == _canon(
        gaz, {("capture", "LNA", "Ajdabiya")}
    )
    assert _control(ex, text, published=date(2020, 3, 2)) == _canon(
        gaz, {("capture", "GNA", "Ajdabiya")}
    )


# -- carried actor ---------------------------------------------------------------------------------
def test_actor_carried_to_the_next_sentence(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Haftar's forces massed south of Tripoli. They later seized Gharyan."
    assert _control(ex, text) == _canon(gaz, {("capture", "LNA", "Gharyan")})


def test_carried_actor_after_a_contested_sentence(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "GNA forces advanced on Sirte. They later seized Abu Qurain."
    assert ("capture", "GNA", gaz.lookup("Abu Qurain")[0].name) in _control(ex, text)


def test_carried_actor_follows_the_latest_named_side(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = (
        "GNA forces held Misrata. Haftar's forces regrouped near Sirte. "
        "They later seized Abu Qurain."
    )
    assert ("capture", "LNA", gaz.lookup("Abu Qurain")[0].name) in _control(ex, text)


def test_no_actor_no_event(ex: EventExtractor) -> None:
    assert _control(ex, "Gharyan was captured on Friday.") == set()


# -- event records ---------------------------------------------------------------------------------
def test_event_fields(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Residents were calm.\nGovernment forces seized Gharyan on Friday."
    doc = Document("doc-7", text, PUB, "cli", "x", url="https://example.org/7", source="Wire")
    (ev,) = ex.extract(doc)
    gharyan = gaz.lookup("Gharyan")[0]
    assert ev.doc_id == "doc-7"
    assert (ev.kind, ev.side, ev.place, ev.place_id) == ("capture", "GNA", "Gharyan", gharyan.id)
    assert (ev.lat, ev.lon) == (gharyan.lat, gharyan.lon)
    assert text[ev.start : ev.end] == ev.quote == "Government forces seized Gharyan on Friday."
    assert 0 < ev.confidence <= 1
    assert (ev.source, ev.url) == ("Wire", "https://example.org/7")
    assert tuple(ev.to_record()) == EVENT_FIELDS
    feature = ev.to_feature()
    assert feature["geometry"]["coordinates"] == [gharyan.lon, gharyan.lat]
    assert ev.fuzzy_date is not None and ev.fuzzy_date.iso() == "2020-06-05"


def test_duplicates_are_merged_keeping_the_precise_date(ex: EventExtractor) -> None:
    text = "The LNA captured Sirte. The LNA captured Sirte on Friday."
    events = [e for e in ex.extract(_doc(text)) if e.kind == "capture"]
    assert len(events) == 1
    assert events[0].date == "2020-06-05"


def test_extract_events_over_documents(gaz: Gazetteer, sides: Sides) -> None:
    docs = [
        _doc("The LNA captured Sirte.", doc_id="a"),
        _doc("Nothing happened in the desert.", doc_id="b"),
        _doc("GNA forces seized Gharyan.", doc_id="c"),
    ]
    events = list(extract_events(docs, gaz, sides))
    assert [(e.doc_id, e.kind, e.side) for e in events] == [
        ("a", "capture", "LNA"),
        ("c", "capture", "GNA"),
    ]


def test_longer_article(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = (
        "GNA forces say Tarhuna is theirs\n"
        "TRIPOLI, June 6 - Forces loyal to the GNA seized Tarhuna on Friday, a day after "
        "Haftar's forces withdrew from Qasr Bin Ghashir. Drones struck the road to Bani Walid.\n"
        "The LNA still controls Sirte, its spokesman said. Fighting also raged around Zawiya, "
        "a resident said, though the GNA denied losing any ground there."
    )
    got = _control(ex, text)
    expected = {
        ("capture", "GNA", "Tarhuna"),
        ("withdraw", "LNA", "Qasr Bin Ghashir"),
        ("control_claim", "LNA", "Sirte"),
    }
    assert _canon(gaz, expected) <= got
    assert all(side in {"GNA", "LNA"} for _, side, _ in got)
    assert not any(kind == "capture" and side == "LNA" for kind, side, _ in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The oasis town of Sabha, which had been quiet for months, was seized by LNA units.",
            {("capture", "LNA", "Sabha")},
        ),
        (
            "Zliten, which fell to GNA fighters last year, has reopened its port.",
            {("capture", "GNA", "Zliten")},
        ),
    ],
)
def test_relative_clause_keeps_its_antecedent(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _canon(gaz, expected) <= _control(ex, text)


def test_third_party_driven_out_goes_to_the_subject(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "GNA-aligned brigades said they had pushed Daesh fighters out of the town of Sirte."
    assert _canon(gaz, {("capture", "GNA", "Sirte")}) <= _control(ex, text)


def test_year_less_date_after_publication_is_last_year(ex: EventExtractor) -> None:
    dates = _dates(ex, "LNA troops captured Brega on August 30 after a short battle.")
    assert dates and next(iter(dates.values())) == ("2019-08-30", "day")


def test_declared_liberated_is_a_capture(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Derna was officially declared liberated by the LNA in 2018."
    assert _canon(gaz, {("capture", "LNA", "Derna")}) <= _control(ex, text)


# -- robustness: random and adversarial text -------------------------------------------------
_NAMES = ["Sirte", "Tripoli", "al-Watiya", "Misrata", "طرابلس", "Bani Walid", "LNA", "GNA"]
_ALPHABET = st.sampled_from(
    [*"abcdefgh XYZ.,;:!?'’\"-–\n\t\x00\x07\x1b\u200f\u202e", "ا", "ل", "ب", "٣", *_NAMES]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=400).map("".join))
def test_random_text_never_crashes_and_quotes_are_exact(ex: EventExtractor, text: str) -> None:
    for event in ex.extract(_doc(text)):
        assert text[event.start : event.end] == event.quote
        assert event.kind in (*CONTROL_KINDS, *ACTIVITY_KINDS)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "Sirte " * 5000,  # only place names, no sentence end
        ("GNA forces seized Sirte and " * 3000) + "Misrata",  # one huge sentence
        "\u202e" + "قوات الوفاق سيطرت على سرت. " * 200,  # right-to-left text
        "\x00\x01\x02 LNA \x7f captured \x1b Tripoli" * 50,
    ],
)
def test_adversarial_text(ex: EventExtractor, text: str) -> None:
    events = ex.extract(_doc(text))
    assert all(text[e.start : e.end] == e.quote for e in events)


def _calls(ex: EventExtractor, text: str) -> int:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.runcall(ex.extract, _doc(text))
    return sum(row[1] for row in pstats.Stats(prof).stats.values())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "unit",
    [
        "Haftar's forces seized Sirte on Friday, residents said. ",
        "GNA forces seized Sirte and ",  # one sentence that keeps growing
        "Tripoli Misrata Sirte Tarhuna ",
    ],
)
def test_work_grows_linearly(ex: EventExtractor, unit: str) -> None:
    """Python calls, not seconds (machine-independent): 4x the text, at most ~5x the work."""
    small, large = _calls(ex, unit * 50), _calls(ex, unit * 200)
    assert large < 5.5 * small, (small, large)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brega came under the control of the LNA in March.", {("capture", "LNA", "Brega")}),
        ("Ajdabiya fell under LNA control after a week.", {("capture", "LNA", "Ajdabiya")}),
        ("Sabha remains under LNA control.", {("control_claim", "LNA", "Sabha")}),
        ("Zawiya is firmly in GNA hands.", {("control_claim", "GNA", "Zawiya")}),
        pytest.param(
            "Gharyan, which the LNA overran in April, was quiet.",
            {("capture", "LNA", "Gharyan")},
            marks=pytest.mark.xfail(reason="the small parser reads this relative clause badly"),
        ),
        ("Haftar's units were forced to withdraw from Mizda.", {("withdraw", "LNA", "Mizda")}),
        (
            "The GNA stormed and captured Ubari. Murzuq was then secured.",
            {("capture", "GNA", "Ubari"), ("capture", "GNA", "Murzuq")},
        ),
        ("GNA troops pushed into the Ain Zara district.", {("contested", "GNA", "Ain Zara")}),
    ],
)
def test_more_news_phrasings(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _canon(gaz, expected) <= _control(ex, text)


def test_claimed_to_have_taken_is_a_report_not_a_plan(ex: EventExtractor, gaz: Gazetteer) -> None:
    assert _canon(gaz, {("capture", "GNA", "Zliten")}) <= _control(
        ex, "GNA commanders said they were believed to have retaken Zliten."
    )
    denied = "The LNA claimed to have captured Zliten, a claim the GNA denied."
    assert _canon(gaz, {("contested", "LNA", "Zliten")}) <= _control(ex, denied)


def test_place_named_actor_is_not_a_target(ex: EventExtractor, gaz: Gazetteer) -> None:
    found = _control(ex, "Misrata brigades captured the town of Abu Grein on Friday.")
    assert _canon(gaz, {("capture", "GNA", "Abu Grein")}) == found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A second verb of another kind ends the first one's object.
        (
            "Haftar's forces overran Mizda on Monday and moved into the outskirts of Gharyan.",
            {("capture", "LNA", "Mizda"), ("contested", "LNA", "Gharyan")},
        ),
        # The winner named after the place.
        (
            "Officials hailed the recapture of Sabratha by GNA troops.",
            {("capture", "GNA", "Sabratha")},
        ),
        pytest.param(
            "The fall of Brega to the LNA shocked Tripoli.",
            {("capture", "LNA", "Brega")},
            marks=pytest.mark.xfail(reason="the small parser attaches 'the LNA' to 'shocked'"),
        ),
        # A passive inside reported speech takes the reporting side.
        (
            "The LNA said on Monday that Ubari had been fully liberated.",
            {("capture", "LNA", "Ubari")},
        ),
        (
            "Zawiya was retaken by fighters loyal to the Tripoli government.",
            {("capture", "GNA", "Zawiya")},
        ),
    ],
)
def test_red_team_frames(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


@pytest.mark.parametrize(
    "text",
    [
        "GNA fighters took dozens of prisoners in Sabratha.",
        "The LNA seized a large arms depot in Ajdabiya.",
        "Haftar held a meeting with tribal elders in Benghazi.",
    ],
)
def test_objects_that_are_not_ground_change_nothing(ex: EventExtractor, text: str) -> None:
    assert _control(ex, text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The GNA retook Misurata's airport.", {("capture", "GNA", "Misrata")}),
        ("Clashes between the LNA and GNA troops in Ain Zara left 12 dead.", set()),
        (
            "Dignity forces drove Shura Council fighters out of Ajdabiya.",
            {("capture", "LNA", "Ajdabiya")},
        ),
        (
            "Libya's U.N.-supported government said its forces retook Gharyan.",
            {("capture", "GNA", "Gharyan")},
        ),
        (
            "Tripoli was calm after the withdrawal of Haftar's forces from Ain Zara.",
            {("withdraw", "LNA", "Ain Zara")},
        ),
    ],
)
def test_red_team_phrasings(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    got = _control(ex, text)
    want = _canon(gaz, expected)
    if "airport" in text:
        # "Misurata's airport" is the airport near the town, not the town itself.
        assert got and {k for k, _, _ in got} == {"capture"} and not want & got
    else:
        assert want <= got


@pytest.mark.parametrize(
    "text",
    [
        "Cairo warned it would act if GNA forces attacked Sirte.",
        "It was unclear whether the LNA had captured Brega.",
        "Shelling hit an LNA-held district of Tripoli.",
    ],
)
def test_conditions_doubts_and_adjectives_change_nothing(ex: EventExtractor, text: str) -> None:
    assert _control(ex, text) == set()


def test_expelled_by_rivals_is_the_rivals_capture(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Haftar's men were driven out of Mizda by their rivals."
    assert _control(ex, text) == _canon(gaz, {("capture", "GNA", "Mizda")})


def test_month_with_last_year(ex: EventExtractor) -> None:
    dates = _dates(ex, "The LNA overran Mizda in May last year.")
    assert list(dates.values()) == [("2019-05", "month")]


def test_pronoun_subject_continues_the_previous_day(ex: EventExtractor) -> None:
    text = "LNA units advanced on Wednesday. They then seized Mizda."
    assert list(_dates(ex, text).values()) == [("2020-06-03", "day")]


def test_rival_claims_make_a_place_contested(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "Both the LNA and the GNA claimed control of Misrata's old international airport."
    events = [e for e in ex.extract(_doc(text)) if e.kind in CONTROL_KINDS]
    assert [e.kind for e in events] == ["contested"]
    assert gaz.get(events[0].place_id).kind in ("airport", "airbase")


# -- the codebook's classes (issue 9) ------------------------------------------------------------
CODEBOOK = [
    # Entering with no sign of an unfinished takeover is a capture; a part of a town, contested.
    ("LNA columns drove into Sokna on Friday.", {("capture", "LNA", "Sokna")}),
    ("GNA troops rolled into Gharyan and raised their flag.", {("capture", "GNA", "Gharyan")}),
    (
        "GNA troops entered Tarhuna on Friday but fighting was still going on near the market.",
        {("contested", "GNA", "Tarhuna")},
    ),
    ("The LNA captured most of Sirte on Friday.", {("contested", "LNA", "Sirte")}),
    ("GNA forces now control 80 percent of Tarhuna.", {("contested", "GNA", "Tarhuna")}),
    # Missing phrase families.
    ("LNA troops swept across Mizda on Thursday.", {("capture", "LNA", "Mizda")}),
    ("Clashes are taking place in Ain Zara, the GNA said.", set()),
    ("Brak is under the command of the LNA.", {("control_claim", "LNA", "Brak")}),
    ("The LNA-controlled town of Sokna was quiet.", {("control_claim", "LNA", "Sokna")}),
    # Lists.
    (
        "GNA forces retook several towns, such as Gharyan and Mizda.",
        {("capture", "GNA", "Gharyan"), ("capture", "GNA", "Mizda")},
    ),
    (
        "The LNA captured Brak as well as Ubari on Monday.",
        {("capture", "LNA", "Brak"), ("capture", "LNA", "Ubari")},
    ),
    # Real deeds, not intentions.
    ("GNA troops managed to take Gharyan on Friday.", {("capture", "GNA", "Gharyan")}),
    ("LNA fighters were able to enter Sokna.", {("capture", "LNA", "Sokna")}),
    # Hypotheticals, background and failures are not events.
    ("Once Sirte is taken, the GNA will march on Jufra.", set()),
    ("Any attack on Sokna would be met with force, the LNA warned.", set()),
    ("Since its offensive on Tripoli began in April, the LNA has lost ground.", set()),
    ("GNA forces repelled an LNA attack on Gharyan on Friday.", set()),
    ("The LNA held Sokna, thwarting a GNA bid to take it.", {("control_claim", "LNA", "Sokna")}),
    ("LNA troops failed to capture Mizda.", set()),
    # The country's airport names no place the gazetteer knows as the country's.
    ("The GNA captured the country's main airport on Friday.", set()),
]


@pytest.mark.parametrize(("text", "expected"), CODEBOOK)
def test_codebook_classes(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


THIRD_PARTIES = [
    # A third party's gain from a side is that side's withdraw; a side's gain from it a capture.
    ("Islamic State fighters seized Sirte from the GNA.", {("withdraw", "GNA", "Sirte")}),
    ("Islamic State militants drove GNA forces out of Sirte.", {("withdraw", "GNA", "Sirte")}),
    ("The LNA drove Islamic State fighters out of Derna.", {("capture", "LNA", "Derna")}),
    ("GNA forces recaptured Sirte from the Islamic State.", {("capture", "GNA", "Sirte")}),
    ("Islamic State fighters hold Sirte.", set()),
]


@pytest.mark.parametrize(("text", "expected"), THIRD_PARTIES)
def test_third_parties_never_get_rows(
    ex: EventExtractor, gaz: Gazetteer, text: str, expected: set[Triple]
) -> None:
    assert _control(ex, text) == _canon(gaz, expected)


def test_claimant_is_the_side_the_report_is_attributed_to(ex: EventExtractor) -> None:
    told = ex.extract(_doc("The LNA said on Friday it had captured Gharyan."))
    assert [(e.kind, e.side, e.claimant) for e in told] == [("capture", "LNA", "LNA")]
    admitted = ex.extract(_doc("GNA officials said their forces had withdrawn from Mizda."))
    assert [(e.kind, e.side, e.claimant) for e in admitted] == [("withdraw", "GNA", "GNA")]
    stated = ex.extract(_doc("The LNA captured Gharyan on Friday."))
    assert [e.claimant for e in stated] == [""]


def test_one_event_per_place_and_direction_with_evidence(ex: EventExtractor) -> None:
    text = (
        "The GNA captured Tarhuna on Friday. LNA units pulled out of Tarhuna towards Bani Walid. "
        "GNA troops were in full control of Tarhuna by the evening."
    )
    events = [e for e in ex.extract(_doc(text)) if e.kind in CONTROL_KINDS]
    assert [(e.kind, e.side, e.date) for e in events] == [("capture", "GNA", "2020-06-05")]
    assert len(events[0].evidence) == 2
    assert all(q in text for q in events[0].evidence)


def test_the_most_precise_date_in_the_article_wins(ex: EventExtractor) -> None:
    text = "GNA forces have retaken Gharyan. The town fell to the GNA on Thursday."
    events = [e for e in ex.extract(_doc(text)) if e.kind == "capture"]
    assert [(e.side, e.date, e.date_precision) for e in events] == [("GNA", "2020-06-04", "day")]


def test_a_headline_never_outranks_the_body(ex: EventExtractor) -> None:
    text = "GNA takes Gharyan on Monday\nGNA forces took Gharyan on Thursday, officials said."
    events = [e for e in ex.extract(_doc(text)) if e.kind == "capture"]
    assert [e.date for e in events] == ["2020-06-04"]
    assert events[0].quote.startswith("GNA forces took")


def test_a_denied_claim_is_contested(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "State media said the LNA had retaken Gharyan. GNA commanders denied the claim."
    assert _control(ex, text) == _canon(gaz, {("contested", "LNA", "Gharyan")})


def test_the_same_place_taken_twice_on_two_dates_is_two_events(ex: EventExtractor) -> None:
    text = "The LNA took Gharyan on 2 April. The GNA retook Gharyan on 26 June."
    events = sorted((e.side, e.date) for e in ex.extract(_doc(text)) if e.kind == "capture")
    assert events == [("GNA", "2020-06-26"), ("LNA", "2020-04-02")] or events == [
        ("GNA", "2019-06-26"),
        ("LNA", "2020-04-02"),
    ]


def test_a_capture_contradicts_the_losers_claim(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "The GNA seized Tarhuna, the LNA's last stronghold in the west, on Friday."
    assert _control(ex, text) == _canon(gaz, {("capture", "GNA", "Tarhuna")})


# -- the syntactic layer --------------------------------------------------------------------------
def test_the_model_loads_on_first_use_only(gaz: Gazetteer, sides: Sides) -> None:
    fresh = EventExtractor(gaz, sides)
    assert "nlp" not in fresh.parser.__dict__  # nothing parsed, nothing loaded
    fresh.extract(_doc("Nothing happened on Friday."))
    assert "nlp" not in fresh.parser.__dict__  # no candidate sentence: still nothing loaded
    fresh.extract(_doc("The LNA captured Sirte."))
    assert "ner" not in fresh.parser.nlp.pipe_names


@pytest.mark.parametrize(
    "bad",
    [
        " ".join(["Sirte"] * 10_000) + " was captured by the LNA",
        "The LNA seized Sirte " + "x" * 500,
        ";;; ::: ,,, ;;; ((( Sirte ))) ;;; seized ;;; ::: ,,, ;;; ((( ))) ;;; ::: ,,, ;;; ((( )))",
        "الجيش سيطر على مدينة سرت بالكامل واستولى على المطار seized سرت في الشرق" * 2,
    ],
    ids=["10k-words", "no-spaces", "punctuation", "other-script"],
)
def test_bad_sentences_are_cut_or_skipped_and_the_rest_survives(
    ex: EventExtractor, gaz: Gazetteer, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    text = bad + ".\nThe GNA captured Gharyan on Friday."
    with caplog.at_level("WARNING"):
        found = _control(ex, text)
    assert ("capture", "GNA", gaz.lookup("Gharyan")[0].name) in found
    assert any("sentence" in r.getMessage() for r in caplog.records)


def test_a_dateline_is_not_read_as_the_subject(ex: EventExtractor, gaz: Gazetteer) -> None:
    text = "SIRTE, Libya (Wire) - The GNA said its forces had taken Gharyan on Friday."
    assert _control(ex, text) == _canon(gaz, {("capture", "GNA", "Gharyan")})


def test_hard_wrapped_lines_are_joined_into_sentences(ex: EventExtractor, gaz: Gazetteer) -> None:
    lines = [
        "Anti-Haftar fighters from the western towns said on Friday that",
        "they had pushed into the outskirts of the town of Tarhuna, and",
        "that the troops of the eastern commander had been driven out of",
        "the nearby town of Bani Walid after a battle lasting two days and",
        "nights, according to officials speaking to reporters on Friday.",
    ]
    found = _control(ex, "\n".join(lines))
    assert ("withdraw", "LNA", gaz.lookup("Bani Walid")[0].name) in found


def test_the_frame_table_rejects_unknown_families() -> None:
    from geo.exceptions import DataFileError
    from geo.extract._lexicon import _frame

    with pytest.raises(ValueError, match="family"):
        _frame(1, {"family": "victory", "lemmas": ["win"]})
    with pytest.raises(ValueError, match="requirement"):
        _frame(1, {"family": "capture", "lemmas": ["win"], "requires": ["near:x"]})
    assert issubclass(DataFileError, ValueError)
