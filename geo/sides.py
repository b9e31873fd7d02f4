"""The sides of a conflict and the actor names that designate them, from a theatre's ``sides.toml``.

Nothing in the code knows about a particular war; the sides file carries the names. A theatre
has any number of sides (``[[side]]``), each with its declared opponents, and any number of
third parties (``[[third_party]]``): actors that are matched in text like sides but are never an
event's side (the codebook's third parties).
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import ahocorasick

from geo._datafile import read_text
from geo._normalise import NormalisedText, normalise_name, normalise_text
from geo._spans import Occupancy
from geo.exceptions import SidesError
from geo.toponyms import ARMED_GROUP_HEADS

__all__ = ["ActorMention", "AmbiguousActor", "DatedActor", "Region", "Side", "Sides", "Theatre"]

log = logging.getLogger(__name__)


ActorKind = Literal["alias", "person", "ambiguous", "dated"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side or third party: id (``SIDE_A``), display names, map colour and actor names.

    ``opponents`` are the side ids it is declared to fight; ``third_party`` marks an actor that
    is never an event's side; ``holds_ground`` is False for a third party that never occupies
    places (one that only strikes from the air, say): it can take nothing a side gives up.
    """

    id: str
    name: str
    short: str
    colour: str
    aliases: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    opponents: tuple[str, ...] = ()
    third_party: bool = False
    holds_ground: bool = True


@dataclass(frozen=True, slots=True)
class AmbiguousActor:
    """A name whose side depends on the outlet or the context ("the national army")."""

    alias: str
    variants: tuple[str, ...] = ()
    outlets: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DatedActor:
    """A name whose side changed over time; ``periods`` are (from, until, side), until exclusive."""

    alias: str
    variants: tuple[str, ...]
    periods: tuple[tuple[date | None, date | None, str], ...]

    def side_on(self, day: date | None) -> str | None:
        """The side the name meant on ``day`` (the latest period when the day is unknown)."""
        if day is None:
            return self.periods[-1][2] if self.periods else None
        for start, until, side in self.periods:
            if (start is None or day >= start) and (until is None or day < until):
                return side
        return None


Bounds = tuple[tuple[float, float], tuple[float, float]]
WORLD: Bounds = ((-90.0, -180.0), (90.0, 180.0))


@dataclass(frozen=True, slots=True)
class Region:
    """Where the war is: its name, ISO country code and map bounds ((lat, lon) corners).

    ``capitals`` are the gazetteer ids "the capital" may mean (one, several when a war has rival
    seats of government, or none to take the gazetteer's). A theatre's ``theatre.toml`` gives
    the region (see :mod:`geo.theatre`); a standalone sides file may carry it in a ``[theatre]``
    table.
    """

    name: str
    country: str
    bounds: Bounds = WORLD
    capitals: tuple[str, ...] = ()


