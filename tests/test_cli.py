"""The command line, through click's CliRunner: formats, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
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
        "precision",
        "via",
    ]
    names = {r["place_name"] for r in rows}
    assert {"Tripoli", "Sirte", "Tarhuna", "Bani Walid"} <= names
    assert "al-Watiya air base" in names


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


# -- one strict date type ---------------------------------------------------------------------
def test_every_date_option_is_strict_iso_with_one_error(tmp_path: Path) -> None:
    store = tmp_path / "none.gpkg"
    commands = [
        ["places", str(SEEDS), "--published"],
        ["extract", str(SEEDS), "--published"],
        ["ingest", str(SEEDS), "--store", str(store), "--published"],
        ["control", "--store", str(store), "--date"],
        ["export", "--what", "zones", "--store", str(store), "--date"],
        ["events", "--store", str(store), "--from"],
        ["map", "--store", str(store), "--to"],
    ]
    for cmd in commands:
        for bad in ("2020-13-01", "07/06/2020", "June 7", "2020-02-30"):
            code, _, err = run(*cmd, bad)
            assert code == 2, (cmd, bad)
            assert f"'{bad}' is not a date" in err and "YYYY" in err, (cmd, err)
    assert not store.exists()


def test_date_metavars_are_the_same_everywhere() -> None:
    for cmd, option, metavar in [
        ("places", "--published", "YYYY-MM-DD"),
        ("extract", "--published", "YYYY-MM-DD"),
        ("ingest", "--published", "YYYY-MM-DD"),
        ("demo", "--published", "YYYY-MM-DD"),
        ("control", "--date", "YYYY-MM-DD"),
        ("export", "--date", "YYYY-MM-DD"),
        ("export", "--from", "YYYY[-MM[-DD]]"),
        ("events", "--to", "YYYY[-MM[-DD]]"),
        ("map", "--from", "YYYY[-MM[-DD]]"),
    ]:
        code, out, _ = run(cmd, "--help")
        assert code == 0 and f"{option} {metavar}" in out, (cmd, option)


def test_published_fills_only_missing_dates(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "dated", "text": "Haftar\'s forces captured Gharyan on Monday.", '
        '"published": "2019-04-06"}\n'
        '{"id": "undated", "text": "Haftar\'s forces captured Gharyan on Monday."}\n',
        encoding="utf-8",
    )

    def dates(*opts: str) -> dict[str, str]:
        code, out, err = run("extract", str(feed), *opts)
        assert code == 0, err
        return {json.loads(x)["doc_id"]: json.loads(x)["date"] for x in out.splitlines()}

    assert dates("--published", "2020-01-08") == {"dated": "2019-04-01", "undated": "2020-01-06"}
    forced = dates("--published-override", "2020-01-08")
    assert forced == {"dated": "2020-01-06", "undated": "2020-01-06"}


def test_output_format_follows_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    code, _, _ = run("extract", str(SEEDS), "--published", "2020-06-06", "-o", str(out))
    assert code == 0 and json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    code, _, err = run("extract", str(SEEDS), "--format", "csv", "-o", str(tmp_path / "e.jsonl"))
    assert code == 2 and "does not match" in err
    code, _, err = run("places", str(SEEDS), "-o", str(tmp_path / "p.geojson"))
    assert code == 2 and "does not write" in err
    assert not (tmp_path / "e.jsonl").exists() and not (tmp_path / "p.geojson").exists()


# -- messages -------------------------------------------------------------------------------------
def test_quiet_silences_all_but_errors_and_every_line_has_one_prefix(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "undated.txt").write_text("GNA forces seized Sirte.", encoding="utf-8")
    store = str(tmp_path / "s.gpkg")
    code, out, err = run("ingest", str(tmp_path), "--store", store)
    assert code == 0
    lines = (out + err).splitlines()
    assert any("committed batch 1" in x for x in lines) and any("added 1" in x for x in lines)
    assert all(x.startswith("frontline: ") for x in lines), lines
    assert any(x.startswith("frontline: error: ") and "empty.txt" in x for x in lines)
    (tmp_path / "later.txt").write_text("LNA forces seized Sirte.", encoding="utf-8")
    code, out, err = run("-q", "ingest", str(tmp_path), "--store", store)
    assert code == 0 and out == ""
    assert err.splitlines() == [f"frontline: error: {tmp_path / 'empty.txt'}: empty file, skipped"]
    code, out, err = run("-q", "extract", str(tmp_path / "undated.txt"))
    assert code == 0 and err == "" and out


def test_missing_dask_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "dask" else real(name, *a)
    )
    for cmd in ("extract", "ingest"):
        res = CliRunner().invoke(main, [cmd, str(SEEDS), "--engine", "dask"])
        assert (res.exit_code == 1 and res.exception is None) or isinstance(
            res.exception, SystemExit
        )
        assert "pip install 'frontline[dask]'" in res.output and "Traceback" not in res.output


def test_terminal_escapes_from_inputs_are_never_printed(tmp_path: Path) -> None:
    """Issue 14 #13: ids, outlets and file names with escape sequences were printed raw."""
    evil = "\x1b]0;owned\x07\x1b[2J\x9b31m"
    feed = tmp_path / "feed.jsonl"
    record = {"id": f"doc{evil}", "text": "GNA forces seized Sirte on Friday.", "source": evil}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / f"empty{evil}.txt").write_text("", encoding="utf-8")
    store = str(tmp_path / "s.gpkg")
    outputs = [run("ingest", str(tmp_path), "--store", store, "--published", "2020-06-06")]
    outputs.append(run("events", "--store", store))
    outputs.append(run("events", "--store", store, "--format", "jsonl"))
    outputs.append(run("control", "--store", store, "--date", "2020-06-06"))
    for code, out, err in outputs:
        assert code == 0, err
        assert not any(ch in out + err for ch in "\x1b\x07\x9b"), repr(out + err)
    jsonl = outputs[2][1].splitlines()
    assert json.loads(jsonl[0])["doc_id"] == f"doc{evil}"  # escaped, not lost


