"""Tests of geo._render_names: the names news uses, the baseline's names, places' weights."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo._render_names import baseline_names, importance, news_names


@dataclass
class Mention:
    place: str
    place_id: str


def test_the_most_frequent_name_wins_and_non_names_never_do() -> None:
    mentions = [
        Mention("Misrata", "m"),
        Mention("Misrata", "m"),
        Mention("Misratah", "m"),
        Mention("the city", "m"),
        Mention("the city", "m"),
        Mention("the city", "m"),
        Mention("al-Washka", "w"),
        Mention("Its airport", "a"),
    ]
    assert news_names(mentions) == {"m": "Misrata", "w": "al-Washka"}


def test_ties_go_to_the_shorter_name() -> None:
    mentions = [Mention("Wadi Wishka", "w"), Mention("al-Washka", "w")]
    assert news_names(mentions) == {"w": "al-Washka"}


def test_baseline_names_read_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "baseline.csv"
    path.write_text(
        "place_id,place_name,side,as_of,source_note\n"
        "x:1, Town  A ,A,2020-01-01,\n"
        "x:2,,B,2020-01-01,\n",
        encoding="utf-8",
    )
    assert baseline_names(path) == {"x:1": "Town A"}
    assert baseline_names(tmp_path / "missing.csv") == {}


@dataclass
class Place:
    importance: float


class Gazetteer:
    def __contains__(self, place_id: object) -> bool:
        return place_id == "big"

    def get(self, place_id: str) -> Place:
        return Place(0.9)


def test_importance_of_known_places_only() -> None:
    assert importance(Gazetteer(), ["big", "unknown"]) == {"big": 0.9}
