"""The ``frontline`` command line: a thin click layer, one command per module.

Only this package prints and configures logging; the library under ``geo`` only logs.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import os
import sqlite3
import sys
from typing import IO, Any

import click

from geo import __version__
from geo.cli._common import RunState, clean

__all__ = ["main"]

# (command name, module): imported lazily so `frontline --help` stays fast and one broken
# optional stage cannot take the whole CLI down.
_COMMANDS = {
    "places": "geo.cli.places",
    "extract": "geo.cli.extract",
    "evaluate": "geo.cli.evaluate",
    "evaluate-control": "geo.cli.evaluate_control",
    "evaluate-places": "geo.cli.evaluate_places",
    "gazetteer": "geo.cli.gazetteer",
    "ingest": "geo.cli.ingest",
    "events": "geo.cli.events",
    "control": "geo.cli.control",
    "export": "geo.cli.export",
    "map": "geo.cli.map",
    "demo": "geo.cli.demo",
}


class _Fatal(click.ClickException):
    """A fatal error, shown as one ``frontline: error:`` line like every other message."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(clean(f"frontline: error: {self.format_message()}"), err=True, file=file)


class _LogFormat(logging.Formatter):
    """Library log records as ``frontline: warning: ...`` lines, cleaned for the terminal."""

    def __init__(self, verbose: int) -> None:
        super().__init__("%(name)s: %(message)s" if verbose else "%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return clean(f"frontline: {record.levelname.lower()}: {super().format(record)}")


def _os_error(exc: OSError) -> str:
    """One line for an OS error: the path it concerns (if any) and the system's reason."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


class _LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an OS error (a full disk, no permission) is one line, not a
        traceback, and every fatal error has the ``frontline: error:`` prefix."""
        try:
            return super().invoke(ctx)
        except click.UsageError:
            raise
        except click.ClickException as exc:
            raise _Fatal(exc.format_message()) from None
        except BrokenPipeError:
            # `frontline places ... | head`: the reader left; not worth a traceback. Point
            # stdout at /dev/null so the interpreter's last flush cannot fail again.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
        except OSError as exc:
            raise _Fatal(_os_error(exc)) from None
        except sqlite3.Error as exc:
            raise _Fatal(f"the store failed: {exc}") from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in _COMMANDS if importlib.util.find_spec(_COMMANDS[n]) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is None or importlib.util.find_spec(module) is None:
            return None
        cmd = importlib.import_module(module).command
        assert isinstance(cmd, click.Command)
        return cmd


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="frontline")
@click.option("-v", "--verbose", count=True, help="Log more (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or notes; errors still shown.")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """frontline: turn war reporting into dated control changes and a front-line map, offline.

    \b
    Typical run:
      frontline places seeds/ --published 2020-06-06
      frontline extract seeds/ --published 2020-06-06 -o events.jsonl
      frontline ingest seeds/ --published 2020-06-06      # into frontline.gpkg
      frontline control --date 2020-06-07
      frontline map --offline                            # maps/<theatre map>.html
    """
    ctx.obj = RunState(quiet=quiet)
    level = logging.WARNING - 10 * verbose if not quiet else logging.ERROR
    handler = logging.StreamHandler()
    handler.setFormatter(_LogFormat(verbose))
    logging.basicConfig(level=max(level, logging.DEBUG), handlers=[handler])
