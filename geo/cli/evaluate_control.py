"""``frontline evaluate-control``: score the control picture against documented history."""

from __future__ import annotations

from pathlib import Path

import click

from geo.cli import _common as c
from geo.cli.control import build_history, history_options, source_lines
from geo.exceptions import FrontlineError
from geo.gazetteer import Gazetteer
from geo.truth import TruthResult, load_truth, score

__all__ = ["command"]


@click.command("evaluate-control")
@click.argument("truth", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--reports",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Independent sources listed for and against the state of each row (0: none).",
)
@click.option("--wrong-only", is_flag=True, help="List only the rows that are wrong.")
@history_options
def command(
    *,
    truth: Path,
    reports: int,
    wrong_only: bool,
    store_path: Path,
    theatre: str | None,
    sides: str | None,
    gazetteer: str | None,
    baseline: Path | None,
    overrides: Path | None,
    stale_days: int,
    max_distance_km: float,
) -> None:
    """Score the control history against TRUTH.csv (date,place,lat,lon,accept,source).

    Each row prints as right or wrong with the state found on its date (controller, status,
    confidence) and the evidence behind it, then the accuracy. `accept` is a side id,
    `contested` or `unknown`, or several joined by `|`. Score the articles alone with
    `--baseline` pointing at a file with only the header row.
    """
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
    store.close()
    try:
        rows = load_truth(truth, sides=history.sides.ids)
        gaz = Gazetteer.load(th.gazetteer_path)
    except FrontlineError as exc:
        raise click.ClickException(str(exc)) from None
    result = score(history, rows, gaz)
    click.echo(
        f"{'':5} {'date':10} {'place':24} {'accept':17} {'found':10} {'status':9} "
        f"{'conf':>4} {'for':>3} {'agst':>4}  matched"
    )
    for r in result.results:
        if wrong_only and r.right:
            continue
        click.echo(c.clean(_line(r)))
        if r.state is not None:
            for sign, refs in (("+", r.state.evidence), ("-", r.state.against)):
                for line in source_lines(refs, reports):
                    click.echo(c.clean(f"{'':8}{sign} {line}"))
    n = len(result.results)
    click.echo(f"accuracy {result.right}/{n} = {result.accuracy:.3f}  ({truth})")


def _line(r: TruthResult) -> str:
    row, s = r.row, r.state
    matched = f"{c.clean(r.place.name)} ({r.place.id})" if r.place else "no such place"
    if r.place is not None and s is None:
        matched += ", no evidence"
    status, conf, pro, con = (
        (s.status, f"{s.confidence:4.2f}", s.sources_for, s.sources_against)
        if s is not None
        else ("unknown", "0.00", 0, 0)
    )
    return (
        f"{'right' if r.right else 'WRONG':5} {row.date.isoformat():10} "
        f"{c.clean(row.place)[:24]:24} {'|'.join(row.accept)[:17]:17} {r.found[:10]:10} "
        f"{status:9} {conf:>4} {pro:>3} {con:>4}  {matched}"
    )
