"""Checks of official documents: regional legal products, surat dinas and signature blocks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from rules.checks import CHECKS
from rules.context import CheckContext
from rules.facts import FileFacts, PdfFacts
from rules.findings import Finding
from tests.support.facts import shipped_naming

PERBUP = """\
BUPATI LAHAT
PROVINSI SUMATERA SELATAN
PERATURAN BUPATI LAHAT
NOMOR 12 TAHUN 2021
TENTANG
PENYELENGGARAAN BANTUAN HUKUM BAGI MASYARAKAT MISKIN
DENGAN RAHMAT TUHAN YANG MAHA ESA
BUPATI LAHAT,
Menimbang : a. bahwa setiap orang berhak atas bantuan hukum;
Mengingat : 1. Undang-Undang Nomor 16 Tahun 2011 tentang Bantuan Hukum;
MEMUTUSKAN:
Menetapkan : PERATURAN BUPATI TENTANG PENYELENGGARAAN BANTUAN HUKUM.
BAB I
KETENTUAN UMUM
Pasal 1
Dalam Peraturan Bupati ini yang dimaksud dengan:
"""
PERDA_KOTA = PERBUP.replace("PERATURAN BUPATI LAHAT", "PERATURAN DAERAH KOTA PALEMBANG")
PERWALI_SPACED = PERBUP.replace("PERATURAN BUPATI LAHAT", "P E R A T U R A N  W A L I K O T A")
PERBUP_NO_BODY = PERBUP.split("BAB I")[0]
PERBUP_NO_TENTANG = PERBUP.replace("TENTANG", "mengenai").replace("tentang", "mengenai")
KEPBUP = """\
KEPUTUSAN BUPATI OGAN ILIR
NOMOR 188.45/123/KEP/HUKUM/2023
TENTANG
PEMBENTUKAN POS PELAYANAN BANTUAN HUKUM
Menimbang : a. bahwa Negara Kesatuan Republik Indonesia menjamin bantuan hukum;
MEMUTUSKAN:
Menetapkan :
KESATU : Membentuk Pos Pelayanan Bantuan Hukum.
KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan.
"""
KEPBUP_NO_DIKTUM = KEPBUP.split("Menetapkan")[0]
REPORT = "LAPORAN KEGIATAN PENYULUHAN HUKUM\nNomor kegiatan 3 tentang desa sadar hukum.\n"
CITING_REPORT = "x " * 900 + "sesuai PERATURAN DAERAH Nomor 5 tentang Bantuan Hukum Pasal 3"

LETTER = """\
PEMERINTAH PROVINSI SUMATERA SELATAN
SEKRETARIAT DAERAH
Nomor : 100.3.4/0456/Hukum/2025        Palembang, 3 Maret 2025
Sifat : Penting
Lampiran : 1 (satu) berkas
Hal : Penyampaian Data Dukung Penilaian KKP HAM
Yth. Kepala Kantor Wilayah Kementerian HAM Sumatera Selatan
di Palembang
Dengan hormat, bersama ini kami sampaikan data dukung Kabupaten/Kota Peduli HAM.
"""
LETTER_PERIHAL = LETTER.replace("Hal :", "Perihal :")
LETTER_OLD_STYLE = LETTER.replace("Yth.", "Kepada Yang Terhormat")
LETTER_NO_SIFAT = LETTER.replace("Sifat : Penting\n", "")
LETTER_HAL_IN_PROSE = LETTER.replace("Hal :", "").replace("Dengan", "Dalam hal ini, dengan")
PENGANTAR_FORM = """\
SURAT PENGANTAR
Nomor : 100.3/77/Setda/2025
Yth. Kepala Kantor Wilayah Kementerian HAM Sumatera Selatan
No | Naskah yang dikirimkan | Banyaknya | Keterangan
1 | Data dukung KKP HAM Kabupaten Lahat | 1 berkas | disampaikan
"""

SIGNED_NIP = "Sekretaris Daerah,\nH. AHMAD RIZAL, S.H.\nNIP. 19661018 199203 1 001\n"
SIGNED_NIP_RUN_ON = "Kepala Dinas\nNIP 196610181992031001\n"
ESIGNED = "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat BSrE."
BSRE_ONLY = "Ditandatangani dengan sertifikat elektronik yang diterbitkan oleh BSrE."
TTD = "Formulir isian indikator KKP HAM.\nKepala Bappeda,\nttd\nDrs. SUPRIADI\n"
TTD_FAR_FROM_END = "ttd\n" + "baris data indikator\n" * 200
UNSIGNED = "Formulir isian indikator KKP HAM tanpa pengesahan.\nNIK 1671012345678901\n"


def _facts(text: str, pages: int | None = None) -> FileFacts:
    texts = [text] if text else []
    pdf = PdfFacts(opened=True, page_count=pages or 1, pages_text=texts, text_chars=len(text))
    return FileFacts(
        name="1604_KKPHAM_2025_KKP-01-S_PERBUP_01.pdf",
        size=2048,
        sha256="0" * 64,
        mime="application/pdf",
        pdf=pdf,
    )


_CTX = CheckContext(
    programme="KKPHAM",
    period="2025",
    unit_code="1604",
    criterion_id="KKP-01-S",
    window_start=date(2025, 1, 1),
    window_end=date(2025, 12, 31),
    naming=shipped_naming(),
)


def _run(check_id: str, text: str, params: dict[str, Any], pages: int | None = None) -> Finding:
    spec = CHECKS[check_id]
    return spec.run(_facts(text, pages), _CTX, spec.parse_params(params))


def rows(table: list[tuple[Any, ...]]) -> list[Any]:
    """One table line per case; its first cell, a sentence, names the test."""
    return [pytest.param(*row[1:], id=row[0]) for row in table]


OK, FAIL = "regulation-ok", "regulation-markers-missing"
TWO_TITLES = {"titles": ["PERATURAN DAERAH", "PERATURAN BUPATI"]}
NO_TITLE = ["PERATURAN DAERAH / PERATURAN BUPATI", "BAB/Pasal atau KESATU"]
KEPGUB = KEPBUP.replace("BUPATI", "GUBERNUR")
LATE = "regulation-title-not-at-start"

# fmt: off
REGULATION_CASES = [
    ("a full perbup passes", PERBUP, {}, "pass", OK, None),
    ("a perda kota passes", PERDA_KOTA, {}, "pass", OK, None),
    ("a letter-spaced walikota title passes", PERWALI_SPACED, {}, "pass", OK, None),
    ("a keputusan bupati with a diktum passes", KEPBUP, {}, "pass", OK, None),
    ("a perbup without bab or pasal fails", PERBUP_NO_BODY, {}, "fail", FAIL, ["BAB/Pasal"]),
    ("a perbup without tentang fails", PERBUP_NO_TENTANG, {}, "fail", FAIL, ["TENTANG"]),
    ("kesatuan is not a diktum", KEPBUP_NO_DIKTUM, {}, "fail", FAIL, ["KESATU/PERTAMA"]),
    ("a report without a title fails", REPORT, TWO_TITLES, "fail", FAIL, NO_TITLE),
    ("a report citing a perda late goes to a person", CITING_REPORT, {}, "warn", LATE, None),
    ("a late title passes if position is not asked", CITING_REPORT, {"title_within": 0}, "pass",
     OK, None),
    ("a catalog may add a title", KEPGUB, {"titles": ["KEPUTUSAN GUBERNUR"]}, "pass", OK, None),
    ("a scan without text is skipped", "", {}, "skip", "regulation-no-text", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "params", "outcome", "reason", "missing"), rows(REGULATION_CASES))
def test_regulation_structure_judges_the_legal_product(
    text: str, params: dict[str, Any], outcome: str, reason: str, missing: list[str] | None
) -> None:
    finding = _run("regulation-structure", text, params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.needs_review is (outcome == "warn")
    if missing is not None:
        assert finding.details is not None
        assert finding.details["missing"] == missing


LENIENT = {"required": ["nomor", "yth"], "expected": ["sifat", "lampiran", "hal"]}
GONE, ODD = "letter-parts-missing", "letter-parts-unusual"

# fmt: off
LETTER_CASES = [
    ("a full surat dinas passes", LETTER, {}, "pass", "letter-ok", None),
    ("perihal counts as hal", LETTER_PERIHAL, {}, "pass", "letter-ok", None),
    ("kepada yang terhormat counts as yth", LETTER_OLD_STYLE, {}, "pass", "letter-ok", None),
    ("a letter without sifat fails naming it", LETTER_NO_SIFAT, {}, "fail", GONE, ["Sifat"]),
    ("hal in prose is not a hal label", LETTER_HAL_IN_PROSE, {}, "fail", GONE, ["Hal/Perihal"]),
    ("a report is not a letter", REPORT, {}, "fail", GONE,
     ["Sifat", "Lampiran", "Hal/Perihal", "Yth."]),
    ("a missing expected part goes to a person", LETTER_NO_SIFAT, LENIENT, "warn", ODD, ["Sifat"]),
    ("a surat pengantar form goes to a person", PENGANTAR_FORM, LENIENT, "warn", ODD,
     ["Sifat", "Lampiran", "Hal/Perihal"]),
    ("a scan without text is skipped", "", {}, "skip", "letter-no-text", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "params", "outcome", "reason", "missing"), rows(LETTER_CASES))
def test_letter_structure_lists_the_missing_parts(
    text: str, params: dict[str, Any], outcome: str, reason: str, missing: list[str] | None
) -> None:
    finding = _run("letter-structure", text, params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.needs_review is (outcome == "warn")
    if missing is not None:
        assert finding.details is not None
        assert finding.details["missing"] == missing


ESIGN = ["tanda tangan elektronik"]

# fmt: off
SIGNATURE_CASES = [
    ("a spaced nip passes", SIGNED_NIP, "pass", ["NIP"]),
    ("a run-on nip passes", SIGNED_NIP_RUN_ON, "pass", ["NIP"]),
    ("an e-signature footer passes", ESIGNED, "pass", ESIGN),
    ("a bsre note passes", BSRE_ONLY, "pass", ESIGN),
    ("ttd near the end passes", TTD, "pass", ["ttd/cap"]),
    ("a cap dinas near the end passes", "Kepala Dinas\n(cap dinas)\nBUDI", "pass", ["ttd/cap"]),
    ("ttd far from the end only warns", TTD_FAR_FROM_END, "warn", None),
    ("a nik is not a nip, so it only warns", UNSIGNED, "warn", None),
    ("a scan without text is skipped", "", "skip", None),
]
# fmt: on


@pytest.mark.parametrize(("text", "outcome", "found"), rows(SIGNATURE_CASES))
def test_signature_block_warns_but_never_fails(
    text: str, outcome: str, found: list[str] | None
) -> None:
    finding = _run("signature-block", text, {})
    assert finding.outcome == outcome
    assert finding.needs_review is False
    if found is not None:
        assert finding.details == {"found": found}


def test_signature_not_found_says_how_many_pages_were_read() -> None:
    finding = _run("signature-block", UNSIGNED, {}, pages=40)
    assert finding.reason_code == "signature-not-found"
    assert "1 dari 40 halaman" in finding.message_id
    assert "1 of 40 pages" in finding.message_en


# fmt: off
BAD_PARAMS = [
    ("a letter part is not both required and expected", "letter-structure",
     {"required": ["nomor"], "expected": ["nomor"]}),
    ("letter parts come from a fixed list", "letter-structure", {"required": ["tanggal"]}),
    ("a letter needs a required part", "letter-structure", {"required": []}),
    ("a regulation needs a title", "regulation-structure", {"titles": []}),
    ("a signature tail shorter than a line is refused", "signature-block", {"tail_chars": 10}),
    ("unknown parameters are refused", "signature-block", {"near_end": True}),
]
# fmt: on


@pytest.mark.parametrize(("check_id", "params"), rows(BAD_PARAMS))
def test_bad_parameters_are_refused(check_id: str, params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CHECKS[check_id].parse_params(params)
