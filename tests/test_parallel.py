"""Parallel extraction gives exactly the serial results, in input order, on every engine."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from geo.documents import Document, load_documents
from geo.exceptions import GazetteerError, SidesError, TheatreError
from geo.extract import Event, EventExtractor
from geo.gazetteer import Gazetteer
from geo.parallel import (
    analyse_parallel,
    extract_parallel,
    extractor_for,
    map_documents,
    resolve_jobs,
)
from geo.sides import Sides
from geo.theatre import load_theatre

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    seeds = list(load_documents([SEEDS], published=date(2020, 6, 6)))
    assert len(seeds) == 5
    # Twice over, the second time undated: order and per-document dates both matter.
    undated = [
        Document(f"{d.doc_id}-b", d.text, None, "unknown", d.path, source="Anadolu Agency")
        for d in seeds
    ]
    return seeds + undated


@pytest.fixture(scope="module")
def serial(docs: list[Document]) -> list[list[Event]]:
    extractor = EventExtractor(Gazetteer.load(), Sides.load())
    out = [extractor.extract(d) for d in docs]
    assert sum(len(e) for e in out) > 0
    return out


def doc_id(doc: Document) -> str:
    return doc.doc_id


def text_length(scale: int, doc: Document) -> int:
    return scale * len(doc.text)


def fail_on_second(doc: Document) -> str:
    if doc.doc_id.startswith("001"):
        raise RuntimeError(f"cannot read {doc.doc_id}")
    return doc.doc_id


def test_serial_engine_equals_the_extractor(
    docs: list[Document], serial: list[list[Event]]
) -> None:
    assert list(extract_parallel(docs)) == serial


def test_process_pool_equals_serial(docs: list[Document], serial: list[list[Event]]) -> None:
    # chunk=1 spreads the documents over both workers, so order is really at stake.
    assert list(extract_parallel(iter(docs), jobs=2, chunk=1)) == serial


def test_process_pool_keeps_input_order(docs: list[Document]) -> None:
    many = docs * 7
    assert list(map_documents(doc_id, many, jobs=2, chunk=3)) == [d.doc_id for d in many]
    scaled = list(map_documents(functools.partial(text_length, 2), docs, jobs=2, chunk=2))
    assert scaled == [2 * len(d.text) for d in docs]


def test_worker_errors_reach_the_caller(docs: list[Document]) -> None:
    with pytest.raises(RuntimeError, match="cannot read 001"):
        list(map_documents(fail_on_second, docs, jobs=2, chunk=1))


def test_stopping_early_shuts_the_pool_down(docs: list[Document]) -> None:
    results: Iterator[str] = map_documents(doc_id, docs * 10, jobs=2, chunk=1)
    assert next(results) == docs[0].doc_id
    results.close()  # type: ignore[attr-defined]


def test_analyse_returns_events_and_mentions(
    docs: list[Document], serial: list[list[Event]]
) -> None:
    finder = extractor_for().finder
    got = list(analyse_parallel(docs[:3], jobs=2, chunk=1))
    assert [events for events, _ in got] == serial[:3]
    assert [mentions for _, mentions in got] == [finder.find(d.text) for d in docs[:3]]


def test_explicit_data_paths_give_the_same_events(
    docs: list[Document], serial: list[list[Event]]
) -> None:
    data = ROOT / "data"
    got = extract_parallel(
        docs,
        jobs=2,
        gazetteer_path=data / "gazetteer.csv",
        sides_path=str(data / "theatres" / "libya-2019" / "sides.toml"),
    )
    assert list(got) == serial


def test_empty_input_and_bad_arguments(docs: list[Document]) -> None:
    assert list(extract_parallel([], jobs=2)) == []
    with pytest.raises(ValueError, match="chunk"):
        map_documents(doc_id, docs, chunk=0)
    with pytest.raises(ValueError, match="engine"):
        map_documents(doc_id, docs, engine="spark")  # type: ignore[arg-type]
    assert resolve_jobs(0) >= 1


def test_a_missing_data_file_fails_in_the_caller(docs: list[Document], tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="no such file"):
        extract_parallel(docs, jobs=2, gazetteer_path=tmp_path / "missing.csv")
    with pytest.raises(SidesError, match="no such file"):
        extract_parallel(docs, jobs=2, sides_path=tmp_path / "missing.toml")


def test_dask_local_cluster_equals_serial(docs: list[Document], serial: list[list[Event]]) -> None:
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.bag")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        by_client = list(extract_parallel(docs, engine="dask", scheduler=client, chunk=2))
        by_address = list(
            extract_parallel(docs, engine="dask", scheduler=cluster.scheduler_address, chunk=3)
        )
    assert by_client == serial
    assert by_address == serial


def test_dask_local_scheduler_equals_serial(
    docs: list[Document], serial: list[list[Event]]
) -> None:
    pytest.importorskip("dask.bag")
    assert list(extract_parallel(docs, engine="dask", scheduler="sync", chunk=4)) == serial


def test_cli_jobs_give_the_serial_output(tmp_path: Path) -> None:
    """`frontline extract -j 2` and `frontline ingest -j 2` equal their serial runs."""
    from click.testing import CliRunner

    from geo.cli import main

    seeds = str(Path(__file__).parent.parent / "seeds")
    runner = CliRunner()
    serial = runner.invoke(main, ["-q", "extract", seeds, "--published", "2020-06-06"])
    pooled = runner.invoke(main, ["-q", "extract", seeds, "--published", "2020-06-06", "-j", "2"])
    assert serial.exit_code == pooled.exit_code == 0
    assert serial.stdout and serial.stdout == pooled.stdout
    dumps = []
    for jobs in ("1", "2"):
        store = tmp_path / f"s{jobs}.gpkg"
        res = runner.invoke(
            main,
            ["-q", "ingest", seeds, "--published", "2020-06-06", "--store", str(store), "-j", jobs],
        )
        assert res.exit_code == 0, res.output
        listed = runner.invoke(main, ["events", "--store", str(store), "--format", "jsonl"])
        dumps.append(listed.stdout)
    assert dumps[0] and dumps[0] == dumps[1]


def test_workers_use_the_theatre_they_are_given(docs: list[Document]) -> None:
    theatre = load_theatre("libya-2011")
    extractor = EventExtractor(Gazetteer.load(theatre.gazetteer_path), theatre.sides)
    expected = [extractor.extract(d) for d in docs[:3]]
    got = list(extract_parallel(docs[:3], jobs=2, chunk=1, theatre_path="libya-2011"))
    assert got == expected
    assert {e.side for events in got for e in events} <= set(theatre.sides.ids) | {"NATO"}
    with pytest.raises(TheatreError, match="no such theatre"):
        extract_parallel(docs, jobs=2, theatre_path="nowhere-1900")


# -- issue 14: long documents in parts, workers that die with their parent ------------------------
def test_a_long_document_is_extracted_in_parts_with_a_note(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from geo.parallel import analyse_in_parts

    extractor = EventExtractor(Gazetteer.load(), Sides.load())
    paragraphs = [
        "GNA forces seized Sirte on Friday, residents said.",
        "LNA forces withdrew from Gharyan on Monday.",
        "Fighting was reported in Tarhuna on Tuesday.",
        "The weather stayed hot and the markets stayed open through the afternoon. " * 8,
    ]
    text = "\n\n".join(paragraphs * 6)
    doc = Document("long", text, date(2020, 6, 6), "cli", "long.txt")
    whole_events, whole_mentions = extractor.extract_with_mentions(doc)
    with caplog.at_level("WARNING", logger="geo.parallel"):
        events, mentions = analyse_in_parts(extractor, doc, max_chars=1000)
    assert "long.txt: 4" in caplog.text
    assert "over the cap of 1000: extracted in" in caplog.text
    key = [(e.kind, e.side, e.place_id) for e in events]
    assert key == [(e.kind, e.side, e.place_id) for e in whole_events] and len(set(key)) == len(key)
    assert all(text[e.start : e.end] == e.quote and e.doc_id == "long" for e in events)
    assert [(m.start, m.end, m.place.id) for m in mentions] == [
        (m.start, m.end, m.place.id) for m in whole_mentions
    ]
    caplog.clear()
    assert analyse_in_parts(extractor, doc, max_chars=len(text)) == (whole_events, whole_mentions)
    assert caplog.text == ""


_ORPHAN_SCRIPT = """
import os, sys, time
from geo.parallel import map_documents
from geo.documents import Document

def pid(doc):
    time.sleep(0.2)
    return os.getpid()

docs = [Document(str(i), "x", None, "", "") for i in range(8)]
results = map_documents(pid, docs, jobs=2, chunk=1)
seen = {next(results), next(results), next(results)}
print(" ".join(map(str, sorted(seen))), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_pool_workers_die_when_the_parent_is_killed(tmp_path: Path) -> None:
    """Issue 14 #11: kill -9 of a parallel run left its worker processes behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "orphans.py"
    script.write_text(_ORPHAN_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # A guard against a hung test (the kernel signals at once), not a timing assertion.
        deadline = time.monotonic() + 60
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), workers
    finally:
        proc.kill()
        for p in workers if "workers" in locals() else []:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
