"""``gas-emu``: the emulator's command line (run, simulate, explore, replay, merge, serve-api).

Each command lives beside the code it drives and is imported only when used, so ``gas-emu --help``
stays fast. Exit status: 0 ok, 1 the function threw or a check failed, 2 usage errors.
"""

from __future__ import annotations

import importlib

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


class LazyGroup(click.Group):
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
def main() -> None:
    """A local Google Apps Script runtime with a deterministic concurrency simulator.

    Example: gas-emu run --root gas_src doGet
    """


if __name__ == "__main__":
    main()
