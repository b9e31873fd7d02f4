"""A deterministic synthetic news corpus for benchmarks, recombined from the seed articles.

Every seed sentence becomes a *shape*: its text with the place names, actor names, weekdays,
months and years cut out as slots (the places and actors found by the pipeline itself, so the
slots sit exactly where a name was). An article takes one seed as its skeleton (its lines and
paragraph breaks), keeps some of its sentences and swaps the others for random shapes of any
seed, then fills the slots: places with random gazetteer towns and cities (airbases and oil
fields with others of their kind), actors with other names of the sides file (the two main
sides swapped in half the articles), and dates moved to the article's publication day, drawn
over two years.

The text is meant for measuring speed and memory only: it reads like the news but its facts are
random, so it must never be used to tune or score the extraction rules.

Articles are numbered; article ``i`` depends only on the seed, ``i`` and the shapes, so a corpus
of 1,000 is the start of the corpus of 100,000 and shards are written once and reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geo._sentences import split_sentences
from geo.documents import Document, load_documents
from geo.gazetteer import Gazetteer, Place
from geo.sides import Sides
from geo.toponyms import PlaceFinder

__all__ = [
    "GENERATOR_VERSION",
    "SHARD_SIZE",
    "Corpus",
    "Shape",
    "build_shapes",
    "shift_dates",
]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PUBLISHED = date(2020, 6, 6)  # every seed article was published that Saturday
OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 1
SHARD_SIZE = 1000
# Publication dates span two years, as the 10,000-event map does.
FIRST_DAY = date(2019, 4, 4)
SPAN_DAYS = 730
OUTLETS = ("", "", "", "Anadolu Agency", "Al Arabiya", "TRT World", "Reuters", "AFP", "Xinhua")

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DATE_WORD = re.compile(
    r"\b(?P<wd>" + "|".join(_WEEKDAYS) + r")\b|\b(?P<mo>" + "|".join(_MONTHS) + r")\b"
    r"|\b(?P<yr>2019|2020|2021)\b"
)
_CITY_KINDS = ("city", "town", "capital")

# A slot: ("place", kind) or ("actor", (side id or "", actor kind, ambiguous alias or "", the
# surface was capitalised)).
Slot = tuple[str, Any]
Piece = str | Slot


@dataclass(frozen=True, slots=True)
class Shape:
    """A seed sentence with its names cut out: literal strings and slots, in order."""

    seed: int
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class _Skeleton:
    """A seed's layout: lines, each a list of (shape index, separator after it)."""

    lines: tuple[tuple[tuple[int, str], ...], ...]
    line_breaks: tuple[str, ...]


@dataclass(frozen=True)
class _Pools:
    places: dict[str, tuple[str, ...]]  # kind -> names PlaceFinder finds as that place
    cities: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]  # side -> aliases
    persons: dict[str, tuple[str, ...]]  # side -> persons
    ambiguous: dict[str, tuple[str, ...]]  # alias -> its variants
    sides: tuple[str, ...]


def _ascii_name(place: Place) -> str:
    return next((n for n in place.names if n.isascii()), place.name)


def _findable_names(finder: PlaceFinder, places: Sequence[Place]) -> tuple[str, ...]:
    """Names the finder resolves to their own place in a plain news sentence."""
    out = []
    for place in places:
        name = _ascii_name(place)
        found = finder.find(f"Fighting was reported in {name} on Monday.")
        if len(found) == 1 and found[0].place.id == place.id and found[0].text == name:
            out.append(name)
    return tuple(dict.fromkeys(out))


def _pools(gazetteer: Gazetteer, sides: Sides, finder: PlaceFinder) -> _Pools:
    by_kind: dict[str, list[Place]] = {}
    for place in gazetteer:
        by_kind.setdefault(place.kind, []).append(place)
    places = {kind: _findable_names(finder, ps) for kind, ps in sorted(by_kind.items())}
    cities = tuple(n for kind in _CITY_KINDS for n in places.get(kind, ()))
    return _Pools(
        places={k: v for k, v in places.items() if len(v) >= 3},
        cities=cities,
        aliases={s.id: tuple(a for a in s.aliases if a) for s in sides.sides},
        persons={s.id: tuple(p for p in s.persons if p) for s in sides.sides},
        ambiguous={a.alias: (a.alias, *a.variants) for a in sides.ambiguous},
        sides=sides.ids,
    )


