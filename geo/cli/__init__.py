"""The ``frontline`` command line: a thin click layer, one command per module.

Only this package prints and configures logging; the library under ``geo`` only logs.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

import click

from geo import __version__
from geo.cli._common import RunState

__all__ = ["main"]

# (command name, module): imported lazily so `frontline --help` stays fast and one broken
# optional stage cannot take the whole CLI down.
_COMMANDS = {
    "places": "geo.cli.places",
    "extract": "geo.cli.extract",
    "evaluate": "geo.cli.evaluate",
    "gazetteer": "geo.cli.gazetteer",
    "ingest": "geo.cli.ingest",
    "events": "geo.cli.events",
    "control": "geo.cli.control",
    "export": "geo.cli.export",
    "map": "geo.cli.map",
    "demo": "geo.cli.demo",
}


class _LazyGroup(click.Group):
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
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s"
    )
