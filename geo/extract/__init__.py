"""Control events from war reporting, read from the grammar of the sentence.

The package parses candidate sentences with a small spaCy pipeline and applies a frame table
(``frames.toml``: trigger words, their event family, and where place, winner and loser stand)
and a lexicon of modifiers (``lexicon.toml``: intentions, conditions, reports, repulses).
Discourse resolves references across sentences, and each article is consolidated to one
event per place and direction. See :class:`EventExtractor`.
"""

from geo.extract._event import ACTIVITY_KINDS, CONTROL_KINDS, EVENT_FIELDS, Event
from geo.extract._extractor import EventExtractor, extract_events

__all__ = [
    "ACTIVITY_KINDS",
    "CONTROL_KINDS",
    "EVENT_FIELDS",
    "Event",
    "EventExtractor",
    "extract_events",
]
