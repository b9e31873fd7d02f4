"""Transliteration-insensitive normalisation of place names and text.

The same function keys the gazetteer and scans article text, so "al-Watiya", "Al Watiya" and
"الوطية" meet on one key. Text normalisation keeps a map from each output character back to the
input offset, so matches can be reported as spans of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


def normalise_text(text: str) -> NormalisedText:
    """Normalise ``text`` word by word, keeping offsets into the original.

    Words are folded (see :func:`normalise_name`) and joined by single spaces; punctuation other
    than hyphens and apostrophes becomes " | ", so no name matches across it.
    """
    out: list[str] = []
    offsets: list[int] = []
    # Fold characters first, remembering where each came from.
    folded_chars: list[tuple[str, int]] = []
    # The possessive 's is not part of a name: "Tripoli's" must match "Tripoli".
    skip = {i for m in _POSSESSIVE.finditer(text) for i in range(m.start(), m.end())}
    for i, ch in enumerate(text):
        if i in skip:
            continue
        for f in _fold_char(ch):
            folded_chars.append((f, i))
    folded = "".join(c for c, _ in folded_chars)
    src = [i for _, i in folded_chars]
    last_end = 0
    for m in _WORD.finditer(folded):
        gap = folded[last_end : m.start()]
        last_end = m.end()
        if out:
            # Any punctuation between words is a break: no name spans "Tripoli, Misrata".
            sep = " " if gap.isspace() else " | "
            out.append(sep)
            offsets.extend([src[m.start()]] * len(sep))
        parts = m.group().split("-")
        pos = m.start()
        emitted_any = False
        for k, part in enumerate(parts):
            part_start = pos
            pos += len(part) + 1
            is_article = (len(parts) > k + 1 and part in _ARTICLES_HYPHEN) or (
                len(parts) == 1 and part in _ARTICLES_FREE
            )
            if is_article:
                continue
            word = _fold_word(part)
            if not word:
                continue
            if emitted_any:
                out.append(" ")
                offsets.append(src[part_start])
            out.append(word)
            # Folding may shorten the word; spread its characters over the source span.
            n_src = len(part)
            for j in range(len(word)):
                offsets.append(src[part_start + min(j * n_src // max(len(word), 1), n_src - 1)])
            # The last character maps to the end of the source word, so spans cover it whole.
            offsets[-1] = src[part_start + n_src - 1]
            emitted_any = True
        if not emitted_any and out and out[-1] in (" ", " | "):
            # A lone article: drop the separator we just added as well.
            sep = out.pop()
            del offsets[len(offsets) - len(sep) :]
    return NormalisedText("".join(out), tuple(offsets))


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
