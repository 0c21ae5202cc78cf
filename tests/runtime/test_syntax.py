"""check_syntax: the Apps Script API's refusal text for code that does not compile."""

from __future__ import annotations

import pytest

from gas_emulator.runtime import JsSyntaxError, Project, check_syntax


def _project(source: str) -> Project:
    return Project.from_files([{"name": "Good", "type": "SERVER_JS", "source": "function ok() {}"},
                               {"name": "lib/Bad", "type": "SERVER_JS", "source": source}])


def test_a_syntax_error_names_type_message_line_and_file():
    with pytest.raises(JsSyntaxError) as err:
        check_syntax(_project("function f() {\n  var x = ;\n}"))
    assert str(err.value) == "Syntax error: SyntaxError: Unexpected token ';' line: 2 file: lib/Bad"
    assert (err.value.error_type, err.value.detail, err.value.line, err.value.file) == (
        "SyntaxError", "Unexpected token ';'", 2, "lib/Bad")


def test_valid_code_passes_without_running_it():
    check_syntax(_project("throw new Error('top-level code must not run');"))
