"""Turn the raw measurements into one table (printed) and its rows (for ``results.json``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["GOAL_PLACES_PER_CORE", "Row", "build_rows", "format_table"]

GOAL_PLACES_PER_CORE = 1000.0
# Extraction's goals on 2,000 seed-sized articles, whole process (the extractor issue).
GOAL_EXTRACT_PER_CORE = 40.0
GOAL_EXTRACT_PEAK_MB = 600.0
GOAL_EXTRACT_JOBS_SPEEDUP = 1.6
LABELS = {
    "peer": "peer: spaCy PhraseMatcher",
    "places": "places (PlaceFinder)",
    "extract": "extract (EventExtractor)",
    "ingest": "ingest (extract+store)",
}
ITEMS = {"peer": "matches", "places": "mentions", "extract": "events", "ingest": "events"}
# Entry points that hold everything below them: not informative as hotspots.
_ENTRY_POINTS = (
    ("geo/toponyms.py:", " find"),
    ("geo/extract/_extractor.py:", " extract_with_mentions"),
)


def _is_entry(where: str) -> bool:
    return any(where.startswith(a) and where.endswith(b) for a, b in _ENTRY_POINTS)


@dataclass
class Row:
    """One line of the table; ``raw`` keeps the numbers behind the text."""

    measure: str
    size: str = ""
    rate: str = ""
    per_article: str = ""
    peak: str = ""
    wall: str = ""
    scaling: str = ""
    note: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The row as plain data."""
        return asdict(self)


COLUMNS = (
    ("measure", "measure"),
    ("size", "articles"),
    ("rate", "articles/s"),
    ("per_article", "ms/article"),
    ("peak", "peak RSS MB"),
    ("wall", "wall s"),
    ("scaling", "cost vs 1st"),
    ("note", "note"),
)


def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def _measured(results: Iterable[dict[str, Any]], task: str) -> list[dict[str, Any]]:
    return sorted(
        (r for r in results if r["task"] == task and not r.get("skipped") and not r.get("error")),
        key=lambda r: r["n"],
    )


def _series_rows(results: Sequence[dict[str, Any]], task: str) -> list[Row]:
    rows = []
    runs = sorted((r for r in results if r["task"] == task), key=lambda r: r["n"])
    base: float | None = None
    for r in runs:
        label = LABELS.get(task, task)
        if r.get("skipped") or r.get("error"):
            why = r.get("skipped") or r.get("error")
            rows.append(Row(label, _n(r["n"]), "not run", note=str(why), raw=r))
            continue
        rate = r["docs_per_s"]
        per = 1000.0 / rate if rate else None
        if base is None and per:
            base = per
        scaling = f"{per / base:.2f}x" if per and base else ""
        note = f"{r.get('items', 0):,} {ITEMS.get(task, 'items')}"
        if r.get("load_s"):
            note += f"; +load {r['n'] / r['load_s']:,.0f}/s"
        if r.get("setup_s"):
            note += f"; setup {r['setup_s']:.1f} s"
        if r.get("store_mb"):
            note += f"; store {r['store_mb']:.0f} MB"
        rows.append(
            Row(
                label,
                _n(r["n"]),
                _n(rate),
                _n(per, 2),
                _n(r["peak_rss_mb"]),
                _n(r["wall_s"], 1),
                scaling,
                note,
                raw=r,
            )
        )
    return rows


def _parallel_rows(results: Sequence[dict[str, Any]]) -> list[Row]:
    rows = []
    serial = {r["n"]: r for r in _measured(results, "extract")}
    for r in results:
        if r.get("series") not in ("parallel", "dask"):
            continue
        if r.get("error") or r.get("skipped"):
            rows.append(Row(r["task"], _n(r["n"]), "not run", note=str(r.get("error")), raw=r))
            continue
        base = serial.get(r["n"])
        note = f"{r['items']:,} events"
        if base is not None:
            same = "= serial" if base["items"] == r["items"] else f"serial {base['items']:,}"
            note += f" ({same}); x{r['docs_per_s'] / base['docs_per_s']:.2f} vs serial"
        note += "; end to end incl. load, pool start"
        if r.get("worker_peak_rss_mb"):
            note += f"; worker peak {r['worker_peak_rss_mb']:.0f} MB"
        rows.append(
            Row(
                r["task"],
                _n(r["n"]),
                _n(r["docs_per_s"]),
                _n(1000.0 / r["docs_per_s"], 2),
                _n(r["peak_rss_mb"]),
                _n(r["wall_s"], 1),
                note=note,
                raw=r,
            )
        )
    return rows


