"""Spreadsheet exports with Indonesian headers: the matrix and one unit's findings, as CSV or
XLSX. CSV is UTF-8 with a byte-order mark so Excel shows Indonesian text right.

Cells hold what uploaders and verifiers typed (file names, unit names, notes), so every text
cell is written as text: never a formula (a name like `=HYPERLINK(...)` would leak other cells),
never a character a worksheet cannot hold (one vertical tab would fail the whole export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from intake.views import DOCUMENT_LABELS_ID
from intake.workspace.decision_views import LABELS_ID as DECISION_LABELS
from intake.workspace.matrix import UNDECIDED, Matrix
from intake.workspace.queue import missing_summary
from intake.workspace.reading import SubmissionOut
from rules.catalog import Catalog
from rules.completeness import LABELS_ID, CriterionStatus

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_DECIDED = "Belum diputuskan"
OUTCOME_LABELS = {"pass": "Lolos", "fail": "Gagal", "warn": "Peringatan", "skip": "Dilewati"}
LOCATION_WORDS = {"page": "halaman", "exif": "EXIF", "token": "bagian nama", "entry": "entri"}

# What spreadsheets read as the start of a formula or a DDE command (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Word pastes a manual line break as a vertical tab and a page break as a form feed.
_WORD_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})

MATRIX_HEADERS = [
    "Wilayah",
    "Kode Unit",
    "Nama Unit",
    "Jenis Unit",
    "Kriteria",
    "Nama Kriteria",
    "Wajib",
    "Status Mesin",
    "Jumlah Dokumen",
    "Kekurangan",
    "Keputusan",
    "Catatan",
    "Siap Diunggah",
]
SUMMARY_HEADERS = [
    "Wilayah",
    "Nama Wilayah",
    "Jumlah Unit",
    "Unit Mengunggah",
    "Unit Siap Diunggah",
    *(LABELS_ID[s] for s in CriterionStatus),
    *DECISION_LABELS.values(),
    NOT_DECIDED,
]
FINDINGS_HEADERS = [
    "Kriteria",
    "Nama Kriteria",
    "Berkas",
    "Jenis Bukti",
    "Status Dokumen",
    "Pemeriksaan",
    "Hasil",
    "Kode Alasan",
    "Pesan",
    "Lokasi",
    "Diunggah",
]


def matrix_rows(matrix: Matrix, catalog: Catalog) -> list[list[Any]]:
    """One row per unit × criterion, in unit then catalog order."""
    rows = []
    for unit in matrix.units:
        for criterion in matrix.criteria:
            cell = unit.cells[criterion.id]
            rows.append(
                [
                    unit.region,
                    unit.code,
                    unit.name,
                    unit.kind,
                    criterion.id,
                    criterion.name,
                    "Ya" if criterion.mandatory else "Tidak",
                    cell.status_label,
                    cell.documents,
                    missing_summary(catalog, cell.missing) or "",
                    cell.decision_label or NOT_DECIDED,
                    cell.note or "",
                    unit.ready_label,
                ]
            )
    return rows


def summary_rows(matrix: Matrix) -> list[list[Any]]:
    decided = [d.value for d in DECISION_LABELS]
    return [
        [
            r.region,
            r.name,
            r.units,
            r.units_submitted,
            r.units_ready,
            *(r.statuses.get(s.value, 0) for s in CriterionStatus),
            *(r.decisions.get(d, 0) for d in decided),
            r.decisions.get(UNDECIDED, 0),
        ]
        for r in matrix.regions
    ]


def location_text(location: dict[str, Any] | None) -> str:
    if not location:
        return ""
    return ", ".join(f"{LOCATION_WORDS.get(k, k)} {v}" for k, v in location.items())


def findings_rows(view: SubmissionOut) -> list[list[Any]]:
    """One row per finding of every document (a document without findings: one row)."""
    rows = []
    for criterion in view.criteria:
        for doc in criterion.documents:
            head = [
                criterion.id,
                criterion.name,
                doc.name,
                doc.kind or "",
                DOCUMENT_LABELS_ID.get(doc.status, doc.status),
            ]
            uploaded = doc.created_at.strftime("%Y-%m-%d %H:%M")
            if not doc.findings:
                rows.append(
                    [*head, "", "", doc.status_reason or "", doc.status_message or "", "", uploaded]
                )
            for f in doc.findings:
                rows.append(
                    [
                        *head,
                        f.check_id,
                        OUTCOME_LABELS.get(f.outcome, f.outcome),
                        f.reason_code,
                        f.message,
                        location_text(f.location),
                        uploaded,
                    ]
                )
    return rows


def sheet_text(text: str) -> str:
    """Text a worksheet can hold: Word's line and page breaks become newlines, other control
    characters (illegal in XLSX) are dropped."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text.translate(_WORD_BREAKS)))


def csv_cell(value: Any) -> Any:
    """A CSV field that Excel or LibreOffice will not evaluate: formula-like text gets a
    leading apostrophe (shown as typed, read as text)."""
    if not isinstance(value, str):
        return value
    text = sheet_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _put_row(sheet: Any, row: int, values: Sequence[Any]) -> None:
    """Write one row; text is stored as text (data type 's'), whatever it starts with."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            # A cell's line break is LF; a CR would come back as CR or LF depending on the XML
            # library that wrote it.
            cell.value = sheet_text(value).replace("\r\n", "\n").replace("\r", "\n")
            cell.data_type = "s"  # openpyxl would make `=...` a formula and `#N/A` an error
        else:
            cell.value = value


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, headers, rows): bold frozen header, filters."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        _put_row(sheet, 1, headers)
        for number, row in enumerate(rows, start=2):
            _put_row(sheet, number, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for i, header in enumerate(headers, start=1):
            longest = max([len(str(header)), *(len(str(r[i - 1])) for r in rows)])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def matrix_csv(matrix: Matrix, catalog: Catalog) -> bytes:
    return to_csv(MATRIX_HEADERS, matrix_rows(matrix, catalog))


def matrix_xlsx(matrix: Matrix, catalog: Catalog) -> bytes:
    return to_xlsx(
        [
            ("Matriks", MATRIX_HEADERS, matrix_rows(matrix, catalog)),
            ("Ringkasan", SUMMARY_HEADERS, summary_rows(matrix)),
        ]
    )


def findings_csv(view: SubmissionOut) -> bytes:
    return to_csv(FINDINGS_HEADERS, findings_rows(view))


def findings_xlsx(view: SubmissionOut) -> bytes:
    return to_xlsx([("Temuan", FINDINGS_HEADERS, findings_rows(view))])


def attachment(name: str) -> dict[str, str]:
    """Content-Disposition for a download; names are built from codes, never from user text."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}
