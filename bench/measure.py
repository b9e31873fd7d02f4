"""One measurement per process: ``python -m bench.measure '<json spec>'`` prints one JSON line.

A fresh interpreter per measurement keeps each peak memory (``ru_maxrss``) its own. Timings are
split into *setup* (loading the gazetteer, building automata, a warm-up call), *load* (reading
and normalising the JSONL documents) and *compute* (the task itself); articles per second are
``n / compute`` for the serial tasks and ``n / wall`` for the parallel ones, whose loading
overlaps their compute.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import resource
import sys
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from geo.documents import Document, load_documents

__all__ = ["TASKS", "TimedIter", "run"]

ROOT = Path(__file__).resolve().parent.parent


class TimedIter:
    """Wraps an iterator and adds up the time spent producing its items."""

    def __init__(self, items: Iterator[Document]) -> None:
        self._items = items
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.count = 0

    def __iter__(self) -> TimedIter:
        return self

    def __next__(self) -> Document:
        t0 = time.perf_counter()
        c0 = time.process_time()
        try:
            item = next(self._items)
        finally:
            self.seconds += time.perf_counter() - t0
            self.cpu_seconds += time.process_time() - c0
        self.count += 1
        return item


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(who).ru_maxrss / 1024.0


def _docs(spec: dict[str, Any]) -> TimedIter:
    return TimedIter(islice(load_documents([Path(p) for p in spec["shards"]]), spec["n"]))


def _finder_setup() -> Callable[[Document], int]:
    from geo.gazetteer import Gazetteer
    from geo.sides import Sides
    from geo.toponyms import PlaceFinder

    gaz, sides = Gazetteer.load(), Sides.load()
    finder = PlaceFinder(gaz, masks=sides.masks, persons=sides.persons, home_country="LY")
    finder.find("Fighting near Tripoli and al-Watiya.")
    return lambda doc: len(finder.find(doc.text))


def _extract_setup() -> Callable[[Document], int]:
    from geo.extract import EventExtractor
    from geo.gazetteer import Gazetteer
    from geo.sides import Sides

    extractor = EventExtractor(Gazetteer.load(), Sides.load())
    extractor.finder.find("Fighting near Tripoli and al-Watiya.")
    extractor.warm_up()  # the parser's model loads in the set-up, not in the first article
    return lambda doc: len(extractor.extract(doc))


def _peer_setup() -> Callable[[Document], int]:
    """spaCy's PhraseMatcher over every gazetteer name: place matching only, no resolution."""
    import spacy
    from spacy.matcher import PhraseMatcher

    from geo.gazetteer import Gazetteer

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    names = sorted({name for place in Gazetteer.load() for name in place.names})
    matcher.add("PLACE", [nlp.make_doc(name) for name in names])
    matcher(nlp.make_doc("Fighting near Tripoli and al-Watiya."))
    return lambda doc: len(matcher(nlp.make_doc(doc.text)))


