"""The sides of a conflict and the actor names that designate them, from ``data/sides.toml``.

Nothing in the code knows about a particular war; the sides file carries the names.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import ahocorasick

from geo._normalise import NormalisedText, normalise_name, normalise_text
from geo._spans import Occupancy
from geo.exceptions import SidesError
from geo.gazetteer import data_path
from geo.toponyms import ARMED_GROUP_HEADS

__all__ = ["ActorMention", "AmbiguousActor", "DatedActor", "Side", "Sides", "Theatre"]

log = logging.getLogger(__name__)


ActorKind = Literal["alias", "person", "ambiguous", "dated"]


@dataclass(frozen=True, slots=True)
class Side:
    """One side: id (``GNA``), display names, map colour and its actor names."""

    id: str
    name: str
    short: str
    colour: str
    aliases: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AmbiguousActor:
    """A name whose side depends on the outlet or the context ("the Libyan army")."""

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


@dataclass(frozen=True, slots=True)
class Theatre:
    """Where the war is: its name, ISO country code and map bounds ((lat, lon) corners)."""

    name: str
    country: str
    bounds: tuple[tuple[float, float], tuple[float, float]]


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
    """The sides of one theatre. Load with :meth:`load`."""

    theatre: Theatre
    sides: tuple[Side, ...]
    ambiguous: tuple[AmbiguousActor, ...] = ()
    dated: tuple[DatedActor, ...] = ()

    @classmethod
    def load(cls, path: Path | str | None = None) -> Sides:
        """Load a sides TOML file (the packaged ``data/sides.toml`` by default).

        Raises
        ------
        SidesError
            When the file is missing, is not TOML, or a side lacks an id or colour.
        """
        spath = data_path("sides.toml", path)
        try:
            raw = tomllib.loads(spath.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SidesError(str(spath), None, f"cannot read ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise SidesError(str(spath), None, f"not valid TOML ({exc})") from None
        try:
            return cls._from_dict(raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise SidesError(str(spath), None, f"malformed sides file: {exc!r}") from None

    @classmethod
    def _from_dict(cls, raw: Mapping[str, Any]) -> Sides:
        th = raw.get("theatre", {})
        bounds = th.get("bounds", [[-90.0, -180.0], [90.0, 180.0]])
        theatre = Theatre(
            name=str(th.get("name", "")),
            country=str(th.get("country", "")),
            bounds=(
                (float(bounds[0][0]), float(bounds[0][1])),
                (float(bounds[1][0]), float(bounds[1][1])),
            ),
        )
        sides = []
        for s in raw["side"]:
            if not s.get("id") or not s.get("colour"):
                raise ValueError(f"side {s!r} needs an id and a colour")
            sides.append(
                Side(
                    id=str(s["id"]),
                    name=str(s.get("name", s["id"])),
                    short=str(s.get("short", s["id"])),
                    colour=str(s["colour"]),
                    aliases=tuple(s.get("aliases", ())),
                    persons=tuple(s.get("persons", ())),
                )
            )
        ids = {s.id for s in sides}
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
        return cls(theatre, tuple(sides), tuple(ambiguous), tuple(dated))

    # -- queries ----------------------------------------------------------------------------
    @property
    def ids(self) -> tuple[str, ...]:
        """Side ids in file order."""
        return tuple(s.id for s in self.sides)

    def get(self, side_id: str) -> Side:
        """The side with this id.

        Raises
        ------
        SidesError
            When no side has that id.
        """
        for side in self.sides:
            if side.id == side_id:
                return side
        raise SidesError("sides", None, f"no side with id {side_id!r}")

    def colour(self, side_id: str, default: str = "#888888") -> str:
        """The map colour of a side, or ``default`` for unknown/contested."""
        return next((s.colour for s in self.sides if s.id == side_id), default)

    def opponent(self, side_id: str) -> str | None:
        """The main rival of a side: the other of the first two sides in the file."""
        main = self.ids[:2]
        if side_id in main and len(main) == 2:
            return main[1] if side_id == main[0] else main[0]
        return None

    @property
    def masks(self) -> tuple[str, ...]:
        """Every actor name and person: none of them is a place."""
        names: list[str] = []
        for s in self.sides:
            names += [*s.aliases, *s.persons]
        for a in self.ambiguous:
            names += [a.alias, *a.variants]
        for d in self.dated:
            names += [d.alias, *d.variants]
        return tuple(dict.fromkeys(names))

    @property
    def persons(self) -> tuple[str, ...]:
        """Every person named in the sides file."""
        return tuple(dict.fromkeys(p for s in self.sides for p in s.persons))

    @cached_property
    def _matcher(self) -> tuple[ahocorasick.Automaton, dict[str, list[tuple[str, Any]]]]:
        entries: dict[str, list[tuple[str, Any]]] = {}

        def add(name: str, kind: str, payload: Any) -> None:
            key = normalise_name(name)
            if key:
                entries.setdefault(key, []).append((kind, (payload, name)))

        for s in self.sides:
            for alias in (s.id, *s.aliases):
                add(alias, "alias", s.id)
                # "pro-government forces" also covers "pro-government fighters/troops/...".
                head = alias.rsplit(" ", 1)
                if len(head) == 2 and head[1].lower() in ARMED_GROUP_HEADS:
                    for other in ARMED_GROUP_HEADS:
                        add(f"{head[0]} {other}", "alias", s.id)
            for person in s.persons:
                add(person, "person", s.id)
        for a in self.ambiguous:
            for name in (a.alias, *a.variants):
                add(name, "ambiguous", a)
        for d in self.dated:
            for name in (d.alias, *d.variants):
                add(name, "dated", d)
        auto = ahocorasick.Automaton()
        for key in entries:
            auto.add_word(key, key)
        auto.make_automaton()
        return auto, entries

    def find_actors(
        self, text: str, *, when: date | None = None, normalised: NormalisedText | None = None
    ) -> list[ActorMention]:
        """Actor names in ``text``, longest first on overlaps, in order of appearance.

        Acronyms (aliases written in capitals, "IS", "GNA") match only in capitals, so the verb
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
