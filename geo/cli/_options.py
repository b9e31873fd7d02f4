"""Options shared by several commands, and loaders that turn data errors into usage errors."""

from __future__ import annotations

import calendar
import importlib.util
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from geo.cli._common import warn
from geo.documents import DEFAULT_MAX_CHARS
from geo.exceptions import GazetteerError, SidesError, StoreError, TheatreError
from geo.gazetteer import Gazetteer
from geo.sides import Sides
from geo.theatre import Theatre, load_theatre, packaged_theatres

if TYPE_CHECKING:
    from geo.store import Store

F = TypeVar("F", bound=Callable[..., Any])


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


if TYPE_CHECKING:
    _DateParamType = click.ParamType[Any, date]
else:  # older click has no generic ParamType at run time
    _DateParamType = click.ParamType


class IsoDate(_DateParamType):
    """A strict ISO date option: ``YYYY-MM-DD``; with ``partial`` also ``YYYY-MM`` and ``YYYY``.

    Every date option of every command uses this type, so all share one metavar and one error.
    A partial date means its first day, or its last with ``end`` (``--to 2020-06`` includes
    the whole of June). Nothing else is guessed: ``2020-13-01`` and ``07/06/2020`` are errors.
    """

    name = "date"

    def __init__(self, *, partial: bool = False, end: bool = False) -> None:
        self.partial = partial
        self.end = end

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "YYYY[-MM[-DD]]" if self.partial else "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        metavar = "YYYY[-MM[-DD]]" if self.partial else "YYYY-MM-DD"
        m = _ISO_DATE.fullmatch(text)
        if m is None or (m.group(3) is None and not self.partial):
            self.fail(f"{text!r} is not a date; use {metavar}", param, ctx)
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        try:
            if month is None:
                return date(year, 12, 31) if self.end else date(year, 1, 1)
            if day is None:
                last = calendar.monthrange(year, int(month))[1] if 1 <= int(month) <= 12 else 0
                return date(year, int(month), last if self.end else 1)
            return date(year, int(month), int(day))
        except ValueError as exc:
            self.fail(f"{text!r} is not a date ({exc}); use {metavar}", param, ctx)


DAY = IsoDate()


def date_option(
    *names: str, help: str, partial: bool = False, end: bool = False, **kw: Any
) -> Callable[[F], F]:
    """A date option of type :class:`IsoDate` (``YYYY-MM-DD``, or partial where it makes sense)."""
    return click.option(*names, type=IsoDate(partial=partial, end=end), help=help, **kw)


def documents_options(func: F) -> F:
    """PATHS, --published, --published-override and --meta."""
    func = click.option(
        "--meta",
        type=click.Path(exists=True, dir_okay=False),
        help="CSV of article metadata (id, published, url, outlet, title).",
    )(func)
    func = date_option(
        "--published-override",
        help="Publication date for every article, replacing the one it carries.",
    )(func)
    func = date_option(
        "--published",
        help="Publication date for articles that carry none (in a jsonl field or --meta); "
        "else it is read from the text.",
    )(func)
    return click.argument("paths", nargs=-1, required=True, type=click.Path())(func)


# Output file suffix -> format, as ogr2ogr, fio and geopandas infer a driver from it.
FORMAT_BY_SUFFIX: Mapping[str, str] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".html": "html",
    ".htm": "html",
}


def output_format(
    output: Path | str | None, fmt: str | None, choices: tuple[str, ...], default: str
) -> str:
    """The format to write: ``--format``, else inferred from ``-o``'s suffix, else ``default``.

    Raises
    ------
    click.UsageError
        When ``--format`` contradicts the suffix, or the suffix names a format the command
        cannot write.
    """
    inferred = FORMAT_BY_SUFFIX.get(Path(output).suffix.lower()) if output else None
    if output is not None and str(output) != "-" and inferred is not None:
        if inferred not in choices:
            raise click.UsageError(
                f"-o {output}: a {Path(output).suffix} file holds {inferred}, which this "
                f"command does not write (formats: {', '.join(choices)})"
            )
        if fmt is not None and fmt != inferred:
            raise click.UsageError(
                f"--format {fmt} does not match -o {output} (a {Path(output).suffix} file "
                f"holds {inferred})"
            )
        return inferred
    return fmt or default


THEATRE_HELP = (
    "The war: a packaged theatre id or a folder with a theatre.toml "
    "[default: the store's theatre, else the packaged default]."
)


def theatre_option(func: F) -> F:
    """--theatre ID|DIR."""
    return click.option("--theatre", metavar="ID|DIR", help=THEATRE_HELP)(func)


def gazetteer_options(func: F) -> F:
    """--theatre, with --gazetteer and --sides overrides of its files."""
    func = click.option(
        "--sides",
        type=click.Path(exists=True, dir_okay=False),
        help="Sides TOML file [default: the theatre's].",
    )(func)
    func = click.option(
        "--gazetteer",
        type=click.Path(exists=True, dir_okay=False),
        help="Gazetteer CSV [default: the theatre's].",
    )(func)
    return theatre_option(func)


def resolve_theatre(
    theatre: str | None,
    *,
    sides: str | None = None,
    gazetteer: str | None = None,
    store: Store | None = None,
) -> Theatre:
    """The theatre of a command: --theatre, else the store's, else the default; then overrides.

    A store built with another theatre is a usage error: one store holds one war.
    """
    recorded = store.theatre() if store is not None else None
    try:
        if theatre is None and recorded is not None:
            found = load_theatre(recorded[1] or recorded[0])
        else:
            found = load_theatre(theatre)
        if store is not None and recorded is not None and recorded[0] != found.id:
            raise click.UsageError(
                f"{store.path} was built with theatre {recorded[0]!r}, not {found.id!r}: "
                "one store holds one theatre (use another --store, or leave out --theatre)"
            )
        return found.with_files(sides=sides, gazetteer=gazetteer)
    except (TheatreError, SidesError) as exc:
        raise click.ClickException(str(exc)) from None


def theatre_of_store(
    store_path: Path,
    theatre: str | None,
    *,
    sides: str | None = None,
    gazetteer: str | None = None,
) -> Theatre:
    """:func:`resolve_theatre` against the store at ``store_path``, if there is one yet."""
    if not store_path.exists():
        return resolve_theatre(theatre, sides=sides, gazetteer=gazetteer)
    from geo.store import Store

    try:
        with Store(store_path, create=False) as store:
            return resolve_theatre(theatre, sides=sides, gazetteer=gazetteer, store=store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def theatre_folder(theatre: Theatre) -> str:
    """What a store records as the theatre's folder: "" for a packaged theatre."""
    packaged = theatre.id in packaged_theatres() and load_theatre(theatre.id).root == theatre.root
    return "" if packaged else str(theatre.root)


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


def max_chars_option(func: F) -> F:
    """--max-chars: the size beyond which a document is extracted in parts."""
    return click.option(
        "--max-chars",
        type=click.IntRange(min=1000),
        default=DEFAULT_MAX_CHARS,
        show_default=True,
        help="Extract longer documents in parts cut at paragraph breaks (a note says so).",
    )(func)


def require_engine(engine: str) -> None:
    """Fail with one line, not a traceback, when ``--engine dask`` lacks its packages."""
    if engine != "dask":
        return
    missing = [m for m in ("dask", "distributed") if importlib.util.find_spec(m) is None]
    if missing:
        raise click.ClickException(
            f"--engine dask needs {' and '.join(missing)}: pip install 'frontline[dask]'"
        )


def parallel_wanted(jobs: int, engine: str) -> bool:
    """True when extraction should leave this process."""
    return engine == "dask" or jobs != 1
