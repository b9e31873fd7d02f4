"""Helpers shared by the commands: loading documents with error reporting, output, progress."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from tqdm import tqdm

from geo.dates import parse_date
from geo.documents import Document, load_documents, read_meta
from geo.exceptions import DocumentError, FrontlineError

T = TypeVar("T")


@dataclass
class RunState:
    """Options of the whole invocation, set by the main group."""

    quiet: bool = False
    errors: list[str] = field(default_factory=list)


def state() -> RunState:
    """The :class:`RunState` of the current click context."""
    ctx = click.get_current_context()
    obj = ctx.find_root().obj
    if not isinstance(obj, RunState):
        obj = RunState()
        ctx.find_root().obj = obj
    return obj


def warn(message: str) -> None:
    """Print one warning line on stderr (kept even with -q: errors are never silent)."""
    state().errors.append(message)
    click.echo(f"frontline: {message}", err=True)


def progress(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
    """Wrap ``items`` in a progress bar when stderr is a terminal and -q is off."""
    quiet = state().quiet or not sys.stderr.isatty()
    yield from tqdm(items, desc=desc, total=total, disable=quiet, unit="doc", file=sys.stderr)


def parse_date_option(
    ctx: click.Context | None, param: click.Parameter | None, value: str | None
) -> date | None:
    """Click callback: a lenient date, or a usage error naming the value."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def iter_docs(
    paths: Sequence[str], *, published: date | None, meta: str | None
) -> Iterator[Document]:
    """Documents from the command's paths; each bad file or line is one warning line."""
    meta_map = {}
    if meta:
        try:
            meta_map = read_meta(Path(meta))
        except (DocumentError, OSError) as exc:
            raise click.ClickException(str(exc)) from None

    def on_error(err: DocumentError) -> None:
        warn(str(err))

    yield from load_documents(paths, published=published, meta=meta_map, on_error=on_error)


def open_output(path: str | None) -> TextIO:
    """The output stream: a file (parent created) or stdout."""
    if path is None or path == "-":
        return sys.stdout
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out.open("w", encoding="utf-8", newline="")


def write_records(
    records: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO
) -> int:
    """Write records as jsonl, csv or an aligned table; return how many were written."""
    rows = list(records)
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        out.write(table(rows, fields))
    return len(rows)


def table(rows: Sequence[dict[str, Any]], fields: Sequence[str], *, width: int = 40) -> str:
    """A plain aligned text table, cells cut at ``width`` characters."""

    def cell(v: Any) -> str:
        text = f"{v:.4f}" if isinstance(v, float) else str(v)
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cell(r.get(f, "")) for f in fields] for r in rows]
    widths = [max([len(f)] + [len(c[i]) for c in cells]) for i, f in enumerate(fields)]
    buf = io.StringIO()
    buf.write("  ".join(f.ljust(w) for f, w in zip(fields, widths, strict=True)).rstrip() + "\n")
    for c in cells:
        buf.write("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)).rstrip() + "\n")
    return buf.getvalue()


def fail_if_nothing(done: int, what: str) -> None:
    """Exit non-zero only when nothing at all could be done."""
    if done == 0 and state().errors:
        raise click.ClickException(f"no {what}: every input failed (see the lines above)")


__all__ = [
    "FrontlineError",
    "RunState",
    "fail_if_nothing",
    "iter_docs",
    "open_output",
    "parse_date_option",
    "progress",
    "state",
    "table",
    "warn",
    "write_records",
]
