"""``frontline map``: write the interactive map of the control history to one HTML page."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import click

from geo._render_assets import user_cache_dir
from geo._render_names import baseline_names, importance, news_names
from geo.cli import _common as c
from geo.cli._options import date_option, output_format
from geo.cli.control import build_history, history_options
from geo.control import ControlHistory
from geo.exceptions import OutputError
from geo.gazetteer import Gazetteer
from geo.render import DEFAULT_TITLE, VendorError, render_map, write_embed_snippet
from geo.store import Store
from geo.theatre import Theatre

__all__ = ["cache_file", "command", "map_extras"]


def cache_file(store_path: Path, theatre: Theatre) -> Path:
    """The map cache of one store and theatre, in the user's cache folder."""
    key = hashlib.sha1(f"{store_path.resolve()}|{theatre.id}".encode()).hexdigest()[:16]
    return user_cache_dir() / "maps" / f"{key}.sqlite"


def map_extras(
    store: Store, history: ControlHistory, theatre: Theatre, baseline: Path | None
) -> dict[str, Any]:
    """The names news uses for the places (most frequent mention, else the baseline file's)
    and their weights for labels (the gazetteer's kind and population)."""
    path = baseline or theatre.baseline_path
    names = {**(baseline_names(path) if path else {}), **news_names(store.events())}
    weights = importance(Gazetteer.load(theatre.gazetteer_path), history.place_ids())
    return {"names": names, "importance": weights}


@click.command("map")
@date_option(
    "--from",
    "start",
    partial=True,
    help="First date on the slider [default: the first baseline date, or the first report].",
)
@date_option(
    "--to",
    "end",
    partial=True,
    end=True,
    help="Last date on the slider [default: the last report or publication].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML page to write (.html), atomically "
    "[default: maps/<the theatre's default_map>.html].",
)
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="Title of the map.")
@click.option(
    "--offline",
    is_flag=True,
    help="One self-contained file: libraries inlined (`make vendor`), no tiles, no network.",
)
@click.option(
    "--embed", is_flag=True, help="Also write a responsive iframe snippet next to the page."
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Keep the zones' pieces between builds (in the user's cache folder): a rebuild after "
    "new articles computes only the periods that changed.",
)
@click.option(
    "--event-days",
    type=click.IntRange(min=0),
    default=7,
    show_default=True,
    help="Days an event marker stays on the map.",
)
@history_options
def command(
    *,
    start: date | None,
    end: date | None,
    output: Path | None,
    title: str,
    offline: bool,
    embed: bool,
    cache: bool,
    event_days: int,
    store_path: Path,
    theatre: str | None,
    sides: str | None,
    gazetteer: str | None,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
) -> None:
    """Write the map page: zones, front line, places and events on a time slider.

    \b
    Open it at a date with #date=YYYY-MM-DD after the file name.
    Examples:
      frontline map --embed
      frontline map --offline --from 2020-05-20 --to 2020-06-10 -o maps/offline.html
      frontline map --store war2.gpkg --theatre path/to/my-theatre
    """
    output_format(output, None, ("html",), "html")  # refuses -o map.gpkg, map.geojson, ...
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
    try:
        extras = map_extras(store, history, th, baseline)
    finally:
        store.close()
    try:
        page = render_map(
            history,
            history.sides,
            start=start,
            end=end,
            title=title,
            offline=offline,
            out_path=output or Path("maps") / f"{th.default_map}.html",
            event_days=event_days,
            theatre=th,
            cache=cache_file(store_path, th) if cache else None,
            **extras,
        )
    except (VendorError, OutputError) as exc:
        raise click.ClickException(str(exc)) from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    size = page.stat().st_size // 1024
    c.note(f"wrote {page} ({size} kB{', offline' if offline else ''})")
    if embed:
        try:
            snippet = write_embed_snippet(page, title=title)
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None
        c.note(f"wrote {snippet}")
