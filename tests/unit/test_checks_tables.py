"""table-schema over table facts: columns, numbers, "nihil", allowed values, empty tables."""

from __future__ import annotations

from typing import Any

import pytest

from rules.findings import Outcome
from rules.tabular import Cell
from tests.support.facts import photo_file, run, table_file

FIELDS = [
    {"name": "No", "type": "integer", "required": False},
    {"name": "Kecamatan", "aliases": ["Wilayah"]},
    {"name": "Jumlah", "aliases": ["Jumlah Penerima"], "type": "integer"},
    {"name": "Persentase", "type": "number", "required": False},
    {"name": "Jenis", "allowed": ["Pelatihan", "Bantuan Modal"], "required": False},
    {"name": "Tanggal", "type": "date", "required": False},
]


def params(confirmed: bool = True, **extra: Any) -> dict[str, Any]:
    template = {"template": "uji", "title": "Tabel uji", "confirmed": confirmed, "fields": FIELDS}
    return {"templates": [template], **extra}


HEAD: list[Cell] = ["No", "Kecamatan", "Jumlah", "Persentase", "Jenis", "Tanggal"]


@pytest.mark.parametrize(
    ("rows", "outcome", "reason", "where"),
    [
        pytest.param(
            [HEAD, [1, "Lahat", "12", "45,5%", "Pelatihan", "2025-03-01"]],
            Outcome.PASS,
            "table-ok",
            None,
            id="clean",
        ),
        pytest.param(
            [HEAD, ["1", "Lahat", "1.250", "12.5", "bantuan modal", "15 Maret 2025"]],
            Outcome.PASS,
            "table-ok",
            None,
            id="indonesian-number-and-date-forms-pass",
        ),
        pytest.param(
            [["Pemetaan 2025"], [], [" KECAMATAN ", "jumlah", "no."], ["Lahat", 4, 1]],
            Outcome.PASS,
            "table-ok",
            None,
            id="title-rows-above-and-headers-in-any-case-and-order",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "12"], ["Jumlah", None, "nihil"]],
            Outcome.PASS,
            "table-ok",
            None,
            id="a-totals-line-is-not-data",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "12"], [2, "Merapi", "nihil"]],
            Outcome.FAIL,
            "table-nihil-in-number",
            {"sheet": "Data", "row": 3, "column": "Jumlah"},
            id="nihil-in-a-count",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "-"]],
            Outcome.FAIL,
            "table-nihil-in-number",
            {"sheet": "Data", "row": 2, "column": "Jumlah"},
            id="a-dash-in-a-count",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "3", "Tidak Ada"]],
            Outcome.FAIL,
            "table-nihil-in-number",
            {"sheet": "Data", "row": 2, "column": "Persentase"},
            id="tidak-ada-in-an-optional-number",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "dua belas"]],
            Outcome.FAIL,
            "table-type-error",
            {"sheet": "Data", "row": 2, "column": "Jumlah"},
            id="words-in-a-count",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "12,5"]],
            Outcome.FAIL,
            "table-type-error",
            {"sheet": "Data", "row": 2, "column": "Jumlah"},
            id="a-fraction-in-a-count",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "3", None, None, "kemarin"]],
            Outcome.FAIL,
            "table-type-error",
            {"sheet": "Data", "row": 2, "column": "Tanggal"},
            id="not-a-date",
        ),
        pytest.param(
            [HEAD, [1, "Lahat", "3", None, "Hibah"]],
            Outcome.FAIL,
            "table-value-not-allowed",
            {"sheet": "Data", "row": 2, "column": "Jenis"},
            id="a-value-outside-the-choices",
        ),
        pytest.param(
            [HEAD, [1, None, "3"]],
            Outcome.FAIL,
            "table-cell-empty",
            {"sheet": "Data", "row": 2, "column": "Kecamatan"},
            id="a-required-cell-left-empty",
        ),
        pytest.param(
            [["No", "Kecamatan"], [1, "Lahat"]],
            Outcome.FAIL,
            "table-missing-column",
            None,
            id="a-required-column-missing",
        ),
        pytest.param([HEAD], Outcome.FAIL, "table-empty", None, id="a-header-and-no-rows"),
        pytest.param([], Outcome.FAIL, "table-empty", None, id="nothing-at-all"),
    ],
)
def test_a_table_is_held_to_its_template(
    rows: list[list[Cell]], outcome: Outcome, reason: str, where: dict[str, Any] | None
) -> None:
    finding = run("table-schema", table_file(*rows, fmt="xlsx"), **params())
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    if where is not None:
        assert finding.location == where
        assert finding.details is not None
        assert finding.details["sheet"] == "Data"