def _cut(text: str, start: int, end: int, slots: list[tuple[int, int, Slot]]) -> list[Piece]:
    pieces: list[Piece] = []
    pos = start
    for s, e, slot in slots:
        if s < pos or e > end:
            continue
        if s > pos:
            pieces.append(text[pos:s])
        pieces.append(slot)
        pos = e
    if pos < end:
        pieces.append(text[pos:end])
    return pieces


def build_shapes(
    docs: Sequence[Document], gazetteer: Gazetteer, sides: Sides
) -> tuple[list[Shape], list[_Skeleton], _Pools]:
    """Cut the seed documents into sentence shapes and skeletons, and gather the fill pools."""
    finder = PlaceFinder(
        gazetteer, masks=sides.masks, persons=sides.persons, home_country=sides.theatre.country
    )
    shapes: list[Shape] = []
    skeletons: list[_Skeleton] = []
    for n, doc in enumerate(docs):
        text = doc.text
        slots: list[tuple[int, int, Slot]] = []
        for m in finder.find(text):
            slots.append((m.start, m.end, ("place", m.place.kind)))
        for a in sides.find_actors(text, when=doc.published):
            amb = a.ambiguous.alias if a.ambiguous is not None else ""
            cap = a.text[:1].isupper()
            slots.append((a.start, a.end, ("actor", (a.side or "", a.kind, amb, cap))))
        slots.sort(key=lambda t: (t[0], -t[1]))
        kept: list[tuple[int, int, Slot]] = []
        for slot in slots:
            if not kept or slot[0] >= kept[-1][1]:
                kept.append(slot)
        lines: list[tuple[tuple[int, str], ...]] = []
        breaks: list[str] = []
        for line in re.finditer(r"[^\n]+(\n*)", text):
            spans = [
                (s, e)
                for s, e in split_sentences(text)
                if line.start() <= s and e <= line.end() - len(line.group(1))
            ]
            row = []
            for k, (s, e) in enumerate(spans):
                nxt = spans[k + 1][0] if k + 1 < len(spans) else e
                shapes.append(Shape(n, tuple(_cut(text, s, e, kept))))
                row.append((len(shapes) - 1, text[e:nxt]))
            if row:
                lines.append(tuple(row))
                breaks.append(line.group(1) or "\n")
        skeletons.append(_Skeleton(tuple(lines), tuple(breaks)))
    return shapes, skeletons, _pools(gazetteer, sides, finder)


