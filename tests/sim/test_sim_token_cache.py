"""A token refresh racing an API call: the racy cache is caught, the locked one passes."""

from __future__ import annotations

import sys

from sim_helpers import FIXTURES

from gas_emulator.sim.explore import explore
from gas_emulator.sim.workload import Workload

sys.path.insert(0, str(FIXTURES))
from token_stubs import install_token_server  # noqa: E402

#: Seeds the fixed token cache must pass here (1,000 in bench/samples.py, kept out of CI time).
FIXED_SEEDS = 100


def _calls(name: str) -> Workload:
    return Workload(function="callApi", root=str(FIXTURES / name), executions=8, users=4)


def test_the_racy_token_cache_gets_a_401_within_20_seeds():
    result = explore(_calls("token_cache_racy"), range(20), checks=["no-errors"],
                     setup=install_token_server)
    assert not result.ok
    errors = {rec.error for rec in result.failures[0].executions if rec.error}
    assert errors == {"Request failed for https://api.example.com returned code 401. Truncated server "
                      'response: {"error": "invalid_token"} (use muteHttpExceptions option to examine '
                      "full response)"}


def test_the_locked_token_cache_passes_every_seed():
    result = explore(_calls("token_cache_locked"), range(FIXED_SEEDS), checks=["no-errors"],
                     setup=install_token_server)
    assert result.ok, result.failures[:1]
