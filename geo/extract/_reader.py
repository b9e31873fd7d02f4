"""One parsed sentence to reports: readings, resolved roles, outcomes, places and dates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.dates import FuzzyDate, TimeExpression, in_past, shift, undated
from geo.documents import Document
from geo.extract._consolidate import Report
from geo.extract._dating import Attachment, Dater
from geo.extract._discourse import Discourse, Resolved
from geo.extract._grammar import Parsed
from geo.extract._interpret import Interpreter, Reading
from geo.extract._outcome import Outcome, Roles, decide
from geo.extract._refs import PlaceRef
from geo.sides import ActorMention, Sides
from geo.toponyms import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Sentence", "SentenceReader"]

_CONTINUING = frozenset({"pronoun", "generic", "possessive"})
_CLOSING = tuple(".!?\"”’'")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document and what was found in it."""

    index: int
    start: int
    end: int
    doc: Doc
    mentions: list[Mention]
    actors: list[ActorMention]
    times: list[TimeExpression]
    story: FuzzyDate | None  # the day the previous sentence's events were dated to
    previous_day: FuzzyDate | None = None  # the last day the previous sentence wrote
    body: int = -1  # where the parsed text starts (after a dateline); -1: at ``start``


class SentenceReader:
    """Turns parsed sentences into reports, with one interpreter and sides file."""

    def __init__(self, interpreter: Interpreter, dater: Dater, sides: Sides) -> None:
        self.interpreter = interpreter
        self.dater = dater
        self.sides = sides

    def read(self, doc: Document, sent: Sentence, discourse: Discourse) -> list[Report]:
        """The reports of one sentence; the discourse learns what the sentence said."""
        offset = sent.body if sent.body >= 0 else sent.start
        parsed = Parsed.build(sent.doc, offset, sent.mentions, sent.actors)
        readings = self.interpreter.read(parsed)
        triggers = {r.index for r in readings}
        attached = self.dater.attach(parsed, sent.times, triggers)
        out: list[Report] = []
        for r in readings:
            out += self._reports(doc, sent, parsed, r, attached, discourse)
        discourse.saw_sentence(sent.start, sent.end, self._subject(parsed, discourse), None)
        return out

    def _reports(
        self,
        doc: Document,
        sent: Sentence,
        parsed: Parsed,
        r: Reading,
        attached: dict[int, list[TimeExpression]],
        discourse: Discourse,
    ) -> list[Report]:
        claimant = discourse.actor(r.claimant) if r.claimant is not None else None
        winner = discourse.actor(r.winner, claimant=claimant)
        loser = discourse.actor(r.loser, claimant=claimant)
        focus = discourse.focus.agent
        out = []
        for ref, where in [(p, w) for p in r.places for w in discourse.places(p)]:
            if ref.minor and r.family != "contested":
                continue  # "A control only a small part of X": no hold, no takeover
            roles = Roles(
                winner=winner,
                loser=loser,
                claimant=claimant,
                winner_fallback=self._winner_fallback(r, ref, where, discourse, focus, loser),
                loser_fallback=self._loser_fallback(r, claimant, focus),
                winner_named=r.winner is not None and r.winner.kind == "named",
                loser_named=r.loser is not None and r.loser.kind == "named",
                winner_unknown=winner is None and r.winner is not None and r.winner.indefinite,
            )
            outcome = decide(r, roles, self.sides)
            if outcome is None:
                continue
            rivals = {discourse.actor(c, claimant=claimant) for c in r.co_winners} - {None}
            if rivals - {outcome.side} and outcome.kind in ("capture", "control_claim"):
                outcome = Outcome("contested", outcome.side)  # both sides claim X
            out.append(self._report(doc, sent, parsed, r, outcome, ref, where, attached, claimant))
            discourse.saw_event(r.start, outcome.kind, outcome.side, where.place)
        return out

    @staticmethod
    def _loser_fallback(r: Reading, claimant: str | None, focus: str | None) -> str | None:
        """Who stands in for a loser the sentence does not name: for a loss reported by a
        side ("A said X had been lost") that side, its admission; else the actor in focus."""
        if r.loser_said:
            return None
        if r.family == "lost" and claimant is not None:
            return claimant
        return focus

    def _winner_fallback(
        self,
        r: Reading,
        ref: PlaceRef,
        where: Resolved,
        discourse: Discourse,
        focus: str | None,
        loser: str | None = None,
    ) -> str | None:
        """Who stands in for a winner the sentence does not name: for fighting, the side
        attacking that place; for a fall ("X has fallen"), the same or the actor in focus;
        never for a place that is only "it" (too weak to guess both)."""
        if r.fallback == "rival" and loser is not None and not self.sides.is_third_party(loser):
            return self.sides.opponent(loser)  # "B were hemmed into X": B's rival presses
        if r.winner_said or ref.kind == "pronoun":
            return None
        attacker = discourse.attacker(where.place)
        if r.family == "contested" or r.mood.fought:
            # Fighting no one is said to wage: whoever the article says attacks the place;
            # no row when no attacker can be identified (codebook).
            return attacker
        if r.fallback == "attacker":
            return attacker or focus  # "X has fallen": to its attacker, else the story's actor
        return focus or attacker

    def _report(
        self,
        doc: Document,
        sent: Sentence,
        parsed: Parsed,
        r: Reading,
        outcome: Outcome,
        ref: PlaceRef,
        where: Resolved,
        attached: dict[int, list[TimeExpression]],
        claimant: str | None,
    ) -> Report:
        at = self.dater.date_of(parsed, parsed.doc[r.index], attached, ref.start - parsed.offset)
        when, dated = self._date(doc, sent, r, outcome, at)
        base = 0.85 if r.winner is not None and r.winner.kind == "named" else 0.65
        return Report(
            kind=outcome.kind,
            side=outcome.side,
            place=where.place,
            surface=where.text,
            sentence=sent.index,
            start=sent.start,
            end=sent.end,
            date=when,
            dated=dated,
            claimant=claimant or "",
            confidence=round(base * min(1.0, 0.5 + where.score / 2), 3),
            headline=sent.index == 0 and not doc.text[sent.start : sent.end].endswith(_CLOSING),
            complete=r.complete,
            reported=r.mood.claimant is not None,
        )

    @staticmethod
    def _date(
        doc: Document, sent: Sentence, r: Reading, outcome: Outcome, at: Attachment
    ) -> tuple[FuzzyDate | None, int]:
        """The date of a report and how it was found (see :class:`Report`)."""
        if at.expr is not None:
            rank = 0 if at.expr.kind == "vague" else 3 if at.how == "own" else 2
            return in_past(at.expr, doc.published), rank
        if at.how == "relative":
            base = in_past(at.base, doc.published) if at.base is not None else None
            if base is None and at.present and doc.published is not None:
                base = FuzzyDate(doc.published, "day")
            if base is not None:
                return shift(base, at.offset), 3
        present = r.mood.tense in ("present", "progressive")
        if present and (outcome.kind == "contested" or r.family == "control_claim"):
            return undated(doc.published, "present"), 0  # "X is under attack", "no longer"
        continuing = r.winner is None or r.winner.kind in _CONTINUING
        if not at.subordinate and not present:
            # The story goes on: fighting on the day last written, a pronoun's deed on the
            # day of the last event.
            if outcome.kind == "contested" and sent.previous_day is not None:
                return sent.previous_day, 1
            if continuing and (sent.story or sent.previous_day) is not None:
                return sent.story or sent.previous_day, 1
        if outcome.kind == "control_claim":
            return undated(doc.published, "present"), 0
        if not at.subordinate and (r.mood.tense == "perfect" or r.mood.reported_now):
            # "A has taken X", "A says it took X": announced on the day of publication.
            return undated(doc.published, "present"), 0
        background = at.subordinate or (r.mood.tense == "pluperfect" and r.mood.claimant is None)
        return undated(doc.published, "background" if background else "news"), 0

    def _subject(self, parsed: Parsed, discourse: Discourse) -> str | None:
        """The side of the main clause's subject when it names armed actors ("rebels
        poured into X"); a leader who speaks or appears ("the leader used the backdrop") is no
        actor of the story."""
        roots = [t for t in parsed.doc if t.dep_ == "ROOT"]
        g = self.interpreter.grammar
        for root in roots:
            for tok in g.subj(root):
                ref = g.actor_ref(parsed, tok)
                named = ref is not None and ref.kind == "named" and ref.mention is not None
                if (
                    named
                    and ref is not None
                    and ref.mention is not None
                    and (ref.mention.kind != "person")
                ):
                    return discourse.actor(ref)
        return None
