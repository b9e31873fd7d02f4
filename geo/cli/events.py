"""``frontline events``: list the stored events."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import click

from geo.events import EVENT_FIELDS
from geo.exceptions import FrontlineError
from geo.store import DEFAULT_STORE, Store

__all__ = ["command"]

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("events")
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The event store (GeoPackage).",
)
@click.option("--place", help="Place id or name.")
@click.option("--from", "start", type=DAY, help="Events dated on or after (YYYY-MM-DD).")
@click.option("--to", "end", type=DAY, help="Events dated on or before (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl"]), default="table")
def command(
    *,
    store_path: Path,
    place: str | None,
    start: datetime | None,
    end: datetime | None,
    fmt: str,
) -> None:
    """List stored events; a date range keeps events whose date period overlaps it."""
    if not store_path.exists():
        raise click.ClickException(f"{store_path}: no such store (run `frontline ingest` first)")
    try:
        with Store(store_path, create=False) as store:
            events = store.events(
                place=place,
                start=start.date() if start else None,
                end=end.date() if end else None,
            )
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "jsonl":
        for ev in events:
            click.echo(json.dumps(ev.to_record(), ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(EVENT_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(ev.to_record() for ev in events)
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(f"{'date':10} {'kind':13} {'side':5} {'place':28} {'doc':24} quote")
        for ev in events:
            quote = " ".join(ev.quote.split())[:70]
            click.echo(
                f"{ev.date:10} {ev.kind:13} {ev.side:5} {ev.place_name[:28]:28} "
                f"{ev.doc_id[:24]:24} {quote}"
            )
        click.echo(f"{len(events)} event(s)")