def _ratio_rows(results: Sequence[dict[str, Any]], nproc: int) -> list[Row]:
    rows = []
    peer = {r["n"]: r for r in _measured(results, "peer")}
    for task in ("places", "extract", "ingest"):
        for r in _measured(results, task):
            p = peer.get(r["n"])
            if p is None:
                continue
            ratio = r["docs_per_s"] / p["docs_per_s"]
            rows.append(
                Row(
                    f"ratio {task} / peer",
                    _n(r["n"]),
                    f"x{ratio:.3f}",
                    note=f"{r['docs_per_s']:,.0f} vs {p['docs_per_s']:,.0f} articles/s",
                    raw={"task": task, "n": r["n"], "ratio": ratio},
                )
            )
    ext = _measured(results, "extract")
    if ext and peer:
        r = ext[-1]
        p = peer.get(r["n"])
        if p is not None:
            ok = r["docs_per_s"] >= p["docs_per_s"]
            rows.append(
                Row(
                    "goal: extract >= peer",
                    _n(r["n"]),
                    "MET" if ok else "NOT MET",
                    note=f"x{r['docs_per_s'] / p['docs_per_s']:.3f} of the peer's place matching",
                )
            )
    places = _measured(results, "places")
    if places:
        r = places[-1]
        # Articles per CPU second of the process: one core's rate, however busy the machine.
        rate = r.get("docs_per_cpu_s") or r["docs_per_s"]
        ok = rate >= GOAL_PLACES_PER_CORE
        rows.append(
            Row(
                f"goal: places >= {GOAL_PLACES_PER_CORE:,.0f}/s/core",
                _n(r["n"]),
                "MET" if ok else "NOT MET",
                note=f"{rate:,.0f} articles per CPU second on one core, "
                f"{r['docs_per_s']:,.0f}/s by the wall clock (serial run; {nproc} cores)",
            )
        )
    return rows


def _profile_rows(profile: dict[str, Any]) -> list[Row]:
    rows = []
    for name in ("places", "extract"):
        prof = profile.get(name)
        if not prof:
            continue
        total = prof["total_s"] or 1.0
        # The entry point holds everything below it: not informative as a hotspot.
        cum = [
            r for r in prof["cumulative"] if not _is_entry(r["where"]) and r["cum_s"] < 0.98 * total
        ]
        for r in cum[:3]:
            rows.append(
                Row(
                    f"hotspot {name} (cum)",
                    _n(prof["n"]),
                    f"{100 * r['cum_s'] / total:.0f}%",
                    note=f"{r['where']}  ({r['calls']:,} calls)",
                    raw=r,
                )
            )
        for r in prof["own"][:2]:
            rows.append(
                Row(
                    f"hotspot {name} (own)",
                    _n(prof["n"]),
                    f"{100 * r['own_s'] / total:.0f}%",
                    note=f"{r['where']}  ({r['calls']:,} calls)",
                    raw=r,
                )
            )
    if "error" in profile:
        rows.append(Row("hotspots", "", "not run", note=str(profile["error"])))
    return rows


def _control_rows(c: dict[str, Any]) -> list[Row]:
    if c.get("history_s") is None:
        return [Row("control history", "", "not measured", note=str(c.get("error", "")))]
    return [
        Row(
            "control history",
            f"{c['places']:,} pl",
            wall=_n(c["history_s"] + c["intervals_s"], 2),
            peak=_n(c.get("peak_rss_mb")),
            note=(
                f"{c['events']:,} reports, {c['spans']:,} spans of constant control; "
                f"CPU {c['history_cpu_s']:.2f} s; state of every place on 10 dates "
                f"{c['states_s']:.2f} s"
            ),
            raw=c,
        )
    ]


