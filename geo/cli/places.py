"""``frontline places``: find and geocode the place mentions of articles."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from geo.cli import _common as c
from geo.cli._options import (
    documents_options,
    gazetteer_options,
    load_gazetteer,
    output_format,
    resolve_theatre,
)
from geo.toponyms import PlaceFinder

FORMATS = ("table", "csv", "jsonl")
FIELDS = (
    "doc_id",
    "mention",
    "start",
    "end",
    "place_id",
    "place_name",
    "kind",
    "lat",
    "lon",
    "score",
    "precision",
    "via",
)


@click.command("places")
@documents_options
@gazetteer_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: from -o's suffix (.csv, .jsonl), else table].",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically), not stdout."
)
def command(
    paths: tuple[str, ...],
    published: date | None,
    published_override: date | None,
    meta: str | None,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """List the places named in FILE|DIR... (.txt, .jsonl), one row per mention.

    Coordinates are WGS84 lat/lon of the resolved gazetteer place.
    """
    kind = output_format(output, fmt, FORMATS, "table")
    th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    gaz = load_gazetteer(str(th.gazetteer_path))
    sd = th.sides
    finder = PlaceFinder(
        gaz, masks=sd.masks, persons=sd.persons, home_country=sd.theatre.country or None
    )
    rows: list[dict[str, Any]] = []
    docs = 0
    loaded = c.iter_docs(
        paths, published=published, published_override=published_override, meta=meta
    )
    for doc in c.progress(loaded, desc="places"):
        docs += 1
        for m in finder.find(doc.text):
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "mention": m.text,
                    "start": m.start,
                    "end": m.end,
                    "place_id": m.place.id,
                    "place_name": m.place.name,
                    "kind": m.place.kind,
                    "lat": m.place.lat,
                    "lon": m.place.lon,
                    "score": m.score,
                    "precision": m.precision,
                    "via": m.via,
                }
            )
    c.fail_if_nothing(docs, "documents")
    with c.open_output(output) as out:
        c.write_records(rows, FIELDS, kind, out)