def test_a_nihil_message_names_sheet_row_and_column_in_plain_words() -> None:
    file = table_file(HEAD, [1, "Lahat", "12"], [2, "Merapi", "Nihil"], fmt="xlsx")
    finding = run("table-schema", file, **params())
    assert finding.message_id == (
        'Pada lembar Data, baris 3, kolom Jumlah (C) tertulis "Nihil", padahal harus berupa '
        "angka. Tulis 0 bila memang tidak ada (1 sel seperti ini)."
    )
    assert "row 3, column Jumlah (C)" in finding.message_en


def test_a_csv_names_row_and_column_without_a_sheet() -> None:
    finding = run("table-schema", table_file(HEAD, [1, "Lahat", "nihil"]), **params())
    assert finding.message_id.startswith('Pada baris 2, kolom Jumlah tertulis "nihil"')


def test_every_problem_is_counted_and_the_first_ones_listed() -> None:
    data: list[list[Cell]] = [[i, "Lahat", "nihil"] for i in range(1, 31)]
    rows = [HEAD, *data]
    finding = run("table-schema", table_file(*rows), **params())
    assert finding.details is not None
    assert (finding.details["count"], len(finding.details["problems"])) == (30, 20)


@pytest.mark.parametrize(
    ("confirmed", "outcome", "needs_review"),
    [
        pytest.param(True, Outcome.FAIL, False, id="confirmed-template-refuses"),
        pytest.param(False, Outcome.WARN, True, id="guessed-template-asks-a-person"),
    ],
)
def test_a_missing_column_fails_only_against_a_confirmed_template(
    confirmed: bool, outcome: Outcome, needs_review: bool
) -> None:
    file = table_file(["No", "Kecamatan"], [1, "Lahat"])
    finding = run("table-schema", file, **params(confirmed))
    assert (finding.outcome, finding.reason_code) == (outcome, "table-missing-column")
    assert finding.needs_review is needs_review
    assert finding.details is not None
    assert finding.details["columns"] == ["Jumlah"]


def test_nihil_fails_against_a_guessed_template_too() -> None:
    finding = run("table-schema", table_file(HEAD, [1, "Lahat", "nihil"]), **params(False))
    assert (finding.outcome, finding.reason_code) == (Outcome.FAIL, "table-nihil-in-number")


def test_the_template_whose_columns_the_table_has_is_the_one_applied() -> None:
    other = {"template": "lain", "title": "Lain", "fields": [{"name": "Nama"}, {"name": "NIK"}]}
    both: dict[str, Any] = {"templates": [other, params()["templates"][0]]}
    finding = run("table-schema", table_file(HEAD, [1, "Lahat", "12"]), **both)
    assert finding.details is not None
    assert finding.details["template_id"] == "uji"


def test_a_file_that_is_not_a_table_is_skipped() -> None:
    assert run("table-schema", photo_file(), **params()).outcome is Outcome.SKIP


def test_the_template_converts_to_a_frictionless_table_schema() -> None:
    from rules.checks.tables import TableSchemaParams

    template = TableSchemaParams.model_validate(params()).templates[0]
    schema = template.to_table_schema()
    assert schema["fields"][2] == {
        "name": "Jumlah",
        "type": "integer",
        "constraints": {"required": True},
    }
    assert schema["fields"][4]["constraints"]["enum"] == ["Pelatihan", "Bantuan Modal"]


@pytest.mark.parametrize(
    ("cells", "errors"),
    [
        pytest.param(["Lahat", "12"], [], id="clean"),
        pytest.param(["Lahat", "nihil"], [("type-error", 2, "Jumlah")], id="nihil"),
    ],
)
def test_frictionless_reads_the_catalog_schema_the_same_way(
    cells: list[str], errors: list[tuple[str, int, str]]
) -> None:
    from frictionless import Resource, Schema

    from rules.checks.tables import TableSchemaParams

    fields = [{"name": "Kecamatan"}, {"name": "Jumlah", "type": "integer"}]
    template = TableSchemaParams.model_validate(
        {"templates": [{"template": "uji", "title": "Uji", "fields": fields}]}
    ).templates[0]
    data = ("Kecamatan,Jumlah\n" + ",".join(cells) + "\n").encode()
    schema = Schema.from_descriptor(template.to_table_schema())
    report = Resource(data=data, format="csv", schema=schema).validate()
    found = [
        (e.type, getattr(e, "row_number", None), getattr(e, "field_name", None))
        for e in report.tasks[0].errors
    ]
    assert found == errors
