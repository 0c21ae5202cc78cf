"""HtmlService templates in V8: scriptlets, escaping, variables, the include() pattern."""

from __future__ import annotations

from gas_emulator import Emulator
from gas_emulator.runtime import run_function, run_web_request
from gas_emulator.services.html_template import HtmlTemplate

PAGE = ("<html><head><style>b{color:red}</style></head>\n<body><h1>A &amp; B</h1><ul>\n"
        "<li>x</li><li>&lt;y&gt;</li>\n</ul></body></html>\n")


def test_a_template_file_with_loops_escapes_and_an_include(load):
    outcome = run_function(Emulator(), load("gas_templates"), "page", [["x", "<y>"], "A & B"])
    assert (outcome.error, outcome.result) == (None, PAGE)


def test_printing_escapes_and_force_printing_does_not(load):
    outcome = run_function(Emulator(), load("gas_templates"), "inline", ["<i>'q'</i>"])
    assert outcome.result == "<b>&lt;i&gt;&#39;q&#39;&lt;/i&gt;</b>|<i>'q'</i>"


def test_a_variable_that_was_not_set_is_a_reference_error(load):
    outcome = run_function(Emulator(), load("gas_templates"), "missingVariable")
    assert (outcome.error.error_type, outcome.error.message) == ("ReferenceError", "nobody is not defined")


def test_a_web_app_returns_an_evaluated_template(load):
    response = run_web_request(Emulator(), load("gas_templates"), "GET", query="item=z")
    assert (response.status, "<li>z</li>" in response.body) == (200, True)


def test_raw_content_and_code():
    template = HtmlTemplate("a<?= b ?>")
    assert template.getRawContent() == "a<?= b ?>"
    assert template.getCode().splitlines() == ["var __out = [];", '__out.push("a");',
                                               "__out.push(__esc((b)));", "return __out.join('');"]
