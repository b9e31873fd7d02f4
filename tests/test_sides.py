"""The sides file and actor names in text (geo.sides)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.exceptions import SidesError
from geo.sides import DatedActor, Sides


@pytest.fixture(scope="module")
def sides() -> Sides:
    return Sides.load()


def _actors(sides: Sides, text: str, when: date | None = None) -> list[tuple[str, str | None]]:
    return [(a.text, a.side) for a in sides.find_actors(text, when=when)]


def test_packaged_sides(sides: Sides) -> None:
    assert sides.ids == ("GNA", "LNA")
    assert "ISIS" not in sides.ids and sides.is_third_party("ISIS")
    assert sides.government == "GNA"
    assert sides.theatre.country == "LY"
    (south, west), (north, east) = sides.theatre.bounds
    assert south < 32.9 < north and west < 13.2 < east  # Tripoli is on the map
    assert sides.colour("GNA") != sides.colour("LNA")
    assert sides.colour("contested") == "#888888"


def test_opponents(sides: Sides) -> None:
    assert sides.opponent("GNA") == "LNA"
    assert sides.opponent("LNA") == "GNA"
    assert sides.opponent("ISIS") is None


def test_get_unknown_side(sides: Sides) -> None:
    assert sides.get("LNA").short == "LNA"
    with pytest.raises(SidesError):
        sides.get("UNKNOWN")


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Government of National Accord troops advanced.", "GNA"),
        ("The UN-backed government said its forces advanced.", "GNA"),
        ("Forces loyal to the GNA pushed south.", "GNA"),
        ("Operation Volcano of Rage said it had gained ground.", "GNA"),
        ("Pro-GNA forces retook the town.", "GNA"),
        ("Al-Wefaq units moved.", "GNA"),
        ("The Libyan National Army denied the claim.", "LNA"),
        ("The LNA denied the claim.", "LNA"),
        ("Haftar's forces withdrew overnight.", "LNA"),
        ("Hifter's forces withdrew overnight.", "LNA"),
        ("Forces loyal to Khalifa Haftar withdrew overnight.", "LNA"),
        ("Wagner mercenaries were seen near the front.", "LNA"),
        ("Daesh militants attacked a checkpoint.", "ISIS"),
        ("Islamic State fighters attacked a checkpoint.", "ISIS"),
    ],
)
def test_aliases(sides: Sides, text: str, side: str) -> None:
    found = sides.find_actors(text)
    assert found, text
    assert found[0].side == side
    assert found[0].kind == "alias"
    assert text[found[0].start : found[0].end] == found[0].text


def test_longest_alias_wins(sides: Sides) -> None:
    (actor,) = sides.find_actors("Forces loyal to Khalifa Haftar withdrew.")
    assert actor.text == "Forces loyal to Khalifa Haftar"
    (actor,) = sides.find_actors("The eastern-based Libyan National Army said so.")
    assert actor.text == "eastern-based Libyan National Army"


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Khalifa Haftar ordered a new push.", "LNA"),
        ("Ahmed al-Mismari told reporters the town was taken.", "LNA"),
        ("Fayez al-Sarraj visited the front.", "GNA"),
        ("Interior minister Fathi Bashagha visited the front.", "GNA"),
    ],
)
def test_persons(sides: Sides, text: str, side: str) -> None:
    (actor,) = sides.find_actors(text)
    assert (actor.side, actor.kind) == (side, "person")


def test_acronyms_only_in_capitals(sides: Sides) -> None:
    text = "IS claimed the attack, which is the third this week; the gna is silent."
    found = _actors(sides, text)
    assert found == [("IS", "ISIS")]


def test_acronym_gna_and_lna_in_capitals(sides: Sides) -> None:
    assert _actors(sides, "The GNA and the LNA traded blame.") == [("GNA", "GNA"), ("LNA", "LNA")]
    assert _actors(sides, "The lna and gna traded blame.") == []


def test_plain_words_are_not_actors(sides: Sides) -> None:
    assert sides.find_actors("It is what it is, the residents said of the isis flowers.") == []


@pytest.mark.parametrize(
    ("when", "side"),
    [
        (date(2015, 3, 1), "LNA"),
        (date(2016, 3, 29), "LNA"),
        (date(2016, 3, 30), "GNA"),
        (date(2020, 6, 6), "GNA"),
        (None, "GNA"),
    ],
)
def test_dated_alias(sides: Sides, when: date | None, side: str) -> None:
    text = "The internationally recognised government said its troops held the port."
    (actor,) = sides.find_actors(text, when=when)
    assert actor.kind == "dated"
    assert actor.side == side


def test_dated_alias_spelling_variants(sides: Sides) -> None:
    for text in (
        "the internationally recognized government",
        "the internationally-recognised government",
        "the UN-recognised government",
    ):
        (actor,) = sides.find_actors(text, when=date(2015, 1, 1))
        assert actor.side == "LNA", text


def test_dated_actor_periods() -> None:
    actor = DatedActor(
        "x", (), ((None, date(2016, 3, 30), "LNA"), (date(2016, 3, 30), None, "GNA"))
    )
    assert actor.side_on(date(2014, 1, 1)) == "LNA"
    assert actor.side_on(date(2016, 3, 30)) == "GNA"
    assert actor.side_on(None) == "GNA"
    gap = DatedActor("y", (), ((date(2019, 1, 1), date(2019, 2, 1), "LNA"),))
    assert gap.side_on(date(2020, 1, 1)) is None


def test_ambiguous_actor_has_no_side_until_judged(sides: Sides) -> None:
    (actor,) = sides.find_actors("The Libyan army said it liberated the town.")
    assert actor.side is None
    assert actor.kind == "ambiguous"
    assert actor.ambiguous is not None
    assert actor.ambiguous.alias == "Libyan army"
    assert actor.ambiguous.outlets.get("Anadolu") == "GNA"


def test_libyan_army_is_not_libyan_national_army(sides: Sides) -> None:
    (actor,) = sides.find_actors("Libyan National Army units advanced.")
    assert actor.side == "LNA"


def test_masks_and_persons(sides: Sides) -> None:
    assert "Libyan National Army" in sides.masks
    assert "Libyan army" in sides.masks
    assert "Khalifa Haftar" in sides.persons
    assert "Libyan National Army" not in sides.persons


def test_several_actors_in_order(sides: Sides) -> None:
    text = "GNA forces said Haftar's militias shelled the town while Wagner men dug in."
    found = sides.find_actors(text)
    assert [a.side for a in found] == ["GNA", "LNA", "LNA"]
    assert [a.start for a in found] == sorted(a.start for a in found)
    for a in found:
        assert text[a.start : a.end] == a.text


# -- files -----------------------------------------------------------------------------------
def test_missing_sides_file(tmp_path: Path) -> None:
    with pytest.raises(SidesError):
        Sides.load(tmp_path / "none.toml")


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[[side]\nid = 'A'", encoding="utf-8")
    with pytest.raises(SidesError, match="TOML"):
        Sides.load(path)


def test_side_needs_colour(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[[side]]\nid = 'A'\n", encoding="utf-8")
    with pytest.raises(SidesError):
        Sides.load(path)


def test_ambiguous_with_unknown_side(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "[[side]]\nid='A'\ncolour='#000'\n[[side]]\nid='B'\ncolour='#fff'\n"
        "[[ambiguous]]\nalias='the army'\noutlets={X='C'}\n",
        encoding="utf-8",
    )
    with pytest.raises(SidesError, match="unknown side"):
        Sides.load(path)


def test_small_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "[theatre]\nname='Test'\ncountry='LY'\n"
        "[[side]]\nid='RED'\ncolour='#f00'\naliases=['Red Brigade']\npersons=['Omar Red']\n"
        "[[side]]\nid='BLUE'\ncolour='#00f'\naliases=['Blue Front']\n",
        encoding="utf-8",
    )
    s = Sides.load(path)
    assert s.ids == ("RED", "BLUE")
    assert s.opponent("RED") == "BLUE"
    assert _actors(s, "The Red Brigade and Omar Red met the Blue Front.") == [
        ("Red Brigade", "RED"),
        ("Omar Red", "RED"),
        ("Blue Front", "BLUE"),
    ]


def test_declared_opponents_and_third_parties(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "[[side]]\nid='RED'\ncolour='#f00'\nopponents=['BLUE', 'GREEN']\n"
        "[[side]]\nid='BLUE'\ncolour='#00f'\n"
        "[[side]]\nid='GREEN'\ncolour='#0f0'\nopponents=['RED']\n"
        "[[third_party]]\nid='GREY'\ncolour='#999'\naliases=['Grey Legion']\n",
        encoding="utf-8",
    )
    s = Sides.load(path)
    assert s.ids == ("RED", "BLUE", "GREEN") and s.third_party_ids == ("GREY",)
    assert s.opponents("RED") == ("BLUE", "GREEN")
    assert s.opponent("RED") is None  # two declared rivals: none is *the* opponent
    assert s.opponent("BLUE") == "RED"  # declared on one side, mutual
    assert s.opponent("GREEN") == "RED"
    assert s.opponents("GREY") == () and s.opponents("NOBODY") == ()
    assert s.is_third_party("GREY") and not s.is_third_party("RED")
    assert s.get("GREY").third_party and s.colour("GREY") == "#999"
    assert _actors(s, "The Grey Legion withdrew.") == [("Grey Legion", "GREY")]
    assert "Grey Legion" in s.masks
    assert s.government == "RED"  # the first side unless declared


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[side]]\nid='A'\ncolour='#f00'\nopponents=['Z']\n", "unknown opponent"),
        ("[[side]]\nid='A'\ncolour='#f00'\n[[third_party]]\nid='A'\ncolour='#0f0'\n", "repeat"),
        ("government='B'\n[[side]]\nid='A'\ncolour='#f00'\n", "not a side id"),
    ],
)
def test_bad_side_declarations(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SidesError, match=message):
        Sides.load(path)


@pytest.mark.parametrize(
    ("text", "day", "side"),
    [
        # Before the GNA reached Tripoli, "government forces" were the Tobruk government's.
        ("Pro-government fighters retook the port.", date(2015, 3, 1), "LNA"),
        ("Government troops retook the port.", date(2020, 6, 5), "GNA"),
        ("Government soldiers retook the port.", None, "GNA"),  # undated: the latest meaning
        ("The Kaniyat militia shelled the road.", date(2018, 9, 1), "KANIYAT"),
        ("Al-Kaniyat fighters shelled the road.", date(2019, 9, 1), "LNA"),
        ("The House of Representatives met in Tobruk.", date(2019, 9, 1), "LNA"),
        ("The PFG pulled out of the port.", date(2016, 9, 11), "PFG"),
    ],
)
def test_names_of_the_2014_2021_war_by_date(
    sides: Sides, text: str, day: date | None, side: str
) -> None:
    (actor,) = sides.find_actors(text, when=day)
    assert actor.side == side


def test_a_third_party_that_holds_no_ground(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "[[side]]\nid='RED'\ncolour='#f00'\nopponents=['BLUE']\n"
        "[[side]]\nid='BLUE'\ncolour='#00f'\n"
        "[[third_party]]\nid='SKY'\ncolour='#999'\nholds_ground=false\n"
        "[[third_party]]\nid='GREY'\ncolour='#888'\n",
        encoding="utf-8",
    )
    s = Sides.load(path)
    assert s.get("SKY").holds_ground is False and s.get("GREY").holds_ground is True
    assert s.get("RED").holds_ground is True  # the default
    assert s.third_party_ids == ("SKY", "GREY") and s.ground_third_parties == ("GREY",)


@pytest.mark.parametrize("value", ["'false'", "0", "'no'"])
def test_holds_ground_must_be_a_toml_boolean(tmp_path: Path, value: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        "[[side]]\nid='RED'\ncolour='#f00'\n"
        f"[[third_party]]\nid='SKY'\ncolour='#999'\nholds_ground={value}\n",
        encoding="utf-8",
    )
    with pytest.raises(SidesError, match="'SKY': holds_ground must be true or false"):
        Sides.load(path)
