"""The event store: documents, place mentions and events in one GeoPackage (SQLite) file.

The store is a GeoPackage 1.2 written directly through :mod:`sqlite3`: the required
``gpkg_spatial_ref_sys``, ``gpkg_contents`` and ``gpkg_geometry_columns`` tables, attribute
tables ``documents`` and ``batches``, and point layers ``mentions`` and ``events`` whose
``geom`` column holds GeoPackage binary geometries in EPSG:4326 with (x, y) = (lon, lat). QGIS
and ``pyogrio.list_layers`` open it as is.

Ingest is incremental and idempotent: a document is keyed by
:attr:`~geo.documents.Document.content_hash` (its normalised text), so the same article under
another name adds nothing. Each batch is one transaction in rollback-journal mode, so a crash or
kill mid-batch leaves the file exactly as it was before the batch.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import struct
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from itertools import tee
from pathlib import Path
from types import TracebackType
from typing import Literal

from geo.dates import FuzzyDate
from geo.documents import DEFAULT_MAX_CHARS, Document, published_from_iso
from geo.exceptions import DocumentError, StoreError
from geo.extract import Event, EventExtractor
from geo.parallel import analyse_in_parts
from geo.toponyms import Mention

__all__ = [
    "DEFAULT_STORE",
    "DUPLICATE_POLICIES",
    "IngestResult",
    "Store",
    "StoredDocument",
    "StoredVersion",
    "gpkg_point",
    "ingest",
    "parse_gpkg_point",
]

log = logging.getLogger(__name__)

DEFAULT_STORE = "frontline.gpkg"
SCHEMA_VERSION = 1
_APPLICATION_ID = 0x47504B47  # "GPKG"
_GPKG_VERSION = 10200  # GeoPackage 1.2.0
_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4326"]]'
)

# Earlier versions of edited articles: their text's hash, where they came from, what replaced
# them. Their events and mentions are gone from the store; the hash stops a re-ingest of the
# old file from bringing the old version back.
_HISTORY = """CREATE TABLE document_history (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, content_hash TEXT NOT NULL,
  published TEXT, path TEXT, line INTEGER, batch INTEGER NOT NULL, replaced_by TEXT NOT NULL,
  replaced_in_batch INTEGER NOT NULL, replaced TEXT NOT NULL);
CREATE INDEX document_history_hash ON document_history(content_hash);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('document_history', 'attributes', 'document_history',
   'replaced versions of edited articles', NULL)"""

_SCHEMA = f"""
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{_WGS84_WKT}', 'longitude/latitude WGS84');
CREATE TABLE batches (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
  documents INTEGER NOT NULL DEFAULT 0, schema_version INTEGER NOT NULL);
CREATE TABLE documents (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, content_hash TEXT NOT NULL UNIQUE,
  doc_id TEXT NOT NULL, published TEXT, published_source TEXT, path TEXT, line INTEGER,
  url TEXT, outlet TEXT, title TEXT, text TEXT NOT NULL, batch INTEGER NOT NULL);
CREATE INDEX documents_doc_id ON documents(doc_id);
CREATE TABLE mentions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, content_hash TEXT NOT NULL,
  doc_id TEXT NOT NULL, surface TEXT, start_offset INTEGER, end_offset INTEGER,
  place_id TEXT, place_name TEXT, lat DOUBLE, lon DOUBLE, score DOUBLE, fuzzy INTEGER);
CREATE INDEX mentions_hash ON mentions(content_hash);
CREATE TABLE events (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, content_hash TEXT NOT NULL,
  doc_id TEXT NOT NULL, kind TEXT, side TEXT, place TEXT, place_id TEXT, place_name TEXT,
  lat DOUBLE, lon DOUBLE, date TEXT, date_precision TEXT, quote TEXT, start_offset INTEGER,
  end_offset INTEGER, confidence DOUBLE, outlet TEXT, url TEXT, published TEXT,
  claimant TEXT NOT NULL DEFAULT '', evidence TEXT NOT NULL DEFAULT '[]');
