"""Load articles from ``.txt`` and ``.jsonl`` files, normalise their text, find their date.

A :class:`Document` holds the *normalised* text; every offset the pipeline reports (mentions,
quotes) points into that text.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import csv
import email.utils
import hashlib
import html
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import ftfy
from dateutil import parser as date_parser

from geo._datafile import read_text
from geo.dates import published_from_text
from geo.exceptions import DocumentError

__all__ = [
    "DEFAULT_MAX_CHARS",
    "Document",
    "DocumentMeta",
    "infer_published",
    "iso_at",
    "load_documents",
    "normalise_text",
    "parse_published",
    "published_from_iso",
    "read_meta",
    "split_document",
]

log = logging.getLogger(__name__)

ErrorHandler = Callable[[DocumentError], None]
Precision = Literal["day", "month", "year"]

SUFFIXES = (".txt", ".jsonl")

# Numeric character references that lost their "&#" on the way through a CMS: "x2019;".
_BROKEN_ENTITY = re.compile(r"(?<![&#])x([0-9A-Fa-f]{2,4});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EXOTIC_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_ODD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00a0\u2000-\u200a\u202f\u205f\u3000]")


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """Metadata known about an article apart from its text.

    ``published`` follows :class:`Document`'s convention: the latest day the article can have
    been written, known to ``published_precision``.
    """

    published: date | None = None
    url: str = ""
    source: str = ""
    title: str = ""
    published_precision: Precision = "day"


@dataclass(frozen=True, slots=True)
class Document:
    """One article with normalised text.

    Attributes
    ----------
    doc_id
        File stem for ``.txt``; the ``id`` field for ``.jsonl``.
    text
        The normalised text; all offsets refer to it.
    published
        Publication date, or None when neither metadata nor the text fixes it. When only the
        month or the year is known (metadata ``2020-06`` or ``2020``), the period's LAST day:
        the latest the article can have been written.
    published_source
        Where ``published`` came from: ``metadata``, ``cli``, ``text: ...`` or ``unknown``.
    published_precision
        ``day``, ``month`` or ``year``: how much of ``published`` is known.
    path, line
        Where the article was read (``line`` only for jsonl).
    """

    doc_id: str
    text: str
    published: date | None
    published_source: str
    path: str
    line: int | None = None
    url: str = ""
    source: str = ""
    title: str = ""
    content_hash: str = field(default="", compare=False)
    published_precision: Precision = "day"

    def __post_init__(self) -> None:
        if not self.content_hash:
            digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
            object.__setattr__(self, "content_hash", digest)

    @property
    def published_iso(self) -> str | None:
        """``published`` as ISO text at its precision (``2020-06-06``, ``2020-06``, ``2020``)."""
        return iso_at(self.published, self.published_precision)

    @property
    def location(self) -> str:
        """Where the document was read: ``path`` or ``path:line``."""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


def iso_at(day: date | None, precision: Precision) -> str | None:
    """``day`` as ISO text cut to ``precision``; None stays None."""
    if day is None:
        return None
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": f"{day.year:04d}"}[
        precision
    ]


def published_from_iso(text: str | None) -> tuple[date | None, Precision]:
    """The inverse of :func:`iso_at`: (the period's last day, precision), as stored."""
    if not text:
        return None, "day"
    day, precision = parse_published(text)
    return day, precision


# -- publication dates given as metadata -----------------------------------------------------
_ISO_DAY = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_ISO_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?")
_ISO_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_DMY = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def parse_published(value: object) -> tuple[date, Precision]:
    """A publication date given as metadata: (the latest day it can be, its precision).

    Accepted: ISO dates and date-times (``2020-06-06``, ``2020-06-06T09:30:00Z``; the date as
    written), ISO partial dates kept at their precision (``2020-06``, ``2020``; never padded
    with today's month or day), ``20200606``, RFC 2822 feed dates (``Sat, 06 Jun 2020
    10:00:00 GMT``) and written-out dates with a month name (``6 June 2020``).

    Raises
    ------
    ValueError
        On anything else, with the reason: a JSON number (``2020``, ``5``), a numeric date
        whose order is ambiguous (``07/06/2020``), a written-out date missing its day or year,
        an impossible date.
    """
    if not isinstance(value, str):
        raise ValueError(f"is {type(value).__name__} {value!r}, not a date string like 2020-06-06")
    text = value.strip()
    try:
        return _parse_published_text(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text!r} is not a date ({exc}); use YYYY-MM-DD") from None


def _parse_published_text(text: str) -> tuple[date, Precision]:
    if m := _ISO_DAY.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _ISO_PARTIAL.fullmatch(text):
        year = int(m[1])
        if m[2] is None:
            return date(year, 12, 31), "year"
        month = int(m[2])
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is out of range")
        return date(year, month, calendar.monthrange(year, month)[1]), "month"
    if m := _ISO_BASIC.fullmatch(text):
        return date(int(m[1]), int(m[2]), int(m[3])), "day"
    if _NUMERIC_DMY.fullmatch(text):
        raise ValueError("day and month order is ambiguous")
    if not re.search(r"[A-Za-z]{3}", text):
        raise ValueError("no year, month and day")
    with contextlib.suppress(TypeError, ValueError, IndexError):
        return email.utils.parsedate_to_datetime(text).date(), "day"
    # A written-out date: parsed twice with different defaults, so a missing part shows.
    a = date_parser.parse(text, default=datetime(2000, 1, 1)).date()
    b = date_parser.parse(text, default=datetime(2001, 2, 2)).date()
    if a != b:
        raise ValueError("it lacks its day or year")
    return a, "day"


# A character Windows-1252 or Latin-1 gives a UTF-8 lead byte (0xC2-0xF4), then one it gives a
# continuation byte (0x80-0xBF): the mark of mojibake that ftfy repairs.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def normalise_text(raw: str) -> str:
    """Repair mojibake, broken entities and control characters; keep line structure.

    Examples
    --------
    >>> normalise_text("Side Ax2019;s army â€” Town X")
    "Side A's army — Town X"
    """
    if ";" in raw:
        text = _BROKEN_ENTITY.sub(lambda m: html.unescape(f"&#x{m.group(1)};"), raw)
    else:
        text = raw
    if "&" in text or _MOJIBAKE_HINT.search(text):
        text = ftfy.fix_text(text, normalization="NFC")
    else:
        # ftfy repairs HTML entities and UTF-8 read as Latin-1 or Windows-1252, which always
        # leaves a lead byte character (Â ... ô) before a continuation one; without either it
        # has nothing to repair, and testing for them costs a hundredth of running it.
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # No-break and other exotic spaces become plain spaces so sentence splitting sees them;
    # one search first, since most texts have neither those nor control characters.
    if _ODD.search(text):
        text = _CONTROL.sub(" ", text)
        text = _EXOTIC_SPACE.sub(" ", text)
    return text


def infer_published(text: str) -> tuple[date | None, str]:
    """Infer a publication date from the article text (see :func:`geo.dates.published_from_text`).

    Returns
    -------
    tuple
        The date (or None) and a short description of the clue used.
    """
    return published_from_text(text)


def read_meta(path: Path) -> dict[str, DocumentMeta]:
    """Read a metadata CSV (columns ``id`` and any of ``published,url,outlet,source,title``).

    Raises
    ------
    DocumentError
        On a missing ``id`` column or an unreadable date, naming the file and line.
    """
    out: dict[str, DocumentMeta] = {}
    for line, row in _meta_rows(path):
        published: date | None = None
        precision: Precision = "day"
        if row.get("published"):
            try:
                published, precision = parse_published(row["published"])
            except ValueError as exc:
                raise DocumentError(str(path), line, f"bad published date: {exc}") from None
        out[row["id"]] = DocumentMeta(
            published=published,
            published_precision=precision,
            url=row.get("url") or "",
            source=row.get("outlet") or row.get("source") or "",
            title=row.get("title") or "",
        )
    return out


def _meta_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line, row) of a metadata CSV, read strictly. Quoted fields may hold line
    breaks here (titles exported from spreadsheets); a broken quote is still an error."""
    reader = csv.DictReader(io.StringIO(read_text(path, DocumentError), newline=""), strict=True)
    if reader.fieldnames is None or "id" not in reader.fieldnames:
        raise DocumentError(str(path), 1, "metadata CSV needs an 'id' column")
    start = reader.line_num + 1  # the line a row starts on (csv's line_num is where it ends)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DocumentError(str(path), start, f"malformed CSV ({exc})") from None
        yield start, {k: v or "" for k, v in row.items() if k is not None}
        start = reader.line_num + 1


def _iter_files(paths: Iterable[Path], on_error: ErrorHandler) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            yield path
        else:
            on_error(DocumentError(str(path), None, "no such file or directory"))


# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _decode(path: Path, data: bytes, on_error: ErrorHandler) -> str | None:
    """The file's text: UTF-8, or UTF-16/32 when a byte-order mark says so."""
    encoding, name = "utf-8", "UTF-8"
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            data, encoding, name = data[len(bom) :], codec, label
            break
    else:
        if b"\x00" in data[:8192]:
            reason = "binary file (NUL bytes; UTF-16 and UTF-32 need a byte-order mark), skipped"
            on_error(DocumentError(str(path), None, reason))
            return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        text = data[: exc.start].decode(encoding, errors="replace")
        line = text.count("\n") + 1
        on_error(
            DocumentError(
                str(path),
                line,
                f"invalid {name} (byte 0x{data[exc.start]:02x}); decoded with replacement "
                "characters",
                kept=True,
            )
        )
        # Nothing is lost: the rest of the article is still read.
        return data.decode(encoding, errors="replace")


