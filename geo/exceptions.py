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
    "ModelError",
    "OutputError",
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
    """A document (file or jsonl line) cannot be read, or was read with a repair.

    ``kept`` is True when the document was still loaded (e.g. invalid UTF-8 replaced), False
    when it was skipped.
    """

    def __init__(self, path: str, line: int | None, reason: str, *, kept: bool = False) -> None:
        super().__init__(path, line, reason)
        self.kept = kept


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


class OutputError(FrontlineError, OSError):
    """An output file cannot be written (a full disk, no permission, or it is the store).

    The message is ``path: reason``; ``filename`` is the output path, never a temporary one.
    """

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(reason)
        self.filename = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason}"


class GeocoderError(FrontlineError, RuntimeError):
    """The opt-in online geocoder failed."""


class VendorError(FrontlineError, FileNotFoundError):
    """The browser libraries for the offline map are missing (run ``make vendor``)."""


class ModelError(FrontlineError, RuntimeError):
    """A language model the extractor needs is missing or unusable."""
