"""``frontline demo``: the whole pipeline on a folder of articles, as ``make demo`` runs it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from geo.cli import _common as c
from geo.cli._options import (
    DAY,
    gazetteer_options,
    load_gazetteer,
    resolve_theatre,
    theatre_folder,
)
from geo.documents import Document
from geo.theatre import Theatre


@click.command("demo")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--published",
    type=DAY,
    help="Publication date for articles that carry none.",
)
@click.option(
    "--meta",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV of article metadata (id, published, url, outlet, title).",
)
@click.option(
    "--maps",
    "maps_dir",
    type=click.Path(file_okay=False),
    default="maps",
    show_default=True,
    help="Where the HTML maps go.",
)
@click.option(
    "--store",
    type=click.Path(dir_okay=False),
    default="out/demo.gpkg",
    show_default=True,
    help="The GeoPackage store to (re)build.",
)
@click.option(
    "--date",
    "on",
    type=DAY,
    help="Also print who controls what on this date.",
)
@gazetteer_options
def command(
    paths: tuple[str, ...],
    published: date | None,
    meta: str | None,
    maps_dir: str,
    store: str,
    on: date | None,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
) -> None:
    """Ingest PATHS into a fresh store, print the places and the control table, and write
    MAPS/NAME.html (online tiles) and MAPS/NAME-offline.html (self-contained), NAME being
    the theatre's default map name.

    \b
    Examples:
      frontline demo seeds/ --published 2020-06-06
      frontline demo --theatre ID|DIR ARTICLES/ --meta ARTICLES.csv
    """
    from geo.cli.map import cache_file, map_extras
    from geo.control import ControlHistory
    from geo.extract import EventExtractor
    from geo.render import data_range, render_map, write_embed_snippet
    from geo.store import Store, ingest

    th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    gaz = load_gazetteer(str(th.gazetteer_path))
    extractor = EventExtractor(gaz, th.sides)
    store_path = Path(store)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    if store_path.exists():
        store_path.unlink()  # the demo always starts from scratch
    docs = list(c.iter_docs(paths, published=published, meta=meta))
    c.fail_if_nothing(len(docs), "documents")

    rows = []
    for doc in docs:
        for m in extractor.finder.find(doc.text):
            rows.append(
                {
                    "doc_id": doc.doc_id[:12],
                    "mention": m.text,
                    "place": m.place.name,
                    "kind": m.place.kind,
                    "lat": round(m.place.lat, 3),
                    "lon": round(m.place.lon, 3),
                }
            )
    click.echo(f"Places named in {len(docs)} article(s):")
    click.echo(c.table(rows, ["doc_id", "mention", "place", "kind", "lat", "lon"]))

    with Store(store_path) as st:
        st.bind_theatre(th.id, theatre_folder(th))
        result = ingest(st, c.progress(docs, desc="ingest", total=len(docs)), extractor)
        history = ControlHistory.from_store(st, theatre=th, gazetteer=gaz)
    click.echo(f"Stored {result.added} article(s) and {result.events} event(s) in {store_path}")
    day = on or _last_day(docs, th)
    if day is not None:
        states = [s for s in history.state(day) if s.controller != "unknown"]
        click.echo(f"\nControl on {day.isoformat()}:")
        click.echo(
            c.table(
                [
                    {
                        "place": s.place_name,
                        "controller": s.controller,
                        "since": s.since.isoformat() if s.since else "",
                        "sources": len({e.doc_id for e in s.evidence}),
                    }
                    for s in states
                ],
                ["place", "controller", "since", "sources"],
            )
        )
    out = Path(maps_dir)
    # The slider spans the evidence (render_map's default: from the first baseline to the
    # newest report), kept inside the war's period: the map a plain `frontline map` writes.
    start, end = data_range(history)
    if th.period is not None:
        start = min(max(start, th.period[0]), th.period[1])
        end = max(min(end, th.period[1]), start)
    with Store(store_path) as st:
        extras = map_extras(st, history, th, None)
    extras["cache"] = cache_file(store_path, th)
    name = th.default_map
    common: dict[str, Any] = {"start": start, "end": end, "theatre": th, **extras}
    online = render_map(history, th.sides, out_path=out / f"{name}.html", **common)
    offline = render_map(
        history, th.sides, offline=True, out_path=out / f"{name}-offline.html", **common
    )
    snippet = write_embed_snippet(online)
    click.echo(f"Open {offline.resolve()} in a browser (works offline);")
    click.echo(f"     {online.resolve()} uses online tiles; embed with {snippet}.")


def _last_day(docs: list[Document], theatre: Theatre) -> date | None:
    """The newest publication date inside the theatre's period; a warning for each outside."""
    days = []
    for doc in docs:
        if doc.published is None:
            continue
        if theatre.period and not theatre.period[0] <= doc.published <= theatre.period[1]:
            first, last = theatre.period
            c.warn(
                f"{doc.path}: published {doc.published}, outside {theatre.id} "
                f"({first} to {last}); check its date (--meta or --published)"
            )
            continue
        days.append(doc.published)
    return max(days, default=None)
