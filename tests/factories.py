"""Deterministic test files: a realistic SK decree, hostile PDFs, photos and impostors."""

from __future__ import annotations

import io
import random
import re
import struct
import zlib
from collections.abc import Iterable, Set
from datetime import UTC, datetime
from functools import cache

from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

_FIXED_DATE = datetime(2025, 3, 15, 8, 0, tzinfo=UTC)
_OFFICE = "KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG"
_NUMBER = "W6.PAS.PAS13-PK.01.01.02-123 TAHUN 2025"
_SIGNER = "Dra. SRI ASTUTI, M.Si."
_NIP = "19661018 199203 1 001"
_MEMBERS = [
    ("Dra. SRI ASTUTI, M.Si. / 19661018 199203 1 001", "Kepala Lapas", "Pengarah"),
    ("RINA MARLINA, S.H. / 19780512 200012 2 001", "Kasubag Tata Usaha", "Ketua"),
    ("YULIANA PUTRI, S.Psi. / 19850304 200901 2 003", "Kasi Binadik", "Sekretaris"),
    ("ANITA SARI, A.Md.IP. / 19900721 201012 2 002", "Kasi Kegiatan Kerja", "Anggota"),
    ("DEWI LESTARI, S.Kom. / 19920815 201503 2 004", "Staf Registrasi", "Anggota"),
    ("SITI AMINAH, S.Sos. / 19880109 201101 2 005", "Staf Bimkemaswat", "Anggota"),
]
# omit keys (upper-cased) whose word must also vanish from the rest of the text
_REWORDS = {
    "KEPUTUSAN": ("Keputusan", "Ketetapan"),
    "NOMOR": ("Nomor", "No."),
    "TENTANG": ("Tentang", "mengenai"),
}
OMITTABLE = frozenset(
    {"KOP", "KEPUTUSAN", "NOMOR", "TENTANG", "RAHMAT", "MENIMBANG", "MENGINGAT", "MEMUTUSKAN"}
    | {"MENETAPKAN", "KESATU", "KEDUA", "KETIGA", "DITETAPKAN", "TANGGAL", "NIP", "TEMBUSAN"}
    | {"LAMPIRAN"}
)

Line = tuple[str | None, str, str]  # (omit key, style, text); style: kop|head|body|label:<Label>


class _ReproducibleWriter(PdfWriter):
    """A PdfWriter with a fixed file identifier, so encrypted output is byte-for-byte stable."""

    def generate_file_identifiers(self) -> None:
        fixed = ByteStringObject(b"absah-fixture-id")
        self._ID = ArrayObject((fixed, fixed))


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(auto=True, margin=15)
    return pdf


def _decree_lines(topic: str, date_text: str, spaced: bool) -> list[Line]:
    decide = "M E M U T U S K A N :" if spaced else "MEMUTUSKAN:"
    return [
        (
            "KOP",
            "kop",
            "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA\n"
            "KANTOR WILAYAH DIREKTORAT JENDERAL PEMASYARAKATAN SUMATERA SELATAN\n"
            "LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG\n"
            "Jalan Merdeka No. 1, Palembang 30131, Telepon (0711) 123456",
        ),
        ("KEPUTUSAN", "head", f"KEPUTUSAN {_OFFICE}"),
        ("NOMOR", "head", f"NOMOR {_NUMBER}"),
        ("TENTANG", "head", "TENTANG"),
        (None, "head", topic),
        ("RAHMAT", "head", "DENGAN RAHMAT TUHAN YANG MAHA ESA"),
        (None, "head", f"{_OFFICE},"),
        (
            "MENIMBANG",
            "label:Menimbang",
            "a. bahwa untuk meningkatkan mutu pelayanan publik yang menghormati, melindungi dan "
            "memenuhi hak asasi manusia perlu dibentuk tim pelaksana;\n"
            "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu "
            "menetapkan Keputusan Kepala Lembaga Pemasyarakatan tentang Pembentukan Tim;",
        ),
        (
            "MENGINGAT",
            "label:Mengingat",
            "1. Undang-Undang Nomor 39 Tahun 1999 tentang Hak Asasi Manusia;\n"
            "2. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n"
            "3. Undang-Undang Nomor 22 Tahun 2022 tentang Pemasyarakatan;\n"
            "4. Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 25 Tahun 2023 tentang "
            "Pelayanan Publik Berbasis Hak Asasi Manusia;",
        ),
        ("MEMUTUSKAN", "head", decide),
        ("MENETAPKAN", "label:Menetapkan", f"KEPUTUSAN {_OFFICE} TENTANG {topic}."),
        (
            "KESATU",
            "label:KESATU",
            "Membentuk Tim Pelayanan Publik Berbasis Hak Asasi Manusia dengan susunan "
            "keanggotaan sebagaimana tercantum dalam Lampiran Keputusan ini.",
        ),
        (
            "KEDUA",
            "label:KEDUA",
            "Tim sebagaimana dimaksud dalam Diktum KESATU bertugas menyusun rencana aksi, "
            "melaksanakan dan melaporkan hasil pelaksanaan kepada Kepala Lembaga Pemasyarakatan.",
        ),
        ("KETIGA", "label:KETIGA", "Keputusan ini mulai berlaku pada tanggal ditetapkan."),
        ("DITETAPKAN", "sign", "Ditetapkan di Palembang"),
        ("TANGGAL", "sign", date_text),
        (None, "sign", f"{_OFFICE},\n\n\n{_SIGNER}"),
        ("NIP", "sign", f"NIP. {_NIP}"),
        (
            "TEMBUSAN",
            "body",
            "Tembusan:\n1. Kepala Kantor Wilayah Direktorat Jenderal Pemasyarakatan Sumatera "
            "Selatan;\n2. Arsip.",
        ),
    ]


