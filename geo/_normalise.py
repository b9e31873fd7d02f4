"""Cutting text into words for name matching, and the transliteration-insensitive key of a name.

:func:`split_words` maps every character that cannot be part of a name (space, punctuation,
hyphen, line break) to a cut, with one regular-expression pass and one ``str.split``: the words
joined by single spaces have the length of the text, so a word's offset in the original is the
sum of the lengths before it. What a word means as a name is decided per word by the
gazetteer's transliteration tables (:mod:`geo._translit`); a definite article is a word of its
own and has an empty key.

:func:`normalise_name` gives the ``mid`` key of a name (words joined by spaces), the key that
lookups and merges compare; :func:`normalise_text` gives the keys of a whole text with a map
back to the original offsets, for matchers that work on keys (actor names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from geo._translit import APOSTROPHES, Transliteration, load_transliteration

__all__ = [
    "NormalisedText",
    "default_transliteration",
    "name_key",
    "normalise_name",
    "normalise_text",
    "split_words",
    "word_bounds",
]

_HYPHENS = "-‐‑‒–—―"
# Characters that belong to a word: letters and digits, combining marks (decomposed
# diacritics, Arabic harakat), invisible format marks, apostrophes.
_WORD_CHARS = (
    r"\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff"
    r"\u20d0-\u20ff\ufe20-\ufe2f\u200b-\u200f\u00ad" + re.escape(APOSTROPHES)
)
_SEPARATOR = re.compile(r"[^" + _WORD_CHARS + r" ]|_")
# One-character stand-ins that keep lengths: an apostrophe stays an apostrophe (a word
# character), the other marks become ASCII separators.
_TYPOGRAPHIC = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("…", "."))
_ASCII_FOLD = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c in "'`" or c == " ")}
    | {"_": " "}
)


def split_words(text: str) -> list[str]:
    """The words of ``text`` as cut by its separators: ``" ".join`` of them has its length.

    Every separator (space, punctuation, hyphen, line break) is one cut, so two separators in a
    row leave an empty word between them, which no multi-word name spans.
    """
    # The common case first: typographic quotes and dashes aside, news text is ASCII, which one
    # str.translate folds (ten times faster than the regular expression that handles the rest).
    plain = text
    for mark, ascii_mark in _TYPOGRAPHIC:
        if mark in plain:
            plain = plain.replace(mark, ascii_mark)
    if plain.isascii():
        return plain.translate(_ASCII_FOLD).split(" ")
    return _SEPARATOR.sub(" ", text).split(" ")


def word_bounds(word: str) -> tuple[int, int]:
    """The part of a word that names something, as offsets into the word.

    Quotes and apostrophes around it and a possessive "'s" are left out.
    """
    lo = 0
    hi = len(word)
    while lo < hi and word[lo] in APOSTROPHES:
        lo += 1
    while hi > lo and word[hi - 1] in APOSTROPHES:
        hi -= 1
    if hi - lo > 2 and word[hi - 1] in "sS" and word[hi - 2] in APOSTROPHES:
        hi -= 2
    while hi > lo and word[hi - 1] in APOSTROPHES:
        hi -= 1
    return lo, hi


@cache
def default_transliteration() -> Transliteration:
    """The tables named by the packaged gazetteer (``data/gazetteer.toml``)."""
    import tomllib

    root = Path(str(resources.files("geo.data")))
    config = tomllib.loads((root / "gazetteer.toml").read_text(encoding="utf-8"))
    tables = config.get("names", {}).get("transliteration", [])
    return load_transliteration(root / t for t in tables)


def name_key(name: str, translit: Transliteration) -> str:
    """The ``mid`` key of a name under ``translit``: its words' keys, articles left out."""
    articles = translit.latin.free_articles | translit.latin.hyphen_articles
    words = split_words(_ACRONYM_DOTS.sub(_undot, name))
    keys = (translit.word(w).mid for w in words if w and w.lower() not in articles)
    return " ".join(k for k in keys if k)


@lru_cache(maxsize=100_000)
def normalise_name(name: str) -> str:
    """Return the matching key of a place or actor name under the packaged tables.

    Examples
    --------
    >>> normalise_name("Al-Watiya") == normalise_name("Watiya")
    True
    >>> normalise_name("Tarhouna") == normalise_name("Tarhūna")
    True
    """
    return name_key(name, default_transliteration())


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """Keys of a text's words with, for each character, the offset in the original text.

    Words are joined by a space, or by ``" | "`` where the original has anything but spaces,
    articles and hyphens between them (punctuation, a line break), so no name matches across it.
    """

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text."""
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=200_000)
def _mid(word: str) -> str:
    translit = default_transliteration()
    if word.lower() in translit.latin.free_articles | translit.latin.hyphen_articles:
        return ""
    return translit.word(word).mid


_GAP = re.compile(r"[ " + re.escape(_HYPHENS) + r"]+")


def _plain_gap(between: str) -> bool:
    """Only spaces, hyphens and articles between two words (no punctuation, no line break)."""
    return all(not part or (part.isalpha() and not _mid(part)) for part in _GAP.split(between))


# "U.N.-backed" is "UN-backed": the dots of an acronym are no punctuation (they become
# apostrophes, which keys ignore, so offsets stay put).
_ACRONYM_DOTS = re.compile(r"(?<![^\W\d_])(?:[A-Za-z]\.){2,}")


def _undot(m: re.Match[str]) -> str:
    return m.group().replace(".", "'")


def normalise_text(text: str) -> NormalisedText:
    """The ``mid`` keys of the words of ``text``, keeping offsets into the original."""
    out: list[str] = []
    offsets: list[int] = []
    prev_end = -1
    pos = 0
    for word in split_words(_ACRONYM_DOTS.sub(_undot, text)):
        raw_start = pos
        pos += len(word) + 1
        key = _mid(word) if word else ""
        if not key:
            continue
        lo, hi = word_bounds(word)
        start, end = raw_start + lo, raw_start + hi
        if out:
            sep = " " if _plain_gap(text[prev_end:raw_start]) else " | "
            out.append(sep)
            offsets.extend((start,) * len(sep))
        out.append(key)
        offsets.extend(_spread(start, end, len(key)))
        prev_end = raw_start + len(word)
    return NormalisedText("".join(out), tuple(offsets))


def _spread(start: int, end: int, n: int) -> list[int]:
    """``n`` offsets over the source word [start, end), the last on its last character."""
    width = end - start
    rel = [start + min(j * width // n, width - 1) for j in range(n)]
    rel[-1] = end - 1
    return rel
