"""The prefilter: only sentences with a trigger word and a place (or a word for one) are parsed.

One Aho-Corasick pass over the lower-cased document finds trigger word starts (lemma stems
and the irregular forms of the lexicon); a sentence is a candidate when it has one and also a
gazetteer mention or a place word ("the town", "it", "its airport").
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


def _stem(lemma: str) -> str:
    """A prefix that every regular form of ``lemma`` starts with ("seize" -> "seiz")."""
    word = lemma.split()[0]
    if len(word) > 4 and word.endswith("e"):
        return word[:-1]
    if len(word) > 4 and word.endswith("y"):
        return word[:-1]  # "occupy" -> "occupi(ed)"
    return word


def inflections(lemma: str) -> set[str]:
    """The regular forms of an English verb ("deny" -> denies, denied, denying)."""
    forms = {lemma, lemma + "s", lemma + "ing", lemma + "ed"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith(("s", "sh", "ch", "x")):
        forms.add(lemma + "es")
    return forms


class Prefilter:
    """Finds the candidate sentences of a document."""

    def __init__(self, tables: Tables) -> None:
        lex = tables.lexicon
        stems = {_stem(w) for w in tables.trigger_words} | set(lex["prefilter.irregular"])
        self._auto = ahocorasick.Automaton()
        for s in sorted(stems):
            self._auto.add_word(s, s)
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

    def trigger_starts(self, text: str) -> list[int]:
        """Offsets of words that may be triggers, in order."""
        low = text.lower()
        if len(low) != len(text):  # a character changed length when lower-cased
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        out = []
        for end, stem in self._auto.iter(low):
            start = end - len(stem) + 1
            if start == 0 or not (low[start - 1].isalnum() or low[start - 1] in "'’"):
                out.append(start)
        out.sort()
        return out

    def candidates(
        self, text: str, sentences: list[tuple[int, int]], mentions: Iterable[Mention]
    ) -> list[int]:
        """Indices of the sentences worth parsing."""
        starts = self.trigger_starts(text)
        mention_starts = sorted(m.start for m in mentions)
        out = []
        for i, (s, e) in enumerate(sentences):
            j = bisect_left(starts, s)
            if j == len(starts) or starts[j] >= e:
                continue
            k = bisect_left(mention_starts, s)
            if (k < len(mention_starts) and mention_starts[k] < e) or self._has_place_word(
                text[s:e]
            ):
                out.append(i)
        return out

    def _has_place_word(self, sentence: str) -> bool:
        return any(w.group().lower() in self._place_words for w in _WORD.finditer(sentence))
