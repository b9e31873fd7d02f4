"""Atomic output files (geo._output): a temporary file beside the target, renamed into place;
nothing half-written, and never over a frontline store."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from geo._output import atomic_path, atomic_write_text, is_store, open_atomic
from geo.exceptions import OutputError
from geo.store import Store


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "page.html"
    atomic_write_text(out, "<p>one</p>")
    atomic_write_text(out, "<p>two</p>")
    assert out.read_text(encoding="utf-8") == "<p>two</p>"
    assert _leftovers(out.parent) == []


def test_error_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), open_atomic(out) as fh:
        fh.write("new and half")
        raise RuntimeError("crash mid-write")
    assert out.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


class _FullDisk:
    """A text stream whose writes fail as a full disk does."""

    def __init__(self, real: object) -> None:
        self.real = real

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def test_disk_full_names_the_target_not_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "map.html"
    out.write_text("the old map", encoding="utf-8")
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k)))
    with pytest.raises(OutputError) as info:
        atomic_write_text(out, "<html>" * 1000)
    assert str(info.value) == f"{out}: No space left on device"
    assert isinstance(info.value, OSError) and info.value.filename == str(out)
    assert out.read_text(encoding="utf-8") == "the old map"
    assert _leftovers(tmp_path) == []


def test_a_store_is_never_overwritten_whatever_its_name(tmp_path: Path) -> None:
    store = tmp_path / "looks-like-a-map.html"
    with Store(store):
        pass
    assert is_store(store)
    before = store.read_bytes()
    with pytest.raises(OutputError, match="is a frontline store"):
        atomic_write_text(store, "<html></html>")
    with pytest.raises(OutputError, match="is a frontline store"), atomic_path(store):
        pass
    assert store.read_bytes() == before


def test_other_sqlite_files_are_not_stores(tmp_path: Path) -> None:
    other = tmp_path / "other.gpkg"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE zones (x)")
    assert not is_store(other) and not is_store(tmp_path / "missing.gpkg")
    (tmp_path / "text.gpkg").write_text("not sqlite", encoding="utf-8")
    assert not is_store(tmp_path / "text.gpkg")


def test_copy_existing_starts_from_the_old_content(tmp_path: Path) -> None:
    out = tmp_path / "layers.bin"
    out.write_bytes(b"layer one;")
    with atomic_path(out, copy_existing=True) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".bin"
        with tmp.open("ab") as fh:
            fh.write(b"layer two;")
    assert out.read_bytes() == b"layer one;layer two;"


def test_devices_are_written_in_place(tmp_path: Path) -> None:
    with open_atomic("/dev/null") as fh:
        fh.write("discarded")
    assert Path("/dev/null").exists()


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.csv", "x\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o644


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write_text(tmp_path, "x")
