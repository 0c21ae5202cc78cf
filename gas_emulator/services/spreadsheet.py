"""SpreadsheetApp, Spreadsheet and Sheet: the core a concurrent script uses.

Sources: developers.google.com/apps-script/reference/spreadsheet/spreadsheet-app, .../spreadsheet
and .../sheet. State is a store document per spreadsheet (``workbooks.py``); a Spreadsheet or a
Sheet object is only a handle. Every call starts with ``ex.service_call`` (deadline, latency,
faults, trace), so under the simulator another execution may run between a script's
``getLastRow()`` and its ``setValues`` (the classic lost-row race), while ``appendRow`` reads and
writes in one store transaction, as on Apps Script, where it is one atomic request.
Error texts marked [community] are the ones community mocks copy from Apps Script (unverified here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GasError
from . import workbooks
from .coerce import to_js_string
from .spreadsheet_range import Range, check_position, parse_a1

if TYPE_CHECKING:
    from ..execution import Execution

READ, WRITE = "spreadsheet.read", "spreadsheet.write"


class SpreadsheetError(GasError):
    """An error of the Spreadsheet service (its exact text)."""


def open_failed() -> SpreadsheetError:
    # [community] openById of an id that does not exist or cannot be opened
    return SpreadsheetError("Unexpected error while getting the method or property openById on "
                            "object SpreadsheetApp.")


class SpreadsheetApp:
    """``SpreadsheetApp`` global of one execution."""

    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    def openById(self, id) -> Spreadsheet:
        key = to_js_string(id)
        self._ex.service_call("spreadsheet.open", key)
        if workbooks.read(self._ex.emulator, key) is None:
            raise open_failed()
        return Spreadsheet(self._ex, key)

    def getActiveSpreadsheet(self) -> Spreadsheet | None:
        # spreadsheet-app: "returns the currently active spreadsheet, or null if there is none";
        # the active one is the container of a bound script (workbooks.bind, or the document id)
        ex = self._ex
        ex.service_call("spreadsheet.open", None)
        emu = ex.emulator
        key = ex.document_id or emu.store.doc_get(workbooks.META_NS, workbooks.BOUND_KEY)
        if key is None or workbooks.read(emu, key) is None:
            return None
        return Spreadsheet(ex, key)

    def getActive(self) -> Spreadsheet | None:
        return self.getActiveSpreadsheet()

    def flush(self) -> None:
        # spreadsheet-app: "Applies all pending Spreadsheet changes"; writes here apply at once,
        # so flush is only a service call (a scheduling point with its latency)
        self._ex.service_call("spreadsheet.flush", None)


class Spreadsheet:
    """reference/spreadsheet/spreadsheet (a handle on one stored spreadsheet)."""

    def __init__(self, ex: Execution, spreadsheet_id: str) -> None:
        self._ex = ex
        self._id = spreadsheet_id

    def getId(self) -> str:
        return self._id

    def getName(self) -> str:
        return self.doc(READ)["name"]

    def getSheets(self) -> list[Sheet]:
        return [Sheet(self, tab["sheetId"]) for tab in self.doc(READ)["sheets"]]

    def getSheetByName(self, name) -> Sheet | None:
        # spreadsheet: "Returns null if there is no sheet with the given name"
        wanted = to_js_string(name)
        found = next((t for t in self.doc(READ)["sheets"] if t["name"] == wanted), None)
        return None if found is None else Sheet(self, found["sheetId"])

    def getActiveSheet(self) -> Sheet:
        return Sheet(self, self.doc(READ)["sheets"][0]["sheetId"])  # the first tab, by default

    def insertSheet(self, sheetName=None) -> Sheet:
        name = None if sheetName is None else to_js_string(sheetName)

        def insert(doc: dict) -> int:
            names = {t["name"] for t in doc["sheets"]}
            new_id = max((t["sheetId"] for t in doc["sheets"]), default=-1) + 1
            chosen = name if name is not None else _next_free_name(names)
            if chosen in names:
                # [community] the Sheets UI and insertSheet share this text
                raise SpreadsheetError(f'A sheet with the name "{chosen}" already exists. '
                                       "Please enter another name.")
            doc["sheets"].append(workbooks.new_sheet(new_id, chosen, **self._sheet_size()))
            return new_id

        return Sheet(self, self.change(insert))

    def getRange(self, a1Notation) -> Range:
        text = to_js_string(a1Notation)
        tab_name, _, cells = text.rpartition("!")
        sheet = self.getSheetByName(tab_name.strip("'")) if tab_name else self.getActiveSheet()
        if sheet is None:
            raise SpreadsheetError("Range not found")  # [community] getRange of an unknown tab
        return sheet.getRange(cells)

    def _sheet_size(self) -> dict:
        settings = self._ex.emulator.settings
        return {"max_rows": settings.sheet_default_rows, "max_cols": settings.sheet_default_columns}

    # -------------------------------------------------------------- store access (one call each)
    def doc(self, op: str, key: str | None = None) -> dict:
        """One read of the spreadsheet: a service call, then its stored document."""
        self._ex.service_call(op, key or self._id)
        doc = workbooks.read(self._ex.emulator, self._id)
        if doc is None:  # deleted under us: what openById says for a missing file
            raise open_failed()
        return doc

    def change(self, fn, key: str | None = None):
        """One write: a service call, then ``fn(doc)`` applied in one store transaction."""
        import json

        self._ex.service_call(WRITE, key or self._id)

        def apply(txn):
            text = txn.get(workbooks.NS, self._id)
            if text is None:
                raise open_failed()
            doc = json.loads(text)
            result = fn(doc)
            txn.put(workbooks.NS, self._id, json.dumps(doc, separators=(",", ":")))
            return result

        return self._ex.emulator.store.doc_transaction(apply)


def _next_free_name(names: set[str]) -> str:
    n = len(names) + 1
    while f"Sheet{n}" in names:  # Sheets names new tabs SheetN
        n += 1
    return f"Sheet{n}"


class Sheet:
    """reference/spreadsheet/sheet (a handle: its spreadsheet and its sheet id)."""

    def __init__(self, parent: Spreadsheet, sheet_id: int) -> None:
        self._parent = parent
        self._sheet_id = sheet_id

    def tab(self, doc: dict) -> dict:
        for tab in doc["sheets"]:
            if tab["sheetId"] == self._sheet_id:
                return tab
        raise SpreadsheetError("Sheet not found")  # [community] a handle on a deleted sheet

    def read_tab(self) -> dict:
        return self.tab(self._parent.doc(READ, self.key()))

    def change_tab(self, fn):
        return self._parent.change(lambda doc: fn(self.tab(doc)), self.key())

    def key(self) -> str:
        return f"{self._parent.getId()}#{self._sheet_id}"

    def getParent(self) -> Spreadsheet:
        return self._parent

    def getSheetId(self) -> int:
        return self._sheet_id

    def getName(self) -> str:
        return self.read_tab()["name"]

    def getLastRow(self) -> int:
        # sheet: "Returns the position of the last row that has content"
        return len(self.read_tab()["rows"])

    def getLastColumn(self) -> int:
        return max((len(r) for r in self.read_tab()["rows"]), default=0)

    def getMaxRows(self) -> int:
        return self.read_tab()["maxRows"]

    def getMaxColumns(self) -> int:
        return self.read_tab()["maxCols"]

    def getDataRange(self) -> Range:
        # sheet: "a Range corresponding to the dimensions in which data is present" (A1 when empty)
        rows = self.read_tab()["rows"]
        return Range(self, 1, 1, max(1, len(rows)), max(1, max((len(r) for r in rows), default=0)))

    def getRange(self, a, column=None, numRows=None, numColumns=None) -> Range:
        if column is None and isinstance(a, str):
            row, col, n_rows, n_cols = parse_a1(a, self)
        else:
            row, col = int(a), int(column if column is not None else 1)
            n_rows = 1 if numRows is None else int(numRows)
            n_cols = 1 if numColumns is None else int(numColumns)
        check_position(row, col, n_rows, n_cols)
        return Range(self, row, col, n_rows, n_cols)

    def appendRow(self, rowContents) -> Sheet:
        # sheet: "Appends a row to the bottom of the data region": one atomic request
        parse = self._parent._ex.emulator.settings.spreadsheet_parse_entered_text
        cells = [workbooks.to_cell(v, parse) for v in list(rowContents)]
        width = len(cells)

        def append(tab: dict) -> None:
            tab["rows"] = workbooks.trim([*tab["rows"], cells])  # an all-empty row adds nothing
            tab["maxRows"] = max(tab["maxRows"], len(tab["rows"]))  # the sheet grows as needed
            tab["maxCols"] = max(tab["maxCols"], width)

        self.change_tab(append)
        return self

    def clear(self) -> Sheet:
        def clear(tab: dict) -> None:
            tab["rows"] = []

        self.change_tab(clear)
        return self

    def deleteRow(self, rowPosition) -> Sheet:
        return self.deleteRows(rowPosition, 1)

    def deleteRows(self, rowPosition, howMany) -> Sheet:
        start, count = int(rowPosition), int(howMany)

        def delete(tab: dict) -> None:
            if start < 1 or count < 1 or start + count - 1 > tab["maxRows"]:
                raise SpreadsheetError("Those rows are out of bounds.")  # [community]
            if count >= tab["maxRows"]:
                # [community] Sheets keeps at least one non-frozen row
                raise SpreadsheetError("Sorry, it is not possible to delete all non-frozen rows.")
            del tab["rows"][start - 1:start - 1 + count]
            tab["maxRows"] -= count

        self.change_tab(delete)
        return self
