"""Aksi 1 (2025) B04 mapping tables in the four states the table check tells apart."""

from __future__ import annotations

HEADER = [
    "No",
    "Kecamatan",
    "Desa/Kelurahan",
    "Jumlah Perempuan Kepala Keluarga",
    "Jumlah Telah Dilatih",
]
CLEAN = [
    HEADER,
    ["1", "Lahat", "Bandar Jaya", "42", "12"],
    ["2", "Merapi Barat", "Lebak Budi", "1.250", "30"],
    ["3", "Pulau Pinang", "Tanjung Sirih", "0", "0"],
]
NIHIL = [
    HEADER,
    ["1", "Lahat", "Bandar Jaya", "42", "12"],
    ["2", "Merapi Barat", "Lebak Budi", "nihil", "30"],
]
MISSING_COLUMN = [list(row[:4]) for row in CLEAN]  # no "Jumlah Telah Dilatih"
TYPE_ERROR = [HEADER, ["1", "Lahat", "Bandar Jaya", "empat puluh dua", "12"]]

# (rows, final status, reason code of the deciding finding or None)
CASES = {
    "clean": (CLEAN, "passed", None),
    "nihil": (NIHIL, "failed", "table-nihil-in-number"),
    # the template is a guess (confirmed: false): a missing column goes to a person
    "missing-column": (MISSING_COLUMN, "needs_review", "table-missing-column"),
    "type-error": (TYPE_ERROR, "failed", "table-type-error"),
}
