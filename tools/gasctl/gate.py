"""The release gate: run the project's configured simulation on exactly the files about to be sent.

Configured in ``pyproject.toml`` (found beside `.clasp.json` or above it)::

    [tool.gasctl.gate]
    function = "nextId"          # run_gate config keys: see contracts.md "Simulation gate"
    args = ["BDL"]
    executions = 50
    users = 5
    seeds = "0:20"
    checks = ["unique", "no-errors"]

``deploy`` always runs it (``--no-gate`` skips), ``push --gate`` runs it before sending. No
``[tool.gasctl.gate]`` table means no gate. The simulator is imported only when a gate runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gasctl.errors import GasctlError, RefusedError
from gasctl.project import tool_config


def gate_config(project_root: Path) -> dict | None:
    section = tool_config(project_root).get("gate")
    if section is None:
        return None
    if not isinstance(section, dict) or not isinstance(section.get("function"), str):
        raise GasctlError("pyproject.toml: [tool.gasctl.gate] needs a \"function\" name (a string)")
    return section


def run_gate_on(files: list[dict], config: dict, out: Any) -> dict:
    """Run the gate; raise RefusedError when it fails. Returns a JSON-able summary.

    A bad gate configuration (the simulator raises ValueError, e.g. an unknown key) is a GasctlError
    naming ``[tool.gasctl.gate]``; nothing is sent either way.
    """
    try:
        from gas_emulator.runtime import Project, SourceFile
        from gas_emulator.sim.gate import run_gate
    except ImportError as err:
        raise GasctlError(f"a gate is configured but the simulator cannot be imported ({err}); "
                          "pass --no-gate to skip it") from None
    project = Project.from_files([SourceFile(f["name"], f["type"], f.get("source", "")) for f in files])
    with out.progress(f"gate: simulating {config['function']}"):
        try:
            result = run_gate(project, config)
        except ValueError as err:
            message = str(err) if "[tool.gasctl.gate]" in str(err) else f"[tool.gasctl.gate]: {err}"
            raise GasctlError(f"pyproject.toml: {message}") from None
    if not result.ok:
        raise RefusedError(f"gate failed: {result.summary} (replay: {result.replay_command}). Nothing was "
                           "sent; "
                           "fix the code or pass --no-gate.")
    out.info(f"gate passed: {result.summary}")
    return {"ok": True, "summary": result.summary}


def maybe_run_gate(clasp: Any, files_fn: Any, out: Any, enabled: bool) -> dict | None:
    """Run the gate when enabled and configured; ``files_fn()`` fetches the files only then.

    The replay command names the project's rootDir unless the gate table sets ``root`` itself.
    """
    if not enabled:
        return None
    config = gate_config(clasp.project_root)
    if config is None:
        out.debug("gate: none configured ([tool.gasctl.gate] absent)")
        return None
    root = clasp.root_dir.relative_to(clasp.project_root).as_posix()
    return run_gate_on(files_fn(), {"root": root, **config}, out)
