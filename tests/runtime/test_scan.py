"""Top-level function declarations found without running the file."""

from gas_emulator.runtime.scan import top_level_functions

SOURCE = """
function a() { function inner() {} }
var b = function c() {};
(function d() {})();
async function e(x) { return /}/.test(x); }
function* g() {}
const s = "function x() {" + `${function y() {}}`;
// function commented() {}
/* function blocked() {} */
var z = 1
function h() {}
obj.function(1);
var re = /function k\\(/g;
class K { m() {} }
function last(a, b) { return `}`; }
"""


def test_only_top_level_declarations_are_found():
    assert top_level_functions(SOURCE) == ["a", "e", "g", "h", "last"]