CREATE INDEX events_hash ON events(content_hash);
CREATE INDEX events_place ON events(place_id);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('batches', 'attributes', 'batches', 'ingest batches (one transaction each)', NULL),
  ('documents', 'attributes', 'documents', 'articles keyed by normalised-text hash', NULL),
  ('mentions', 'features', 'mentions', 'resolved place mentions', 4326),
  ('events', 'features', 'events', 'control events and activities', 4326);
CREATE TABLE frontline_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
{_HISTORY};
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES
  ('frontline_meta', 'attributes', 'frontline_meta', 'what the store was built with', NULL);
INSERT INTO gpkg_geometry_columns VALUES
  ('mentions', 'geom', 'POINT', 4326, 0, 0), ('events', 'geom', 'POINT', 4326, 0, 0);
"""

# Tables added after the first release, created in older stores when they are opened (cheap:
# under the write lock, once). Columns are added the same way, e.g.
# ("events", "claimant", "TEXT NOT NULL DEFAULT ''").
_MIGRATED_TABLES: tuple[tuple[str, str], ...] = (("document_history", _HISTORY),)
_MIGRATED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("events", "claimant", "TEXT NOT NULL DEFAULT ''"),
    ("events", "evidence", "TEXT NOT NULL DEFAULT '[]'"),
)

_EVENT_COLUMNS = (
    "doc_id, kind, side, place, place_id, place_name, lat, lon, date, date_precision, quote, "
    "start_offset, end_offset, confidence, outlet, url, claimant, evidence"
)


def gpkg_point(lon: float, lat: float, srs_id: int = 4326) -> bytes:
    """A GeoPackage binary point: header (no envelope, little-endian) then WKB, x=lon, y=lat."""
    return b"GP" + struct.pack("<BBi", 0, 0x01, srs_id) + struct.pack("<BIdd", 1, 1, lon, lat)


def parse_gpkg_point(blob: bytes) -> tuple[float, float]:
    """(lon, lat) of a GeoPackage binary point written by :func:`gpkg_point`.

    Raises
    ------
    StoreError
        When the blob is not a little-endian envelope-less GeoPackage point.
    """
    if blob[:2] != b"GP" or len(blob) < 29 or blob[3] != 0x01:
        raise StoreError("not a GeoPackage point written by frontline")
    order, kind, lon, lat = struct.unpack("<BIdd", blob[8:29])
    if order != 1 or kind != 1:
        raise StoreError("not a little-endian WKB point")
    return float(lon), float(lat)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document row: its identity, metadata and the batch that added it."""

    doc_id: str
    content_hash: str
    published: date | None
    published_source: str
    path: str
    url: str
    outlet: str
    title: str
    batch: int


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """The stored version of an article: its text's hash, date and where it was read."""

    doc_id: str
    content_hash: str
    published: date | None
    location: str


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest run did."""

    added: int = 0
    skipped: int = 0
    events: int = 0
    mentions: int = 0
    batches: int = 0


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """An open event store; use as a context manager.

    Parameters
    ----------
    path
        The GeoPackage file; created with the frontline schema when missing.
    create
        Create a missing file (else raise).

    Raises
    ------
    StoreError
        When the file is not a GeoPackage written by frontline, or cannot be opened.
    """

    def __init__(self, path: Path | str = DEFAULT_STORE, *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise StoreError(f"{self.path}: no such store")
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per batch.
            # Another writer holds the lock: wait for its batch rather than fail at once.
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store ({exc})") from None
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            # A rollback journal (not WAL) keeps the store one file between transactions.
            self.conn.execute("PRAGMA journal_mode = DELETE")
            self._ensure_schema()
        except sqlite3.Error as exc:
            self.conn.close()
            raise StoreError(f"{self.path}: cannot open store ({exc})") from None
        except BaseException:
            self.conn.close()
            raise

    def _tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}

    def _current(self, tables: set[str]) -> bool:
        """Whether the schema is complete: nothing to create or migrate."""
        if not {"events", "gpkg_contents"} <= tables:
            return False
        if any(name not in tables for name, _ in _MIGRATED_TABLES):
            return False
        return all(self._has_column(t, c) for t, c, _ in _MIGRATED_COLUMNS)

    def _has_column(self, table: str, column: str) -> bool:
        return any(r[1] == column for r in self.conn.execute(f"PRAGMA table_info({table})"))

    def _ensure_schema(self) -> None:
        """Create the schema in an empty file, or migrate an older store, under the write lock.

        Two processes opening a new store at once both see an empty file; the write lock
        (BEGIN IMMEDIATE) lets one create the schema while the other waits, and the other then
        finds it done. Checking again inside the lock is what makes the race harmless.
        """
        tables = self._tables()
        if self._current(tables):
            return
        if tables and "gpkg_contents" not in tables:
            raise StoreError(f"{self.path}: not a frontline store (tables {sorted(tables)})")
        with self._transaction("create the store schema"):
            tables = self._tables()  # again, now that no one else can write
            if not tables:
                self.conn.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {_GPKG_VERSION}")
                self._run(_SCHEMA)
                log.info("created store %s", self.path)
            elif "events" not in tables:
                raise StoreError(f"{self.path}: not a frontline store (tables {sorted(tables)})")
            else:
                self._migrate(tables)

    def _migrate(self, tables: set[str]) -> None:
        for name, ddl in _MIGRATED_TABLES:
            if name not in tables:
                self._run(ddl)
                log.info("%s: added table %s", self.path, name)
        for table, column, decl in _MIGRATED_COLUMNS:
            if not self._has_column(table, column):
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def _run(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    @contextlib.contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        """One write transaction; any failure rolls it back and leaves the file as it was.

        SQLite errors (a full disk: "database or disk is full", a locked file) become one
        :class:`StoreError` naming the store and the error.
        """
        self._begin()
        try:
            yield
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"{self.path}: cannot {what} ({exc}); nothing was written") from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite may already have rolled back (SQLITE_FULL does): a second ROLLBACK would fail
        # and hide the error that matters.
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the theatre ------------------------------------------------------------------------------
    def theatre(self) -> tuple[str, str] | None:
        """The (id, folder) of the theatre the store was built with; None when none is recorded.

        The folder is "" for a packaged theatre.
        """
        try:
            rows = dict(
                self.conn.execute(
                    "SELECT key, value FROM frontline_meta WHERE key IN ('theatre', 'theatre_dir')"
                ).fetchall()
            )
        except sqlite3.OperationalError:  # a store written before theatres were recorded
            return None
        return (rows["theatre"], rows.get("theatre_dir", "")) if "theatre" in rows else None

    def bind_theatre(self, theatre_id: str, folder: str = "") -> None:
        """Record the theatre the store is built with, or check it is the one recorded.

        Raises
        ------
        StoreError
            When the store was built with another theatre: one store holds one war.
        """
        recorded = self.theatre()
        if recorded is not None:
            if recorded[0] != theatre_id:
                raise StoreError(
                    f"{self.path}: built with theatre {recorded[0]!r}, not {theatre_id!r}; "
                    "one store holds one theatre (use another --store)"
                )
            return
        with self._transaction("record the theatre"):
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS frontline_meta "
                "(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO frontline_meta (key, value) VALUES (?, ?)",
                [("theatre", theatre_id), ("theatre_dir", folder)],
            )

    # -- writing --------------------------------------------------------------------------------
    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: cannot start a write transaction ({exc})") from None

    def has_document(self, content_hash: str) -> bool:
        """Whether a document with this normalised-text hash is stored."""
        row = self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None

    def was_replaced(self, content_hash: str) -> bool:
        """Whether a version with this hash was stored once and replaced by an edit."""
        row = self.conn.execute(
            "SELECT 1 FROM document_history WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None

    def version(self, doc_id: str) -> StoredVersion | None:
        """The stored version of the article ``doc_id`` (its latest), or None."""
        row = self.conn.execute(
            "SELECT content_hash, published, path, line FROM documents WHERE doc_id = ? "
            "ORDER BY fid DESC LIMIT 1",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        published, _ = published_from_iso(row[1])
        where = f"{row[2]}:{row[3]}" if row[3] is not None else str(row[2] or "")
        return StoredVersion(doc_id, row[0], published, where)

    def history(self) -> list[tuple[str, str, str]]:
        """Replaced versions, oldest first: (doc_id, content hash, hash of the replacement)."""
        rows = self.conn.execute(
            "SELECT doc_id, content_hash, replaced_by FROM document_history ORDER BY fid"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def write_batch(
        self,
        items: Sequence[tuple[Document, Sequence[Event], Sequence[Mention]]],
        *,
        on_document: Callable[[Document], None] | None = None,
    ) -> int:
        """Write documents with their events and mentions in ONE transaction.

        Documents already stored (same content hash) are skipped. A document whose id is
        stored with other text is a new version of that article: the old version's row,
        events and mentions are replaced, and its hash goes to ``document_history``.
        ``on_document`` is called inside the transaction after each document is written.

        Returns
        -------
        int
            The number of documents added.

        Raises
        ------
        StoreError
            When SQLite fails (a full disk, a lock held too long); the batch is rolled back.
        """
        added = 0
        with self._transaction("write the batch"):
            batch = self.conn.execute(
                "INSERT INTO batches (started, schema_version) VALUES (?, ?)",
                (_now(), SCHEMA_VERSION),
            ).lastrowid
            assert batch is not None
            for doc, events, mentions in items:
                if self.has_document(doc.content_hash):
                    continue
                self._replace_versions(doc, batch)
                self._insert(doc, events, mentions, batch)
                added += 1
                if on_document is not None:
                    on_document(doc)
            self.conn.execute(
                "UPDATE batches SET finished = ?, documents = ? WHERE fid = ?",
                (_now(), added, batch),
            )
            self._update_extents()
        return added

    def _replace_versions(self, doc: Document, batch: int) -> None:
        """Move other stored versions of ``doc``'s article to the history table."""
        old = self.conn.execute(
            "SELECT fid, content_hash, published, path, line, batch FROM documents "
            "WHERE doc_id = ? AND content_hash != ?",
            (doc.doc_id, doc.content_hash),
        ).fetchall()
        for fid, content_hash, published, path, line, old_batch in old:
            self.conn.execute(
                "INSERT INTO document_history (doc_id, content_hash, published, path, line, "
                "batch, replaced_by, replaced_in_batch, replaced) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    content_hash,
                    published,
                    path,
                    line,
                    old_batch,
                    doc.content_hash,
                    batch,
                    _now(),
                ),
            )
            for table in ("events", "mentions"):
                self.conn.execute(f"DELETE FROM {table} WHERE content_hash = ?", (content_hash,))
            self.conn.execute("DELETE FROM documents WHERE fid = ?", (fid,))
            log.info("%s: replaced the version of %s from %s", self.path, doc.doc_id, path)

    def _insert(
        self, doc: Document, events: Sequence[Event], mentions: Sequence[Mention], batch: int
    ) -> None:
        published = doc.published_iso
        self.conn.execute(
            "INSERT INTO documents (content_hash, doc_id, published, published_source, path, "
            "line, url, outlet, title, text, batch) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.content_hash,
                doc.doc_id,
                published,
                doc.published_source,
                doc.path,
                doc.line,
                doc.url,
                doc.source,
                doc.title,
                doc.text,
                batch,
            ),
        )
        self._insert_events(doc.content_hash, published, events)
        self.conn.executemany(
            "INSERT INTO mentions (geom, content_hash, doc_id, surface, start_offset, "
            "end_offset, place_id, place_name, lat, lon, score, fuzzy) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    gpkg_point(m.place.lon, m.place.lat),
                    doc.content_hash,
                    doc.doc_id,
                    m.text,
                    m.start,
                    m.end,
                    m.place.id,
                    m.place.name,
                    m.place.lat,
                    m.place.lon,
                    m.score,
                    int(m.fuzzy),
                )
                for m in mentions
            ],
        )

    def _insert_events(
        self, content_hash: str, published: str | None, events: Iterable[Event]
    ) -> None:
        self.conn.executemany(
            f"INSERT INTO events (geom, content_hash, published, {_EVENT_COLUMNS}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    gpkg_point(e.lon, e.lat),  # GeoPackage x, y = lon, lat
                    content_hash,
                    published,
                    e.doc_id,
                    e.kind,
                    e.side,
                    e.place,
                    e.place_id,
                    e.place_name,
                    e.lat,
                    e.lon,
                    e.date,
                    e.date_precision,
                    e.quote,
                    e.start,
                    e.end,
                    e.confidence,
                    e.source,
                    e.url,
                    e.claimant,
                    json.dumps(list(e.evidence), ensure_ascii=False),
                )
                for e in events
            ],
        )

    def reextract(self, extractor: EventExtractor, *, max_chars: int = DEFAULT_MAX_CHARS) -> int:
        """Replace the events of every stored document with a fresh extraction (one transaction).

        Documents over ``max_chars`` are extracted in parts, as at ingest.

        Returns
        -------
        int
            The number of events now stored.
        """
        docs = list(self.iter_documents())
        fresh = [(doc, analyse_in_parts(extractor, doc, max_chars)[0]) for doc in docs]
        with self._transaction("replace the events"):
            self.conn.execute("DELETE FROM events")
            for doc, events in fresh:
                self._insert_events(doc.content_hash, doc.published_iso, events)
            self._update_extents()
        return sum(len(e) for _, e in fresh)

    def _update_extents(self) -> None:
        for table in ("events", "mentions"):
            self.conn.execute(
                f"UPDATE gpkg_contents SET (min_x, min_y, max_x, max_y, last_change) = "
                f"(SELECT min(lon), min(lat), max(lon), max(lat), ? FROM {table}) "
                "WHERE table_name = ?",
                (_now(), table),
            )

    # -- reading --------------------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        """Every stored document (without its text), in ingest order."""
        rows = self.conn.execute(
            "SELECT doc_id, content_hash, published, published_source, path, url, outlet, "
            "title, batch FROM documents ORDER BY fid"
        )
        return [
            StoredDocument(
                doc_id=r[0],
                content_hash=r[1],
                published=published_from_iso(r[2])[0],
                published_source=r[3] or "",
                path=r[4] or "",
                url=r[5] or "",
                outlet=r[6] or "",
                title=r[7] or "",
                batch=r[8],
            )
            for r in rows
        ]

    def iter_documents(self) -> Iterator[Document]:
        """The stored documents rebuilt as :class:`~geo.documents.Document`, in ingest order."""
        rows = self.conn.execute(
            "SELECT doc_id, text, published, published_source, path, line, url, outlet, title, "
            "content_hash FROM documents ORDER BY fid"
        ).fetchall()
        for r in rows:
            published, precision = published_from_iso(r[2])
            yield Document(
                doc_id=r[0],
                text=r[1],
                published=published,
                published_precision=precision,
                published_source=r[3] or "",
                path=r[4] or "",
                line=r[5],
                url=r[6] or "",
                source=r[7] or "",
                title=r[8] or "",
                content_hash=r[9],
            )

    def published(self) -> dict[str, date]:
        """Publication date by document id, for documents that have one."""
        rows = self.conn.execute(
            "SELECT doc_id, published FROM documents WHERE published IS NOT NULL ORDER BY fid"
        )
        out: dict[str, date] = {}
        for doc_id, published in rows:
            day, _ = published_from_iso(published)  # a partial date: its last day, the bound
            if day is not None:
                out.setdefault(doc_id, day)
        return out

    def events(
        self,
        *,
        place: str | None = None,
        place_ids: Collection[str] = (),
        start: date | None = None,
        end: date | None = None,
    ) -> list[Event]:
        """Stored events, in ingest order, optionally filtered.

        Parameters
        ----------
        place
            Keep events whose place id, gazetteer name or surface text equals this
            (case-insensitive), or whose place id is in ``place_ids``.
        place_ids
            Place ids a name resolves to in the gazetteer (``Gazetteer.lookup``), so that
            every spelling of a place finds the same events.
        start, end
            Keep events whose date period overlaps ``start``..``end`` (inclusive); events
            without a date are then left out.
        """
        rows = self.conn.execute(f"SELECT {_EVENT_COLUMNS} FROM events ORDER BY fid").fetchall()
        out: list[Event] = []
        key = place.casefold() if place else None
        ids = frozenset(place_ids)
        for r in rows:
            ev = replace(Event(*r[:-1]), evidence=tuple(json.loads(r[-1] or "[]")))
            names = {ev.place_id.casefold(), ev.place_name.casefold(), ev.place.casefold()}
            if (key or ids) and key not in names and ev.place_id not in ids:
                continue
            if (start or end) and not _overlaps(ev.date, start, end):
                continue
            out.append(ev)
        return out

    def count(self, table: str) -> int:
        """Number of rows in one of the store's tables."""
        if table not in ("documents", "events", "mentions", "batches"):
            raise StoreError(f"{self.path}: no table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _overlaps(iso: str, start: date | None, end: date | None) -> bool:
    if not iso:
        return False
    fd = FuzzyDate.parse(iso)
    return (start is None or fd.last >= start) and (end is None or fd.first <= end)


# Documents in, (events, mentions) per document out, in the same order.
Analyser = Callable[[Iterable[Document]], Iterator[tuple[list[Event], list[Mention]]]]
ErrorHandler = Callable[[DocumentError], None]
OnDuplicate = Literal["error", "newer", "keep"]
DUPLICATE_POLICIES: tuple[OnDuplicate, ...] = ("error", "newer", "keep")


class _Admission:
    """Which documents of an ingest run are new, new versions, or left out (and why).

    The same text (by hash) is stored once. An id stored with other text is an edited
    article: its new version replaces the old one, unless ``keep`` says the store keeps its
    version, or the new one is dated before the stored one. The same id twice in one run with
    different texts is ambiguous: an error naming both places, unless ``newer`` (the later
    published, else the later read, wins) or ``keep`` (the first read wins) says what to do.
    """

    def __init__(self, store: Store, policy: OnDuplicate, on_error: ErrorHandler) -> None:
        if policy not in DUPLICATE_POLICIES:
            raise StoreError(f"unknown duplicate policy {policy!r}; use error, newer or keep")
        self.store, self.policy, self.on_error = store, policy, on_error
        self.hashes: set[str] = set()
        self.run: dict[str, StoredVersion] = {}  # doc_id -> version read earlier in this run
        self.skipped = 0

    def admit(self, doc: Document) -> bool:
        """Whether ``doc`` goes to the store (as a new article or a new version)."""
        if doc.content_hash in self.hashes or self.store.has_document(doc.content_hash):
            log.info("%s: already stored (same text), skipped", doc.location)
            return self._skip()
        if self.store.was_replaced(doc.content_hash):
            log.info(
                "%s: an older version of %r, replaced before; skipped", doc.location, doc.doc_id
            )
            return self._skip()
        earlier = self.run.get(doc.doc_id)
        ok = (
            self._twice(doc, earlier)
            if earlier
            else self._edited(doc, self.store.version(doc.doc_id))
        )
        if ok:
            self.hashes.add(doc.content_hash)
            self.run[doc.doc_id] = StoredVersion(
                doc.doc_id, doc.content_hash, doc.published, doc.location
            )
        return ok or self._skip()

    def _skip(self) -> bool:
        self.skipped += 1
        return False

    def _say(self, doc: Document, reason: str, *, kept: bool = True) -> None:
        self.on_error(DocumentError(doc.path, doc.line, reason, kept=kept))

    def _twice(self, doc: Document, earlier: StoredVersion) -> bool:
        what = f"duplicate id {doc.doc_id!r} with different text (first at {earlier.location})"
        if self.policy == "error":
            self._say(doc, f"{what}; skipped (--on-duplicate newer|keep decides)", kept=False)
            return False
        if self.policy == "keep" or _older(doc.published, earlier.published):
            self._say(doc, f"{what}; the first is kept")
            return False
        self._say(doc, f"{what}; this newer version replaces it")
        return True

    def _edited(self, doc: Document, stored: StoredVersion | None) -> bool:
        if stored is None:
            return True
        what = f"{doc.doc_id!r} is stored with other text (from {stored.location})"
        if self.policy == "keep" or _older(doc.published, stored.published):
            self._say(doc, f"{what}; the stored version is kept")
            return False
        self._say(doc, f"{what}: an edited article, its new version replaces the old one")
        return True


def _older(published: date | None, than: date | None) -> bool:
    return published is not None and than is not None and published < than


def ingest(
    store: Store,
    docs: Iterable[Document],
    extractor: EventExtractor,
    *,
    batch_size: int = 100,
    on_document: Callable[[Document], None] | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    analyse: Analyser | None = None,
    on_duplicate: OnDuplicate = "error",
    on_error: ErrorHandler | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> IngestResult:
    """Extract and store new documents, ``batch_size`` documents per transaction.

    Documents already in the store, or repeated in ``docs``, are skipped by content hash; a
    new version of a stored article (same id, other text) replaces it (see ``on_duplicate``).
    Extraction runs before each batch's transaction opens, so the write lock is held briefly.

    Parameters
    ----------
    store
        The open store.
    docs
        The documents, e.g. from :func:`~geo.documents.load_documents` with
        ``unique_ids=False`` (this function then settles duplicate ids).
    extractor
        Finds events and the place mentions they were read from, in one pass
        (:meth:`~geo.extract.EventExtractor.extract_with_mentions`).
    batch_size
        Documents per transaction.
    on_document
        Called inside the transaction after each document is written.
    on_batch
        Called with (batch number, documents added) after each commit.
    analyse
        Maps the new documents, in order, to their (events, mentions), e.g.
        :func:`geo.parallel.analyse_parallel` to extract with several processes; by default
        ``extractor`` does it here. Writing stays in this process: one writer, one transaction
        per batch.
    on_duplicate
        Two texts under one id in ``docs``: ``error`` (report both places, store the first),
        ``newer`` (the later published wins, else the later read) or ``keep`` (the first
        wins). ``keep`` also keeps a stored version rather than replace it by an edit.
    on_error
        Called with a :class:`~geo.exceptions.DocumentError` for each duplicate or edit
        (``kept`` is True when nothing was lost by choice); the default logs a warning.
    max_chars
        Longer documents are extracted in parts (:func:`geo.parallel.analyse_in_parts`).
    """
    if batch_size < 1:
        raise StoreError(f"batch size must be at least 1, not {batch_size}")
    admission = _Admission(store, on_duplicate, on_error or (lambda e: log.warning("%s", e)))
    added = n_events = n_mentions = batches = 0
    pending: list[tuple[Document, Sequence[Event], Sequence[Mention]]] = []

    def flush() -> None:
        nonlocal added, batches
        if pending:
            batches += 1
            n = store.write_batch(pending, on_document=on_document)
            added += n
            if on_batch is not None:
                on_batch(batches, n)
            pending.clear()

    def serial(items: Iterable[Document]) -> Iterator[tuple[list[Event], list[Mention]]]:
        return (analyse_in_parts(extractor, d, max_chars) for d in items)

    mine, theirs = tee(d for d in docs if admission.admit(d))
    for doc, (events, mentions) in zip(mine, (analyse or serial)(theirs), strict=True):
        n_events += len(events)
        n_mentions += len(mentions)
        pending.append((doc, events, mentions))
        if len(pending) >= batch_size:
            flush()
    flush()
    return IngestResult(added, admission.skipped, n_events, n_mentions, batches)
