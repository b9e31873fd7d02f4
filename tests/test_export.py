"""Tests of geo.export and the ``export`` / ``control`` commands: RFC 7946 GeoJSON, the ACLED
changes CSV, GeoPackage layers and start/end on time-varying features."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LinearRing, Point, Polygon, shape

from geo.cli.control import command as control_command
from geo.cli.export import command as export_command
from geo.control import ControlChange, ControlHistory, SourceRef
from geo.dates import FuzzyDate
from geo.documents import load_documents
from geo.export import ACLED_COLUMNS, acled_rows, layer, rfc7946_problems, to_geojson
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import Store, ingest

ROOT = Path(__file__).parent.parent
NO_OVERRIDES = Path(__file__).parent / "data" / "store" / "no_overrides.csv"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "frontline.gpkg"
    with Store(path) as store:
        docs = load_documents([ROOT / "seeds"], published=date(2020, 6, 6))
        ingest(store, docs, EventExtractor(Gazetteer.load(), Sides.load()))
    return path


@pytest.fixture(scope="module")
def seed_history(seed_store: Path) -> ControlHistory:
    with Store(seed_store, create=False) as store:
        return ControlHistory.from_store(store, overrides=NO_OVERRIDES)


def run(store: Path, *args: str) -> str:
    result = CliRunner().invoke(export_command, [*args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.stdout


def independent_rfc7946_check(obj: dict[str, Any]) -> None:
    """The RFC rules, checked with shapely rather than with the exporter's own validator."""
    assert "crs" not in obj and obj["type"] == "FeatureCollection"
    for feat in obj["features"]:
        assert "crs" not in feat
        geom = feat["geometry"]
        polys = {"Polygon": [geom["coordinates"]], "MultiPolygon": geom["coordinates"]}
        for poly in polys.get(geom["type"], []):
            assert LinearRing(poly[0]).is_ccw, "exterior ring must be counter-clockwise"
            assert all(not LinearRing(hole).is_ccw for hole in poly[1:])
        minx, miny, maxx, maxy = shape(geom).bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        # Libya: (lon, lat) order puts x east of 9 and y between 19 and 34.
        assert minx > 9 and maxx < 26 and miny > 19 and maxy < 34


@pytest.mark.parametrize("what", ["events", "changes", "control", "zones", "frontline"])
def test_geojson_export_is_rfc7946(seed_store: Path, what: str) -> None:
    obj = json.loads(run(seed_store, "--what", what, "--date", "2020-06-07", "--format", "geojson"))
    assert obj["features"], what
    assert rfc7946_problems(obj) == []
    independent_rfc7946_check(obj)


def test_time_varying_features_carry_start_and_end(seed_store: Path) -> None:
    out = run(seed_store, "--what", "zones", "--from", "2020-06-01", "--to", "2020-06-07")
    feats = json.loads(out)["features"]
    spans = sorted({(f["properties"]["start"], f["properties"]["end"]) for f in feats})
    assert spans[0][0] <= "2020-06-01" and spans[-1] == ("2020-06-06", None)  # open end
    for start, end in spans[:-1]:
        assert end is not None
        assert date.fromisoformat(start) < date.fromisoformat(end)
    assert len(spans) >= 3  # the airport/Tarhuna and Bani Walid changes cut the range
    changes = json.loads(run(seed_store, "--what", "changes"))["features"]
    tarhuna = next(
        f["properties"]
        for f in changes
        if f["properties"]["place_name"] == "Tarhuna" and f["properties"]["kind"] == "capture"
    )
    assert (tarhuna["start"], tarhuna["end"]) == ("2020-06-05", None)
    events = json.loads(run(seed_store, "--what", "events", "--date", "2020-06-05"))["features"]
    month = next(f["properties"] for f in events if f["properties"]["date"] == "2020-06")
    assert (month["start"], month["end"]) == ("2020-06-01", "2020-07-01")
    assert isinstance(month["quote_start"], int)


def test_validator_catches_violations() -> None:
    cw = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    bad = {
        "type": "FeatureCollection",
        "crs": {"type": "name"},
        "features": [
            {"type": "Feature", "properties": {}, "geometry": cw},
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Point", "coordinates": [32.9, 200]},
            },
        ],
    }
    problems = rfc7946_problems(bad)
    assert any("crs" in p for p in problems)
    assert any("winding" in p for p in problems)
    assert any("in range" in p for p in problems)


_ring = st.lists(
    st.tuples(st.floats(9, 25), st.floats(19, 33)), min_size=3, max_size=8, unique=True
)


@settings(deadline=None)  # no timing asserts: a busy machine is not a failure
@given(_ring, st.booleans())
def test_any_polygon_is_written_counter_clockwise(
    points: list[tuple[float, float]], flip: bool
) -> None:
    poly = Polygon(points[::-1] if flip else points).buffer(0)
    if poly.is_empty or poly.area < 1e-6:
        return
    import geopandas as gpd

    obj = to_geojson(gpd.GeoDataFrame({"side": ["GNA"]}, geometry=[poly], crs="EPSG:4326"))
    assert rfc7946_problems(obj) == []