def _map_rows(m: dict[str, Any]) -> list[Row]:
    rows = []
    if m.get("build_s") is None:
        rows.append(Row("map build", "", "not measured", note=m.get("reason", "")))
    else:
        rows.append(
            Row(
                "map build (render_map)",
                f"{m['events']:,} ev",
                wall=_n(m["build_s"], 1),
                peak=_n(m.get("peak_rss_mb")),
                note=f"HTML {m['html_mb']:.1f} MB; {m.get('span', '')}",
                raw=m,
            )
        )
    if m.get("rebuild_s") is not None:
        rows.append(
            Row(
                "map rebuild (+1 day)",
                f"{m['events']:,} ev",
                wall=_n(m["rebuild_s"], 1),
                note=m.get("rebuild_note", ""),
                raw=m,
            )
        )
    b = m.get("browser") or {}
    if b.get("open_s") is None:
        rows.append(Row("map open (Chromium)", "", "not measured", note=b.get("reason", "")))
    else:
        rows.append(
            Row(
                "map open (Chromium)",
                f"{m['events']:,} ev",
                wall=_n(b["open_s"], 2),
                note=b.get("open_note", ""),
                raw=b,
            )
        )
    if b.get("step_ms") is None:
        rows.append(Row("slider step", "", "not measured", note=b.get("step_reason", "")))
    else:
        rows.append(
            Row(
                "slider step",
                f"{m['events']:,} ev",
                wall=_n(b["step_ms"] / 1000.0, 3),
                note=b.get("step_note", ""),
                raw=b,
            )
        )
    return rows + _map_goals(m)


# The map's targets at 10,000 events over two years (issue: a newsroom's year of news).
MAP_GOALS = {"html_mb": 5.0, "build_s": 15.0, "open_s": 1.0, "step_ms": 50.0, "step_max_ms": 50.0}


def _map_goals(m: dict[str, Any]) -> list[Row]:
    b = m.get("browser") or {}
    seen = {**{k: m.get(k) for k in ("html_mb", "build_s")}, **b}
    labels = {
        "html_mb": ("page", "MB"),
        "build_s": ("build", "s"),
        "open_s": ("ready", "s"),
        "step_ms": ("step median", "ms"),
        "step_max_ms": ("step max", "ms"),
    }
    rows = []
    for key, limit in MAP_GOALS.items():
        value = seen.get(key)
        if value is None:
            continue
        name, unit = labels[key]
        rows.append(
            Row(
                f"goal: map {name} <= {limit:g} {unit}",
                f"{m['events']:,} ev",
                "MET" if value <= limit else "NOT MET",
                note=f"{value:.2f} {unit}",
            )
        )
    return rows


def _process_rows(proc: dict[str, Any]) -> list[Row]:
    """Whole processes, start-up included: places beside the peer, and the start-up alone."""
    rows: list[Row] = []
    start = proc.get("startup", {})
    if "wall_s" in start:
        rows.append(
            Row(
                "places start-up (1 article)",
                "1",
                wall=_n(start["wall_s"], 2),
                peak=_n(start["peak_rss_mb"]),
                note=f"CPU {start['cpu_s']:.2f} s; goal <= 0.5 s",
                raw=start,
            )
        )
    peers = {r["n"]: r for r in proc.get("runs", []) if r["name"] == "peer" and "wall_s" in r}
    for r in proc.get("runs", []):
        label = f"{r['name']} whole process"
        if "wall_s" not in r:
            rows.append(
                Row(
                    label,
                    _n(r["n"]),
                    "not run",
                    note=str(r.get("skipped") or r.get("error")),
                    raw=r,
                )
            )
            continue
        note = f"CPU {r['cpu_s']:.1f} s"
        peer = peers.get(r["n"])
        if r["name"] == "places" and peer is not None:
            note += f"; {peer['wall_s'] / r['wall_s']:.1f}x faster than the peer (goal >= 2x)"
        rows.append(
            Row(
                label,
                _n(r["n"]),
                _n(r["n"] / r["wall_s"]),
                _n(1000.0 * r["wall_s"] / r["n"], 2),
                _n(r["peak_rss_mb"]),
                _n(r["wall_s"], 1),
                note=note,
                raw=r,
            )
        )
    return rows


