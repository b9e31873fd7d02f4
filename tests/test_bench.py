"""The benchmark's corpus generator and report (fast; no timing is asserted)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.corpus import FIRST_DAY, SPAN_DAYS, Corpus, shift_dates
from bench.measure import run
from bench.report import build_rows, format_table
from geo.documents import load_documents
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.toponyms import PlaceFinder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(seed=7, root=tmp_path_factory.mktemp("corpus"), shard_size=25)


def test_articles_are_deterministic(corpus: Corpus, tmp_path: Path) -> None:
    again = Corpus(seed=7, root=tmp_path, shard_size=25)
    assert again.fingerprint == corpus.fingerprint
    assert [again.article(i) for i in range(30)] == [corpus.article(i) for i in range(30)]
    other = Corpus(seed=8, root=tmp_path, shard_size=25)
    assert other.article(0) != corpus.article(0)


def test_shards_load_as_documents(corpus: Corpus) -> None:
    paths = corpus.ensure(40)
    assert [p.name for p in paths] == ["shard-00000.jsonl", "shard-00001.jsonl"]
    first = paths[0].read_bytes()
    assert corpus.ensure(40) == paths and paths[0].read_bytes() == first  # reused, not rewritten
    docs = list(load_documents(paths))
    assert len(docs) == 50
    assert len({d.doc_id for d in docs}) == 50
    for doc in docs:
        assert doc.published is not None
        assert FIRST_DAY <= doc.published < date.fromordinal(FIRST_DAY.toordinal() + SPAN_DAYS)
        assert doc.published_source == "metadata"
        assert len(doc.text) > 300


def test_articles_name_places_and_actors_of_the_gazetteer(corpus: Corpus) -> None:
    gaz, sides = Gazetteer.load(), Sides.load()
    finder = PlaceFinder(gaz, masks=sides.masks, persons=sides.persons, home_country="LY")
    docs = list(load_documents(corpus.ensure(25)))
    with_places = sum(1 for d in docs if finder.find(d.text))
    with_actors = sum(1 for d in docs if sides.find_actors(d.text))
    assert with_places >= 0.9 * len(docs)
    assert with_actors >= 0.9 * len(docs)
    # Names vary: the corpus is not the seeds over and over.
    names = Counter(m.place.id for d in docs for m in finder.find(d.text))
    assert len(names) > 40


def test_dates_move_with_the_publication_day() -> None:
    # The seeds were published on Saturday 6 June 2020; a copy published on Wednesday 14 August
    # 2019 says "Wednesday" where they said "Saturday", and moves months and years along.
    moved = shift_dates("On Saturday, from Monday, June 8, 2020; since May", date(2019, 8, 14))
    assert moved == "On Wednesday, from Friday, August 8, 2019; since July"
    assert shift_dates("Gaddafi fell in 2011.", date(2019, 8, 14)) == "Gaddafi fell in 2011."


def test_measure_runs_in_process(corpus: Corpus) -> None:
    shards = [str(p) for p in corpus.ensure(5)]
    res = run({"task": "places", "shards": shards, "n": 5})
    assert res["n"] == 5
    assert res["items"] > 0
    assert res["peak_rss_mb"] > 0


def test_main_prints_one_table_and_writes_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    code = main(
        ["--sizes", "8,16", "--only", "places", "--out", str(out), "--corpus-dir", str(tmp_path)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "nproc" in printed and "Python" in printed
    assert printed.count("places (PlaceFinder)") == 2
    data = json.loads(out.read_text())
    assert {m["n"] for m in data["measurements"]} == {8, 16}
    assert data["machine"]["nproc"] >= 1


def test_report_marks_skipped_sizes_and_ratios() -> None:
    def run_(task: str, n: int, rate: float) -> dict[str, object]:
        return {
            "task": task,
            "n": n,
            "docs_per_s": rate,
            "peak_rss_mb": 100.0,
            "wall_s": n / rate,
            "load_s": 0.1,
            "setup_s": 1.0,
            "items": 3,
        }

    results = [
        run_("peer", 1000, 2000.0),
        run_("places", 1000, 500.0),
        run_("extract", 1000, 100.0),
        {"task": "extract", "n": 10000, "skipped": "predicted 500 s > cap 240 s"},
    ]
    rows = build_rows(results, {"map": {"reason": "geo/render.py is not there yet"}})
    table = format_table("header", rows)
    assert "not run" in table and "predicted 500 s" in table
    assert "x0.250" in table  # places / peer
    assert "NOT MET" in table
    assert "not measured" in table


def test_whole_process_rows_compare_with_the_peer(tmp_path: Path) -> None:
    import sys

    from bench import process
    from bench.report import _process_rows

    res = process.run_process([sys.executable, "-c", "pass"], 60.0, tmp_path)
    assert res["wall_s"] > 0 and res["cpu_s"] >= 0 and res["peak_rss_mb"] > 0
    failed = process.run_process([sys.executable, "-c", "raise SystemExit(3)"], 60.0, tmp_path)
    assert failed["error"].startswith("exit 3")
    rows = _process_rows(
        {
            "startup": {"wall_s": 0.3, "cpu_s": 0.2, "peak_rss_mb": 50.0},
            "runs": [
                {"name": "peer", "n": 2000, "wall_s": 4.0, "cpu_s": 3.0, "peak_rss_mb": 140.0},
                {"name": "places", "n": 2000, "wall_s": 2.0, "cpu_s": 1.9, "peak_rss_mb": 90.0},
                {"name": "places", "n": 100000, "skipped": "predicted 900 s"},
            ],
        }
    )
    assert [r.measure for r in rows] == [
        "places start-up (1 article)",
        "peer whole process",
        "places whole process",
        "places whole process",
    ]
    assert "2.0x faster than the peer" in rows[2].note
    assert rows[3].rate == "not run"


def test_the_map_row_builds_a_small_map(tmp_path: Path) -> None:
    from bench.mapbench import build

    res = build({"events": 200, "seed": 7, "html": str(tmp_path / "m.html")})
    assert res["events"] == 200 and res["html_mb"] > 0 and res["build_s"] > 0
    assert (tmp_path / "m.html").read_text(encoding="utf-8").count('id="fl-data"') == 1
    assert "identical to a build without it" in res["rebuild_note"]  # the cache changes nothing


def test_extract_process_rows_carry_the_three_goals() -> None:
    from bench.report import _extract_process_rows

    proc = {
        "n": 2000,
        "runs": [
            {"jobs": 1, "n": 2000, "wall_s": 60.0, "cpu_s": 40.0, "peak_rss_mb": 300.0},
            {"jobs": 2, "n": 2000, "wall_s": 40.0, "cpu_s": 70.0, "peak_rss_mb": 650.0},
        ],
    }
    rows = {r.measure: r for r in _extract_process_rows(proc)}
    assert rows["goal: extract >= 40/s/core"].rate == "MET"  # 2,000 / 40 CPU s = 50
    assert rows["goal: extract peak < 600 MB"].rate == "NOT MET"  # 650 MB
    assert rows["goal: extract jobs=2 >= 1.6x"].rate == "NOT MET"  # 60 / 40 = 1.5
    assert "x1.50" in rows["goal: extract jobs=2 >= 1.6x"].note
    failed = _extract_process_rows({"n": 2000, "runs": [{"jobs": 1, "n": 2000, "error": "x"}]})
    assert [r.rate for r in failed] == ["not run"]
