"""Discourse: what an article has said so far, to resolve references across sentences.

Place references ("the town", "it", "its airport", "the capital", "the last foothold on the
coast") resolve to places named before (or, for a description, named in the next sentence);
actor references ("they", "his army", "the group", "our forces", "the enemy") resolve to
sides named before, or to the speaker of a quote. Names whose side depends on the outlet are
judged once per document. Frame handlers never resolve references themselves.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from geo._geodesy import distance_km
from geo.documents import Document
from geo.extract._lexicon import Lexicon
from geo.extract._refs import ActorRef, PlaceRef
from geo.gazetteer import Gazetteer, Place
from geo.sides import ActorMention, Sides
from geo.toponyms import Mention

__all__ = ["Discourse", "Resolved", "Sites"]

_TOWN_KINDS = frozenset({"capital", "city", "town", "village", "hamlet", "locality", "suburb"})
_AIRPORT_KINDS = frozenset({"airport", "airbase"})
_SITE_KINDS: dict[str, frozenset[str]] = {
    "airport": _AIRPORT_KINDS,
    "airbase": _AIRPORT_KINDS,
    "base": _AIRPORT_KINDS,
    "airfield": _AIRPORT_KINDS,
    "airstrip": _AIRPORT_KINDS,
    "port": frozenset({"port", "terminal"}),
    "seaport": frozenset({"port", "terminal"}),
    "harbour": frozenset({"port", "terminal"}),
    "harbor": frozenset({"port", "terminal"}),
    "terminal": frozenset({"terminal", "port"}),
    "refinery": frozenset({"refinery", "terminal"}),
    "field": frozenset({"oil_field"}),
    "oilfield": frozenset({"oil_field"}),
}
_OUTLET_LINE = re.compile(r"^\s*(?:Source|Sources|Via)\s*:\s*(.+?)\s*$", re.I | re.M)
_DATELINE = re.compile(r"\(([A-Z][\w ]{1,25})\)\s*[-–—]")
# Words between an ambiguous name and a named actor ("the army's chief X"); a gap of at most
# this many words with an ally cue makes them one side.
_GAP_WORD = re.compile(r"[^\W\d_]+")
_ALLY_GAP = 10
_SPEAKER_WORDS = frozenset({"we", "us", "our", "ours", "ourselves"})
# A person who speaks: "X said", "said X", "X told ...".
_SAYS = re.compile(r"(?i)\b(?:said|says|told|tells|added|stated|declared|announced)\b")
# A place named only to locate another ("50 km west of X", "near X") is no antecedent.
_LANDMARK = re.compile(
    r"(?i)(?:\b(?:north|south|east|west)(?:ern)?(?:-?(?:east|west)(?:ern)?)?\s+of|\bkm|"
    r"\bkilometres?|\bkilometers?|\bmiles|\bnear|\boutside|\btowards?|\bbeyond)"
    r"\s+(?:(?:from|of)\s+)?(?:the\s+)?(?:[\w'’-]+\s+){0,3}$"
)
# "the village of X" naming a place the gazetteer lacks: a later "the village" means it, so
# it blocks older antecedents.
_UNKNOWN = re.compile(
    r"\b(?:town|city|village|hamlet|oasis|port|settlement|outpost|district|area|base)\s+"
    r"(?:of|called|named|known\s+as)\s+(?:#)?([A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)*)"
)
# The kinds of gazetteer place that a description with this head may mean.
_HEAD_KINDS: dict[str, frozenset[str]] = {
    "village": frozenset({"village", "hamlet", "locality", "town", "suburb"}),
    "hamlet": frozenset({"village", "hamlet", "locality"}),
    "city": frozenset({"city", "capital", "town"}),
    "capital": frozenset({"capital", "city"}),
}
# The kinds a head names first: "the town" after a city and a town means the town.
_PREFERRED: dict[str, frozenset[str]] = {
    "town": frozenset({"town", "village", "locality"}),
    "city": frozenset({"city", "capital"}),
    "village": frozenset({"village", "hamlet", "locality"}),
}
# "the capital" with no name after it.
_CAPITAL = re.compile(r"\b[Tt]he\s+(?:\w+\s+)?capital\b(?!\s*,?\s*[A-Z])(?!['’]s)")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A place reference resolved: the place and the words that named it."""

    place: Place
    text: str
    score: float


