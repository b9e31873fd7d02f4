"""One automaton over name skeletons (geo._matcher) and the word cutter (geo._normalise)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo._matcher import Hit, NameMatcher, NameSpec
from geo._normalise import default_transliteration, split_words

T = default_transliteration()
NAMES = [
    NameSpec("Qarnadah", "place", "p:qarnadah"),
    NameSpec("Qasr al-Dhahira", "place", "p:qasr"),
    NameSpec("Bir Sabkha", "place", "p:bir"),
    NameSpec("Abu Tirfas", "place", "p:abu"),
    NameSpec("Zawra", "place", "p:zawra"),
    NameSpec("Qarnadah International Airport", "place", "p:airport"),
    NameSpec("QIA", "place", "p:airport", acronym=True),
    NameSpec("Zawra Radio", "not_place", "media"),
]


def _matcher() -> NameMatcher:
    return NameMatcher.build(T, NAMES)


def _found(text: str) -> list[tuple[str, str, bool]]:
    _, _, hits = _matcher().scan(text)
    return sorted((text[h.start : h.end], h.ids[0], h.exact) for h in hits)


def test_words_keep_the_length_of_the_text() -> None:
    text = "Shells hit al-Qarnadah, then Bir Sabkha's edge (again).\nNothing else."
    words = split_words(text)
    assert len(" ".join(words)) == len(text)
    assert "al" in words and "Qarnadah" in words


def test_offsets_point_into_the_original() -> None:
    text = "Convoys left Qarnadah’s outskirts for Bir  Sabkha."
    for h in _matcher().scan(text)[2]:
        assert text[h.start : h.end] in ("Qarnadah", "Bir  Sabkha") or h.kind != "place"


def test_exact_and_new_spellings() -> None:
    found = _found("Fighting reached Garnada and Bir Sebkha.")
    assert ("Garnada", "p:qarnadah", True) in found  # same mid key: q/g, -ah/-a
    assert ("Bir Sebkha", "p:bir", False) in found  # same skeleton, vowels differ


def test_article_inside_a_name_may_be_written_or_not() -> None:
    assert ("Qasr Dhahira", "p:qasr", True) in _found("They took Qasr Dhahira.")
    assert ("Qasr al-Zahira", "p:qasr", True) in _found("They took Qasr al-Zahira.")
    assert ("Qasr el Dhahira", "p:qasr", True) in _found("They took Qasr el Dhahira.")


def test_punctuation_is_not_an_article() -> None:
    assert not [f for f in _found("He named Qasr, Dhahira and others.") if f[1] == "p:qasr"]


def test_fused_article_and_particle() -> None:
    # Found, but never exact: a fused spelling is also an English word's ("Assert").
    found = _found("Reports from AlQarnadah and from Abutirfas.")
    assert ("AlQarnadah", "p:qarnadah", False) in found
    assert ("Abutirfas", "p:abu", False) in found


def test_lower_case_words_are_no_names() -> None:
    assert _found("the zawra of the valley") == []


def test_acronym_matches_only_in_capitals() -> None:
    assert ("QIA", "p:airport", True) in _found("Flights left QIA at dawn.")
    assert not [f for f in _found("Flights left Qia at dawn.") if f[0] == "Qia"]


def test_overlaps_are_all_reported() -> None:
    found = _found("Shelling closed Qarnadah International Airport.")
    assert ("Qarnadah", "p:qarnadah", True) in found
    assert ("Qarnadah International Airport", "p:airport", True) in found


def test_other_kinds_come_with_their_kind() -> None:
    _, _, hits = _matcher().scan("Zawra Radio reported it.")
    assert {h.kind for h in hits} == {"place", "not_place"}


def test_dumps_and_loads_round_trip() -> None:
    m = _matcher()
    again = NameMatcher.loads(m.dumps(), T)
    text = "Fighting reached Garnada and Bir Sebkha."
    assert again.scan(text)[2] == m.scan(text)[2]
    assert len(again) == len(m)


def test_words_without_any_hit_cost_no_offsets() -> None:
    words, starts, hits = _matcher().scan("Nothing to see here at all.")
    assert hits == [] and starts == [] and words


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Qarnd ahBiSbk-,.'’\nAlzw")), max_size=60))
def test_any_text_gives_spans_inside_it(text: str) -> None:
    for h in _matcher().scan(text)[2]:
        assert isinstance(h, Hit)
        assert 0 <= h.start <= h.end <= len(text)
        assert text[h.start : h.end].strip() == text[h.start : h.end]
