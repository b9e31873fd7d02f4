"""Load articles from ``.txt`` and ``.jsonl`` files, normalise their text, find their date.

A :class:`Document` holds the *normalised* text; every offset the pipeline reports (mentions,
quotes) points into that text.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import ftfy
from dateutil import parser as date_parser

from geo.exceptions import DocumentError

__all__ = [
    "Document",
    "DocumentMeta",
    "infer_published",
    "load_documents",
    "normalise_text",
    "read_meta",
]

log = logging.getLogger(__name__)

ErrorHandler = Callable[[DocumentError], None]

SUFFIXES = (".txt", ".jsonl")

# Numeric character references that lost their "&#" on the way through a CMS: "x2019;".
_BROKEN_ENTITY = re.compile(r"(?<![&#])x([0-9A-Fa-f]{2,4});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A bare wire-service timestamp on its own line: yymmddHHMMSS plus milliseconds.
_STAMP = re.compile(r"^\s*(\d{2})(\d{2})(\d{2})(\d{6,9})\s*$", re.MULTILINE)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_MENTION = re.compile(
    r"\b(?:on|announced|said|late|earlier on|later on)\s+(" + "|".join(_WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FULL_DATE = re.compile(
    r"\b(?:(" + "|".join(_WEEKDAYS) + r"),?\s+)?"
    r"(?:(" + _MONTHS + r")\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})\s+(" + _MONTHS + r"),?\s+(\d{4}))\b",
    re.IGNORECASE,
)
_FUTURE_CUE = re.compile(
    r"(?:from|as of|effective|starting|until|begin|beginning|take effect)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """Metadata known about an article apart from its text."""

    published: date | None = None
    url: str = ""
    source: str = ""
    title: str = ""


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
        Publication date, or None when neither metadata nor the text fixes it.
    published_source
        Where ``published`` came from: ``metadata``, ``cli``, ``text: ...`` or ``unknown``.
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

    def __post_init__(self) -> None:
        if not self.content_hash:
            digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
            object.__setattr__(self, "content_hash", digest)


def normalise_text(raw: str) -> str:
    """Repair mojibake, broken entities and control characters; keep line structure.

    Examples
    --------
    >>> normalise_text("Libyax2019;s army â€” Tripoli")
    "Libya's army — Tripoli"
    """
    text = _BROKEN_ENTITY.sub(lambda m: html.unescape(f"&#x{m.group(1)};"), raw)
    text = ftfy.fix_text(text, normalization="NFC")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    # No-break and other exotic spaces become plain spaces so sentence splitting sees them.
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    return text


def _weekday_before(day: date, weekday: int, *, inclusive: bool) -> date:
    delta = (day.weekday() - weekday) % 7
    if delta == 0 and not inclusive:
        delta = 7
    return day - timedelta(days=delta)


def infer_published(text: str) -> tuple[date | None, str]:
    """Infer a publication date from the article text.

    Two clues are used: a bare wire timestamp line (``200606095959993`` = 2020-06-06), and a
    weekday mention ("on Saturday") read against a full explicit date ("Monday, June 8, 2020"):
    the article was written on that weekday, before the date when the date is announced as a
    future start ("from Monday, June 8"), else after it.

    Returns
    -------
    tuple
        The date (or None) and a short description of the clue used.
    """
    for m in _STAMP.finditer(text):
        yy, mm, dd = (int(g) for g in m.groups()[:3])
        try:
            return date(2000 + yy, mm, dd), f"text: {m.group().strip()} stamp"
        except ValueError:
            continue
    full_dates = list(_FULL_DATE.finditer(text))
    # A weekday that belongs to an explicit date ("on Friday, June 5") is not a writing day.
    in_dates = [(m.start(), m.end()) for m in full_dates]
    weekdays = [
        m.group(1).lower()
        for m in _WEEKDAY_MENTION.finditer(text)
        if not any(s <= m.start(1) < e for s, e in in_dates)
    ]
    if not full_dates or not weekdays:
        return None, "unknown"
    # The most frequent weekday of the reporting ("on Saturday") is the writing day.
    weekday = max(set(weekdays), key=lambda w: (weekdays.count(w), -weekdays.index(w)))
    anchor = full_dates[-1]
    try:
        explicit = date_parser.parse(anchor.group(0), fuzzy=False).date()
    except (ValueError, OverflowError):
        return None, "unknown"
    wd = _WEEKDAYS.index(weekday)
    if _FUTURE_CUE.search(text[max(0, anchor.start() - 20) : anchor.start()]):
        published = _weekday_before(explicit, wd, inclusive=False)
    else:
        published = explicit + timedelta(days=(wd - explicit.weekday()) % 7)
    return published, f"text: {weekday.capitalize()} and {anchor.group(0).strip()}"


def read_meta(path: Path) -> dict[str, DocumentMeta]:
    """Read a metadata CSV (columns ``id`` and any of ``published,url,outlet,source,title``).

    Raises
    ------
    DocumentError
        On a missing ``id`` column or an unreadable date, naming the file and line.
    """
    out: dict[str, DocumentMeta] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise DocumentError(str(path), 1, "metadata CSV needs an 'id' column")
        for row in reader:
            published = None
            if row.get("published"):
                try:
                    published = date.fromisoformat(row["published"].strip())
                except ValueError:
                    raise DocumentError(
                        str(path), reader.line_num, f"bad published date {row['published']!r}"
                    ) from None
            out[row["id"]] = DocumentMeta(
                published=published,
                url=row.get("url") or "",
                source=row.get("outlet") or row.get("source") or "",
                title=row.get("title") or "",
            )
    return out


def _iter_files(paths: Iterable[Path], on_error: ErrorHandler) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            yield path
        else:
            on_error(DocumentError(str(path), None, "no such file or directory"))


def _decode(path: Path, data: bytes, on_error: ErrorHandler) -> str | None:
    if b"\x00" in data[:8192]:
        on_error(DocumentError(str(path), None, "binary file (NUL bytes), skipped"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        on_error(
            DocumentError(
                str(path),
                line,
                f"invalid UTF-8 byte 0x{data[exc.start]:02x}; decoded with replacement characters",
                kept=True,
            )
        )
        # Nothing is lost: the rest of the article is still read.
        return data.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class _Dates:
    """The publication dates given on the command line: a fallback and a forced one."""

    fallback: date | None = None
    override: date | None = None


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
    # The article's own metadata beats a blanket --published; only an override beats it.
    if dates.override is not None:
        when, how = dates.override, "cli"
    elif meta.published is not None:
        when, how = meta.published, "metadata"
    elif dates.fallback is not None:
        when, how = dates.fallback, "cli"
    else:
        when, how = infer_published(text)
    return Document(
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


def _read_jsonl(
    path: Path,
    content: str,
    published: _Dates,
    meta: dict[str, DocumentMeta],
    on_error: ErrorHandler,
) -> Iterator[Document]:
    for lineno, line in enumerate(content.splitlines(), start=1):
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
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            on_error(DocumentError(str(path), lineno, "no 'text' field, line skipped"))
            continue
        doc_id = str(record.get("id") or f"{path.stem}:{lineno}")
        when: date | None = None
        if record.get("published"):
            try:
                when = date_parser.parse(str(record["published"])).date()
            except (ValueError, OverflowError):
                on_error(
                    DocumentError(
                        str(path), lineno, f"bad published date {record['published']!r}, ignored"
                    )
                )
        extra = meta.get(doc_id, DocumentMeta())
        row_meta = DocumentMeta(
            published=when or extra.published,
            url=str(record.get("url") or extra.url),
            source=str(record.get("source") or record.get("outlet") or extra.source),
            title=str(record.get("title") or extra.title),
        )
        yield _make(doc_id, text, row_meta, published, path, lineno)


def load_documents(
    paths: Iterable[Path | str],
    *,
    published: date | None = None,
    published_override: date | None = None,
    meta: dict[str, DocumentMeta] | None = None,
    on_error: ErrorHandler | None = None,
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
    """
    handler: ErrorHandler = on_error or (lambda err: log.warning("%s", err))
    meta = meta or {}
    dates = _Dates(published, published_override)
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