# The old name of :class:`Region`, kept so code written against it keeps working.
Theatre = Region


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text; ``side`` is None for ambiguous names until judged."""

    start: int
    end: int
    text: str
    side: str | None
    kind: ActorKind
    ambiguous: AmbiguousActor | None = None


@dataclass(frozen=True)
class Sides:
    """The sides and third parties of one theatre. Load with :meth:`load`.

    ``sides`` are the parties to the war (an event's side is one of them); ``third_parties``
    are matched as actors but never own an event. ``government`` is the side exports treat as
    the government.
    """

    region: Region
    sides: tuple[Side, ...]
    ambiguous: tuple[AmbiguousActor, ...] = ()
    dated: tuple[DatedActor, ...] = ()
    third_parties: tuple[Side, ...] = ()
    government: str = ""

    @classmethod
    def load(cls, path: Path | str | None = None, *, region: Region | None = None) -> Sides:
        """Load a sides TOML file (the default theatre's by default).

        Parameters
        ----------
        path
            The file; None for the sides of the default packaged theatre.
        region
            Where the war is. By default the file's ``[theatre]`` table, else the
            ``theatre.toml`` next to the file, else the whole world.

        Raises
        ------
        SidesError
            When the file is missing, is not TOML, or a side lacks an id or colour, or names an
            unknown opponent.
        """
        if path is None:
            from geo.theatre import load_theatre  # geo.theatre builds on this module

            return load_theatre().sides
        spath = Path(path)
        try:
            raw = tomllib.loads(read_text(spath, SidesError))  # not UTF-8: one line
        except tomllib.TOMLDecodeError as exc:
            raise SidesError(str(spath), None, f"not valid TOML ({exc})") from None
        if region is None and "theatre" not in raw and (spath.parent / "theatre.toml").is_file():
            from geo.theatre import read_region

            region = read_region(spath.parent / "theatre.toml")
        try:
            return cls._from_dict(raw, region=region)
        except (KeyError, TypeError, ValueError) as exc:
            raise SidesError(str(spath), None, f"malformed sides file: {exc!r}") from None

    @staticmethod
    def _region(raw: Mapping[str, Any]) -> Region:
        bounds = raw.get("bounds", WORLD)
        return Region(
            name=str(raw.get("name", "")),
            country=str(raw.get("country", "")),
            bounds=(
                (float(bounds[0][0]), float(bounds[0][1])),
                (float(bounds[1][0]), float(bounds[1][1])),
            ),
            capitals=tuple(str(c) for c in raw.get("capitals", ())),
        )

    @staticmethod
    def _actor(raw: Mapping[str, Any], *, third_party: bool) -> Side:
        if not raw.get("id") or not raw.get("colour"):
            raise ValueError(f"side {raw!r} needs an id and a colour")
        return Side(
            id=str(raw["id"]),
            name=str(raw.get("name", raw["id"])),
            short=str(raw.get("short", raw["id"])),
            colour=str(raw["colour"]),
            aliases=tuple(raw.get("aliases", ())),
            persons=tuple(raw.get("persons", ())),
            opponents=tuple(str(o) for o in raw.get("opponents", ())),
            third_party=third_party,
            holds_ground=_flag(raw, "holds_ground", default=True),
        )

    @staticmethod
    def _with_opponents(sides: list[Side], actors: set[str]) -> tuple[Side, ...]:
        """Declared opponents made mutual; with none declared, the first two sides (old files)."""
        pairs: set[tuple[str, str]] = set()
        for side in sides:
            for other in side.opponents:
                if other not in actors or other == side.id:
                    raise ValueError(f"side {side.id!r} names unknown opponent {other!r}")
                pairs |= {(side.id, other), (other, side.id)}
        parties = [s for s in sides if not s.third_party]
        if not pairs and len(parties) >= 2:
            pairs = {(parties[0].id, parties[1].id), (parties[1].id, parties[0].id)}
        return tuple(
            replace(s, opponents=tuple(o for o in (x.id for x in sides) if (s.id, o) in pairs))
            for s in sides
        )

    @classmethod
    def _from_dict(cls, raw: Mapping[str, Any], *, region: Region | None = None) -> Sides:
        region = region or cls._region(raw.get("theatre", {}))
        parties = [cls._actor(s, third_party=False) for s in raw["side"]]
        thirds = [cls._actor(s, third_party=True) for s in raw.get("third_party", ())]
        all_ids = [s.id for s in (*parties, *thirds)]
        if len(set(all_ids)) != len(all_ids):
            raise ValueError(f"side ids repeat: {all_ids}")
        ids = set(all_ids)
        sides = cls._with_opponents(parties + thirds, ids)
        parties_out = sides[: len(parties)]
        ambiguous = []
        for a in raw.get("ambiguous", ()):
            outlets = {str(k): str(v) for k, v in a.get("outlets", {}).items()}
            bad = set(outlets.values()) - ids
            if bad:
                raise ValueError(f"ambiguous {a['alias']!r} names unknown side(s) {sorted(bad)}")
            ambiguous.append(AmbiguousActor(a["alias"], tuple(a.get("variants", ())), outlets))
        dated = []
        for d in raw.get("dated", ()):
            periods = []
            for p in d["periods"]:
                if p["side"] not in ids:
                    raise ValueError(f"dated {d['alias']!r} names unknown side {p['side']!r}")
                start = date.fromisoformat(p["from"]) if p.get("from") else None
                until = date.fromisoformat(p["until"]) if p.get("until") else None
                periods.append((start, until, str(p["side"])))
            dated.append(DatedActor(d["alias"], tuple(d.get("variants", ())), tuple(periods)))
        government = str(raw.get("government", parties[0].id if parties else ""))
        if government and government not in {s.id for s in parties}:
            raise ValueError(f"government {government!r} is not a side id")
        return cls(
            region,
            parties_out,
            tuple(ambiguous),
            tuple(dated),
            sides[len(parties) :],
            government,
        )

    # -- queries ----------------------------------------------------------------------------
    @property
    def theatre(self) -> Region:
        """The region (the old name of :attr:`region`)."""
        return self.region

    @property
    def ids(self) -> tuple[str, ...]:
        """Side ids in file order (third parties are not sides)."""
        return tuple(s.id for s in self.sides)

    @property
    def third_party_ids(self) -> tuple[str, ...]:
        """Third-party ids in file order."""
        return tuple(s.id for s in self.third_parties)

    @property
    def actors(self) -> tuple[Side, ...]:
        """Sides then third parties: everyone whose names are matched in text."""
        return (*self.sides, *self.third_parties)

    def get(self, side_id: str) -> Side:
        """The side or third party with this id.

        Raises
        ------
        SidesError
            When no side has that id.
        """
        for side in self.actors:
            if side.id == side_id:
                return side
        raise SidesError("sides", None, f"no side with id {side_id!r}")

    def colour(self, side_id: str, default: str = "#888888") -> str:
        """The map colour of a side, or ``default`` for unknown/contested."""
        return next((s.colour for s in self.actors if s.id == side_id), default)

    def is_third_party(self, side_id: str) -> bool:
        """True for a declared third party (never an event's side)."""
        return side_id in self.third_party_ids

    def opponents(self, side_id: str) -> tuple[str, ...]:
        """The declared opponents of a side or third party; () for an unknown id."""
        return next((s.opponents for s in self.actors if s.id == side_id), ())

    @property
    def ground_third_parties(self) -> tuple[str, ...]:
        """Third parties that may hold ground (take a place a side gives up), in file order."""
        return tuple(s.id for s in self.third_parties if s.holds_ground)

    def opponent(self, side_id: str) -> str | None:
        """The one declared opponent of a side, or None when it has none or several."""
        rivals = self.opponents(side_id)
        return rivals[0] if len(rivals) == 1 else None

    @property
    def masks(self) -> tuple[str, ...]:
        """Every actor name and person: none of them is a place."""
        names: list[str] = []
        for s in self.actors:
            names += [*s.aliases, *s.persons]
        for a in self.ambiguous:
            names += [a.alias, *a.variants]
        for d in self.dated:
            names += [d.alias, *d.variants]
        return tuple(dict.fromkeys(names))

    @property
    def persons(self) -> tuple[str, ...]:
        """Every person named in the sides file."""
        return tuple(dict.fromkeys(p for s in self.actors for p in s.persons))

    @cached_property
    def _matcher(self) -> tuple[ahocorasick.Automaton, dict[str, list[tuple[str, Any]]]]:
        entries: dict[str, list[tuple[str, Any]]] = {}

        def add(name: str, kind: str, payload: Any) -> None:
            key = normalise_name(name)
            if key:
                entries.setdefault(key, []).append((kind, (payload, name)))

        for s in self.actors:
            for alias in (s.id, *s.aliases):
                for name in _with_heads(alias):
                    add(name, "alias", s.id)
            for person in s.persons:
                add(person, "person", s.id)
        for a in self.ambiguous:
            for name in (a.alias, *a.variants):
                add(name, "ambiguous", a)
        for d in self.dated:
            for name in (d.alias, *d.variants):
                for variant in _with_heads(name):
                    add(variant, "dated", d)
        auto = ahocorasick.Automaton()
        for key in entries:
            auto.add_word(key, key)
        auto.make_automaton()
        return auto, entries

    def find_actors(
        self, text: str, *, when: date | None = None, normalised: NormalisedText | None = None
    ) -> list[ActorMention]:
        """Actor names in ``text``, longest first on overlaps, in order of appearance.

        Acronyms (aliases written in capitals, "IS", "SDF") match only in capitals, so the verb
        "is" is no actor. ``when`` picks the meaning of dated names.
        """
        auto, entries = self._matcher
        nt = normalised if normalised is not None else normalise_text(text)
        norm = nt.text
        found: list[tuple[int, int, str]] = []
        for end_idx, key in auto.iter(norm):
            start = end_idx - len(key) + 1
            end = end_idx + 1
            if (start == 0 or norm[start - 1] == " ") and (end == len(norm) or norm[end] == " "):
                found.append((start, end, key))
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        chosen: list[ActorMention] = []
        taken = Occupancy(len(norm))
        for nstart, nend, key in found:
            if not taken.free(nstart, nend):
                continue
            start, end = nt.span(nstart, nend)
            surface = text[start:end]
            mention = self._judge(surface, start, end, entries[key], when)
            if mention is not None:
                chosen.append(mention)
                taken.take(nstart, nend)
        chosen.sort(key=lambda m: m.start)
        return chosen

    @staticmethod
    def _judge(
        surface: str, start: int, end: int, options: Iterable[tuple[str, Any]], when: date | None
    ) -> ActorMention | None:
        for kind, (payload, name) in options:
            if name.isupper() and surface.upper() != surface:
                continue  # an acronym written in lower case is an ordinary word
            if kind == "alias":
                return ActorMention(start, end, surface, payload, "alias")
            if kind == "person":
                return ActorMention(start, end, surface, payload, "person")
            if kind == "dated":
                return ActorMention(start, end, surface, payload.side_on(when), "dated")
            if kind == "ambiguous":
                return ActorMention(start, end, surface, None, "ambiguous", payload)
        return None


def _flag(raw: Mapping[str, Any], key: str, *, default: bool) -> bool:
    """A true/false entry of a side table (a string is refused: "false" is not False)."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"side {raw.get('id')!r}: {key} must be true or false, not {value!r}")
    return value


def _with_heads(name: str) -> list[str]:
    """``name``, and for "X forces" also "X troops", "X fighters", ... (any armed-group head).

    A bare determiner is no modifier: "the forces" stays one name.
    """
    head = name.rsplit(" ", 1)
    if len(head) < 2 or head[1].lower() not in ARMED_GROUP_HEADS:
        return [name]
    if head[0].lower() in ("the", "a", "an"):
        return [name]
    return [name, *(f"{head[0]} {other}" for other in ARMED_GROUP_HEADS)]
