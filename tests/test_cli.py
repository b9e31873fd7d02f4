"""The command line, through click's CliRunner: formats, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from geo.cli import main

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_help_lists_every_stage() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for cmd in ("places", "extract", "evaluate", "gazetteer"):
        assert cmd in out


def test_python_dash_m_geo_runs_the_same_cli() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "geo", "--version"], capture_output=True, text=True, check=True
    )
    assert "frontline" in res.stdout


def test_places_csv_has_the_issue_columns() -> None:
    code, out, _ = run("places", str(SEEDS), "--published", "2020-06-06", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "doc_id",
        "mention",
        "start",
        "end",
        "place_id",
        "place_name",
        "kind",
        "lat",
        "lon",
        "score",
    ]
    names = {r["place_name"] for r in rows}
    assert {"Tripoli", "Sirte", "Tarhuna", "Bani Walid"} <= names
    assert "Okba Ibn Nafa Air Base" in names  # al-Watiya


def test_places_jsonl_offsets_point_into_the_normalised_text() -> None:
    from geo.documents import load_documents

    code, out, _ = run("places", str(SEEDS / "000_508198e75ebb65af.txt"), "--format", "jsonl")
    assert code == 0
    doc = next(load_documents([SEEDS / "000_508198e75ebb65af.txt"]))
    for line in out.splitlines():
        rec = json.loads(line)
        assert doc.text[rec["start"] : rec["end"]] == rec["mention"]


def test_extract_geojson_is_lon_lat(tmp_path: Path) -> None:
    out = tmp_path / "ev.geojson"
    code, _, _ = run(
        "extract", str(SEEDS), "--published", "2020-06-06", "--format", "geojson", "-o", str(out)
    )
    assert code == 0
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 9 < lon < 26 and 19 < lat < 34
        assert lon == f["properties"]["lon"]


def test_bad_inputs_are_one_line_each_and_good_docs_survive(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin1.txt").write_bytes(
        "GNA forces seized Sirte on Friday. Caf\xe9".encode("latin-1")
    )
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "ok", "text": "Haftar\'s forces captured Gharyan on Monday.", '
        '"published": "2019-04-06"}\n{broken\n',
        encoding="utf-8",
    )
    code, out, err = run("extract", str(tmp_path), "--format", "jsonl")
    assert code == 0
    lines = err.strip().splitlines()
    assert any("empty.txt" in x and "empty" in x for x in lines)
    assert any("binary.txt" in x and "binary" in x for x in lines)
    assert any("latin1.txt:1" in x and "UTF-8" in x for x in lines)
    assert any("feed.jsonl:2" in x and "JSON" in x for x in lines)
    events = [json.loads(x) for x in out.splitlines()]
    assert {(e["doc_id"], e["place_name"]) for e in events} >= {("ok", "Gharyan")}


def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    code, _, err = run("places", str(tmp_path / "empty.txt"))
    assert code != 0
    assert "empty.txt" in err


def test_bad_published_is_a_usage_error() -> None:
    code, _, err = run("places", str(SEEDS), "--published", "not a date")
    assert code == 2 and "not a date" in err
