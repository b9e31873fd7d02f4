"""Transliteration keys of words: rules read from per-script tables, none written here.

A gazetteer names the tables of its language (``data/transliteration/<lang>-<Script>.toml``).
Each word gets two keys:

``mid``
    The word with each sound written one way: diacritics, case and apostrophes gone, the
    table's digraphs and letter classes mapped to one symbol, doubled letters, silent endings
    and the definite article dropped, semivowels decided by what follows them. Two spellings
    with one ``mid`` are the same name.
``skeleton``
    The ``mid`` without its vowels (a leading vowel run is kept as ``a``). Spellings that
    differ in their vowels ("Qarnedah" / "Qarnadah", "Bir Sebkha" / "Bir Sabkha") share it. The
    place finder matches skeletons with one automaton and ranks what they find by ``mid``.

Latin steps, in order: table ``letters``; ``endings``; ``sounds.pre``; digraphs and letter
classes (``sounds``); doubled symbols collapsed; semivowels (``vowels.glides``) resolved: a
vowel before a vowel becomes its semivowel, a semivowel before a consonant or at the end
becomes its vowel, and a vowel just before its own consonant semivowel goes ("iya" -> "ya").
Arabic-script words fold the letter variants, drop the article with its proclitics, and map
each letter to the Latin skeleton symbols, so a name the sources hold only in Arabic script
still meets its Latin spellings.
"""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.exceptions import DataFileError

__all__ = [
    "APOSTROPHES",
    "ArabicRules",
    "LatinRules",
    "Transliteration",
    "WordKey",
    "load_transliteration",
]

# Marks written for the ayn and hamza, and the apostrophe of the possessive.
APOSTROPHES = "'`´‘’ʼʻʾʿ′"


@dataclass(frozen=True, slots=True)
class WordKey:
    """The keys of one word: ``skeleton`` keeps the case of the word's first letter."""

    mid: str
    skeleton: str
    article: bool = False


@dataclass(frozen=True)
class LatinRules:
    """The Latin-script table (see ``data/transliteration/ar-Latn.toml``)."""

    free_articles: frozenset[str] = frozenset()
    hyphen_articles: frozenset[str] = frozenset()
    letters: Mapping[str, str] = field(default_factory=dict)
    endings: tuple[tuple[str, str], ...] = ()
    silent_final_e: bool = False
    pre: tuple[tuple[str, str], ...] = ()
    digraphs: tuple[tuple[str, str], ...] = ()
    letter_classes: Mapping[str, str] = field(default_factory=dict)
    vowels: frozenset[str] = frozenset("aeiou")
    glides: Mapping[str, str] = field(default_factory=dict)
    particles: frozenset[str] = frozenset()
    nisba: tuple[str, ...] = ()

    @property
    def glide_of(self) -> dict[str, str]:
        """Vowel -> the semivowel it becomes before another vowel."""
        return {v: g for g, v in self.glides.items()}

    def symbols(self, word: str) -> list[str]:
        """Map a lower-case Latin word to its sound symbols (digraphs longest first)."""
        for old, new in self.pre:
            word = word.replace(old, new)
        out: list[str] = []
        i = 0
        n = len(word)
        while i < n:
            for old, new in self.digraphs:
                if word.startswith(old, i):
                    out.extend(new)
                    i += len(old)
                    break
            else:
                ch = word[i]
                out.append(self.letter_classes.get(ch, ch))
                i += 1
        return out

    def ending(self, word: str) -> str:
        """Apply the ending rewrites and the silent final e."""
        for old, new in self.endings:
            if len(word) > len(old) + 2 and word.endswith(old):
                return word[: -len(old)] + new
        if (
            self.silent_final_e
            and len(word) > 3
            and word.endswith("e")
            and word[-2] not in self.vowels
            and word[-2] not in self.glides
        ):
            return word[:-1]
        return word


@dataclass(frozen=True)
class ArabicRules:
    """The Arabic-script table (see ``data/transliteration/ar-Arab.toml``)."""

    prefixes: tuple[str, ...] = ()
    min_rest: int = 2
    letters: Mapping[int, str] = field(default_factory=dict)
    skeleton_letters: Mapping[str, str] = field(default_factory=dict)
    long_vowels: frozenset[str] = frozenset()
    final_a: frozenset[str] = frozenset()
    glides: Mapping[str, str] = field(default_factory=dict)


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


