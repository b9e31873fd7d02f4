"""Modifiers of a trigger: is the event reported as real, by whom, and in which tense.

Walking up from the trigger through the clauses that govern it, the modifiers of the lexicon
decide: an infinitive is an intention unless its governor entails it ("managed to take" is
real, "aims to take" is not); a modal, a condition ("if", "once X is taken"), a negation or a
repulse ("repelled an attack on X") voids the event; a report verb names the claimant ("Side A
said it took X") and a denial marks the report as contested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from geo.extract._grammar import Grammar
from geo.extract._lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Mood", "Moods", "Tense"]

Tense = Literal["past", "perfect", "pluperfect", "present", "progressive", ""]
_MAX_DEPTH = 10
_REPORTED = frozenset({"ccomp", "parataxis", "dobj", "xcomp", "oprd", "acomp"})
_CLAUSE_DEPS = frozenset(
    {"ccomp", "parataxis", "advcl", "xcomp", "conj", "relcl", "acl", "csubj", "csubjpass"}
)
# Instrumental and manner prepositions: "showed their strength by launching an attack" is real.
_REAL_GERUND_PREPS = frozenset({"by", "after", "in", "while", "through", "following", "despite"})


@dataclass(frozen=True, slots=True)
class Mood:
    """How a trigger is reported.

    ``unreal`` says why the event did not happen as reported ("intent", "condition",
    "modal", "negated", "repelled", "failed"), empty when it did. ``claimant`` is the word
    of the report verb's subject (or of "according to"); ``denied`` is set when a denial
    governs the report; ``fought`` when the intention is fought over ("fought a bid to take
    X"); ``since`` when the trigger stands in a "since" clause or phrase (background).
    """

    unreal: str = ""
    claimant: Token | None = None
    denied: bool = False
    fought: bool = False
    no_longer: bool = False
    since: bool = False
    tense: Tense = ""
    # The intention is the purpose of a movement ("moved north to clash with A"): real for
    # fighting, which happens where the movement ends.
    purpose_of_motion: bool = False
    # Reported in the present ("A says it took X"): announced on the day of publication.
    reported_now: bool = False


class Moods:
    """Computes the :class:`Mood` of triggers with one lexicon."""

    def __init__(self, lexicon: Lexicon, grammar: Grammar) -> None:
        self.lex = lexicon
        self.g = grammar

    def of(self, tok: Token) -> Mood:
        """The mood of one trigger."""
        state = _Walk(tense=self.tense(tok))
        self._local(tok, state)
        cur = tok
        for _ in range(_MAX_DEPTH):
            head = cur.head
            if head is cur or state.unreal or self._set_off(cur):
                break
            self._step(cur, head, state)
            if self._stops(cur, head):
                break
            cur = head
        self._parataxis(cur, state)
        return Mood(
            unreal=state.unreal,
            claimant=state.claimant,
            denied=state.denied,
            fought=state.fought,
            no_longer=state.no_longer,
            since=state.since,
            tense=state.tense,
            purpose_of_motion=state.motion,
            reported_now=state.reported_now,
        )

    # -- the trigger itself -------------------------------------------------------------------
    def _local(self, tok: Token, st: _Walk) -> None:
        kids = list(tok.children)
        for c in kids:
            word, lemma = c.lower_, c.lemma_.lower()
            if c.dep_ == "neg" or (c.dep_ == "det" and word == "no"):
                st.unreal = st.unreal or "negated"
            elif c.dep_ == "advmod" and word == "longer":
                st.no_longer = any(g.dep_ == "neg" for g in c.children)
                st.unreal = "" if st.no_longer else st.unreal
            elif c.dep_ == "aux" and (word in self.lex["modality.modal_aux"]):
                st.unreal = st.unreal or "modal"
            elif (
                c.dep_ in ("amod", "det", "compound")
                and lemma in self.lex["failure.failure_adjectives"]
            ):
                st.unreal = st.unreal or "failed"
            elif c.dep_ in ("amod", "det") and (
                word in self.lex["modality.irrealis_determiners"]
                or lemma in self.lex["modality.irrealis_determiners"]
            ):
                st.unreal = st.unreal or "hypothetical"
        if st.no_longer and st.unreal == "negated":
            st.unreal = ""
        self._clause_marks(tok, st)
        if self._beaten(tok):
            st.unreal = st.unreal or "repelled"

    def _beaten(self, tok: Token) -> bool:
        """ "A entered X but were beaten back", "... had been dealt with": a repulse
        coordinated with the attempt undoes it."""
        for c in tok.children:
            if c.dep_ != "conj" or not self.g.passive(c):
                continue
            lemma = c.lemma_.lower()
            particles = {g.lower_ for g in c.children if g.dep_ in ("prt", "advmod", "prep")}
            undone = lemma in self.lex["failure.repulse_passives"] and (
                bool(particles & {"back", "off", "with", "out"}) or lemma in ("repel", "repulse")
            )
            if self._repels(c) or undone:
                return True
        return False

    def _clause_marks(self, tok: Token, st: _Walk) -> None:
        """Subordinators of the trigger's own clause ("if", "once", "since")."""
        for c in tok.children:
            if c.dep_ != "mark" and not (c.dep_ == "advmod" and c.lower_ in ("once", "when")):
                continue
            word = c.lower_
            if word in self.lex["modality.conditional_marks"] or (
                word in self.lex["modality.temporal_marks"] and st.tense == "present"
            ):
                st.unreal = st.unreal or "condition"
            elif word == "since":
                st.since = True

    # -- one step up ----------------------------------------------------------------------------
    def _set_off(self, cur: Token) -> bool:
        """A state phrase set off by a comma describes the noun before it, in its own mood:
        "the city of X, under siege by A, could prove ..." asserts the siege."""
        return (
            cur.dep_ == "prep"
            and cur.lower_ in self.lex["modality.state_preps"]
            and cur.i > 0
            and cur.doc[cur.i - 1].text == ","
        )

    def _stops(self, cur: Token, head: Token) -> bool:
        """The walk ends where a phrase describes a noun ("the city of X, under siege") or a
        clause is background to its head ("after taking X", "following weeks of siege")."""
        if cur.dep_ == "prep" and not self.g.verbish(head):
            return True
        if cur.dep_ in ("amod", "acl", "appos", "compound", "nmod") and not self.g.verbish(head):
            return True
        if cur.dep_ == "relcl":
            return True  # "trying to overcome forces that surround X": the clause is asserted
        temporal = self.lex["modality.temporal_preps"]
        if cur.dep_ in ("pcomp", "pobj") and head.lower_ in temporal:
            return True
        return cur.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in temporal for c in cur.children
        )

    def _step(self, cur: Token, head: Token, st: _Walk) -> None:
        lex = self.lex
        hlemma = head.lemma_.lower()
        if self.g.verbish(cur) and any(c.tag_ == "TO" and c.dep_ == "aux" for c in cur.children):
            self._infinitive(cur, head, st)
        elif cur.dep_ == "pcomp" or (cur.dep_ == "pobj" and cur.tag_ == "VBG"):
            self._gerund(cur, head, st)
        elif cur.dep_ == "pobj" and head.lower_ == "since":
            st.since = True
        if st.unreal:
            return
        if cur.dep_ in ("dobj", "nsubjpass") and self._repels(head):
            st.unreal = "repelled"
        elif (
            cur.dep_ == "dobj"
            and not self.g.verbish(cur)
            and hlemma in lex["modality.irrealis_verbs"]
        ):
            st.unreal = "intent"
        if st.unreal:
            return
        if self.g.verbish(head) and head.dep_ != "aux":
            self._governor(cur, head, st)

    def _governor(self, cur: Token, head: Token, st: _Walk) -> None:
        """A verb higher up: its report, denial, modal, negation and subordinator."""
        hlemma = head.lemma_.lower()
        is_clause = cur.dep_ in _CLAUSE_DEPS or not self.g.verbish(cur)
        if hlemma in self.lex["reports.report_verbs"] and cur.dep_ in _REPORTED:
            if st.claimant is None:
                st.reported_now = head.tag_ in ("VBZ", "VBP")
            st.claimant = st.claimant or next(iter(self.g.subj(head)), None)
        elif hlemma in self.lex["reports.denial_verbs"] and cur.dep_ in _REPORTED:
            if cur.dep_ in ("xcomp", "dobj") and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in cur.children
            ):
                st.unreal = "negated"  # "A denied withdrawing from X": A's own denial
                return
            st.denied = True
            st.claimant = st.claimant or next(iter(self.g.subj(head)), None)
        if not is_clause:
            return
        for c in head.children:
            if c.dep_ == "advmod" and c.lower_ == "longer":
                st.no_longer = st.no_longer or any(g.dep_ == "neg" for g in c.children)
        aux_words = {c.lower_ for c in head.children if c.dep_ == "aux"}
        if (
            cur.dep_ not in ("ccomp", "parataxis", "conj")
            and aux_words & self.lex["modality.modal_aux"]
        ):
            st.unreal = "modal"
        elif (
            cur.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "pobj")
            and any(c.dep_ == "neg" for c in head.children)
            and not st.no_longer
        ):
            st.unreal = "negated"
        if cur.dep_ == "advcl" or not self.g.verbish(cur):
            return
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in self.lex["reports.according"]:
                st.claimant = st.claimant or next(
                    (p for q in c.children for p in q.children if p.dep_ == "pobj"), None
                )

    def _infinitive(self, cur: Token, head: Token, st: _Walk) -> None:
        """ "to take X": real only under a governor that entails it, or as a perfect."""
        lex = self.lex
        hlemma = head.lemma_.lower()
        perfect = any(c.lower_ == "have" and c.dep_ == "aux" for c in cur.children)
        if hlemma in lex["modality.fighting_words"] or (
            hlemma in lex["modality.intent_nouns"] and self._fought(head)
        ):
            st.fought = True
            st.unreal = "intent"
        elif hlemma in lex["failure.failure_verbs"]:
            st.unreal = "failed"
        elif not perfect and hlemma not in lex["modality.realis_governors"]:
            st.unreal = "intent"
            st.motion = hlemma in lex["modality.motion_governors"]

    def _gerund(self, cur: Token, head: Token, st: _Walk) -> None:
        """ "aimed at capturing X", "prevented from entering X", "without entering X"."""
        prep = head.lower_
        gov = head.head.lemma_.lower() if head.head is not head else ""
        if prep in self.lex["modality.negating_preps"]:
            st.unreal = "negated"
        elif prep not in _REAL_GERUND_PREPS and (
            gov in self.lex["modality.irrealis_gerund_heads"]
            or gov in self.lex["modality.intent_nouns"]
        ):
            st.unreal = "intent"
        elif prep == "since":
            st.since = True

    def _fought(self, noun: Token) -> bool:
        """ "fought a bid to take X": the intention is the object of fighting."""
        head = noun.head
        return (
            noun.dep_ in ("dobj", "pobj")
            and head.lemma_.lower() in self.lex["modality.fighting_words"]
            and not any(c.lower_ in ("off", "back") for c in head.children)
        )

    def _repels(self, verb: Token) -> bool:
        lemma = verb.lemma_.lower()
        if lemma not in self.lex["failure.repel_verbs"]:
            return False
        if lemma in self.lex["failure.repel_bare"]:
            return True
        return any(
            c.dep_ in ("prt", "advmod") and c.lower_ in self.lex["failure.repel_particles"]
            for c in verb.children
        )

    def _parataxis(self, root: Token, st: _Walk) -> None:
        """ "X fell, A said": a report verb hanging on the clause it reports."""
        if st.claimant is not None:
            return
        for c in root.children:
            if (
                c.dep_ in ("parataxis", "ccomp", "advcl")
                and c.lemma_.lower() in self.lex["reports.report_verbs"]
                and c.i > root.i
            ):
                st.claimant = next(iter(self.g.subj(c)), None)
                return

    # -- tense ----------------------------------------------------------------------------------
    def tense(self, tok: Token) -> Tense:
        """The tense of the trigger's clause (a noun takes its governing verb's)."""
        verb = tok
        for _ in range(4):
            if self.g.verbish(verb) or verb.head is verb:
                break
            verb = verb.head
        if not self.g.verbish(verb):
            return ""
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        words = {a.lower_ for a in auxes}
        if "had" in words:
            return "pluperfect"
        if words & {"has", "have", "'ve", "'s"} and verb.tag_ == "VBN":
            return "perfect"
        if verb.tag_ == "VBG" and words & {"is", "are", "am", "'re"}:
            return "progressive"
        if verb.tag_ in ("VBZ", "VBP") or words & {"is", "are", "am", "remains", "remain"}:
            return "present"
        return "past"


@dataclass
class _Walk:
    tense: Tense
    unreal: str = ""
    claimant: Token | None = None
    denied: bool = False
    fought: bool = False
    no_longer: bool = False
    since: bool = False
    motion: bool = False
    reported_now: bool = False
