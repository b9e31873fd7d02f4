"""Tests of geo.truth and ``frontline evaluate-control``: scoring the control picture against a
small documented truth of our own for the seeds' week (tests/data/seeds_control_truth.csv).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from control_cases import DATA, ROOT

from geo.cli.evaluate_control import command as evaluate_control
from geo.control import ControlHistory
from geo.documents import load_documents
from geo.exceptions import DataFileError
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import Store, ingest
from geo.truth import TruthRow, load_truth, match_place, score

TRUTH = ROOT / "tests" / "data" / "seeds_control_truth.csv"
NO_OVERRIDES = DATA / "no_overrides.csv"
HEADER = "date,place,lat,lon,accept,source\n"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("truth") / "frontline.gpkg"
    with Store(path) as store:
        docs = load_documents([ROOT / "seeds"], published=date(2020, 6, 6))
        ingest(store, docs, EventExtractor(Gazetteer.load(), Sides.load()))
    return path


def test_truth_rows_parse(sides: Sides) -> None:
    rows = load_truth(TRUTH, sides=sides.ids)
    assert len(rows) == 9
    sirte = next(r for r in rows if r.place == "Sirte")
    assert (sirte.date, sirte.accept) == (date(2020, 6, 7), ("LNA", "contested"))
    assert sirte.lat == pytest.approx(31.21) and sirte.where.endswith(":10")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2020-13-01,Sirte,31.2,16.6,LNA,x", "not an ISO date"),
        ("2020-06-01,Sirte,31.2,16.6,REBELS,x", "accept value 'REBELS'"),
        ("2020-06-01,Sirte,31.2,,LNA,x", "both lat and lon"),
        ("2020-06-01,Sirte,north,16.6,LNA,x", "lat 'north' is not a number"),
        ("2020-06-01,,31.2,16.6,LNA,x", "the place is empty"),
    ],
)
def test_bad_truth_rows_name_file_and_line(
    tmp_path: Path, sides: Sides, row: str, reason: str
) -> None:
    path = tmp_path / "truth.csv"
    path.write_text(f"{HEADER}2020-06-01,Tripoli,32.9,13.2,GNA,fine\n{row}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"truth\.csv:3: .*{reason}"):
        load_truth(path, sides=sides.ids)


def test_a_truth_file_needs_its_columns(tmp_path: Path, sides: Sides) -> None:
    path = tmp_path / "truth.csv"
    path.write_text("date,place,state\n2020-06-01,Tripoli,GNA\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"truth\.csv:1: missing column\(s\) lat, lon"):
        load_truth(path, sides=sides.ids)


def _row(place: str, lat: float | None = None, lon: float | None = None) -> TruthRow:
    return TruthRow(date(2020, 6, 7), place, lat, lon, ("GNA",), "")


def test_rows_match_the_place_they_mean(gazetteer: Gazetteer) -> None:
    tarhuna = match_place(_row("Tarhouna", 32.44, 13.63), gazetteer)
    assert tarhuna is not None and tarhuna.id == "geonames:2210221"
    # Not a gazetteer name: the place nearby whose name is most like it.
    airport = match_place(_row("Tripoli airport", 32.66, 13.16), gazetteer)
    assert airport is not None and airport.id == "ourairports:HLLT"
    assert match_place(_row("Nowhere Special", 32.66, 13.16), gazetteer) is None
    assert match_place(_row("Tarhuna", 20.0, 20.0), gazetteer) is None  # far from any Tarhuna


def test_the_seeds_history_matches_the_documented_truth(
    seed_store: Path, gazetteer: Gazetteer, sides: Sides
) -> None:
    with Store(seed_store, create=False) as store:
        history = ControlHistory.from_store(store, overrides=NO_OVERRIDES)
    result = score(history, load_truth(TRUTH, sides=sides.ids), gazetteer)
    wrong = [(r.row.place, r.row.date, r.found) for r in result.results if not r.right]
    assert wrong == [] and result.accuracy == 1.0
    tarhuna = next(r for r in result.results if r.row.place == "Tarhuna" and r.right)
    assert tarhuna.state is not None and tarhuna.state.evidence


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(evaluate_control, list(args))
    return res.exit_code, res.output


def test_evaluate_control_prints_each_row_and_the_accuracy(seed_store: Path) -> None:
    code, out = _cli(str(TRUTH), "--store", str(seed_store), "--overrides", str(NO_OVERRIDES))
    assert code == 0, out
    lines = out.splitlines()
    rows = [line for line in lines if line.startswith(("right", "WRONG"))]
    assert len(rows) == 9 and all(line.startswith("right") for line in rows)
    assert any(line.startswith("right 2020-06-07 Tarhuna") and " held " in line for line in rows)
    assert any(line.lstrip().startswith("+ GNA capture") for line in lines)  # the evidence
    assert lines[-1].startswith("accuracy 9/9 = 1.000")


def test_evaluate_control_with_an_empty_baseline(seed_store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "baseline.csv"
    empty.write_text("place_id,place_name,side,as_of,source_note\n", encoding="utf-8")
    args = [str(TRUTH), "--store", str(seed_store), "--baseline", str(empty)]
    code, out = _cli(*args, "--overrides", str(NO_OVERRIDES), "--wrong-only")
    assert code == 0, out
    # Without the baseline, Misrata and Benghazi (never reported in the seeds) are unknown.
    wrong = [line.split()[2] for line in out.splitlines() if line.startswith("WRONG")]
    assert {"Misrata", "Benghazi"} <= set(wrong)
    assert not any(line.startswith("right") for line in out.splitlines())  # --wrong-only
    right = int(out.splitlines()[-1].split()[1].split("/")[0])
    assert 0 < right < 9


def test_evaluate_control_fails_only_on_bad_input(seed_store: Path, tmp_path: Path) -> None:
    bad = tmp_path / "truth.csv"
    bad.write_text(f"{HEADER}2020-06-07,Tarhuna,32.44,13.63,NOBODY,x\n", encoding="utf-8")
    code, out = _cli(str(bad), "--store", str(seed_store))
    assert code != 0 and "truth.csv:2" in out and "NOBODY" in out
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(f"{HEADER}2020-06-07,Tarhuna,32.44,13.63,LNA,x\n", encoding="utf-8")
    code, out = _cli(str(wrong), "--store", str(seed_store), "--overrides", str(NO_OVERRIDES))
    assert code == 0 and out.splitlines()[-1].startswith("accuracy 0/1 = 0.000")