@dataclass(frozen=True, slots=True)
class _Dates:
    """The publication dates given on the command line: a fallback and a forced one."""

    fallback: date | None = None
    override: date | None = None


def _refined(text: str, last: date, precision: Precision) -> tuple[date, str, Precision]:
    """A month- or year-precise metadata date, made exact by the text when it agrees."""
    inferred, how = infer_published(text)
    iso = iso_at(last, precision)
    if inferred is not None and iso is not None and inferred.isoformat().startswith(iso):
        return inferred, f"metadata ({iso}) and {how}", "day"
    return last, "metadata", precision


def _make(
    doc_id: str,
    raw: str,
    meta: DocumentMeta,
    dates: _Dates,
    path: Path,
    line: int | None,
) -> Document:
    text = normalise_text(raw)
    when: date | None
    precision: Precision = "day"
    # The article's own metadata beats a blanket --published; only an override beats it.
    if dates.override is not None:
        when, how = dates.override, "cli"
    elif meta.published is not None:
        when, how, precision = meta.published, "metadata", meta.published_precision
        if precision != "day":
            when, how, precision = _refined(text, when, precision)
    elif dates.fallback is not None:
        when, how = dates.fallback, "cli"
    else:
        when, how = infer_published(text)
    return Document(
        published_precision=precision,
        doc_id=doc_id,
        text=text,
        published=when,
        published_source=how,
        path=str(path),
        line=line,
        url=meta.url,
        source=meta.source,
        title=meta.title,
    )


