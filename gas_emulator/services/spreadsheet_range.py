"""Range: a rectangle of one sheet, read and written as typed values.

Sources: developers.google.com/apps-script/reference/spreadsheet/range (getValues returns a
two-dimensional array "indexed by row, then by column"; numbers, booleans, Dates or strings; empty
cells are ""), .../sheet#getRange (A1 notation, or row / column numbers starting at 1).
A1 notation is parsed by openpyxl (``range_boundaries``), the library made for it.
Error texts marked [community] are the ones community mocks copy from Apps Script (unverified here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GasError
from . import workbooks

if TYPE_CHECKING:
    from .spreadsheet import Sheet


class RangeError(GasError):
    """A bad range (its exact text)."""


def check_position(row: int, col: int, num_rows: int, num_cols: int) -> None:
    # [community] texts of Sheet.getRange for a start or a size below 1
    if row < 1:
        raise RangeError("The starting row of the range is too small.")
    if col < 1:
        raise RangeError("The starting column of the range is too small.")
    if num_rows < 1:
        raise RangeError("The number of rows in the range must be at least 1.")
    if num_cols < 1:
        raise RangeError("The number of columns in the range must be at least 1.")


def parse_a1(text: str, sheet: Sheet) -> tuple[int, int, int, int]:
    """(row, column, rows, columns) of an A1 range of ``sheet`` ("B2", "A1:C3", "A:B", "2:3")."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(text.replace("$", "").upper())
    except (ValueError, TypeError):
        raise RangeError("Range not found") from None  # [community] getRange of bad A1 text
    if min_row is None or max_row is None or min_col is None or max_col is None:
        tab = sheet.read_tab()  # a whole column ("A:B") or row ("2:3"): up to the sheet's size
        min_row, max_row = min_row or 1, max_row or tab["maxRows"]
        min_col, max_col = min_col or 1, max_col or tab["maxCols"]
    return min_row, min_col, max_row - min_row + 1, max_col - min_col + 1


def _column_letters(col: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(col)


class Range:
    """reference/spreadsheet/range (a handle: sheet, top-left cell, size)."""

    def __init__(self, sheet: Sheet, row: int, col: int, num_rows: int, num_cols: int) -> None:
        self._sheet = sheet
        self._row, self._col = row, col
        self._rows, self._cols = num_rows, num_cols

    def getSheet(self) -> Sheet:
        return self._sheet

    def getRow(self) -> int:
        return self._row

    def getColumn(self) -> int:
        return self._col

    def getLastRow(self) -> int:
        return self._row + self._rows - 1

    def getLastColumn(self) -> int:
        return self._col + self._cols - 1

    def getNumRows(self) -> int:
        return self._rows

    def getNumColumns(self) -> int:
        return self._cols

    def getA1Notation(self) -> str:
        first = f"{_column_letters(self._col)}{self._row}"
        if self._rows == 1 and self._cols == 1:
            return first
        return f"{first}:{_column_letters(self.getLastColumn())}{self.getLastRow()}"

    # -------------------------------------------------------------- values
    def getValues(self) -> list[list]:
        rows = self._sheet.read_tab()["rows"]
        out = []
        for r in range(self._row - 1, self._row - 1 + self._rows):
            stored = rows[r] if r < len(rows) else []
            out.append([workbooks.from_cell(stored[c]) if c < len(stored) else ""
                        for c in range(self._col - 1, self._col - 1 + self._cols)])
        return out

    def getValue(self) -> object:
        # range: "Returns the value of the top-left cell in the range"
        rows = self._sheet.read_tab()["rows"]
        stored = rows[self._row - 1] if self._row - 1 < len(rows) else []
        return workbooks.from_cell(stored[self._col - 1]) if self._col - 1 < len(stored) else ""

    def setValues(self, values) -> Range:
        grid = [list(row) if isinstance(row, list | tuple) else row for row in list(values)]
        if len(grid) != self._rows:
            # [community] the text Apps Script gives for a height mismatch
            raise RangeError("The number of rows in the data does not match the number of rows in "
                             f"the range. The data has {len(grid)} but the range has {self._rows}.")
        for row in grid:
            width = len(row) if isinstance(row, list) else 0
            if width != self._cols:
                raise RangeError("The number of columns in the data does not match the number of "
                                 f"columns in the range. The data has {width} but the range has "
                                 f"{self._cols}.")
        self._write(grid)
        return self

    def setValue(self, value) -> Range:
        # range: "Sets the value of the range" (every cell of it)
        self._write([[value] * self._cols for _ in range(self._rows)])
        return self

    def clear(self) -> Range:
        self._write([[""] * self._cols for _ in range(self._rows)], parse=False)
        return self

    def clearContent(self) -> Range:
        return self.clear()

    def _write(self, grid: list[list], parse: bool | None = None) -> None:
        settings = self._sheet.getParent()._ex.emulator.settings
        parse = settings.spreadsheet_parse_entered_text if parse is None else parse
        cells = [[workbooks.to_cell(v, parse) for v in row] for row in grid]
        top, left = self._row - 1, self._col - 1
        last_row, last_col = self.getLastRow(), self.getLastColumn()

        def write(tab: dict) -> None:
            if last_row > tab["maxRows"]:
                raise RangeError("Those rows are out of bounds.")  # [community]
            if last_col > tab["maxCols"]:
                raise RangeError("Those columns are out of bounds.")  # [community]
            rows = tab["rows"]
            while len(rows) < top + len(cells):
                rows.append([])
            for i, row in enumerate(cells):
                target = rows[top + i]
                if len(target) < left + len(row):
                    target.extend([""] * (left + len(row) - len(target)))
                target[left:left + len(row)] = row
            tab["rows"] = workbooks.trim(rows)

        self._sheet.change_tab(write)
