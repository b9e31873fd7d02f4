"""Tests for geo.evaluate and the `frontline evaluate` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.evaluate import Labelled, from_record, read_gold, read_predictions, score
from geo.exceptions import DataFileError

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def _l(
    kind: str = "capture",
    side: str = "GNA",
    lat: float = 32.0,
    lon: float = 13.0,
    date: str = "2020-06-05",
    article: str = "a",
) -> Labelled:
    return Labelled(article, kind, side, lat, lon, date)


def test_exact_match_counts_true_positive() -> None:
    result = score([_l()], [_l()])
    assert result.kinds["capture"].tp == 1
    assert result.total.f1 == 1.0


def test_place_beyond_tolerance_is_miss_and_extra() -> None:
    result = score([_l()], [_l(lat=32.3)])  # about 33 km north
    assert result.total.tp == 0
    assert result.total.fn == 1 and result.total.fp == 1


def test_side_and_kind_must_agree() -> None:
    assert score([_l()], [_l(side="LNA")]).total.tp == 0
    assert score([_l()], [_l(kind="withdraw")]).total.tp == 0


def test_date_compared_at_gold_precision() -> None:
    month_gold = score([_l(date="2020-06")], [_l(date="2020-06-05")])
    assert month_gold.total.date_accuracy == 1.0
    coarse_pred = score([_l(date="2020-06-05")], [_l(date="2020-06")])
    assert coarse_pred.total.tp == 1 and coarse_pred.total.date_accuracy == 0.0


def test_matching_is_one_to_one() -> None:
    result = score([_l()], [_l(), _l()])
    assert result.total.tp == 1 and result.total.fp == 1


def test_activity_kinds_are_not_scored() -> None:
    result = score([_l()], [_l(), _l(kind="strike")])
    assert result.total.fp == 0


def test_read_gold_reports_bad_row_with_line(tmp_path: Path) -> None:
    bad = tmp_path / "gold.csv"
    bad.write_text(
        "article_id,place,place_canonical,lat,lon,event,side,date,date_precision,quote\n"
        "a,X,X,not-a-number,13,capture,GNA,2020,year,q\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"gold\.csv:2"):
        read_gold(bad)


def test_read_predictions_names_line(tmp_path: Path) -> None:
    pred = tmp_path / "p.jsonl"
    pred.write_text(
        '{"doc_id": "a", "kind": "capture", "side": "GNA", "lat": 1, "lon": 2}\n{oops\n'
    )
    with pytest.raises(DataFileError, match=r"p\.jsonl:2"):
        read_predictions(pred)


def test_seed_gold_is_reproduced() -> None:
    """Issue 3's bar: every gold row of the seeds, and no extra capture or withdraw."""
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", str(DATA / "gold_events.csv"), str(ROOT / "seeds")])
    assert result.exit_code == 0, result.output
    assert "missed:" not in result.output
    extra = [line for line in result.output.splitlines() if line.startswith("extra:")]
    assert not [e for e in extra if " capture " in e or " withdraw " in e], extra


def test_evaluate_reads_extract_output(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "events.jsonl"
    res = runner.invoke(
        main, ["-q", "extract", str(ROOT / "seeds"), "--published", "2020-06-06", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) >= {"doc_id", "kind", "side", "lat", "lon", "date", "quote"}
    res = runner.invoke(main, ["evaluate", str(DATA / "gold_events.csv"), str(out)])
    assert res.exit_code == 0
    total = next(line for line in res.output.splitlines() if line.startswith("all"))
    assert total.split()[3] == "20"  # true positives


def test_gold_rows_without_coordinates_match_by_place_name(tmp_path: Path) -> None:
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "article_id,place,place_canonical,lat,lon,event,side,date,date_precision,quote\n"
        "a,its eastern gate,Sirte eastern gate,,,capture,GNA,2020-06,month,q\n"
        "a,Sirte,Sirte,31.2,16.6,capture,GNA,2020-06,month,q\n",
        encoding="utf-8",
    )
    rows = read_gold(gold)
    assert [r.located for r in rows] == [False, True]

    def pred(place: str, lat: float, lon: float) -> Labelled:
        record = {"doc_id": "a", "kind": "capture", "side": "GNA", "lat": lat, "lon": lon}
        return from_record({**record, "date": "2020-06-04", "place": place, "place_name": ""})

    result = score(rows, [pred("its eastern gate", 10.0, 10.0), pred("Sirte", 31.21, 16.59)])
    assert (result.total.tp, result.total.fp, result.total.fn) == (2, 0, 0)
    # A prediction elsewhere with another name does not match the unlocated row.
    other = pred("Brega", 10.0, 10.0)
    assert score(rows[:1], [other]).total.tp == 0
