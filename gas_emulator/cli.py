"""``gas-emu``: the emulator's command line (run, simulate, explore, replay, merge, serve-api).

Each command lives beside the code it drives and is imported only when used, so ``gas-emu --help``
stays fast. Exit status: 0 ok, 1 the function threw or a check failed, 2 usage errors.

``--json`` documents, every command: one JSON object on stdout, keys in snake_case, ``ok`` (bool)
at the top; a command that fails before it has anything to report prints
``{"ok": false, "error": {"message": ..., "exit_code": ...}}`` (gasctl's shape), and the usual
message still goes to stderr.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys

import click

#: command name -> ("module:attribute" of a click.Command, one-line help shown by --help)
COMMANDS = {
    "run": ("gas_emulator.runtime.cli:run", "Run one function of an Apps Script project in V8."),
    "simulate": ("gas_emulator.sim.cli:simulate", "Simulate N simultaneous executions under a seed."),
    "explore": ("gas_emulator.sim.cli:explore", "Run a range of seeds; stop at the first failure."),
    "replay": ("gas_emulator.sim.cli:replay", "Rerun one seed and print its trace."),
    "merge": ("gas_emulator.sim.merge:merge", "Merge the explore --shard outputs of a CI matrix."),
    "serve-api": ("gas_emulator.api_server.cli:serve_api", "Serve a fake Apps Script REST API on loopback."),
}


#: ctx.meta key: the command line asked for one JSON document.
JSON_FLAG = "gas_emu.json"


def error_document(message: str, exit_code: int) -> dict:
    """What ``--json`` prints when a command fails before it has a report: the shape gasctl uses."""
    return {"ok": False, "error": {"message": message, "exit_code": exit_code}}


class LazyGroup(click.Group):
    """Commands imported on first use; with ``--json``, a failure is a JSON document too."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[JSON_FLAG] = "--json" in args
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            if ctx.meta.get(JSON_FLAG):
                click.echo(json.dumps(error_document(err.format_message(), err.exit_code)))
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target[0].split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help from the table: listing commands must not import V8 or the API client.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gas-emulator")
@click.option("--verbose", "-v", count=True, help="Diagnostics on stderr (-v: progress notes, -vv: debug).")
def main(verbose: int) -> None:
    """A local Google Apps Script runtime with a deterministic concurrency simulator.

    \b
    Examples (in a folder with .clasp.json, such as this repository):
      gas-emu run nextId '"BDL"'
      gas-emu simulate --function nextId --args '["BDL"]' -n 50 --check unique
    """
    if verbose:
        # the package logs through `logging` (logger names are module names: gas_emulator.sim.explore...)
        logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.INFO, stream=sys.stderr,
                            format="%(name)s: %(message)s")


if __name__ == "__main__":
    main()
