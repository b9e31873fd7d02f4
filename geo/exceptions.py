"""The one exception hierarchy of frontline.

Every error raised on purpose by the library derives from :class:`FrontlineError` and from the
built-in it most resembles, so callers may catch either.
"""

from __future__ import annotations

__all__ = [
    "DataFileError",
    "DocumentError",
    "FrontlineError",
    "GazetteerError",
    "GeocoderError",
    "LocatedError",
    "OverrideError",
    "SidesError",
    "StoreError",
    "TheatreError",
    "VendorError",
]


class FrontlineError(Exception):
    """Base class of every frontline error."""


class LocatedError(FrontlineError, ValueError):
    """Bad input at a place in a file: the message is ``path:line: reason``."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class DocumentError(LocatedError):
    """A document (file or jsonl line) cannot be read."""


class DataFileError(LocatedError):
    """A row of a data file (gazetteer, sides, baseline, overrides) is malformed."""


class GazetteerError(DataFileError):
    """The gazetteer file is missing or holds a bad row."""


class SidesError(DataFileError):
    """The sides file is missing or malformed."""


class TheatreError(DataFileError):
    """A theatre cannot be found, or its ``theatre.toml`` is malformed or names a missing file."""


class OverrideError(DataFileError):
    """An analyst override or baseline row is malformed."""


class StoreError(FrontlineError, RuntimeError):
    """The event store cannot be opened or written."""


class GeocoderError(FrontlineError, RuntimeError):
    """The opt-in online geocoder failed."""


class VendorError(FrontlineError, FileNotFoundError):
    """The browser libraries for the offline map are missing (run ``make vendor``)."""
