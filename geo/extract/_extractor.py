"""The extractor: documents in, consolidated control events out.

For one document: find places and actors (gazetteer and sides file), split sentences, parse
the candidate sentences (see :mod:`geo.extract._prefilter`) in one batch, read their frames
(:mod:`geo.extract._interpret`), resolve references across sentences
(:mod:`geo.extract._discourse`), decide kinds and sides (:mod:`geo.extract._outcome`), date
each report (:mod:`geo.extract._dating`, :mod:`geo.dates`) and consolidate the article
(:mod:`geo.extract._consolidate`).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import Generic, TypeVar

from geo._normalise import normalise_text
from geo._sentences import split_sentences
from geo.dates import FuzzyDate, TimeExpression, find_time_expressions, in_past
from geo.documents import Document
from geo.extract._consolidate import Merged, Report, consolidate, contest_denied
from geo.extract._dating import Dater
from geo.extract._discourse import Discourse, Sites
from geo.extract._event import ACTIVITY_KINDS, Event
from geo.extract._interpret import Interpreter
from geo.extract._lexicon import Tables, load_tables
from geo.extract._prefilter import Prefilter
from geo.extract._reader import Sentence, SentenceReader
from geo.extract._syntax import Parser
from geo.gazetteer import Gazetteer
from geo.sides import ActorMention, Sides
from geo.toponyms import Mention, PlaceFinder

__all__ = ["EventExtractor", "extract_events"]

log = logging.getLogger(__name__)

_Span = TypeVar("_Span", Mention, ActorMention)
# A wire dateline before the story ("TOWN, Country, July 7 (Agency) - "): not parsed, since
# the parser reads its capitals as the subject.
_DATELINE = re.compile(
    r"^[A-Z][A-Z'’.-]+(?:[ /][A-Z][A-Z'’.-]+)*(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)*){0,2}"
    r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s\d{1,2})?\s*(?:\([^)]{1,40}\))?\s*(?:[-–—]{1,2}|//)\s+"
)


class EventExtractor:
    """Extracts control events from documents with one gazetteer and one sides file.

    The spaCy model is loaded on first use (once per extractor), never at construction.

    Parameters
    ----------
    gazetteer
        Where places are looked up.
    sides
        The sides, third parties and their actor names.
    activities
        Also emit ``offensive`` and ``strike`` activity events (they never change control).
    capitals
        Place ids of "the capital"; by default the gazetteer's one place of kind capital.
    parser
        The syntactic parser (a default :class:`~geo.extract._syntax.Parser` otherwise).
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        sides: Sides,
        *,
        activities: bool = True,
        capitals: Sequence[str] = (),
        parser: Parser | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.sides = sides
        self.activities = activities
        self.finder = PlaceFinder(
            gazetteer,
            masks=sides.masks,
            persons=sides.persons,
            home_country=sides.theatre.country or None,
        )
        self.sites = Sites(gazetteer, capitals=capitals)
        self._parser = parser

    @cached_property
    def tables(self) -> Tables:
        """The frame table and lexicon (read on first use)."""
        return load_tables()

    @cached_property
    def parser(self) -> Parser:
        """The syntactic parser."""
        if self._parser is not None:
            return self._parser
        return Parser(substitutes=sorted(self.tables.lexicon["parser.substitutes_raw"]))

    @cached_property
    def _reader(self) -> SentenceReader:
        interpreter = Interpreter(self.tables)
        return SentenceReader(interpreter, Dater(interpreter.grammar), self.sides)

    @cached_property
    def _prefilter(self) -> Prefilter:
        return Prefilter(self.tables)

    def warm_up(self) -> None:
        """Load the tables and the model now (worker processes call this once)."""
        _ = self._reader, self._prefilter, self.parser.nlp

    # -- public -------------------------------------------------------------------------------
    def extract(self, doc: Document) -> list[Event]:
        """The consolidated events of one document."""
        return self.extract_with_mentions(doc)[0]

    def extract_with_mentions(self, doc: Document) -> tuple[list[Event], list[Mention]]:
        """The events of one document and the place mentions they were read from.

        Callers that store both (``geo.store.ingest``) avoid finding the places twice.
        """
        text = doc.text
        nt = normalise_text(text)  # once, for places and actors both
        mentions = self.finder.find(text, normalised=nt)
        actors = self.sides.find_actors(text, when=doc.published, normalised=nt)
        sentences = split_sentences(text)
        discourse = Discourse(
            doc,
            mentions,
            actors,
            sides=self.sides,
            sites=self.sites,
            lexicon=self.tables.lexicon,
            sentences=sentences,
        )
        reports = self._read(doc, sentences, mentions, actors, discourse)
        events = [self._event(doc, m) for m in consolidate(reports, self.sides)]
        if not self.activities:
            events = [e for e in events if e.kind not in ACTIVITY_KINDS]
        events.sort(key=lambda e: (e.start, e.kind, e.place_id))
        return events, mentions

    # -- reading ------------------------------------------------------------------------------
    def _read(
        self,
        doc: Document,
        sentences: list[tuple[int, int]],
        mentions: list[Mention],
        actors: list[ActorMention],
        discourse: Discourse,
    ) -> list[Report]:
        text = doc.text
        chosen = self._prefilter.candidates(text, sentences, mentions)
        spans = [_body(text, *sentences[i]) for i in chosen]
        parses = dict(
            zip(
                chosen,
                self.parser.parse([text[s:e] for s, e in spans], where=doc.path),
                strict=True,
            )
        )
        bodies = dict(zip(chosen, spans, strict=True))
        places, names = _Index(mentions), _Index(actors)
        out: list[Report] = []
        anchor: FuzzyDate | None = None  # the last day written, for "two days later"
        previous: FuzzyDate | None = None  # the last day the previous sentence wrote
        story: FuzzyDate | None = None  # the last day an event was dated to
        denials: dict[int, str] = {}
        for i, (s, e) in enumerate(sentences):
            times = _times(text[s:e], doc, anchor)
            parsed = parses.get(i)
            if parsed is not None:
                b = bodies[i][0]
                sent = Sentence(
                    i,
                    s,
                    e,
                    parsed,
                    places.within(b, e),
                    names.within(b, e),
                    times if b == s else _times(text[b:e], doc, anchor),
                    story,
                    previous,
                    body=b,
                )
                got = self._reader.read(doc, sent, discourse)
                out += got
                days = [r.date for r in got if r.date and r.date.precision == "day" and r.dated]
                if got:
                    story = days[-1] if days else None  # the story moves on, undated or not
            else:
                discourse.saw_sentence(s, e, None, None)
            past = [in_past(t, doc.published) for t in times if t.date.precision == "day"]
            previous = past[-1] if past else None
            if past:
                anchor = past[-1]
            at = self._prefilter.denial_at(text[s:e])
            if at >= 0:
                denials[i] = discourse.side_before(s, s + at) or ""
        return contest_denied(out, denials)

    def _event(self, doc: Document, m: Merged) -> Event:
        r = m.best
        quotes = list(dict.fromkeys(doc.text[o.start : o.end] for o in m.others))
        quote = doc.text[r.start : r.end]
        evidence = tuple(q for q in quotes if q != quote)
        confidence = min(0.95, r.confidence + 0.05 * len(evidence))
        return Event(
            doc_id=doc.doc_id,
            kind=r.kind,
            side=r.side,
            place=r.surface,
            place_id=r.place.id,
            place_name=r.place.name,
            lat=r.place.lat,
            lon=r.place.lon,
            date=r.date.iso() if r.date else "",
            date_precision=r.date.precision if r.date else "",
            quote=quote,
            start=r.start,
            end=r.end,
            confidence=round(confidence, 3),
            source=doc.source,
            url=doc.url,
            claimant=r.claimant,
            evidence=evidence,
        )


