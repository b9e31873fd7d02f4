"""frontline: map who controls what from war reporting, offline.

The pipeline is ``documents`` -> ``gazetteer`` + ``toponyms`` -> ``dates`` -> ``events`` ->
``store`` -> ``control`` -> ``render`` / ``export``. This module re-exports the entry points of
the text stages; the geographic stages (``geo.store``, ``geo.control``, ``geo.render``,
``geo.export``) pull in geopandas and folium, so import them where you need them. Nothing is
loaded at import time: the gazetteer and sides are objects you load and pass in.
"""

from __future__ import annotations

from geo.dates import FuzzyDate
from geo.documents import Document, load_documents
from geo.events import Event, EventExtractor, extract_events
from geo.exceptions import FrontlineError
from geo.gazetteer import Gazetteer, Place
from geo.sides import Sides
from geo.toponyms import Mention, PlaceFinder, find_places

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Event",
    "EventExtractor",
    "FrontlineError",
    "FuzzyDate",
    "Gazetteer",
    "Mention",
    "Place",
    "PlaceFinder",
    "Sides",
    "__version__",
    "extract_events",
    "find_places",
    "load_documents",
]
