"""Tests of geo.store and the ``ingest`` / ``events`` commands: a GeoPackage event store with
idempotent, one-transaction-per-batch ingest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.cli.events import command as events_command
from geo.cli.ingest import HANG_ENV
from geo.cli.ingest import command as ingest_command
from geo.documents import Document, load_documents
from geo.exceptions import StoreError
from geo.extract import EventExtractor
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.store import IngestResult, Store, gpkg_point, ingest, parse_gpkg_point

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
PUB = date(2020, 6, 6)


@pytest.fixture(scope="module")
def extractor() -> EventExtractor:
    return EventExtractor(Gazetteer.load(), Sides.load())


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory, extractor: EventExtractor) -> Path:
    path = tmp_path_factory.mktemp("store") / "frontline.gpkg"
    with Store(path) as store:
        ingest(store, load_documents([SEEDS], published=PUB), extractor, batch_size=2)
    return path


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_store_is_a_geopackage_pyogrio_lists(seed_store: Path) -> None:
    layers = dict(pyogrio.list_layers(seed_store))
    assert layers["events"] == "Point" and layers["mentions"] == "Point"
    assert {"documents", "batches"} <= set(layers)
    events = pyogrio.read_dataframe(seed_store, layer="events")
    assert events.crs.to_epsg() == 4326 and len(events) > 0
    first = events.iloc[0]
    assert (first.geometry.x, first.geometry.y) == pytest.approx((first["lon"], first["lat"]))
    with sqlite3.connect(seed_store) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        srs = {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
        assert {-1, 0, 4326} <= srs
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@settings(deadline=None)  # no timing asserts: a busy machine is not a failure
@given(st.floats(-180, 180), st.floats(-90, 90))
def test_gpkg_point_round_trips_lon_lat(lon: float, lat: float) -> None:
    assert parse_gpkg_point(gpkg_point(lon, lat)) == (lon, lat)


def test_seeds_stored_with_publication_dates(seed_store: Path) -> None:
    with Store(seed_store, create=False) as store:
        docs = store.documents()
        assert len(docs) == 5 and {d.published for d in docs} == {PUB}
        assert [d.batch for d in docs] == [1, 1, 2, 2, 3]  # two documents per transaction
        assert set(store.published().values()) == {PUB}
        assert store.count("events") == len(store.events()) > 0
        assert store.count("mentions") > 0


def test_ingesting_twice_changes_nothing(
    tmp_path: Path, seed_store: Path, extractor: EventExtractor
) -> None:
    path = tmp_path / "again.gpkg"
    shutil.copy(seed_store, path)
    before = dump(path)
    with Store(path) as store:
        result = ingest(store, load_documents([SEEDS], published=PUB), extractor)
    assert (result.added, result.skipped, result.batches) == (0, 5, 0)
    assert dump(path) == before


def test_renamed_article_adds_nothing(
    tmp_path: Path, seed_store: Path, extractor: EventExtractor
) -> None:
    path = tmp_path / "renamed.gpkg"
    shutil.copy(seed_store, path)
    copy = tmp_path / "a_new_name.txt"
    copy.write_bytes(next(SEEDS.glob("003_*.txt")).read_bytes())
    with Store(path) as store:
        result = ingest(store, load_documents([copy], published=PUB), extractor)
        assert (result.added, result.skipped) == (0, 1)
        assert store.count("documents") == 5


def test_failed_batch_leaves_store_as_before(
    tmp_path: Path, seed_store: Path, extractor: EventExtractor
) -> None:
    path = tmp_path / "fail.gpkg"
    docs = list(load_documents([SEEDS], published=PUB))
    with Store(path) as store:
        ingest(store, docs[:2], extractor)
    before = dump(path)

    def explode(doc: Document) -> None:
        if doc.doc_id == docs[3].doc_id:
            raise RuntimeError("disk on fire")

    with Store(path) as store, pytest.raises(RuntimeError):
        ingest(store, docs, extractor, batch_size=10, on_document=explode)
    assert dump(path) == before


def test_kill_mid_batch_keeps_earlier_batch(tmp_path: Path) -> None:
    path = tmp_path / "killed.gpkg"
    env = {**os.environ, HANG_ENV: "2"}
    args = [str(SEEDS), "--store", str(path), "--published", "2020-06-06", "--batch-size", "2"]
    code = "from geo.cli.ingest import command; command()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    seen: list[str] = []
    hanging = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("hanging in batch 2"):
                hanging.set()
                return

    threading.Thread(target=watch, daemon=True).start()
    try:
        # A guard against a hung test, not a timing assertion.
        assert hanging.wait(timeout=300), "".join(seen)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert any("committed batch 1" in line for line in seen)
    with Store(path, create=False) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.count("documents") == 2 and store.count("batches") == 1
        assert {e.doc_id for e in store.events()} <= {d.doc_id for d in store.documents()}
    assert "events" in dict(pyogrio.list_layers(path))
    result = CliRunner().invoke(ingest_command, args)
    assert result.exit_code == 0, result.output
    assert "added 3 document(s)" in result.output
    assert not Path(f"{path}-journal").exists()  # one file again after a clean commit


def test_reextract_replaces_events_without_duplicates(
    tmp_path: Path, seed_store: Path, extractor: EventExtractor
) -> None:
    path = tmp_path / "re.gpkg"
    shutil.copy(seed_store, path)
    with Store(path) as store:
        before = sorted(e.to_record().items() for e in store.events())
        assert store.reextract(extractor) == len(before)
        assert sorted(e.to_record().items() for e in store.events()) == before


def test_locked_store_is_a_store_error(tmp_path: Path, seed_store: Path) -> None:
    path = tmp_path / "locked.gpkg"
    shutil.copy(seed_store, path)
    with Store(path) as holder, Store(path) as other:
        holder.conn.execute("BEGIN IMMEDIATE")
        other.conn.execute("PRAGMA busy_timeout = 0")
        with pytest.raises(StoreError, match="cannot start a write transaction"):
            other.write_batch([])
        holder.conn.execute("ROLLBACK")


def test_events_filters(seed_store: Path) -> None:
    with Store(seed_store, create=False) as store:
        tarhuna = store.events(place="tarhuna")
        assert tarhuna and {e.place_name for e in tarhuna} == {"Tarhuna"}
        assert store.events(place=tarhuna[0].place_id) == tarhuna
        june5 = store.events(start=date(2020, 6, 5), end=date(2020, 6, 5))
        assert june5 and all(e.date[:7] in ("2020-06", "2020") for e in june5)
        assert not any(e.date == "2020-06-06" for e in june5)
        assert store.events(start=date(2021, 1, 1)) == []


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE stuff (x)")
    with pytest.raises(StoreError, match="not a frontline store"):
        Store(path)
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.gpkg", create=False)


def test_events_command_formats(seed_store: Path) -> None:
    runner = CliRunner()
    base = ["--store", str(seed_store), "--place", "Tarhuna"]
    table = runner.invoke(events_command, base)
    assert table.exit_code == 0 and "Tarhuna" in table.output
    lines = runner.invoke(events_command, [*base, "--format", "jsonl"]).output.splitlines()
    assert lines and all(json.loads(line)["place_name"] == "Tarhuna" for line in lines)
    csv_out = runner.invoke(events_command, [*base, "--format", "csv"]).output.splitlines()
    assert csv_out[0].startswith("doc_id,kind,side") and len(csv_out) == len(lines) + 1
    missing = runner.invoke(events_command, ["--store", str(seed_store) + ".nope"])
    assert missing.exit_code != 0 and "no such store" in missing.output


def test_ingest_of_only_bad_inputs_fails_and_creates_no_store(tmp_path: Path) -> None:
    """Issue 14 #5: every input failed, yet ingest exited 0 with an empty store."""
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text("{broken\n", encoding="utf-8")
    store = tmp_path / "s.gpkg"
    result = CliRunner().invoke(ingest_command, [str(tmp_path), "--store", str(store)])
    assert result.exit_code == 1
    assert "nothing to ingest: every input failed" in result.output
    assert "empty.txt" in result.output and "bad.jsonl:1" in result.output
    assert not store.exists()
    nothing = CliRunner().invoke(ingest_command, [str(tmp_path / "none"), "--store", str(store)])
    assert nothing.exit_code == 1 and not store.exists()


