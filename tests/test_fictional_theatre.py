"""A third theatre that exists only in a temporary folder: a made-up country, run through
ingest -> control -> export -> map with the command line, the package left untouched.

The country (code ZZ, in the empty South Atlantic), its ten places, its two sides and a third
party, its baseline and its three articles are all invented here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main

ROOT = Path(__file__).resolve().parents[1]

# (id, name, alternates, lat, lon, kind, population)
PLACES = [
    ("zz:1", "Varnholt", "Varnholt City", -40.00, -20.00, "capital", 900000),
    ("zz:2", "Quessel", "", -40.30, -20.40, "city", 120000),
    ("zz:3", "Ostramar", "", -40.60, -19.70, "town", 40000),
    ("zz:4", "Tillbrook", "", -39.70, -20.50, "town", 30000),
    ("zz:5", "Marrowgate", "", -40.90, -20.20, "town", 25000),
    ("zz:6", "Kelvane", "", -39.60, -19.60, "town", 20000),
    ("zz:7", "Dunmarsh", "", -41.10, -19.80, "town", 15000),
    ("zz:8", "Pellwick", "", -40.45, -20.75, "village", 4000),
    ("zz:9", "Sorrentide", "", -39.85, -19.30, "village", 3000),
    ("zz:10", "Varnholt Airfield", "", -40.05, -20.10, "airport", 0),
]

THEATRE_TOML = """
id = "zz-war"
title = "The Zedland war"
countries = ["ZZ"]
period = { start = "2031-01-01", end = "2031-12-31" }
default_map = "zedland"
capitals = ["zz:1"]

[view]
bounds = [[-41.5, -21.5], [-39.0, -18.5]]

[files]
gazetteer = "gazetteer.csv"
sides = "sides.toml"
baseline = "baseline.csv"
land = "land.geojson"

[[attribution]]
text = "Zedland Survey Office"
url = "https://survey.zz.invalid/"
licence = "CC0"
"""

SIDES_TOML = """
government = "NORTH"

[[side]]
id = "NORTH"
name = "Northern Compact"
colour = "#3366cc"
opponents = ["SOUTH"]
aliases = ["Northern Compact", "Compact forces", "Compact troops"]
persons = ["Aldric Venn"]

[[side]]
id = "SOUTH"
name = "Southern Union"
colour = "#cc3333"
opponents = ["NORTH"]
aliases = ["Southern Union", "Union forces", "Union fighters"]
persons = ["Mira Castellane"]

