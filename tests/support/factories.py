"""Deterministic test files: a realistic SK decree, hostile PDFs, photos and impostors."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Set
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject
from pypdf.generic import TextStringObject as Text

from rules.facts import FileFacts
from worker.extract import extract_facts
from worker.limits import ExtractLimits

_FIXED_DATE = datetime(2025, 3, 15, 8, 0, tzinfo=UTC)
_FIELDS = {
    "office": "KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG",
    "number": "W6.PAS.PAS13-PK.01.01.02-123 TAHUN 2025",
    "signer": "Dra. SRI ASTUTI, M.Si.",
    "nip": "19661018 199203 1 001",
}
# Blocks of the document as "[OMIT-KEY style]" then text; an indented line continues the one above.
_DECREE = """\
[KOP kop]
KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA
KANTOR WILAYAH DIREKTORAT JENDERAL PEMASYARAKATAN SUMATERA SELATAN
LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG
Jalan Merdeka No. 1, Palembang 30131, Telepon (0711) 123456
[KEPUTUSAN head]
KEPUTUSAN {office}
[NOMOR head]
NOMOR {number}
[TENTANG head]
TENTANG
[- head]
{topic}
[RAHMAT head]
DENGAN RAHMAT TUHAN YANG MAHA ESA
[- head]
{office},
[MENIMBANG label:Menimbang]
a. bahwa untuk meningkatkan mutu pelayanan publik yang menghormati, melindungi dan
  memenuhi hak asasi manusia perlu dibentuk tim pelaksana;
b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan
  Keputusan Kepala Lembaga Pemasyarakatan tentang Pembentukan Tim;
[MENGINGAT label:Mengingat]
1. Undang-Undang Nomor 39 Tahun 1999 tentang Hak Asasi Manusia;
2. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;
3. Undang-Undang Nomor 22 Tahun 2022 tentang Pemasyarakatan;
4. Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 25 Tahun 2023 tentang Pelayanan
  Publik Berbasis Hak Asasi Manusia;
[MEMUTUSKAN head]
{decide}
[MENETAPKAN label:Menetapkan]
KEPUTUSAN {office} TENTANG {topic}.
[KESATU label:KESATU]
Membentuk Tim Pelayanan Publik Berbasis Hak Asasi Manusia dengan susunan keanggotaan
  sebagaimana tercantum dalam Lampiran Keputusan ini.
[KEDUA label:KEDUA]
Tim bertugas menyusun rencana aksi, melaksanakan dan melaporkan hasil pelaksanaan kepada
  Kepala Lembaga Pemasyarakatan.
[KETIGA label:KETIGA]
Keputusan ini mulai berlaku pada tanggal ditetapkan.
[DITETAPKAN sign]
Ditetapkan di Palembang
[TANGGAL sign]
{date}
[- sign]
{office},