class Sites:
    """Sites of towns ("its airport"): the nearest gazetteer site of that kind (memoised)."""

    def __init__(self, gazetteer: Gazetteer, *, capitals: Sequence[str] = ()) -> None:
        self.gazetteer = gazetteer
        self._memo: dict[tuple[str, str], Place | None] = {}
        if capitals:
            found = [gazetteer.get(c) for c in capitals if c in gazetteer]
        else:
            found = [p for p in gazetteer if p.kind == "capital"]
        self.capital = found[0] if len(found) == 1 else None

    def of(self, town: Place, head: str) -> Place | None:
        """The site ``head`` ("airport", "port") of ``town``, within 40 km."""
        kinds = _SITE_KINDS.get(head)
        if kinds is None:
            return None
        key = (town.id, head)
        if key not in self._memo:
            self._memo[key] = self._find(town, kinds)
        return self._memo[key]

    def _find(self, town: Place, kinds: frozenset[str]) -> Place | None:
        near = [
            p
            for p in self.gazetteer
            if p.kind in kinds
            # A cheap box first (0.5 degrees > 40 km at these latitudes), then the ellipsoid.
            and abs(p.lat - town.lat) < 0.5
            and abs(p.lon - town.lon) < 0.6
            and distance_km((p.lat, p.lon), (town.lat, town.lon)) < 40
        ]
        if not near:
            return None
        named = [p for p in near if town.name.lower() in p.name.lower()]
        return min(named or near, key=lambda p: distance_km((p.lat, p.lon), (town.lat, town.lon)))


@dataclass
class _Focus:
    """Actors in focus: the last agent of an event and the last named actor of each kind."""

    agent: str | None = None
    agent_at: int = -1
    person: str | None = None
    claimant: str | None = None
    event_places: list[tuple[int, Place]] = field(default_factory=list)
    holders: dict[str, str] = field(default_factory=dict)
    attackers: dict[str, str] = field(default_factory=dict)


