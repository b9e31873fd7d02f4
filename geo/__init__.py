"""frontline: map who controls what from war reporting, offline.

The pipeline is ``documents`` -> ``gazetteer`` + ``toponyms`` -> ``dates`` -> ``extract`` ->
``store`` -> ``control`` -> ``render`` / ``export``. This module re-exports the entry points of
the text stages, imported on first use (PEP 562), so ``import geo.toponyms`` or a command that
needs only place finding does not load the extractor; the geographic stages (``geo.store``,
``geo.control``, ``geo.render``, ``geo.export``) pull in geopandas and folium, so import them
where you need them. Nothing is loaded at import time: the gazetteer and sides are objects you
load and pass in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.dates import FuzzyDate
    from geo.documents import Document, load_documents
    from geo.exceptions import FrontlineError
    from geo.extract import Event, EventExtractor, extract_events
    from geo.gazetteer import Gazetteer, Place
    from geo.sides import Sides
    from geo.toponyms import Mention, PlaceFinder, find_places

__version__ = "0.1.0"

# Re-exported name -> the module that defines it.
_EXPORTS = {
    "FuzzyDate": "geo.dates",
    "Document": "geo.documents",
    "load_documents": "geo.documents",
    "Event": "geo.extract",
    "EventExtractor": "geo.extract",
    "extract_events": "geo.extract",
    "FrontlineError": "geo.exceptions",
    "Gazetteer": "geo.gazetteer",
    "Place": "geo.gazetteer",
    "Sides": "geo.sides",
    "Mention": "geo.toponyms",
    "PlaceFinder": "geo.toponyms",
    "find_places": "geo.toponyms",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
