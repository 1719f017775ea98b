"""Another live document of the region as re-use findings name it: the columns each search
reads (the job's twins, the photo search, the text-print search) and the FileMatch fields made
of them, in one place."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from infra.days import office_day


def other_columns(document: Any, submission: Any, unit: Any, prefix: str = "") -> list[Any]:
    """The columns naming the other document, labelled `prefix` + field; `document`,
    `submission` and `unit` are the tables' columns (ORM classes or aliases' `.c`)."""
    named: list[tuple[str, sa.ColumnElement[Any]]] = [
        ("id", document.id),
        ("criterion_id", document.criterion_id),
        ("created_at", document.created_at),
        ("original_name", document.original_name),
        ("programme", submission.programme),
        ("period", submission.period),
        ("unit_code", submission.unit_code),
        ("unit_name", unit.name),
    ]
    return [column.label(prefix + name) for name, column in named]


def other_document(row: Any, prefix: str = "") -> dict[str, Any]:
    """FileMatch's fields from a row read with `other_columns` (the same `prefix`)."""

    def value(name: str) -> Any:
        return getattr(row, prefix + name)

    return {
        "document_id": value("id"),
        "unit_code": value("unit_code"),
        "unit_name": value("unit_name"),
        "programme": value("programme"),
        "period": value("period"),
        "criterion_id": value("criterion_id"),
        "uploaded_at": office_day(value("created_at")),  # the day as the pages show it
        "original_name": value("original_name"),
    }
