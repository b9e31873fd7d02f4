"""The prefilter: only sentences with a trigger word and a place (or a word for one) are parsed.

One Aho-Corasick pass over the lower-cased document finds whole words that are forms of a
trigger lemma (the regular inflections and the irregular forms of the lexicon); a sentence is
a candidate when it has one and also a gazetteer mention or a place word ("the town", "it",
"its airport"). A word that only a caption row may trigger ("A's forces in X") counts only in
a line with no closing stop.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

import ahocorasick

from geo.extract._lexicon import Tables
from geo.toponyms import Mention

__all__ = ["Prefilter", "inflections"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CLOSING = tuple(".!?\"”’'")
_VOWELS = frozenset("aeiou")


def inflections(lemma: str) -> set[str]:
    """The regular forms of an English word ("deny" -> denies, denied, denying; "hem" ->
    hemmed; "clash" -> clashes). Over-generation is harmless: a form only admits a sentence
    to the parse."""
    forms = {lemma, lemma + "s", lemma + "ing", lemma + "ed"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(lemma + "es")
    last = lemma[-1:]
    if last.isalpha() and last not in _VOWELS and last not in "wxy" and lemma[-2:-1] in _VOWELS:
        forms |= {lemma + last + "ed", lemma + last + "ing"}  # "pinned", "controlling"
    return forms


def _forms(lemma: str, pos: str) -> set[str]:
    """The forms a trigger lemma of a frame row may take: a noun its plurals, an adjective
    itself, a verb all its inflections."""
    if pos == "adj":
        return {lemma}
    forms = inflections(lemma)
    if pos == "noun":
        return {f for f in forms if f == lemma or not f.endswith(("ed", "ing", "d"))}
    return forms


class Prefilter:
    """Finds the candidate sentences of a document."""

    def __init__(self, tables: Tables) -> None:
        lex = tables.lexicon
        caption_only: dict[str, bool] = {}
        self._modifiers: set[str] = set()  # forms that may end a compound ("A-held")
        for frame in tables.frames:
            for lemma in frame.lemmas:
                for form in _forms(lemma, frame.pos):
                    caption_only[form] = caption_only.get(form, True) and frame.fragment
                    if frame.pos in ("adj", "any"):
                        self._modifiers.add(form)
        for form in lex["prefilter.irregular"]:
            caption_only[form] = False
        self._auto = ahocorasick.Automaton()
        for form, weak in sorted(caption_only.items()):
            self._auto.add_word(form, (form, weak))
        self._auto.make_automaton()
        words = (
            lex["places.town_heads"]
            | lex["places.site_heads"]
            | lex["places.descriptions"]
            | lex["places.subareas"]
            | lex["prefilter.references"]
        )
        self._place_words = frozenset(words)
        denials = {f for w in lex["reports.denial_verbs"] for f in inflections(w)}
        self._denial = re.compile(r"\b(?:" + "|".join(sorted(denials)) + r")\b", re.I)

    def denial_at(self, sentence: str) -> int:
        """Offset of a verb of denial ("denied this", "rejects the claims"), or -1."""
        m = self._denial.search(sentence)
        return m.start() if m else -1

    def triggers(self, text: str) -> list[tuple[int, bool]]:
        """Offsets of whole words that may be triggers, in order, each with True when only a
        caption row may read it."""
        low = text.lower()
        if len(low) != len(text):  # a character changed length when lower-cased
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        out = []
        n = len(low)
        for end, (form, weak) in self._auto.iter(low):
            start = end - len(form) + 1
            before = start == 0 or not (low[start - 1].isalnum() or low[start - 1] in "'’")
            after = end + 1 >= n or not low[end + 1].isalnum()
            # "UN-backed", "A-led": a verb ending a compound is an adjective, a trigger only
            # when an adjective row reads it ("A-held").
            compound = start > 0 and low[start - 1] == "-" and form not in self._modifiers
            if before and after and not compound:
                out.append((start, weak))
        out.sort()
        return out

    def trigger_starts(self, text: str) -> list[int]:
        """Offsets of words that may be triggers, in order."""
        return [start for start, _ in self.triggers(text)]

    def candidates(
        self, text: str, sentences: list[tuple[int, int]], mentions: Iterable[Mention]
    ) -> list[int]:
        """Indices of the sentences worth parsing."""
        hits = self.triggers(text)
        starts = [start for start, _ in hits]
        mention_starts = sorted(m.start for m in mentions)
        out = []
        for i, (s, e) in enumerate(sentences):
            j, stop = bisect_left(starts, s), bisect_left(starts, e)
            if j == stop:
                continue
            if all(weak for _, weak in hits[j:stop]) and text[s:e].rstrip().endswith(_CLOSING):
                continue  # only caption words ("forces", "troops") in a full sentence
            k = bisect_left(mention_starts, s)
            if (k < len(mention_starts) and mention_starts[k] < e) or self._has_place_word(
                text[s:e]
            ):
                out.append(i)
        return out

    def _has_place_word(self, sentence: str) -> bool:
        return any(w.group().lower() in self._place_words for w in _WORD.finditer(sentence))
