"""Facts, contexts and decree text for unit tests of rules/: built directly, no file I/O."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, Literal

from rules.catalogs import load_catalogs
from rules.checks import CHECKS
from rules.context import CheckContext
from rules.facts import FileFacts, ImageFacts, PdfFacts
from rules.findings import Finding
from rules.naming import NameProblem, NamingConvention, ParsedName
from rules.similar import FileMatch, PhotoMatch
from rules.tabular import Cell, SheetFacts, TableFacts

MB = 1024 * 1024
SHA_A = "a" * 64
SHA_B = "b" * 64
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The text pypdf extracts from tests.support.factories.decree_pdf(): an SK Tim P2HAM of a Lapas,
# the decree on page 1 and the LAMPIRAN with the member table on page 2.
SK_DECREE_PAGE = """\
KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA
KANTOR WILAYAH DIREKTORAT JENDERAL PEMASYARAKATAN SUMATERA SELATAN
LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG
Jalan Merdeka No. 1, Palembang 30131, Telepon (0711) 123456
KEPUTUSAN KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG
NOMOR W6.PAS.PAS13-PK.01.01.02-123 TAHUN 2025
TENTANG
PEMBENTUKAN TIM PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA (P2HAM)
DENGAN RAHMAT TUHAN YANG MAHA ESA
KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG,
Menimbang : a. bahwa untuk meningkatkan mutu pelayanan publik yang menghormati, melindungi
dan memenuhi hak asasi manusia perlu dibentuk tim pelaksana;
b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu
menetapkan Keputusan Kepala Lembaga Pemasyarakatan tentang Pembentukan Tim;
Mengingat : 1. Undang-Undang Nomor 39 Tahun 1999 tentang Hak Asasi Manusia;
2. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;
3. Undang-Undang Nomor 22 Tahun 2022 tentang Pemasyarakatan;
4. Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 25 Tahun 2023 tentang
Pelayanan Publik Berbasis Hak Asasi Manusia;
MEMUTUSKAN:
Menetapkan : KEPUTUSAN KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA
PALEMBANG TENTANG PEMBENTUKAN TIM PELAYANAN PUBLIK BERBASIS HAK
ASASI MANUSIA (P2HAM).
KESATU : Membentuk Tim Pelayanan Publik Berbasis Hak Asasi Manusia dengan susunan
keanggotaan sebagaimana tercantum dalam Lampiran Keputusan ini.
KEDUA : Tim bertugas menyusun rencana aksi, melaksanakan dan melaporkan hasil
pelaksanaan kepada Kepala Lembaga Pemasyarakatan.
KETIGA : Keputusan ini mulai berlaku pada tanggal ditetapkan.
Ditetapkan di Palembang
pada tanggal 15 Maret 2025
KEPALA LEMBAGA PEMASYARAKATAN
PEREMPUAN KELAS IIA PALEMBANG,
Dra. SRI ASTUTI, M.Si.
NIP. 19661018 199203 1 001
Tembusan:
1. Kepala Kantor Wilayah Direktorat Jenderal Pemasyarakatan Sumatera Selatan;
2. Arsip."""

SK_ANNEX_PAGE = """\
LAMPIRAN KEPUTUSAN KEPALA LEMBAGA
PEMASYARAKATAN PEREMPUAN KELAS IIA
PALEMBANG
NOMOR W6.PAS.PAS13-PK.01.01.02-123 TAHUN 2025
TANGGAL 15 Maret 2025
TENTANG PEMBENTUKAN TIM PELAYANAN PUBLIK
BERBASIS HAK ASASI MANUSIA (P2HAM)
SUSUNAN KEANGGOTAAN TIM
No Nama/NIP Jabatan Kedudukan dalam Tim
1 Dra. SRI ASTUTI, M.Si. / 19661018 199203 1 001 Kepala Lapas Pengarah
2 RINA MARLINA, S.H. / 19780512 200012 2 001 Kasubag Tata Usaha Ketua
3 YULIANA PUTRI, S.Psi. / 19850304 200901 2 003 Kasi Binadik Sekretaris"""

SK_PAGES = (SK_DECREE_PAGE, SK_ANNEX_PAGE)

# A well-formed SK about something else (a service pledge) that cites Permenkumham 25/2023,
# so "Pelayanan Publik Berbasis Hak Asasi Manusia" is in it but it appoints no team.
SK_MAKLUMAT = """\
KEPUTUSAN KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG
NOMOR W6.PAS.PAS13-HM.01.01-045 TAHUN 2025
TENTANG
PENETAPAN MAKLUMAT PELAYANAN
DENGAN RAHMAT TUHAN YANG MAHA ESA
KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG,
Menimbang : a. bahwa untuk mewujudkan pelayanan publik yang optimal, transparan dan
akuntabel perlu menetapkan maklumat pelayanan;
Mengingat : 1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;
2. Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 25 Tahun 2023 tentang
Pelayanan Publik Berbasis Hak Asasi Manusia;
MEMUTUSKAN:
Menetapkan : KEPUTUSAN KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA
PALEMBANG TENTANG PENETAPAN MAKLUMAT PELAYANAN.
KESATU : Menetapkan Maklumat Pelayanan sebagaimana tercantum dalam Lampiran.
KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan.
Ditetapkan di Palembang
pada tanggal 2 Januari 2025"""


def pdf(*pages: str, **overrides: Any) -> PdfFacts:
    """Facts of a PDF that opened, with `pages` as its extracted text (one string per page)."""
    fields: dict[str, Any] = {
        "opened": True,
        "page_count": max(len(pages), 1),
        "pages_text": list(pages),
        "text_chars": sum(len(page.strip()) for page in pages),
    }
    fields.update(overrides)
    return PdfFacts(**fields)


def image(width: int | None = 1600, height: int | None = 1200, **overrides: Any) -> ImageFacts:
    """Facts of an image that decoded, taken inside 2025 unless told otherwise."""
    fields: dict[str, Any] = {
        "decoded": True,
        "format": "JPEG",
        "width": width,
        "height": height,
        "exif_present": True,
        "exif_datetime": "2025-03-15T08:00:00",
    }
    fields.update(overrides)
    return ImageFacts(**fields)


def facts(
    name: str = "LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf",
    *,
    mime: str = "application/pdf",
    size: int = 200_000,
    sha256: str = SHA_A,
    pdf: PdfFacts | None = None,
    image: ImageFacts | None = None,
    table: TableFacts | None = None,
) -> FileFacts:
    return FileFacts(
        name=name, size=size, sha256=sha256, mime=mime, pdf=pdf, image=image, table=table
    )


def table_file(
    *rows: list[Cell], fmt: Literal["csv", "xlsx"] = "csv", sheet: str = "Data"
) -> FileFacts:
    """A data table whose sheet holds `rows` from row 1 (blank rows keep their number)."""
    kept = [(n, r) for n, r in enumerate(rows, start=1) if any(c not in (None, "") for c in r)]
    name = "1604_AKSIHAM_2025-B04_A1_DATA_01." + fmt
    table = TableFacts(
        format=fmt,
        sheets=[
            SheetFacts(
                name=name if fmt == "csv" else sheet,
                rows=[list(r) for _, r in kept],
                row_numbers=[n for n, _ in kept],
                total_rows=len(kept),
            )
        ],
    )
    mime = "text/csv" if fmt == "csv" else XLSX
    return facts(name, mime=mime, size=2_000, table=table)


_PALEMBANG = {"unit_code": "1671", "unit_name": "Kota Palembang", "programme": "P2HAM"}


def match(**overrides: Any) -> PhotoMatch:
    """Another unit's photo that looks like the one checked."""
    return PhotoMatch(
        **{
            **_PALEMBANG,
            "document_id": "doc-other",
            "period": "2024",
            "criterion_id": "P2H-02-LAKTASI",
            "uploaded_at": "2024-05-02",
            "original_name": "laktasi.jpg",
            "distance": 3,
            **overrides,
        }
    )


