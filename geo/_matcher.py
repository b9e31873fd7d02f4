"""Every name of a gazetteer in one Aho-Corasick automaton over transliteration skeletons.

A text is cut into words at its separators (:func:`geo._normalise.split_words`, one
``str.split``); each word is replaced by its skeleton (:mod:`geo._translit`), looked up in a
per-word cache so that the per-character work is done once per distinct word; the skeletons are
joined by single spaces and one automaton pass finds every key bounded by spaces. A hit's words
are counted back from its position, so its offsets in the original text need no map.

Keys are built from names with the same functions. A name yields a few keys: its skeleton, the
same with or without an empty word where an article stands between two of its words ("Qasr
al-Haj" / "Qasr Haj"), its first word fused with an article ("Azzawiya", "AlWigh"), and a
two-word name fused into one ("Abugrein"). Each key keeps the ``mid`` keys of the names behind
it; a hit whose words have the same ``mid`` is exact, others are ranked by rapidfuzz's ratio of
``mid`` keys, and the caller decides what is close enough.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, combinations
from typing import Any

import ahocorasick
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extractOne

from geo._normalise import split_words, word_bounds
from geo._translit import Transliteration, WordKey

__all__ = ["Hit", "NameMatcher", "NameSpec"]

FORMAT = 3  # bump when the pickled layout changes
ARTICLE = "~"  # the skeleton of an article word: a gap that only article variants span
FUSED = "~"  # marks the mid key of a fused spelling, which is never exact


@dataclass(frozen=True, slots=True)
class NameSpec:
    """A name to match: ``kind`` is ``place``, ``person``, ``actor`` or ``not_place``."""

    name: str
    kind: str
    ident: str
    acronym: bool = False


@dataclass(slots=True)  # not frozen: made for every name in the text, frozen costs 4x
class Hit:
    """A run of words whose skeleton is the key of a name.

    ``start``/``end`` are offsets in the original text of the name's words (articles before
    it and possessives after it left out); ``first``/``last`` index the words.
    """

    start: int
    end: int
    first: int
    last: int
    mid: str
    kind: str
    ids: tuple[str, ...]
    score: float
    name: str
    cross_script: bool = False

    @property
    def exact(self) -> bool:
        """The words have the ``mid`` key of the name."""
        return self.score >= 1.0


_Targets = tuple[tuple[str, tuple[str, ...]], ...]  # ((kind, ids), ...)
# (key length with its bounding spaces, words spanned, name mid -> targets, the Latin mids of
# places to rank unseen spellings against, and their targets, aligned)
_Entry = tuple[int, int, dict[str, _Targets], tuple[str, ...], tuple[tuple[str, ...], ...]]
_CACHE_WORDS = 400_000  # distinct words kept keyed before the cache starts again
MIN_RATIO = 60.0  # below this rapidfuzz ratio an unseen spelling is not even reported


class _WordCache(dict[str, str]):
    """word -> cased skeleton; fills ``mids`` (word -> mid) on the way."""

    def __init__(
        self, translit: Transliteration, articles: frozenset[str], acronyms: frozenset[str]
    ) -> None:
        super().__init__()
        self.translit = translit
        self.articles = articles
        self.acronyms = acronyms
        self.mids: dict[str, str] = {}

    def __missing__(self, word: str) -> str:
        key = _word_key(self.translit, self.articles, self.acronyms, word)
        self.mids[word] = key.mid
        self[word] = key.skeleton
        return key.skeleton


class _Bounds(dict[str, tuple[int, int]]):
    """word -> :func:`geo._normalise.word_bounds` of it."""

    def __missing__(self, word: str) -> tuple[int, int]:
        value = self[word] = word_bounds(word)
        return value


def _word_key(
    translit: Transliteration, articles: frozenset[str], acronyms: frozenset[str], word: str
) -> WordKey:
    if word in acronyms:
        return WordKey(word.lower(), "=" + word)
    if word.lower() in articles:
        return WordKey("", ARTICLE, article=True)
    return translit.word(word)


def _is_latin(text: str) -> bool:
    return text.isascii()


class NameMatcher:
    """Finds names by skeleton in one automaton pass; build with :meth:`build`."""

    def __init__(
        self,
        translit: Transliteration,
        automaton: Any,
        entries: Sequence[_Entry],
        acronyms: frozenset[str],
    ) -> None:
        self.translit = translit
        self._auto = automaton
        self._entries = entries
        self.acronyms = acronyms
        self.articles = translit.latin.free_articles | translit.latin.hyphen_articles
        self._words = _WordCache(translit, self.articles, acronyms)
        self._bounds = _Bounds()

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def build(cls, translit: Transliteration, names: Iterable[NameSpec]) -> NameMatcher:
        """Index ``names``; names whose skeleton is empty are skipped."""
        specs = list(names)
        acronyms = frozenset(s.name for s in specs if s.acronym)
        articles = translit.latin.free_articles | translit.latin.hyphen_articles
        table: dict[str, dict[tuple[str, str], set[str]]] = {}
        for spec in specs:
            for key, mid in _keys(translit, articles, acronyms, spec):
                table.setdefault(key, {}).setdefault((mid, spec.kind), set()).add(spec.ident)
        auto = ahocorasick.Automaton()
        entries: list[_Entry] = []
        for key in sorted(table):
            exact: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            for (mid, kind), ids in sorted(table[key].items()):
                exact.setdefault(mid, []).append((kind, tuple(sorted(ids))))
            fuzzy = [
                (mid, ids)
                for (mid, kind), ids in sorted(table[key].items())
                if kind == "place" and mid.isascii()
            ]
            auto.add_word(key, len(entries))
            entries.append(
                (
                    len(key),
                    key.count(" ") - 1,
                    {mid: tuple(t) for mid, t in exact.items()},
                    tuple(mid for mid, _ in fuzzy),
                    tuple(tuple(sorted(ids)) for _, ids in fuzzy),
                )
            )
        if entries:
            auto.make_automaton()
        return cls(translit, auto, entries, acronyms)

    def __len__(self) -> int:
        return len(self._entries)

    # -- persistence -------------------------------------------------------------------------
    def dumps(self) -> bytes:
        """The automaton and its entries, for :meth:`loads` (the rules are not included)."""
        return pickle.dumps(
            (FORMAT, self._auto, self._entries, sorted(self.acronyms)),
            protocol=pickle.HIGHEST_PROTOCOL,
        )

    @classmethod
    def loads(cls, data: bytes, translit: Transliteration) -> NameMatcher:
        """Rebuild a matcher from :meth:`dumps` output.

        Raises
        ------
        ValueError
            When the data was written by another version of this module.
        """
        fmt, auto, entries, acronyms = pickle.loads(data)
        if fmt != FORMAT:
            raise ValueError(f"matcher cache format {fmt}, expected {FORMAT}")
        return cls(translit, auto, entries, frozenset(acronyms))

    # -- matching ----------------------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """The words of ``text`` as the matcher cuts them."""
        return split_words(text)

    def mid(self, word: str) -> str:
        """The ``mid`` key of one word as the matcher reads it (``""`` for an article)."""
        if word not in self._words.mids:
            self._words[word]
        return self._words.mids[word]

    def skeleton(self, word: str) -> str:
        """The cased skeleton of one word."""
        return self._words[word]

    def scan(self, text: str) -> tuple[list[str], list[int], list[Hit]]:
        """The words of ``text``, their start offsets, and every name whose skeleton occurs
        in it starting with a capital (or a letter without case), overlaps included.

        The offsets are computed only when there is a hit (else the list is empty).
        """
        words = split_words(text)
        cache = self._words
        if len(cache) > _CACHE_WORDS:  # a bound on memory over a huge, varied corpus
            cache.clear()
            cache.mids.clear()
            self._bounds.clear()
        cased = " " + " ".join(map(cache.__getitem__, words)) + " "
        low = cased.lower()
        found: list[tuple[int, _Entry]] = []
        entries = self._entries
        for end, idx in self._auto.iter(low):
            entry = entries[idx]
            s = end - entry[0] + 1
            if not cased[s + 1].islower():
                found.append((s, entry))
        if not found:
            return words, [], []
        starts = list(accumulate(map((1).__add__, map(len, words)), initial=0))
        mids = cache.mids
        bounds = self._bounds
        hits: list[Hit] = []
        pos = count = 0
        for s, entry in found:
            # Hits come in order of their end: the spaces before each are counted on from the
            # previous hit's start, so a document costs its length, not length x hits.
            if s + 1 >= pos:
                count += low.count(" ", pos, s + 1)
            else:
                count -= low.count(" ", s + 1, pos)
            pos = s + 1
            first = count - 1
            if entry[1] == 1:
                last = first
                mid = mids[words[first]]
            else:
                last = first + entry[1] - 1
                mid = " ".join([m for m in map(mids.__getitem__, words[first : last + 1]) if m])
            start = starts[first] + bounds[words[first]][0]
            end = starts[last] + bounds[words[last]][1]
            targets = entry[2].get(mid)
            if targets is not None:
                for kind, ids in targets:
                    hits.append(Hit(start, end, first, last, mid, kind, ids, 1.0, mid))
            elif entry[3] and mid.isascii():
                best = extractOne(mid, entry[3], scorer=ratio, score_cutoff=MIN_RATIO)
                if best is not None:
                    name, score, k = best
                    hits.append(
                        Hit(start, end, first, last, mid, "place", entry[4][k], score / 100.0, name)
                    )
        return words, starts, hits


def _keys(
    translit: Transliteration, articles: frozenset[str], acronyms: frozenset[str], spec: NameSpec
) -> list[tuple[str, str]]:
    """The (key, mid) pairs a name is found by."""
    words = [w for w in split_words(spec.name) if w]
    keys = [_word_key(translit, articles, acronyms, w) for w in words]
    # Articles at either end of a name are not part of it; inside it they leave a gap.
    while keys and keys[0].article:
        keys.pop(0)
        words.pop(0)
    while keys and keys[-1].article:
        keys.pop()
        words.pop()
    if not keys or not all(k.skeleton for k in keys):
        return []
    names = [(w, k) for w, k in zip(words, keys, strict=True) if not k.article]
    mids = [k.mid for _, k in names]
    core = [k.skeleton.lower() for _, k in names]
    out = {
        (_pad(_with_gaps(core, chosen)), " ".join(mids)) for chosen in _gap_choices(len(core) - 1)
    }
    if spec.acronym or not _is_latin(words[0]):
        return sorted(out)
    lo, hi = word_bounds(words[0])
    first = words[0][lo:hi]
    # "Azzawiya", "Alkhums", "AlWigh": the article written fused with the first word. Such a
    # spelling is also an English word's ("Assert"), so it is never exact: its mid key is
    # marked, and the hit is ranked, and judged, as an unseen spelling.
    for prefix in ("al", "el", "a" + first[:1].lower()):
        fused = translit.word(prefix + first.lower())
        if fused.skeleton:
            key = " ".join([fused.skeleton.lower(), *core[1:]])
            out.add((_pad(key), FUSED + " ".join([fused.mid, *mids[1:]])))
    # "Abugrein": a particle written fused with the next word.
    if len(names) == 2 and first.lower() in translit.latin.particles:
        lo2, hi2 = word_bounds(names[1][0])
        joined = translit.word(first + names[1][0][lo2:hi2].lower())
        if joined.skeleton:
            out.add((_pad(joined.skeleton.lower()), FUSED + joined.mid))
    return sorted(out)


def _gap_choices(n_gaps: int) -> list[tuple[int, ...]]:
    """Which gaps get an article: every subset for short names, else none or all."""
    if n_gaps <= 0:
        return [()]
    if n_gaps > 3:
        return [(), tuple(range(n_gaps))]
    return [c for r in range(n_gaps + 1) for c in combinations(range(n_gaps), r)]


def _with_gaps(words: Sequence[str], chosen: tuple[int, ...]) -> str:
    parts = [words[0]]
    for i, w in enumerate(words[1:]):
        parts.append(f" {ARTICLE} {w}" if i in chosen else " " + w)
    return "".join(parts)


def _pad(key: str) -> str:
    return " " + key + " "