def _change(kind: str, side: str, dates: tuple[str, ...] = ("2020-06-05",)) -> ControlChange:
    refs = tuple(
        SourceRef(f"d{i}", "Reuters", "", "q", d, kind, side, 0.8) for i, d in enumerate(dates)
    )
    fd = FuzzyDate.parse(dates[0])
    return ControlChange(
        "geonames:2210221",
        "Tarhuna",
        32.435,
        13.633,
        kind,
        side,
        fd,
        fd.last,
        fd.precision != "day",
        refs,
    )


def test_acled_sub_event_type_follows_the_government_side() -> None:
    sides = Sides.load()
    rows = acled_rows(
        [
            _change("capture", "GNA"),
            _change("capture", "LNA"),
            _change("capture", "GNA", ("2020-06-05", "2020-06-04")),
            _change("withdraw", "LNA", ("2020-06",)),
        ],
        sides,
        Gazetteer.load(),
    )
    assert rows[0]["sub_event_type"] == "Government regains territory"  # first side in the file
    assert rows[1]["sub_event_type"] == "Non-state actor overtakes territory"
    assert rows[0]["actor1"] == sides.get("GNA").name
    assert [r["time_precision"] for r in rows] == [1, 1, 2, 3]
    assert rows[0]["geo_precision"] == 1 and rows[0]["source"] == "Reuters"