def _jsonl_records(
    path: Path, content: str, on_error: ErrorHandler
) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, record) of each JSON object line.

    Records are split on ``\\n`` only, as JSON Lines says: U+2028, U+2029 and NEL are valid
    inside a JSON string, and ``str.splitlines`` would cut a record at them.
    """
    for lineno, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            on_error(DocumentError(str(path), lineno, f"malformed JSON ({exc.msg}), line skipped"))
            continue
        if not isinstance(record, dict):
            on_error(DocumentError(str(path), lineno, "not a JSON object, line skipped"))
            continue
        yield lineno, record


def _record_published(
    path: Path, lineno: int, record: dict[str, object], on_error: ErrorHandler
) -> tuple[date | None, Precision]:
    value = record.get("published")
    if value is None or value == "":
        return None, "day"
    try:
        return parse_published(value)
    except ValueError as exc:
        on_error(DocumentError(str(path), lineno, f"published {exc}; ignored", kept=True))
        return None, "day"


def _read_jsonl(
    path: Path,
    content: str,
    published: _Dates,
    meta: dict[str, DocumentMeta],
    on_error: ErrorHandler,
) -> Iterator[Document]:
    for lineno, record in _jsonl_records(path, content, on_error):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            on_error(DocumentError(str(path), lineno, "no 'text' field, line skipped"))
            continue
        doc_id = str(record.get("id") or f"{path.stem}:{lineno}")
        when, precision = _record_published(path, lineno, record, on_error)
        extra = meta.get(doc_id, DocumentMeta())
        row_meta = DocumentMeta(
            published=when or extra.published,
            published_precision=precision if when else extra.published_precision,
            url=str(record.get("url") or extra.url),
            source=str(record.get("source") or record.get("outlet") or extra.source),
            title=str(record.get("title") or extra.title),
        )
        yield _make(doc_id, text, row_meta, published, path, lineno)


def _unique_ids(docs: Iterable[Document], on_error: ErrorHandler) -> Iterator[Document]:
    """Drop a later document whose id is taken by different text, with one error line."""
    first: dict[str, tuple[str, str]] = {}  # doc_id -> (content hash, location)
    for doc in docs:
        seen = first.setdefault(doc.doc_id, (doc.content_hash, doc.location))
        if seen[0] != doc.content_hash:
            reason = (
                f"duplicate id {doc.doc_id!r} with different text (first at {seen[1]}); skipped"
            )
            on_error(DocumentError(doc.path, doc.line, reason))
            continue
        yield doc


def load_documents(
    paths: Iterable[Path | str],
    *,
    published: date | None = None,
    published_override: date | None = None,
    meta: dict[str, DocumentMeta] | None = None,
    on_error: ErrorHandler | None = None,
    unique_ids: bool = True,
) -> Iterator[Document]:
    """Yield the documents found in files and directories, in a stable order.

    Parameters
    ----------
    paths
        ``.txt`` or ``.jsonl`` files, or directories searched recursively for both.
    published
        The publication date of documents that carry none in their metadata (a jsonl
        ``published`` field or ``meta``): ``--published``. It beats a date read from the text.
    published_override
        Force this publication date on every document (``--published-override``).
    meta
        Metadata by document id, e.g. from :func:`read_meta`.
    on_error
        Called with a :class:`~geo.exceptions.DocumentError` for each bad file or line; the
        default logs a warning. Loading always goes on with the other documents.
    unique_ids
        Report and skip a document whose id an earlier one with different text already has
        (the error names both places). False yields both: :func:`geo.store.ingest` then
        decides which version to keep.
    """
    handler: ErrorHandler = on_error or (lambda err: log.warning("%s", err))
    docs = _load(paths, _Dates(published, published_override), meta or {}, handler)
    return _unique_ids(docs, handler) if unique_ids else docs


def _load(
    paths: Iterable[Path | str],
    dates: _Dates,
    meta: dict[str, DocumentMeta],
    handler: ErrorHandler,
) -> Iterator[Document]:
    for path in _iter_files((Path(p) for p in paths), handler):
        try:
            data = path.read_bytes()
        except OSError as exc:
            handler(DocumentError(str(path), None, f"unreadable ({exc.strerror})"))
            continue
        content = _decode(path, data, handler)
        if content is None:
            continue
        if not content.strip():
            handler(DocumentError(str(path), None, "empty file, skipped"))
            continue
        if path.suffix == ".jsonl":
            yield from _read_jsonl(path, content, dates, meta, handler)
        else:
            doc_meta = meta.get(path.stem, DocumentMeta())
            yield _make(path.stem, content, doc_meta, dates, path, None)


# -- documents too long to extract in one piece -----------------------------------------------
DEFAULT_MAX_CHARS = 2_000_000
# Where a part may end, best first: a paragraph break, a line break, a sentence end, a space.
_BREAKS = ("\n\n", "\n", ". ", " ")


def split_document(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> list[tuple[int, Document]]:
    """The document cut into parts of at most ``max_chars`` characters, with their offsets.

    Parts end at a paragraph break where there is one in the second half of the window, else at
    a line break, a sentence end or a space; only text without any of them is cut blindly.
    Each part keeps the document's id and metadata; ``text[offset:offset + len(part.text)]``
    is the part's text, so offsets found in a part map back by adding ``offset``.
    A document within the cap is returned whole: ``[(0, doc)]``.

    Raises
    ------
    ValueError
        When ``max_chars`` is below 1,000 (parts that small would cut most sentences).
    """
    if max_chars < 1000:
        raise ValueError(f"max_chars must be at least 1000, not {max_chars}")
    text = doc.text
    if len(text) <= max_chars:
        return [(0, doc)]
    parts: list[tuple[int, Document]] = []
    start = 0
    while start < len(text):
        end = len(text) if len(text) - start <= max_chars else _cut(text, start, start + max_chars)
        parts.append((start, replace(doc, text=text[start:end], content_hash=doc.content_hash)))
        start = end
    return parts


def _cut(text: str, start: int, limit: int) -> int:
    """The end of a part that starts at ``start`` and may reach ``limit``."""
    floor = start + (limit - start) // 2
    for mark in _BREAKS:
        at = text.rfind(mark, floor, limit)
        if at != -1:
            return at + len(mark)
    return limit
