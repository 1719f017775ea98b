"""Expand a ZIP safely: names, links, encryption, nesting, counts, sizes and ratios bounded."""

from __future__ import annotations

import hashlib
import lzma
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from zipfile import ZipFile, ZipInfo

CHUNK = 1024 * 1024
# Up to this size the ratio is not enforced: a small blank scan or padded CSV is no bomb.
RATIO_FLOOR_BYTES = 64 * 1024
_JUNK = {".ds_store", "thumbs.db", "desktop.ini"}
_ARCHIVE_SUFFIXES = (".zip", ".zipx", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst")
# zip, empty zip, spanned zip, rar, 7z, gzip, xz; bzip2 and tar are told apart further in
_ARCHIVE_MAGICS: tuple[bytes, ...] = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"Rar!\x1a\x07")
_ARCHIVE_MAGICS += (b"7z\xbc\xaf", b"\x1f\x8b\x08", b"\xfd7zXZ\x00")
# Office documents are ZIPs by design; the worker checks their type like any other file.
_ZIP_DOCUMENTS = (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")
_DRIVE = re.compile(r"[A-Za-z]:")
# Damage, or a method zipfile cannot undo; ValueError and struct.error: bad names and extras.
_ZIP_ERRORS: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, lzma.LZMAError)
_ZIP_ERRORS += (EOFError, OSError, ValueError, NotImplementedError, struct.error)

_MESSAGES = {  # what the uploader reads next to the entry's name: what is wrong, what to do
    "entry_path_traversal": (
        "Nama memuat '..' sehingga bisa keluar dari folder ZIP; ganti namanya tanpa '..'.",
        "The name contains '..' and could escape the ZIP folder; rename it without '..'.",
    ),
    "entry_absolute_path": (
        "Nama diawali '/' atau huruf drive ('C:'); buat ulang ZIP dari folder dokumennya.",
        "The name starts with '/' or a drive ('C:'); make the ZIP again from the folder.",
    ),
    "entry_link": (
        "Entri ini tautan (symlink), bukan berkas; masukkan berkas aslinya ke ZIP.",
        "This entry is a link (symlink), not a file; put the real file in the ZIP.",
    ),
    "entry_encrypted": (
        "Berkas yang dilindungi kata sandi tak dapat diperiksa; buat ulang ZIP tanpa kata sandi.",
        "A password-protected file cannot be checked; make the ZIP again without a password.",
    ),
    "entry_nested_archive": (
        "Arsip di dalam ZIP tidak dibuka; ekstrak isinya dan masukkan langsung ke ZIP utama.",
        "Archives inside the ZIP are not opened; extract it and put its files in the main ZIP.",
    ),
    "entry_too_large": (
        "Berkas melebihi batas {entry_mb:g} MB per berkas; perkecil (kompres) lalu unggah ulang.",
        "The file is over the {entry_mb:g} MB limit per file; make it smaller and upload again.",
    ),
    "entry_ratio_exceeded": (
        "Berkas terkompresi lebih dari {max_ratio:g} kali lipat (ciri bom ZIP); unggah tanpa ZIP.",
        "The file is compressed over {max_ratio:g}-fold (a ZIP bomb's mark); upload it unzipped.",
    ),
    "entry_name_too_long": (
        "Nama dan foldernya melebihi {max_name_length} karakter; persingkat lalu buat ulang ZIP.",
        "The name with its folders is over {max_name_length} characters; shorten it, make the ZIP.",
    ),
    "entry_corrupt": (
        "Berkas rusak atau dikompresi dengan metode tak didukung; buat ulang ZIP secara standar.",
        "The file is damaged or compressed in an unsupported way; make a standard ZIP again.",
    ),
    "entry_empty_name": (
        "Entri tanpa nama berkas tidak diambil; beri nama berkasnya lalu buat ulang ZIP.",
        "An entry without a file name is not taken; name the file and make the ZIP again.",
    ),
    "not_a_zip": (
        "Berkas ini bukan ZIP yang utuh (mungkin terpotong); unggah ulang berkas .zip-nya.",
        "This is not a complete ZIP (it may be cut short); upload the .zip file again.",
    ),
    "archive_too_many_entries": (
        "ZIP berisi lebih dari {max_entries} entri; pecah menjadi beberapa ZIP lalu unggah ulang.",
        "The ZIP has over {max_entries} entries; split it into several ZIPs and upload again.",
    ),
    "archive_too_large": (
        "Isi ZIP melebihi {total_mb:g} MB setelah diekstrak; pecah menjadi beberapa ZIP kecil.",
        "The ZIP expands to over {total_mb:g} MB; split it into several smaller ZIPs.",
    ),
    "archive_corrupt": (
        "Daftar isi ZIP rusak dan tidak terbaca; buat ulang ZIP lalu unggah ulang.",
        "The ZIP's table of contents is damaged; make the ZIP again and upload it.",
    ),
}


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 1000  # entries in the central directory (dirs included)
    max_entry_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024  # sum of what is actually extracted
    max_ratio: float = 100.0  # uncompressed / compressed, per entry (zip bombs)
    max_name_length: int = 255


