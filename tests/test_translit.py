"""Transliteration keys from per-script tables (geo._translit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo._normalise import default_transliteration
from geo._translit import Transliteration, load_transliteration
from geo.exceptions import DataFileError

T = default_transliteration()


def _skel(word: str) -> str:
    return T.word(word).skeleton.lower()


def _mid(word: str) -> str:
    return T.word(word).mid


# Invented names, spelt the ways transliterations differ. Each group shares one skeleton.
@pytest.mark.parametrize(
    "spellings",
    [
        ["Qarnadah", "Garnada", "Karnadah"],  # qaf written q, g or k
        ["Bir Sebkha", "Bir Sabkha"],  # e/a vowels
        ["Dhahirah", "Zahira", "Dhaheera"],  # dh/z, ee/i, -ah/-a
        ["Djebbana", "Jabana", "Jebbanah"],  # dj/j, doubled letters
        ["Wadi Tourgha", "Wadi Turgha", "Ouadi Tourgha"],  # ou/u, w/ou
        ["Yefrazin", "Yafrazin", "Iafrazin"],  # y/i before a vowel
        ["Zuwaytin", "Zouaitin", "Zwaitin", "Zuwaitin"],  # semivowels
        ["Sharqiyah", "Sharqiya", "Charqiya", "Shergiya"],  # sh/ch, -iyah/-iya
        ["Mellaha", "Mallaha", "Mallahah"],  # doubled letters and endings
    ],
)
def test_spellings_share_a_skeleton(spellings: list[str]) -> None:
    assert len({" ".join(_skel(w) for w in s.split()) for s in spellings}) == 1, [
        (s, [_skel(w) for w in s.split()]) for s in spellings
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tarhouna", "Tarhuna"),
        ("Zleitin", "Zlitin"),
        ("Ghadames", "Ghadamis"),
        ("Qatron", "Gatrun"),
    ],
)
def test_one_sound_one_symbol_gives_one_mid(a: str, b: str) -> None:
    assert _mid(a) == _mid(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Sirte", "Sort"), ("Misrata", "Mistral"), ("Zawiya", "Zawra"), ("Hun", "Hin")],
)
def test_different_names_keep_different_mids(a: str, b: str) -> None:
    assert _mid(a) != _mid(b)


def test_case_of_the_first_letter_is_kept_in_the_skeleton() -> None:
    assert T.word("Garnada").skeleton[0].isupper()
    assert T.word("garnada").skeleton[0].islower()
    assert T.word("GARNADA").skeleton == T.word("Garnada").skeleton


def test_possessive_and_quotes_are_not_part_of_the_word() -> None:
    assert T.word("Garnada's").mid == T.word("Garnada").mid
    assert T.word("'Garnada'").mid == T.word("Garnada").mid


def test_arabic_script_meets_the_latin_skeleton() -> None:
    # An invented village known only in Arabic script: قرناطة (Qarnata).
    assert T.word("قرناطة").skeleton.lower() == _skel("Qarnata")
    assert T.word("القرناطة").mid == T.word("قرناطه").mid  # article and taa marbuta fold


def test_arabic_semivowels() -> None:
    assert T.word("زوارة").skeleton.lower() == _skel("Zuwara")  # w before a long vowel
    assert T.word("ترهونة").skeleton.lower() == _skel("Tarhuna")  # w as a vowel


def test_without_tables_only_case_and_diacritics_fold(tmp_path: Path) -> None:
    plain = Transliteration()
    assert plain.word("Ṣabrātah").mid == "sabratah"
    assert plain.word("Qarnada").mid != plain.word("Garnada").mid


def test_table_of_unknown_script_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "xx.toml"
    path.write_text('script = "Cyrl"\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown script"):
        load_transliteration([path])


def test_malformed_pairs_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "xx.toml"
    path.write_text('script = "Latn"\n[sounds]\ndigraphs = ["kh"]\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="pairs"):
        load_transliteration([path])


def test_digest_follows_the_tables(tmp_path: Path) -> None:
    a = tmp_path / "a.toml"
    a.write_text('script = "Latn"\n', encoding="utf-8")
    first = load_transliteration([a]).digest
    a.write_text('script = "Latn"\n[sounds]\nletters = [["q", "k"]]\n', encoding="utf-8")
    assert load_transliteration([a]).digest != first