@dataclass(frozen=True)
class Transliteration:
    """The rules of a gazetteer's language; build it with :func:`load_transliteration`.

    With no table at all, words are only lower-cased and stripped of diacritics, which suits
    any language written in Latin letters.
    """

    latin: LatinRules = field(default_factory=LatinRules)
    arabic: ArabicRules | None = None
    digest: str = ""

    # -- one word ----------------------------------------------------------------------------
    def word(self, token: str) -> WordKey:
        """The keys of one word of text or of a name.

        ``token`` is a word as :func:`geo._normalise.fold_text` cuts it: letters, digits,
        apostrophes, and ``_`` after a glued article ("al_Watiya").
        """
        article = False
        if "_" in token:
            head, _, token = token.rpartition("_")
            article = bool(head)
        token = token.strip(APOSTROPHES)
        if len(token) > 2 and token[-1] in "sS" and token[-2] in APOSTROPHES:
            token = token[:-2]  # the possessive: "Town X's"
        letters = _plain(token)
        if not letters:
            return WordKey("", "", article)
        first = next((c for c in letters if c.isalpha()), "")
        cap = first.isupper() or not first.islower()
        lower = letters.lower()
        if self.arabic is not None and any(_is_arabic(c) for c in lower):
            mid, skel = self._arabic(lower)
        else:
            mid, skel = self._latin(lower)
        if cap and skel:
            skel = skel[0].upper() + skel[1:]
        return WordKey(mid, skel, article)

    def _latin(self, word: str) -> tuple[str, str]:
        rules = self.latin
        if rules.letters:
            word = "".join(rules.letters.get(c, c) for c in word)
        word = word.replace("'", "")
        for ch in APOSTROPHES:
            word = word.replace(ch, "")
        if not rules.digraphs and not rules.letter_classes and not rules.glides:
            return _collapse(list(word)), _skeleton(list(_collapse(list(word))), rules.vowels)
        symbols = _collapse_list(rules.symbols(rules.ending(word)))
        symbols = _resolve_glides(symbols, rules.vowels, rules.glides, rules.glide_of)
        symbols = _collapse_list(symbols)
        return "".join(symbols), _skeleton(symbols, rules.vowels)

    def _arabic(self, word: str) -> tuple[str, str]:
        rules = self.arabic
        assert rules is not None
        word = word.translate(rules.letters)
        for prefix in rules.prefixes:
            if word.startswith(prefix) and len(word) - len(prefix) >= rules.min_rest:
                word = word[len(prefix) :]
                break
        return word, _skeleton(self._arabic_symbols(word), frozenset("aiu"))

    def _arabic_symbols(self, word: str) -> list[str]:
        rules = self.arabic
        assert rules is not None
        out: list[str] = []
        n = len(word)
        for i, ch in enumerate(word):
            if ch in rules.long_vowels or (ch in rules.final_a and i == n - 1 and i > 0):
                out.append("a")
            elif ch in rules.glides:
                out.append(self._arabic_glide(word, i))
            elif ch in rules.skeleton_letters:
                sym = rules.skeleton_letters[ch]
                if sym:
                    out.append(sym)
            elif ch.isdigit() or ch.isascii():
                out.append(ch)
        return _collapse_list(out)

    def _arabic_glide(self, word: str, i: int) -> str:
        rules = self.arabic
        assert rules is not None
        consonant = rules.glides[word[i]]
        vowel = "u" if consonant == "w" else "i"
        if i == 0:
            return consonant
        nxt = word[i + 1] if i + 1 < len(word) else ""
        long_next = nxt in rules.long_vowels or (nxt in rules.final_a and i + 2 == len(word))
        if long_next or nxt in rules.glides:
            return consonant
        return vowel

    # -- phrases -----------------------------------------------------------------------------
    def phrase(self, words: Iterable[str]) -> tuple[str, str]:
        """(mid, lower-case skeleton) of a phrase given as folded words; empty words skipped."""
        keys = [self.word(w) for w in words]
        keys = [k for k in keys if k.skeleton or k.mid]
        mid = " ".join(k.mid for k in keys)
        return mid, " ".join(k.skeleton.lower() for k in keys)


def _plain(token: str) -> str:
    """Decompose and drop combining marks (Latin diacritics, Arabic harakat)."""
    if token.isascii():
        return token
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _collapse(symbols: Sequence[str]) -> str:
    return "".join(_collapse_list(symbols))


def _collapse_list(symbols: Sequence[str]) -> list[str]:
    out: list[str] = []
    for s in symbols:
        if not out or out[-1] != s or s.isdigit():
            out.append(s)
    return out


