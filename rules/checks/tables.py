"""Data tables (CSV, XLSX) against the catalog's explicit template: columns, types, "nihil"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.tableschema import (
    DEFAULT_NIHIL,
    NUMERIC_TYPES,
    TableField,
    TableTemplate,
    fits,
    is_blank,
    is_nihil,
    normalise,
)
from rules.tabular import Cell, SheetFacts

_LISTED = 20  # problems named in a finding's details
_SUMMARY_ROWS = {"jumlah", "total", "jumlah total", "grand total"}
# the most serious problem names the finding; the others are counted in its details
_ORDER = (
    "table-nihil-in-number",
    "table-type-error",
    "table-value-not-allowed",
    "table-cell-empty",
)


class TableSchemaParams(Params):
    templates: list[TableTemplate] = Field(min_length=1)
    nihil: list[str] = Field(default_factory=lambda: list(DEFAULT_NIHIL))
    header_search_rows: int = Field(default=10, ge=1, le=50)  # title rows may stand above it


@dataclass(frozen=True)
class _Header:
    template: TableTemplate
    sheet: SheetFacts
    index: int  # position of the header in sheet.rows
    columns: dict[str, int]  # field name -> column index

    @property
    def missing(self) -> list[str]:
        return [f.name for f in self.template.fields if f.required and f.name not in self.columns]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _columns(row: list[Cell], fields: list[TableField]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        if isinstance(cell, str):
            for f in fields:
                if f.name not in found and f.matches(cell):
                    found[f.name] = i
                    break
    return found


def _find_header(sheets: list[SheetFacts], params: TableSchemaParams) -> _Header | None:
    """The (template, sheet, row) whose header names the most of the template's columns."""
    best: tuple[float, _Header] | None = None
    for template in params.templates:
        for sheet in sheets:
            for index, row in enumerate(sheet.rows[: params.header_search_rows]):
                columns = _columns(row, template.fields)
                score = len(columns) / len(template.fields)
                if columns and (best is None or score > best[0]):
                    best = (score, _Header(template, sheet, index, columns))
    return best[1] if best else None


# what a column must hold, in the words of each language's message
_EXPECTED_ID = {"integer": "angka bulat", "number": "angka", "date": "tanggal", "string": "teks"}
_EXPECTED_EN = {
    "integer": "a whole number",
    "number": "a number",
    "date": "a date",
    "string": "text",
}


def _where(fmt: str, problem: dict[str, Any]) -> tuple[str, str]:
    """Where a cell is, in Bahasa Indonesia and English; a CSV has no sheet or letters to name."""
    sheet, row, column = problem["sheet"], problem["row"], problem["column"]
    if fmt == "xlsx":
        column = f"{column} ({problem['letter']})"
    at_id, at_en = f"baris {row}, kolom {column}", f"row {row}, column {column}"
    if fmt == "xlsx":
        return f"lembar {sheet}, {at_id}", f"sheet {sheet}, {at_en}"
    return at_id, at_en


def _cell_problem(value: Cell, field: TableField, nihil: list[str]) -> str | None:
    if is_blank(value):
        return "table-cell-empty" if field.required else None
    if field.type in NUMERIC_TYPES and is_nihil(value, nihil):
        return "table-nihil-in-number"
    if not fits(value, field.type):
        return "table-type-error"
    if field.allowed is not None and normalise(str(value)) not in {
        normalise(a) for a in field.allowed
    }:
        return "table-value-not-allowed"
    return None


def _problems(header: _Header, fmt: str, nihil: list[str]) -> tuple[list[dict[str, Any]], int]:
    sheet, fields = header.sheet, {f.name: f for f in header.template.fields}
    labels = sheet.rows[header.index]
    problems: list[dict[str, Any]] = []
    data_rows = 0
    for offset, row in enumerate(sheet.rows[header.index + 1 :], start=header.index + 1):
        if all(is_blank(c) for c in row):
            continue
        first = next((c for c in row if not is_blank(c)), None)
        if isinstance(first, str) and " ".join(first.casefold().split()) in _SUMMARY_ROWS:
            continue  # a totals line under the data: its own figures are the sum of the others
        data_rows += 1
        number = sheet.row_numbers[offset] if offset < len(sheet.row_numbers) else offset + 1
        for name, col in header.columns.items():
            value = row[col] if col < len(row) else None
            code = _cell_problem(value, fields[name], nihil)
            if code is not None:
                problems.append(
                    {
                        "code": code,
                        "sheet": sheet.name,
                        "row": number,
                        "column": str(labels[col]).strip(),
                        "letter": _column_letter(col),
                        "value": None if value is None else str(value)[:60],
                        "type": fields[name].type,
                    }
                )
    return problems, data_rows


def table_schema(facts: FileFacts, ctx: CheckContext, params: TableSchemaParams) -> CheckResult:
    table = facts.table
    if table is None:
        return result(Outcome.SKIP, "not-a-table")
    if table.error is not None:
        return result(Outcome.FAIL, table.error, detail=table.error_detail or "tidak terbaca")
    header = _find_header(table.sheets, params)
    if header is None:
        if not any(any(not is_blank(c) for c in row) for s in table.sheets for row in s.rows):
            return result(Outcome.FAIL, "table-empty", table_template=params.templates[0].title)
        header = _Header(params.templates[0], table.sheets[0], 0, {})
    template = header.template
    about: dict[str, Any] = {
        "table_template": template.title,
        "template_id": template.template,
        "template_confirmed": template.confirmed,
        "sheet": header.sheet.name,
    }
    if header.missing:
        # a guessed template is not grounds to refuse a file: a person compares the columns
        return result(
            Outcome.FAIL if template.confirmed else Outcome.WARN,
            "table-missing-column",
            needs_review=not template.confirmed,
            columns=header.missing,
            **about,
        )
    problems, data_rows = _problems(header, table.format, params.nihil)
    if data_rows < max(1, template.min_rows):
        return result(Outcome.FAIL, "table-empty", rows=data_rows, **about)
    if not problems:
        return result(
            Outcome.PASS,
            "table-ok",
            rows=data_rows,
            truncated=header.sheet.truncated or None,
            **about,
        )
    code = min((p["code"] for p in problems), key=_ORDER.index)
    first = next(p for p in problems if p["code"] == code)
    where, where_en = _where(table.format, first)
    return result(
        Outcome.FAIL,
        code,
        location={"sheet": first["sheet"], "row": first["row"], "column": first["column"]},
        where=where,
        where_en=where_en,
        value=first["value"],
        expected=_EXPECTED_ID[first["type"]],
        expected_en=_EXPECTED_EN[first["type"]],
        count=sum(p["code"] == code for p in problems),
        problem_count=len(problems),
        problems=problems[:_LISTED],
        **about,
    )


TABLE_SCHEMA = CheckSpec(
    id="table-schema",
    codes=(
        "table-ok",
        "table-unreadable",
        "table-empty",
        "table-missing-column",
        "table-nihil-in-number",
        "table-type-error",
        "table-value-not-allowed",
        "table-cell-empty",
        "not-a-table",
    ),
    params=TableSchemaParams,
    check=table_schema,
    summary="a CSV/XLSX data table has its template's columns, numbers where numbers are asked "
    "(no 'nihil'), allowed values and no empty required cells",
)
