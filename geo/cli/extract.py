"""``frontline extract``: control events from articles."""

from __future__ import annotations

import itertools
import json
from typing import Any

import click

from geo.cli import _common as c
from geo.cli._options import (
    documents_options,
    gazetteer_options,
    load_gazetteer,
    load_sides,
    parallel_options,
    parallel_wanted,
)
from geo.events import EVENT_FIELDS, EventExtractor
from geo.parallel import extract_parallel, parse_engine


@click.command("extract")
@documents_options
@gazetteer_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "geojson", "csv", "table"]),
    default="jsonl",
    show_default=True,
    help="Output format; GeoJSON is RFC 7946 (lon, lat) points.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@click.option(
    "--activities/--no-activities",
    default=True,
    show_default=True,
    help="Also emit offensive and strike activity (never changes control).",
)
@parallel_options
def command(
    paths: tuple[str, ...],
    published: Any,
    meta: str | None,
    gazetteer: str | None,
    sides: str | None,
    fmt: str,
    output: str | None,
    activities: bool,
    jobs: int,
    engine: str,
    scheduler: str | None,
) -> None:
    """Extract dated control events (capture, withdraw, contested, control_claim) from
    FILE|DIR... (.txt, .jsonl), one record per event with the sentence it came from."""
    extractor = EventExtractor(load_gazetteer(gazetteer), load_sides(sides), activities=activities)
    records: list[dict[str, Any]] = []
    docs = 0
    stream = c.progress(c.iter_docs(paths, published=published, meta=meta), desc="extract")
    mine, theirs = itertools.tee(stream)
    if parallel_wanted(jobs, engine):
        if not activities:
            raise click.UsageError("--no-activities works with --jobs 1 only")
        results = extract_parallel(
            theirs,
            jobs=jobs,
            engine=parse_engine(engine),
            scheduler=scheduler,
            gazetteer_path=gazetteer,
            sides_path=sides,
        )
    else:
        results = (extractor.extract(d) for d in theirs)
    for doc, events in zip(mine, results, strict=True):
        docs += 1
        if doc.published is None:
            c.warn(f"{doc.path}: no publication date (use --published or --meta); dates left empty")
        records.extend(e.to_record() for e in events)
    c.fail_if_nothing(docs, "documents")
    out = c.open_output(output)
    try:
        if fmt == "geojson":
            features = [
                {
                    "type": "Feature",
                    # RFC 7946: positions are (lon, lat).
                    "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                    "properties": r,
                }
                for r in records
            ]
            json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
            out.write("\n")
        else:
            c.write_records(records, EVENT_FIELDS if fmt != "table" else _TABLE, fmt, out)
    finally:
        if output:
            out.close()


_TABLE = ("doc_id", "kind", "side", "place", "place_name", "date", "date_precision", "confidence")
