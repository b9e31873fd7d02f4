"""The packaged gazetteer, its aliases and its error handling (geo.gazetteer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo._geodesy import distance_km
from geo.exceptions import DataFileError, GazetteerError
from geo.gazetteer import Gazetteer, Place
from geo.toponyms import PlaceFinder

HEADER = "id,name,asciiname,alternatenames,lat,lon,kind,population,admin1,source\n"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _best(gaz: Gazetteer, name: str) -> Place:
    found = gaz.lookup(name)
    assert found, f"{name!r} not in the gazetteer"
    return found[0]


def _near(place: Place, lat: float, lon: float, km: float = 10.0) -> bool:
    return distance_km((place.lat, place.lon), (lat, lon)) <= km


def test_packaged_gazetteer_loads(gaz: Gazetteer) -> None:
    assert len(gaz) > 500
    tripoli = _best(gaz, "Tripoli")
    assert tripoli.kind == "capital"
    assert tripoli.lonlat == (tripoli.lon, tripoli.lat)
    # Every place is inside Libya's rough bounding box.
    assert all(19 <= p.lat <= 35 and 9 <= p.lon <= 26 for p in gaz)  # offshore fields: 34.0


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Misrata", 32.37, 15.09),
        ("Misurata", 32.37, 15.09),
        ("Sirte", 31.21, 16.59),
        ("Gharyan", 32.17, 13.02),
        ("Gharian", 32.17, 13.02),
        ("Zawiya", 32.75, 12.73),
        ("Sabha", 27.04, 14.43),
        ("Sebha", 27.04, 14.43),
        ("Benghazi", 32.11, 20.07),
        ("Ajdabiya", 30.76, 20.23),
        ("Tarhuna", 32.43, 13.63),
        ("Tarhouna", 32.43, 13.63),
        ("Bani Walid", 31.75, 13.98),
        ("Ras Lanuf", 30.59, 18.42),
        ("Brega", 30.41, 19.57),
        ("Jufra", 29.13, 15.95),
        ("al-Jufra", 29.13, 15.95),
    ],
)
def test_main_towns(gaz: Gazetteer, name: str, lat: float, lon: float) -> None:
    assert _near(_best(gaz, name), lat, lon, km=15)


@pytest.mark.parametrize(
    ("name", "kind", "lat", "lon"),
    [
        ("Watiya air base", "airbase", 32.47, 11.90),
        ("al-Watiya", "airbase", 32.47, 11.90),
        ("al-Watiya airbase", "airbase", 32.47, 11.90),
        ("Wadi Wishka", "wadi", 31.37, 15.57),
        ("al-Washka", "wadi", 31.37, 15.57),
        ("Tripoli International Airport", "airport", 32.66, 13.16),
        ("Mitiga", "airport", 32.89, 13.29),
        ("Mitiga airport", "airport", 32.89, 13.29),
        ("Sharara field", "oil_field", 26.58, 12.23),
        ("Sharara oil field", "oil_field", 26.58, 12.23),
        ("Es Sider", "terminal", 30.63, 18.35),
        ("Fezzan", "region", 26.5, 14.0),
    ],
)
def test_aliases(gaz: Gazetteer, name: str, kind: str, lat: float, lon: float) -> None:
    place = _best(gaz, name)
    assert place.kind == kind
    assert _near(place, lat, lon, km=25), (place.name, place.lat, place.lon)


def test_arabic_names(gaz: Gazetteer) -> None:
    assert _best(gaz, "طرابلس").name == "Tripoli"
    assert _best(gaz, "سرت").name == "Sirte"
    assert _best(gaz, "مصراتة") == _best(gaz, "Misrata")
    assert _best(gaz, "ترهونة") == _best(gaz, "Tarhuna")


def test_tarhuna_does_not_carry_buerat(gaz: Gazetteer) -> None:
    tarhuna = _best(gaz, "Tarhuna")
    assert tarhuna not in gaz.lookup("El-Buerat")
    assert tarhuna not in gaz.lookup("Buerat")
    assert all("buerat" not in n.lower() for n in tarhuna.names)


def test_lookup_is_transliteration_insensitive(gaz: Gazetteer) -> None:
    assert gaz.lookup("TARHOUNA") == gaz.lookup("tarhuna") == gaz.lookup("Tarhūna")


def test_unknown_names(gaz: Gazetteer) -> None:
    assert gaz.lookup("Cairo") == ()
    assert gaz.lookup("Haftar") == ()
    assert gaz.lookup("") == ()


def test_lookup_orders_by_importance(gaz: Gazetteer) -> None:
    # "Zawia" is both the big coastal city and a desert hamlet: the city comes first.
    found = gaz.lookup("Zawia")
    assert len(found) >= 2
    assert found[0].name == "Zawiya"
    assert [p.importance for p in found] == sorted((p.importance for p in found), reverse=True)


def test_short_keys_are_not_indexed(gaz: Gazetteer) -> None:
    assert all(len(key) >= 3 for key in gaz.index)


def test_get_and_contains(gaz: Gazetteer) -> None:
    place = _best(gaz, "Sirte")
    assert place.id in gaz
    assert gaz.get(place.id) is place
    with pytest.raises(GazetteerError):
        gaz.get("no-such-id")


# -- files ---------------------------------------------------------------------------------------
def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_bad_row_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "g.csv",
        [
            "t:1,Qasr Test,,,32.1,13.1,town,1000,,test",
            "t:2,Bad Latitude,,,north,13.2,town,,,test",
            "t:3,Far Away,,,132.0,13.3,town,,,test",
            "t:4,Wadi Test,,Wadi Tast|وادي تست,31.0,15.0,wadi,,,test",
        ],
    )
    errors: list[GazetteerError] = []
    gaz = Gazetteer.load(path, aliases=False, on_error=errors.append)
    assert sorted(gaz.places) == ["t:1", "t:4"]
    assert [e.line for e in errors] == [3, 4]
    assert all(isinstance(e, DataFileError) and e.path == str(path) for e in errors)
    assert str(errors[0]).startswith(f"{path}:3:")
    assert "lat" in str(errors[0])
    assert gaz.lookup("Wadi Tast")[0].id == "t:4"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError) as info:
        Gazetteer.load(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in str(info.value)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("id,name,lat\nx,Sirte,31.2\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="lon"):
        Gazetteer.load(path, aliases=False)


def test_aliases_file_beside_the_gazetteer(tmp_path: Path) -> None:
    _write(tmp_path / "gazetteer.csv", ["t:1,Qasr Test,,,32.1,13.1,town,1000,,test"])
    (tmp_path / "aliases.csv").write_text(
        "id,name,alias,kind,lat,lon,source,note\n"
        "t:1,,Gasr Tast,,,,hand,\n"
        "alias:new-camp,New Camp,Camp Nuevo,airbase,31.5,14.5,hand,\n"
        "alias:broken,Broken,Brk,town,,14.0,hand,\n",
        encoding="utf-8",
    )
    errors: list[GazetteerError] = []
    gaz = Gazetteer.load(tmp_path / "gazetteer.csv", on_error=errors.append)
    assert gaz.lookup("Gasr Tast")[0].id == "t:1"
    assert gaz.lookup("Camp Nuevo")[0].kind == "airbase"
    assert "alias:broken" not in gaz
    assert [e.line for e in errors] == [4]
    # aliases=False skips the file.
    assert Gazetteer.load(tmp_path / "gazetteer.csv", aliases=False).lookup("Gasr Tast") == ()


def test_apply_aliases_refreshes_the_index(tmp_path: Path) -> None:
    gaz = Gazetteer.load(_write(tmp_path / "g.csv", ["t:1,Qasr Test,,,32.1,13.1,town,,,t"]))
    assert gaz.lookup("Ksar Tist") == ()  # builds the cached index
    aliases = tmp_path / "more.csv"
    aliases.write_text("id,alias\nt:1,Ksar Tist\n", encoding="utf-8")
    gaz.apply_aliases(aliases)
    assert [p.id for p in gaz.lookup("Ksar Tist")] == ["t:1"]


@pytest.mark.parametrize(
    "population",
    [
        "many",
        "nan",
        pytest.param(
            "inf",
        ),
    ],
)
def test_bad_population_is_a_bad_row(tmp_path: Path, population: str) -> None:
    path = _write(
        tmp_path / "g.csv",
        [f"t:1,Qasr Test,,,32.1,13.1,town,{population},,t", "t:2,Wadi Test,,,31.0,15.0,wadi,,,t"],
    )
    errors: list[GazetteerError] = []
    gaz = Gazetteer.load(path, aliases=False, on_error=errors.append)
    assert sorted(gaz.places) == ["t:2"]
    assert [e.line for e in errors] == [2]


def _tiny(tmp_path: Path) -> Path:
    path = tmp_path / "g.csv"
    path.write_text(
        "id,name,asciiname,alternatenames,lat,lon,kind,population,admin1,source\n"
        "t:1,Qarnadah,,,30.0,10.0,town,,,test\n",
        encoding="utf-8",
    )
    return path


def test_matcher_is_cached_beside_the_gazetteer_and_follows_it(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    gaz = Gazetteer.load(path)
    assert [m.text for m in PlaceFinder(gaz).find("Units reached Garnada.")] == ["Garnada"]
    cached = sorted((tmp_path / ".cache").glob("matcher-*.pickle"))
    assert len(cached) == 1
    # Loaded again, the same file is used; a changed gazetteer gets a new one.
    assert PlaceFinder(Gazetteer.load(path)).find("Units reached Garnada.")
    assert sorted((tmp_path / ".cache").glob("matcher-*.pickle")) == cached
    path.write_text(path.read_text() + "t:2,Bir Sabkha,,,30.1,10.1,village,,,test\n")
    gaz2 = Gazetteer.load(path)
    assert [m.text for m in PlaceFinder(gaz2).find("Units reached Bir Sabkha.")] == ["Bir Sabkha"]
    assert sorted((tmp_path / ".cache").glob("matcher-*.pickle")) != cached


def test_cache_goes_elsewhere_when_the_folder_is_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = _tiny(data)
    (data / ".cache").write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("FRONTLINE_CACHE_DIR", raising=False)
    assert PlaceFinder(Gazetteer.load(path)).find("Units reached Garnada.")
    assert list((tmp_path / "user-cache" / "frontline").glob("matcher-*.pickle"))


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    path = _tiny(tmp_path)
    PlaceFinder(Gazetteer.load(path))
    for f in (tmp_path / ".cache").glob("*.pickle"):
        f.write_bytes(b"not a pickle")
    assert PlaceFinder(Gazetteer.load(path)).find("Units reached Garnada.")
