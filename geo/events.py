"""Control events from sentences: who took, lost, fought for or holds which place, and when.

The extractor reads one document at a time. For each sentence it finds trigger words (see
:mod:`geo._patterns`), then the places and actors that stand in the trigger's frame, then the
date. The actor is carried across clauses and sentences when a sentence names none ("they",
"our forces"), and names whose side depends on the outlet ("the Libyan army") are judged per
document: by the outlet when the sides file lists it, else by whom they act against.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal

from geo import _patterns as P
from geo._geodesy import distance_km
from geo._normalise import normalise_text
from geo._sentences import split_sentences
from geo._spans import longest_first
from geo.dates import FuzzyDate, TimeExpression, find_time_expressions
from geo.documents import Document
from geo.gazetteer import Gazetteer, Place
from geo.sides import ActorMention, Sides
from geo.toponyms import Mention, PlaceFinder

__all__ = [
    "ACTIVITY_KINDS",
    "CONTROL_KINDS",
    "EVENT_FIELDS",
    "Event",
    "EventExtractor",
    "extract_events",
]

log = logging.getLogger(__name__)

Kind = Literal["capture", "withdraw", "contested", "control_claim", "offensive", "strike"]
CONTROL_KINDS: tuple[str, ...] = ("capture", "withdraw", "contested", "control_claim")
ACTIVITY_KINDS: tuple[str, ...] = ("offensive", "strike")
EVENT_FIELDS: tuple[str, ...] = (
    "doc_id",
    "kind",
    "side",
    "place",
    "place_id",
    "place_name",
    "lat",
    "lon",
    "date",
    "date_precision",
    "quote",
    "start",
    "end",
    "confidence",
    "source",
    "url",
)

# "retook X from the LNA": the actor after these lost the place ("by"/"to" name the winner).
_LOSER_PREP = re.compile(r"\b(?:from|against|out\s+of)\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I)
_OBJECT_PREP = re.compile(r"\b(?:from|against|by|with|to|on|over|at|out\s+of)\s+(?:the\s+)?$", re.I)
_PRONOUN_SUBJECT = re.compile(
    r"\b(?:they|their\s+forces|our\s+(?:\w+\s+)?forces|we|its\s+forces|his\s+forces|the\s+forces|"
    r"the\s+troops|troops|fighters|the\s+offensive|the\s+advance|the\s+operation|it)\b",
    re.I,
)
# Case-sensitive on purpose: "the capital Tripoli" names the city, "the capital that" does not.
_CAPITAL = re.compile(r"\b[Tt]he\s+(?:country['’]?s\s+)?capital\b(?!\s*,?\s*[A-Z]|['’]s)")
_AIRPORT = re.compile(
    r"\b(?:its|the\s+city['’]?s|the\s+capital['’]?s)\s+(?:(?:main|international|old|former)\s+)*"
    r"airport\b",
    re.I,
)
# "the city" / "the town" after a verb refers back to the last town named.
_ANAPHOR = re.compile(
    r"(?<=[a-z] )(?:the|this)\s+(?:city|town)\b(?!\s+(?:of|council|centre|center))"
)
# After a town's name: "'s airport" (a site of the town) or "'s " before another name.
_POSSESSIVE_SITE = re.compile(
    r"['’]s\s+(?:(?P<site>(?:(?:main|international|old|former|military|civilian)\s+)*"
    r"(?:airport|air\s*base|airbase|airfield))\b)?",
    re.I,
)
_CITY_KINDS = frozenset({"capital", "city", "town"})
# A claim the other side rejects: the place is contested, not taken.
_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|disputed|disputes|rejected\s+the\s+claim|contradicted|"
    r"could\s+not\s+be\s+(?:independently\s+)?(?:verified|confirmed))\b",
    re.I,
)
_OUTCOME = re.compile(r"\b(?:victor(?:y|ies)|defeats?|gains|won|setbacks?|blows?|losses)\b", re.I)
# "a major blow to X", "loyal to X": "to" that does not hand anything over.
_NOT_RECEIVER = re.compile(
    r"\b(?:blow|setback|threat|support|loyal|close|next|similar|due|according|allied|aligned|"
    r"opposed|belonging|linked)\s+to\s+(?:the\s+)?(?:\w+\s+){0,2}$",
    re.I,
)
# A caption or title: a line with no closing punctuation naming an actor in a place.
_CAPTION = re.compile(r"[^.!?\"”]$")
_OUTLET_LINE = re.compile(r"^\s*(?:Source|Sources|Via)\s*:\s*(.+?)\s*$", re.I | re.M)
_DATELINE = re.compile(r"\(([A-Z][\w ]{1,25})\)\s*[-–—]")


@dataclass(frozen=True, slots=True)
class Event:
    """One control event (or activity) reported by one sentence.

    ``lat``/``lon`` are WGS84 degrees of the resolved place; ``date`` is ISO at
    ``date_precision`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) or empty when the document has
    no date; ``start``/``end`` are the offsets of ``quote`` in the document's normalised text.
    """

    doc_id: str
    kind: str
    side: str
    place: str
    place_id: str
    place_name: str
    lat: float
    lon: float
    date: str
    date_precision: str
    quote: str
    start: int
    end: int
    confidence: float
    source: str = ""
    url: str = ""

    def to_record(self) -> dict[str, Any]:
        """The event as a flat record with exactly :data:`EVENT_FIELDS`."""
        return asdict(self)

    @property
    def fuzzy_date(self) -> FuzzyDate | None:
        """The date as a :class:`~geo.dates.FuzzyDate`, or None when unknown."""
        return FuzzyDate.parse(self.date) if self.date else None

    def to_feature(self) -> dict[str, Any]:
        """A GeoJSON Point feature; coordinates in (lon, lat) order per RFC 7946."""
        props = self.to_record()
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": props,
        }


@dataclass
class _Context:
    """What a document has said so far: carried actor and date."""

    subject: str | None = None
    last_day: FuzzyDate | None = None
    last_city: Place | None = None
    ambiguous: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _TriggerHit:
    family: str
    frame: str
    start: int  # sentence-relative
    end: int


class EventExtractor:
    """Extracts events from documents with one gazetteer and one sides file.

    Parameters
    ----------
    gazetteer
        Where places are looked up.
    sides
        The sides and their actor names.
    activities
        Also emit ``offensive`` and ``strike`` activity events (they never change control).
    """

    def __init__(self, gazetteer: Gazetteer, sides: Sides, *, activities: bool = True) -> None:
        self.gazetteer = gazetteer
        self.sides = sides
        self.activities = activities
        self.finder = PlaceFinder(
            gazetteer,
            masks=sides.masks,
            persons=sides.persons,
            home_country=sides.theatre.country or None,
        )
        self._airports: dict[str, Place | None] = {}
        # "The capital": the theatre's one declared capital, else the gazetteer's only one.
        declared = [gazetteer.get(c) for c in sides.region.capitals if c in gazetteer]
        capitals = declared or [p for p in gazetteer if p.kind == "capital"]
        self._capital = capitals[0] if len(capitals) == 1 else None

    # -- public -------------------------------------------------------------------------------
    def extract(self, doc: Document) -> list[Event]:
        """All events of one document, deduplicated per (kind, side, place)."""
        return self.extract_with_mentions(doc)[0]

    def extract_with_mentions(self, doc: Document) -> tuple[list[Event], list[Mention]]:
        """The events of one document and the place mentions they were read from.

        Callers that store both (``geo.store.ingest``) avoid finding the places twice.
        """
        text = doc.text
        nt = normalise_text(text)  # once, for places and actors both
        mentions = self.finder.find(text, normalised=nt)
        actors = self.sides.find_actors(text, when=doc.published, normalised=nt)
        sentences = split_sentences(text)
        ctx = _Context(ambiguous=self._judge_ambiguous(doc, sentences, actors, mentions))
        events: list[Event] = []
        # Mentions, actors and sentences are all in text order: walk them together, so a long
        # document costs linear time, not sentences x mentions.
        hits = self._trigger_hits(text)
        mi = ai = hi = 0
        for s_start, s_end in sentences:
            while hi < len(hits) and hits[hi].start < s_start:
                hi += 1
            s_hits = []
            h = hi
            while h < len(hits) and hits[h].start < s_end:
                if hits[h].end <= s_end:
                    hit = hits[h]
                    s_hits.append(replace(hit, start=hit.start - s_start, end=hit.end - s_start))
                h += 1
            while mi < len(mentions) and mentions[mi].start < s_start:
                mi += 1
            while ai < len(actors) and actors[ai].start < s_start:
                ai += 1
            s_mentions = []
            j = mi
            while j < len(mentions) and mentions[j].start < s_end:
                if mentions[j].end <= s_end:
                    s_mentions.append(mentions[j])
                j += 1
            s_actors = []
            k = ai
            while k < len(actors) and actors[k].start < s_end:
                if actors[k].end <= s_end:
                    s_actors.append(self._resolved(actors[k], ctx))
                k += 1
            events.extend(
                self._sentence_events(doc, s_start, s_end, s_mentions, s_actors, ctx, s_hits)
            )
        return _dedupe(events), mentions

    # -- ambiguous actors ---------------------------------------------------------------------
    def _outlet(self, doc: Document) -> str:
        if doc.source:
            return doc.source
        m = _OUTLET_LINE.search(doc.text)
        if m:
            return m.group(1)
        m = _DATELINE.search(doc.text[:400])
        return m.group(1) if m else ""

    def _judge_ambiguous(
        self,
        doc: Document,
        sentences: list[tuple[int, int]],
        actors: list[ActorMention],
        mentions: list[Mention],
    ) -> dict[str, str]:
        """Decide, per ambiguous name, which side this document means by it."""
        judged: dict[str, str] = {}
        outlet = self._outlet(doc).lower()
        for amb in self.sides.ambiguous:
            for name, side in amb.outlets.items():
                if outlet and re.search(r"\b" + re.escape(name.lower()) + r"\b", outlet):
                    judged[amb.alias] = side
        votes: dict[str, Counter[str]] = {}
        first = 0  # actors are in text order: walk them with the sentences (linear, not s x a)
        for s_start, s_end in sentences:
            while first < len(actors) and actors[first].start < s_start:
                first += 1
            last = first
            while last < len(actors) and actors[last].start < s_end:
                last += 1
            in_s = [a for a in actors[first:last] if a.end <= s_end]
            for i, act in enumerate(in_s):
                if act.ambiguous is None or act.ambiguous.alias in judged:
                    continue
                # Whom does it act against? A known side named after it in the sentence.
                for other in in_s[i + 1 :]:
                    if other.side is not None and other.kind in ("alias", "person"):
                        rival = self.sides.opponent(other.side)
                        if rival:
                            votes.setdefault(act.ambiguous.alias, Counter())[rival] += 1
                        break
        for alias, counter in votes.items():
            side, n = counter.most_common(1)[0]
            if n > sum(counter.values()) / 2:
                judged[alias] = side
        del mentions
        return judged

    @staticmethod
    def _resolved(actor: ActorMention, ctx: _Context) -> ActorMention:
        if actor.side is None and actor.ambiguous is not None:
            side = ctx.ambiguous.get(actor.ambiguous.alias)
            if side is not None:
                return replace(actor, side=side)
        return actor

    # -- sentences ------------------------------------------------------------------------------
    def _generic_places(
        self, text: str, s_start: int, s_end: int, mentions: list[Mention], ctx: _Context
    ) -> list[Mention]:
        """Mentions for "the capital", "its airport" and "the southern suburbs"."""
        sentence = text[s_start:s_end]
        out: list[Mention] = []
        named = [(m.start - s_start, m.end - s_start) for m in mentions]

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in named)

        if self._capital is not None:
            for m in _CAPITAL.finditer(sentence):
                # "the capital Tripoli" names the city itself: leave it to the named mention.
                after = sentence[m.end() : m.end() + 3]
                if (
                    free(m.start(), m.end())
                    and not any(0 <= s - m.end() <= 3 for s, _ in named)
                    and not after.strip(" ,").startswith(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
                ):
                    out.append(
                        _synthetic(text, s_start + m.start(), s_start + m.end(), self._capital)
                    )
        for m in _AIRPORT.finditer(sentence):
            if "capital" in m.group().lower():
                city = self._capital
            else:
                city = self._city_before(s_start + m.start(), mentions + out, ctx)
            airport = self._airport_of(city) if city else None
            if airport is not None and free(m.start(), m.end()):
                out.append(_synthetic(text, s_start + m.start(), s_start + m.end(), airport, 0.7))
        for m in _ANAPHOR.finditer(sentence):
            city = self._city_before(s_start + m.start(), mentions + out, ctx)
            if city is not None and free(m.start(), m.end()):
                out.append(_synthetic(text, s_start + m.start(), s_start + m.end(), city, 0.6))
        for m in P.SUBAREA.finditer(sentence):
            tail = sentence[m.end() : m.end() + 6].lower()
            if tail.startswith((" of ", " in ", ", ", " to ")) and not tail.startswith(" to "):
                continue  # "the outskirts of Sirte": the named place carries the event
            city = self._city_before(s_start + m.start(), mentions + out, ctx)
            if city is not None and free(m.start(), m.end()):
                out.append(_synthetic(text, s_start + m.start(), s_start + m.end(), city, 0.6))
        return out

    def _possessive_sites(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """ "Misrata's airport" is the airport; "Sirte's Ghardabiya airbase" is the airbase."""
        out: list[Mention] = []
        starts = {m.start for m in mentions}
        for m in mentions:
            tail = text[m.end : m.end + 40]
            poss = _POSSESSIVE_SITE.match(tail)
            if poss is None:
                out.append(m)
                continue
            if poss["site"] is None:
                if m.end + poss.end() in starts:
                    continue  # the named site after "'s" carries the event
                out.append(m)
                continue
            airport = self._airport_of(m.place) if m.place.kind in _CITY_KINDS else None
            if airport is None:
                out.append(m)
            else:
                out.append(_synthetic(text, m.start, m.end + poss.end(), airport, 0.75))
        return out

    def _city_before(self, pos: int, mentions: list[Mention], ctx: _Context) -> Place | None:
        cities = [m for m in mentions if m.end <= pos and m.place.kind in _CITY_KINDS]
        if cities:
            return max(cities, key=lambda m: m.end).place
        return ctx.last_city

    def _airport_of(self, city: Place) -> Place | None:
        """The airport a text means by "its airport" after naming ``city`` (memoised)."""
        if city.id not in self._airports:
            self._airports[city.id] = self._find_airport(city)
        return self._airports[city.id]

    def _find_airport(self, city: Place) -> Place | None:
        near = [
            p
            for p in self.gazetteer
            if p.kind in ("airport", "airbase")
            # A cheap box first (0.5 degrees > 40 km at these latitudes), then the ellipsoid.
            and abs(p.lat - city.lat) < 0.5
            and abs(p.lon - city.lon) < 0.6
            and distance_km((p.lat, p.lon), (city.lat, city.lon)) < 40
        ]
        if not near:
            return None
        key = city.name.lower()
        named = [p for p in near if key in p.name.lower()]
        pool = named or near
        return min(pool, key=lambda p: distance_km((p.lat, p.lon), (city.lat, city.lon)))

    @staticmethod
    def _trigger_hits(text: str) -> list[_TriggerHit]:
        """Every trigger match of a text, in order; one regex pass per pattern."""
        lowered = text.lower()
        # Lower-casing keeps offsets unless a character changes length ("İ"): then match the
        # original text case-insensitively.
        same = len(lowered) == len(text)
        hits = [
            _TriggerHit(t.family, t.frame, m.start(), m.end())
            for t in P.TRIGGERS
            for m in (t.lower.finditer(lowered) if same else t.pattern.finditer(text))
        ]
        hits.sort(key=lambda h: h.start)
        return hits

    def _triggers(self, sentence: str, hits: list[_TriggerHit] | None = None) -> list[_TriggerHit]:
        """The triggers of one sentence (``hits``: its share of the document's matches, with
        sentence-relative offsets), overlaps resolved."""
        if hits is None:
            hits = self._trigger_hits(sentence)
        # Overlapping triggers: the longest wins ("were driven out" over "driven").
        chosen = longest_first(hits, lambda h: (h.start, h.end), len(sentence))
        # "Islamist-held pocket": an adjective, not a claim by the sentence's subject.
        return [
            h
            for h in chosen
            if not (h.family == "control_claim" and h.start > 0 and sentence[h.start - 1] == "-")
        ]

    def _sentence_events(
        self,
        doc: Document,
        s_start: int,
        s_end: int,
        mentions: list[Mention],
        actors: list[ActorMention],
        ctx: _Context,
        trigger_hits: list[_TriggerHit] | None = None,
    ) -> Iterator[Event]:
        text = doc.text
        sentence = text[s_start:s_end]
        mentions = self._possessive_sites(text, mentions)
        mentions = sorted(
            mentions + self._generic_places(text, s_start, s_end, mentions, ctx),
            key=lambda m: m.start,
        )
        # A trigger inside a name is no trigger: "Operation Peace Storm" storms nothing.
        # (A name covering the whole trigger: names never overlap each other much, so marking
        # their characters and asking whether the trigger's span is fully marked suffices.)
        inside = bytearray(len(sentence))
        for a, b in [(x.start, x.end) for x in actors] + [(m.start, m.end) for m in mentions]:
            inside[a - s_start : b - s_start] = b"\x01" * (b - a)
        triggers = [
            t
            for t in self._triggers(sentence, trigger_hits)
            if inside.find(0, t.start, t.end) != -1
        ]
        published = doc.published
        times = (
            find_time_expressions(
                sentence,
                published,
                anchor=ctx.last_day.value
                if ctx.last_day and ctx.last_day.precision == "day"
                else None,
            )
            if published
            else []
        )
        families = {t.family for t in triggers}
        # "victories including X stronghold": the stronghold is being lost, not held.
        control_in_sentence = bool(families & {"capture", "withdraw", "lost"}) or bool(
            _OUTCOME.search(sentence)
        )
        emitted: list[Event] = []
        # Only another verb of change ends a trigger's object; "stronghold" inside it does not.
        verbs = [
            t
            for t in triggers
            if t.family in ("capture", "withdraw", "lost", "offensive", "strike")
            or (t.family == "contested" and t.frame == "active")
        ]
        for trig in triggers:
            nxt = next((v.start for v in verbs if v.start > trig.start), len(sentence))
            for kind, side, places, confidence in self._read_trigger(
                sentence, s_start, trig, nxt, mentions, actors, ctx, control_in_sentence
            ):
                if not self.activities and kind in ACTIVITY_KINDS:
                    continue
                for m in places:
                    when = self._date_for(sentence, trig, times, published, ctx, m.start - s_start)
                    emitted.append(
                        Event(
                            doc_id=doc.doc_id,
                            kind=kind,
                            side=side,
                            place=m.text,
                            place_id=m.place.id,
                            place_name=m.place.name,
                            lat=m.place.lat,
                            lon=m.place.lon,
                            date=when.iso() if when else "",
                            date_precision=when.precision if when else "",
                            quote=sentence,
                            start=s_start,
                            end=s_end,
                            confidence=round(confidence * min(1.0, 0.5 + m.score / 2), 3),
                            source=doc.source,
                            url=doc.url,
                        )
                    )
        emitted = _settle(emitted, denied=bool(_DENIAL.search(sentence)))
        if not triggers and _CAPTION.search(sentence):
            emitted.extend(self._caption_claims(doc, s_start, s_end, mentions, actors))
        # Context carried to the next sentence.
        explicit = [
            a for a in actors if a.side is not None and a.kind in ("alias", "dated", "ambiguous")
        ]
        if explicit:
            ctx.subject = explicit[0].side
        day_times = [t.date for t in times if t.date.precision == "day"]
        if day_times:
            ctx.last_day = day_times[-1]
        else:
            ev_days = [e for e in emitted if e.date_precision == "day"]
            ctx.last_day = FuzzyDate.parse(ev_days[-1].date) if ev_days else None
        cities = [m.place for m in mentions if m.place.kind in _CITY_KINDS]
        if cities:
            ctx.last_city = cities[-1]
        yield from emitted

    def _caption_claims(
        self,
        doc: Document,
        s_start: int,
        s_end: int,
        mentions: list[Mention],
        actors: list[ActorMention],
    ) -> Iterator[Event]:
        """ "Forces loyal to X in the town of Y": a photo caption places a side in a town."""
        text = doc.text
        for act in actors:
            if act.side is None:
                continue
            for m in mentions:
                gap = text[act.end : m.start]
                if (
                    m.start > act.end
                    and re.fullmatch(r"\s+in\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}", gap, re.I)
                    and doc.published
                ):
                    yield Event(
                        doc_id=doc.doc_id,
                        kind="control_claim",
                        side=act.side,
                        place=m.text,
                        place_id=m.place.id,
                        place_name=m.place.name,
                        lat=m.place.lat,
                        lon=m.place.lon,
                        date=doc.published.isoformat(),
                        date_precision="day",
                        quote=text[s_start:s_end],
                        start=s_start,
                        end=s_end,
                        confidence=0.5,
                        source=doc.source,
                        url=doc.url,
                    )
                    return

    def _scope_end(self, sentence: str, trig: _TriggerHit, nxt: int) -> int:
        m = P.BOUNDARY.search(sentence, trig.end)
        end = m.start() if m else len(sentence)
        return min(end, nxt)

    def _clause_start(self, sentence: str, pos: int) -> int:
        start = 0
        for m in P.BOUNDARY.finditer(sentence, 0, pos):
            start = m.end()
        return start

    def _read_trigger(
        self,
        sentence: str,
        s_start: int,
        trig: _TriggerHit,
        nxt: int,
        mentions: list[Mention],
        actors: list[ActorMention],
        ctx: _Context,
        control_in_sentence: bool,
    ) -> Iterator[tuple[str, str, list[Mention], float]]:
        family, frame = trig.family, trig.frame
        clause_start = self._clause_start(sentence, trig.start)
        before = sentence[clause_start : trig.start]
        scope_end = self._scope_end(sentence, trig, nxt)
        # Relative offsets of places and actors.
        rel = [(m.start - s_start, m.end - s_start, m) for m in mentions]
        acts = [(a.start - s_start, a.end - s_start, a) for a in actors]
        # ", Haftar's forces regrouped in X": an actor after a comma opens a new clause.
        for s, _, _a in acts:
            if trig.end < s < scope_end and sentence[:s].rstrip().endswith(","):
                scope_end = s
                break

        intent = bool(P.INTENT.search(before[-60:])) or bool(P.NEGATION.search(before[-40:]))
        repelled = bool(P.REPELLED.search(sentence[clause_start:scope_end]))

        if family in ("strike", "offensive"):
            places = self._after(sentence, rel, trig.end, scope_end, allow_destination=True)
            side = self._subject(sentence, acts, trig, clause_start, ctx)
            if places and side:
                yield family, side, places, 0.5
            return
        if intent or repelled:
            if family in ("capture", "contested") and frame == "active":
                places = self._after(sentence, rel, trig.end, scope_end, allow_destination=True)
                side = self._subject(sentence, acts, trig, clause_start, ctx)
                rep = P.REPELLED.search(sentence, clause_start, scope_end)
                if rep is not None:
                    # "X repelled a Y assault" / "X repelled an attack by Y": the attacker is Y;
                    # with Y unnamed, X's opponent.
                    between = [a.side for s, _, a in acts if rep.end() <= s < trig.start and a.side]
                    by = self._agent(sentence, acts, trig.end, scope_end)
                    defender = next(
                        (a.side for s, _, a in reversed(acts) if s < rep.start() and a.side), None
                    )
                    side = (
                        (between[-1] if between else None)
                        or by
                        or (self.sides.opponent(defender) if defender else None)
                    )
                if places and side:
                    yield "offensive", side, places, 0.4
            return

        if frame in ("passive", "to_actor"):
            # "Gharyan, which had served as a base, was recaptured" / "X, which fell to Y":
            # the subject stands before the relative clause.
            places = self._before(rel, clause_start, trig.start) or self._antecedent(
                sentence, rel, clause_start
            )
        if frame == "passive":
            # "held by X" names the agent with "by"; "under the control of X" does not.
            agent = self._agent(
                sentence, acts, trig.end, scope_end, any_position=family == "control_claim"
            )
            if family == "withdraw":
                side = agent
            else:
                # No agent: the side that reports it ("The LNA said Sabha had been liberated")
                # or, failing that, the actor of the previous sentence.
                side = (
                    agent or self._subject(sentence, acts, trig, clause_start, ctx) or ctx.subject
                )
            conf = 0.9 if agent else 0.6
            if places and side:
                yield family, side, places, conf
            return
        if frame == "to_actor":
            winner = self._agent(sentence, acts, trig.end, scope_end, any_position=True)
            if places and winner:
                yield "capture", winner, places, 0.9
            return
        if frame == "stronghold":
            if control_in_sentence or re.search(
                r"\b(?:last|former|final)\s+(?:[\w'’-]+\s+){0,2}$",
                sentence[max(0, trig.start - 40) : trig.start],
                re.I,
            ):
                return
            holder = self._possessor(sentence, acts, trig)
            place = self._appositive(sentence, rel, trig)
            if holder and place:
                yield "control_claim", holder, [place], 0.6
            return

        subject = self._subject(sentence, acts, trig, clause_start, ctx)
        if family == "withdraw" and re.fullmatch(
            r"withdrawal|retreat|pull-?out", sentence[trig.start : trig.end], re.I
        ):
            # "the withdrawal of Haftar's forces from X": the noun's own actor withdraws.
            of = re.match(r"\s+of\s+(?:the\s+)?", sentence[trig.end :])
            if of is not None:
                own = [a.side for s, _, a in acts if s == trig.end + of.end() and a.side]
                subject = own[0] if own else subject
        losers = [
            a.side
            for s, _, a in acts
            if (trig.end <= s < scope_end and a.side and _LOSER_PREP.search(sentence[:s]))
            or (
                trig.end <= s < scope_end
                and a.side
                and sentence[s:].split(" ", 1)[0].endswith(("'s", "’s"))
            )
        ]
        loser = next((x for x in losers if x), None)
        if subject is None and loser is not None:
            subject = self.sides.opponent(loser)
        elif subject is not None and loser == subject and family in ("capture",):
            subject = self.sides.opponent(loser) or subject

        if frame == "expel":
            # ACTOR drove ENEMY out of / from PLACE: the place follows "out of" or "from".
            m = re.compile(r"\b(?:out\s+of|from|back\s+from)\b", re.I).search(
                sentence, trig.end, scope_end
            )
            if not m:
                return
            places = self._after(sentence, rel, m.end(), scope_end)
            enemy = self._agent(sentence, acts, trig.end, m.start(), any_position=True)
            if enemy is None:
                # "Dignity forces drove Shura Council fighters out of X": an enemy that is no
                # side still loses X to the subject; with no subject it is a headline's passive.
                if self._explicit_subject(acts, trig, clause_start) and subject and places:
                    yield "capture", subject, places, 0.7
                return
            side = self.sides.opponent(enemy)
            explicit = self._explicit_subject(acts, trig, clause_start)
            if subject not in (None, enemy) and (explicit or side is None):
                # A third party (e.g. a jihadist group) has no single opponent: the subject wins.
                side = subject
            if places and side:
                yield "capture", side, places, 0.8
            return
        if frame == "nominal":
            places = self._after(sentence, rel, trig.end, min(scope_end, trig.end + 60))
            # "the capture of X by Y", "the fall of X to Y": the winner follows the place.
            winner = self._agent(sentence, acts, trig.end, scope_end) or self._to_actor(
                sentence, acts, trig.end, scope_end
            )
            side = winner or subject
            if places and side:
                yield "capture", side, places[:1], 0.7
            return

        places = self._after(
            sentence,
            rel,
            trig.end,
            scope_end,
            allow_destination=family == "contested",
            territorial=family in ("capture", "lost", "control_claim"),
        )
        if not places and re.search(r"\b(?:which|that)\s*$", sentence[:clause_start], re.I):
            # "Gharyan, which the LNA captured in April": the object is the antecedent.
            places = self._antecedent(sentence, rel, clause_start)
        if subject is None and family == "contested":
            # "Clashes erupted in X as the LNA pushed on": fighting names its side anywhere.
            subject = next((a.side for _, _, a in acts if a.side), None)
        if subject is None and sentence[trig.start : trig.end].lower().startswith("hand"):
            # "Local elders handed X to the LNA": the receiver is the only side named.
            subject = self._to_actor(sentence, acts, trig.end, scope_end)
        if not places or subject is None:
            return
        conf = 0.85 if self._explicit_subject(acts, trig, clause_start) else 0.65
        if family == "capture":
            # "handed X to ACTOR": the receiver wins.
            receiver = None
            if sentence[trig.start : trig.end].lower().startswith("hand"):
                receiver = self._to_actor(sentence, acts, trig.end, scope_end)
            yield "capture", receiver or subject, places, conf
        elif family == "withdraw":
            receiver = self._to_actor(sentence, acts, trig.end, scope_end)
            expelled = re.search(
                r"\b(?:driven|pushed|forced|expelled|ousted|routed|kicked)\b",
                sentence[trig.start : trig.end],
                re.I,
            ) and re.search(r"\bby\b", sentence[trig.end : scope_end + 40], re.I)
            if receiver and receiver != subject:
                yield "capture", receiver, places, conf
            elif expelled and self.sides.opponent(subject):
                # "were driven out of X by their rivals": the rival side takes X.
                by = self._agent(sentence, acts, trig.end, scope_end)
                yield "capture", by or self.sides.opponent(subject) or subject, places, conf
            else:
                yield "withdraw", subject, places, conf
        elif family == "lost":
            receiver = self._to_actor(sentence, acts, trig.end, scope_end)
            winner = receiver or self.sides.opponent(subject)
            if winner:
                yield "capture", winner, places, conf * 0.9
            else:
                yield "withdraw", subject, places, conf * 0.9
        elif family == "contested":
            yield "contested", subject, places, conf * 0.9
        elif family == "control_claim":
            # "Both the LNA and the GNA claim control of X": rival claims, so X is contested.
            claimants = {a.side for s, _, a in acts if clause_start <= s < trig.start and a.side}
            if len(claimants) > 1 and re.search(r"\b(?:both|and)\b", sentence[: trig.start], re.I):
                yield "contested", subject, places, conf * 0.8
            else:
                yield "control_claim", subject, places, conf * 0.8

    # -- frame helpers ---------------------------------------------------------------------------
    def _after(
        self,
        sentence: str,
        rel: list[tuple[int, int, Mention]],
        start: int,
        end: int,
        *,
        allow_destination: bool = False,
        territorial: bool = False,
    ) -> list[Mention]:
        out = []
        for s, e, m in rel:
            if not (start <= s and e <= end):
                continue
            lead = sentence[start:s]
            if territorial and _non_territorial_object(lead):
                continue  # "took 20 prisoners in Tarhuna" takes no town
            if not allow_destination and P.DESTINATION.search(lead):
                break  # from here on the places are destinations or landmarks
            if P.DESTINATION.search(sentence[max(start, s - 40) : s]) and not allow_destination:
                continue
            if re.search(
                r"\b(?:(?:north|south|east|west)(?:ern)?|near|outside)\s+(?:of\s+)?$",
                sentence[max(start, s - 20) : s],
                re.I,
            ):
                continue
            out.append(m)
        return out

    @staticmethod
    def _antecedent(
        sentence: str, rel: list[tuple[int, int, Mention]], clause_start: int
    ) -> list[Mention]:
        """The place a relative clause hangs on: "X, which ..." or "X, whose ...".

        Searches back from the clause start over relative clauses for the last place named
        right before ", which".
        """
        marks = list(re.finditer(r",\s*(?:which|that|whose|where)\b", sentence[:clause_start]))
        if not marks:
            return []
        m = marks[-1]
        before = [mm for s, e, mm in rel if e <= m.start()]
        return before[-1:] if before else []

    @staticmethod
    def _before(rel: list[tuple[int, int, Mention]], start: int, end: int) -> list[Mention]:
        return [m for s, e, m in rel if start <= s and e <= end]

    def _agent(
        self,
        sentence: str,
        acts: list[tuple[int, int, ActorMention]],
        start: int,
        end: int,
        *,
        any_position: bool = False,
    ) -> str | None:
        for s, _, a in acts:
            if (
                start <= s <= end + 40
                and a.side
                and (
                    any_position
                    # "by forces allied to the Tripoli government": a few words may intervene.
                    or re.search(r"\bby\s+(?:the\s+)?(?:[\w'’-]+\s+){0,5}$", sentence[start:s])
                )
            ):
                return a.side
        return None

    def _to_actor(
        self, sentence: str, acts: list[tuple[int, int, ActorMention]], start: int, end: int
    ) -> str | None:
        for s, _, a in acts:
            if (
                start <= s <= end + 60
                and a.side
                and re.search(r"\bto\s+(?:the\s+)?(?:\w+\s+){0,2}$", sentence[start:s])
            ):
                return a.side
        return None

    def _explicit_subject(
        self, acts: list[tuple[int, int, ActorMention]], trig: _TriggerHit, clause_start: int
    ) -> bool:
        return any(clause_start <= s < trig.start and a.side for s, _, a in acts)

    def _subject(
        self,
        sentence: str,
        acts: list[tuple[int, int, ActorMention]],
        trig: _TriggerHit,
        clause_start: int,
        ctx: _Context,
    ) -> str | None:
        # The nearest actor before the trigger that is not an object of a preposition.
        for s, _, a in reversed(acts):
            if s >= trig.start:
                continue
            if a.side is None:
                continue
            lead = sentence[:s]
            if _OBJECT_PREP.search(lead) and not re.search(
                r"\b(?:forces|troops|fighters|units|militias?|brigades?|groups?)\s+"
                r"(?:(?:loyal|allied|aligned|affiliated|close)\s+)?(?:to|with)\s+(?:the\s+)?$"
                r"|\bof\s+(?:the\s+)?$",
                lead,
                re.I,
            ):
                continue
            return a.side
        # "our forces" in a quote: the speaker's side.
        speakers = [a.side for _, _, a in acts if a.kind == "person" and a.side]
        if speakers and re.search(r"\b(?:our|we)\b", sentence[: trig.start], re.I):
            return speakers[-1]
        # "After losing X, Haftar's forces ...": the subject follows the adverbial clause.
        if re.fullmatch(
            r"\W*(?:after|since|before|following|upon|by|while|when)\s+",
            sentence[: trig.start],
            re.I,
        ):
            later = [a.side for s, _, a in acts if s > trig.end and a.side]
            if later:
                return later[0]
        # A pronoun or a bare noun ("they", "the troops") continues the previous actor.
        lead = sentence[clause_start : trig.start]
        if _PRONOUN_SUBJECT.search(lead) or not lead.strip(" ,"):
            return ctx.subject
        return None

    def _possessor(
        self, sentence: str, acts: list[tuple[int, int, ActorMention]], trig: _TriggerHit
    ) -> str | None:
        for s, e, a in acts:
            gap = sentence[e : trig.start]
            if (
                a.side
                and 0 <= trig.start - e <= 25
                and re.fullmatch(r"(?:['’]s)?\s*(?:\w+\s+){0,2}", gap)
            ):
                return a.side
            gap2 = sentence[trig.end : s]
            if a.side and 0 <= s - trig.end <= 8 and re.fullmatch(r"\s*of\s*(?:the\s+)?", gap2):
                return a.side
        return None

    def _appositive(
        self, sentence: str, rel: list[tuple[int, int, Mention]], trig: _TriggerHit
    ) -> Mention | None:
        for s, _, m in rel:
            gap = sentence[trig.end : s]
            if 0 <= s - trig.end <= 25 and re.fullmatch(
                r"\s*(?:of\s+)?,?\s*(?:the\s+)?(?:\w+\s+){0,2}(?:of\s+)?", gap
            ):
                return m
        for _s, e, m in reversed(rel):
            gap = sentence[e : trig.start]
            if 0 <= trig.start - e <= 40 and re.fullmatch(
                r",\s*(?:an?|the)\s+(?:[\w'’-]+\s+){0,3}", gap
            ):
                return m
        return None

    def _date_for(
        self,
        sentence: str,
        trig: _TriggerHit,
        times: list[Any],
        published: date | None,
        ctx: _Context,
        place_pos: int | None = None,
    ) -> FuzzyDate | None:
        if published is None:
            return None
        clause_start = self._clause_start(sentence, trig.start)
        clause_end = self._scope_end(sentence, trig, len(sentence))
        in_clause = [t for t in times if clause_start <= t.start < clause_end]
        pool = in_clause or times
        if len(in_clause) > 1 and place_pos is not None:
            # "took X on Friday and Y on Saturday": each place takes the date that follows it.
            after = [t for t in in_clause if t.start >= place_pos]
            if after:
                return _past(min(after, key=lambda t: t.start - place_pos), published)
        if pool:
            return _past(min(pool, key=lambda t: abs(t.start - trig.start)), published)
        if P.PRESENT.search(sentence):
            return FuzzyDate(published, "day")
        if (
            ctx.last_day is not None
            and (
                trig.family == "contested"
                # "…on Thursday. They then captured X": the story goes on the same day.
                or re.match(
                    r"\W*(?:they|it|the\s+troops|the\s+forces|its\s+forces|their\s+forces)\b"
                    r"(?:\s+(?:then|also|later|soon))?\s*$",
                    sentence[: trig.start],
                    re.I,
                )
            )
        ):
            return ctx.last_day
        return FuzzyDate(date(published.year, published.month, 1), "month")


# Objects that are ground: "took control of X", "captured positions in X", "lost footholds in X".
_TERRITORIAL = frozenset(
    "town towns city cities village villages base bases airbase airbases airport airports port "
    "ports terminal terminals field fields oilfield oilfields district districts area areas "
    "region regions position positions control neighbourhood neighbourhoods neighborhood "
    "neighborhoods suburb suburbs outskirts crossing crossings headquarters barracks camp camps "
    "hill hills road roads highway junction bridge stronghold strongholds part parts most all "
    "much whole rest centre center outpost outposts checkpoint checkpoints ground territory "
    "foothold footholds bastion coast coastline oasis locations sites facilities compound "
    "airfield airstrip sector sectors front frontline streets quarter quarters".split()
)
_LOCATIVE_LEAD = re.compile(
    r"^(?P<obj>.*?)\b(?:in|at|inside|near|on|around)\s+(?:the\s+)?(?-i:[a-z][\w'’-]*\s+){0,3}$",
    re.I | re.S,
)


def _non_territorial_object(lead: str) -> bool:
    """True when the words between a verb and a place are an object that is not ground,
    followed by a locative: "seized a weapons cache in", "held a meeting in"."""
    m = _LOCATIVE_LEAD.match(lead)
    if m is None:
        return False
    words = re.findall(r"[a-z]+", m["obj"].lower())
    return bool(words) and not _TERRITORIAL.intersection(words)


def _past(expr: TimeExpression, published: date) -> FuzzyDate:
    """A reported change lies in the past: a year-less date after publication is last year's,
    a weekday after it last week's."""
    when = expr.date
    if when.first <= published or re.search(r"\d{4}", expr.text):
        return when
    if when.precision == "day" and expr.kind == "weekday":
        return FuzzyDate(when.value - timedelta(days=7), "day")
    try:
        return FuzzyDate(when.value.replace(year=when.value.year - 1), when.precision)
    except ValueError:  # 29 February
        return FuzzyDate(when.value - timedelta(days=365), when.precision)


def _settle(events: list[Event], *, denied: bool) -> list[Event]:
    """Reconcile the events of one sentence.

    A capture of a place makes a contested or claim event of the same side and place redundant
    ("entered X and secured it"); a capture the sentence says is denied is contested.
    """
    captured = {(e.side, e.place_id) for e in events if e.kind == "capture"}
    out = []
    for e in events:
        if e.kind in ("contested", "control_claim") and (e.side, e.place_id) in captured:
            continue
        if denied and e.kind == "capture":
            e = replace(e, kind="contested", confidence=round(e.confidence * 0.8, 3))
        out.append(e)
    return out


def _synthetic(text: str, start: int, end: int, place: Place, score: float = 0.8) -> Mention:
    return Mention(text=text[start:end], start=start, end=end, place=place, score=score)


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per (kind, side, place): the most precise date, then the most confident."""
    rank = {"day": 3, "month": 2, "year": 1, "": 0}
    best: dict[tuple[str, str, str], Event] = {}
    for ev in events:
        key = (ev.kind, ev.side, ev.place_id)
        cur = best.get(key)
        if cur is None or (rank[ev.date_precision], ev.confidence) > (
            rank[cur.date_precision],
            cur.confidence,
        ):
            best[key] = ev
    return sorted(best.values(), key=lambda e: (e.start, e.kind, e.place_id))


def extract_events(
    docs: Iterable[Document], gazetteer: Gazetteer, sides: Sides, *, activities: bool = True
) -> Iterator[Event]:
    """Events of every document, in document order."""
    extractor = EventExtractor(gazetteer, sides, activities=activities)
    for doc in docs:
        yield from extractor.extract(doc)