{signer}
[NIP sign]
NIP. {nip}
[TEMBUSAN body]
Tembusan:
1. Kepala Kantor Wilayah Direktorat Jenderal Pemasyarakatan Sumatera Selatan;
2. Arsip.
"""
_ANNEX = """\
[LAMPIRAN annex]
LAMPIRAN KEPUTUSAN {office}
[NOMOR annex]
NOMOR {number}
[TANGGAL annex]
TANGGAL {day}
[TENTANG annex]
TENTANG {topic}
[- head]
SUSUNAN KEANGGOTAAN TIM
"""
_BLOCK = re.compile(r"^\[(\S+) (\S+)\]\n", re.MULTILINE)
# an omitted marker's word also leaves the rest of the text, so a keyword check really misses it
_REWORDS = {
    "KEPUTUSAN": "Ketetapan",
    "NOMOR": "No.",
    "TENTANG": "mengenai",
    "MENETAPKAN": "membuat",
    "LAMPIRAN": "daftar",
}
OMITTABLE = frozenset(re.findall(r"^\[([A-Z]+) ", _DECREE + _ANNEX, re.MULTILINE))
_MEMBERS = [
    ("Dra. SRI ASTUTI, M.Si.", "19661018 199203 1 001", "Kepala Lapas", "Pengarah"),
    ("RINA MARLINA, S.H.", "19780512 200012 2 001", "Kasubag Tata Usaha", "Ketua"),
    ("YULIANA PUTRI, S.Psi.", "19850304 200901 2 003", "Kasi Binadik", "Sekretaris"),
    ("ANITA SARI, A.Md.IP.", "19900721 201012 2 002", "Kasi Kegiatan Kerja", "Anggota"),
    ("DEWI LESTARI, S.Kom.", "19920815 201503 2 004", "Staf Registrasi", "Anggota"),
    ("SITI AMINAH, S.Sos.", "19880109 201101 2 005", "Staf Bimkemaswat", "Anggota"),
]

Block = tuple[str, str]  # (style, text); style: kop | head | annex | sign | body | label:<Label>


class _ReproducibleWriter(PdfWriter):
    """A PdfWriter with a fixed file identifier, so encrypted output is byte-for-byte stable."""

    def generate_file_identifiers(self) -> None:
        fixed = ByteStringObject(b"absah-fixture-id")
        self._ID = ArrayObject((fixed, fixed))


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_margins(20, 15, 20)
    return pdf


def _blocks(template: str, omit: Set[str], **fields: str) -> list[Block]:
    parts = _BLOCK.split(template)[1:]
    blocks = []
    for key, style, text in zip(parts[::3], parts[1::3], parts[2::3], strict=True):
        if key not in omit:
            text = text.rstrip("\n").replace("\n  ", " ").format(**(_FIELDS | fields))
            for word in omit & _REWORDS.keys():
                text = re.sub(rf"\b{word}\b", _REWORDS[word], text, flags=re.IGNORECASE)
            blocks.append((style, text))
    return blocks


def _write(pdf: FPDF, blocks: Iterable[Block]) -> None:
    for style, text in blocks:
        bold, size, x, width, align = {
            "kop": ("B", 10, 20, 0, "C"),
            "head": ("B", 10, 20, 0, "C"),
            "annex": ("", 9, 105, 85, "L"),
            "sign": ("", 10, 115, 75, "L"),
        }.get(style, ("", 10 if style.startswith("label:") else 9, 20, 0, "L"))
        pdf.set_font("Helvetica", bold, size)
        pdf.set_x(x)
        if style.startswith("label:"):
            pdf.cell(26, 4.5, style.removeprefix("label:"))
            pdf.cell(4, 4.5, ":")
            align = "J"
        pdf.multi_cell(width, 4.5, text, align=align, new_x="LMARGIN")
        if style == "kop":
            pdf.line(20, pdf.get_y() + 1, 190, pdf.get_y() + 1)
            pdf.ln(3)
        pdf.ln(1.5)


def _member_table(pdf: FPDF, with_nip: bool) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=(8, 80, 45, 37), line_height=5) as table:
        table.row(("No", "Nama/NIP" if with_nip else "Nama", "Jabatan", "Kedudukan dalam Tim"))
        for number, (name, nip, post, role) in enumerate(_MEMBERS, start=1):
            table.row((str(number), f"{name} / {nip}" if with_nip else name, post, role))


def decree_pdf(
    *,
    title_topic: str = "PEMBENTUKAN TIM PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA (P2HAM)",
    date_text: str = "pada tanggal 15 Maret 2025",
    omit: Set[str] = frozenset(),
    letter_spaced_title: bool = False,
    pages: int = 2,
    office: str = _FIELDS["office"],
) -> bytes:
    """An SK Tim: the decree on page 1, then `pages - 1` LAMPIRAN pages with the member table.

    `omit` names markers from OMITTABLE, in any case: their blocks go, and so does their word
    elsewhere (KEPUTUSAN, NOMOR, TENTANG, MENETAPKAN, LAMPIRAN are reworded; NIP leaves the table).
    `office` is the issuing office of the heading and the signature block.
    """
    wanted = {key.upper() for key in omit}
    if unknown := wanted - OMITTABLE:
        raise ValueError(f"unknown omit keys {sorted(unknown)}; known: {sorted(OMITTABLE)}")
    decide = "M E M U T U S K A N :" if letter_spaced_title else "MEMUTUSKAN:"
    day = re.sub(r"(?i)^\s*pada tanggal\s*", "", date_text)
    pdf = _new_pdf()
    pdf.set_auto_page_break(auto=False)  # the layout is fixed: one page of decree, then annexes
    pdf.add_page()
    _write(
        pdf,
        _blocks(_DECREE, wanted, topic=title_topic, date=date_text, decide=decide, office=office),
    )
    if pdf.get_y() > pdf.h - 10:
        raise ValueError("the decree overflows its page: shorten title_topic")
    for _ in range(pages - 1):
        pdf.add_page()
        _write(pdf, _blocks(_ANNEX, wanted, topic=title_topic, day=day, office=office))
        _member_table(pdf, with_nip="NIP" not in wanted)
    return bytes(pdf.output())


def text_pdf(text: str, pages: int = 1, *, font: str = "Helvetica", size: float = 11) -> bytes:
    """A plain PDF with `text` on each of `pages` pages (Latin-1 text, a core font); another
    font and size lay the same words out in other lines, as another program would."""
    pdf = _new_pdf()
    pdf.set_font(font, "", size)
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN")
    return bytes(pdf.output())


def scanned_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages carry only a JPEG image, like a scan without OCR."""
    pdf = _new_pdf()
    for page in range(pages):
        pdf.add_page()
        scan = io.BytesIO(photo_jpeg(850, 1200, exif_datetime=None, seed=page, quality=60))
        pdf.image(scan, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def _rewrite(source: bytes) -> PdfWriter:
    writer = _ReproducibleWriter()
    writer.append(PdfReader(io.BytesIO(source)))
    return writer


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def resaved_pdf(source: bytes, producer: str = "Microsoft: Print To PDF") -> bytes:
    """`source` saved again by another program: the same pages and words, other bytes (its
    objects rewritten, another producer and title in its metadata)."""
    writer = _rewrite(source)
    writer.add_metadata({"/Producer": producer, "/Title": "salinan"})
    resaved = _written(writer)
    assert resaved != source
    return resaved


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
            NameObject("/JS"): Text("app.alert('absah');"),
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
    # the broad light of the scene, also seeded: a photo's perceptual hash reads this coarse
    # structure, so two seeds must differ here too, or unrelated test photos look re-used
    coarse = random.Random(seed ^ 0x5EED).randbytes(8 * 6 * 3)
    shade = Image.frombytes("RGB", (8, 6), coarse).resize((width, height), Image.Resampling.BICUBIC)
    img = Image.blend(img, shade, 0.6)
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


# Hostile shapes for the end-to-end corpus (tests/e2e/test_hostile_input.py).

_ZIP_DATE = (2025, 3, 15, 8, 0, 0)


def garbage_after_header_pdf() -> bytes:
    """A PDF header line, then 8 KB of seeded noise: no objects, no xref, no trailer."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + random.Random(5).randbytes(8192)


def with_javascript(source: bytes) -> bytes:
    """The same PDF made to run JavaScript on open through the catalog's /OpenAction."""
    writer = _rewrite(source)
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): Text("app.launchURL('http://example.invalid/');"),
        }
    )
    return _written(writer)