def _extract_process_rows(proc: dict[str, Any]) -> list[Row]:
    """``frontline extract`` whole processes (start-up included), serial and with workers,
    and the extractor's three goals."""
    rows: list[Row] = []
    done = {r["jobs"]: r for r in proc.get("runs", []) if "wall_s" in r}
    for r in proc.get("runs", []):
        label = f"extract whole process jobs={r['jobs']}"
        if "wall_s" not in r:
            rows.append(Row(label, _n(r["n"]), "not run", note=str(r.get("error")), raw=r))
            continue
        per_cpu = r["n"] / r["cpu_s"] if r["cpu_s"] > 0 else 0.0
        rows.append(
            Row(
                label,
                _n(r["n"]),
                _n(r["n"] / r["wall_s"]),
                _n(1000.0 * r["cpu_s"] / r["n"], 2),
                _n(r["peak_rss_mb"]),
                _n(r["wall_s"], 1),
                note=f"CPU {r['cpu_s']:.1f} s ({per_cpu:,.1f} articles per CPU s); "
                "ms/article by CPU time; start-up included",
                raw=r,
            )
        )
    serial = done.get(1)
    if serial is not None:
        rate = serial["n"] / serial["cpu_s"] if serial["cpu_s"] > 0 else 0.0
        rows.append(
            _goal(
                f"goal: extract >= {GOAL_EXTRACT_PER_CORE:.0f}/s/core",
                serial["n"],
                rate >= GOAL_EXTRACT_PER_CORE,
                f"{rate:,.1f} articles per CPU second, whole process, one core",
            )
        )
    if done:
        peak = max(r["peak_rss_mb"] for r in done.values())
        rows.append(
            _goal(
                f"goal: extract peak < {GOAL_EXTRACT_PEAK_MB:.0f} MB",
                proc["n"],
                peak < GOAL_EXTRACT_PEAK_MB,
                f"{peak:.0f} MB, the largest process of the runs above",
            )
        )
    workers = [j for j in done if j > 1]
    if serial is not None and workers:
        r = done[max(workers)]
        speedup = serial["wall_s"] / r["wall_s"]
        rows.append(
            _goal(
                f"goal: extract jobs={r['jobs']} >= {GOAL_EXTRACT_JOBS_SPEEDUP}x",
                r["n"],
                speedup >= GOAL_EXTRACT_JOBS_SPEEDUP,
                f"x{speedup:.2f} of the serial process by the wall clock",
            )
        )
    return rows


def _goal(label: str, n: int, ok: bool, note: str) -> Row:
    return Row(label, _n(n), "MET" if ok else "NOT MET", note=note)


def build_rows(results: Sequence[dict[str, Any]], extras: dict[str, Any]) -> list[Row]:
    """The table rows: per task and size, parallel runs, peer ratios, hotspots, map."""
    rows: list[Row] = []
    for task in ("peer", "places", "extract", "ingest"):
        rows += _series_rows(results, task)
    rows += _parallel_rows(results)
    rows += _ratio_rows(results, int(extras.get("nproc", 0) or 0))
    if "process" in extras:
        rows += _process_rows(extras["process"])
    if "extract-process" in extras:
        rows += _extract_process_rows(extras["extract-process"])
    if "profile" in extras:
        rows += _profile_rows(extras["profile"])
    if "control" in extras:
        rows += _control_rows(extras["control"])
    if "map" in extras:
        rows += _map_rows(extras["map"])
    return rows


def format_table(header: str, rows: Sequence[Row]) -> str:
    """The rows as one fixed-width text table under ``header``."""
    cells = [[str(getattr(r, key)) for key, _ in COLUMNS] for r in rows]
    titles = [title for _, title in COLUMNS]
    widths = [
        max([len(titles[i])] + [len(c[i]) for c in cells]) if i < len(titles) - 1 else 0
        for i in range(len(titles))
    ]
    right = {"size", "rate", "per_article", "peak", "wall", "scaling"}

    def line(values: Sequence[str]) -> str:
        out = []
        for (key, _), v, w in zip(COLUMNS, values, widths, strict=True):
            out.append(v.rjust(w) if key in right else v.ljust(w))
        return "  ".join(out).rstrip()

    rule = "-" * max(len(header), len(line(titles)))
    body = [line(c) for c in cells]
    return "\n".join([header, rule, line(titles), rule, *body, rule])