def copy_of(**overrides: Any) -> FileMatch:
    """Another unit's document with the very bytes of the one checked."""
    return FileMatch(
        **{
            **_PALEMBANG,
            "document_id": "doc-copy",
            "period": "2025",
            "criterion_id": "P2H-00-SKTIM",
            "uploaded_at": "2025-04-10",
            "original_name": "sk-tim.pdf",
            **overrides,
        }
    )


def sk_file(*pages: str, name: str = "LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf") -> FileFacts:
    """A text PDF; the realistic SK Tim P2HAM when no pages are given."""
    return facts(name, pdf=pdf(*(pages or SK_PAGES)))


def photo_file(
    name: str = "LPPPLG_P2HAM_2025_P2H-02-LAKTASI_FOTO_01.jpg",
    *,
    mime: str = "image/jpeg",
    sha256: str = SHA_A,
    **image_facts: Any,
) -> FileFacts:
    return facts(name, mime=mime, size=800_000, sha256=sha256, image=image(**image_facts))


def ctx(**overrides: Any) -> CheckContext:
    """A P2HAM 2025 context for the Lapas Perempuan Palembang, SK Tim criterion, kind resolved."""
    fields: dict[str, Any] = {
        "programme": "P2HAM",
        "period": "2025",
        "unit_code": "LPPPLG",
        "unit_kind": "lapas",
        "criterion_id": "P2H-00-SKTIM",
        "kind": "sk_decree_pdf",
        "allowed_mime": ("application/pdf",),
        "allowed_extensions": ("pdf",),
        "window_start": date(2025, 1, 1),
        "window_end": date(2025, 12, 31),
        "naming": shipped_naming(),
    }
    fields.update(overrides)
    return CheckContext(**fields)


def run(
    check_id: str, file: FileFacts, context: CheckContext | None = None, **params: Any
) -> Finding:
    """Run a check through the registry, its parameters validated as the catalog would."""
    spec = CHECKS[check_id]
    return spec.run(file, context or ctx(), spec.parse_params(params))


@cache
def shipped_naming() -> NamingConvention:
    """The naming convention of the shipped catalogs (loaded once per test run)."""
    return load_catalogs().naming


def parse_name(name: str) -> ParsedName | NameProblem:
    return shipped_naming().parse(name)