def _annex_lines(topic: str, date_text: str) -> list[Line]:
    day = re.sub(r"(?i)^\s*pada tanggal\s*", "", date_text)
    return [
        ("LAMPIRAN", "annex", f"LAMPIRAN KEPUTUSAN {_OFFICE}"),
        ("NOMOR", "annex", f"NOMOR {_NUMBER}"),
        ("TANGGAL", "annex", f"TANGGAL {day}"),
        ("TENTANG", "annex", f"TENTANG {topic}"),
        (None, "head", f"SUSUNAN KEANGGOTAAN TIM {topic}"),
    ]


def _keep(lines: Iterable[Line], omit: Set[str]) -> list[Line]:
    kept = [line for line in lines if line[0] is None or line[0] not in omit]
    for key, (word, other) in _REWORDS.items():
        if key in omit:
            pattern = re.compile(re.escape(word), re.IGNORECASE)
            kept = [(tag, style, pattern.sub(other, text)) for tag, style, text in kept]
    return kept


def _write(pdf: FPDF, lines: Iterable[Line]) -> None:
    for _tag, style, text in lines:
        if style == "kop":
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 4.5, text, align="C", new_x="LMARGIN")
            pdf.line(20, pdf.get_y() + 1, 190, pdf.get_y() + 1)
            pdf.ln(3)
        elif style == "head":
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 5, text, align="C", new_x="LMARGIN")
        elif style == "annex":
            pdf.set_font("Helvetica", "", 9)
            pdf.set_x(105)
            pdf.multi_cell(85, 4.5, text, align="L", new_x="LMARGIN")
        elif style == "sign":
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(115)
            pdf.multi_cell(75, 4.5, text, align="L", new_x="LMARGIN")
        elif style.startswith("label:"):
            pdf.set_font("Helvetica", "", 10)
            pdf.cell(26, 4.5, style.removeprefix("label:"))
            pdf.cell(4, 4.5, ":")
            pdf.multi_cell(0, 4.5, text, align="J", new_x="LMARGIN")
        else:
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 4.5, text, align="L", new_x="LMARGIN")
        pdf.ln(1.5)


def _member_table(pdf: FPDF) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=(8, 80, 45, 37), line_height=5) as table:
        table.row(("No", "Nama/NIP", "Jabatan", "Kedudukan dalam Tim"))
        for number, member in enumerate(_MEMBERS, start=1):
            table.row((str(number), *member))


def decree_pdf(
    *,
    title_topic: str = "PEMBENTUKAN TIM PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA (P2HAM)",
    date_text: str = "pada tanggal 15 Maret 2025",
    omit: Set[str] = frozenset(),
    letter_spaced_title: bool = False,
    pages: int = 2,
) -> bytes:
    """An SK Tim: the decree on page 1, then `pages - 1` LAMPIRAN pages with the member table.

    `omit` names markers from OMITTABLE (any case); the marker's line goes, and for KEPUTUSAN,
    NOMOR and TENTANG the word is reworded everywhere else so it is absent from the text.
    """
    wanted = {key.upper() for key in omit}
    if unknown := wanted - OMITTABLE:
        raise ValueError(f"unknown omit keys {sorted(unknown)}; known: {sorted(OMITTABLE)}")
    if pages < 1:
        raise ValueError("a decree has at least one page")
    pdf = _new_pdf()
    pdf.add_page()
    _write(pdf, _keep(_decree_lines(title_topic, date_text, letter_spaced_title), wanted))
    for _ in range(pages - 1):
        pdf.add_page()
        _write(pdf, _keep(_annex_lines(title_topic, date_text), wanted))
        _member_table(pdf)
    if pdf.pages_count != pages:
        raise AssertionError(f"decree layout overflowed: {pdf.pages_count} pages, not {pages}")
    return bytes(pdf.output())


def text_pdf(text: str, pages: int = 1) -> bytes:
    """A plain PDF with `text` on each of `pages` pages (Latin-1 text, core font)."""
    pdf = _new_pdf()
    pdf.set_font("Helvetica", "", 11)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, text, new_x="LMARGIN")
    return bytes(pdf.output())


