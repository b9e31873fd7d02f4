"""Which temporal expression of a sentence dates which trigger.

Each expression found by :func:`geo.dates.find_time_expressions` is attached to the clause it
modifies (the first verb or trigger above it in the parse). A trigger takes the expression of
its own clause, else of a clause that governs it as a report or a complement ("said on
Saturday that they had taken X"), never of a clause it is subordinate to ("after taking X, A
announced on Thursday ..."). The grammar of dates stays in :mod:`geo.dates`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.dates import TimeExpression, day_offset
from geo.extract._grammar import Grammar, Parsed
from geo.extract._syntax import token_span

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Attachment", "Dater"]

# Edges a trigger may inherit its governor's date through.
_INHERIT = frozenset(
    {
        "ccomp",
        "parataxis",
        "xcomp",
        "conj",
        "dobj",
        "pobj",
        "prep",
        "nsubj",
        "nsubjpass",
        "attr",
        "appos",
        "compound",
        "amod",
        "oprd",
        "acomp",
        "npadvmod",
        "advmod",
        "agent",
    }
)
_SUBORDINATE_MARKS = frozenset({"after", "before", "until", "till", "since", "once", "following"})
# "A retreated from X as B advanced": the clause shares its head's time.
_SIMULTANEOUS = frozenset({"as", "while", "when", "whilst"})
_MAX_UP = 8
# "The meeting came after A took X": the news follows the event, which is news too.
_FOLLOWING_VERBS = frozenset({"come", "follow", "arrive", "happen", "occur"})
# "hours after taking X", "shortly after": recent, not background.
_RECENT = frozenset(
    {
        "hours",
        "hour",
        "minutes",
        "shortly",
        "just",
        "soon",
        "immediately",
        "moments",
        "days",
        "day",
        "right",
    }
)


@dataclass(frozen=True, slots=True)
class Attachment:
    """Where the date of a trigger came from: its own clause, a governing clause, or none."""

    expr: TimeExpression | None
    how: str  # "own", "governor", "relative" or ""
    subordinate: bool  # the trigger stands in a temporal subordinate clause ("until A took X")
    # "a day after A took X, B ...": A's clause is ``offset`` days before its head clause,
    # which is dated by ``base`` (or is in the present when ``base`` is None and ``present``).
    offset: int = 0
    base: TimeExpression | None = None
    present: bool = False


class Dater:
    """Attaches temporal expressions to triggers of one parsed sentence."""

    def __init__(self, grammar: Grammar) -> None:
        self.g = grammar

    def attach(
        self, parsed: Parsed, times: list[TimeExpression], triggers: set[int]
    ) -> dict[int, list[TimeExpression]]:
        """Token index of the clause each expression (sentence offsets) modifies.

        A count that relates two clauses ("a day after A took X, ...") is kept apart: see
        :meth:`relative`.
        """
        out: dict[int, list[TimeExpression]] = {}
        self._relative: dict[int, int] = {}
        for t in times:
            span = token_span(parsed.doc, t.start, t.end)
            if span is None:
                continue
            offset = day_offset(t.text)
            if offset is not None and self._relate(parsed, span.end - 1, offset):
                continue
            cur = span.root
            for _ in range(_MAX_UP):
                if (
                    cur.head is cur
                    or cur.i in triggers
                    or (self.g.verbish(cur) and cur.i not in range(span.start, span.end))
                ):
                    break
                cur = cur.head
            out.setdefault(cur.i, []).append(t)
        return out

    def _relate(self, parsed: Parsed, after: int, offset: int) -> bool:
        """Record "N days after/before" + clause: the clause is dated from its head."""
        if after >= len(parsed.doc):
            return False
        word = parsed.doc[after]
        if word.lower_ not in ("after", "before"):
            return False
        if word.dep_ == "mark":
            clause = word.head
        else:
            objs = [c for c in word.children if c.dep_ in ("pobj", "pcomp")]
            if not objs:
                return False
            clause = objs[0]
        self._relative[clause.i] = -offset if word.lower_ == "after" else offset
        return True

    def date_of(
        self,
        parsed: Parsed,
        trigger: Token,
        attached: dict[int, list[TimeExpression]],
        place_at: int,
        depth: int = 0,
    ) -> Attachment:
        """The expression dating ``trigger``; ``place_at`` (sentence offset) picks among
        several on one clause ("took X on Friday and Y on Saturday")."""
        if (
            trigger.i not in self._relative
            and self._subordination(trigger) == "recent"
            and depth < 2
        ):
            # "The news came shortly after A took X": the day of the news, if the text says it.
            governor = trigger.head if trigger.dep_ == "advcl" else trigger.head.head
            base = self.date_of(parsed, governor, attached, place_at, depth + 1)
            return Attachment(None, "relative", False, 0, base.expr, True)
        if trigger.i in self._relative and depth < 2 and trigger.head is not trigger:
            head = self.date_of(parsed, trigger.head, attached, place_at, depth + 1)
            present = trigger.head.tag_ in ("VBZ", "VBP", "VB") or not self.g.verbish(trigger.head)
            return Attachment(
                None, "relative", False, self._relative[trigger.i], head.expr, present
            )
        cur = trigger
        how = "own"
        subordinate = False
        for _ in range(_MAX_UP):
            if cur.i in attached:
                return Attachment(_nearest(attached[cur.i], place_at), how, subordinate)
            if self._subordinate(cur):
                subordinate = True
                break
            if cur.head is cur or (cur.dep_ not in _INHERIT and not self._simultaneous(cur)):
                break
            if self.g.verbish(cur) and cur.dep_ in ("ccomp", "parataxis", "xcomp", "conj"):
                how = "governor"
            cur = cur.head
        return Attachment(None, "", subordinate or self._subordinate(cur))

    @staticmethod
    def _simultaneous(tok: Token) -> bool:
        """ "A retreated as B advanced", "A celebrated on Monday, claiming X", "A fought on
        Monday to take X", "responsible for capturing X on Sunday": the head's time."""
        if tok.dep_ == "pcomp":
            return True  # a temporal subordinate was ruled out before
        if tok.dep_ != "advcl":
            return False
        if any(c.tag_ == "TO" for c in tok.children):
            return True
        marks = [c for c in tok.children if c.dep_ == "mark"]
        if not marks:
            return tok.tag_ == "VBG"
        return any(c.lower_ in _SIMULTANEOUS for c in marks)

    @classmethod
    def _subordinate(cls, tok: Token) -> bool:
        """A clause or gerund under "after", "until", "since" ...: background to its head."""
        return cls._subordination(tok) == "background"

    @staticmethod
    def _subordination(tok: Token) -> str:
        """ "background" for a clause or gerund under "after", "until", "since" ...;
        "recent" when the head says it follows just now ("came after", "hours after",
        "shortly after"); "" for no temporal subordinate."""
        if tok.dep_ == "advcl":
            marks = [c for c in tok.children if c.dep_ == "mark" and c.lower_ in _SUBORDINATE_MARKS]
            if not marks:
                return ""
            word, head = marks[0], tok.head
        elif tok.dep_ == "pcomp" and tok.head.lower_ in _SUBORDINATE_MARKS:
            word, head = tok.head, tok.head.head
        else:
            return ""
        near = [c for c in (*word.children, *tok.children) if c.dep_ in ("npadvmod", "advmod")]
        if head.lemma_.lower() in _FOLLOWING_VERBS or any(c.lower_ in _RECENT for c in near):
            return "recent"
        if word.lower_ in ("after", "following") and head.tag_ in ("VBP", "VBZ"):
            return "recent"  # "residents celebrate after A took X": the news of the day
        return "background"


def _nearest(times: list[TimeExpression], place_at: int) -> TimeExpression:
    after = [t for t in times if t.start >= place_at]
    if after and len(times) > 1:
        return min(after, key=lambda t: t.start - place_at)
    return min(times, key=lambda t: abs(t.start - place_at))
