"""What the worker reads from a CSV or XLSX table: the first rows of each sheet, as cells."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TableError = Literal["table-unreadable"]
# A cell as read: text from a CSV; from XLSX, numbers stay numbers and dates become ISO text.
Cell = str | int | float | bool | None


class SheetFacts(BaseModel):
    """One sheet (a CSV is one sheet named after the file) with its first rows."""

    model_config = ConfigDict(frozen=True)

    name: str
    rows: list[list[Cell]] = Field(default_factory=list)  # rows with content, top first, bounded
    row_numbers: list[int] = Field(default_factory=list)  # the sheet row number of each of them
    total_rows: int = 0  # rows with content in the sheet, also those not read
    truncated: bool = False  # more rows or columns than the bounds: only the first were read


class TableFacts(BaseModel):
    """A data table's sheets, or why it could not be read."""

    model_config = ConfigDict(frozen=True)

    format: Literal["csv", "xlsx"]
    error: TableError | None = None
    error_detail: str | None = None
    encoding: str | None = None  # CSV only: the encoding that decoded it
    delimiter: str | None = None  # CSV only
    sheets: list[SheetFacts] = Field(default_factory=list)
