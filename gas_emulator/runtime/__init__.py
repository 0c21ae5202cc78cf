"""The V8 runtime: real Apps Script projects run unchanged in embedded V8 (STPyV8).

    from gas_emulator import Emulator
    from gas_emulator.runtime import Project, run_function
    project = Project.from_directory(Path("gas_src"))
    outcome = run_function(Emulator(), project, "nextId", ["BDL"], user="a@example.com")
    outcome.result, outcome.error, outcome.logs, outcome.elapsed_ms

Modules: ``project`` (files, manifest, clasp order), ``engine`` (isolates, locks, termination),
``bridge`` (the one adapter between JavaScript and the Python services), ``prelude.js`` (the
JavaScript side of it), ``runner`` (run_function, run_web_request, check_syntax), ``webapp``
(doGet/doPost, ContentService, HtmlService), ``coverage`` (the README's service coverage table).
"""

from .errors import JsSyntaxError, ProjectError, ScriptError, StackFrame
from .project import Project, SourceFile
from .runner import RunOutcome, check_syntax, run_function, run_web_request
from .webapp import WebResponse

__all__ = ["JsSyntaxError", "Project", "ProjectError", "RunOutcome", "ScriptError", "SourceFile",
           "StackFrame", "WebResponse", "check_syntax", "run_function", "run_web_request"]