def scanned_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages carry only a JPEG image, like a scan without OCR."""
    pdf = _new_pdf()
    for page in range(pages):
        pdf.add_page()
        scan = io.BytesIO(photo_jpeg(850, 1200, exif_datetime=None, seed=page, quality=60))
        pdf.image(scan, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def _rewrite(source: bytes, writer: PdfWriter | None = None) -> PdfWriter:
    out = writer or _ReproducibleWriter()
    out.append(PdfReader(io.BytesIO(source)))
    return out


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    """A decree encrypted with RC4-128 and a user password, so it cannot be opened without it."""
    writer = _rewrite(decree_pdf())
    writer.encrypt(user_password="rahasia", owner_password="pemilik", algorithm="RC4-128")
    return _written(writer)


def truncated_pdf() -> bytes:
    """A valid decree cut in half: no cross-reference table, no trailer."""
    whole = decree_pdf()
    return whole[: len(whole) // 2]


def javascript_pdf() -> bytes:
    """A PDF that runs JavaScript on open through the catalog's /OpenAction."""
    writer = _rewrite(text_pdf("Dokumen dengan skrip."))
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('absah');"),
        }
    )
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    """A PDF carrying an attachment in its /EmbeddedFiles name tree."""
    writer = _rewrite(text_pdf("Dokumen dengan lampiran tersemat."))
    writer.add_attachment("data.csv", b"no,nama\n1,contoh\n")
    return _written(writer)


@cache
def pdf_with_pages(n: int) -> bytes:
    """A PDF of `n` blank A4 pages; cheap even for n=10000."""
    writer = _ReproducibleWriter()
    for _ in range(n):
        writer.add_blank_page(width=595, height=842)
    return _written(writer)


def _picture(width: int, height: int, seed: int) -> Image.Image:
    # seeded coarse noise, upscaled: photo-like blobs that compress like a photo and are stable
    grid = (max(2, width // 16), max(2, height // 16))
    blobs = random.Random(seed).randbytes(grid[0] * grid[1] * 3)
    img = Image.frombytes("RGB", grid, blobs).resize((width, height), Image.Resampling.BICUBIC)
    shade = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    img = Image.blend(img, shade, 0.4)
    draw = ImageDraw.Draw(img)
    for index in range(5):
        x = (seed * 131 + index * 257) % max(1, width - 80)
        y = (seed * 71 + index * 193) % max(1, height - 80)
        colour = ((seed * 53 + index * 90) % 256, (index * 60) % 256, (seed * 19) % 256)
        draw.rectangle((x, y, x + width // 6, y + height // 8), fill=colour)
        draw.ellipse((x // 2, y // 2, x // 2 + 60, y // 2 + 60), outline=colour, width=3)
    return img


def photo_jpeg(
    width: int = 1600,
    height: int = 1200,
    *,
    exif_datetime: str | None = "2025:03:10 09:30:00",
    seed: int = 0,
    quality: int = 85,
) -> bytes:
    """A JPEG photo; `seed` changes the pixels, `exif_datetime` sets DateTimeOriginal."""
    img = _picture(width, height, seed)
    exif = Image.Exif()
    if exif_datetime is not None:
        exif[0x010F] = "absah-camera"  # Make, in IFD0
        exif.get_ifd(0x8769)[36867] = exif_datetime  # DateTimeOriginal, in the Exif IFD
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, exif=exif.tobytes() if len(exif) else b"")
    return buffer.getvalue()


def photo_png(width: int = 1024, height: int = 768, seed: int = 0) -> bytes:
    """A PNG picture without EXIF; `seed` changes the pixels."""
    buffer = io.BytesIO()
    _picture(width, height, seed).save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@cache
def png_bomb(side: int = 30000) -> bytes:
    """A complete, valid 1-bit PNG of side x side black pixels: about 110 KB on disk."""
    row = b"\x00" + bytes((side + 7) // 8)  # filter byte + packed pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def broken_jpeg() -> bytes:
    """Valid JPEG headers up to the start of scan, then garbage and no end marker."""
    whole = photo_jpeg(640, 480, exif_datetime=None)
    start_of_scan = whole.index(b"\xff\xda")
    garbage = bytes((index * 73 + 11) % 255 for index in range(4096))  # never 0xFF
    return whole[: start_of_scan + 20] + garbage


def html_renamed() -> bytes:
    """An HTML page, the kind that arrives saved as "sk.pdf"."""
    return (
        b'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        b"<title>Keputusan</title></head>\n<body><h1>KEPUTUSAN KEPALA</h1>"
        b"<p>MEMUTUSKAN: lihat lampiran.</p></body></html>\n"
    )


def exe_like() -> bytes:
    """A DOS/Windows executable header with its stub message."""
    header = bytearray(b"MZ" + bytes(126))
    header[0x3C:0x40] = struct.pack("<I", 0x80)  # e_lfanew: where the PE header would be
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    return bytes(header[:0x4E]) + stub + bytes(0x80 - 0x4E - len(stub)) + b"PE\x00\x00"


def zero_bytes() -> bytes:
    """An empty file."""
    return b""
