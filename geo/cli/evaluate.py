"""``frontline evaluate``: precision, recall and F1 of extracted events against gold."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from geo.cli import _common as c
from geo.cli._options import DAY, gazetteer_options, load_gazetteer, resolve_theatre
from geo.evaluate import Labelled, from_record, read_gold, read_predictions, score
from geo.exceptions import DataFileError
from geo.extract import EventExtractor
from geo.theatre import Theatre


@click.command("evaluate")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("predicted", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--max-km", type=float, default=15.0, show_default=True, help="Place tolerance.")
@click.option(
    "--published",
    type=DAY,
    help="Publication date when PREDICTED are articles (default: gold's articles.csv beside it).",
)
@click.option("--show-errors/--no-show-errors", default=True, help="List missed and extra events.")
@gazetteer_options
def command(
    gold: str,
    predicted: tuple[str, ...],
    max_km: float,
    published: date | None,
    show_errors: bool,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
) -> None:
    """Score PREDICTED against GOLD.csv (columns of spec/seeds/gold_events.csv).

    PREDICTED is a jsonl file from ``frontline extract`` or the articles themselves (files or
    directories), which are then extracted first. Events match on article, kind, side and place
    within --max-km; dates are compared at the gold precision. Articles are extracted with
    --theatre (and its --gazetteer and --sides overrides).
    """
    th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    try:
        gold_events = read_gold(Path(gold))
        preds = _predictions(predicted, Path(gold), published, th)
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None
    result = score(gold_events, preds, max_km=max_km)
    rows: list[dict[str, Any]] = []
    for kind, k in [*result.kinds.items(), ("all", result.total)]:
        rows.append(
            {
                "kind": kind,
                "gold": k.tp + k.fn,
                "predicted": k.tp + k.fp,
                "tp": k.tp,
                "precision": round(k.precision, 3),
                "recall": round(k.recall, 3),
                "f1": round(k.f1, 3),
                "date_acc": round(k.date_accuracy, 3),
            }
        )
    click.echo(c.table(rows, list(rows[0])))
    if show_errors:
        for label, items in (("missed", result.missed), ("extra", result.spurious)):
            for e in items:
                click.echo(c.clean(f"{label}: {e.article} {e.kind} {e.side} {e.place} {e.date}"))


def _predictions(
    paths: tuple[str, ...], gold: Path, published: date | None, theatre: Theatre
) -> list[Labelled]:
    if len(paths) == 1 and paths[0].endswith(".jsonl") and _looks_like_predictions(Path(paths[0])):
        return read_predictions(Path(paths[0]))
    meta = str(gold.with_name("articles.csv")) if gold.with_name("articles.csv").exists() else None
    extractor = EventExtractor(load_gazetteer(str(theatre.gazetteer_path)), theatre.sides)
    out: list[Labelled] = []
    for doc in c.iter_docs(paths, published=published, meta=meta):
        out.extend(from_record(e.to_record()) for e in extractor.extract(doc))
    return out


def _looks_like_predictions(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    return '"kind"' in first and '"doc_id"' in first
