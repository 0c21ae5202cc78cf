"""HtmlTemplate: HTML with scriptlets, evaluated in the execution's JavaScript.

Sources: developers.google.com/apps-script/guides/html/templates (standard scriptlets ``<? ?>`` run
code, printing scriptlets ``<?= ?>`` print with contextual escaping, force-printing scriptlets
``<?!= ?>`` print unescaped; properties set on the template are variables of its scriptlets; the
``include()`` pattern prints another file with ``<?!= include('File'); ?>``) and
.../reference/html/html-template (evaluate, getCode, getCodeWithComments, getRawContent).

The template compiles here to JavaScript (``getCode``); ``evaluate`` is written in JavaScript
(``JS_METHODS``, installed by the runtime's prelude) because scriptlets are JavaScript that sees the
script's globals. Our ``getCode`` text is equivalent to Apps Script's, not identical to it.
Escaping of ``<?= ?>`` is the HTML-text context (&, <, >, ", '); the other contexts Apps Script
distinguishes (attributes, URLs, JavaScript) get the same escaping here.
"""

from __future__ import annotations

import json
import re

from ..errors import GasError

_SCRIPTLET = re.compile(r"<\?(!=|=)?(.*?)\?>", re.DOTALL)

# Runs in the global scope of the execution (prelude: spec.j); `this` is the template's wrapper.
_EVALUATE = """function evaluate() {
  var vars = {}, self = this;
  Object.keys(this).forEach(function (k) { vars[k] = self[k]; });
  var esc = function (v) {
    return v == null ? '' : String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')
      .replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  };
  var raw = function (v) { return v == null ? '' : String(v); };
  var run = new Function('__vars', '__esc', '__raw', 'with (__vars) { ' + this.getCode() + ' }');
  return HtmlService.createHtmlOutput(run.call(vars, vars, esc, raw));
}"""


def compile_template(source: str, comments: bool = False) -> str:
    """The JavaScript body that returns the evaluated HTML (uses ``__esc`` and ``__raw``)."""
    parts = ["var __out = [];"]
    position = 0
    for match in _SCRIPTLET.finditer(source):
        if match.start() > position:
            parts.append(f"__out.push({json.dumps(source[position:match.start()])});")
        kind, code = match.group(1), match.group(2).strip()
        if comments:
            parts.append(f"/* {match.group(0).replace('*/', '* /')} */")
        if kind is None:
            parts.append(code + "\n")
        else:
            expression = code.rstrip(";").strip()  # `<?!= include('X'); ?>`: the ; is allowed
            if not expression:
                raise GasError("Missing expression in a printing scriptlet")  # ours: text unverified
            helper = "__esc" if kind == "=" else "__raw"
            parts.append(f"__out.push({helper}(({expression})));")
        position = match.end()
    if position < len(source):
        parts.append(f"__out.push({json.dumps(source[position:])});")
    parts.append("return __out.join('');")
    return "\n".join(parts)


class HtmlTemplate:
    """reference/html/html-template."""

    JS_METHODS = {"evaluate": _EVALUATE}

    def __init__(self, source: str) -> None:
        self._source = source

    def getRawContent(self) -> str:
        return self._source

    def getCode(self) -> str:
        return compile_template(self._source)

    def getCodeWithComments(self) -> str:
        return compile_template(self._source, comments=True)
