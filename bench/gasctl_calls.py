"""HTTP calls per gasctl command, beside clasp's count for the same command, and ``--help`` startup time.

Runs each command once through the real CLI (click CliRunner, real google-api-python-client) against
the fake Apps Script API on loopback and reads gasctl's own ``--verbose`` count. clasp's counts come
from its source as summarised in ../shared/spec/apps-script-api.md §1.2 (API column). Startup is
measured as a ratio against ``python -c pass`` in the same run. Not a test.

    .venv/bin/python bench/gasctl_calls.py            # prints the markdown table
    .venv/bin/python bench/gasctl_calls.py --write    # also updates bench/RESULTS.md (gasctl section)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from gasctl.cli import main

from gas_emulator.api_server import FakeApiServer
from gas_emulator.markers import write_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
MANIFEST = json.dumps({"timeZone": "America/New_York", "runtimeVersion": "V8",
                       "webapp": {"access": "ANYONE_ANONYMOUS", "executeAs": "USER_DEPLOYING"},
                       "executionApi": {"access": "ANYONE"}})
# (label, gasctl args, clasp equivalent, clasp's calls per spec §1.2)
STEPS = [
    ("create", ["create", "--title", "bench"], "create-script", "2 (projects.create, getContent)"),
    ("status", ["status"], "show-file-status", "0"),
    ("push (changes)", ["push"], "push", "2 (getContent, updateContent)"),
    ("push (nothing changed)", ["push"], "push", "1 (getContent)"),
    ("diff", ["diff"], "(none)", "-"),
    ("pull", ["pull"], "pull", "1 (getContent)"),
    ("version", ["version", "v"], "create-version", "1 (versions.create)"),
    ("versions", ["versions"], "list-versions", "1 per 100 versions"),
    ("deploy (new deployment)", ["deploy", "--no-gate"], "create-deployment", "2 (versions.create, "
                                                                              "deployments.create)"),
    ("deploy (in place)", ["deploy", "--no-gate"], "deploy -i ID", "2 (versions.create, deployments.update)"),
    ("deployments", ["deployments"], "list-deployments", "1 per 100 deployments"),
    ("rollback", ["rollback"], "deploy -i ID -V N", "1 (deployments.update)"),
    ("restore --version 1", ["restore", "--version", "1"], "pull -V 1 + push", "3"),
    ("run --dev", ["run", "add", "--params", "[1, 2]", "--dev"], "run-function", "1 (scripts.run)"),
    ("logs", ["logs", "--project-id", "bench"], "tail-logs", "1 (entries.list)"),
    ("open --webapp", ["open", "--webapp"], "open-web-app", "1-2 (deployments.list/get)"),
    ("undeploy ID", ["undeploy", "DEPLOYMENT"], "delete-deployment ID", "1 (deployments.delete)"),
    ("undeploy --all", ["undeploy", "--all"], "delete-deployment --all", "1 + 1 per deployment"),
    ("clone", ["clone", "SCRIPT"], "clone-script", "1 (getContent)"),
]
WHY = {
    "version": "+ versions.list: the versions before the create, so a lost versions.create answer is found "
               "instead of re-sent (and the 200 cap refused before anything)",
    "deploy (new deployment)": "+ deployments.list, versions.list: the existing ones, so a lost create is "
                               "found instead of re-sent, and both caps refused before anything",
    "deploy (in place)": "+ deployments.get (HEAD refused, previous version recorded), versions.list (cap)",
    "rollback": "+ deployments.get (recorded previous), versions.get (exists?)",
    "undeploy --all": "same",
    "versions": "gasctl pages by 50 (the documented default), clasp by 100",
    "deployments": "gasctl pages by 50 (the documented default), clasp by 100",
    "restore --version 1": "versions.get (exists?) + getContent(v1) + updateContent",
}


def code(label: str) -> str:
    return (f'function doGet() {{ return ContentService.createTextOutput("{label}"); }}\n'
            "function add(a, b) { return a + b; }\n")


def _calls(stderr: str) -> int:
    return int([x for x in stderr.splitlines() if x.endswith(" HTTP calls")][-1].split()[1])


class _ContentOnlyEngine:
    """Only when gas_emulator.runtime is missing: accepts content, runs nothing (``run`` then fails)."""

    def inspect(self, files: list) -> list:
        return [[] for _ in files]

    def run(self, *args: object, **kwargs: object) -> dict:
        raise RuntimeError("the V8 runtime is not available")

    web = run

    def reset(self) -> None:
        pass


def _engine() -> object | None:
    try:
        from gas_emulator.runtime import run_function  # noqa: F401
    except ImportError:
        return _ContentOnlyEngine()
    return None  # the server's default V8 engine


def measure_calls() -> list[tuple[str, int | str, str, str, str]]:
    rows = []
    with FakeApiServer(engine=_engine()) as server, tempfile.TemporaryDirectory() as tmp:
        token = Path(tmp) / "token.json"
        token.write_text(json.dumps({"type": "access_token", "access_token": "bench"}))
        work = Path(tmp) / "work"
        work.mkdir()
        os.chdir(work)
        base = ["--api-endpoint", server.base_url, "--credentials", str(token), "--verbose"]
        script_id = ""
        for label, args, clasp_cmd, clasp_calls in STEPS:
            if label == "status":
                (work / "appsscript.json").write_text(MANIFEST)
                (work / "Code.js").write_text(code("hi"))
            if label == "deploy (in place)":
                (work / "Code.js").write_text(code("v2"))
                CliRunner().invoke(main, [*base, "push"], obj={"sleep": lambda s: None})
            if label == "undeploy ID":
                args = ["undeploy", json.loads((work / ".clasp.json").read_text())["deploymentId"]]
            if label == "clone":
                os.chdir(tmp)
                args = ["clone", script_id]
            result = CliRunner().invoke(main, [*base, *args], obj={"sleep": lambda s: None})
            if result.exit_code != 0:
                error = result.stderr.strip().splitlines()[-1]
                rows.append((label, f"not measured ({error[:70]})", clasp_cmd, clasp_calls, ""))
                continue
            if label == "create":
                script_id = json.loads((work / ".clasp.json").read_text())["scriptId"]
            rows.append((label, _calls(result.stderr), clasp_cmd, clasp_calls, WHY.get(label, "")))
    return rows


def measure_startup(repeats: int = 5) -> tuple[float, float]:
    gasctl = Path(sys.executable).parent / "gasctl"

    def best(argv: list[str]) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        return min(times)

    return best([str(gasctl), "--help"]), best([sys.executable, "-c", "pass"])


def render(rows: list, startup: tuple[float, float]) -> str:
    help_s, python_s = startup
    lines = [
        "## gasctl: HTTP calls per command, and startup", "",
        "Command: `.venv/bin/python bench/gasctl_calls.py --write` (fake API on loopback, real client "
        "library;",
        "gasctl's own `--verbose` call count). clasp column: spec `apps-script-api.md` §1.2 (clasp 3.3 "
        "source).", "",
        "| gasctl command | gasctl calls | clasp command | clasp calls | why the difference |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| `{label}` | {calls} | `{clasp}` | {clasp_calls} | {why} "
              "|" for label, calls, clasp, clasp_calls, why
              in rows]
    lines += ["", f"`gasctl --help`: {help_s * 1000:.0f} ms best of 5; "
              f"`python -c pass`: {python_s * 1000:.0f} ms; "
              f"ratio {help_s / python_s:.1f}x (budget 300 ms; taken on a loaded machine shared by other "
              "jobs, so the milliseconds are high-side; the call counts do not depend on load)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    table = render(measure_calls(), measure_startup())
    print(table)
    if "--write" in sys.argv:
        write_section(RESULTS, "gasctl", table)
