"""SpreadsheetApp: ranges, typed values, appendRow, errors, bound scripts and workbook files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gas_emulator.errors import GasError
from gas_emulator.services import workbooks


@pytest.fixture
def sheet(emu, ex):
    workbooks.create(emu, "book", {"Data": [["name", "n"], ["a", 1]]}, bound=True)
    return ex.SpreadsheetApp.getActiveSpreadsheet().getSheetByName("Data")


def test_values_come_back_typed(sheet):
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    sheet.getRange(3, 1, 1, 4).setValues([["b", 2.5, True, when]])
    assert sheet.getRange("A3:D3").getValues() == [["b", 2.5, True, when]]


def test_text_is_read_as_typed_into_the_ui(sheet):
    sheet.getRange("A3:C3").setValues([["42", "TRUE", "'7"]])
    assert sheet.getRange("A3:C3").getValues() == [[42, True, "7"]]


def test_empty_cells_are_empty_strings(sheet):
    assert sheet.getRange(1, 1, 3, 3).getValues() == [["name", "n", ""], ["a", 1, ""], ["", "", ""]]


def test_last_row_and_column_follow_the_data(sheet):
    sheet.getRange("E7").setValue("x")
    assert (sheet.getLastRow(), sheet.getLastColumn()) == (7, 5)


def test_data_range_covers_the_data(sheet):
    assert sheet.getDataRange().getA1Notation() == "A1:B2"


def test_append_row_writes_after_the_last_row(sheet):
    sheet.appendRow(["c", 3])
    assert sheet.getRange(3, 1, 1, 2).getValues() == [["c", 3]]


def test_get_value_reads_the_top_left_cell(sheet):
    assert sheet.getRange("A2:B2").getValue() == "a"


def test_set_value_fills_every_cell(sheet):
    sheet.getRange("C1:C2").setValue(0)
    assert sheet.getRange("C1:C2").getValues() == [[0], [0]]


def test_clear_empties_the_sheet(sheet):
    sheet.clear()
    assert (sheet.getLastRow(), sheet.getDataRange().getValues()) == (0, [[""]])


def test_delete_rows_shifts_the_rest_up(sheet):
    sheet.appendRow(["c", 3])
    sheet.deleteRows(1, 2)
    assert sheet.getDataRange().getValues() == [["c", 3]]


def test_delete_row_out_of_bounds(sheet):
    with pytest.raises(GasError) as err:
        sheet.deleteRow(1001)
    assert str(err.value) == "Those rows are out of bounds."


def test_set_values_with_the_wrong_height(sheet):
    with pytest.raises(GasError) as err:
        sheet.getRange("A1:B2").setValues([["x", "y"]])
    assert str(err.value) == ("The number of rows in the data does not match the number of rows in the "
                              "range. The data has 1 but the range has 2.")


def test_set_values_with_the_wrong_width_changes_nothing(sheet):
    with pytest.raises(GasError) as err:
        sheet.getRange("A1:B1").setValues([["x"]])
    assert str(err.value) == ("The number of columns in the data does not match the number of columns "
                              "in the range. The data has 1 but the range has 2.")
    assert sheet.getRange("A1").getValue() == "name"


def test_range_start_below_one(sheet):
    with pytest.raises(GasError) as err:
        sheet.getRange(0, 1)
    assert str(err.value) == "The starting row of the range is too small."


def test_bad_a1_notation(sheet):
    with pytest.raises(GasError) as err:
        sheet.getRange("not a range")
    assert str(err.value) == "Range not found"


def test_spreadsheet_range_with_a_sheet_name(emu, ex, sheet):
    assert ex.SpreadsheetApp.openById("book").getRange("Data!B2").getValue() == 1


def test_insert_sheet_with_a_taken_name(emu, ex, sheet):
    with pytest.raises(GasError) as err:
        sheet.getParent().insertSheet("Data")
    assert str(err.value) == 'A sheet with the name "Data" already exists. Please enter another name.'


def test_insert_sheet_without_a_name_is_the_next_sheet_n(sheet):
    assert sheet.getParent().insertSheet().getName() == "Sheet2"


def test_open_by_id_of_a_missing_file(ex):
    with pytest.raises(GasError) as err:
        ex.SpreadsheetApp.openById("nope")
    assert str(err.value) == ("Unexpected error while getting the method or property openById on object "
                              "SpreadsheetApp.")


def test_a_standalone_script_has_no_active_spreadsheet(ex):
    assert ex.SpreadsheetApp.getActiveSpreadsheet() is None


def test_get_sheet_by_name_of_a_missing_tab_is_null(sheet):
    assert sheet.getParent().getSheetByName("Other") is None


def test_every_call_is_a_traced_service_call(store):
    from gas_emulator import Emulator

    emu = Emulator(store=store, trace=True)
    workbooks.create(emu, "book", {"Data": []})
    with emu.execution() as ex:
        ex.SpreadsheetApp.openById("book").getSheetByName("Data").appendRow([1])
    assert [entry[2] for entry in emu.trace] == ["spreadsheet.open", "spreadsheet.read",
                                                 "spreadsheet.write"]


def test_csv_round_trip(emu, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("name,n,ok\nA,1.5,TRUE\n", encoding="utf-8")
    workbooks.load_csv(emu, source, "book", sheet="Data")
    workbooks.save_csv(emu, "book", tmp_path / "out.csv")
    assert workbooks.values(emu, "book", "Data") == [["name", "n", "ok"], ["A", 1.5, True]]
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_xlsx_round_trip_keeps_types_and_tabs(emu, tmp_path):
    when = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    workbooks.create(emu, "book", {"A": [["x", 2, False]], "B": [[when]]})
    workbooks.save_xlsx(emu, "book", tmp_path / "book.xlsx")
    workbooks.load_xlsx(emu, tmp_path / "book.xlsx", "copy")
    assert (workbooks.values(emu, "copy", "A"), workbooks.values(emu, "copy", "B")) == (
        [["x", 2, False]], [[when]])