class Discourse:
    """Resolves references within one document.

    Parameters
    ----------
    doc
        The document.
    mentions, actors
        Every place and actor mention of the document, in text order.
    sides, sites, lexicon
        The sides file, the site finder and the word classes.
    sentences
        The document's sentence spans.
    """

    def __init__(
        self,
        doc: Document,
        mentions: list[Mention],
        actors: list[ActorMention],
        *,
        sides: Sides,
        sites: Sites,
        lexicon: Lexicon,
        sentences: list[tuple[int, int]],
    ) -> None:
        self.doc = doc
        self.sides = sides
        self.sites = sites
        self.lex = lexicon
        self.mentions = mentions
        named = {i for a in actors for i in range(a.start, a.end)}
        self._antecedents = self._find_antecedents(
            doc.text, [m for m in mentions if m.start not in named], sites
        )
        self._antecedent_starts = [a[0] for a in self._antecedents]
        self.actors = actors
        self._actor_starts = [a.start for a in actors]
        self.sentences = sentences
        self._sentence_starts = [s for s, _ in sentences]
        self.focus = _Focus()
        self.judged = self._judge_ambiguous()

    @staticmethod
    def _find_antecedents(
        text: str, mentions: list[Mention], sites: Sites
    ) -> list[tuple[int, Place | None]]:
        """Places a later "the town" or "it" may point back to: names that are not landmarks
        (nor part of an actor's name, as in "the X government": the caller drops those),
        "the capital", and (as None) towns the gazetteer lacks ("the village of X")."""
        out: list[tuple[int, Place | None]] = [
            (m.start, m.place)
            for m in mentions
            if not _LANDMARK.search(text[max(0, m.start - 40) : m.start])
        ]
        if sites.capital is not None:
            out += [
                (m.start(), sites.capital)
                for m in _CAPITAL.finditer(text)
                if not _LANDMARK.search(text[max(0, m.start() - 40) : m.start()])
            ]
        known = {m.start for m in mentions}
        out += [(m.start(1), None) for m in _UNKNOWN.finditer(text) if m.start(1) not in known]
        out.sort(key=lambda a: a[0])
        return out

    # -- ambiguous names --------------------------------------------------------------------
    def _outlet(self) -> str:
        if self.doc.source:
            return self.doc.source
        m = _OUTLET_LINE.search(self.doc.text)
        if m:
            return m.group(1)
        m = _DATELINE.search(self.doc.text[:400])
        return m.group(1) if m else ""

    def _judge_ambiguous(self) -> dict[str, str]:
        """Decide, per ambiguous name, which side this document means by it: by the outlet,
        else by whom it acts against (the side named after it in its sentence). Linear in the
        number of actor mentions."""
        judged: dict[str, str] = {}
        outlet = self._outlet().lower()
        for amb in self.sides.ambiguous:
            for name, side in amb.outlets.items():
                if outlet and re.search(r"\b" + re.escape(name.lower()) + r"\b", outlet):
                    judged[amb.alias] = side
        votes: dict[str, Counter[str]] = {}
        for alias, side in self._votes(judged):
            votes.setdefault(alias, Counter())[side] += 1
        for alias, counter in votes.items():
            side, n = counter.most_common(1)[0]
            if n > sum(counter.values()) / 2:
                judged[alias] = side
        return judged

    def _votes(self, judged: dict[str, str]) -> list[tuple[str, str]]:
        """(ambiguous alias, side) votes: by a named actor after the name in its sentence
        (see :meth:`_vote`), and by the last named actor before it whose name has the same
        head ("the Free Army ... the army")."""
        out: list[tuple[str, str]] = []
        pending: list[ActorMention] = []
        named: list[ActorMention] = []
        sentence = -1
        for act in self.actors:
            here = bisect_right(self._sentence_starts, act.start) - 1
            if here != sentence:
                pending, sentence = [], here
            if act.ambiguous is not None and act.ambiguous.alias not in judged:
                pending.append(act)
                side = self._same_head(act, named)
                if side is not None:
                    out.append((act.ambiguous.alias, side))
            elif act.side is not None and act.kind in ("alias", "person", "dated"):
                if not self._third(act.side):
                    named.append(act)
                for waiting in pending:
                    side = self._vote(waiting, act)
                    if side and waiting.ambiguous is not None:
                        out.append((waiting.ambiguous.alias, side))
                pending = []
        return out

    @staticmethod
    def _same_head(act: ActorMention, named: list[ActorMention]) -> str | None:
        """The side of the last named actor whose name holds the ambiguous name's head."""
        assert act.ambiguous is not None
        head = act.ambiguous.alias.lower().split()[-1]
        for prev in reversed(named[-10:]):
            if prev.kind != "person" and head in _GAP_WORD.findall(prev.text.lower()):
                return prev.side
        return None

    def _vote(self, waiting: ActorMention, named: ActorMention) -> str | None:
        """The side an ambiguous name is judged to be by a named actor after it in its
        sentence: its ally when a short gap ties them ("the army's chief X", "the army,
        backed by units loyal to X"), its rival when the gap says they fight ("the army
        drove X's men from ..."); no vote otherwise ("the army took Y, X said")."""
        if named.side is None:
            return None
        gap = _GAP_WORD.findall(self.doc.text[waiting.end : named.start].lower())
        lex = self.lex
        if any(w in lex["actors.report_cues"] for w in gap):
            return None  # "the army took Y, X said": X is a speaker, maybe of either side
        if any(w in lex["actors.hostile_cues"] for w in gap):
            return self.sides.opponent(named.side)
        if len(gap) <= _ALLY_GAP and any(w in lex["actors.ally_cues"] for w in gap):
            return named.side
        return None

    def side_of(self, actor: ActorMention) -> str | None:
        """The side of a named actor, ambiguous names judged for this document."""
        if actor.side is None and actor.ambiguous is not None:
            return self.judged.get(actor.ambiguous.alias)
        return actor.side

    # -- actors ---------------------------------------------------------------------------------
    def actor(self, ref: ActorRef | None, *, claimant: str | None = None) -> str | None:
        """The side an actor reference stands for, or None."""
        if ref is None:
            return None
        side = self._actor(ref, claimant)
        if side is not None and ref.inverse:
            return self.sides.opponent(side)
        return side

    def _actor(self, ref: ActorRef, claimant: str | None) -> str | None:
        if ref.kind == "named" and ref.mention is not None:
            return self.side_of(ref.mention)
        if ref.kind == "rival":
            base = self._pronoun(ref.text, ref.start, claimant) if ref.text else None
            base = base or self.focus.agent
            return self.sides.opponent(base) if base else None
        if ref.kind in ("possessive", "pronoun"):
            return self._pronoun(ref.text, ref.start, claimant)
        if ref.kind == "modifier":
            side = self.word_side(ref.text)
            if side is not None or not ref.head or ref.indefinite:
                return side
            return self._generic(ref.head, ref.start)
        if ref.indefinite:
            return None  # a newcomer: not the actor in focus
        return self._generic(ref.text, ref.start)

    def _pronoun(self, word: str, at: int, claimant: str | None) -> str | None:
        """In reported speech a pronoun is the reporter's side ("A said they took X", "A said
        their forces withdrew"); else the actor in focus, or the last person for "his"."""
        if word in _SPEAKER_WORDS:
            return claimant or self._speaker(at)
        if claimant is not None:
            return claimant
        if word in ("his", "her", "he", "she"):
            return self._last_person(at) or self._last_named(at)
        if word in ("its", "their"):
            here = self._named_in_sentence(at)  # "A said its forces took X": A
            if here is not None:
                return here
        return self.focus.agent or self._last_named(at)

    def _named_in_sentence(self, at: int) -> str | None:
        """The side of the last actor named (not a person) before ``at`` in its sentence."""
        s = bisect_right(self._sentence_starts, at) - 1
        start = self.sentences[s][0] if s >= 0 else 0
        lo, hi = bisect_left(self._actor_starts, start), bisect_left(self._actor_starts, at)
        for a in reversed(self.actors[lo:hi]):
            side = self.side_of(a)
            if a.kind != "person" and side is not None:
                return side
        return None

    def _generic(self, head: str, at: int) -> str | None:
        """ "the troops", "the offensive": the actor in focus; "the group", "the government":
        the last actor named so, else the side whose names use that word."""
        if head in self.lex["actors.armed"]:
            return self.focus.agent or self._last_named(at)
        i = bisect_left(self._actor_starts, at)
        for a in reversed(self.actors[max(0, i - 30) : i]):
            if head in a.text.lower():
                side = self.side_of(a)
                if side is not None:
                    return side
        return self.word_side(head)

    @cached_property
    def _word_sides(self) -> dict[str, frozenset[str]]:
        """Words the sides file uses before an armed-group noun ("government forces") or as a
        name of their own ("rebels"), with the sides they name."""
        out: dict[str, set[str]] = {}
        armed = self.lex["actors.armed"]
        names = [(side.id, a) for side in self.sides.actors for a in (side.id, *side.aliases)]
        for d in self.sides.dated:
            side = d.side_on(self.doc.published)
            if side is not None:
                names += [(side, a) for a in (d.alias, *d.variants)]
        for side_id, alias in names:
            words = alias.lower().split()
            if words and words[0] == "the":
                words = words[1:]
            if len(words) == 2 and words[1] in armed:
                out.setdefault(words[0], set()).add(side_id)
            elif len(words) == 1:
                out.setdefault(words[0], set()).add(side_id)
                out.setdefault(words[0].rstrip("s"), set()).add(side_id)
        return {k: frozenset(v) for k, v in out.items()}

    def word_side(self, word: str) -> str | None:
        """The one side a modifier word names ("rebel", "government"), or None."""
        sides = self._word_sides.get(word.lower(), frozenset())
        return next(iter(sides)) if len(sides) == 1 else None

    def _speaker(self, at: int) -> str | None:
        """In a quote, "we" is the side of the person quoted in the same sentence."""
        s = bisect_right(self._sentence_starts, at) - 1
        if s < 0:
            return None
        start, end = self.sentences[s]
        lo, hi = bisect_left(self._actor_starts, start), bisect_left(self._actor_starts, end)
        text = self.doc.text
        people = [
            a
            for a in self.actors[lo:hi]
            if a.kind == "person"
            and a.side
            and _SAYS.search(text[max(start, a.start - 12) : min(end, a.end + 40)])
        ]
        return people[-1].side if people else None

    def _last_person(self, at: int) -> str | None:
        i = bisect_left(self._actor_starts, at)
        for a in reversed(self.actors[max(0, i - 30) : i]):
            if a.kind == "person" and a.side:
                return a.side
        return None

    def _last_named(self, at: int) -> str | None:
        i = bisect_left(self._actor_starts, at)
        for a in reversed(self.actors[max(0, i - 30) : i]):
            side = self.side_of(a)
            if side is not None and not self._third(side):
                return side
        return None

    def _third(self, side: str) -> bool:
        return self.sides.is_third_party(side)

    # -- places ---------------------------------------------------------------------------------
    def place(self, ref: PlaceRef) -> Resolved | None:
        """The place a reference stands for, or None."""
        if ref.kind == "named" and ref.mention is not None:
            m = ref.mention
            return Resolved(m.place, m.text, m.score)
        if ref.kind == "site":
            return self._site(ref)
        if ref.kind == "pronoun":
            town = self._in_focus(ref.start, towns_only=False)
            return Resolved(town, self._text(ref), 0.6) if town else None
        return self._anaphor(ref)

    def _text(self, ref: PlaceRef) -> str:
        return self.doc.text[ref.start : ref.end]

    def _site(self, ref: PlaceRef) -> Resolved | None:
        owner = ref.owner
        town: Place | None = None
        if owner is not None:
            if owner.kind == "pronoun":
                town = self._in_focus(ref.start, towns_only=True)
            else:
                got = self.place(owner)
                town = got.place if got else None
        if town is None:
            return None
        site = self.sites.of(town, ref.head)
        return Resolved(site or town, self._text(ref), 0.75 if site else 0.55)

    def _anaphor(self, ref: PlaceRef) -> Resolved | None:
        head = ref.head
        if head == "capital" and self.sites.capital is not None:
            return Resolved(self.sites.capital, self._text(ref), 0.7)
        if head in _SITE_KINDS and ref.owner is None:
            capital = self.sites.capital
            if "main" in ref.modifiers and capital is not None:
                site = self.sites.of(capital, head)  # "the country's main airport"
                return Resolved(site, self._text(ref), 0.6) if site else None
            named = self._site_named(ref.start, _SITE_KINDS[head])
            if named is not None:
                return Resolved(named, self._text(ref), 0.65)  # "Port Vell airport ... the airport"
            town = self._in_focus(ref.start, towns_only=True)
            site = self.sites.of(town, head) if town else None
            return Resolved(site, self._text(ref), 0.6) if site else None
        if head in self.lex["places.descriptions"]:
            town = self._named_next(ref.end) or self._in_focus(ref.start, towns_only=True)
            return Resolved(town, self._text(ref), 0.5) if town else None
        if "country" in ref.modifiers:
            here = self.towns_before(ref.start)  # "the country's second city": named nearby
            return Resolved(here[-1], self._text(ref), 0.5) if here else None
        if head in self.lex["places.town_heads"] or ref.sub:
            town = self._in_focus(ref.start, towns_only=True, head=head)
            return Resolved(town, self._text(ref), 0.6) if town else None
        return None

    def places(self, ref: PlaceRef) -> list[Resolved]:
        """A reference may stand for several places: "the towns", "the town centres" (of the
        towns named before). Otherwise as :meth:`place`."""
        if ref.kind == "anaphor" and ref.plural:
            towns = self.towns_before(ref.start) or self.towns_before(ref.start, previous=True)
            if len(towns) >= 2:
                return [Resolved(t, self._text(ref), 0.55) for t in towns]
        one = self.place(ref)
        return [one] if one is not None else []

    def _in_focus(self, at: int, *, towns_only: bool, head: str = "") -> Place | None:
        """The place a reference at ``at`` points back to: the last one named before it in
        its sentence, else the last event place, else the last one named (of the kind the
        head prefers: "the city" a city, "the village" a village). A town the gazetteer lacks
        ends the search: the reference means it."""
        kinds = _HEAD_KINDS.get(head, _TOWN_KINDS) if towns_only else None
        s = bisect_right(self._sentence_starts, at) - 1
        sent_start = self.sentences[s][0] if s >= 0 else 0
        window_start = self.sentences[max(0, s - 2)][0] if s >= 0 else 0
        i = bisect_left(self._antecedent_starts, at)
        before = self._antecedents[max(0, i - 40) : i]
        ok = [(pos, p) for pos, p in before if p is None or kinds is None or p.kind in kinds]
        here = [p for pos, p in ok if pos >= sent_start]
        if here:
            return here[-1]
        preferred = _PREFERRED.get(head)
        if preferred:
            recent = [p for pos, p in ok if pos >= window_start and p is not None]
            best = [p for p in recent if p.kind in preferred]
            if best:
                # The topic (the last event's place) before a place named in passing.
                event_place = self._last_event_place(at)
                if event_place is not None and any(p.id == event_place[1].id for p in best):
                    return event_place[1]
                return best[-1]
        last_named = ok[-1] if ok else None
        event = self._last_event_place(at)
        if (
            event is not None
            and (kinds is None or event[1].kind in kinds)
            and (last_named is None or last_named[1] is not None or event[0] > last_named[0])
        ):
            return event[1]
        return last_named[1] if last_named else None

    def _last_event_place(self, at: int) -> tuple[int, Place] | None:
        """The place of the last event read before ``at`` (events arrive in text order)."""
        places = self.focus.event_places
        i = bisect_left([pos for pos, _ in places[-8:]], at)
        recent = places[-8:][:i]
        return recent[-1] if recent else None

    def _site_named(self, at: int, kinds: frozenset[str]) -> Place | None:
        """The last site of these kinds named in this or the two sentences before ``at``."""
        s = bisect_right(self._sentence_starts, at) - 1
        window_start = self.sentences[max(0, s - 2)][0] if s >= 0 else 0
        i = bisect_left(self._antecedent_starts, at)
        for pos, p in reversed(self._antecedents[max(0, i - 20) : i]):
            if pos < window_start:
                break
            if p is not None and p.kind in kinds:
                return p
        return None

    def towns_before(self, at: int, *, previous: bool = False) -> list[Place]:
        """The towns named in the sentence before ``at`` ("in both X and Y ... the town
        centres"), or in the previous sentence ("rebels took the towns")."""
        s = bisect_right(self._sentence_starts, at) - 1 - (1 if previous else 0)
        if s < 0:
            return []
        start, end = self.sentences[s]
        lo, hi = (
            bisect_left(self._antecedent_starts, start),
            bisect_left(self._antecedent_starts, min(end, at)),
        )
        here = [p for _, p in self._antecedents[lo:hi] if p is not None]
        return list({p.id: p for p in here if p.kind in _TOWN_KINDS}.values())

    def _named_next(self, at: int) -> Place | None:
        """A description may be named in its own or the next sentence ("the last foothold on
        the coast ... Crowds in X celebrated")."""
        s = bisect_right(self._sentence_starts, at) - 1
        if s < 0 or s + 1 >= len(self.sentences):
            return None
        end = self.sentences[s + 1][1]
        i = bisect_left(self._antecedent_starts, at)
        for pos, place in self._antecedents[i : i + 5]:
            if pos < end and place is not None and place.kind in _TOWN_KINDS:
                return place
        return None

    # -- updates --------------------------------------------------------------------------------
    def saw_event(self, at: int, kind: str, side: str, place: Place) -> None:
        """An event was read at ``at``: its side and place are now in focus, and what it says
        about who holds or attacks the place is remembered."""
        if self._third(side):
            return
        self.focus.agent, self.focus.agent_at = side, at
        if kind != "control_claim" and kind != "strike":
            self.focus.event_places.append((at, place))  # a claim describes, it is no topic
        if kind in ("capture", "control_claim"):
            self.focus.holders[place.id] = side
            if kind == "capture":  # a later "X fell" restates this capture
                self.focus.attackers.setdefault(place.id, side)
        elif kind == "withdraw":
            rival = self.sides.opponent(side)
            if rival:
                self.focus.holders[place.id] = rival
        elif kind in ("contested", "offensive"):
            self.focus.attackers.setdefault(place.id, side)

    def attacker(self, place: Place) -> str | None:
        """Who attacks ``place`` as far as the article has said: the side last said to fight
        for or advance on it, else the rival of the side said to hold it."""
        if place.id in self.focus.attackers:
            return self.focus.attackers[place.id]
        holder = self.focus.holders.get(place.id)
        return self.sides.opponent(holder) if holder else None

    def side_before(self, start: int, at: int) -> str | None:
        """The side of the last actor named between ``start`` and ``at`` (who denies)."""
        lo, hi = bisect_left(self._actor_starts, start), bisect_left(self._actor_starts, at)
        return next((s for a in reversed(self.actors[lo:hi]) if (s := self.side_of(a))), None)

    def saw_sentence(self, start: int, end: int, subject: str | None, claimant: str | None) -> None:
        """A sentence was read: its grammatical subject's side and its claimant."""
        if subject is not None and not self._third(subject):
            self.focus.agent, self.focus.agent_at = subject, start
        elif self.focus.agent is None:
            lo, hi = bisect_left(self._actor_starts, start), bisect_left(self._actor_starts, end)
            named = [self.side_of(a) for a in self.actors[lo:hi] if a.kind != "person"]
            first = next((s for s in named if s and not self._third(s)), None)
            if first:
                self.focus.agent = first
        if claimant:
            self.focus.claimant = claimant
