"""``frontline gazetteer``: inspect the gazetteer and, opt-in, ask an online geocoder."""

from __future__ import annotations

import click

from geo.cli import _common as c
from geo.cli._options import (
    gazetteer_options,
    load_gazetteer,
    resolve_theatre,
    theatre_option,
)
from geo.exceptions import GeocoderError
from geo.gazetteer import data_path
from geo.geocode import append_aliases, make_geocoder, suggest


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


@command.command("suggest")
@click.argument("names", nargs=-1, required=True)
@click.option("--geocoder", default="nominatim", show_default=True, help="geopy service name.")
@click.option("--domain", help="Geocoder host, e.g. a self-hosted Nominatim.")
@click.option("--scheme", type=click.Choice(["https", "http"]), default=None)
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False),
    help="Aliases CSV to append to (default: the packaged data/aliases.csv).",
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
    aliases: str | None,
    min_delay: float,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
) -> None:
    """ONLINE, opt-in: ask a geocoder about NAMES the offline gazetteer misses and append its
    proposals to aliases.csv for review. Never used by any other command."""
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
    except GeocoderError as exc:
        raise click.ClickException(str(exc)) from None
    target = data_path("aliases.csv", aliases)
    n = append_aliases(target, found)
    for s in found:
        click.echo(f"{s.name}: {s.display_name} ({s.lat}, {s.lon}) [{s.source}]")
    click.echo(f"{n} suggestion(s) appended to {target}; review them before use.")
