"""Atomic output files: written beside the target under a temporary name, then renamed.

A reader (a browser, QGIS, a script) sees either the old file or the complete new one, never a
truncated page: a full disk, a crash or a kill during the write leaves the old file as it was.
The same guard refuses to replace a frontline store with anything else (a map, a GeoJSON
file, another GeoPackage): the store is only ever written through :class:`geo.store.Store`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from geo.exceptions import OutputError

__all__ = [
    "atomic_path",
    "atomic_write_text",
    "check_writable",
    "is_store",
    "open_atomic",
]

_SQLITE_MAGIC = b"SQLite format 3\x00"
# A frontline store has these tables; a GeoPackage written by an export does not.
_STORE_TABLES = frozenset({"documents", "batches", "events", "mentions"})


def is_store(path: Path | str) -> bool:
    """Whether ``path`` is an existing frontline store (a GeoPackage with its tables).

    An SQLite file that cannot be read just now (locked by a writer mid-commit, a hot
    journal, damage) counts as a store too: when unsure, never overwrite.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                return False
    except OSError:
        return False
    try:
        # Read-only: looking never creates a journal; it waits a little for a writer's commit.
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    return names >= _STORE_TABLES


def check_writable(path: Path | str) -> Path:
    """The output path, after refusing one that is a frontline store.

    Raises
    ------
    OutputError
        When ``path`` is an existing frontline store (whatever its name or suffix), or a
        directory.
    """
    out = Path(path)
    if out.is_dir():
        raise OutputError(out, "is a directory; give a file name")
    if is_store(out):
        raise OutputError(
            out, "is a frontline store; refusing to overwrite it (choose another output file)"
        )
    return out


def _special(path: Path) -> bool:
    """A device or pipe (``/dev/stdout``, a fifo): written in place, it cannot be renamed."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISBLK(mode)


def _temp_name(path: Path) -> Path:
    # The suffix stays last: GDAL and others pick a format by it.
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: Path | str, *, copy_existing: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    Parameters
    ----------
    path
        The output file; its folder is created when missing.
    copy_existing
        Start from a copy of the existing file (a GeoPackage that gets one more layer).

    Raises
    ------
    OutputError
        When ``path`` is a frontline store, or on any OS error (a full disk, no permission),
        naming ``path``; the old file is then left untouched and the temporary file removed.
    """
    out = check_writable(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(out, exc.strerror or str(exc)) from None
    tmp = _temp_name(out)
    try:
        if copy_existing and out.is_file():
            shutil.copyfile(out, tmp)
        yield tmp
        _fsync(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(out, exc.strerror or str(exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_atomic(path: Path | str) -> Iterator[TextIO]:
    """Open ``path`` for writing text (UTF-8, newlines as written) atomically.

    The file appears under its name only when the ``with`` block ends without an error.
    Devices and pipes (``/dev/stdout``, a fifo) are written in place.

    Raises
    ------
    OutputError
        As :func:`atomic_path`.
    """
    out = Path(path)
    if _special(out):
        try:
            with out.open("w", encoding="utf-8", newline="") as fh:
                yield fh
        except OSError as exc:
            raise OutputError(out, exc.strerror or str(exc)) from None
        return
    with atomic_path(out) as tmp:
        # O_EXCL: never follow a planted link; 0o666 lets the umask decide, as open() does.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`atomic_path`."""
    with open_atomic(path) as fh:
        fh.write(text)
    return Path(path)