@dataclass(frozen=True)
class ExpandedEntry:
    name: str  # the path inside the archive, normalised with '/'
    path: Path  # where its bytes are: inside dest_dir, under a generated name
    size: int
    sha256: str


@dataclass(frozen=True)
class RejectedEntry:
    name: str
    code: str
    message: str  # Bahasa Indonesia: what is wrong and what to do
    message_en: str


class ArchiveError(Exception):
    """The archive as a whole is refused; nothing of it is kept."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(code, message, message_en)  # args round-trip through pickle
        self.code = code
        self.message = message
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"


def _render(code: str, limits: ArchiveLimits) -> tuple[str, ...]:
    mb = {"entry_mb": limits.max_entry_bytes / 2**20, "total_mb": limits.max_total_bytes / 2**20}
    return tuple(text.format(**vars(limits), **mb) for text in _MESSAGES[code])


def _refuse(code: str, limits: ArchiveLimits) -> ArchiveError:
    return ArchiveError(code, *_render(code, limits))


def _reject(name: str, code: str, limits: ArchiveLimits) -> RejectedEntry:
    return RejectedEntry(name, code, *_render(code, limits))


def expand_zip(
    zip_path: Path, dest_dir: Path, limits: ArchiveLimits
) -> tuple[list[ExpandedEntry], list[RejectedEntry]]:
    """Write each good entry into dest_dir under a generated name; list each refused one."""
    _check_directory(zip_path, limits)
    try:
        zf = ZipFile(zip_path)
    except _ZIP_ERRORS as exc:
        raise _refuse("archive_corrupt", limits) from exc
    with zf:
        if len(zf.infolist()) > limits.max_entries:
            raise _refuse("archive_too_many_entries", limits)
        plan, rejected = _screen(zf.infolist(), limits)
        if sum(info.file_size for _, _, info in plan) > limits.max_total_bytes:
            raise _refuse("archive_too_large", limits)
        dest_dir.mkdir(parents=True, exist_ok=True)
        expanded: list[ExpandedEntry] = []
        created: list[Path] = []
        try:
            for index, name, info in plan:
                room = limits.max_total_bytes - sum(entry.size for entry in expanded)
                target = dest_dir / f"{index:05d}"
                with target.open("xb") as out:  # exclusive: never overwrites, never follows links
                    created.append(target)
                    outcome = _copy(zf, info, name, out, room, limits)
                if isinstance(outcome, RejectedEntry):
                    target.unlink()
                    rejected.append(outcome)
                else:
                    expanded.append(ExpandedEntry(name, target, *outcome))
        except BaseException:
            for path in created:
                path.unlink(missing_ok=True)
            raise
    return expanded, rejected


def _check_directory(zip_path: Path, limits: ArchiveLimits) -> None:
    """Bound the directory from the end record zipfile would use, before zipfile parses it:
    50 MB of empty entries costs zipfile 12 s and 350 MB, and the record's count can lie."""
    with zip_path.open("rb") as fp:
        fp.seek(max(0, fp.seek(0, 2) - 76 - 0xFFFF - 22))  # ZIP64 records, comment, end record
        tail = fp.read()
    at = tail.rfind(b"PK\x05\x06", 0, len(tail) - 18)  # the last complete end record
    if at < 0:
        raise _refuse("not_a_zip", limits)
    count, size = struct.unpack_from("<HL", tail, at + 10)
    zip64 = at - 76  # a ZIP64 end record (56 bytes) and its locator (20) sit right before it
    signatures = (tail[zip64 : zip64 + 4], tail[at - 20 : at - 16]) if zip64 >= 0 else None
    if signatures == (b"PK\x06\x06", b"PK\x06\x07"):
        count, size = struct.unpack_from("<QQ", tail, zip64 + 32)
    # A central record is 46 bytes + name + extra field + comment: allowing 4 bytes a character
    # and 1 KiB of extras per entry, no more records than max_entries fit in `most` bytes.
    most = limits.max_entries * (46 + 4 * limits.max_name_length + 1024)
    if count > limits.max_entries or size > most:
        raise _refuse("archive_too_many_entries", limits)


