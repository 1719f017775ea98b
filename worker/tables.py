"""Read a CSV or XLSX data table into bounded rows of cells, for the table checks."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from rules.tabular import Cell, SheetFacts, TableFacts

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig reads plain UTF-8 too; Excel on Windows: cp1252
_DELIMITERS = (";", ",", "\t")  # Indonesian Excel writes ";" (the decimal mark is ",")


@dataclass(frozen=True)
class TableLimits:
    """What one table may cost to read."""

    max_rows: int = 5000  # per sheet; more rows are counted, not read
    max_cols: int = 60
    max_sheets: int = 20
    max_cell_chars: int = 500
    max_csv_bytes: int = 20 * 1024 * 1024
    max_xlsx_expanded_bytes: int = 200 * 1024 * 1024  # the unpacked parts of the workbook


def is_table(mime: str, name: str) -> bool:
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return mime in (XLSX_MIME, "text/csv") or (mime == "text/plain" and ext == "csv")


def read_table(path: Path, mime: str, name: str, limits: TableLimits | None = None) -> TableFacts:
    """The table's sheets, bounded; a file that cannot be read is a fact, never a crash."""
    limits = limits or TableLimits()
    fmt = "xlsx" if mime == XLSX_MIME else "csv"
    try:
        if fmt == "xlsx":
            return _read_xlsx(path, limits)
        return _read_csv(path, name, limits)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl and csv raise many kinds; a bad file is a finding
        detail = (str(exc) or type(exc).__name__)[:200]
        return TableFacts(format=fmt, error="table-unreadable", error_detail=detail)


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # UTF-16 decodes as cp1252 with NULs between the letters
            return text, encoding
    raise ValueError("bukan teks UTF-8 atau Windows-1252")


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one width above 1."""
    sample = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        width, rows = Counter(widths).most_common(1)[0] if widths else (1, 0)
        score = (rows, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _cell(value: Any, limits: TableLimits) -> Cell:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        return value[: limits.max_cell_chars]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[: limits.max_cell_chars]


def _sheet(name: str, rows: Any, limits: TableLimits) -> SheetFacts:
    kept: list[list[Cell]] = []
    numbers: list[int] = []
    total = 0
    truncated = False
    for number, row in enumerate(rows, start=1):
        cells = [_cell(v, limits) for v in row]
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()  # openpyxl pads a row to max_col
        if not any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
            continue
        total += 1
        if len(cells) > limits.max_cols:
            cells, truncated = cells[: limits.max_cols], True
        if len(kept) < limits.max_rows:
            kept.append(cells)
            numbers.append(number)
        else:
            truncated = True
    return SheetFacts(
        name=name, rows=kept, row_numbers=numbers, total_rows=total, truncated=truncated
    )


def _read_csv(path: Path, name: str, limits: TableLimits) -> TableFacts:
    with path.open("rb") as handle:
        raw = handle.read(limits.max_csv_bytes + 1)
    if len(raw) > limits.max_csv_bytes:
        raise ValueError(f"lebih dari {limits.max_csv_bytes // (1024 * 1024)} MB")
    text, encoding = _decode(raw)
    delimiter = _delimiter(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = _sheet(name.rsplit("/", 1)[-1], rows, limits)
    return TableFacts(format="csv", encoding=encoding, delimiter=delimiter, sheets=[sheet])


def _read_xlsx(path: Path, limits: TableLimits) -> TableFacts:
    with zipfile.ZipFile(path) as archive:  # a workbook is a ZIP: refuse a bomb before openpyxl
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > limits.max_xlsx_expanded_bytes:
        raise ValueError(f"isi buku kerja terlalu besar ({expanded // (1024 * 1024)} MB)")
    # a handle, not the path: openpyxl refuses a path without .xlsx (the worker's is "object")
    with path.open("rb") as handle:
        book = load_workbook(handle, read_only=True, data_only=True)
        try:
            sheets = [
                _sheet(ws.title, ws.iter_rows(max_col=limits.max_cols, values_only=True), limits)
                for ws in book.worksheets[: limits.max_sheets]
            ]
        finally:
            book.close()
    return TableFacts(format="xlsx", sheets=sheets)
