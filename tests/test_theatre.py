"""Theatres as folders of data (geo.theatre)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.analyst import load_baseline, load_overrides
from geo.cli import main
from geo.control import ControlHistory
from geo.exceptions import SidesError, TheatreError
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import Store
from geo.theatre import Attribution, default_theatre_id, load_theatre, packaged_theatres

ROOT = Path(__file__).resolve().parents[1]
THEATRES = ROOT / "data" / "theatres"


def test_packaged_theatres_and_default() -> None:
    assert {"libya-2019", "libya-2011"} <= set(packaged_theatres())
    assert default_theatre_id() == "libya-2019"
    assert load_theatre().id == load_theatre(None).id == "libya-2019"


@pytest.mark.parametrize("theatre_id", ["libya-2019", "libya-2011"])
def test_every_packaged_theatre_loads_whole(theatre_id: str) -> None:
    t = load_theatre(theatre_id)
    assert t.id == theatre_id and t.title and t.countries == ("LY",)
    assert t.period is not None and t.period[0] < t.period[1]
    for path in (t.gazetteer_path, t.sides_path, t.baseline_path, t.land_path, t.boundary_path):
        assert path is not None and path.is_file()
    (south, west), (north, east) = t.bounds
    assert south < 32.9 < north and west < 13.2 < east
    assert t.sides.region == t.region and t.sides.theatre.country == "LY"
    gaz = Gazetteer.load(t.gazetteer_path)
    baseline = load_baseline(t.baseline_path, gazetteer=gaz, sides=t.sides)
    assert baseline and {b.side for b in baseline} <= {*t.sides.ids, "unknown"}
    assert load_overrides(t.overrides_path, gazetteer=gaz, sides=t.sides) is not None
    assert all(c in gaz for c in t.capitals)
    assert "OpenStreetMap" in t.attribution_html


def test_a_theatre_by_folder_or_file_equals_the_id() -> None:
    by_id = load_theatre("libya-2011")
    assert load_theatre(THEATRES / "libya-2011") == by_id
    assert load_theatre(str(THEATRES / "libya-2011" / "theatre.toml")) == by_id


def test_sides_2019_third_parties_are_no_sides() -> None:
    sides = load_theatre("libya-2019").sides
    assert sides.ids == ("GNA", "LNA")
    for tp in ("ISIS", "BRSC", "DMSC", "ANSAR", "BDB"):
        assert sides.is_third_party(tp) and tp not in sides.ids
        assert sides.opponent(tp) is None
    assert sides.opponents("GNA") == ("LNA",) and sides.opponent("LNA") == "GNA"
    found = [(a.text, a.side) for a in sides.find_actors("Ansar al-Sharia fighters fled Side.")]
    assert found == [("Ansar al-Sharia", "ANSAR")]


def test_sides_2011_names_by_date() -> None:
    sides = load_theatre("libya-2011").sides
    assert sides.ids == ("REBELS", "GADDAFI") and sides.government == "GADDAFI"
    assert sides.opponent("REBELS") == "GADDAFI" and sides.is_third_party("NATO")

    def side_of(text: str, when: date) -> list[str | None]:
        return [a.side for a in sides.find_actors(text, when=when)]

    assert side_of("Government troops shelled the town.", date(2011, 3, 6)) == ["GADDAFI"]
    assert side_of("Government troops entered the town.", date(2011, 10, 1)) == ["REBELS"]
    assert side_of("Anti-Gaddafi fighters and the NTC met.", date(2011, 5, 1)) == [
        "REBELS",
        "REBELS",
    ]
    assert side_of("Qaddafi loyalists and NATO jets.", date(2011, 5, 1)) == ["GADDAFI", "NATO"]


def _copy(tmp_path: Path, theatre_id: str = "libya-2011") -> Path:
    folder = tmp_path / "t"
    shutil.copytree(THEATRES / theatre_id, folder)
    toml = folder / "theatre.toml"
    text = toml.read_text(encoding="utf-8").replace("../../", f"{THEATRES.parent}/")
    toml.write_text(text.replace("../libya-2019/", f"{THEATRES}/libya-2019/"), encoding="utf-8")
    return folder


def test_a_copied_folder_is_a_theatre(tmp_path: Path) -> None:
    t = load_theatre(_copy(tmp_path))
    assert t.id == "libya-2011" and t.root == tmp_path / "t"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace('sides = "sides.toml"', 'sides = "nope.toml"'), "files.sides"),
        (lambda s: s.replace('sides = "sides.toml"\n', ""), "needs 'sides'"),
        (lambda s: s.replace("[files]", "[files]\nroads = 'x'"), "unknown entries"),
        (lambda s: s.replace('end = "2011-10-23"', 'end = "2010-01-01"'), "before it starts"),
        (lambda s: s.replace("[[19.5, 9.3]", "[[39.5, 9.3]"), "view.bounds"),
        (lambda s: s + "\n[[[", "not valid TOML"),
    ],
)
def test_a_bad_theatre_file_names_itself(tmp_path: Path, edit: object, message: str) -> None:
    folder = _copy(tmp_path)
    toml = folder / "theatre.toml"
    assert callable(edit)
    toml.write_text(edit(toml.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(TheatreError, match=message) as info:
        load_theatre(folder)
    assert str(toml) in str(info.value)


def test_an_unknown_theatre_lists_the_packaged_ones(tmp_path: Path) -> None:
    with pytest.raises(TheatreError, match="libya-2011, libya-2019"):
        load_theatre("atlantis-1999")
    with pytest.raises(TheatreError, match="no such theatre"):
        load_theatre(tmp_path)


def test_with_files_overrides_sides_and_gazetteer(tmp_path: Path) -> None:
    sides = tmp_path / "s.toml"
    sides.write_text(
        "[[side]]\nid='RED'\ncolour='#f00'\n[[side]]\nid='BLUE'\ncolour='#00f'\n", encoding="utf-8"
    )
    t = load_theatre("libya-2011").with_files(sides=sides, gazetteer=tmp_path / "g.csv")
    assert t.sides.ids == ("RED", "BLUE") and t.sides_path == sides
    assert t.sides.region == t.region  # the theatre's view, not the file's
    assert t.gazetteer_path == tmp_path / "g.csv"
    with pytest.raises(SidesError):
        load_theatre().with_files(sides=tmp_path / "missing.toml")


def test_sides_next_to_a_theatre_take_its_region() -> None:
    sides = Sides.load(THEATRES / "libya-2011" / "sides.toml")
    assert sides.region == load_theatre("libya-2011").region


def test_attribution_is_escaped() -> None:
    line = Attribution("A <b>", 'https://x.test/?a=1&b="2"', "CC & co")
    assert line.html() == (
        '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">A &lt;b&gt;</a> (CC &amp; co)'
    )
    assert Attribution("plain").html() == "plain"


# -- the 2011 demo, on the dev corpus (skipped without ../shared) ----------------------------------
DEV2011 = ROOT.parent / "shared" / "devcorpus" / "libya-2011"
needs_dev2011 = pytest.mark.skipif(
    not (DEV2011 / "articles").is_dir(), reason="../shared/devcorpus/libya-2011 is not available"
)


@pytest.fixture(scope="module")
def demo_2011(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("demo2011")
    store, maps = out / "d.gpkg", out / "maps"
    args = ["demo", "--theatre", "libya-2011", str(DEV2011 / "articles")]
    args += ["--meta", str(DEV2011 / "articles.csv"), "--store", str(store), "--maps", str(maps)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    return store, maps, res.stdout


@needs_dev2011
@pytest.mark.slow
def test_the_2011_demo_writes_a_2011_map(demo_2011: tuple[Path, Path, str]) -> None:
    store, maps, _ = demo_2011
    page = (maps / "libya-2011.html").read_text(encoding="utf-8")
    assert (maps / "libya-2011-offline.html").is_file()
    # The slider runs from the late-February baseline into October, inside the war.
    assert "27 February 2011" in page and "October 2011" in page
    assert "2018" not in page.split("fl-sub", 1)[1][:300]
    with Store(store, create=False) as st:
        assert st.theatre() == ("libya-2011", "")


@needs_dev2011
@pytest.mark.slow
def test_the_2011_demo_history_has_the_war_s_turns(demo_2011: tuple[Path, Path, str]) -> None:
    store, _, _ = demo_2011
    theatre = load_theatre("libya-2011")
    with Store(store, create=False) as st:
        history = ControlHistory.from_store(st, theatre=theatre)

    def held(name: str, day: date) -> str:
        return next(s.controller for s in history.state(day) if s.place_name == name)

    for day in (date(2011, 2, 28), date(2011, 4, 15), date(2011, 7, 1), date(2011, 10, 20)):
        assert held("Benghazi", day) == "REBELS", day
    assert held("Tripoli", date(2011, 8, 1)) == "GADDAFI"
    assert held("Tripoli", date(2011, 8, 31)) == "REBELS"
    assert held("Sirte", date(2011, 10, 1)) != "REBELS"
    assert held("Sirte", date(2011, 10, 31)) == "REBELS"


def test_the_capital_is_the_theatre_s() -> None:
    for theatre_id in ("libya-2019", "libya-2011"):
        t = load_theatre(theatre_id)
        assert t.capitals == ("geonames:2210247",) == t.sides.region.capitals
