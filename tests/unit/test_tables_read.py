"""The worker reads CSV (encodings, delimiters) and XLSX tables into bounded rows of cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.tabular import TableFacts
from tests.support import factories
from tests.support.factories import extracted
from worker.tables import TableLimits, read_table

ROWS = [["Kecamatan", "Jumlah"], ["Pagar Alam Selatan", "12,5"], ["Dempo Utara", "nihil"]]


def _facts(tmp_path: Path, payload: bytes, name: str) -> TableFacts:
    facts = extracted(tmp_path, payload, name)
    assert facts.table is not None, facts.mime
    return facts.table


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        pytest.param(";", "utf-8", id="semicolon-utf8"),
        pytest.param(",", "utf-8-sig", id="comma-with-bom"),
        pytest.param("\t", "cp1252", id="tab-windows-1252"),
    ],
)
def test_a_csv_is_read_whatever_its_delimiter_and_encoding(
    tmp_path: Path, delimiter: str, encoding: str
) -> None:
    rows = [*ROWS, ["Lahat – kota", "3"]]  # an en dash: not ASCII in any of them
    if delimiter == ",":
        rows = [[c.replace(",", ".") for c in r] for r in rows]
    table = _facts(
        tmp_path, factories.table_csv(rows, delimiter=delimiter, encoding=encoding), "t.csv"
    )
    assert (table.format, table.delimiter, table.error) == ("csv", delimiter, None)
    assert table.sheets[0].rows == rows
    assert table.sheets[0].row_numbers == [1, 2, 3, 4]


def test_an_xlsx_keeps_numbers_as_numbers_and_row_numbers_past_a_title(tmp_path: Path) -> None:
    payload = factories.table_xlsx(
        [["Kecamatan", "Jumlah"], ["Lahat", 12], ["Merapi", "nihil"]], title="Pemetaan"
    )
    table = _facts(tmp_path, payload, "t.xlsx")
    sheet = table.sheets[0]
    assert (table.format, sheet.name) == ("xlsx", "Data")
    assert sheet.rows == [
        ["Pemetaan"],
        ["Kecamatan", "Jumlah"],
        ["Lahat", 12],
        ["Merapi", "nihil"],
    ]
    assert sheet.row_numbers == [1, 3, 4, 5]


def test_rows_past_the_bound_are_counted_not_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(factories.table_csv([["n"], *([str(i)] for i in range(50))]))
    table = read_table(path, "text/csv", "t.csv", TableLimits(max_rows=10))
    assert (len(table.sheets[0].rows), table.sheets[0].total_rows) == (10, 51)
    assert table.sheets[0].truncated


@pytest.mark.parametrize(
    ("payload", "name", "mime"),
    [
        pytest.param(
            b"PK\x03\x04 not really a workbook",
            "t.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            id="broken-xlsx",
        ),
        pytest.param("Kecamatan;Jumlah\n".encode("utf-16"), "t.csv", "text/csv", id="utf16-csv"),
    ],
)
def test_a_table_that_cannot_be_read_is_a_fact_not_a_crash(
    tmp_path: Path, payload: bytes, name: str, mime: str
) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    assert read_table(path, mime, name).error == "table-unreadable"
