"""gasctl installed without the `deploy` extra: one clear line naming the extra, no traceback."""

from __future__ import annotations

import sys

from click.testing import CliRunner
from gasctl.cli import main


def test_a_missing_api_client_names_the_deploy_extra(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "googleapiclient" or m.startswith("googleapiclient.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if google-api-python-client were not installed
    monkeypatch.setitem(sys.modules, "googleapiclient", None)
    (tmp_path / ".clasp.json").write_text('{"scriptId": "abc", "rootDir": "."}')
    (tmp_path / "token.json").write_text('{"type": "access_token", "access_token": "t"}')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--credentials", str(tmp_path / "token.json"),
                                       "--api-endpoint", "http://127.0.0.1:9", "versions"])
    assert result.exit_code == 1, result.output
    assert result.stderr == ("Error: gasctl needs the Google API client libraries (no module "
                             "'googleapiclient'): pip install 'gas-emulator[deploy]'\n")
