"""``frontline export``: events, changes, control, zones or the front line as files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from geo.cli import _common as c
from geo.cli._options import date_option, output_format
from geo.cli.control import build_history, evidence_note, history_options
from geo.exceptions import OutputError
from geo.export import WHATS, acled_rows, layer, write
from geo.gazetteer import Gazetteer

__all__ = ["command"]

FORMATS = ("geojson", "gpkg", "csv")


@click.command("export")
@click.option("--what", type=click.Choice(WHATS), required=True, help="What to export.")
@date_option("--date", "day", help="One date.")
@date_option("--from", "start", partial=True, help="First date of a range.")
@date_option("--to", "end", partial=True, end=True, help="Last date of a range, inclusive.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: from -o's suffix (.geojson, .json, .gpkg, .csv), else geojson].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file, written atomically [default: stdout; required for gpkg].",
)
@history_options
def command(
    *,
    what: str,
    day: date | None,
    start: date | None,
    end: date | None,
    fmt: str | None,
    output: Path | None,
    store_path: Path,
    theatre: str | None,
    sides: str | None,
    gazetteer: str | None,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
) -> None:
    """Export a layer; GeoJSON is RFC 7946 and time-varying features carry start/end."""
    if day is not None and (start is not None or end is not None):
        raise click.UsageError("give --date or --from/--to, not both")
    first, last = (day, day) if day else (start, end)
    if what in ("control", "zones", "frontline") and first is None:
        raise click.UsageError(f"exporting {what} needs --date or --from")
    kind = output_format(output, fmt, FORMATS, "geojson")
    if output is not None:
        _refuse_store(output, store_path)
    store, history, th = build_history(
        store_path=store_path,
        theatre=theatre,
        sides=sides,
        gazetteer=gazetteer,
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
    if first is not None:
        evidence_note(history, first, last)
    acled = None
    if what == "changes" and kind == "csv":
        chosen = set(zip(frame["place_id"], frame["kind"], frame["effective"], strict=True))
        changes = [
            ch
            for ch in history.changes()
            if (ch.place_id, ch.kind, ch.effective.isoformat()) in chosen
        ]
        acled = acled_rows(changes, history.sides, Gazetteer.load(th.gazetteer_path))
    try:
        text = write(frame, kind, output, what=what, acled=acled)
    except (OutputError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    if text is not None:
        click.echo(text, nl=False)
    else:
        c.note(f"wrote {len(frame)} {what} feature(s) to {output}")


def _refuse_store(output: Path, store_path: Path) -> None:
    """No export may land on the store it reads (or on any other store)."""
    same = output.exists() and store_path.exists() and output.samefile(store_path)
    if same:
        raise click.ClickException(
            f"{output}: is the store being exported (--store); choose another output file"
        )
