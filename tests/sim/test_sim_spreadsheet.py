"""The getLastRow()+1 race of a form-submit logger: found by explore, gone under LockService."""

from __future__ import annotations

from sim_helpers import FIXTURES

from gas_emulator.services import workbooks
from gas_emulator.sim.explore import explore
from gas_emulator.sim.workload import Workload

#: Seeds the fixed logger must pass here (1,000 in bench/samples.py, kept out of CI time).
FIXED_SEEDS = 200


def _setup(emu) -> None:
    workbooks.create(emu, "responses", {"Responses": [["when", "who"]]}, bound=True)


def _logger(name: str) -> Workload:
    return Workload(function="logSubmission", args=({"who": "x@example.com"},),
                    root=str(FIXTURES / name), executions=10, users=5)


def test_the_racy_logger_writes_two_submissions_to_one_row_within_20_seeds():
    result = explore(_logger("form_logger_racy"), range(20), checks=["unique"], setup=_setup)
    assert not result.ok
    assert result.failures[0].failed_checks[0].name == "unique"


def test_the_logger_under_a_script_lock_passes_every_seed():
    result = explore(_logger("form_logger_locked"), range(FIXED_SEEDS), checks=["unique", "no-errors"],
                     setup=_setup)
    assert result.ok, result.failures[:1]