def pdf_zip_polyglot() -> bytes:
    """A complete decree with a ZIP (holding an executable) appended: a valid PDF and ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("setup.exe", _ZIP_DATE), exe_like())
    return decree_pdf() + buffer.getvalue()


def jpeg_with_pdf_appended() -> bytes:
    """A complete photo with a complete decree after its end marker."""
    return photo_jpeg(seed=41) + decree_pdf()


def _with_app1(jpeg: bytes, payload: bytes) -> bytes:
    if len(payload) > 0xFFFF - 2:
        raise ValueError("an APP1 segment holds at most 65533 bytes")
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def jpeg_with_huge_exif() -> bytes:
    """A photo whose EXIF (APP1) segment is ~60 KB of seeded junk after the Exif header."""
    junk = random.Random(6).randbytes(60_000)
    return _with_app1(photo_jpeg(seed=42, exif_datetime=None), b"Exif\x00\x00" + junk)


def jpeg_with_long_exif_date(length: int = 30_000) -> bytes:
    """A photo whose DateTimeOriginal is a valid date followed by `length` more digits."""
    return photo_jpeg(seed=43, exif_datetime="2025:03:10 09:30:00" + "9" * length)


def reworked_photo(
    original: bytes, *, scale: float = 0.5, brighten: float = 1.2, quality: int = 60
) -> bytes:
    """The same photo as someone re-sends it: resized, brightened and recompressed."""
    from PIL import ImageEnhance

    img = Image.open(io.BytesIO(original)).convert("RGB")
    size = (int(img.width * scale), int(img.height * scale))
    img = ImageEnhance.Brightness(img.resize(size, Image.Resampling.LANCZOS)).enhance(brighten)
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def rotated_photo(width: int = 1600, height: int = 1200, *, seed: int = 0) -> bytes:
    """A JPEG stored lying on its side with EXIF Orientation 6 (turn 90° clockwise to view)."""
    img = _picture(width, height, seed).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    return buffer.getvalue()


def table_csv(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """A CSV data table as Excel writes it (";" in Indonesian settings)."""
    text = "\r\n".join(delimiter.join(cell for cell in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def table_xlsx(rows: list[list[object]], *, sheet: str = "Data", title: str | None = None) -> bytes:
    """An XLSX workbook with `rows` on one sheet, under an optional title row."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def extracted(tmp_path: Path, payload: bytes, name: str) -> FileFacts:
    """The worker's facts of these bytes, written to a file of that name (default limits)."""
    path = tmp_path / name
    path.write_bytes(payload)
    return extract_facts(
        path,
        name=name,
        size=len(payload),
        sha256="0" * 64,
        declared_mime=None,
        limits=ExtractLimits(),
    )
