"""Helpers shared by the commands: loading documents with error reporting, output, progress."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from tqdm import tqdm

from geo._output import open_atomic
from geo.documents import Document, load_documents, read_meta
from geo.exceptions import DocumentError, FrontlineError, OutputError

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


# C0 controls but tab and newline, DEL, and C1 controls: a terminal obeys them (colours, cursor
# moves, titles, even "report the window title" tricks), so nothing from an input reaches it raw.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` without control characters (newlines and tabs kept), safe for a terminal."""
    return _TERMINAL_UNSAFE.sub("", text)


def to_terminal() -> bool:
    """Whether stdout is a terminal (then even machine formats are cleaned of controls)."""
    return sys.stdout.isatty()


_JSON_RAW_CONTROLS = re.compile(r"[\x7f-\x9f]")


def json_line(record: Any) -> str:
    """One JSON line; DEL and C1 controls escaped too (json escapes only C0), losslessly."""
    line = json.dumps(record, ensure_ascii=False)
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def _stderr(line: str) -> None:
    click.echo(clean(line), err=True)


def error(message: str) -> None:
    """One ``frontline: error:`` line on stderr for an input that was skipped; never silenced."""
    state().errors.append(message)
    _stderr(f"frontline: error: {message}")


def warn(message: str) -> None:
    """One ``frontline: warning:`` line on stderr (the input was still used); -q silences it."""
    if not state().quiet:
        _stderr(f"frontline: warning: {message}")


def note(message: str) -> None:
    """A ``frontline:`` progress or summary line on stderr; -q silences it."""
    if not state().quiet:
        _stderr(f"frontline: {message}")


def report(err: DocumentError) -> None:
    """A bad file or line: a warning when the document was still read, else an error."""
    (warn if err.kept else error)(str(err))


def progress(items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
    """Wrap ``items`` in a progress bar when stderr is a terminal and -q is off."""
    quiet = state().quiet or not sys.stderr.isatty()
    yield from tqdm(items, desc=desc, total=total, disable=quiet, unit="doc", file=sys.stderr)


def iter_docs(
    paths: Sequence[str],
    *,
    published: date | None,
    meta: str | None,
    published_override: date | None = None,
) -> Iterator[Document]:
    """Documents from the command's paths; each bad file or line is one error line."""
    meta_map = {}
    if meta:
        try:
            meta_map = read_meta(Path(meta))
        except (DocumentError, OSError) as exc:
            raise click.ClickException(str(exc)) from None

    yield from load_documents(
        paths,
        published=published,
        published_override=published_override,
        meta=meta_map,
        on_error=report,
    )


@contextlib.contextmanager
def open_output(path: str | Path | None) -> Iterator[TextIO]:
    """The output stream: stdout, or a file written atomically (see :mod:`geo._output`).

    Raises
    ------
    click.ClickException
        When the path is a frontline store, or on an OS error (one line naming the path).
    """
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    try:
        with open_atomic(path) as fh:
            yield fh
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


def write_records(
    records: Iterable[dict[str, Any]], fields: Sequence[str], fmt: str, out: TextIO
) -> int:
    """Write records as jsonl, csv or an aligned table; return how many were written."""
    rows = list(records)
    if fmt == "jsonl":
        for r in rows:
            out.write(json_line(r) + "\n")
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        text = buf.getvalue()
        out.write(clean(text) if out.isatty() else text)
    else:
        out.write(table(rows, fields))
    return len(rows)


def table(rows: Sequence[dict[str, Any]], fields: Sequence[str], *, width: int = 40) -> str:
    """A plain aligned text table, cells cut at ``width`` characters."""

    def cell(v: Any) -> str:
        text = f"{v:.4f}" if isinstance(v, float) else str(v)
        text = " ".join(clean(text).split())
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
    "clean",
    "error",
    "fail_if_nothing",
    "iter_docs",
    "json_line",
    "note",
    "open_output",
    "progress",
    "report",
    "state",
    "table",
    "to_terminal",
    "warn",
    "write_records",
]
