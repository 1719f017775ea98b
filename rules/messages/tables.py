"""Messages of the data-table check: columns, empty tables, numbers written as "nihil"."""

from __future__ import annotations

# code: (Bahasa Indonesia, English). Placeholders are filled from the finding's parameters.
TABLES: dict[str, tuple[str, str]] = {
    "table-ok": (
        "Tabel sesuai format {table_template} ({rows} baris data).",
        "The table follows the {table_template} format ({rows} data rows).",
    ),
    "table-unreadable": (
        "Tabel tidak dapat dibaca ({detail}). Simpan ulang sebagai XLSX atau CSV lalu unggah lagi.",
        "The table cannot be read ({detail}). Save it again as XLSX or CSV and upload it again.",
    ),
    "table-empty": (
        "Tabel tidak berisi data. Isi tabel {table_template} lalu unggah lagi.",
        "The table holds no data. Fill in the {table_template} table and upload it again.",
    ),
    "table-missing-column": (
        "Kolom {columns} tidak ada pada tabel. Gunakan format {table_template}.",
        "The table lacks the column(s) {columns}. Use the {table_template} format.",
    ),
    "table-nihil-in-number": (
        'Pada {where} tertulis "{value}", padahal harus berupa angka. '
        "Tulis 0 bila memang tidak ada ({count} sel seperti ini).",
        'At {where_en} the table says "{value}" where a number is required. '
        "Write 0 if there is none ({count} such cells).",
    ),
    "table-type-error": (
        'Isi pada {where} ("{value}") tidak sesuai: kolom ini harus berisi {expected} '
        "({count} sel seperti ini).",
        'The value at {where_en} ("{value}") does not fit: this column must hold {expected_en} '
        "({count} such cells).",
    ),
    "table-value-not-allowed": (
        'Isi pada {where} ("{value}") bukan salah satu pilihan yang diminta '
        "({count} sel seperti ini).",
        'The value at {where_en} ("{value}") is not one of the allowed choices '
        "({count} such cells).",
    ),
    "table-cell-empty": (
        "Sel pada {where} kosong, padahal wajib diisi ({count} sel kosong).",
        "The cell at {where_en} is empty but must be filled in ({count} empty cells).",
    ),
    "not-a-table": ("Berkas bukan tabel CSV atau XLSX.", "The file is not a CSV or XLSX table."),
}
