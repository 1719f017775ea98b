"""ZIPs as bytes for archive tests: a normal evidence bundle, and each hostile shape of one."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import stat
import struct
import tarfile
import warnings
import zipfile
import zlib
from functools import cache
from zipfile import ZIP_DEFLATED, ZipInfo

MB = 1024 * 1024
GOOD_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"% bukti dukung\n" * 40 + b"%%EOF\n"
)
PHOTO = random.Random(1).randbytes(20_000)  # incompressible, like a JPEG's body
NEIGHBOUR = "baik/baik.pdf"  # the good entry beside each hostile one

# name in the archive -> content: what normal() holds besides directories and junk
NORMAL = {
    "P2H-00-SKTIM/SK Tim P2HAM 2025.pdf": GOOD_PDF,
    "P2H-02-LAKTASI/foto 1.jpg": b"\xff\xd8\xff\xe0" + PHOTO,
    "P2H-02-LAKTASI/dalam/foto 2.jpeg": b"\xff\xd8\xff\xe1" + PHOTO[::-1],
    "P2H-03-DATA/rekap.csv": b"no;nama;jumlah\n" + b"1;Blok A;12\n" * 200,
    "P2H-03-DATA/kosong.txt": b"",
    "laporan akhir.pdf": GOOD_PDF + b"% lampiran\n",
}


def build(*entries: tuple[str | ZipInfo, bytes], method: int = ZIP_DEFLATED) -> bytes:
    """A ZIP of the entries in order; duplicate names are allowed (zipfile only warns)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", method) as zf:
        warnings.simplefilter("ignore", UserWarning)
        for entry, data in entries:
            zf.writestr(entry if isinstance(entry, ZipInfo) else _info(entry, method), data)
    return buffer.getvalue()


def _info(name: str, method: int) -> ZipInfo:
    """A fixed date, so the same entries give the same bytes; folders marked as real tools do."""
    info = ZipInfo(name)
    info.compress_type = method
    if name.endswith("/"):
        info.external_attr = (stat.S_IFDIR | 0o775) << 16 | 0x10
    return info


def beside(entry: str | ZipInfo, data: bytes = GOOD_PDF) -> bytes:
    """One hostile entry and, after it, one good file that must still come out."""
    return build((entry, data), (NEIGHBOUR, GOOD_PDF))


def normal() -> bytes:
    folders: list[tuple[str | ZipInfo, bytes]] = [("P2H-00-SKTIM/", b""), ("P2H-02-LAKTASI/", b"")]
    files: list[tuple[str | ZipInfo, bytes]] = list(NORMAL.items())
    return build(*folders, *files, ("kosong/", b""), ("__MACOSX/._laporan akhir.pdf", b"x"))


