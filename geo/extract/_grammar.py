"""Grammatical roles over a spaCy parse: where a trigger's subject, object and preposition
objects stand, whatever the voice, and what places and actors those words point to.

Rows of the frame table are written for the active voice; :meth:`Grammar.slot` maps passives
("X was taken by A"), participles ("the captured town", "A-held X"), relative clauses ("X,
which A took"), nouns ("A's capture of X") and shared subjects ("A managed to take X", "A
moved in and seized X") onto the same slots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo.extract._lexicon import Frame, Lexicon, Requirement, Slot
from geo.extract._refs import ActorRef, PlaceRef
from geo.extract._syntax import token_span
from geo.sides import ActorMention
from geo.toponyms import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Grammar", "Parsed"]

_SUBJ = ("nsubj", "csubj")
_PASS_SUBJ = ("nsubjpass", "csubjpass")
_RELATIVE = frozenset({"which", "that", "who", "whom"})
_LOC_PREPS = ("in", "at", "inside", "within", "across", "throughout", "around")
_MODIFIER_DEPS = ("poss", "compound", "amod", "npadvmod", "nmod", "nummod")
_OBJECT_CONTROL = frozenset({"order", "force", "compel", "oblige", "push", "drive", "prompt"})
_CALLED = frozenset({"call", "name", "know", "dub"})
_PREP_DEPS = ("prep", "agent", "dative", "prt", "advmod")


@dataclass
class Parsed:
    """One parsed sentence: its doc, offset in the document and the names found in it.

    ``places`` and ``actors`` map token indices to the gazetteer and sides-file mentions
    covering them.
    """

    doc: Doc
    offset: int
    places: dict[int, Mention] = field(default_factory=dict)
    actors: dict[int, ActorMention] = field(default_factory=dict)

    @classmethod
    def build(
        cls, doc: Doc, offset: int, mentions: list[Mention], actors: list[ActorMention]
    ) -> Parsed:
        """Align the document-offset mentions of a sentence with its tokens."""
        out = cls(doc, offset)
        for m in mentions:
            span = token_span(doc, m.start - offset, m.end - offset)
            for tok in span or ():
                out.places[tok.i] = m
        for a in actors:
            span = token_span(doc, a.start - offset, a.end - offset)
            for tok in span or ():
                out.actors.setdefault(tok.i, a)
        return out

    def start(self, tok: Token) -> int:
        """Document offset of a token."""
        return self.offset + tok.idx

    def end(self, tok: Token) -> int:
        """Document offset just after a token."""
        return self.offset + tok.idx + len(tok.text)


_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december jan feb mar apr jun jul aug sep sept "
    "oct nov dec day days week weeks month months year years night nights morning afternoon "
    "evening dawn dusk noon midnight time end weekend hours hour".split()
)


def _temporal(tok: Token) -> bool:
    """ "by Wednesday", "in April", "on 3 March": a time, not an agent or a place."""
    return tok.lower_.rstrip(".") in _TIME_WORDS or tok.tag_ == "CD"


def _lower(tok: Token) -> str:
    return tok.lower_


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


class Grammar:
    """Slots, requirements and references, with the word classes of a lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon

    # -- token classes ----------------------------------------------------------------------
    @staticmethod
    def verbish(tok: Token) -> bool:
        """A verb, or a word the tagger missed that heads a clause ("retook" as a noun)."""
        if tok.tag_.startswith("VB") or tok.pos_ in ("VERB", "AUX"):
            return True
        deps = {c.dep_ for c in tok.children}
        return "nsubj" in deps and ("dobj" in deps or tok.dep_ == "ROOT")

    def nounish(self, tok: Token) -> bool:
        """A noun or pronoun that is not used as a verb."""
        return tok.tag_.startswith(("NN", "PRP")) and not self.verbish(tok)

    @staticmethod
    def participle(tok: Token) -> bool:
        """A past participle modifying a noun ("the captured town", "A-held X")."""
        return (
            tok.tag_ == "VBN"
            and tok.dep_ in ("amod", "acl", "compound")
            and not any(c.dep_ in ("aux", "nsubj") for c in tok.children)
        )

    def passive(self, tok: Token) -> bool:
        """True for a passive verb, a past participle modifier, or a reduced passive (a
        participle with no auxiliary and no object: "A: pushed out of X")."""
        if self.participle(tok):
            return True
        deps = {c.dep_ for c in tok.children}
        if deps & {*_PASS_SUBJ, "auxpass"}:
            return True
        # A participle with no auxiliary cannot be active ("Rebels pushed out of X" in a title).
        return (
            tok.tag_ == "VBN"
            and not deps & {"aux", "dobj"}
            and tok.dep_ in ("ROOT", "conj", "oprd", "xcomp", "acomp")
        )

    def pos_of(self, tok: Token) -> str:
        """verb, noun or adj: how the trigger is used."""
        if self.verbish(tok):
            return "verb"
        if tok.tag_.startswith("JJ"):
            return "adj"
        return "noun"

    # -- requirements -------------------------------------------------------------------------
    def fits(self, tok: Token, frame: Frame) -> bool:
        """The trigger has the frame's part of speech, required dependents and state."""
        if frame.pos != "any" and frame.pos != self.pos_of(tok):
            return False
        if frame.state and not self._in_state(tok, frame.state):
            return False
        if frame.fragment and not self._fragment(tok):
            return False
        if frame.forbids and (
            any(c.dep_ in frame.forbids for c in tok.children) or f"as:{tok.dep_}" in frame.forbids
        ):
            return False
        return all(self._meets(tok, r) for r in frame.requires)

    def _meets(self, tok: Token, req: Requirement) -> bool:
        if req.kind == "prt":
            return any(
                c.dep_ in ("prt", "advmod", "prep") and _lower(c) in req.words for c in tok.children
            )
        if req.kind == "obj":
            return any(_lemma(o) in req.words or _lower(o) in req.words for o in self.obj(tok))
        return any(self.prep_objects(tok, w) or self._bare_prep(tok, w) for w in req.words)

    @staticmethod
    def _bare_prep(tok: Token, word: str) -> bool:
        return any(c.dep_ in _PREP_DEPS and _lower(c) == word for c in tok.children)

    def _fragment(self, tok: Token) -> bool:
        """A caption or title: the trigger heads a verbless line with no closing stop."""
        doc = tok.doc
        return (
            tok.dep_ == "ROOT"
            and not any(self.verbish(t) and t.tag_ != "VBN" for t in doc)
            and doc[-1].text not in (".", "!", "?", '"', "”")
        )

    @staticmethod
    def _in_state(tok: Token, preps: frozenset[str]) -> bool:
        return tok.dep_ == "pobj" and _lower(tok.head) in preps

    # -- slots --------------------------------------------------------------------------------
    def slot(self, tok: Token, slot: Slot) -> list[Token]:
        """The words that fill ``slot`` for the trigger ``tok``."""
        if slot.is_prep:
            return self.prep_objects(tok, slot.name)
        name = slot.name
        if name in ("poss", "compound"):
            return [c for c in tok.children if c.dep_ == name]
        if name == "self":
            return [tok]
        if name == "implicit":
            return []
        getters: dict[str, Callable[[Token], list[Token]]] = {
            "subj": self.subj,
            "obj": self.obj,
            "theme": self.theme,
            "head": self.head,
            "loc": self.loc,
            "appos": self.appos,
            "in*": self._inside,
            "examples": self.examples,
        }
        return getters[name](tok)

    @staticmethod
    def _inside(tok: Token) -> list[Token]:
        """Every word under an "in" anywhere below the trigger (captions: "A's forces in the
        town of X")."""
        return [
            t
            for p in tok.subtree
            if p.dep_ == "prep" and p.lower_ in ("in", "inside", "at")
            for t in p.subtree
            if t is not p
        ]

    def _antecedent(self, tok: Token) -> Token:
        """A relative pronoun stands for the noun its clause modifies."""
        if _lower(tok) in _RELATIVE:
            clause = next((a for a in tok.ancestors if a.dep_ in ("relcl", "acl")), None)
            if clause is not None:
                return self._nearest_conjunct(clause.head, tok.i)
        return tok

    def _nearest_conjunct(self, head: Token, before: int) -> Token:
        """ "X and Y, which ...": the relative clause is said of Y, the conjunct before it."""
        conjuncts = [t for t in self.coordinated(head) if t.i < before]
        return max(conjuncts, key=lambda t: t.i) if conjuncts else head

    def relative_head(self, tok: Token) -> bool:
        """True when ``tok`` was reached as the antecedent of a relative clause."""
        return any(c.dep_ == "relcl" for c in tok.children)

    def subj(self, tok: Token) -> list[Token]:
        """The doer of a trigger."""
        if tok.tag_.startswith("JJ") and tok.dep_ in ("acomp", "oprd") and tok.head is not tok:
            return self.subj(tok.head)  # "A remain entrenched in X"
        if not self.verbish(tok):
            own = [c for c in tok.children if c.dep_ in _MODIFIER_DEPS]
            if (
                not own
                and tok.dep_ == "dobj"
                and _lemma(tok.head) in self.lex["actors.light_verbs"]
            ):
                return self.subj(tok.head)  # "A launched an attack on X"
            if tok.dep_ != "pobj" or tok.head.head is tok.head:
                return own
            gov = tok.head.head  # "A were locked in heavy fighting in X"
            if self.verbish(gov) and _lower(tok.head) in ("in", "into"):
                return own + [c for c in gov.children if c.dep_ in (*_SUBJ, *_PASS_SUBJ)]
            return own
        if self.passive(tok):
            agents = self.prep_objects(tok, "by")
            if agents or not self.participle(tok):
                return agents
            return [c for c in tok.children if c.dep_ in ("npadvmod", "compound", "nmod")]
        own = [c for c in tok.children if c.dep_ in _SUBJ]
        if own:
            return [self._shown_by(s) for s in own]
        return self._inherited_subject(tok)

    def _shown_by(self, tok: Token) -> Token:
        """ "A showed they were still a threat": "they" in the object clause of a verb whose
        subject is armed men ("loyalists", "the troops") is those men; a speaker's "they"
        ("officials said they ...") is left to the claimant."""
        clause = tok.head
        if _lower(tok) != "they" or clause.dep_ != "ccomp":
            return self._antecedent(tok)
        outer = [c for c in clause.head.children if c.dep_ in _SUBJ]
        if len(outer) == 1 and _lower(outer[0]) in self.lex["actors.armed"]:
            return outer[0]
        return tok

    def _inherited_subject(self, tok: Token) -> list[Token]:
        head = tok.head
        if head is tok:
            return []
        dep = tok.dep_
        finite = tok.tag_ in ("VBD", "VBZ", "VBP")
        if (dep == "conj" or (dep == "dep" and finite)) and self.verbish(head):
            # "A took X then moved on": a verb the parser hung on with no conjunction
            return [] if self.passive(head) else self.subj(head)
        if dep == "xcomp":
            objs = [c for c in head.children if c.dep_ == "dobj"]
            if objs and _lemma(head) in _OBJECT_CONTROL:
                return objs
            if self.passive(head):  # "were reported to have left": the raised subject
                return [self._antecedent(c) for c in head.children if c.dep_ in _PASS_SUBJ]
            return self.subj(head)
        if dep in ("acl", "relcl") and not self.passive(tok):
            return [head]
        infinitive = any(c.tag_ == "TO" for c in tok.children)
        if infinitive and dep in ("advcl", "xcomp"):
            # "fought a government bid to take X": the bid's owner means to take X.
            bids = [
                c
                for c in head.children
                if c.dep_ == "dobj"
                and c.i < tok.i
                and _lemma(c) in self.lex["modality.intent_nouns"]
            ]
            if bids:
                return bids
        if dep == "advcl" and (tok.tag_ == "VBG" or infinitive):
            return self.subj(head)  # "..., seizing X"; "moved north to clash with A"
        if dep == "pcomp" and head.head is not head:
            gov = head.head
            if gov.dep_ == "attr" and not self.verbish(gov):
                gov = gov.head  # "A were a threat by launching an attack on X"
            return self.subj(gov)
        return []

    def obj(self, tok: Token) -> list[Token]:
        """What a trigger acts on."""
        if not self.verbish(tok):
            return self.prep_objects(tok, "of")
        if self.participle(tok):
            return [] if self.landmark(tok.head) else [tok.head]
        if self.passive(tok):
            own = [c for c in tok.children if c.dep_ in _PASS_SUBJ]
            if not own and not any(c.dep_ == "auxpass" for c in tok.children):
                own = [c for c in tok.children if c.dep_ in _SUBJ]  # a reduced passive
            if not own and tok.dep_ == "relcl":
                return [tok.head]
            if not own and tok.dep_ in ("oprd", "xcomp", "acomp", "ccomp"):
                # "X was declared liberated", "declared X liberated".
                return [c for c in tok.head.children if c.dep_ in (*_PASS_SUBJ, "dobj")]
            if not own and tok.dep_ == "conj" and self.passive(tok.head):
                return self.obj(tok.head)
            return [self._antecedent(o) for o in own]
        own = [c for c in tok.children if c.dep_ == "dobj"]
        if own:
            return [self._antecedent(o) for o in own]
        if (
            tok.dep_ == "relcl"
            and any(c.dep_ in _SUBJ for c in tok.children)
            and not any(_lower(c) == "where" for c in tok.children)
        ):
            return [tok.head]
        shared = [c for c in tok.children if c.dep_ == "conj" and self.verbish(c)]
        for verb in shared:
            objs = [c for c in verb.children if c.dep_ == "dobj"]
            if objs:
                return objs
        return []

    def theme(self, tok: Token) -> list[Token]:
        """What an intransitive verb or predicate noun is said of ("X fell", "X, a stronghold")."""
        if self.verbish(tok):
            own = [c for c in tok.children if c.dep_ in (*_SUBJ, *_PASS_SUBJ)]
            if own:
                return [self._antecedent(s) for s in own]
            if tok.dep_ in ("relcl", "acl"):
                return [tok.head]
            if tok.dep_ == "conj" and self.verbish(tok.head):
                return self.theme(tok.head)
            return []
        return self._noun_theme(tok, 0)

    def _noun_theme(self, tok: Token, depth: int) -> list[Token]:
        if depth > 3:
            return []
        head = tok.head
        if tok.dep_ in ("attr", "acomp", "oprd") and self.verbish(head):
            return self.theme(head)
        if tok.dep_ == "appos":
            return [head]
        if tok.dep_ == "pobj" and head.dep_ in ("prep", "agent") and head.head is not head:
            gov = head.head
            before = self._comma_before(head)
            if self.verbish(gov) and before and before[0].pos_ in ("PROPN", "NOUN"):
                return before  # "the town of X, under siege by A, ...": said of X
            if self.verbish(gov):
                # "saw A in control of X", "left X in A's hands": said of the object.
                objs = [c for c in gov.children if c.dep_ == "dobj"]
                return objs or self.theme(gov)
            quantity = gov.tag_ == "CD" or _lower(gov) == "one"
            if quantity or (gov.dep_ == "attr" and _lemma(gov) in self.lex["places.light"]):
                # "one of the last strongholds"; "X is 100 percent in A's hands".
                return self._noun_theme(gov, depth + 1) or self._comma_before(gov)
            return [gov]
        if tok.dep_ in ("compound", "amod", "nmod") and head is not tok:
            return [head]
        return []

    def landmark(self, tok: Token) -> bool:
        """A noun that only locates another place ("a village south of the capital", "50 km
        from X", "near X"): no event's place."""
        if tok.dep_ != "pobj":
            return False
        prep = tok.head
        if prep.lower_ in self.lex["places.landmark_preps"]:
            return True
        gov = prep.head
        return prep.lower_ in ("of", "from") and (
            gov.lower_ in self.lex["places.directions"] or gov.lemma_.lower() in ("km", "mile")
        )

    @staticmethod
    def _comma_before(tok: Token) -> list[Token]:
        """ "X, one of the last strongholds": the word before the comma (the parser often
        misses the apposition)."""
        i = tok.i
        if i >= 2 and tok.doc[i - 1].text == ",":
            return [tok.doc[i - 2]]
        return []

    def head(self, tok: Token) -> list[Token]:
        """The noun an adjective or participle modifies."""
        if tok.dep_ in ("amod", "acl", "compound", "nmod") and tok.head is not tok:
            return [tok.head]
        return self._noun_theme(tok, 0)

    def appos(self, tok: Token) -> list[Token]:
        """Appositions of a noun, and the noun it is apposed to."""
        out = [c for c in tok.children if c.dep_ == "appos"]
        if tok.dep_ == "appos":
            out.append(tok.head)
        return out

    def loc(self, tok: Token) -> list[Token]:
        """Locatives: in, at, inside ...; "where" (the antecedent) and "there"."""
        out: list[Token] = []
        for word in _LOC_PREPS:
            out += self.prep_objects(tok, word)
        for c in tok.children:
            if c.dep_ == "advmod" and _lower(c) == "where" and tok.dep_ == "relcl":
                out.append(self._nearest_conjunct(tok.head, c.i))
            elif c.dep_ == "advmod" and _lower(c) == "there":
                out.append(c)
        if not out and not self.verbish(tok) and tok.dep_ in ("attr", "nsubj", "pobj"):
            # "X, where there is fighting": the clause the noun stands in.
            verb = tok.head if tok.dep_ != "pobj" else tok.head.head
            if verb is not tok and self.verbish(verb):
                out = [t for t in self.loc(verb) if t is not tok]
        return out

    def prep_objects(self, tok: Token, prep: str) -> list[Token]:
        """Objects of ``prep`` ("from", "out of") attached to the trigger.

        A noun trigger that is the subject of an occurrence verb also owns that verb's
        prepositions ("fighting raged in X"); an object's own prepositions count for verbs
        whose object is an actor ("drove the troops from X").
        """
        words = prep.split()
        out = self._prep_children(tok, words)
        if not out and not self.verbish(tok):
            # "clashes erupting in X", "fighting that raged in X": the noun's own clause.
            for c in tok.children:
                if c.dep_ in ("acl", "relcl") and self.verbish(c):
                    out += self._prep_children(c, words)
        if not out and not self.verbish(tok) and tok.dep_ in ("nsubj", "nsubjpass", "attr"):
            out = self._prep_children(tok.head, words)
        if not out and tok.dep_ == "pobj" and _lower(tok.head) in ("in", "into"):
            gov = tok.head.head  # "locked in fighting in X": the verb's other prepositions
            if gov is not tok.head and self.verbish(gov):
                out = [t for t in self._prep_children(gov, words) if t is not tok]
        if (
            not out
            and not self.verbish(tok)
            and tok.dep_ == "dobj"
            and _lemma(tok.head) in (self.lex["actors.light_verbs"])
        ):
            out = self._prep_children(tok.head, words)  # "launched an attack on Sunday on X"
        if not out and not self.verbish(tok) and words[0] in ("by", "to"):
            # "hailed the recapture of X by A", "X is under siege by A": the agent may hang
            # on the verb of the clause.
            gov = tok.head.head if tok.dep_ == "pobj" else tok.head
            if tok.dep_ in ("dobj", "pobj") and gov is not tok and self.verbish(gov):
                out = self._prep_children(gov, words)
        if not out and self.verbish(tok):
            for o in (c for c in tok.children if c.dep_ == "dobj"):
                out += self._prep_children(o, words)
        return out

    def _prep_children(self, tok: Token, words: list[str]) -> list[Token]:
        return [t for t in self._prep_objects_raw(tok, words) if not _temporal(t)]

    def _prep_objects_raw(self, tok: Token, words: list[str]) -> list[Token]:
        out: list[Token] = []
        kids = list(tok.children)
        # "pulled back from X": the preposition may hang on the particle.
        kids += [
            g for c in kids if c.dep_ in ("prt", "advmod") for g in c.children if g.dep_ == "prep"
        ]
        for c in kids:
            if c.dep_ not in _PREP_DEPS or _lower(c) != words[0]:
                continue
            if len(words) == 1:
                if words[0] == "out" and c.dep_ == "prt":
                    out.append(c)  # "drove them out": the place is implied
                out += [p for p in c.children if p.dep_ in ("pobj", "pcomp")]
                continue
            inner = [p for p in c.children if p.dep_ == "prep" and _lower(p) == words[1]]
            inner += [p for p in kids if p.dep_ == "prep" and _lower(p) == words[1] and p.i > c.i]
            for p in inner:
                out += [q for q in p.children if q.dep_ == "pobj"]
        return out

    # -- coordination ---------------------------------------------------------------------------
    def coordinated(self, tok: Token) -> list[Token]:
        """A word and those coordinated with it ("X, Y and Z", "X as well as Y")."""
        out = [tok]
        for c in tok.children:
            if c.dep_ == "conj" and not self.verbish(c):
                out += self.coordinated(c)
        return out

    def examples(self, tok: Token) -> list[Token]:
        """The examples of a plural noun: "towns such as X", "locations, including X"."""
        out: list[Token] = []
        near = [tok] + [
            p for c in tok.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"
        ]
        for c in (k for n in near for k in n.children):
            word = _lower(c)
            such_as = word == "as" and c.dep_ == "prep" and c.i and _lower(c.nbor(-1)) == "such"
            listed = c.dep_ in ("prep", "acl", "amod") and word in self.lex["places.examples"]
            if not (listed or such_as):
                continue
            for p in c.children:
                if p.dep_ in ("pobj", "dobj"):
                    out += self.coordinated(p)
        return out

    # -- places ---------------------------------------------------------------------------------
    def place_refs(self, parsed: Parsed, tok: Token) -> list[PlaceRef]:
        """The places a role's word points to, coordinated places included."""
        out: list[PlaceRef] = []
        partial = any(
            c.dep_ in ("amod", "advmod", "det", "quantmod", "predet")
            and _lemma(c) in ("most", "half", "part", "much", "parts")
            for c in tok.children
        )
        for t in self.coordinated(tok):
            refs = (
                [r.flagged(partial=True) for r in self.place_ref(parsed, t, 0)]
                if partial
                else (self.place_ref(parsed, t, 0))
            )
            out += refs
            if not refs:
                for e in self.examples(t):
                    out += self.place_ref(parsed, e, 0)
        return self.drop_descriptions(out)

    def drop_descriptions(self, refs: list[PlaceRef]) -> list[PlaceRef]:
        """ "X, A's last stronghold": a description beside a name describes the name."""
        if not any(r.kind == "named" for r in refs):
            return refs
        descriptions = self.lex["places.descriptions"]
        return [r for r in refs if not (r.kind == "anaphor" and r.head in descriptions)]

    def place_ref(self, parsed: Parsed, tok: Token, depth: int) -> list[PlaceRef]:
        """What one word stands for as a place."""
        if depth > 4:
            return []
        m = parsed.places.get(tok.i)
        if m is not None and tok.i not in parsed.actors:
            return [self.named(parsed, tok, m)]
        word, lemma = _lower(tok), _lemma(tok)
        if word in ("it", "there", "out") and tok.tag_ in ("PRP", "RB", "RP", "IN", "EX"):
            return [PlaceRef("pronoun", parsed.start(tok), parsed.end(tok), head=word)]
        if word in ("both", "all", "each") and tok.dep_ == "appos":
            return self.place_refs(parsed, tok.head)  # "X and Y, both held by A"
        counted = tok.tag_ == "CD" or any(c.dep_ == "nummod" for c in tok.children)
        if counted and tok.dep_ == "pobj" and _lower(tok.head) == "among":
            # "X and Y were among five (towns) seized by A": the count stands for the subject.
            return [
                r
                for t in self._noun_theme(tok, 0)
                if t is not tok
                for c in self.coordinated(t)
                for r in self.place_ref(parsed, c, depth + 1)
            ]
        if lemma in self.lex["places.light"] or word in self.lex["places.light"]:
            return self._light(parsed, tok, depth)
        if lemma in self.lex["places.heads"]:
            return self._head(parsed, tok, depth)
        return self._apposed(parsed, tok, depth)

    def named(self, parsed: Parsed, tok: Token, m: Mention) -> PlaceRef:
        return PlaceRef(
            "named",
            m.start,
            m.end,
            mention=m,
            modifiers=tuple(_lemma(c) for c in tok.children if c.dep_ == "amod"),
        )

    def _apposed(self, parsed: Parsed, tok: Token, depth: int) -> list[PlaceRef]:
        for c in tok.children:
            if c.dep_ == "appos":
                refs = self.place_ref(parsed, c, depth + 1)
                if refs:
                    return refs
        return []

    def _complements(self, tok: Token, positional: bool) -> list[Token]:
        subs = self._prep_children(tok, ["of"]) + self._prep_children(tok, ["over"])
        if not subs and positional:
            for word in ("in", "at", "around", "inside", "on", "near"):
                subs += self._prep_children(tok, [word])
        if not subs:
            subs = [c for c in tok.children if c.dep_ in ("poss", "appos") and c.tag_ != "PRP$"]
        return subs

    def _light_flags(self, tok: Token) -> tuple[bool, bool, bool, bool] | None:
        """(partial, edge, sub, minor) for a light noun, or None when it names no place ("an
        A-held district of X"); minor: "only a small part of X", held by nobody who matters."""
        lemma, word = _lemma(tok), _lower(tok)
        partial = lemma in self.lex["places.partial"] or word in self.lex["places.partial"]
        partial = partial or any(
            _lemma(c) in self.lex["places.partial"] for c in tok.children if c.dep_ == "amod"
        )
        if any(c.lower_ in ("100", "hundred") for c in tok.children if c.dep_ == "nummod"):
            partial = False  # "100 percent of X" is all of it
        minor = partial and any(_lower(c) in self.lex["places.minor"] for c in tok.children)
        edge = lemma in self.lex["places.edge"] or word in self.lex["places.edge"]
        indefinite = any(c.dep_ == "det" and _lower(c) in ("a", "an") for c in tok.children)
        if indefinite and not (partial or edge):
            return None
        return partial, edge, partial or edge or lemma in self.lex["places.subareas"], minor

    def _light(self, parsed: Parsed, tok: Token, depth: int) -> list[PlaceRef]:
        """ "most of X", "positions in X", "the town's northern quarter", "its outskirts"."""
        flags = self._light_flags(tok)
        if flags is None:
            return []
        partial, edge, sub, minor = flags
        named = [
            parsed.places[c.i]
            for c in tok.children
            if c.dep_ == "compound" and c.i in parsed.places and c.i not in parsed.actors
        ]
        if named:
            return [self.named(parsed, tok, named[0])]
        if any(c.dep_ == "compound" and c.tag_ == "NNP" for c in tok.children):
            sub = partial or edge  # "the X quarter of Y": a named sub-place, placed at Y
        lemma = _lemma(tok)
        positional = (
            lemma in self.lex["places.positional"] or _lower(tok) in self.lex["places.positional"]
        )
        out = [
            r.flagged(partial=partial, edge=edge, sub=sub, minor=minor)
            for comp in self._complements(tok, positional)
            for t in self.coordinated(comp)
            for r in self.place_ref(parsed, t, depth + 1)
        ]
        return out or self._light_reference(parsed, tok, partial, edge, sub)

    def _light_reference(
        self, parsed: Parsed, tok: Token, partial: bool, edge: bool, sub: bool
    ) -> list[PlaceRef]:
        """A light noun with no place after it points back: "the outskirts" (the town in
        focus), "the town centres" (the towns named), "the last foothold" (named later)."""
        lemma = _lemma(tok)
        town_compound = any(
            _lemma(c) in self.lex["places.town_heads"] for c in tok.children if c.dep_ == "compound"
        )
        plural = sub and not partial and tok.tag_ == "NNS" and town_compound
        definite = any(c.dep_ in ("det", "poss") and _lower(c) != "a" for c in tok.children)
        if sub and not partial:
            head = "town"
        elif definite and tok.tag_ == "NN" and lemma in self.lex["places.descriptions"]:
            head = lemma
        else:
            return []
        mods = tuple(_lemma(c) for c in tok.children if c.dep_ in ("amod", "compound"))
        return [
            PlaceRef(
                "anaphor",
                parsed.start(tok),
                parsed.end(tok),
                head=head,
                modifiers=mods,
                partial=partial,
                edge=edge,
                sub=sub,
                plural=plural,
            )
        ]

    def _head(self, parsed: Parsed, tok: Token, depth: int) -> list[PlaceRef]:
        """ "the town of X", "X oasis", "a village called X", "its airport", "the town"."""
        site = _lemma(tok) in self.lex["places.site_heads"]
        found = self._head_complement(parsed, tok, depth, site)
        if found is not None:
            return found
        if self._indefinite(tok):
            return []  # "a western outpost", "an arms depot in X": no place the text names
        if tok.tag_ in ("NNS", "NNPS") and (
            any(c.dep_ == "nummod" for c in tok.children)
            or not any(c.dep_ in ("compound", "nmod") for c in tok.children)
        ):
            return self._head_plural(parsed, tok)  # "four towns in X" are not X
        for step in (self._head_located, self._head_compound):
            found = step(parsed, tok, depth, site)
            if found is not None:
                return found
        if tok.tag_ in ("NNS", "NNPS"):
            return self._head_plural(parsed, tok)
        ref = self._description(parsed, tok, depth, site)
        return [ref] if ref is not None else []

    def _head_complement(
        self, parsed: Parsed, tok: Token, depth: int, site: bool
    ) -> list[PlaceRef] | None:
        """ "the town of X", "the city, X", "a village called X"; "the airport of X" is X's
        site. An unknown name after "called" names no place we know."""
        for c in tok.children:
            of = c.dep_ == "prep" and (_lower(c) == "of" or (site and _lower(c) in ("at", "in")))
            if c.dep_ == "appos" or of:
                inner = [c] if c.dep_ == "appos" else [p for p in c.children if p.dep_ == "pobj"]
                for t in inner:
                    refs = self.place_refs(parsed, t) if depth < 3 else []
                    if refs and site and of and refs[0].kind != "site":
                        start = min(refs[0].start, parsed.start(tok))
                        end = max(refs[0].end, parsed.end(tok))
                        return [PlaceRef("site", start, end, head=_lemma(tok), owner=refs[0])]
                    if refs:
                        return refs
            if c.dep_ == "acl" and _lemma(c) in _CALLED:
                for t in c.children:
                    if t.dep_ in ("oprd", "attr", "dobj", "xcomp", "npadvmod"):
                        return self.place_ref(parsed, t, depth + 1)
        return None

    def _head_located(
        self, parsed: Parsed, tok: Token, depth: int, site: bool
    ) -> list[PlaceRef] | None:
        """ "the refinery in X", "the hospital in X": X (a sub-place of it)."""
        if site:
            return None
        for c in tok.children:
            if c.dep_ == "prep" and _lower(c) in ("in", "at"):
                named = [
                    r
                    for p in c.children
                    if p.dep_ == "pobj"
                    for r in self.place_ref(parsed, p, depth + 1)
                    if r.kind == "named"
                ]
                if named:
                    sub = _lemma(tok) in self.lex["places.subareas"]
                    return [r.flagged(sub=sub) for r in named]
        return None

    def _head_compound(
        self, parsed: Parsed, tok: Token, depth: int, site: bool
    ) -> list[PlaceRef] | None:
        """ "the X oasis", "X airport" (the site of X)."""
        for c in tok.children:
            if c.dep_ not in ("compound", "nmod", "amod"):
                continue
            m = parsed.places.get(c.i)
            if m is None or c.i in parsed.actors:
                continue
            owner = self.named(parsed, c, m)
            if site:
                return [
                    PlaceRef("site", owner.start, parsed.end(tok), head=_lemma(tok), owner=owner)
                ]
            return [owner]
        return None

    def _head_plural(self, parsed: Parsed, tok: Token) -> list[PlaceRef]:
        """ "four towns" names no place; "the towns" points back to those named before."""
        definite = any(
            c.dep_ == "det" and _lower(c) in ("the", "both", "these", "those") for c in tok.children
        )
        if not definite or _lemma(tok) not in self.lex["places.town_heads"]:
            return []
        return [
            PlaceRef("anaphor", parsed.start(tok), parsed.end(tok), head=_lemma(tok), plural=True)
        ]

    @staticmethod
    def _indefinite(tok: Token) -> bool:
        """ "a desert airfield and army outpost": the article covers the coordination."""
        for t in (tok, *(a for a in tok.ancestors if tok.dep_ == "conj")):
            if any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in t.children):
                return True
            if t.dep_ != "conj":
                break
        return False

    def _description(self, parsed: Parsed, tok: Token, depth: int, site: bool) -> PlaceRef | None:
        poss = [c for c in tok.children if c.dep_ == "poss"]
        owner: PlaceRef | None = None
        if poss:
            p = poss[0]
            if _lower(p) in ("its", "their", "his", "her"):
                owner = PlaceRef("pronoun", parsed.start(p), parsed.end(p), head=_lower(p))
            else:
                refs = self.place_ref(parsed, p, depth + 1)
                if not refs and p.tag_ in ("NN", "NNS"):
                    if _lemma(tok) not in self.lex["places.town_heads"]:
                        return None  # "the country's main airport": owned by no place we know
                    # "the country's second city": a town named in the same sentence, if any.
                    start = min([parsed.start(c) for c in tok.lefts] + [parsed.start(tok)])
                    return PlaceRef(
                        "anaphor", start, parsed.end(tok), head=_lemma(tok), modifiers=("country",)
                    )
                owner = refs[0] if refs else None
        mods = tuple(_lemma(c) for c in tok.children if c.dep_ in ("amod", "compound"))
        if owner is not None and site:
            return PlaceRef(
                "site", owner.start, parsed.end(tok), head=_lemma(tok), owner=owner, modifiers=mods
            )
        start = min([parsed.start(c) for c in tok.lefts] + [parsed.start(tok)])
        return PlaceRef(
            "anaphor", start, parsed.end(tok), head=_lemma(tok), owner=owner, modifiers=mods
        )

    # -- actors ---------------------------------------------------------------------------------
    def actor_ref(self, parsed: Parsed, tok: Token, depth: int = 0) -> ActorRef | None:
        """The actor a role's word stands for, if any."""
        if depth > 4:
            return None
        word, lemma = _lower(tok), _lemma(tok)
        poss = [c for c in tok.children if c.dep_ == "poss" and c.tag_ == "PRP$"]
        a = parsed.actors.get(tok.i)
        if a is not None and not (poss and a.side is None):
            return ActorRef("named", a.start, a.end, mention=a, text=a.text)
        if word in _RELATIVE:
            ante = self._antecedent(tok)
            return None if ante is tok else self.actor_ref(parsed, ante, depth + 1)
        if lemma in self.lex["actors.partitives"]:
            for c in tok.children:  # "a group of special forces", "hundreds of rebels"
                if c.dep_ == "prep" and _lower(c) == "of":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return self.actor_ref(parsed, p, depth + 1)
        found = self._modifier_actor(parsed, tok, depth)
        if found is not None:
            return found
        if tok.tag_ == "PRP" and word in self.lex["actors.pronouns"]:
            return ActorRef("pronoun", parsed.start(tok), parsed.end(tok), text=word)
        if tok.tag_ == "PRP$":  # "their main bastion"
            return ActorRef("possessive", parsed.start(tok), parsed.end(tok), text=word)
        if poss and (a is not None or lemma in self.lex["actors.heads"]):
            return ActorRef("possessive", parsed.start(tok), parsed.end(tok), text=_lower(poss[0]))
        if lemma in self.lex["actors.rivals"] or word in self.lex["actors.rivals"]:
            owner = _lower(poss[0]) if poss else ""
            return ActorRef("rival", parsed.start(tok), parsed.end(tok), text=owner)
        if lemma in self.lex["actors.heads"] or word in self.lex["actors.heads"]:
            return ActorRef(
                "generic",
                parsed.start(tok),
                parsed.end(tok),
                text=lemma,
                indefinite=self._new_actor(tok),
            )
        return None

    def _new_actor(self, tok: Token) -> bool:
        """ "an armed group", "a convoy", and (with no determiner) a head that the lexicon
        marks as introducing outsiders ("militants seized X"). "An offensive" is its
        launcher's deed, no newcomer."""
        if _lemma(tok) in self.lex["actors.event_heads"]:
            return False
        dets = [_lower(c) for c in tok.children if c.dep_ in ("det", "poss")]
        if dets:
            return all(d in self.lex["actors.indefinite_dets"] for d in dets)
        return (
            _lemma(tok) in self.lex["actors.outsiders"]
            or _lower(tok) in self.lex["actors.outsiders"]
        )

    def _modifier_actor(self, parsed: Parsed, tok: Token, depth: int) -> ActorRef | None:
        """ "Side A's forces", "A units", "pro-A fighters", "forces loyal to A"; "forces
        opposed to A" stand for A's rival."""
        opposed = self.lex["actors.opposition"]
        for c in self._actor_modifiers(tok):
            inverse = _lower(c) in opposed or _lemma(c) in opposed
            for t in self._subtree(c):
                a = parsed.actors.get(t.i)
                if a is not None:
                    return ActorRef(
                        "named", a.start, a.end, mention=a, text=a.text, inverse=inverse
                    )
        if _lemma(tok) in ("control", "hand", "grip", "hold", "command") and depth < 3:
            for c in tok.children:
                if c.dep_ == "prep" and _lower(c) == "of":
                    for p in c.children:
                        found = self.actor_ref(parsed, p, depth + 1)
                        if found is not None:
                            return found
        for c in tok.children:
            if c.dep_ in ("compound", "amod", "npadvmod", "nmod") and c.i not in parsed.places:
                # "a government bid", "rebel fighters": a word the sides file uses this way.
                head = _lemma(tok) if _lemma(tok) in self.lex["actors.heads"] else ""
                return ActorRef(
                    "modifier",
                    parsed.start(c),
                    parsed.end(c),
                    text=_lower(c),
                    head=head,
                    indefinite=bool(head) and self._new_actor(tok),
                )
        return None

    def _actor_modifiers(self, tok: Token) -> Iterator[Token]:
        kids = list(tok.children)
        for dep in _MODIFIER_DEPS:
            yield from (c for c in kids if c.dep_ == dep)
        allegiance = self.lex["actors.allegiance"]
        for c in kids:
            if c.dep_ in ("amod", "acl", "prep", "advmod") and (
                _lower(c) in allegiance or _lemma(c) in allegiance
            ):
                yield c
        # "advancing government troops" (a participle heading the phrase); "X, a rebel
        # commander".
        yield from (c for c in kids if c.dep_ == "appos")
        if tok.tag_ == "VBG":
            yield from (c for c in kids if c.dep_ == "dobj")

    @staticmethod
    def _subtree(tok: Token) -> Iterator[Token]:
        """A modifier and what hangs on it, stopping at clauses."""
        yield tok
        for c in tok.children:
            if c.dep_ not in ("relcl", "acl", "advcl", "ccomp", "conj", "cc", "punct"):
                yield from Grammar._subtree(c)
