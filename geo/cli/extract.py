"""``frontline extract``: control events from articles."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import click

from geo.cli import _common as c
from geo.cli._options import (
    documents_options,
    gazetteer_options,
    load_gazetteer,
    max_chars_option,
    output_format,
    parallel_options,
    parallel_wanted,
    require_engine,
    resolve_theatre,
)
from geo.extract import EVENT_FIELDS, EventExtractor
from geo.parallel import analyse_in_parts, extract_parallel, parse_engine

FORMATS = ("jsonl", "geojson", "csv", "table")


@click.command("extract")
@documents_options
@gazetteer_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format; GeoJSON is RFC 7946 (lon, lat) points "
    "[default: from -o's suffix (.jsonl, .geojson, .json, .csv), else jsonl].",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically), not stdout."
)
@click.option(
    "--activities/--no-activities",
    default=True,
    show_default=True,
    help="Also emit offensive and strike activity (never changes control).",
)
@max_chars_option
@parallel_options
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
    activities: bool,
    max_chars: int,
    jobs: int,
    engine: str,
    scheduler: str | None,
) -> None:
    """Extract dated control events (capture, withdraw, contested, control_claim) from
    FILE|DIR... (.txt, .jsonl), one record per event with the sentence it came from."""
    kind = output_format(output, fmt, FORMATS, "jsonl")
    require_engine(engine)
    th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    extractor = EventExtractor(
        load_gazetteer(str(th.gazetteer_path)), th.sides, activities=activities
    )
    records: list[dict[str, Any]] = []
    docs = 0
    loaded = c.iter_docs(
        paths, published=published, published_override=published_override, meta=meta
    )
    stream = c.progress(loaded, desc="extract")
    mine, theirs = itertools.tee(stream)
    if parallel_wanted(jobs, engine):
        if not activities:
            raise click.UsageError("--no-activities works with --jobs 1 only")
        results = extract_parallel(
            theirs,
            jobs=jobs,
            engine=parse_engine(engine),
            scheduler=scheduler,
            gazetteer_path=th.gazetteer_path,
            sides_path=th.sides_path,
            theatre_path=th.root,
            max_chars=max_chars,
        )
    else:
        results = (analyse_in_parts(extractor, d, max_chars)[0] for d in theirs)
    for doc, events in zip(mine, results, strict=True):
        docs += 1
        if doc.published is None:
            c.warn(f"{doc.path}: no publication date (use --published or --meta); dates left empty")
        records.extend(e.to_record() for e in events)
    c.fail_if_nothing(docs, "documents")
    with c.open_output(output) as out:
        if kind == "geojson":
            features = [
                {
                    "type": "Feature",
                    # RFC 7946: positions are (lon, lat).
                    "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                    "properties": r,
                }
                for r in records
            ]
            out.write(c.json_line({"type": "FeatureCollection", "features": features}) + "\n")
        else:
            c.write_records(records, EVENT_FIELDS if kind != "table" else _TABLE, kind, out)


_TABLE = ("doc_id", "kind", "side", "place", "place_name", "date", "date_precision", "confidence")
