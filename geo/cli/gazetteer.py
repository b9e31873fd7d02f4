"""``frontline gazetteer``: inspect the gazetteer and, opt-in, ask an online geocoder."""

from __future__ import annotations

from pathlib import Path

import click

from geo.cli import _common as c
from geo.cli._options import (
    gazetteer_options,
    load_gazetteer,
    resolve_theatre,
    theatre_option,
)
from geo.exceptions import GeocoderError, OutputError
from geo.gazetteer import data_path
from geo.geocode import REVIEW_FILE, accept_aliases, append_aliases, make_geocoder, suggest


@click.group("gazetteer")
def command() -> None:
    """Look up names in the offline gazetteer, or propose new ones."""


@command.command("lookup")
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--gazetteer",
    type=click.Path(exists=True, dir_okay=False),
    help="Gazetteer CSV [default: the theatre's].",
)
@theatre_option
def lookup(names: tuple[str, ...], gazetteer: str | None, theatre: str | None) -> None:
    """Show the places each NAME resolves to (most important first)."""
    gaz = load_gazetteer(str(resolve_theatre(theatre, gazetteer=gazetteer).gazetteer_path))
    rows: list[dict[str, object]] = []
    for name in names:
        places = gaz.lookup(name)
        if not places:
            rows.append({"name": name, "place_id": "-", "place_name": "(not found)"})
        for p in places:
            rows.append(
                {
                    "name": name,
                    "place_id": p.id,
                    "place_name": p.name,
                    "kind": p.kind,
                    "lat": p.lat,
                    "lon": p.lon,
                }
            )
    click.echo(c.table(rows, ["name", "place_id", "place_name", "kind", "lat", "lon"]), nl=False)


def _packaged(path: Path) -> bool:
    data = data_path("gazetteer.csv").parent.resolve()
    return path.resolve().is_relative_to(data)


def _review_file(review: str | None, aliases: str | None, gazetteer: str | None) -> Path:
    """Where suggestions go: --review, else beside --aliases or --gazetteer, else here."""
    if review is not None:
        path = Path(review)
    else:
        beside = aliases or gazetteer
        folder = Path(beside).parent if beside else Path.cwd()
        path = folder / REVIEW_FILE
    if _packaged(path):
        raise click.UsageError(
            f"{path} is inside frontline's packaged data; suggestions go to a review file of "
            "your own (--review FILE)"
        )
    return path


@command.command("suggest")
@click.argument("names", nargs=-1, required=True)
@click.option("--geocoder", default="nominatim", show_default=True, help="geopy service name.")
@click.option("--domain", help="Geocoder host, e.g. a self-hosted Nominatim.")
@click.option("--scheme", type=click.Choice(["https", "http"]), default=None)
@click.option(
    "--review",
    type=click.Path(dir_okay=False),
    help=f"The review file to add suggestions to [default: {REVIEW_FILE} beside --aliases or "
    "--gazetteer, else in the current folder; never the packaged data].",
)
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False),
    help="Your aliases CSV the suggestions are for (the review file goes beside it).",
)
@click.option(
    "--min-delay", type=float, default=1.0, show_default=True, help="Seconds between calls."
)
@gazetteer_options
def suggest_cmd(
    names: tuple[str, ...],
    geocoder: str,
    domain: str | None,
    scheme: str | None,
    review: str | None,
    aliases: str | None,
    min_delay: float,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
) -> None:
    """ONLINE, opt-in: ask a geocoder about NAMES the offline gazetteer misses and add its
    proposals to a review file. Nothing reads that file until `frontline gazetteer accept`
    moves the rows you marked; no other command ever goes online.

    An unreachable or failing geocoder is an error (exit code 1), not "no result".
    """
    target = _review_file(review, aliases, gazetteer)
    th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    gaz = load_gazetteer(str(th.gazetteer_path))
    sd = th.sides
    try:
        coder = make_geocoder(geocoder, domain=domain, scheme=scheme)
        found = suggest(
            names,
            gaz,
            coder,
            bounds=sd.theatre.bounds,
            country=sd.theatre.country,
            min_delay=min_delay,
        )
        n = append_aliases(target, found)
    except (GeocoderError, OutputError) as exc:
        raise click.ClickException(str(exc)) from None
    for s in found:
        click.echo(c.clean(f"{s.name}: {s.display_name} ({s.lat}, {s.lon}) [{s.source}]"))
    c.note(
        f"{n} suggestion(s) added to {target} for review: write accept or reject in the review "
        "column, then run `frontline gazetteer accept`"
    )


@command.command("accept")
@click.argument("names", nargs=-1)
@click.option(
    "--review",
    type=click.Path(dir_okay=False),
    help=f"The review file written by `frontline gazetteer suggest` [default: {REVIEW_FILE} "
    "beside --aliases].",
)
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False),
    required=True,
    help="The aliases CSV to add the accepted rows to (e.g. aliases.csv beside your "
    "gazetteer, which `--gazetteer` then reads).",
)
def accept_cmd(names: tuple[str, ...], review: str | None, aliases: str) -> None:
    """Move reviewed suggestions into an aliases CSV: the rows marked accept in the review
    column, or the rows of NAMES. Rows marked reject are dropped; the rest wait."""
    source = Path(review) if review else Path(aliases).parent / REVIEW_FILE
    try:
        moved = accept_aliases(source, Path(aliases), names)
    except (GeocoderError, OutputError) as exc:
        raise click.ClickException(str(exc)) from None
    for row in moved:
        click.echo(c.clean(f"{row.get('name', '')}: {row.get('id', '')} -> {aliases}"))
    c.note(f"{len(moved)} row(s) moved from {source} to {aliases}")
