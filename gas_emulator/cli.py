"""``gas-emu``: the emulator's command line (run, simulate, explore, replay, serve-api).

Each command lives beside the code it drives and is imported only when used, so ``gas-emu --help``
stays fast. Exit status: 0 ok, 1 the function threw or a check failed, 2 usage errors.
"""

from __future__ import annotations

import importlib

import click

#: command name -> "module:attribute" of a click.Command
COMMANDS = {
    "run": "gas_emulator.runtime.cli:run",
    "simulate": "gas_emulator.sim.cli:simulate",
    "explore": "gas_emulator.sim.cli:explore",
    "replay": "gas_emulator.sim.cli:replay",
    "serve-api": "gas_emulator.api_server.cli:serve_api",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gas-emulator")
def main() -> None:
    """A local Google Apps Script runtime with a deterministic concurrency simulator.

    Example: gas-emu run --root gas_src doGet
    """


if __name__ == "__main__":
    main()