def test_changes_csv_has_acled_columns(seed_store: Path) -> None:
    out = run(seed_store, "--what", "changes", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == ACLED_COLUMNS
    tarhuna = next(r for r in rows if r["location"] == "Tarhuna" and r["kind"] == "capture")
    assert tarhuna["event_date"] == "2020-06-05"
    assert tarhuna["sub_event_type"] == "Government regains territory"
    assert float(tarhuna["latitude"]) == pytest.approx(32.435, abs=0.01)


def test_gpkg_export_opens_with_pyogrio(seed_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "zones.gpkg"
    run(seed_store, "--what", "zones", "--date", "2020-06-07", "--format", "gpkg", "-o", str(out))
    assert dict(pyogrio.list_layers(out)) == {"zones": "MultiPolygon"}
    frame = pyogrio.read_dataframe(out)
    assert set(frame["side"]) == {"GNA", "LNA"} and frame.crs.to_epsg() == 4326


def test_layer_needs_a_date_for_control(seed_history: ControlHistory) -> None:
    with pytest.raises(ValueError, match="needs a date"):
        layer("zones", seed_history)
    with pytest.raises(ValueError, match="cannot export"):
        layer("rivers", seed_history, start=date(2020, 6, 1))


def test_control_command_prints_the_table(seed_store: Path) -> None:
    args = ["--date", "2020-06-07", "--store", str(seed_store), "--overrides", str(NO_OVERRIDES)]
    result = CliRunner().invoke(control_command, [*args, "--reports", "20"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines()[1:] if not line.startswith("  ")]
    rows = {line[:32].strip(): line[32:].split() for line in lines}
    assert rows["Tarhuna"][:2] == ["GNA", "held"] and rows["Tarhuna"][3] == "2020-06-05"
    assert 0 < float(rows["Tarhuna"][2]) <= 1
    assert rows["Sirte"][:2] == ["LNA", "held"] and "driven them back" in result.output


def _dump(path: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_export_onto_a_store_is_refused_and_the_store_survives(
    seed_store: Path, tmp_path: Path
) -> None:
    """Issue 14 #1: ``export --format gpkg -o s.gpkg`` replaced the store's events table."""
    import shutil

    from geo.cli.events import command as events_command

    store = tmp_path / "s.gpkg"
    shutil.copy(seed_store, store)
    other = tmp_path / "other-store.gpkg"
    shutil.copy(seed_store, other)
    before = _dump(store)
    runner = CliRunner()
    for target, extra in ((store, ["--format", "gpkg"]), (store, []), (other, [])):
        args = ["--what", "events", "--store", str(store), "-o", str(target), *extra]
        result = runner.invoke(export_command, args)
        assert result.exit_code == 1, result.output
        assert "store" in result.output and str(target) in result.output
    assert _dump(store) == before
    listed = runner.invoke(events_command, ["--store", str(store)])
    assert listed.exit_code == 0 and "Tarhuna" in listed.output


def test_format_follows_the_output_suffix(seed_store: Path, tmp_path: Path) -> None:
    zones = tmp_path / "zones.gpkg"
    run(seed_store, "--what", "zones", "--date", "2020-06-07", "-o", str(zones))
    assert dict(pyogrio.list_layers(zones)) == {"zones": "MultiPolygon"}
    csv_out = tmp_path / "changes.csv"
    run(seed_store, "--what", "changes", "-o", str(csv_out))
    assert tuple(next(csv.reader(csv_out.open(encoding="utf-8")))) == ACLED_COLUMNS
    json_out = tmp_path / "front.json"
    run(seed_store, "--what", "frontline", "--date", "2020-06-07", "-o", str(json_out))
    assert json.loads(json_out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    args = ["--what", "zones", "--date", "2020-06-07", "--format", "geojson", "-o", str(zones)]
    clash = CliRunner().invoke(export_command, [*args, "--store", str(seed_store)])
    assert clash.exit_code == 2 and "does not match" in clash.output
    assert dict(pyogrio.list_layers(zones)) == {"zones": "MultiPolygon"}  # untouched


def test_gpkg_export_keeps_the_other_layers(seed_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "both.gpkg"
    run(seed_store, "--what", "zones", "--date", "2020-06-07", "-o", str(out))
    run(seed_store, "--what", "frontline", "--date", "2020-06-07", "-o", str(out))
    run(seed_store, "--what", "zones", "--date", "2020-06-01", "-o", str(out))
    assert set(dict(pyogrio.list_layers(out))) == {"zones", "frontline"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_dates_are_iso_or_null_and_lists_are_arrays(seed_store: Path, tmp_path: Path) -> None:
    changes = json.loads(run(seed_store, "--what", "changes"))["features"]
    props = changes[0]["properties"]
    assert isinstance(props["sources"], list) and isinstance(props["sources"][0], dict)
    assert isinstance(props["conflicting"], list)
    for f in changes:
        for key in ("start", "end", "effective"):
            value = f["properties"][key]
            assert value is None or date.fromisoformat(value)
    control = json.loads(run(seed_store, "--what", "control", "--date", "2020-06-07"))
    states = [f["properties"] for f in control["features"]]
    assert all(isinstance(s["evidence"], list) and isinstance(s["against"], list) for s in states)
    for s in states:
        assert all(s[k] is None or date.fromisoformat(s[k]) for k in ("since", "last_report"))
    # In GeoPackage and CSV text columns the lists are JSON.
    out = tmp_path / "changes.gpkg"
    run(seed_store, "--what", "changes", "-o", str(out))
    frame = pyogrio.read_dataframe(out)
    assert isinstance(json.loads(frame["sources"].iloc[0]), list)
    assert frame["end"].isna().any()  # open ends are NULL, not ''


def test_events_csv_has_one_coordinate_pair(seed_store: Path) -> None:
    header = next(csv.reader(io.StringIO(run(seed_store, "--what", "events", "--format", "csv"))))
    assert {"latitude", "longitude"} <= set(header)
    assert "lat" not in header and "lon" not in header
    assert len(header) == len(set(header))


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    """Issue 14 #12: cells starting with = + - @ (or a tab) ran as formulas in spreadsheets."""
    from geo.export import write

    hostile = ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR")
    frame = gpd.GeoDataFrame(
        {"name": list(hostile), "n": [-1.5] * len(hostile)},
        geometry=[Point(-5.0, 32.0)] * len(hostile),
        crs="EPSG:4326",
    )
    text = write(frame, "csv", None)
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["'" + h for h in hostile]
    assert {r["n"] for r in rows} == {"-1.5"} and {r["longitude"] for r in rows} == {"-5.0"}
    evil = dataclasses.replace(_change("capture", "GNA"), place_name="=cmd|' /C calc'!A0")
    acled = acled_rows([evil], Sides.load(), Gazetteer.load())
    acled_text = write(gpd.GeoDataFrame(), "csv", None, acled=acled)
    assert acled_text is not None
    row = next(csv.DictReader(io.StringIO(acled_text)))
    assert row["location"] == "'=cmd|' /C calc'!A0"
    assert not row["notes"].startswith(("=", "+", "-", "@"))


def test_a_date_outside_the_evidence_gets_a_note(seed_store: Path) -> None:
    """Issue 14: ``control --date`` outside the evidence printed an empty table and nothing else."""
    runner = CliRunner()
    base = ["--store", str(seed_store), "--overrides", str(NO_OVERRIDES)]
    before = runner.invoke(control_command, ["--date", "2001-01-01", *base])
    assert before.exit_code == 0 and "no data before 2020-" in before.stderr
    after = runner.invoke(control_command, ["--date", "2031-01-01", *base])
    assert after.exit_code == 0 and "every place is stale" in after.stderr
    inside = runner.invoke(control_command, ["--date", "2020-06-07", *base])
    assert inside.exit_code == 0 and inside.stderr == ""
    zones = runner.invoke(export_command, ["--what", "zones", "--date", "2001-01-01", *base])
    assert zones.exit_code == 0 and "every place is unknown" in zones.stderr
