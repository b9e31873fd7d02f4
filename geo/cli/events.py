"""``frontline events``: list the stored events."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import click

from geo.cli import _common as c
from geo.cli._options import date_option, load_gazetteer, resolve_theatre, theatre_option
from geo.exceptions import FrontlineError
from geo.extract import EVENT_FIELDS
from geo.store import DEFAULT_STORE, Store

__all__ = ["command"]


@click.command("events")
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The event store (GeoPackage).",
)
@click.option(
    "--place", help="Place id or name; a name is resolved through the gazetteer (any spelling)."
)
@click.option(
    "--gazetteer",
    type=click.Path(exists=True, dir_okay=False),
    help="Gazetteer CSV [default: the theatre's].",
)
@date_option("--from", "start", partial=True, help="Events dated on or after this.")
@date_option("--to", "end", partial=True, end=True, help="Events dated on or before this.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl"]), default="table")
@theatre_option
def command(
    *,
    theatre: str | None,
    store_path: Path,
    place: str | None,
    gazetteer: str | None,
    start: date | None,
    end: date | None,
    fmt: str,
) -> None:
    """List stored events; a date range keeps events whose date period overlaps it."""
    if not store_path.exists():
        raise click.ClickException(f"{store_path}: no such store (run `frontline ingest` first)")
    try:
        with Store(store_path, create=False) as store:
            # The store's theatre (another --theatre is an error) names the gazetteer.
            th = resolve_theatre(theatre, gazetteer=gazetteer, store=store)
            gaz = load_gazetteer(str(th.gazetteer_path)) if place else None
            place_ids = [p.id for p in gaz.lookup(place)] if gaz and place else []
            events = store.events(place=place, place_ids=place_ids, start=start, end=end)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "jsonl":
        for ev in events:
            click.echo(c.json_line(ev.to_record()))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(EVENT_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(ev.to_record() for ev in events)
        click.echo(c.clean(buf.getvalue()) if c.to_terminal() else buf.getvalue(), nl=False)
    else:
        click.echo(f"{'date':10} {'kind':13} {'side':5} {'place':28} {'doc':24} quote")
        for ev in events:
            quote = " ".join(c.clean(ev.quote).split())[:70]
            click.echo(
                f"{c.clean(ev.date):10} {c.clean(ev.kind):13} {c.clean(ev.side):5} "
                f"{c.clean(ev.place_name)[:28]:28} {c.clean(ev.doc_id)[:24]:24} {quote}"
            )
        click.echo(f"{len(events)} event(s)")
