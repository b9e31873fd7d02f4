"""The frame table and the word classes, read from the package's TOML files into dataclasses.

``frames.toml`` holds one row per trigger family (see its header); ``lexicon.toml`` the word
classes of modifiers, place nouns and actor nouns. Both are data: the code never names a
trigger word.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from geo.exceptions import DataFileError

__all__ = ["FAMILIES", "Frame", "Lexicon", "Requirement", "Slot", "Tables", "load_tables"]

FAMILIES = frozenset(
    {
        "capture",
        "lost",
        "withdraw",
        "expel",
        "entry",
        "contested",
        "control_claim",
        "strike",
        "offensive",
    }
)
_POS = frozenset({"verb", "noun", "adj", "any"})
_ROLE_NAMES = frozenset(
    {
        "subj",
        "obj",
        "theme",
        "head",
        "loc",
        "poss",
        "appos",
        "compound",
        "self",
        "in*",
        "examples",
        "implicit",
    }
)


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a role stands: a grammatical position or a preposition's object.

    ``name`` is one of subj, obj, theme, head, loc, poss, appos, compound, or a preposition
    ("from", "out of"); ``only`` narrows a preposition to one kind of place noun ("edge").
    """

    name: str
    only: str = ""

    @classmethod
    def parse(cls, text: str) -> Slot:
        name, _, only = text.partition("@")
        return cls(name.strip().lower(), only.strip().lower())

    @property
    def is_prep(self) -> bool:
        """True for a preposition slot."""
        return self.name not in _ROLE_NAMES


@dataclass(frozen=True, slots=True)
class Requirement:
    """A dependent the trigger must have: ``kind`` prt, obj or prep, one of ``words``."""

    kind: str
    words: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Requirement:
        kind, _, words = text.partition(":")
        if kind not in ("prt", "obj", "prep") or not words:
            raise ValueError(f"bad requirement {text!r} (prt:, obj: or prep: and words)")
        return cls(kind, frozenset(w.strip().lower() for w in words.split("|")))


@dataclass(frozen=True, slots=True)
class Frame:
    """One row of the frame table."""

    row: int
    family: str
    lemmas: frozenset[str]
    pos: str
    requires: tuple[Requirement, ...] = ()
    place: tuple[Slot, ...] = ()
    winner: tuple[Slot, ...] = ()
    loser: tuple[Slot, ...] = ()
    state: frozenset[str] = frozenset()
    need: frozenset[str] = frozenset()
    fragment: bool = False
    forbids: frozenset[str] = frozenset()
    fallback: str = "focus"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word classes of ``lexicon.toml``: each a frozen set of lower-case lemmas."""

    classes: Mapping[str, frozenset[str]]

    def __getitem__(self, name: str) -> frozenset[str]:
        return self.classes[name]

    def has(self, name: str, word: str) -> bool:
        """True when ``word`` (lower-cased) is in the class ``name``."""
        return word.lower() in self.classes[name]


@dataclass(frozen=True, slots=True)
class Tables:
    """The frame table indexed by lemma, and the lexicon."""

    frames: tuple[Frame, ...]
    by_lemma: Mapping[str, tuple[Frame, ...]]
    lexicon: Lexicon

    def frames_for(self, lemma: str) -> tuple[Frame, ...]:
        """The rows a lemma may trigger, in table order."""
        return self.by_lemma.get(lemma.lower(), ())

    @property
    def trigger_words(self) -> frozenset[str]:
        """Every trigger lemma (the prefilter's vocabulary)."""
        return frozenset(self.by_lemma)


def _frame(row: int, raw: Mapping[str, Any]) -> Frame:
    family = str(raw["family"])
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    pos = str(raw.get("pos", "verb"))
    if pos not in _POS:
        raise ValueError(f"unknown pos {pos!r}")
    need = frozenset(str(n) for n in raw.get("need", ()))
    if need - {"winner", "loser"}:
        raise ValueError(f"need names unknown roles {sorted(need)}")
    return Frame(
        row=row,
        family=family,
        lemmas=frozenset(str(w).lower() for w in raw["lemmas"]),
        pos=pos,
        requires=tuple(Requirement.parse(str(r)) for r in raw.get("requires", ())),
        place=tuple(Slot.parse(str(s)) for s in raw.get("place", ())),
        winner=tuple(Slot.parse(str(s)) for s in raw.get("winner", ())),
        loser=tuple(Slot.parse(str(s)) for s in raw.get("loser", ())),
        state=frozenset(str(s).lower() for s in raw.get("state", ())),
        need=need,
        fragment=bool(raw.get("fragment", False)),
        forbids=frozenset(str(d) for d in raw.get("forbids", ())),
        fallback=_fallback(raw),
    )


def _fallback(raw: Mapping[str, Any]) -> str:
    value = str(raw.get("fallback", "focus"))
    if value not in ("focus", "attacker", "rival"):
        raise ValueError(f"fallback must be focus, attacker or rival, not {value!r}")
    return value


def _read(name: str) -> dict[str, Any]:
    text = resources.files("geo.extract").joinpath(name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(name, None, f"not valid TOML ({exc})") from None


def load_tables() -> Tables:
    """Read and check the packaged frame table and lexicon.

    Raises
    ------
    DataFileError
        When a row names an unknown family, part of speech, slot or requirement.
    """
    frames: list[Frame] = []
    for i, raw in enumerate(_read("frames.toml").get("frame", ()), start=1):
        try:
            frames.append(_frame(i, raw))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError("frames.toml", None, f"frame {i}: {exc}") from None
    index: dict[str, list[Frame]] = {}
    for f in frames:
        for lemma in f.lemmas:
            index.setdefault(lemma, []).append(f)
    classes: dict[str, frozenset[str]] = {}
    for section, table in _read("lexicon.toml").items():
        for name, words in table.items():
            classes[f"{section}.{name}"] = frozenset(str(w).lower() for w in words)
            classes[f"{section}.{name}_raw"] = frozenset(str(w) for w in words)
    return Tables(
        frames=tuple(frames),
        by_lemma={k: tuple(v) for k, v in index.items()},
        lexicon=Lexicon(classes),
    )
