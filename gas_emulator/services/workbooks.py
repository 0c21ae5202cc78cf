"""Spreadsheet state in the store, and workbooks to and from CSV / XLSX files (test fixtures).

A spreadsheet is one JSON document in the store (namespace ``spreadsheets``, key = its id), so it
lives wherever Properties and Cache live (memory, or SQLite shared by processes) and every change
is one store transaction. Cells keep the types Apps Script returns: numbers, strings, booleans and
Dates (stored as ``{"d": epoch ms}``); an empty cell is ``""`` (reference/spreadsheet/range
getValues: "Empty cells are represented by an empty string").

Python API for tests (the script sees the same data through ``SpreadsheetApp``)::

    from gas_emulator.services import workbooks
    workbooks.create(emu, "sheet-1", {"Log": [["when", "who"]]}, bound=True)
    workbooks.load_csv(emu, "fixture.csv", "sheet-1", sheet="Log")     # or load_xlsx(emu, path, id)
    workbooks.values(emu, "sheet-1", "Log")                             # [[...], ...]
    workbooks.save_xlsx(emu, "sheet-1", "out.xlsx")                     # or save_csv
"""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .jstypes import epoch_ms, from_epoch_ms

if TYPE_CHECKING:
    from ..emulator import Emulator

NS = "spreadsheets"
META_NS = "spreadsheets-meta"
BOUND_KEY = "bound"  # the id of the spreadsheet the script is bound to (getActiveSpreadsheet)
#: A new Google Sheets tab has 1,000 rows and 26 columns (A-Z) (Sheets UI default; Settings override).
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26


# ---------------------------------------------------------------------- cells
def to_cell(value: object, parse_text: bool = False) -> object:
    """A value as a cell keeps it (``parse_text``: read text the way a user's typing is read)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value if not isinstance(value, float) or math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        instant = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return {"d": epoch_ms(instant)}
    from .coerce import to_js_string

    text = to_js_string(value)
    return parse_entered(text) if parse_text else text


def parse_entered(text: str) -> object:
    """Text entered into a cell: a number or a boolean when it reads as one (Settings knob)."""
    if text.startswith("'"):
        return text[1:]  # Sheets: a leading apostrophe keeps the text as text
    upper = text.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    try:
        number = float(text.replace(",", "")) if text.strip() else None
    except ValueError:
        return text
    if number is None or not math.isfinite(number) or text.strip().lower() in ("nan", "inf", "infinity"):
        return text
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def from_cell(cell: object) -> object:
    """The value ``getValues`` returns for a stored cell (a Date comes back as an aware datetime)."""
    if isinstance(cell, dict):
        return from_epoch_ms(cell["d"])
    return cell


# ---------------------------------------------------------------------- documents
def new_sheet(sheet_id: int, name: str, rows: list | None = None, *, max_rows: int = DEFAULT_ROWS,
              max_cols: int = DEFAULT_COLUMNS) -> dict:
    rows = [[to_cell(v) for v in row] for row in (rows or [])]
    width = max((len(r) for r in rows), default=0)
    return {"sheetId": sheet_id, "name": name, "maxRows": max(max_rows, len(rows)),
            "maxCols": max(max_cols, width), "rows": trim(rows)}


def trim(rows: list[list]) -> list[list]:
    """Drop trailing empty cells and rows (the stored form holds only the data region)."""
    out = [row[:] for row in rows]
    for row in out:
        while row and row[-1] == "":
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def read(emu: Emulator, spreadsheet_id: str) -> dict | None:
    text = emu.store.doc_get(NS, spreadsheet_id)
    return None if text is None else json.loads(text)


def write(emu: Emulator, doc: dict) -> None:
    emu.store.doc_put(NS, doc["id"], json.dumps(doc, separators=(",", ":")))


def create(emu: Emulator, spreadsheet_id: str, sheets: dict[str, list] | None = None, *,
           name: str | None = None, bound: bool = False) -> dict:
    """A spreadsheet with the given tabs (``{"Sheet1": [[...], ...]}``); replaces one with that id."""
    sheets = sheets if sheets else {"Sheet1": []}
    doc = {"id": spreadsheet_id, "name": name or spreadsheet_id,
           "sheets": [new_sheet(i, tab, rows) for i, (tab, rows) in enumerate(sheets.items())]}
    write(emu, doc)
    if bound:
        bind(emu, spreadsheet_id)
    return doc


def bind(emu: Emulator, spreadsheet_id: str) -> None:
    """Make the script container-bound to this spreadsheet (``SpreadsheetApp.getActive``)."""
    emu.store.doc_put(META_NS, BOUND_KEY, spreadsheet_id)


def values(emu: Emulator, spreadsheet_id: str, sheet: str | None = None) -> list[list]:
    """The data region of a tab (the first tab by default), typed as ``getValues`` returns it."""
    doc = read(emu, spreadsheet_id)
    if doc is None:
        raise KeyError(f"no spreadsheet {spreadsheet_id!r}")
    tab = _tab(doc, sheet)
    width = max((len(r) for r in tab["rows"]), default=0)
    return [[from_cell(c) for c in row] + [""] * (width - len(row)) for row in tab["rows"]]


def _tab(doc: dict, sheet: str | None) -> dict:
    for tab in doc["sheets"]:
        if sheet is None or tab["name"] == sheet:
            return tab
    raise KeyError(f"spreadsheet {doc['id']!r} has no sheet {sheet!r}")


# ---------------------------------------------------------------------- files
def load_csv(emu: Emulator, path: str | Path, spreadsheet_id: str, *, sheet: str = "Sheet1",
             bound: bool = False) -> dict:
    """A one-tab spreadsheet from a CSV file (numbers and TRUE/FALSE read as Sheets reads them)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [[parse_entered(cell) if cell else "" for cell in row] for row in csv.reader(handle)]
    return create(emu, spreadsheet_id, {sheet: rows}, bound=bound)


def save_csv(emu: Emulator, spreadsheet_id: str, path: str | Path, *, sheet: str | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in values(emu, spreadsheet_id, sheet):
            writer.writerow([_csv_text(v) for v in row])


def _csv_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value == "" else str(value)


def load_xlsx(emu: Emulator, path: str | Path, spreadsheet_id: str, *, bound: bool = False) -> dict:
    """A spreadsheet from an XLSX workbook (openpyxl): every tab, typed values, dates as Dates."""
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    tabs = {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    return create(emu, spreadsheet_id, tabs, name=Path(path).stem, bound=bound)


def save_xlsx(emu: Emulator, spreadsheet_id: str, path: str | Path) -> None:
    import openpyxl

    doc = read(emu, spreadsheet_id)
    if doc is None:
        raise KeyError(f"no spreadsheet {spreadsheet_id!r}")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for tab in doc["sheets"]:
        ws = book.create_sheet(tab["name"])
        for row in values(emu, spreadsheet_id, tab["name"]):
            ws.append([_xlsx_value(v) for v in row])
    book.save(path)


def _xlsx_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)  # XLSX has no zones: UTC wall time
    return None if value == "" else value
