"""What a simulation runs: N executions of one function, over K users, arriving at once or at a rate.

The function comes from a JavaScript project (``root`` directory or a ``Project``) or from Python
(``python="package.module:function"``, a ``.py`` file path, or a callable). A Python workload function
receives the execution object first: ``def next_id(ex, kind): ...`` with ``ex.PropertiesService`` etc.

Users are assigned round-robin (execution i runs as ``user{i % K + 1}@example.com``). Arrivals are
all at virtual time 0, or a Poisson process at ``rate`` executions per virtual second drawn from an
RNG seeded by the run's seed.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class WorkloadError(ValueError):
    """A workload that cannot be built (bad module, missing function, bad numbers)."""


@dataclass(frozen=True)
class Workload:
    function: str
    args: tuple = ()
    executions: int = 1
    users: int = 1
    rate: float | None = None  # executions per virtual second (Poisson); None = all at once
    python: str | None = None  # "package.module", "package.module:function" or a path to a .py file
    root: str | None = None  # directory of a JavaScript project (clasp rootDir or .clasp.json)
    project: Any = field(default=None, compare=False)  # a runtime Project (takes precedence over root)
    callable: Callable | None = field(default=None, compare=False)  # a Python function, given directly
    #: Virtual ms until which time-driven triggers fire (sim/triggers.py); None = they never fire.
    until_ms: float | None = None

    def __post_init__(self) -> None:
        if self.executions < 1:
            raise WorkloadError(f"executions must be at least 1, not {self.executions}")
        if self.users < 1:
            raise WorkloadError(f"users must be at least 1, not {self.users}")
        if self.rate is not None and self.rate <= 0:
            raise WorkloadError(f"rate must be positive, not {self.rate}")
        if self.until_ms is not None and self.until_ms < 0:
            raise WorkloadError(f"until must not be negative, not {self.until_ms}")
        sources = [self.python is not None or self.callable is not None,
                   self.root is not None or self.project is not None]
        if sum(sources) != 1:
            raise WorkloadError("a workload needs exactly one of a JavaScript project (--root) "
                                "or a Python function (--python)")
        object.__setattr__(self, "args", tuple(self.args))

    @property
    def is_javascript(self) -> bool:
        return self.root is not None or self.project is not None

    def with_(self, **changes) -> Workload:
        values = {f: getattr(self, f) for f in self.__dataclass_fields__}
        values.update(changes)
        return Workload(**values)

    def user_for(self, index: int) -> str:
        return f"user{index % self.users + 1}@example.com"

    def arrivals(self, rng: random.Random) -> list[float]:
        """Virtual ms after the start at which each execution arrives."""
        if self.rate is None:
            return [0.0] * self.executions
        t, times = 0.0, []
        for _ in range(self.executions):
            times.append(round(t, 3))
            t += rng.expovariate(self.rate) * 1000.0
        return times

    # ------------------------------------------------------------------ resolution
    def load_python(self) -> Callable:
        if self.callable is not None:
            return self.callable
        module_ref, _, fn_name = self.python.partition(":")
        fn_name = fn_name or self.function
        module = _import(module_ref)
        fn = getattr(module, fn_name, None)
        if not callable(fn):
            raise WorkloadError(f"{module_ref} has no function {fn_name!r}")
        return fn

    def with_project_read(self) -> Workload:
        """This workload with its ``--root`` project read now, for a run of many seeds: read per
        seed, parsing the project's files cost ~3-7 ms a seed for gas_src (measured). ``root``
        stays, for replay commands."""
        if self.root is None or self.project is not None:
            return self
        return self.with_(project=self.load_project())

    def load_project(self) -> Any:
        if self.project is not None:
            return self.project
        from ..runtime import Project

        root = Path(self.root)
        if not root.is_dir():
            raise WorkloadError(f"--root {self.root}: not a directory")
        return Project.from_directory(root, _clasp_file_for(root))

    def command_args(self) -> list[str]:
        """The command-line options that rebuild this workload (for replay commands)."""
        if self.is_javascript:
            source = ["--root", self.root or getattr(self.project, "root", None) or "gas_src"]
        elif self.python is not None:
            source = ["--python", self.python]
        else:
            source = ["--python", f"{_module_ref(self.callable)}:{self.callable.__qualname__}"]
        out = [*source, "--function", self.function]
        if self.args:
            out += ["--args", json.dumps(list(self.args), separators=(",", ":"))]
        out += ["--executions", str(self.executions), "--users", str(self.users)]
        if self.rate is not None:
            out += ["--rate", repr(self.rate)]
        if self.until_ms is not None:
            out += ["--until", format(self.until_ms, "f").rstrip("0").rstrip(".") + "ms"]
        return out


def _clasp_file_for(root: Path) -> Path | None:
    """The .clasp.json whose rootDir is ``root`` (inside it, or the nearest one above the current
    folder), so a simulation runs the files and push order a push sends, as ``gas-emu run`` does."""
    inside = root / ".clasp.json"
    if inside.is_file():
        return inside
    from ..clasp import ClaspFileError, find_clasp_config, load_clasp_config

    found = find_clasp_config(Path.cwd())
    try:
        return found if found is not None and load_clasp_config(found).root_dir == root.resolve() else None
    except ClaspFileError:
        return None


def _module_ref(fn: Callable) -> str:
    """How a replay command names the module of ``fn``: its file (relative to the current folder
    when inside it), so the command works when pasted (a test module is importable by name only
    under pytest); the module's name when it has no file."""
    source = inspect.getsourcefile(fn) if not isinstance(fn, functools.partial) else None
    if source is None or fn.__module__ == "__main__" and not Path(source).is_file():
        return fn.__module__
    path = Path(source).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _import(ref: str):
    if ref.endswith(".py") or "/" in ref:
        path = Path(ref)
        if not path.is_file():
            raise WorkloadError(f"--python {ref}: no such file")
        name = f"gas_sim_workload_{path.stem}"
        if name in sys.modules:
            return sys.modules[name]
        _on_path(path.resolve().parent)  # its sibling modules import, as when Python runs a file
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    _on_path(Path.cwd())  # modules resolve from the current folder, as with `python -m`
    try:
        return importlib.import_module(ref)
    except ImportError as err:
        raise WorkloadError(f"--python {ref}: cannot import ({err})") from None


def _on_path(directory: Path) -> None:
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))


def parse_args_json(text: str | None) -> Sequence:
    """``--args`` value: a JSON array."""
    if not text:
        return ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise WorkloadError(f"--args must be a JSON array: {err}") from None
    if not isinstance(value, list):
        raise WorkloadError("--args must be a JSON array, e.g. '[\"BDL\", 3]'")
    return tuple(value)


_UNITS_MS = {"ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def parse_duration_ms(text: str) -> float:
    """``--until`` value: a number and a unit (``24h``, ``90m``, ``30s``, ``500ms``, ``2d``)."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*", text or "")
    if match is None:
        raise WorkloadError(f"--until {text!r}: use a number and a unit, e.g. 24h, 90m, 30s, 500ms")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]
