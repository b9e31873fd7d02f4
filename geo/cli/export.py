"""``frontline export``: events, changes, control, zones or the front line as files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from geo.cli.control import as_date, build_history, day_option, history_options
from geo.export import WHATS, acled_rows, layer, write
from geo.gazetteer import Gazetteer

__all__ = ["command"]


@click.command("export")
@click.option("--what", type=click.Choice(WHATS), required=True, help="What to export.")
@day_option("--date", "day", help="One date (YYYY-MM-DD).")
@day_option("--from", "start", help="First date of a range (YYYY-MM-DD).")
@day_option("--to", "end", help="Last date of a range, inclusive (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["geojson", "gpkg", "csv"]), default="geojson")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file [default: stdout; required for gpkg].",
)
@history_options
def command(
    *,
    what: str,
    day: datetime | None,
    start: datetime | None,
    end: datetime | None,
    fmt: str,
    output: Path | None,
    store_path: Path,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
) -> None:
    """Export a layer; GeoJSON is RFC 7946 and time-varying features carry start/end."""
    if day is not None and (start is not None or end is not None):
        raise click.UsageError("give --date or --from/--to, not both")
    first, last = (as_date(day), as_date(day)) if day else (as_date(start), as_date(end))
    if what in ("control", "zones", "frontline") and first is None:
        raise click.UsageError(f"exporting {what} needs --date or --from")
    store, history = build_history(
        store_path=store_path,
        baseline=baseline,
        overrides=overrides,
        stale_days=stale_days,
        max_distance_km=max_distance_km,
    )
    with store:
        frame = layer(
            what,
            history,
            events=store.events() if what == "events" else (),
            published=store.published(),
            start=first,
            end=last,
        )
    acled = None
    if what == "changes" and fmt == "csv":
        chosen = set(zip(frame["place_id"], frame["kind"], frame["effective"], strict=True))
        changes = [
            c for c in history.changes() if (c.place_id, c.kind, c.effective.isoformat()) in chosen
        ]
        acled = acled_rows(changes, history.sides, Gazetteer.load())
    try:
        text = write(frame, fmt, output, what=what, acled=acled)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {len(frame)} {what} feature(s) to {output}", err=True)
