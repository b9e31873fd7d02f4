"""``frontline control``: who controls each known place on a date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from geo.cli import _common as c
from geo.cli._options import THEATRE_HELP, date_option, resolve_theatre
from geo.control import ControlHistory
from geo.exceptions import FrontlineError
from geo.export import frame_csv, layer
from geo.store import DEFAULT_STORE, Store
from geo.theatre import Theatre

__all__ = ["build_history", "command", "evidence_note", "history_options"]

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
    before the earliest change or baseline date, or so long after the latest change that
    every place is stale."""
    days = [ch.effective for ch in history.changes()]
    days += [b.as_of for b in history.baseline.values()]
    if not days:
        c.warn("the store holds no dated evidence and there is no baseline: every place is unknown")
        return
    lo, hi = min(days), max(days)
    if (last or first) < lo:
        c.warn(f"{(last or first).isoformat()} is before the earliest evidence ({lo.isoformat()})")
    elif (first - hi).days > history.stale_days:
        c.warn(
            f"{first.isoformat()} is more than {history.stale_days} days after the latest "
            f"change ({hi.isoformat()}): every place is stale"
        )


@click.command("control")
@date_option("--date", "day", required=True, help="The date.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
@history_options
def command(
    *,
    day: date,
    fmt: str,
    store_path: Path,
    theatre: str | None,
    sides: str | None,
    gazetteer: str | None,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
) -> None:
    """Print who controls each known place on --date."""
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
    click.echo(f"{'place':32} {'controller':10} {'since':10} {'last report':11} {'n':>2}  note")
    for s in history.state(day):
        sources = len({e.doc_id for e in s.evidence})
        notes = ["stale" if s.stale else "", "baseline" if s.from_baseline else ""]
        if s.claims:
            notes.append(f"{len(s.claims)} conflicting claim(s)")
        click.echo(
            f"{c.clean(s.place_name)[:32]:32} {c.clean(s.controller):10} {s.since or ''!s:10} "
            f"{s.last_report or ''!s:11} {sources:>2}  {', '.join(n for n in notes if n)}"
        )
        for claim in s.claims if s.controller == "contested" else ():
            quote = " ".join(c.clean(claim.quote).split())[:240]
            click.echo(f"{'':34}- {c.clean(claim.side)} ({c.clean(claim.doc_id)}): {quote}")
