"""The interpreter: applies the frame table to a parsed sentence.

For every word that a row of the table may trigger, the first row whose part of speech and
required dependents fit, and whose place slots point to a place, gives a :class:`Reading`:
the family, the places, the winner and loser (still references), and the mood. Nothing here
decides sides or dates; discourse and the outcome rules do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.extract._grammar import Grammar, Parsed
from geo.extract._lexicon import Frame, Slot, Tables
from geo.extract._mood import Mood, Moods
from geo.extract._refs import ActorRef, PlaceRef

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Interpreter", "Reading"]

_MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


@dataclass(frozen=True, slots=True)
class Reading:
    """One frame applied to one trigger.

    ``index`` is the trigger's token index, ``start``/``end`` its document offsets;
    ``incomplete`` marks an entry the sentence says did not complete the takeover;
    ``complete`` a change or claim said to be total ("fully under control").
    """

    family: str
    row: int
    index: int
    start: int
    end: int
    places: tuple[PlaceRef, ...]
    winner: ActorRef | None
    loser: ActorRef | None
    mood: Mood
    claimant: ActorRef | None = None
    incomplete: bool = False
    complete: bool = False
    # The winner/loser slot has a word, even if it names no actor ("thousands fled X"):
    # then the actor in focus may not stand in for it.
    winner_said: bool = False
    loser_said: bool = False
    # Actors coordinated with the winner ("both A and B claim X"): rival claims.
    co_winners: tuple[ActorRef, ...] = ()
    # A state named by a noun ("A's hold on X", "A's stronghold X") is presupposed: the
    # modality of the clause around it does not undo it.
    presupposed: bool = False
    fallback: str = "focus"
    parties_named: bool = False  # the sentence names an actor


class Interpreter:
    """Reads the frames of parsed sentences with one frame table."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.grammar = Grammar(tables.lexicon)
        self.moods = Moods(tables.lexicon, self.grammar)

    def read(self, parsed: Parsed) -> list[Reading]:
        """Every reading of one sentence, in text order."""
        out: list[Reading] = []
        consumed: set[int] = set()  # "took control of X": "control" is no trigger of its own
        for tok in parsed.doc:
            if tok.i in parsed.places or tok.i in parsed.actors or tok.i in consumed:
                continue  # "Operation Storm X" storms nothing
            for frame in self._frames(tok):
                if not self.grammar.fits(tok, frame):
                    continue
                reading = self._apply(parsed, tok, frame)
                if reading is not None:
                    out.append(reading)
                    consumed.update(
                        t.i
                        for s in frame.place
                        for t in self.grammar.slot(tok, s)
                        if t.lemma_.lower() in self.tables.lexicon["places.held"]
                    )
                    break
        return out

    def _frames(self, tok: Token) -> list[Frame]:
        rows = {f.row: f for f in self.tables.frames_for(tok.lemma_)}
        rows.update({f.row: f for f in self.tables.frames_for(tok.lower_)})
        return [rows[r] for r in sorted(rows)]

    def _apply(self, parsed: Parsed, tok: Token, frame: Frame) -> Reading | None:
        places = self._places(parsed, tok, frame.place)
        if not places and frame.family == "withdraw" and tok.dep_ == "conj":
            places = self._scene(parsed, tok.head)  # "pushed into X but drew back"
        if not places:
            return None
        winner = self._actor(parsed, tok, frame.winner)
        loser = self._actor(parsed, tok, frame.loser)
        if ("winner" in frame.need and not _actor_like(winner)) or (
            "loser" in frame.need and not _actor_like(loser)
        ):
            return None
        mood = self.moods.of(tok)
        claimant = (
            self.grammar.actor_ref(parsed, mood.claimant) if mood.claimant is not None else None
        )
        family = frame.family
        if frame.state and family == "control_claim" and self._changes(tok):
            family = "capture"  # "X came under A's control"
        return Reading(
            family=family,
            row=frame.row,
            index=tok.i,
            start=parsed.start(tok),
            end=parsed.end(tok),
            places=tuple(places),
            winner=winner,
            loser=loser,
            mood=mood,
            claimant=claimant,
            incomplete=frame.family == "entry" and self._incomplete(parsed, tok, places),
            complete=self._complete(tok),
            winner_said=self._said(parsed, tok, frame.winner),
            loser_said=self._said(parsed, tok, frame.loser),
            co_winners=self._co_actors(parsed, tok, frame.winner),
            presupposed=family == "control_claim" and self.grammar.pos_of(tok) != "verb",
            fallback=frame.fallback,
            parties_named=bool(parsed.actors),
        )

    def _changes(self, tok: Token) -> bool:
        gov = tok.head.head if tok.head is not tok else tok
        return gov.lemma_.lower() in self.tables.lexicon["modality.change_verbs"]

    def _co_actors(
        self, parsed: Parsed, tok: Token, slots: tuple[Slot, ...]
    ) -> tuple[ActorRef, ...]:
        for slot in slots:
            for t in self.grammar.slot(tok, slot):
                refs = [self.grammar.actor_ref(parsed, c) for c in self.grammar.coordinated(t)[1:]]
                found = tuple(r for r in refs if r is not None)
                if found:
                    return found
        return ()

    def _places(self, parsed: Parsed, tok: Token, slots: tuple[Slot, ...]) -> list[PlaceRef]:
        for slot in slots:
            found: list[PlaceRef] = []
            if slot.name == "implicit":
                if not self._bare(tok):
                    return []
                return [PlaceRef("pronoun", parsed.start(tok), parsed.end(tok), head="implicit")]
            for t in self.grammar.slot(tok, slot):
                if t.i in parsed.actors and t.i not in parsed.places:
                    continue
                if slot.name == "in*":
                    if t.i in parsed.places:
                        found.append(self.grammar.named(parsed, t, parsed.places[t.i]))
                    continue
                refs = self.grammar.place_refs(parsed, t)
                if not refs and slot.name == "obj" and self._holdable(t):
                    # "lost its footholds in X", "extended control over X": the place hangs
                    # on the verb.
                    refs = self._verb_complement(parsed, tok)
                if slot.only == "edge":
                    refs = [r for r in refs if r.edge]
                found += refs
            if found:
                if slot.name in ("obj", "theme"):
                    found = self._located(parsed, tok, found) + self._along(parsed, tok)
                return _unique(self.grammar.drop_descriptions(found))
        return []

    def _scene(self, parsed: Parsed, verb: Token) -> list[PlaceRef]:
        """The places a coordinated verb moved to or in: where a retreat that names no place
        retreats from."""
        words = ("into", "to", "in", "at", "inside", "on")
        return [
            r
            for w in words
            for t in self.grammar.prep_objects(verb, w)
            for r in self.grammar.place_refs(parsed, t)
        ]

    def _located(self, parsed: Parsed, tok: Token, refs: list[PlaceRef]) -> list[PlaceRef]:
        """ "seized the airport and fort in X" with "in X" on the verb: X's airport, and X
        (a sub-area of it) for the fort."""
        loose = [r for r in refs if r.kind == "anaphor" and r.owner is None]
        if not loose:
            return refs
        where = [
            p
            for t in self.grammar.prep_objects(tok, "in") + self.grammar.prep_objects(tok, "at")
            for p in self.grammar.place_refs(parsed, t)
            if p.kind == "named"
        ]
        if not where:
            return refs
        lex = self.tables.lexicon
        out = []
        for r in refs:
            if r in loose and r.head in lex["places.site_heads"]:
                out.append(PlaceRef("site", r.start, r.end, head=r.head, owner=where[0]))
            elif r in loose and r.sub:
                out.append(where[0].flagged(sub=True))
            else:
                out.append(r)
        return out

    def _along(self, parsed: Parsed, tok: Token) -> list[PlaceRef]:
        """ "retook X along with Y", "took X together with Y": Y too."""
        refs: list[PlaceRef] = []
        for words in ("along with", "together with", "as well as"):
            for t in self.grammar.prep_objects(tok, words):
                refs += self.grammar.place_refs(parsed, t)
        return refs

    @staticmethod
    def _bare(verb: Token) -> bool:
        """ "A gained control in April": no complement says of what, so the place is the one
        the story is about. Not when something else is controlled ("control of A across the
        north", "control of the sea")."""
        objs = [c for c in verb.children if c.dep_ == "dobj"]
        if any(c.dep_ == "prep" for o in objs for c in o.children):
            return False
        for c in verb.children:
            if c.dep_ == "prep" and any(
                p.dep_ == "pobj"
                and p.tag_ not in ("CD",)
                and p.ent_type_ == ""
                and p.lower_[:3] not in _MONTHS
                for p in c.children
            ):
                return False
        return True

    def _holdable(self, tok: Token) -> bool:
        """A light noun of ground or control ("positions", "control"), not a quantity."""
        lex = self.tables.lexicon
        words = lex["places.positional"] | {"control", "possession", "charge", "hold", "grip"}
        return tok.lemma_.lower() in words or tok.lower_ in words

    def _verb_complement(self, parsed: Parsed, verb: Token) -> list[PlaceRef]:
        words = [w for w in ("of", "over", "in", "at", "on", "inside", "around")]
        return [
            r
            for w in words
            for x in self.grammar.prep_objects(verb, w)
            for r in self.grammar.place_refs(parsed, x)
        ]

    def _actor(self, parsed: Parsed, tok: Token, slots: tuple[Slot, ...]) -> ActorRef | None:
        for slot in slots:
            for t in self.grammar.slot(tok, slot):
                if t.i in parsed.places and t.i not in parsed.actors:
                    continue
                ref = self.grammar.actor_ref(parsed, t)
                if ref is not None:
                    return ref
        return None

    def _said(self, parsed: Parsed, tok: Token, slots: tuple[Slot, ...]) -> bool:
        """A role's slot holds a word the actor in focus may not stand in for: anything but
        "they", "it", "the troops" or "the offensive" (a "we" or "the government" that does
        not resolve is nobody to guess)."""
        lex = self.tables.lexicon
        for slot in slots:
            for t in self.grammar.slot(tok, slot):
                if t.i in parsed.places and t.i not in parsed.actors:
                    continue
                word, lemma = t.lower_, t.lemma_.lower()
                if word in ("they", "them", "it", "which", "who", "that", "their", "its"):
                    continue
                if lemma in lex["actors.armed"] and t.i not in parsed.actors:
                    continue
                return True
        return False

    def _incomplete(self, parsed: Parsed, tok: Token, places: list[PlaceRef]) -> bool:
        """An entry that the sentence says did not finish the job: still fighting, only the
        edges, an operation to retake the place."""
        if any(p.edge or p.partial for p in places):
            return True
        words = self.tables.lexicon["completion.incomplete"]
        return any(
            (t.lemma_.lower() in words or t.lower_ in words)
            and t.i != tok.i
            and t.i not in parsed.places
            and t.i not in parsed.actors
            for t in parsed.doc
        )

    def _complete(self, tok: Token) -> bool:
        words = self.tables.lexicon["completion.complete"]
        near = [tok, *tok.children, *(c for c in tok.head.children if c.dep_ == "advmod")]
        return any(t.lower_ in words for t in near if t is not tok)


def _actor_like(ref: ActorRef | None) -> bool:
    """A role that names an actor or refers to one, not merely a modifier word."""
    return ref is not None and ref.kind in ("named", "pronoun", "possessive", "rival")


def _unique(refs: list[PlaceRef]) -> list[PlaceRef]:
    seen: set[tuple[int, int]] = set()
    out = []
    for r in refs:
        if (r.start, r.end) not in seen:
            seen.add((r.start, r.end))
            out.append(r)
    return out
