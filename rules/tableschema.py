"""Explicit table schemas kept in the catalog: columns, their types, required, allowed values.

Explicit on purpose: a schema inferred from the data would read a column holding "nihil" as
text and let it pass. The same schema can be given to frictionless as a Table Schema.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.months import MONTH_NUMBERS
from rules.tabular import Cell

FieldType = Literal["integer", "number", "string", "date"]
NUMERIC_TYPES = ("integer", "number")

# What people write where a count or a percentage was asked for (DOMAIN.md §3, Kendal B08 2023)
DEFAULT_NIHIL = ["nihil", "-", "--", "—", "–", "tidak ada", "tdk ada", "kosong", "nil", "n/a"]

_INTEGER = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+)$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|\d{1,3}(\.\d{3})+(,\d+)?|\d{1,3}(,\d{3})+(\.\d+)?)%?$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def normalise(label: str) -> str:
    """A header or a word as compared: case, spaces and punctuation do not count."""
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", label.casefold()).split())


class TableField(_Strict):
    """One column of a template."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)  # other headers people write for it
    type: FieldType = "string"
    # True: the column must be there and no cell of it may be empty
    required: bool = True
    allowed: list[str] | None = None  # the values a string column may hold

    def matches(self, header: str) -> bool:
        wanted = normalise(header)
        return bool(wanted) and wanted in {normalise(n) for n in [self.name, *self.aliases]}


class TableTemplate(_Strict):
    """The columns one kind of data table must have."""

    template: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str  # what people call it, in Bahasa Indonesia
    confirmed: bool = True  # False: the columns are a guess until the official template is known
    min_rows: int = Field(default=1, ge=0)
    fields: list[TableField] = Field(min_length=1)

    def to_table_schema(self) -> dict[str, Any]:
        """The same schema as a frictionless Table Schema descriptor."""
        fields = []
        for f in self.fields:
            constraints: dict[str, Any] = {"required": f.required}
            if f.allowed is not None:
                constraints["enum"] = list(f.allowed)
            fields.append({"name": f.name, "type": f.type, "constraints": constraints})
        return {"fields": fields, "missingValues": [""]}


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_nihil(value: Cell, words: list[str]) -> bool:
    return isinstance(value, str) and normalise_word(value) in {normalise_word(w) for w in words}


def normalise_word(text: str) -> str:
    return " ".join(text.casefold().strip().rstrip(".").split())


def fits(value: Cell, kind: FieldType) -> bool:
    """Whether a non-blank cell holds a value of the type."""
    if kind == "string":
        return True
    if isinstance(value, bool):
        return False
    if kind == "integer":
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return bool(_INTEGER.match(str(value).strip().replace(" ", "")))
    if kind == "number":
        if isinstance(value, int | float):
            return True
        return bool(_NUMBER.match(str(value).strip().replace(" ", "")))
    return _is_date(str(value).strip())


def _is_date(text: str) -> bool:
    for form in _DATE_FORMATS:
        try:
            datetime.strptime(text, form)
        except ValueError:
            continue
        return True
    parts = text.casefold().split()
    if len(parts) == 3 and parts[1] in MONTH_NUMBERS and parts[0].isdigit() and parts[2].isdigit():
        try:
            date(int(parts[2]), MONTH_NUMBERS[parts[1]], int(parts[0]))
        except ValueError:
            return False
        return True
    return False
