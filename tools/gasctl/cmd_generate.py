"""``generate``: render gas_src/ from the codegen templates (the codegen package does the work).

The project is the one you are in, not the one gasctl was installed from: the nearest folder at or
above the current one holding ``.clasp.json`` or ``pyproject.toml`` (``--root`` names it). Its own
``tools/codegen/templates`` and ``tools/codegen/idservice.toml`` are used when it has them, so a
second clone checks its own templates against its own ``gas_src/``.
"""

from __future__ import annotations

from pathlib import Path

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError

#: Files that mark a project's top folder (clasp's and Python's).
PROJECT_MARKERS = (".clasp.json", "pyproject.toml")
#: Where a project keeps its codegen inputs (this repository's layout).
TEMPLATES_DIR = Path("tools/codegen/templates")
CONFIG_FILE = Path("tools/codegen/idservice.toml")


def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding one of ``PROJECT_MARKERS``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder
    return None


@click.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 naming the files that differ.")
@click.option("--root", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Project folder (default: the nearest one with .clasp.json or pyproject.toml).")
@pass_app
def generate(app: App, check: bool, root: Path | None) -> None:
    """Render the generated Apps Script sources from their templates (or --check for drift).

    \b
    Example:
      gasctl generate --check
    """
    from gas_codegen.render import render_all  # lazy: jinja2 is not needed for other commands

    project = root.resolve() if root is not None else find_project_root(Path.cwd())
    if project is None:
        raise click.UsageError("no project here: no .clasp.json or pyproject.toml in this folder or "
                               "above (name one with --root)")
    changed = list(render_all(check=check, root=project, **_own_inputs(project)))
    if check and changed:
        raise GasctlError(f"generated files are out of date: {', '.join(changed)} (run `gasctl generate`)",
                          details={"changed": changed, "root": str(project)})
    verb = "would change" if check else "changed"
    app.out.result({"changed": changed, "check": check, "root": str(project)},
                   [f"{verb}: {name}" for name in changed] or ["Generated files are up to date."])


def _own_inputs(project: Path) -> dict:
    """The project's own templates and configuration, when it has them (else the installed ones)."""
    inputs: dict = {}
    if (project / TEMPLATES_DIR).is_dir():
        inputs["templates"] = project / TEMPLATES_DIR
    if (project / CONFIG_FILE).is_file():
        from gas_codegen.config import load_config

        inputs["cfg"] = load_config(project / CONFIG_FILE)
    return inputs


COMMANDS = (generate,)