[[third_party]]
id = "ASH"
name = "Ash Brotherhood"
colour = "#555555"
aliases = ["Ash Brotherhood", "Brotherhood militants"]
"""

BASELINE = """place_id,place_name,side,as_of,source_note
zz:1,Varnholt,NORTH,2031-03-01,invented: the Compact's seat
zz:2,Quessel,NORTH,2031-03-01,invented
zz:3,Ostramar,SOUTH,2031-03-01,invented
zz:5,Marrowgate,SOUTH,2031-03-01,invented
"""

ARTICLES = {
    "a1": (
        "2031-03-10",
        # Witnesses, not the Union itself: a side's own claim weighs less than the baseline.
        "Union forces seized Quessel on Sunday, March 9, 2031, after two days of fighting, "
        "witnesses said.\nCompact troops withdrew from Pellwick the same day.\n",
    ),
    "a2": (
        "2031-03-20",
        "Compact forces retook Quessel on Wednesday, March 19, 2031, residents said.\n"
        "Mira Castellane said her fighters still held Ostramar.\n",
    ),
    "a3": (
        "2031-04-02",
        "Northern Compact troops captured Marrowgate on Tuesday, April 1, 2031.\n"
        "Brotherhood militants attacked a checkpoint near Dunmarsh.\n",
    ),
}


def _land() -> dict[str, object]:
    ring = [[-21.4, -41.4], [-18.6, -41.4], [-18.6, -39.1], [-21.4, -39.1], [-21.4, -41.4]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Zedland"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},  # (lon, lat)
            }
        ],
    }


def _write_theatre(folder: Path) -> None:
    folder.mkdir()
    (folder / "theatre.toml").write_text(THEATRE_TOML, encoding="utf-8")
    (folder / "sides.toml").write_text(SIDES_TOML, encoding="utf-8")
    (folder / "baseline.csv").write_text(BASELINE, encoding="utf-8")
    (folder / "land.geojson").write_text(json.dumps(_land()), encoding="utf-8")
    with (folder / "gazetteer.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["id", "name", "asciiname", "alternatenames", "lat", "lon", "kind", "population"]
        )
        for pid, name, alts, lat, lon, kind, pop in PLACES:
            writer.writerow([pid, name, name, alts, lat, lon, kind, pop])


def _package_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "data").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def zedland(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write_theatre(tmp_path / "zedland")
    articles = tmp_path / "articles"
    articles.mkdir()
    with (tmp_path / "meta.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "published", "url", "outlet", "title"])
        for doc_id, (published, text) in ARTICLES.items():
            (articles / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            writer.writerow([doc_id, published, f"https://news.zz.invalid/{doc_id}", "ZNN", ""])
    monkeypatch.chdir(tmp_path)  # the map's default path is relative
    return tmp_path


def _run(*args: str) -> str:
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def test_a_made_up_war_runs_end_to_end_from_data_alone(zedland: Path) -> None:
    before = _package_digest()
    theatre = str(zedland / "zedland")
    _run("ingest", "articles", "--meta", "meta.csv", "--theatre", theatre, "--store", "z.gpkg")

    # control, without --theatre: the store remembers its war.
    table = _run("control", "--store", "z.gpkg", "--date", "2031-03-15", "--format", "csv")
    held = {r["place_name"]: r["controller"] for r in csv.DictReader(io.StringIO(table))}
    assert held["Quessel"] == "SOUTH"  # the Union's capture of 9 March
    assert held["Varnholt"] == "NORTH" and held["Ostramar"] == "SOUTH"  # the baseline
    later = _run("control", "--store", "z.gpkg", "--date", "2031-04-05", "--format", "csv")
    held = {r["place_name"]: r["controller"] for r in csv.DictReader(io.StringIO(later))}
    assert held["Quessel"] == "NORTH" and held["Marrowgate"] == "NORTH"
    assert "ASH" not in held.values()  # a third party never holds ground

    events = _run("events", "--store", "z.gpkg", "--format", "jsonl")
    sides = {json.loads(line)["side"] for line in events.splitlines()}
    assert {"NORTH", "SOUTH"} <= sides

    # export: RFC 7946 GeoJSON of the zones, (lon, lat) inside the made-up country.
    _run("export", "--store", "z.gpkg", "--what", "zones", "--date", "2031-04-05", "-o", "z.json")
    zones = json.loads((zedland / "z.json").read_text(encoding="utf-8"))
    assert {f["properties"]["side"] for f in zones["features"]} >= {"NORTH", "SOUTH"}
    lon, lat = zones["features"][0]["geometry"]["coordinates"][0][0][:2]
    assert -21.5 <= lon <= -18.5 and -41.5 <= lat <= -39.0
    _run("export", "--store", "z.gpkg", "--what", "changes", "--format", "csv", "-o", "c.csv")
    rows = list(csv.DictReader((zedland / "c.csv").open(encoding="utf-8")))
    captures = {(r["event_date"], r["actor1"], r["location"], r["sub_event_type"]) for r in rows}
    # The government side is the theatre's ("government" in its sides.toml), not the first.
    assert ("2031-03-09", "Southern Union", "Quessel", "Non-state actor overtakes territory") in (
        captures
    )
    assert ("2031-03-19", "Northern Compact", "Quessel", "Government regains territory") in captures

    # map: the theatre's name, view and credits, not the packaged war's.
    _run("map", "--store", "z.gpkg")
    page = (zedland / "maps" / "zedland.html").read_text(encoding="utf-8")
    assert "Zedland Survey Office" in page and "OpenStreetMap contributors" not in page
    assert "Quessel" in page and "Northern Compact" in page

    assert _package_digest() == before  # nothing in the package was touched


def test_the_made_up_war_refuses_the_packaged_one(zedland: Path) -> None:
    _run("ingest", "articles", "--meta", "meta.csv", "--theatre", "zedland", "--store", "z.gpkg")
    res = CliRunner().invoke(main, ["map", "--store", "z.gpkg", "--theatre", "libya-2019"])
    assert res.exit_code != 0 and "built with theatre 'zz-war'" in res.output
