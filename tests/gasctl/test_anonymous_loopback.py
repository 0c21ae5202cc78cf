"""With no credentials anywhere, gasctl talks to a loopback fake anonymously, and to nothing else."""

from __future__ import annotations

from click.testing import CliRunner
from gasctl.cli import main
from gasctl.context import _is_loopback


def test_loopback_hosts_are_recognised():
    assert _is_loopback("http://127.0.0.1:8089")
    assert _is_loopback("http://localhost:1/")
    assert _is_loopback("http://[::1]:8089")
    assert not _is_loopback("https://script.googleapis.com/")
    assert not _is_loopback("http://127.example.com/")
    assert not _is_loopback(None)


def test_no_credentials_against_loopback_fake_works(home, server):
    server.update_settings(require_auth=False)
    result = CliRunner().invoke(main, ["--api-endpoint", server.base_url, "create", "--title", "t",
                                       "--root", "src"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Created script ")


def test_no_credentials_against_a_remote_endpoint_fails(home):
    result = CliRunner().invoke(main, ["--api-endpoint", "https://script.googleapis.com/", "create",
                                       "--title", "t"])
    assert result.exit_code == 1
    assert "No credentials: run `gasctl login`" in result.stderr


def test_a_missing_credentials_file_named_on_the_command_line_is_named_even_for_a_loopback_fake(
        home, server, tmp_path):
    missing = tmp_path / "missing.json"
    result = CliRunner().invoke(main, ["--api-endpoint", server.base_url, "--credentials", str(missing),
                                       "create", "--title", "t", "--root", "src"])
    assert result.exit_code == 1
    assert f"{missing}: credentials file not found" in result.stderr
