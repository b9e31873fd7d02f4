"""``frontline demo``: the whole pipeline on a folder of articles, as ``make demo`` runs it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from geo.cli import _common as c
from geo.cli._options import DAY, load_gazetteer, load_sides


@click.command("demo")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--published",
    type=DAY,
    help="Publication date for articles that carry none.",
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
def command(
    paths: tuple[str, ...], published: date | None, maps_dir: str, store: str, on: date | None
) -> None:
    """Ingest PATHS into a fresh store, print the places and the control table, and write
    MAPS/libya.html (online tiles) and MAPS/libya-offline.html (self-contained)."""
    from geo.control import ControlHistory
    from geo.events import EventExtractor
    from geo.render import render_map, write_embed_snippet
    from geo.store import Store, ingest

    gaz = load_gazetteer(None)
    sides = load_sides(None)
    extractor = EventExtractor(gaz, sides)
    store_path = Path(store)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    if store_path.exists():
        store_path.unlink()  # the demo always starts from scratch
    docs = list(c.iter_docs(paths, published=published, meta=None))
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
        result = ingest(st, c.progress(docs, desc="ingest", total=len(docs)), extractor)
        history = ControlHistory.from_store(st, sides=sides, gazetteer=gaz)
    click.echo(f"Stored {result.added} article(s) and {result.events} event(s) in {store_path}")
    day = on or max((d.published for d in docs if d.published), default=None)
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
    # The slider runs from the baseline to a few days after the newest article, not from the
    # oldest year-precise mention, so the steps that matter fill the slider.
    as_of = [b.as_of for b in history.baseline.values()]
    start = min(as_of) if as_of else None
    end = day + timedelta(days=4) if day is not None else None
    online = render_map(history, sides, start=start, end=end, out_path=out / "libya.html")
    offline = render_map(
        history, sides, start=start, end=end, offline=True, out_path=out / "libya-offline.html"
    )
    snippet = write_embed_snippet(online)
    click.echo(f"Open {offline.resolve()} in a browser (works offline);")
    click.echo(f"     {online.resolve()} uses online tiles; embed with {snippet}.")
