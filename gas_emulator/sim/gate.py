"""The release gate: simulate the project about to be pushed over a seed range (used by gasctl).

Contract (contracts.md, "Simulation gate")::

    run_gate(project, config) -> GateResult(ok, summary, replay_command)

``config`` comes from ``[tool.gasctl.gate]`` in pyproject.toml: ``function`` (required), ``args``
(list), ``executions`` (default 50), ``users`` (1), ``seeds`` ("0:20"), ``checks`` (["no-errors"]),
``latency`` ("gas"), ``faults`` ("none"), and optionally ``root``: the project directory named in
the replay command (the gate runs on in-memory content; default ``gas_src``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .explore import explore, parse_seeds
from .faults import parse_faults
from .workload import Workload, WorkloadError

DEFAULTS = {"executions": 50, "users": 1, "seeds": "0:20", "checks": ["no-errors"], "latency": "gas",
            "faults": "none", "args": [], "root": "gas_src"}
KNOWN_KEYS = {"function", *DEFAULTS}


@dataclass(frozen=True)
class GateResult:
    ok: bool
    summary: str
    replay_command: str


def run_gate(project: Any, config: Mapping) -> GateResult:
    """Simulate ``project`` per ``config``; ``ok`` is False at the first failing seed."""
    cfg = _config(config)
    workload = Workload(function=cfg["function"], args=tuple(cfg["args"]),
                        executions=int(cfg["executions"]), users=int(cfg["users"]), project=project,
                        root=str(cfg["root"]))
    seeds = parse_seeds(str(cfg["seeds"]))
    result = explore(workload, seeds, latency=cfg["latency"], faults=cfg["faults"],
                     checks=list(cfg["checks"]))
    what = (f"{workload.executions} executions of {workload.function} over {workload.users} users, "
            f"latency {cfg['latency']}, faults {cfg['faults']}")
    if result.ok:
        checks = ", ".join(cfg["checks"]) or "none"
        return GateResult(True, f"{result.seeds_run} seeds x {what}: checks passed ({checks})", "")
    failure = result.failures[0]
    problems = "; ".join(f"{c.name}: {c.message}" for c in failure.failed_checks)
    return GateResult(False, f"seed {failure.seed} of {seeds.start}:{seeds.stop} ({what}) failed: "
                             f"{problems}", failure.replay_command)


def _config(config: Mapping) -> dict:
    unknown = sorted(set(config) - KNOWN_KEYS)
    if unknown:
        raise WorkloadError(f"[tool.gasctl.gate]: unknown keys {', '.join(unknown)} "
                            f"(known: {', '.join(sorted(KNOWN_KEYS))})")
    if not isinstance(config.get("function"), str) or not config["function"]:
        raise WorkloadError('[tool.gasctl.gate] needs "function", the name of a function to simulate')
    cfg = {**DEFAULTS, **config}
    if not isinstance(cfg["args"], list | tuple):
        raise WorkloadError("[tool.gasctl.gate] args must be a list")
    if isinstance(cfg["checks"], str):
        cfg["checks"] = [cfg["checks"]]
    parse_faults(cfg["faults"])
    return cfg