def _serial(setup: Callable[[], Callable[[Document], int]], spec: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    func = setup()
    setup_s = time.perf_counter() - t0
    rss_setup = _rss_mb()
    docs = _docs(spec)
    items = 0
    t1 = time.perf_counter()
    c1 = time.process_time()
    for doc in docs:
        items += func(doc)
    wall = time.perf_counter() - t1
    # CPU seconds of this process: what one core spent, whatever else the machine runs.
    cpu = time.process_time() - c1 - docs.cpu_seconds
    compute = wall - docs.seconds
    return {
        "cpu_s": cpu,
        "docs_per_cpu_s": docs.count / cpu if cpu > 0 else None,
        "n": docs.count,
        "setup_s": setup_s,
        "wall_s": wall,
        "load_s": docs.seconds,
        "compute_s": compute,
        "docs_per_s": docs.count / compute if compute > 0 else None,
        "rss_setup_mb": rss_setup,
        "peak_rss_mb": _rss_mb(),
        "items": items,
    }


def _places(spec: dict[str, Any]) -> dict[str, Any]:
    return _serial(_finder_setup, spec)


def _extract(spec: dict[str, Any]) -> dict[str, Any]:
    return _serial(_extract_setup, spec)


def _peer(spec: dict[str, Any]) -> dict[str, Any]:
    return _serial(_peer_setup, spec)


def _ingest(spec: dict[str, Any]) -> dict[str, Any]:
    from geo.extract import EventExtractor
    from geo.gazetteer import Gazetteer
    from geo.sides import Sides
    from geo.store import Store, ingest

    t0 = time.perf_counter()
    extractor = EventExtractor(Gazetteer.load(), Sides.load())
    extractor.finder.find("Fighting near Tripoli and al-Watiya.")
    extractor.warm_up()
    setup_s = time.perf_counter() - t0
    rss_setup = _rss_mb()
    path = Path(spec["store"])
    path.unlink(missing_ok=True)
    docs = _docs(spec)
    try:
        with Store(path) as store:
            t1 = time.perf_counter()
            result = ingest(store, docs, extractor, batch_size=spec.get("batch_size", 100))
            wall = time.perf_counter() - t1
        size_mb = path.stat().st_size / 1e6
    finally:
        path.unlink(missing_ok=True)
    compute = wall - docs.seconds
    return {
        "n": docs.count,
        "setup_s": setup_s,
        "wall_s": wall,
        "load_s": docs.seconds,
        "compute_s": compute,
        "docs_per_s": docs.count / compute if compute > 0 else None,
        "rss_setup_mb": rss_setup,
        "peak_rss_mb": _rss_mb(),
        "items": result.events,
        "store_mb": size_mb,
        "added": result.added,
    }


def _parallel(spec: dict[str, Any]) -> dict[str, Any]:
    from geo.parallel import extract_parallel

    docs = _docs(spec)
    items = 0
    t1 = time.perf_counter()
    for events in extract_parallel(
        docs, jobs=spec["jobs"], engine=spec["engine"], scheduler=spec.get("scheduler")
    ):
        items += len(events)
    wall = time.perf_counter() - t1
    return {
        "n": docs.count,
        "setup_s": None,
        "wall_s": wall,
        "load_s": docs.seconds,
        "compute_s": None,
        "docs_per_s": docs.count / wall if wall > 0 else None,
        "rss_setup_mb": None,
        # The main process, and the largest worker that has exited (process pool only).
        "peak_rss_mb": _rss_mb(),
        "worker_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "items": items,
    }


def _profile(spec: dict[str, Any]) -> dict[str, Any]:
    """Where the time of places and extract goes: the heaviest functions by own time."""
    setups = {"places": _finder_setup, "extract": _extract_setup}
    out: dict[str, Any] = {}
    docs = list(_docs(spec))
    for name, setup in setups.items():
        func = setup()
        prof = cProfile.Profile()
        prof.enable()
        for doc in docs:
            func(doc)
        prof.disable()
        stats = pstats.Stats(prof)
        raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
        raw = stats.stats  # type: ignore[attr-defined]
        total = sum(v[2] for v in raw.values())
        rows: list[dict[str, Any]] = []
        for (file, line, func_name), (_cc, nc, tt, ct, _callers) in raw.items():
            where = _short(file, line, func_name)
            rows.append({"where": where, "calls": nc, "own_s": tt, "cum_s": ct})
        rows.sort(key=lambda r: -float(r["own_s"]))
        top_cum = sorted(
            (r for r in rows if str(r["where"]).startswith("geo/")),
            key=lambda r: -float(r["cum_s"]),
        )
        out[name] = {
            "total_s": total,
            "n": len(docs),
            "own": rows[:12],
            "cumulative": top_cum[:12],
        }
    return out


def _short(file: str, line: int, func: str) -> str:
    try:
        rel = Path(file).resolve().relative_to(ROOT)
        return f"{rel}:{line} {func}"
    except ValueError:
        if file == "~":
            return func  # a builtin
        return f"{Path(file).name}:{line} {func}"


def _control(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.controlbench import build

    return build(spec)


def _map(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.mapbench import build

    return build(spec)


def _browser(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.mapbench import browse

    return browse(spec)


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "places": _places,
    "extract": _extract,
    "ingest": _ingest,
    "peer": _peer,
    "parallel": _parallel,
    "profile": _profile,
    "control": _control,
    "map": _map,
    "browser": _browser,
}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the measurement ``spec["task"]`` and return its figures."""
    return TASKS[spec["task"]](spec)


if __name__ == "__main__":
    result = run(json.loads(sys.argv[1]))
    sys.stdout.write("\n" + json.dumps(result) + "\n")