# -- theatres -------------------------------------------------------------------------------------
_ELEVEN = (
    "Rebels seized the town of Zawiya on Sunday, February 27, 2011.\n"
    "Pro-Gaddafi forces retook Brega on Wednesday, March 2, 2011, residents said.\n"
)


def test_every_command_takes_theatre() -> None:
    for cmd in (
        ["places"],
        ["extract"],
        ["evaluate"],
        ["ingest"],
        ["events"],
        ["control"],
        ["export"],
        ["map"],
        ["demo"],
        ["gazetteer", "lookup"],
        ["gazetteer", "suggest"],
    ):
        code, out, _ = run(*cmd, "--help")
        assert code == 0 and "--theatre" in out, cmd


def test_the_store_keeps_its_theatre_and_refuses_another(tmp_path: Path) -> None:
    doc = tmp_path / "d.txt"
    doc.write_text(_ELEVEN, encoding="utf-8")
    store = str(tmp_path / "s.gpkg")
    code, _, err = run("ingest", str(doc), "--store", store, "--theatre", "libya-2011")
    assert code == 0, err
    # Without --theatre, reading commands use the store's theatre: its sides and baseline.
    code, out, err = run("control", "--store", store, "--date", "2011-03-05", "--format", "csv")
    assert code == 0, err
    rows = {r["place_name"]: r["controller"] for r in csv.DictReader(io.StringIO(out))}
    assert rows["Benghazi"] == "REBELS"  # the 2011 baseline
    assert rows["Tripoli"] == "GADDAFI"
    for cmd in (
        ["control", "--date", "2011-03-05"],
        ["events"],
        ["ingest", str(doc)],
        ["export", "--what", "events"],
    ):
        code, _, err = run(*cmd, "--store", store, "--theatre", "libya-2019")
        assert code != 0 and "built with theatre 'libya-2011'" in err, cmd
    code, _, err = run("events", "--store", store, "--theatre", "libya-2011")
    assert code == 0, err


def test_an_unknown_theatre_is_one_clear_line(tmp_path: Path) -> None:
    code, _, err = run("places", str(SEEDS), "--theatre", "narnia")
    assert code != 0
    assert "narnia: no such theatre (packaged: libya-2011, libya-2019" in err
    code, _, err = run("ingest", str(SEEDS), "--store", str(tmp_path / "s.gpkg"), "--theatre", "x")
    assert code != 0 and not (tmp_path / "s.gpkg").exists()


def test_sides_override_a_theatre(tmp_path: Path) -> None:
    doc = tmp_path / "d.txt"
    doc.write_text("The Crimson Guard seized Zawiya on 27 February 2011.\n", encoding="utf-8")
    sides = tmp_path / "s.toml"
    sides.write_text(
        "[[side]]\nid='RED'\ncolour='#f00'\naliases=['Crimson Guard']\n"
        "[[side]]\nid='BLUE'\ncolour='#00f'\n",
        encoding="utf-8",
    )
    args = ["extract", str(doc), "--theatre", "libya-2011", "--sides", str(sides)]
    code, out, err = run(*args, "--format", "csv")
    assert code == 0, err
    assert [r["side"] for r in csv.DictReader(io.StringIO(out))] == ["RED"]


def test_a_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    """``frontline places big.txt | head -1``: the reader leaves early."""
    big = tmp_path / "big.txt"
    big.write_text("Sirte, Misrata and Tripoli. " * 4000, encoding="utf-8")  # > a pipe's buffer
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "places", str(big), "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith("doc_id,")
    proc.stdout.close()  # as head does after its line
    err = proc.stderr.read()
    proc.wait(timeout=300)
    assert err == "", err  # no traceback, no "Broken pipe" error line, no flush complaint


def test_places_command_loads_no_geographic_stack(tmp_path: Path) -> None:
    # Start-up: finding places needs neither geopy, folium, geopandas nor spaCy.
    import subprocess
    import sys

    article = tmp_path / "a1.txt"
    article.write_text("Fighting went on in Sirte on Monday.\n", encoding="utf-8")
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['frontline', '-q', 'places', {str(article)!r}, "
        f"'-o', {str(tmp_path / 'o.csv')!r}]\n"
        "try:\n    runpy.run_module('geo', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('geopy', 'folium', 'geopandas', 'spacy', 'shapely') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