def _resolve_glides(
    symbols: list[str],
    vowels: frozenset[str],
    glides: Mapping[str, str],
    glide_of: Mapping[str, str],
) -> list[str]:
    if not glides:
        return symbols
    n = len(symbols)
    # A vowel before another vowel is its semivowel ("Dunabia" -> dunabya, "Duara" -> dwara).
    out = [
        glide_of[s] if s in glide_of and i + 1 < n and symbols[i + 1] in vowels else s
        for i, s in enumerate(symbols)
    ]
    # A semivowel is a consonant before a vowel or before a consonant semivowel ("Dunawya");
    # elsewhere it is a vowel ("Duraykh" -> duraiq, "Awtila" -> autila). Decided from the end.
    for i in range(n - 1, -1, -1):
        s = out[i]
        if s in glides:
            nxt = out[i + 1] if i + 1 < n else ""
            if not (nxt in vowels or (nxt in glides and i + 2 < n and out[i + 2] in vowels)):
                out[i] = glides[s]
    # A vowel just before its own consonant semivowel goes ("Dunabiya" -> dunabya).
    return [
        s
        for i, s in enumerate(out)
        if not (s in glide_of and i + 1 < len(out) and out[i + 1] == glide_of[s])
    ]


def _skeleton(symbols: Sequence[str], vowels: frozenset[str]) -> str:
    out: list[str] = []
    lead = True
    for s in symbols:
        if s in vowels:
            if lead and not out:
                out.append("a")
            continue
        lead = False
        out.append(s)
    return "".join(out)


# -- loading -------------------------------------------------------------------------------------
def _pairs(value: Any, path: Path, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in value
    ):
        raise DataFileError(str(path), None, f"{key} must be a list of [from, to] pairs")
    return tuple((str(a), str(b)) for a, b in value)


def _strings(value: Any, path: Path, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise DataFileError(str(path), None, f"{key} must be a list of strings")
    return [str(s) for s in value]


def _latin_rules(table: Mapping[str, Any], path: Path) -> LatinRules:
    articles = table.get("articles", {})
    sounds = table.get("sounds", {})
    endings = table.get("endings", {})
    vowels = table.get("vowels", {})
    digraphs = sorted(
        _pairs(sounds.get("digraphs", []), path, "sounds.digraphs"), key=lambda p: -len(p[0])
    )
    return LatinRules(
        free_articles=frozenset(_strings(articles.get("free", []), path, "articles.free")),
        hyphen_articles=frozenset(_strings(articles.get("hyphen", []), path, "articles.hyphen")),
        letters={str(k): str(v) for k, v in table.get("letters", {}).items()},
        endings=_pairs(endings.get("rewrite", []), path, "endings.rewrite"),
        silent_final_e=bool(endings.get("silent_final_e", False)),
        pre=_pairs(sounds.get("pre", []), path, "sounds.pre"),
        digraphs=tuple(digraphs),
        letter_classes=dict(_pairs(sounds.get("letters", []), path, "sounds.letters")),
        vowels=frozenset(_strings(vowels.get("vowels", list("aeiou")), path, "vowels.vowels")),
        glides=dict(_pairs(vowels.get("glides", []), path, "vowels.glides")),
        particles=frozenset(
            _strings(table.get("particles", {}).get("words", []), path, "particles.words")
        ),
        nisba=tuple(_strings(table.get("nisba", {}).get("suffixes", []), path, "nisba.suffixes")),
    )


def _arabic_rules(table: Mapping[str, Any], path: Path) -> ArabicRules:
    articles = table.get("articles", {})
    skel = table.get("skeleton", {})
    letters = {ord(str(k)): str(v) for k, v in table.get("letters", {}).items()}
    prefixes = sorted(_strings(articles.get("prefixes", []), path, "articles.prefixes"), key=len)
    return ArabicRules(
        prefixes=tuple(reversed(prefixes)),
        min_rest=int(articles.get("min_rest", 2)),
        letters=letters,
        skeleton_letters=dict(_pairs(skel.get("letters", []), path, "skeleton.letters")),
        long_vowels=frozenset(_strings(skel.get("long_vowels", []), path, "skeleton.long_vowels")),
        final_a=frozenset(_strings(skel.get("final_a", []), path, "skeleton.final_a")),
        glides=dict(_pairs(skel.get("glides", []), path, "skeleton.glides")),
    )


def load_transliteration(paths: Iterable[Path]) -> Transliteration:
    """Read transliteration tables, at most one per script (``script = "Latn"`` / ``"Arab"``).

    Raises
    ------
    DataFileError
        When a table cannot be read, is not TOML, or names an unknown script.
    """
    latin = LatinRules()
    arabic: ArabicRules | None = None
    digest = hashlib.sha256()
    for path in paths:
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DataFileError(str(path), None, f"cannot open ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise DataFileError(str(path), None, f"not TOML ({exc})") from None
        script = table.get("script")
        if script == "Latn":
            latin = _latin_rules(table, path)
        elif script == "Arab":
            arabic = _arabic_rules(table, path)
        else:
            raise DataFileError(str(path), None, f"unknown script {script!r} (Latn or Arab)")
        digest.update(path.read_bytes())
    return Transliteration(latin=latin, arabic=arabic, digest=digest.hexdigest())
