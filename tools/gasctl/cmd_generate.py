"""``generate``: render gas_src/ from the codegen templates (the codegen package does the work)."""

from __future__ import annotations

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError


@click.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 naming the files that differ.")
@pass_app
def generate(app: App, check: bool) -> None:
    """Render the generated Apps Script sources from their templates (or --check for drift).

    \b
    Example:
      gasctl generate --check
    """
    from gas_codegen.render import render_all  # lazy: jinja2 is not needed for other commands

    changed = list(render_all(check=check))
    if check and changed:
        raise GasctlError(f"generated files are out of date: {', '.join(changed)} (run `gasctl generate`)",
                          details={"changed": changed})
    verb = "would change" if check else "changed"
    app.out.result({"changed": changed, "check": check},
                   [f"{verb}: {name}" for name in changed] or ["Generated files are up to date."])


COMMANDS = (generate,)
