"""Reading the hand-kept data files (gazetteer, aliases, baselines, overrides, gold, sides).

Two rules, so that a broken file is reported where it is broken and nothing is silently lost:

* A data file is UTF-8 (a UTF-8 byte-order mark is allowed). Anything else is one error naming
  the file, the line and the byte, never a traceback.
* A CSV record is one line. Each line is parsed on its own with :mod:`csv`'s strict mode, so an
  unterminated quote is an error at its own line and cannot swallow the rows after it (as a
  reader that lets a quoted field run on would); every data line yields a row or an error.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from geo.exceptions import LocatedError

__all__ = ["raise_it", "read_csv_rows", "read_text"]

E = TypeVar("E", bound=LocatedError)


def read_text(path: Path, error: Callable[[str, int | None, str], LocatedError]) -> str:
    """The text of a UTF-8 data file.

    Raises
    ------
    LocatedError
        Made by ``error(path, line, reason)``, when the file cannot be read or is not UTF-8.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(str(path), None, f"cannot read ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            str(path),
            line,
            f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        ) from None


def raise_it(err: LocatedError) -> None:
    """A row handler for files in which one bad row spoils the whole (a baseline, gold)."""
    raise err


def read_csv_rows(
    path: Path,
    required: Sequence[str],
    error: Callable[[str, int | None, str], E],
    on_error: Callable[[E], None],
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of each data line of a UTF-8 CSV file with a header line.

    Blank lines are skipped. A line that is not one well-formed CSV record (an unterminated
    quote, a stray quote, more fields than the header) goes to ``on_error`` and is skipped;
    missing trailing fields are empty.

    Raises
    ------
    LocatedError
        Made by ``error``, when the file cannot be read, is not UTF-8, or lacks a required
        column.
    """
    # Lines end at "\n" only: U+2028 and the like are text inside a field, not line ends.
    lines = [line.removesuffix("\r") for line in read_text(path, error).split("\n")]
    header = _header(path, lines, required, error)
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            on_error(error(str(path), lineno, f"malformed CSV line ({exc}); row skipped"))
            continue
        if len(fields) > len(header):
            reason = f"{len(fields)} fields, the header has {len(header)}; row skipped"
            on_error(error(str(path), lineno, reason))
            continue
        yield lineno, dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True))


def _header(
    path: Path,
    lines: Sequence[str],
    required: Sequence[str],
    error: Callable[[str, int | None, str], LocatedError],
) -> list[str]:
    if not lines or not lines[0].strip():
        if required:
            raise error(str(path), None, "empty file (no header line)")
        return []
    try:
        header = [h.strip() for h in next(csv.reader([lines[0]], strict=True))]
    except csv.Error as exc:
        raise error(str(path), 1, f"malformed header line ({exc})") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise error(str(path), 1, f"missing column(s) {', '.join(missing)}")
    return header
