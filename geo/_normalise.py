"""Transliteration-insensitive normalisation of place names and text.

The same function keys the gazetteer and scans article text, so "al-Watiya", "Al Watiya" and
"الوطية" meet on one key. Text normalisation keeps a map from each output character back to the
input offset, so matches can be reported as spans of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NormalisedText", "normalise_name", "normalise_text"]

# Definite articles of Arabic transliteration. The short English-looking ones (as, at, an, ad, ar)
# count only when glued by a hyphen ("As-Sidra"), never as free words.
_ARTICLES_FREE = frozenset({"al", "el", "ash", "ath", "adh", "az", "ez", "es", "ed", "er", "ul"})
_ARTICLES_HYPHEN = _ARTICLES_FREE | frozenset({"as", "at", "an", "ad", "ar", "az", "et", "en"})

_APOSTROPHES = "'`´‘’ʼʻʾʿ′"
_HYPHENS = "-‐‑‒–—―_"
# Arabic letters with several spellings in the wild, folded onto one.
_ARABIC_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ـ": None}
)
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """Normalised text with, for each of its characters, the offset in the original text."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text."""
        return self.offsets[start], self.offsets[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """Lower-case one character and strip its Latin diacritics; Arabic is folded separately."""
    if ch in _APOSTROPHES:
        return ""
    if ch in _HYPHENS:
        return "-"
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    base = base.translate(_ARABIC_FOLD)
    return _ARABIC_MARKS.sub("", base).lower()


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """Spelling variants of one Latin word: ou/oo -> u, doubled letters, trailing -ah."""
    if not word.isascii():
        # Arabic: drop the article ال, which is written joined to the noun.
        if word.startswith("ال") and len(word) > 3:
            return word[2:]
        return word
    word = word.replace("ou", "u").replace("oo", "u").replace("ee", "i")
    word = re.sub(r"([a-z])\1+", r"\1", word)
    if len(word) > 3 and word.endswith("ah"):
        word = word[:-1]
    return word


_POSSESSIVE = re.compile(r"[" + _APOSTROPHES + r"]s\b")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=200_000)
def _token_units(token: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The folded words of one white-space-free token, with offsets relative to the token.

    An empty word marks punctuation (a break). Tokens repeat a lot in news text, so the result
    is cached: the per-character work is done once per distinct token.
    """
    # The possessive 's is not part of a name: "Tripoli's" must match "Tripoli".
    skip = {i for m in _POSSESSIVE.finditer(token) for i in range(m.start(), m.end())}
    # "U.N.-backed" is "UN-backed": the dots of an acronym are no punctuation.
    skip |= {
        m.start() + k
        for m in _ACRONYM_DOTS.finditer(token)
        for k, ch in enumerate(m.group())
        if ch == "."
    }
    chars: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(token):
        if i in skip:
            continue
        for f in _fold_char(ch):
            chars.append(f)
            src.append(i)
    folded = "".join(chars)
    units: list[tuple[str, tuple[int, ...]]] = []
    last_end = 0
    for m in _WORD.finditer(folded):
        if m.start() > last_end:
            units.append(("", ()))
        last_end = m.end()
        parts = m.group().split("-")
        pos = m.start()
        for k, part in enumerate(parts):
            part_start = pos
            pos += len(part) + 1
            is_article = (len(parts) > k + 1 and part in _ARTICLES_HYPHEN) or (
                len(parts) == 1 and part in _ARTICLES_FREE
            )
            word = "" if is_article else _fold_word(part)
            if not word:
                continue
            # Folding may shorten the word; spread its characters over the source span, and
            # map the last one to the end of the source word so spans cover it whole.
            n_src = len(part)
            rel = [
                src[part_start + min(j * n_src // len(word), n_src - 1)] for j in range(len(word))
            ]
            rel[-1] = src[part_start + n_src - 1]
            units.append((word, tuple(rel)))
    if last_end < len(folded):
        units.append(("", ()))
    return tuple(units)


_TOKEN = re.compile(r"\S+")
_ACRONYM_DOTS = re.compile(r"(?<![^\W\d_])(?:[A-Za-z]\.){2,}")
_LINE = re.compile(r"[^\n]+")


def normalise_text(text: str) -> NormalisedText:
    """Normalise ``text`` word by word, keeping offsets into the original.

    Words are folded (see :func:`normalise_name`) and joined by single spaces; punctuation other
    than hyphens and apostrophes, and line breaks, become " | ", so no name matches across them.
    """
    out: list[str] = []
    offsets: list[int] = []
    pending_break = False
    for line in _LINE.finditer(text):
        pending_break = True  # no name runs across a line break
        for m in _TOKEN.finditer(text, line.start(), line.end()):
            lead, chunk, rel, trail = _token_render(m.group())
            if not chunk:
                # Pure punctuation breaks; a lone article ("al") vanishes without a trace.
                pending_break = pending_break or lead or trail
                continue
            base = m.start()
            if out:
                sep = " | " if pending_break or lead else " "
                out.append(sep)
                offsets.extend((base + rel[0],) * len(sep))
            out.append(chunk)
            offsets.extend(map(base.__add__, rel))
            pending_break = trail
    return NormalisedText("".join(out), tuple(offsets))


@lru_cache(maxsize=200_000)
def _token_render(token: str) -> tuple[bool, str, tuple[int, ...], bool]:
    """One token ready to append: (break before, its words joined, their offsets, break after).

    Words inside the token are joined by " " or, across punctuation, " | ".
    """
    units = _token_units(token)
    parts: list[str] = []
    rel: list[int] = []
    lead = trail = False
    pending = False
    for word, offs in units:
        if not word:
            if parts:
                pending = True
            else:
                lead = True
            continue
        if parts:
            sep = " | " if pending else " "
            parts.append(sep)
            rel.extend((offs[0],) * len(sep))
        parts.append(word)
        rel.extend(offs)
        pending = False
    trail = pending or bool(units and not units[-1][0])
    return lead, "".join(parts), tuple(rel), trail


@lru_cache(maxsize=100_000)
def normalise_name(name: str) -> str:
    """Return the matching key of a place name.

    Examples
    --------
    >>> normalise_name("Al-Watiya")
    'watiya'
    >>> normalise_name("Tarhouna") == normalise_name("Tarhūna")
    True
    """
    return normalise_text(name).text.replace(" | ", " ").strip()
