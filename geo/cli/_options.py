"""Options shared by several commands, and loaders that turn data errors into usage errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from geo.cli._common import parse_date_option, warn
from geo.exceptions import GazetteerError, SidesError
from geo.gazetteer import Gazetteer
from geo.sides import Sides

F = TypeVar("F", bound=Callable[..., Any])


def documents_options(func: F) -> F:
    """PATHS, --published and --meta."""
    func = click.option(
        "--meta",
        type=click.Path(exists=True, dir_okay=False),
        help="CSV of article metadata (id, published, url, outlet, title).",
    )(func)
    func = click.option(
        "--published",
        callback=parse_date_option,
        metavar="DATE",
        help="Publication date for every article (else jsonl field, --meta, or the text).",
    )(func)
    return click.argument("paths", nargs=-1, required=True, type=click.Path())(func)


def gazetteer_options(func: F) -> F:
    """--gazetteer and --sides overrides of the packaged data."""
    func = click.option(
        "--sides", type=click.Path(exists=True, dir_okay=False), help="Sides TOML file."
    )(func)
    return click.option(
        "--gazetteer",
        type=click.Path(exists=True, dir_okay=False),
        help="Gazetteer CSV (default: the packaged Libya gazetteer).",
    )(func)


def load_gazetteer(path: str | None) -> Gazetteer:
    """Load the gazetteer; bad rows are warnings, a missing file is an error."""
    try:
        return Gazetteer.load(path, on_error=lambda err: warn(str(err)))
    except GazetteerError as exc:
        raise click.ClickException(str(exc)) from None


def load_sides(path: str | None) -> Sides:
    """Load the sides file or fail with its one-line error."""
    try:
        return Sides.load(path)
    except SidesError as exc:
        raise click.ClickException(str(exc)) from None


def parallel_options(func: F) -> F:
    """--jobs, --engine and --scheduler: where extraction runs (writing stays single)."""
    func = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: a dask.distributed scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: a local cluster).",
    )(func)
    func = click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Process pool on this machine, or dask (pip install 'frontline[dask]').",
    )(func)
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        help="Worker processes for extraction; 0 uses every core.",
    )(func)


def parallel_wanted(jobs: int, engine: str) -> bool:
    """True when extraction should leave this process."""
    return engine == "dask" or jobs != 1
