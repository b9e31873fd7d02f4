"""Sentence splitting with offsets (geo._sentences)."""

from __future__ import annotations

import pytest

from geo._sentences import split_sentences


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_plain_sentences() -> None:
    text = "GNA forces entered Gharyan. The LNA fell back to Jufra! Was Sirte next?"
    assert _split(text) == [
        "GNA forces entered Gharyan.",
        "The LNA fell back to Jufra!",
        "Was Sirte next?",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Gen. Osama Juwaili said the push began at dawn. Columns moved south.",
            ["Gen. Osama Juwaili said the push began at dawn.", "Columns moved south."],
        ),
        (
            "The U.N. envoy briefed Lt. Col. Nasser in Tripoli. He left for Tunis.",
            ["The U.N. envoy briefed Lt. Col. Nasser in Tripoli.", "He left for Tunis."],
        ),
        (
            "Brig. Gen. Ahmed al-Mismari spoke in Benghazi. Reporters asked about Sirte.",
            ["Brig. Gen. Ahmed al-Mismari spoke in Benghazi.", "Reporters asked about Sirte."],
        ),
        (
            "The U.S. Africa Command confirmed a strike near Sabha. No losses were given.",
            ["The U.S. Africa Command confirmed a strike near Sabha.", "No losses were given."],
        ),
        (
            "Mr. Bashagha visited Misrata. Dr. Salem treated the wounded.",
            ["Mr. Bashagha visited Misrata.", "Dr. Salem treated the wounded."],
        ),
    ],
)
def test_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_lines_are_always_boundaries() -> None:
    text = "Fighters in Ain Zara\nGNA forces took Tarhuna. They moved on\n\nPhoto: AFP"
    assert _split(text) == [
        "Fighters in Ain Zara",
        "GNA forces took Tarhuna.",
        "They moved on",
        "Photo: AFP",
    ]


def test_windows_line_endings_are_stripped() -> None:
    assert _split("Title line\r\nBody line.\r\n") == ["Title line", "Body line."]


def test_quote_closing_after_full_stop_stays_with_its_sentence() -> None:
    text = 'A commander said: "We have entered Tarhuna." The LNA denied it.'
    assert _split(text) == ['A commander said: "We have entered Tarhuna."', "The LNA denied it."]


def test_curly_quotes() -> None:
    text = "“Our forces control Sirte.” Residents reported calm."
    assert _split(text) == ["“Our forces control Sirte.”", "Residents reported calm."]


def test_sentence_may_start_with_a_quote() -> None:
    text = 'Haftar\'s forces withdrew. "They fled at night," a resident said.'
    assert _split(text) == ["Haftar's forces withdrew.", '"They fled at night," a resident said.']


def test_arabic_sentences() -> None:
    text = "تقدمت القوات نحو سرت. ثم انسحبت من ترهونة."
    assert _split(text) == ["تقدمت القوات نحو سرت.", "ثم انسحبت من ترهونة."]


def test_decimal_numbers_do_not_split() -> None:
    text = "Output at Sharara fell to 0.5 million barrels. Engineers left."
    assert _split(text) == ["Output at Sharara fell to 0.5 million barrels.", "Engineers left."]


def test_spans_are_stripped_and_ordered() -> None:
    text = "   GNA forces advanced.    The LNA fled.   \n   "
    spans = split_sentences(text)
    assert spans == sorted(spans)
    for s, e in spans:
        assert not text[s].isspace() and not text[e - 1].isspace()
    assert _split(text) == ["GNA forces advanced.", "The LNA fled."]


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


def test_sentence_ending_in_a_single_digit() -> None:
    text = "The death toll in Tarhuna rose to 7. The LNA withdrew from Gharyan."
    assert _split(text) == [
        "The death toll in Tarhuna rose to 7.",
        "The LNA withdrew from Gharyan.",
    ]