def junk() -> bytes:
    folder = ZipInfo("P2H-02-LAKTASI")  # a folder without its slash: only its mode says so
    folder.external_attr = (stat.S_IFDIR | 0o755) << 16
    return build(
        (folder, b""),
        ("__MACOSX/P2H-02-LAKTASI/._foto 1.jpg", b"\x00\x05\x16\x07"),
        ("P2H-02-LAKTASI/._foto 1.jpg", b"\x00\x05\x16\x07"),
        ("P2H-02-LAKTASI/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("P2H-02-LAKTASI/Thumbs.db", b"\xd0\xcf\x11\xe0"),
        ("P2H-02-LAKTASI/desktop.ini", b"[.ShellClassInfo]"),
        (NEIGHBOUR, GOOD_PDF),
    )


def symlink() -> bytes:
    info = ZipInfo("tautan.pdf")
    info.create_system = 3  # Unix, where the mode lives in the high 16 bits
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return beside(info, b"/etc/passwd")


def encrypted() -> bytes:
    """The encryption flag set on an entry whose bytes are in fact plain."""
    return patch(beside("rahasia.pdf"), "rahasia.pdf", flag_bits=0x1)


def cp437_name() -> bytes:
    """A UTF-8 name without the UTF-8 flag, as old Windows tools write: zipfile reads cp437."""
    return patch(beside("foto é.jpg", PHOTO), "foto é.jpg", flag_bits=0)


def office_document() -> bytes:
    xlsx = build(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"))
    return beside("P2H-03-DATA/rekap.xlsx", xlsx)


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("dalam.pdf")
        info.size = len(GOOD_PDF)
        tar.addfile(info, io.BytesIO(GOOD_PDF))
    return buffer.getvalue()


# archives disguised under a document's name: told apart by their first bytes
DISGUISED = {
    "zip": beside("foto.jpg", build(("dalam.pdf", GOOD_PDF))),
    "rar": beside("foto.jpg", b"Rar!\x1a\x07\x01\x00" + PHOTO),
    "7z": beside("foto.jpg", b"7z\xbc\xaf\x27\x1c\x00\x04" + PHOTO),
    "gzip": beside("catatan.txt", gzip.compress(GOOD_PDF, mtime=0)),
    "bzip2": beside("catatan.txt", bz2.compress(GOOD_PDF)),
    "xz": beside("catatan.txt", lzma.compress(GOOD_PDF)),
    "tar": beside("catatan.txt", tar_bytes()),
}


@cache
def bomb(size: int = 32 * MB) -> bytes:
    """`size` zeros, deflated to about size/1000, beside a good file; written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        info = ZipInfo("bom.pdf")
        info.compress_type = ZIP_DEFLATED
        with zf.open(info, "w") as out:
            for _ in range(size // MB):
                out.write(bytes(MB))
        zf.writestr(NEIGHBOUR, GOOD_PDF)
    return buffer.getvalue()


def too_many(count: int, folders: int = 0) -> bytes:
    entries = [(f"bukti {i:04d}.txt", b"%d" % i) for i in range(count - folders)]
    dirs = [(f"folder {i}/", b"") for i in range(folders)]
    return build(*dirs, *entries)


def lying_count(count: int, declared: int) -> bytes:
    """`count` entries whose end record claims `declared`: zipfile never checks the count."""
    data = bytearray(too_many(count))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, declared, declared)
    return bytes(data)


LYING_DATA = random.Random(2).randbytes(2 * MB)


def lying_size(*, matching_crc: bool = False) -> bytes:
    """A 2 MB entry whose headers say 1000 bytes (and, if asked, give the CRC of those 1000)."""
    crc = zlib.crc32(LYING_DATA[:1000] if matching_crc else LYING_DATA)
    return patch(beside("laporan.pdf", LYING_DATA), "laporan.pdf", file_size=1000, crc=crc)


def corrupt() -> bytes:
    """3 MB stored inside a deflate stream, a byte flipped near its end: the CRC fails late."""
    data = bytearray(beside("rusak.pdf", random.Random(3).randbytes(3 * MB)))
    start, size = _data_span(bytes(data), "rusak.pdf")
    data[start + size - 100] ^= 0xFF
    return bytes(data)


def corrupt_deflate() -> bytes:
    """Garbage where the deflate stream should start: zlib itself refuses it."""
    data = bytearray(beside("rusak.pdf", GOOD_PDF * 50))
    start, _ = _data_span(bytes(data), "rusak.pdf")
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


def unsupported_method() -> bytes:
    data = bytearray(beside("laporan.pdf", GOOD_PDF))
    struct.pack_into("<H", data, _central_offset(bytes(data), "laporan.pdf") + 10, 9)  # Deflate64
    struct.pack_into("<H", data, 8, 9)  # the first local header is this entry's
    return bytes(data)


def corrupt_directory() -> bytes:
    """The end record is intact but the central directory it points at is not."""
    data = bytearray(normal())
    data[_central_offset(bytes(data), "P2H-00-SKTIM/")] ^= 0xFF
    return bytes(data)


def not_a_zip() -> bytes:
    return GOOD_PDF


def truncated() -> bytes:
    data = normal()
    return data[: len(data) // 2]


def with_zip64_end(data: bytes) -> bytes:
    """The same archive with a ZIP64 end record and locator, as tools write for big archives."""
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HLL", data, end + 10)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0
    )
    return data[:end] + record + locator + classic


_LOCAL = {"flag_bits": (6, "<H"), "crc": (14, "<L"), "file_size": (22, "<L")}
_CENTRAL = {"flag_bits": (8, "<H"), "crc": (16, "<L"), "file_size": (24, "<L")}


def patch(data: bytes, name: str, **fields: int) -> bytes:
    """Rewrite header fields of one entry, in its local header and its central record."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        local = zf.getinfo(name).header_offset
    central = _central_offset(data, name)
    for field, value in fields.items():
        struct.pack_into(_LOCAL[field][1], out, local + _LOCAL[field][0], value)
        struct.pack_into(_CENTRAL[field][1], out, central + _CENTRAL[field][0], value)
    return bytes(out)


def _central_offset(data: bytes, name: str) -> int:
    end = data.rfind(b"PK\x05\x06")
    at: int = struct.unpack_from("<L", data, end + 16)[0]
    while data.startswith(b"PK\x01\x02", at):
        lengths = struct.unpack_from("<3H", data, at + 28)
        if data[at + 46 : at + 46 + lengths[0]] == name.encode():
            return at
        at += 46 + sum(lengths)
    raise KeyError(name)


def _data_span(data: bytes, name: str) -> tuple[int, int]:
    """Where the entry's compressed bytes start, and how many there are."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length, info.compress_size