class Corpus:
    """The synthetic corpus of one generator seed, written as JSONL shards under ``root``.

    Parameters
    ----------
    seed
        The generator seed; the same seed (and seeds, gazetteer, sides and pipeline) gives the
        same articles byte for byte.
    root
        Where shards go; ``bench/out/corpus`` by default (ignored by git).
    shard_size
        Articles per shard file.
    keep
        Probability that an article keeps its skeleton's own sentence at each position.
    """

    def __init__(
        self,
        seed: int = 2020,
        root: Path | None = None,
        *,
        shard_size: int = SHARD_SIZE,
        keep: float = 0.5,
        seeds_dir: Path = SEEDS,
        gazetteer: Gazetteer | None = None,
        sides: Sides | None = None,
    ) -> None:
        self.seed = seed
        self.shard_size = shard_size
        self.keep = keep
        gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        sides = sides if sides is not None else Sides.load()
        docs = list(load_documents([seeds_dir], published=SEED_PUBLISHED))
        if not docs:
            raise ValueError(f"no seed articles in {seeds_dir}")
        self.shapes, self.skeletons, self.pools = build_shapes(docs, gazetteer, sides)
        fingerprint = hashlib.sha256(
            repr(
                (GENERATOR_VERSION, seed, shard_size, keep, self.shapes, self.skeletons, self.pools)
            ).encode()
        ).hexdigest()[:12]
        self.fingerprint = fingerprint
        self.dir = (root if root is not None else OUT / "corpus") / f"seed{seed}-{fingerprint}"

    # -- one article ------------------------------------------------------------------------
    def article(self, i: int) -> dict[str, str]:
        """Article ``i`` as a JSONL record (``id``, ``published``, ``source``, ``text``)."""
        rng = random.Random(f"frontline-bench:{self.seed}:{i}")
        published = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
        swap = rng.random() < 0.5
        skeleton = self.skeletons[rng.randrange(len(self.skeletons))]
        # Places an article names recur: draw a small cast once, reuse it.
        cast: dict[str, list[str]] = {}
        out: list[str] = []
        for line, brk in zip(skeleton.lines, skeleton.line_breaks, strict=True):
            for shape_id, sep in line:
                if rng.random() >= self.keep:
                    shape_id = rng.randrange(len(self.shapes))
                out.append(self._fill(self.shapes[shape_id], rng, cast, swap, published))
                out.append(sep or " ")
            if out:
                out[-1] = brk
        text = "".join(out).strip() + "\n"
        return {
            "id": f"bench-{self.seed}-{i:07d}",
            "published": published.isoformat(),
            "source": OUTLETS[rng.randrange(len(OUTLETS))],
            "text": text,
        }

    def _fill(
        self,
        shape: Shape,
        rng: random.Random,
        cast: dict[str, list[str]],
        swap: bool,
        published: date,
    ) -> str:
        parts: list[str] = []
        for piece in shape.pieces:
            if isinstance(piece, str):
                parts.append(shift_dates(piece, published))
            elif piece[0] == "place":
                parts.append(self._place(piece[1], rng, cast, parts))
            else:
                parts.append(self._actor(piece[1], rng, swap))
        return "".join(parts)

    def _place(
        self, kind: str, rng: random.Random, cast: dict[str, list[str]], sentence: list[str]
    ) -> str:
        pool = self.pools.places.get(kind) if kind not in _CITY_KINDS else None
        pool = pool or self.pools.cities
        names = cast.setdefault(kind if pool is not self.pools.cities else "city", [])
        # An article keeps coming back to a small cast of places, never twice in one sentence.
        fresh = [n for n in names if n not in sentence]
        if fresh and (len(names) >= 8 or rng.random() < 0.5):
            return fresh[rng.randrange(len(fresh))]
        name = pool[rng.randrange(len(pool))]
        if name not in names:
            names.append(name)
        return name

    def _actor(self, info: tuple[str, str, str, bool], rng: random.Random, swap: bool) -> str:
        side, kind, amb, cap = info
        name = self._actor_name(side, kind, amb, rng, swap)
        return name[:1].upper() + name[1:] if cap else name

    def _actor_name(self, side: str, kind: str, amb: str, rng: random.Random, swap: bool) -> str:
        if kind == "ambiguous" and amb in self.pools.ambiguous:
            variants = self.pools.ambiguous[amb]
            return variants[rng.randrange(len(variants))]
        sides = self.pools.sides
        if swap and side in sides[:2] and len(sides) >= 2:
            side = sides[1] if side == sides[0] else sides[0]
        if not side:
            side = sides[rng.randrange(len(sides))]
        pool = (self.pools.persons if kind == "person" else self.pools.aliases).get(side, ())
        if not pool:
            pool = self.pools.aliases[sides[0]]
        return pool[rng.randrange(len(pool))]

    # -- shards ----------------------------------------------------------------------------
    def shard_path(self, k: int) -> Path:
        """The file of shard ``k`` (articles ``k * shard_size`` onwards)."""
        return self.dir / f"shard-{k:05d}.jsonl"

    def ensure(self, n: int) -> list[Path]:
        """Write the shards holding the first ``n`` articles (reusing shards already written).

        Returns
        -------
        list of Path
            The shard files, in order; the last may hold more than ``n`` articles in all.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        n_shards = -(-n // self.shard_size)
        paths = []
        for k in range(n_shards):
            path = self.shard_path(k)
            if not path.exists():
                tmp = path.with_suffix(f".tmp{os.getpid()}")
                with tmp.open("w", encoding="utf-8") as fh:
                    for i in range(k * self.shard_size, (k + 1) * self.shard_size):
                        fh.write(json.dumps(self.article(i), ensure_ascii=False) + "\n")
                tmp.replace(path)
            paths.append(path)
        return paths


def shift_dates(text: str, published: date) -> str:
    """Move weekdays, months and years from the seeds' date to ``published``."""
    if not _DATE_WORD.search(text):
        return text

    def sub(m: re.Match[str]) -> str:
        if m.group("wd"):
            delta = _WEEKDAYS.index(m.group("wd")) - SEED_PUBLISHED.weekday()
            return _WEEKDAYS[(published.weekday() + delta) % 7]
        if m.group("mo"):
            delta = _MONTHS.index(m.group("mo")) + 1 - SEED_PUBLISHED.month
            return _MONTHS[(published.month - 1 + delta) % 12]
        return str(published.year + int(m.group("yr")) - SEED_PUBLISHED.year)

    return _DATE_WORD.sub(sub, text)