def _screen(
    infos: list[ZipInfo], limits: ArchiveLimits
) -> tuple[list[tuple[int, str, ZipInfo]], list[RejectedEntry]]:
    """From the headers alone: entries to extract (index, tidy name, info), and refused ones."""
    plan: list[tuple[int, str, ZipInfo]] = []
    rejected: list[RejectedEntry] = []
    for index, info in enumerate(infos):
        name = info.filename.replace("\\", "/")
        base = name.rsplit("/", 1)[-1]
        if name.endswith("/") or stat.S_ISDIR(info.external_attr >> 16):
            continue
        if name.startswith("__MACOSX/") or base.startswith("._") or base.casefold() in _JUNK:
            continue
        code = _problem(info, name, limits)
        if code:
            rejected.append(_reject(name, code, limits))
        else:
            plan.append((index, _tidy(name), info))
    return plan, rejected


def _tidy(name: str) -> str:
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def _problem(info: ZipInfo, name: str, limits: ArchiveLimits) -> str | None:
    """The first reason to refuse the entry without reading it, if any."""
    if ".." in name.split("/"):
        return "entry_path_traversal"
    if name.startswith("/") or _DRIVE.match(name):
        return "entry_absolute_path"
    if not _tidy(name).rsplit("/", 1)[-1].strip():
        return "entry_empty_name"
    if len(_tidy(name)) > limits.max_name_length:
        return "entry_name_too_long"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "entry_link"
    if info.flag_bits & 0x1:
        return "entry_encrypted"
    if name.casefold().endswith(_ARCHIVE_SUFFIXES):
        return "entry_nested_archive"
    if info.file_size > _ratio_cap(info, limits):  # before size: a bomb is named as one
        return "entry_ratio_exceeded"
    if info.file_size > limits.max_entry_bytes:
        return "entry_too_large"
    return None


def _ratio_cap(info: ZipInfo, limits: ArchiveLimits) -> int:
    """The most bytes this entry may expand to: one bound, before and while streaming."""
    return max(int(limits.max_ratio * max(info.compress_size, 1)), RATIO_FLOOR_BYTES)


def _is_archive(head: bytes, name: str) -> bool:
    if head.startswith(b"PK\x03\x04") and name.casefold().endswith(_ZIP_DOCUMENTS):
        return False
    bzip2 = head.startswith(b"BZh") and head[4:10] == b"1AY&SY"
    return head.startswith(_ARCHIVE_MAGICS) or bzip2 or head[257:262] == b"ustar"


def _copy(
    zf: ZipFile, info: ZipInfo, name: str, out: IO[bytes], room: int, limits: ArchiveLimits
) -> tuple[int, str] | RejectedEntry:
    """Stream the entry's bytes to out, counting them: headers can lie, the count cannot."""
    caps = {"entry_too_large": limits.max_entry_bytes}
    caps["entry_ratio_exceeded"] = _ratio_cap(info, limits)
    digest = hashlib.sha256()
    written = 0
    try:
        with closing(_chunks(zf, info)) as chunks:
            for chunk in chunks:
                if written == 0 and _is_archive(chunk, name):
                    return _reject(name, "entry_nested_archive", limits)
                written += len(chunk)  # counted before writing: no limit is ever passed on disk
                if written > room:
                    raise _refuse("archive_too_large", limits)
                for code, cap in caps.items():
                    if written > cap:
                        return _reject(name, code, limits)
                digest.update(chunk)
                out.write(chunk)
    except _Unreadable:  # a full disk, say, is no corrupt entry: it is not caught here
        return _reject(name, "entry_corrupt", limits)
    return written, digest.hexdigest()


class _Unreadable(Exception):
    """The entry's header or bytes are damaged, or use a method zipfile cannot undo."""


def _chunks(zf: ZipFile, info: ZipInfo) -> Generator[bytes, None, None]:
    """The entry's bytes; only opening and reading them is guarded, never writing them."""
    try:
        with zf.open(info) as source:
            while chunk := source.read(CHUNK):
                yield chunk
    except _ZIP_ERRORS as exc:
        raise _Unreadable from exc
