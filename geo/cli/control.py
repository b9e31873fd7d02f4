"""``frontline control``: who controls each known place on a date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from geo.cli import _common as c
from geo.cli._options import THEATRE_HELP, date_option, resolve_theatre
from geo.control import ControlHistory, PlaceState, SourceRef
from geo.exceptions import FrontlineError
from geo.export import frame_csv, layer
from geo.store import DEFAULT_STORE, Store
from geo.theatre import Theatre

__all__ = ["build_history", "command", "evidence_note", "history_options", "source_lines"]

F = TypeVar("F", bound=Callable[..., Any])


def history_options(func: F) -> F:
    """The options every command reading the control history takes."""
    options = [
        click.option(
            "--store",
            "store_path",
            type=click.Path(dir_okay=False, path_type=Path),
            default=DEFAULT_STORE,
            show_default=True,
            help="The event store (GeoPackage).",
        ),
        click.option("--theatre", metavar="ID|DIR", help=THEATRE_HELP),
        click.option(
            "--sides",
            type=click.Path(exists=True, dir_okay=False),
            help="Sides TOML file [default: the theatre's].",
        ),
        click.option(
            "--gazetteer",
            type=click.Path(exists=True, dir_okay=False),
            help="Gazetteer CSV [default: the theatre's].",
        ),
        click.option(
            "--baseline",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Baseline CSV [default: the theatre's baseline.csv].",
        ),
        click.option(
            "--overrides",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Analyst overrides CSV [default: the theatre's overrides.csv].",
        ),
        click.option(
            "--stale-days",
            type=click.IntRange(min=0),
            default=30,
            show_default=True,
            help="Flag places with no report for more days than this.",
        ),
        click.option(
            "--max-distance-km",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            help="How far zones reach from a place with known control.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_history(
    *,
    store_path: Path,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
    theatre: str | None = None,
    sides: str | None = None,
    gazetteer: str | None = None,
) -> tuple[Store, ControlHistory, Theatre]:
    """Open the store and build its history with its theatre; ClickException on a data error.

    The theatre is ``theatre`` (which must be the store's), else the one the store records.
    """
    if not store_path.exists():
        raise click.ClickException(f"{store_path}: no such store (run `frontline ingest` first)")
    try:
        store = Store(store_path, create=False)
        th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer, store=store)
        history = ControlHistory.from_store(
            store,
            theatre=th,
            baseline=baseline,
            overrides=overrides,
            stale_days=stale_days,
            max_distance_km=max_distance_km,
        )
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    return store, history, th


def evidence_note(history: ControlHistory, first: date, last: date | None = None) -> None:
    """A warning on stderr when ``first``..``last`` lies outside what the evidence covers:
    before the first data ("no data before ..."), or so long after the latest change that every
    place is stale."""
    days = [ch.effective for ch in history.changes()]
    start = history.data_start
    if start is None:
        c.warn("the store holds no dated evidence and there is no baseline: every place is unknown")
        return
    if (last or first) < start:
        c.warn(f"no data before {start.isoformat()}: every place is unknown on {first}")
    elif days and (first - max(days)).days > history.stale_days:
        c.warn(
            f"{first.isoformat()} is more than {history.stale_days} days after the latest "
            f"change ({max(days).isoformat()}): every place is stale"
        )


@click.command("control")
@date_option("--date", "day", required=True, help="The date.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@click.option(
    "--reports",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Independent sources listed for and against each place (table format; 0: none).",
)
@history_options
def command(
    *,
    day: date,
    fmt: str,
    reports: int,
    store_path: Path,
    theatre: str | None,
    sides: str | None,
    gazetteer: str | None,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
) -> None:
    """Print the state of each known place on --date: held, claimed, contested or unknown, its
    controller and confidence, and the independent sources for and against it."""
    store, history, _ = build_history(
        store_path=store_path,
        theatre=theatre,
        sides=sides,
        gazetteer=gazetteer,
        baseline=baseline,
        overrides=overrides,
        stale_days=stale_days,
        max_distance_km=max_distance_km,
    )
    store.close()
    evidence_note(history, day)
    if fmt == "csv":
        click.echo(frame_csv(layer("control", history, start=day)), nl=False)
        return
    click.echo(
        f"{'place':32} {'controller':10} {'status':9} {'conf':>4} {'since':10} "
        f"{'last report':11} {'for':>3} {'agst':>4}  note"
    )
    for s in history.state(day):
        click.echo(_row(s))
        for sign, refs in (("+", s.evidence), ("-", s.against)):
            for line in source_lines(refs, reports):
                click.echo(f"{'':2}{sign} {line}")


def _row(s: PlaceState) -> str:
    """One place's line of the table."""
    notes = []
    if s.no_data:
        notes.append(f"no data before {s.first_data}" if s.first_data else "no data")
    elif s.stale:
        notes.append("stale")
    if s.from_baseline:
        notes.append("baseline")
    return (
        f"{c.clean(s.place_name)[:32]:32} {c.clean(s.controller)[:10]:10} {s.status:9} "
        f"{s.confidence:4.2f} {s.since or ''!s:10} {s.last_report or ''!s:11} "
        f"{s.sources_for:>3} {s.sources_against:>4}  {', '.join(notes)}"
    )


def source_lines(refs: tuple[SourceRef, ...], limit: int) -> list[str]:
    """One line per independent source (its strongest report), strongest first."""
    groups: dict[str, list[SourceRef]] = {}
    for r in refs:
        groups.setdefault(r.source_group, []).append(r)
    ranked = sorted(groups.values(), key=lambda g: -max(r.weight for r in g))
    lines = []
    for group in ranked[:limit]:
        best = max(group, key=lambda r: r.weight)
        if best.kind == "baseline":
            side = c.clean(best.side)
            lines.append(f"{side} in the baseline of {best.date}: {_clip(best.quote)}")
            continue
        docs = sorted({c.clean(r.doc_id) for r in group})
        who = f"{c.clean(best.side)} {best.kind} {best.date}"
        via = docs[0] if len(docs) == 1 else f"{docs[0]} +{len(docs) - 1} reprint(s)"
        outlet = c.clean(best.outlet) or "unknown outlet"
        lines.append(f"{who} ({via}, {outlet}): {_clip(best.quote)}")
    if len(ranked) > limit > 0:
        lines.append(f"... {len(ranked) - limit} more source(s)")
    return lines


def _clip(text: str, width: int = 240) -> str:
    flat = " ".join(c.clean(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
