"""A map's zone pieces kept between builds: adding a day of news recomputes only what changed.

Most of a map's build is geometry: the zones and front line of every period. They depend only on
which places each side holds (and the theatre's land, the zones' reach and who fights whom), so
:class:`PartsCache` keeps the pieces of each such *layout* in a small SQLite file, keyed by the
history's :meth:`~geo.control.ControlHistory.zone_key`. A rebuild after new articles finds every
unchanged period there and computes the new ones.

Pieces are stored on the page's own grid (``grid`` degrees), so a page built from the cache is
the page a build without it writes. A file from another version, or that cannot be read, is
started afresh; the cache is never needed for a correct map.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["PartsCache"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pieces (id INTEGER PRIMARY KEY, digest BLOB UNIQUE, data BLOB);
CREATE TABLE IF NOT EXISTS layouts (key TEXT PRIMARY KEY, cells TEXT, front TEXT);
"""
_VERSION = "1"

Cells = list[tuple[str, BaseGeometry]]


def _encode(geom: BaseGeometry, grid: float) -> bytes:
    """A (multi)polygon or (multi)line as grid steps: a header of part, ring and point counts,
    then delta-encoded int32 coordinates, compressed."""
    polygonal = geom.geom_type in ("Polygon", "MultiPolygon")
    multi = geom.geom_type.startswith("Multi")
    header, chunks = [(1 if polygonal else 0) + (2 if multi else 0)], []
    parts = shapely.get_parts(geom)
    header.append(len(parts))
    for part in parts:
        rings = [part.exterior, *part.interiors] if polygonal else [part]
        header.append(len(rings))
        for ring in rings:
            xy = np.rint(shapely.get_coordinates(ring) / grid).astype(np.int64)
            header.append(len(xy))
            chunks.append(xy)
    xy = np.vstack(chunks) if chunks else np.zeros((0, 2), dtype=np.int64)
    deltas = np.vstack([xy[:1], np.diff(xy, axis=0)]) if len(xy) else xy
    head = np.array(header, dtype=np.int32)
    raw = np.int32(len(head)).tobytes() + head.tobytes() + deltas.astype(np.int32).tobytes()
    return zlib.compress(raw, 6)


def _decode(data: bytes, grid: float) -> BaseGeometry:
    raw = zlib.decompress(data)
    n = int(np.frombuffer(raw[:4], dtype=np.int32)[0])
    head = np.frombuffer(raw[4 : 4 + 4 * n], dtype=np.int32).tolist()
    xy = np.cumsum(np.frombuffer(raw[4 + 4 * n :], dtype=np.int32).reshape(-1, 2), axis=0) * grid
    polygonal, multi, count, at, pos = head[0] & 1, head[0] & 2, head[1], 2, 0
    parts: list[BaseGeometry] = []
    for _ in range(count):
        rings: list[np.ndarray[Any, Any]] = []
        for _ in range(head[at]):
            size = head[at + 1 + len(rings)]
            rings.append(xy[pos : pos + size])
            pos += size
        at += 1 + len(rings)
        parts.append(Polygon(rings[0], rings[1:]) if polygonal else LineString(rings[0]))
    if polygonal:
        return MultiPolygon(parts) if multi else parts[0]
    return MultiLineString(parts) if multi else parts[0]


class PartsCache:
    """Zone pieces by layout, in a SQLite file (see the module docstring).

    Parameters
    ----------
    path
        The cache file (created with its folder).
    grid
        The page's grid, degrees: pieces are stored on it.
    """

    def __init__(self, path: Path | str, *, grid: float) -> None:
        self.path = Path(path)
        self.grid = grid
        self.hits = self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._geoms: dict[int, BaseGeometry] = {}  # piece id -> the one object for it
        self._ids: dict[int, tuple[BaseGeometry, int]] = {}  # id(geometry) -> (it, piece id)

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path)
            try:
                db.executescript(_SCHEMA)
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            except sqlite3.DatabaseError as exc:  # not a cache of ours: start afresh
                log.warning("%s: unreadable map cache (%s); starting a new one", self.path, exc)
                db.close()
                self.path.unlink()
                return self._open()
            wanted = f"{_VERSION}:{self.grid!r}"
            if row is None or row[0] != wanted:
                db.executescript("DELETE FROM pieces; DELETE FROM layouts;")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (wanted,))
            self._db = db
        return self._db

    def _piece(self, pid: int) -> BaseGeometry:
        if pid not in self._geoms:
            row = self._open().execute("SELECT data FROM pieces WHERE id = ?", (pid,)).fetchone()
            self._geoms[pid] = _decode(row[0], self.grid)
        return self._geoms[pid]

    def _store(self, geom: BaseGeometry) -> int:
        known = self._ids.get(id(geom))
        if known is not None and known[0] is geom:
            return known[1]
        data = _encode(geom, self.grid)
        digest = hashlib.sha1(data).digest()
        db = self._open()
        db.execute("INSERT OR IGNORE INTO pieces (digest, data) VALUES (?, ?)", (digest, data))
        pid = int(db.execute("SELECT id FROM pieces WHERE digest = ?", (digest,)).fetchone()[0])
        self._ids[id(geom)] = (geom, pid)
        return pid

    def get(self, key: str) -> tuple[Cells, list[BaseGeometry]] | None:
        """The cells and front stretches of a layout seen before, else None."""
        row = (
            self._open()
            .execute("SELECT cells, front FROM layouts WHERE key = ?", (key,))
            .fetchone()
        )
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        cells = [(side, self._piece(pid)) for side, pid in json.loads(row[0])]
        return cells, [self._piece(pid) for pid in json.loads(row[1])]

    def put(
        self, key: str, cells: Sequence[tuple[str, BaseGeometry]], front: Sequence[BaseGeometry]
    ) -> tuple[Cells, list[BaseGeometry]]:
        """Keep a layout's pieces; returns them (a later :meth:`get` gives the same on the page's
        grid, which is all the page sees of them)."""
        cell_ids = [(side, self._store(g)) for side, g in cells]
        front_ids = [self._store(g) for g in front]
        self._open().execute(
            "INSERT OR REPLACE INTO layouts VALUES (?, ?, ?)",
            (key, json.dumps(cell_ids), json.dumps(front_ids)),
        )
        return list(cells), list(front)

    def close(self) -> None:
        """Write what was added and close the file."""
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None
        log.info("map cache %s: %d layouts reused, %d new", self.path, self.hits, self.misses)

    def __enter__(self) -> PartsCache:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