def test_rerun_of_stored_documents_still_succeeds(seed_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "again.gpkg"
    shutil.copy(seed_store, path)
    result = CliRunner().invoke(
        ingest_command, [str(SEEDS), "--store", str(path), "--published", "2020-06-06"]
    )
    assert result.exit_code == 0 and "skipped 5 already stored" in result.output


def test_place_filter_accepts_any_spelling_the_gazetteer_knows(seed_store: Path) -> None:
    runner = CliRunner()
    counts = {}
    for name in ("Tarhuna", "Tarhouna", "tarhuna", "TARHUNAH"):
        res = runner.invoke(events_command, ["--store", str(seed_store), "--place", name])
        assert res.exit_code == 0, res.output
        counts[name] = res.output.splitlines()[-1]
    assert len(set(counts.values())) == 1 and counts["Tarhuna"] != "0 event(s)", counts


def test_the_store_records_one_theatre(tmp_path: Path) -> None:
    path = tmp_path / "t.gpkg"
    with Store(path) as store:
        assert store.theatre() is None
        store.bind_theatre("war-a", "/somewhere/war-a")
        store.bind_theatre("war-a", "/elsewhere")  # the same war: nothing changes
        assert store.theatre() == ("war-a", "/somewhere/war-a")
        with pytest.raises(StoreError, match="built with theatre 'war-a', not 'war-b'"):
            store.bind_theatre("war-b")
    assert "frontline_meta" in {name for name, _ in pyogrio.list_layers(path)}


def test_a_store_from_before_theatres_takes_one(tmp_path: Path) -> None:
    path = tmp_path / "old.gpkg"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'frontline_meta'")
    conn.execute("DROP TABLE frontline_meta")
    conn.commit()
    conn.close()
    with Store(path, create=False) as store:
        assert store.theatre() is None
        store.bind_theatre("war-a")
        assert store.theatre() == ("war-a", "")


# -- issue 14: edited articles, duplicate ids, races, a full disk ---------------------------------
def _feed(path: Path, *records: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _ingest(store_path: Path, *paths: Path, **kw: object) -> tuple[IngestResult, list[str]]:
    said: list[str] = []
    docs = load_documents(list(paths), unique_ids=False, on_error=lambda e: said.append(str(e)))
    with Store(store_path) as store:
        result = ingest(
            store,
            docs,
            EventExtractor(Gazetteer.load(), Sides.load()),
            on_error=lambda e: said.append(str(e)),
            **kw,  # type: ignore[arg-type]
        )
    return result, said


OLD = {"id": "a1", "text": "GNA forces seized Sirte on Friday.", "published": "2020-06-06"}
NEW = {"id": "a1", "text": "LNA forces seized Sirte on Friday.", "published": "2020-06-07"}


def test_an_edited_article_replaces_its_old_version(tmp_path: Path) -> None:
    """Issue 14 #8: a re-ingested edit kept both versions, so the article contradicted itself."""
    path = tmp_path / "s.gpkg"
    _ingest(path, _feed(tmp_path / "v1.jsonl", OLD))
    (tmp_path / "v1.jsonl").unlink()
    result, said = _ingest(path, _feed(tmp_path / "v2.jsonl", NEW))
    assert result.added == 1 and any("edited article" in s for s in said)
    with Store(path, create=False) as store:
        assert [d.doc_id for d in store.documents()] == ["a1"]
        assert {e.side for e in store.events()} == {"LNA"}
        old_hash = Document("a1", OLD["text"], None, "", "").content_hash
        assert store.history() == [("a1", old_hash, store.documents()[0].content_hash)]
        assert store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
        orphans = (
            "SELECT count(*) FROM mentions "
            "WHERE content_hash NOT IN (SELECT content_hash FROM documents)"
        )
        assert store.conn.execute(orphans).fetchone()[0] == 0
    # The old file again: a known old version, not a new edit.
    again, _ = _ingest(path, _feed(tmp_path / "v1.jsonl", OLD))
    assert (again.added, again.skipped) == (0, 1)
    with Store(path, create=False) as store:
        assert {e.side for e in store.events()} == {"LNA"}


def test_keep_keeps_the_stored_version_and_older_edits_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    _ingest(path, _feed(tmp_path / "v2.jsonl", NEW))
    kept, said = _ingest(path, _feed(tmp_path / "v1.jsonl", OLD))  # dated before the stored one
    assert kept.added == 0 and "the stored version is kept" in said[-1]
    edit = {**NEW, "text": "LNA forces seized Sirte on Saturday.", "published": "2020-06-08"}
    kept, said = _ingest(path, _feed(tmp_path / "v3.jsonl", edit), on_duplicate="keep")
    assert kept.added == 0 and "the stored version is kept" in said[-1]
    with Store(path, create=False) as store:
        assert [d.path for d in store.documents()] == [str(tmp_path / "v2.jsonl")]


@pytest.mark.parametrize(
    ("policy", "stored_side", "message"),
    [
        ("error", "GNA", "skipped (--on-duplicate newer|keep decides)"),
        ("keep", "GNA", "the first is kept"),
        ("newer", "LNA", "this newer version replaces it"),
    ],
)
def test_duplicate_ids_in_one_run(
    tmp_path: Path, policy: str, stored_side: str, message: str
) -> None:
    feed = _feed(tmp_path / "feed.jsonl", OLD, NEW)
    _, said = _ingest(tmp_path / "s.gpkg", feed, on_duplicate=policy)
    assert len(said) == 1 and "feed.jsonl:2: duplicate id 'a1'" in said[0]
    assert f"(first at {feed}:1)" in said[0] and message in said[0]
    with Store(tmp_path / "s.gpkg", create=False) as store:
        assert store.count("documents") == 1
        assert {e.side for e in store.events()} == {stored_side}


def test_newer_goes_by_publication_date_not_order(tmp_path: Path) -> None:
    feed = _feed(tmp_path / "feed.jsonl", NEW, OLD)  # the newer one first
    _, said = _ingest(tmp_path / "s.gpkg", feed, on_duplicate="newer")
    assert "the first is kept" in said[0]
    with Store(tmp_path / "s.gpkg", create=False) as store:
        assert {e.side for e in store.events()} == {"LNA"}


def test_a_store_from_before_the_history_table_is_migrated(
    tmp_path: Path, seed_store: Path
) -> None:
    path = tmp_path / "old.gpkg"
    shutil.copy(seed_store, path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE document_history")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'document_history'")
    with Store(path, create=False) as store:
        assert store.history() == [] and store.count("documents") == 5
    assert "document_history" in dict(pyogrio.list_layers(path))


def _open_new_store(path: str) -> str:
    try:
        with Store(path) as store:
            return str(store.count("documents"))
    except Exception as exc:  # reported to the parent, which asserts on it
        return f"{type(exc).__name__}: {exc}"


def test_concurrent_first_opens_of_a_new_store_do_not_race(tmp_path: Path) -> None:
    """Issue 14 #15: two processes creating one store failed ("table ... already exists")."""
    import multiprocessing

    paths = [str(tmp_path / f"s{i}.gpkg") for i in range(25)]
    with multiprocessing.get_context("fork").Pool(4) as pool:
        outcomes = pool.map(_open_new_store, [p for p in paths for _ in range(4)])
    assert set(outcomes) == {"0"}, sorted(set(outcomes))
    for p in paths:
        with sqlite3.connect(p) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            n = conn.execute("SELECT count(*) FROM gpkg_spatial_ref_sys").fetchone()[0]
            assert n == 3


def test_a_full_disk_is_one_store_error_and_the_batch_is_rolled_back(
    tmp_path: Path, seed_store: Path, extractor: EventExtractor
) -> None:
    """Issue 14 #10: a traceback whose last line hid "database or disk is full"."""
    path = tmp_path / "full.gpkg"
    docs = list(load_documents([SEEDS], published=PUB))
    with Store(path) as store:
        ingest(store, docs[:1], extractor)
    before = dump(path)
    with Store(path) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # no room for the batch
        with pytest.raises(StoreError) as info:
            ingest(store, docs, extractor, batch_size=10)
    message = str(info.value)
    assert message.startswith(f"{path}: cannot write the batch (database or disk is full)")
    assert "nothing was written" in message
    assert dump(path) == before


def test_an_older_store_gets_the_claimant_and_evidence_columns(
    tmp_path: Path, extractor: EventExtractor
) -> None:
    path = tmp_path / "old.gpkg"
    with Store(path):
        pass
    conn = sqlite3.connect(path)  # a store written before the columns existed
    conn.execute("ALTER TABLE events DROP COLUMN claimant")
    conn.execute("ALTER TABLE events DROP COLUMN evidence")
    conn.commit()
    conn.close()
    text = "The LNA said it captured Sirte on Friday. LNA units were in full control of Sirte."
    doc = Document("d", text, date(2020, 6, 6), "cli", "x")
    with Store(path) as store:
        ingest(store, [doc], extractor)
        events = [e for e in store.events() if e.kind == "capture"]
    assert [(e.side, e.claimant) for e in events] == [("LNA", "LNA")]
    assert len(events[0].evidence) == 1
