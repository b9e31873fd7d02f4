"""Scoring place mentions against gold mentions (geo.evaluate_places, frontline evaluate-places)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.evaluate_places import (
    GoldMention,
    PredictedMention,
    read_gold_places,
    score_places,
    surface_key,
)
from geo.exceptions import DataFileError

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "devcorpus" / "libya-2011"

GOLD = [
    GoldMention("a1", "Tripoli", "Tripoli", 32.89, 13.19),
    GoldMention("a1", "TRIPOLI", "Tripoli", 32.89, 13.19),
    GoldMention("a1", "Sirte", "Sirte", 31.21, 16.59),
    GoldMention("a2", "Kalarim", "Kalarim", None, None),
]


def test_strings_match_per_article_as_sets() -> None:
    preds = [
        PredictedMention("a1", "Tripoli", 32.88, 13.18),
        PredictedMention("a1", "Tripoli", 32.88, 13.18),  # repeated: one string
        PredictedMention("a1", "Misrata", 32.37, 15.09),  # not gold: extra
        PredictedMention("a2", "Sirte", 31.21, 16.59),  # gold of another article: extra
    ]
    result = score_places(GOLD, preds)
    assert (result.tp, result.fp, result.fn) == (1, 2, 3)
    assert result.precision == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 4)
    assert ("a1", "TRIPOLI") in result.missed
    assert ("a1", "Misrata") in result.spurious


def test_case_counts_and_white_space_does_not() -> None:
    preds = [PredictedMention("a1", "TRIPOLI", 0, 0), PredictedMention("a1", "tripoli", 0, 0)]
    result = score_places(GOLD, preds)
    assert result.tp == 1 and result.fp == 1
    assert surface_key(" Bani \n Walid ") == "Bani Walid"


def test_placed_share_uses_the_gold_coordinates() -> None:
    preds = [
        PredictedMention("a1", "Tripoli", 32.88, 13.18),
        PredictedMention("a1", "Sirte", 30.0, 19.0),  # far off: matched but misplaced
        PredictedMention("a2", "Kalarim", 32.1, 15.1),  # no gold coordinates: not placeable
    ]
    result = score_places(GOLD, preds)
    assert (result.placed, result.placeable) == (1, 2)


def test_nothing_predicted_scores_zero_not_an_error() -> None:
    result = score_places(GOLD, [])
    assert result.precision == 0.0 and result.recall == 0.0 and result.f1 == 0.0


def test_bad_gold_row_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_text("article_id,mention,place_canonical,lat,lon\na1,Sirte,Sirte,north,16\n")
    with pytest.raises(DataFileError, match=r"gold.csv:2"):
        read_gold_places(path)


def test_cli_scores_articles(tmp_path: Path) -> None:
    (tmp_path / "a1.txt").write_text("Fighting went on in Sirte and Misrata on Monday.\n")
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "article_id,mention,place_canonical,lat,lon\na1,Sirte,Sirte,31.21,16.59\n"
        "a1,Zliten,Zliten,32.47,14.57\n"
    )
    res = CliRunner().invoke(main, ["evaluate-places", str(gold), str(tmp_path / "a1.txt")])
    assert res.exit_code == 0, res.output
    assert "missed: a1 Zliten" in res.output
    assert "extra: a1 Misrata" in res.output
    header, values = res.output.splitlines()[:2]
    assert header.split()[:3] == ["gold", "predicted", "tp"]
    assert values.split()[:3] == ["2", "2", "1"]


def test_cli_checks_the_examples(tmp_path: Path) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text("article_id,mention,place_canonical,lat,lon\n")
    (tmp_path / "a1.txt").write_text("Nothing here.\n")
    examples = tmp_path / "ex.jsonl"
    lines = [
        {
            "id": "x1",
            "text": "Units entered Zleitin on Monday.",
            "expect": [{"place": "Zliten", "lat": 32.47, "lon": 14.57}],
        },
        {
            "id": "x2",
            "text": "Nothing named here.",
            "expect": [{"place": "Sirte", "lat": 31.21, "lon": 16.59}],
        },
    ]
    examples.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    res = CliRunner().invoke(
        main, ["evaluate-places", str(gold), str(tmp_path / "a1.txt"), "--examples", str(examples)]
    )
    assert res.exit_code == 0, res.output
    assert "not found: x2 Sirte" in res.output
    assert "examples: 1/2 expected places found" in res.output


@pytest.mark.skipif(not DEV.is_dir(), reason="the 2011 dev corpus is not available")
def test_dev_corpus_place_mentions() -> None:
    res = CliRunner().invoke(
        main,
        [
            "evaluate-places",
            str(DEV / "gold_places.csv"),
            str(DEV / "articles"),
            "--theatre",
            "libya-2011",
            "--no-show-errors",
        ],
    )
    assert res.exit_code == 0, res.output
    values = res.output.splitlines()[1].split()
    precision, recall = float(values[3]), float(values[4])
    assert recall >= 0.93 and precision >= 0.97, res.output
