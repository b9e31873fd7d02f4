"""``frontline evaluate-places``: precision and recall of place mentions against gold."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from geo.cli import _common as c
from geo.cli._options import gazetteer_options, load_gazetteer, resolve_theatre
from geo.evaluate_places import PredictedMention, read_gold_places, score_places
from geo.exceptions import DataFileError
from geo.toponyms import PlaceFinder


@click.command("evaluate-places")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("predicted", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--max-km", type=float, default=15.0, show_default=True, help="Place tolerance.")
@click.option(
    "--examples",
    type=click.Path(exists=True, dir_okay=False),
    help="Also check that every place of these invented examples (jsonl) is found.",
)
@click.option("--show-errors/--no-show-errors", default=True, help="List missed and extra strings.")
@gazetteer_options
def command(
    gold: str,
    predicted: tuple[str, ...],
    max_km: float,
    examples: str | None,
    show_errors: bool,
    theatre: str | None,
    gazetteer: str | None,
    sides: str | None,
) -> None:
    """Score the place mentions of PREDICTED against GOLD (a gold_places.csv).

    PREDICTED is the articles themselves (files or directories, read with --theatre and its
    --gazetteer and --sides overrides) or a CSV from ``frontline places``. A mention matches
    a gold row on article and surface string (case-sensitive, white space collapsed), as a
    set per article; ``placed`` is the share of matched strings whose resolved place lies
    within --max-km of the gold coordinates.
    """
    try:
        gold_rows = read_gold_places(Path(gold))
        finder = None if _is_csv(predicted) else _finder(theatre, gazetteer, sides)
        preds = list(_from_csv(predicted[0]) if finder is None else _found(predicted, finder))
    except DataFileError as exc:
        raise click.ClickException(str(exc)) from None
    result = score_places(gold_rows, preds, max_km=max_km)
    row = {
        "gold": result.tp + result.fn,
        "predicted": result.tp + result.fp,
        "tp": result.tp,
        "precision": f"{result.precision:.4f}",
        "recall": f"{result.recall:.4f}",
        "f1": f"{result.f1:.4f}",
        "placed": f"{result.placed_share:.4f}",
    }
    click.echo(c.table([row], list(row)))
    if show_errors:
        for article, mention in result.missed:
            click.echo(f"missed: {article} {mention}")
        for article, mention in result.spurious:
            click.echo(f"extra: {article} {mention}")
    if examples:
        _check_examples(Path(examples), finder or _finder(theatre, gazetteer, sides), max_km)


def _is_csv(paths: tuple[str, ...]) -> bool:
    return len(paths) == 1 and Path(paths[0]).suffix.lower() == ".csv"


def _finder(theatre: str | None, gazetteer: str | None, sides: str | None) -> PlaceFinder:
    th = resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    gaz = load_gazetteer(str(th.gazetteer_path))
    sd = th.sides
    return PlaceFinder(
        gaz, masks=sd.masks, persons=sd.persons, home_country=sd.theatre.country or None
    )


def _found(paths: tuple[str, ...], finder: PlaceFinder) -> Iterator[PredictedMention]:
    for doc in c.iter_docs(paths, published=None, meta=None):
        for m in finder.find(doc.text):
            yield PredictedMention(doc.doc_id, m.text, m.place.lat, m.place.lon)


def _from_csv(path: str) -> Iterator[PredictedMention]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            try:
                yield PredictedMention(
                    row["doc_id"], row["mention"], float(row["lat"]), float(row["lon"])
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise DataFileError(path, reader.line_num, f"bad prediction: {exc}") from None


def _check_examples(path: Path, finder: PlaceFinder, max_km: float) -> None:
    """Each expected place of each example: a mention within ``max_km`` of it, or, without
    coordinates, a mention whose string is part of the expected place's name."""
    found = total = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            example: dict[str, Any] = json.loads(line)
            expected = [e for e in example.get("expect", []) if e.get("place")]
        except (json.JSONDecodeError, AttributeError) as exc:
            raise click.ClickException(f"{path}:{lineno}: {exc}") from None
        mentions = finder.find(str(example.get("text", "")))
        for e in expected:
            total += 1
            if any(_covers(e, m.text, m.place.lat, m.place.lon, max_km) for m in mentions):
                found += 1
            else:
                click.echo(f"not found: {example.get('id', lineno)} {e['place']}")
    click.echo(f"examples: {found}/{total} expected places found")


def _covers(expected: dict[str, Any], text: str, lat: float, lon: float, max_km: float) -> bool:
    from geo._geodesy import distance_km

    if expected.get("lat") is None or expected.get("lon") is None:
        return text.lower() in str(expected["place"]).lower()
    return distance_km((float(expected["lat"]), float(expected["lon"])), (lat, lon)) <= max_km