class _Index(Generic[_Span]):
    """Spans in text order, sliced by sentence in logarithmic time."""

    def __init__(self, items: Sequence[_Span]) -> None:
        self.items: Sequence[_Span] = items
        self.starts = [x.start for x in items]

    def within(self, start: int, end: int) -> list[_Span]:
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [x for x in self.items[lo:hi] if x.end <= end]


def _body(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence without a leading wire dateline."""
    m = _DATELINE.match(text, start, end)
    return (start + m.end() - start if m else start), end


def _times(sentence: str, doc: Document, anchor: FuzzyDate | None) -> list[TimeExpression]:
    """The sentence's temporal expressions. "Two days earlier" counts from a day the sentence
    itself wrote before it ("On 5 June ..., where A had taken X two days earlier"), else from
    the last day written before the sentence."""
    day = anchor.value if anchor is not None and anchor.precision == "day" else None
    times = find_time_expressions(sentence, doc.published, anchor=day)
    relative = [t for t in times if t.kind == "anchor"]
    if not relative:
        return times
    own = [t for t in times if t.kind != "anchor" and t.date.precision == "day"]
    own = [t for t in own if t.start < relative[0].start]
    if not own:
        return times
    base = in_past(own[-1], doc.published).value
    return find_time_expressions(sentence, doc.published, anchor=base)


def extract_events(
    docs: Iterable[Document], gazetteer: Gazetteer, sides: Sides, *, activities: bool = True
) -> Iterator[Event]:
    """Events of every document, in document order."""
    extractor = EventExtractor(gazetteer, sides, activities=activities)
    for doc in docs:
        yield from extractor.extract(doc)
