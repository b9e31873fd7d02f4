"""``python -m bench``: speed and memory of frontline on a synthetic corpus, beside spaCy.

Measures articles per second and peak memory of place finding, event extraction and store
ingest at several corpus sizes (each in its own process), spaCy's ``PhraseMatcher`` over the
same gazetteer names as the peer, parallel extraction (process pool and dask), where the time
goes (cProfile), the control history of 10,000 places over 1,000 change dates, the map build
for 10,000 events over two years, and how long the map takes to
open and to step its slider in headless Chromium. Prints one table and writes
``bench/out/results.json``.

Sizes run smallest first; a larger size of a task runs only when the throughput measured at the
smaller one predicts it fits the per-measurement cap and the overall budget, so the default run
stays under 15 minutes on 2 cores. Examples::

    python -m bench                          # 1k, 10k, 100k where they fit
    python -m bench --sizes 1000,10000 --cap 900 --budget 3000
    python -m bench --sizes 1000 --only places,peer
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import corpus as corpus_mod
from bench.report import Row, build_rows, format_table

OUT = Path(__file__).resolve().parent / "out"
SERIAL_TASKS = ("peer", "places", "extract", "ingest")
ALL_TASKS = (
    *SERIAL_TASKS,
    *("parallel", "dask", "process", "extract-process", "profile", "control", "map", "browser"),
)


def machine() -> dict[str, Any]:
    """The machine the figures were taken on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    return {
        "nproc": usable,
        "cpu": model or "unknown",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        # Other work on the machine skews every figure: the load when the run started.
        "loadavg_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def _child(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its figures, or an ``error``."""
    try:
        res = subprocess.run(
            [sys.executable, "-m", "bench.measure", json.dumps(spec)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = res.stdout.strip().splitlines()
    if res.returncode != 0 or not lines:
        tail = (res.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {res.returncode}: {tail}"}
    out: dict[str, Any] = json.loads(lines[-1])
    return out


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    p.add_argument("--only", default=",".join(ALL_TASKS), help="measurements to run")
    p.add_argument("--seed", type=int, default=2020, help="corpus generator seed")
    p.add_argument("--jobs", type=int, default=0, help="workers for parallel rows (0: nproc)")
    p.add_argument("--cap", type=float, default=360.0, help="max predicted s per measurement")
    p.add_argument("--budget", type=float, default=840.0, help="max s for the whole run")
    p.add_argument("--events", type=int, default=10_000, help="events on the benchmark map")
    p.add_argument("--profile-docs", type=int, default=100, help="articles to profile")
    p.add_argument("--control", default="10000,1000", help="control history: places,change dates")
    p.add_argument("--out", type=Path, default=OUT / "results.json")
    p.add_argument("--corpus-dir", type=Path, default=None, help="default: bench/out/corpus")
    return p.parse_args(argv)


class Runner:
    """Runs measurements within a time budget and keeps their figures."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.t0 = time.perf_counter()
        self.sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s})
        self.only = {t.strip() for t in args.only.split(",") if t.strip()}
        unknown = self.only - set(ALL_TASKS)
        if unknown:
            raise SystemExit(f"unknown measurement(s) {sorted(unknown)}; choose from {ALL_TASKS}")
        self.jobs = args.jobs if args.jobs > 0 else machine()["nproc"]
        self.results: list[dict[str, Any]] = []
        self.corpus: corpus_mod.Corpus | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def remaining(self) -> float:
        return float(self.args.budget) - self.elapsed()

    def log(self, msg: str) -> None:
        print(f"[{self.elapsed():6.0f} s] {msg}", file=sys.stderr, flush=True)

    def shards(self, n: int) -> list[str]:
        if self.corpus is None:
            self.corpus = corpus_mod.Corpus(seed=self.args.seed, root=self.args.corpus_dir)
        t = time.perf_counter()
        paths = self.corpus.ensure(n)
        if time.perf_counter() - t > 1:
            self.log(f"wrote corpus of {n:,} articles in {time.perf_counter() - t:.0f} s")
        return [str(p) for p in paths]

    def predict(self, task: str, n: int) -> float | None:
        """Seconds a measurement should take, from the largest smaller run of the same task."""
        done = [
            r
            for r in self.results
            if r["task"] == task
            and r.get("wall_s")
            and not r.get("error")
            and not r.get("skipped")
            and r["n"] < n
        ]
        if not done:
            return None
        last = max(done, key=lambda r: r["n"])
        per_doc = float(last["wall_s"]) / int(last["n"])
        gen = 0.0
        if self.corpus is None or not self.corpus.shard_path((n - 1) // SHARD).exists():
            gen = n * 0.0004  # writing the corpus, about 0.3 ms an article
        return float(last.get("setup_s") or 0.0) + 1.15 * per_doc * n + gen + 2.0

    def skip(self, task: str, n: int, why: str, **extra: Any) -> None:
        self.log(f"skip {task} {n:,}: {why}")
        self.results.append({"task": task, "n": n, "skipped": why, **extra})

    def measure(self, task: str, n: int, **spec: Any) -> dict[str, Any] | None:
        """Run ``task`` on ``n`` articles if it fits the budget."""
        predicted = self.predict(spec.get("series", task), n)
        if predicted is not None:
            if predicted > self.args.cap:
                self.skip(task, n, f"predicted {predicted:.0f} s > cap {self.args.cap:.0f} s")
                return None
            if predicted > self.remaining():
                self.skip(task, n, f"predicted {predicted:.0f} s > budget left")
                return None
        self.log(f"{task} on {n:,} articles" + (f" (~{predicted:.0f} s)" if predicted else ""))
        full = {"task": spec.pop("child", task), "shards": self.shards(n), "n": n, **spec}
        if full["task"] == "ingest":
            OUT.mkdir(parents=True, exist_ok=True)
            full["store"] = str(OUT / f"bench-ingest-{os.getpid()}.gpkg")
        timeout = max(self.remaining(), 60.0)
        res = _child(full, timeout)
        res.update(task=task, n=res.get("n", n))
        for key in ("series", "jobs", "engine", "scheduler"):
            if key in spec:
                res[key] = spec[key]
        if "error" in res:
            self.log(f"  {task}: {res['error']}")
        else:
            self.log(f"  {res['docs_per_s']:.0f} articles/s, peak {res['peak_rss_mb']:.0f} MB")
        self.results.append(res)
        return res


SHARD = corpus_mod.SHARD_SIZE
PROCESS_SIZES = (2000, 100_000)


def _processes(run: Runner) -> dict[str, Any]:
    """``frontline places`` and the peer as whole processes on the same files, and the
    start-up alone; each size only while it fits the cap (the peer goes first)."""
    from bench import process

    root = Path(__file__).resolve().parent.parent
    out: dict[str, Any] = {"runs": []}
    start = process.run_process(
        process.places_command([str(process.startup_file(OUT))]), 120.0, root
    )
    out["startup"] = start
    run.log(f"places start-up: {start.get('wall_s', 0):.2f} s wall")
    # 2,000 articles (the size), and the larger sizes of the run (100,000 by default).
    sizes = sorted({PROCESS_SIZES[0], *(s for s in run.sizes if s >= 10_000)})
    for n in sizes:
        shards = run.shards(n)
        if n > 2000 and len(shards) * SHARD > n:
            continue
        for name, cmd in (
            ("peer", process.peer_command(shards)),
            ("places", process.places_command(shards)),
        ):
            done = [r for r in out["runs"] if r["name"] == name and "wall_s" in r]
            guess = done[-1]["wall_s"] / done[-1]["n"] * n * 1.2 if done else None
            if guess is not None and (guess > run.args.cap or guess > run.remaining()):
                out["runs"].append({"name": name, "n": n, "skipped": f"predicted {guess:.0f} s"})
                continue
            run.log(f"{name} whole process on {n:,} articles")
            res = process.run_process(cmd, max(run.remaining(), 60.0), root)
            out["runs"].append({"name": name, "n": n, **res})
    return out


EXTRACT_PROCESS_SIZE = 2000


def _extract_processes(run: Runner) -> dict[str, Any]:
    """``frontline extract`` as a whole process on 2,000 articles (the extractor issue's size),
    serial and with ``--jobs`` workers: articles per CPU second on one core, peak memory, and
    the speed-up of the workers by the wall clock."""
    from bench import process

    root = Path(__file__).resolve().parent.parent
    n = EXTRACT_PROCESS_SIZE
    shards = run.shards(n)
    out: dict[str, Any] = {"n": n, "runs": []}
    for jobs in dict.fromkeys((1, run.jobs)):
        run.log(f"extract whole process on {n:,} articles, --jobs {jobs}")
        res = process.run_process(
            process.extract_command(shards, jobs), max(run.remaining(), 60.0), root
        )
        out["runs"].append({"jobs": jobs, "n": n, **res})
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    args = _parse_args(argv)
    run = Runner(args)
    info = machine()
    serial = [t for t in SERIAL_TASKS if t in run.only]
    extras: dict[str, Any] = {}
    first, *larger = run.sizes or [1000]
    for task in serial:
        run.measure(task, first)
    if "parallel" in run.only:
        run.measure(
            f"extract jobs={run.jobs}",
            first,
            child="parallel",
            series="parallel",
            jobs=run.jobs,
            engine="local",
        )
    if "dask" in run.only:
        run.measure(
            f"extract dask jobs={run.jobs}",
            first,
            child="parallel",
            series="dask",
            jobs=run.jobs,
            engine="dask",
        )
    if "process" in run.only:
        extras["process"] = _processes(run)
    if "extract-process" in run.only:
        extras["extract-process"] = _extract_processes(run)
    if "profile" in run.only:
        run.log(f"profiling places and extract on {args.profile_docs} articles")
        prof = _child(
            {"task": "profile", "shards": run.shards(args.profile_docs), "n": args.profile_docs},
            max(run.remaining(), 60.0),
        )
        extras["profile"] = prof
    if "control" in run.only:
        places, dates = (int(x) for x in args.control.split(","))
        run.log(f"control history of {places:,} places over {dates:,} change dates")
        spec = {"task": "control", "places": places, "dates": dates, "seed": args.seed}
        extras["control"] = _child(spec, max(run.remaining(), 60.0))
    if "map" in run.only or "browser" in run.only:
        from bench.mapbench import measure_map

        run.log(f"map of {args.events:,} events over two years")
        extras["map"] = measure_map(args.events, OUT, browser="browser" in run.only, seed=args.seed)
        m = extras["map"]
        if m.get("build_s") is not None:
            b = m.get("browser", {})
            run.log(
                f"  map built in {m['build_s']:.0f} s, {m['html_mb']:.1f} MB"
                + (f"; opens in {b['open_s']:.1f} s" if b.get("open_s") is not None else "")
            )
        else:
            run.log(f"  map not measured: {m.get('reason')}")
    for n in larger:
        for task in serial:
            run.measure(task, n)
    rows: list[Row] = build_rows(run.results, {**extras, "nproc": info["nproc"]})
    header = (
        f"frontline bench  {info['date']}  |  nproc {info['nproc']}  |  CPU {info['cpu']}  |  "
        f"Python {info['python']}  |  load avg {info['loadavg_1min']:.1f} at start  |  "
        f"corpus seed {args.seed}" + (f" ({run.corpus.fingerprint})" if run.corpus else "")
    )
    print(format_table(header, rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": info,
        "args": {k: str(v) for k, v in vars(args).items()},
        "elapsed_s": run.elapsed(),
        "measurements": run.results,
        **extras,
        "table": [r.as_dict() for r in rows],
    }
    args.out.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\n{len(rows)} rows; results in {args.out}; {run.elapsed():.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
