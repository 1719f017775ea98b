"""infra.archives: good entries come out byte for byte; each hostile shape is refused by code."""

from __future__ import annotations

import hashlib
import io
import pickle
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

import infra.archives
from infra.archives import (
    RATIO_FLOOR_BYTES,
    ArchiveError,
    ArchiveLimits,
    ExpandedEntry,
    RejectedEntry,
    expand_zip,
)
from tests.support import zips

MB = zips.MB
DEFAULT = ArchiveLimits()
NOISE = random.Random(4).randbytes(600 * 1024)  # incompressible: its ratio is about 1


def expand(
    tmp_path: Path, data: bytes, limits: ArchiveLimits = DEFAULT
) -> tuple[list[ExpandedEntry], list[RejectedEntry]]:
    upload = tmp_path / "upload.zip"
    upload.write_bytes(data)
    return expand_zip(upload, tmp_path / "out", limits)


def assert_contained(tmp_path: Path, expanded: list[ExpandedEntry]) -> None:
    """Only the upload and the kept entries exist, each a plain file named 00000.. in out/."""
    tree = list(tmp_path.rglob("*"))
    assert not any(path.is_symlink() for path in tree)
    assert {path for path in tree if path.is_dir()} <= {tmp_path / "out"}
    assert {path for path in tree if path.is_file()} == {
        tmp_path / "upload.zip",
        *(entry.path for entry in expanded),
    }
    assert all(re.fullmatch(r"\d{5}", entry.path.name) for entry in expanded)
    assert all(entry.path.parent == tmp_path / "out" for entry in expanded)
    assert not list(tmp_path.parent.parent.rglob("evil.pdf"))  # where '../../' would land


def beside(name: str, data: bytes = zips.GOOD_PDF) -> Callable[[], bytes]:
    return lambda: zips.beside(name, data)


TOO_SMALL_FOR_NOISE = ArchiveLimits(max_entry_bytes=500 * 1024)


@pytest.mark.parametrize(
    ("build", "limits", "code"),
    [
        pytest.param(beside("../../evil.pdf"), DEFAULT, "entry_path_traversal", id="dot-dot"),
        pytest.param(beside("..\\..\\evil.pdf"), DEFAULT, "entry_path_traversal", id="backslash"),
        pytest.param(beside("sk/../../evil.pdf"), DEFAULT, "entry_path_traversal", id="in-folder"),
        pytest.param(beside("/etc/passwd"), DEFAULT, "entry_absolute_path", id="root"),
        pytest.param(beside("C:\\Windows\\evil.pdf"), DEFAULT, "entry_absolute_path", id="drive"),
        pytest.param(beside("c:evil.pdf"), DEFAULT, "entry_absolute_path", id="drive-relative"),
        pytest.param(beside("\\\\srv\\share\\evil.pdf"), DEFAULT, "entry_absolute_path", id="unc"),
        pytest.param(beside(""), DEFAULT, "entry_empty_name", id="empty-name"),
        pytest.param(beside("."), DEFAULT, "entry_empty_name", id="dot-name"),
        pytest.param(beside("sk/ "), DEFAULT, "entry_empty_name", id="blank-name"),
        pytest.param(beside("a" * 252 + ".pdf"), DEFAULT, "entry_name_too_long", id="long-name"),
        pytest.param(beside("sk/" * 90 + "x.pdf"), DEFAULT, "entry_name_too_long", id="deep"),
        pytest.param(zips.symlink, DEFAULT, "entry_link", id="symlink"),
        pytest.param(zips.encrypted, DEFAULT, "entry_encrypted", id="encrypted-flag"),
        pytest.param(beside("arsip.zip"), DEFAULT, "entry_nested_archive", id="zip-by-name"),
        pytest.param(beside("bukti.tar.gz"), DEFAULT, "entry_nested_archive", id="tgz-by-name"),
        pytest.param(beside("BUKTI.RAR"), DEFAULT, "entry_nested_archive", id="rar-by-name"),
        pytest.param(beside("bukti.7z"), DEFAULT, "entry_nested_archive", id="7z-by-name"),
        *(
            pytest.param(lambda d=data: d, DEFAULT, "entry_nested_archive", id=f"{kind}-inside")
            for kind, data in zips.DISGUISED.items()
        ),
        pytest.param(zips.bomb, DEFAULT, "entry_ratio_exceeded", id="zip-bomb"),
        pytest.param(beside("besar.pdf", NOISE), TOO_SMALL_FOR_NOISE, "entry_too_large", id="big"),
        pytest.param(zips.corrupt, DEFAULT, "entry_corrupt", id="bad-crc"),
        pytest.param(zips.corrupt_deflate, DEFAULT, "entry_corrupt", id="bad-deflate"),
        pytest.param(zips.unsupported_method, DEFAULT, "entry_corrupt", id="deflate64"),
        pytest.param(zips.lying_size, DEFAULT, "entry_corrupt", id="understated-size"),
    ],
)
def test_a_hostile_entry_is_rejected_with_its_own_code_and_its_neighbour_kept(
    tmp_path: Path, build: Callable[[], bytes], limits: ArchiveLimits, code: str
) -> None:
    expanded, rejected = expand(tmp_path, build(), limits)

    assert [entry.code for entry in rejected] == [code]
    assert rejected[0].message
    assert rejected[0].message_en != rejected[0].message
    assert [entry.name for entry in expanded] == [zips.NEIGHBOUR]
    assert expanded[0].path.read_bytes() == zips.GOOD_PDF
    assert_contained(tmp_path, expanded)


@pytest.mark.parametrize(
    ("build", "limits", "code"),
    [
        pytest.param(zips.not_a_zip, DEFAULT, "not_a_zip", id="pdf-bytes"),
        pytest.param(lambda: b"", DEFAULT, "not_a_zip", id="empty-file"),
        pytest.param(zips.truncated, DEFAULT, "not_a_zip", id="cut-in-half"),
        pytest.param(lambda: zips.too_many(1001), DEFAULT, "archive_too_many_entries", id="1001"),
        pytest.param(
            lambda: zips.too_many(11, folders=3),
            ArchiveLimits(max_entries=10),
            "archive_too_many_entries",
            id="folders-count",
        ),
        pytest.param(
            lambda: zips.lying_count(50, declared=1),
            ArchiveLimits(max_entries=10),
            "archive_too_many_entries",
            id="lying-count",
        ),
        pytest.param(
            lambda: zips.build(("a.pdf", NOISE), ("b.pdf", NOISE)),
            ArchiveLimits(max_total_bytes=MB),
            "archive_too_large",
            id="declared-total",
        ),
        pytest.param(zips.corrupt_directory, DEFAULT, "archive_corrupt", id="bad-directory"),
    ],
)
def test_a_hostile_archive_is_refused_whole_with_its_own_code(
    tmp_path: Path, build: Callable[[], bytes], limits: ArchiveLimits, code: str
) -> None:
    with pytest.raises(ArchiveError) as caught:
        expand(tmp_path, build(), limits)

    assert caught.value.code == code
    assert caught.value.message
    assert caught.value.message_en != caught.value.message
    assert_contained(tmp_path, [])


def test_a_normal_bundle_comes_out_byte_for_byte_under_generated_names(tmp_path: Path) -> None:
    expanded, rejected = expand(tmp_path, zips.normal())

    assert rejected == []
    assert {entry.name: entry.path.read_bytes() for entry in expanded} == zips.NORMAL
    for entry in expanded:
        assert entry.size == len(zips.NORMAL[entry.name])
        assert entry.sha256 == hashlib.sha256(zips.NORMAL[entry.name]).hexdigest()
    assert_contained(tmp_path, expanded)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        pytest.param("P2H-02-LAKTASI\\foto 1.jpg", "P2H-02-LAKTASI/foto 1.jpg", id="backslash"),
        pytest.param("./P2H-02//foto.jpg", "P2H-02/foto.jpg", id="dot-and-empty-parts"),
        pytest.param("sk/.../sk.pdf", "sk/.../sk.pdf", id="three-dots-is-a-name"),
        pytest.param("sk/..sk.pdf", "sk/..sk.pdf", id="leading-dots-is-a-name"),
        pytest.param("a" * 251 + ".pdf", "a" * 251 + ".pdf", id="exactly-255"),
        pytest.param("Ringkasan: 2025.pdf", "Ringkasan: 2025.pdf", id="colon-not-a-drive"),
    ],
)
def test_an_entry_name_is_given_back_with_forward_slashes(
    tmp_path: Path, raw: str, name: str
) -> None:
    expanded, rejected = expand(tmp_path, zips.beside(raw))

    assert rejected == []
    assert [entry.name for entry in expanded] == [name, zips.NEIGHBOUR]


def test_junk_and_directories_are_skipped_silently(tmp_path: Path) -> None:
    expanded, rejected = expand(tmp_path, zips.junk())

    assert ([entry.name for entry in expanded], rejected) == ([zips.NEIGHBOUR], [])


def test_duplicate_names_are_both_kept_for_the_caller_to_decide(tmp_path: Path) -> None:
    expanded, _ = expand(tmp_path, zips.build(("sk.pdf", b"first"), ("sk.pdf", b"second")))

    assert [(entry.name, entry.path.read_bytes()) for entry in expanded] == [
        ("sk.pdf", b"first"),
        ("sk.pdf", b"second"),
    ]


def test_a_name_that_is_not_utf8_is_kept_as_zipfile_decoded_it(tmp_path: Path) -> None:
    expanded, _ = expand(tmp_path, zips.cp437_name())

    assert expanded[0].name == "foto é.jpg".encode().decode("cp437")


def test_an_office_document_is_a_zip_but_not_a_nested_archive(tmp_path: Path) -> None:
    expanded, rejected = expand(tmp_path, zips.office_document())

    assert rejected == []
    assert [entry.name for entry in expanded] == ["P2H-03-DATA/rekap.xlsx", zips.NEIGHBOUR]


def test_a_zip64_end_record_is_read_as_zipfile_reads_it(tmp_path: Path) -> None:
    expanded, rejected = expand(tmp_path, zips.with_zip64_end(zips.normal()))

    assert rejected == []
    assert {entry.name for entry in expanded} == set(zips.NORMAL)


def test_a_header_that_understates_a_size_yields_no_more_than_it_declares(tmp_path: Path) -> None:
    expanded, _ = expand(tmp_path, zips.lying_size(matching_crc=True))

    assert (expanded[0].name, expanded[0].size) == ("laporan.pdf", 1000)
    assert expanded[0].path.read_bytes() == zips.LYING_DATA[:1000]


def test_a_file_already_in_dest_dir_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "00001").write_bytes(b"mine")

    with pytest.raises(FileExistsError):
        expand(tmp_path, zips.build(("a.pdf", b"a"), ("b.pdf", b"b")))

    assert [path.name for path in (tmp_path / "out").iterdir()] == ["00001"]
    assert (tmp_path / "out" / "00001").read_bytes() == b"mine"


def test_a_directory_too_big_for_its_entries_is_refused_before_zipfile_parses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def parse(*args: Any) -> None:
        raise AssertionError("zipfile parsed the directory")

    monkeypatch.setattr(infra.archives, "ZipFile", parse)
    limits = ArchiveLimits(max_entries=10, max_name_length=10)

    with pytest.raises(ArchiveError) as caught:
        expand(tmp_path, zips.lying_count(2000, declared=1), limits)

    assert caught.value.code == "archive_too_many_entries"


def test_a_message_names_the_limit_the_uploader_went_past(tmp_path: Path) -> None:
    _, rejected = expand(tmp_path, zips.bomb())
    with pytest.raises(ArchiveError) as caught:
        expand(tmp_path, zips.too_many(1001))

    assert "1000 entri" in caught.value.message
    assert "1000 entries" in caught.value.message_en
    assert "100 kali" in rejected[0].message
    assert "100-fold" in rejected[0].message_en


def test_an_archive_error_survives_pickling() -> None:
    error = ArchiveError("not_a_zip", "bukan ZIP", "not a ZIP")

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes

    assert (copy.code, copy.message, copy.message_en) == ("not_a_zip", "bukan ZIP", "not a ZIP")
    assert str(copy) == "not_a_zip: not a ZIP"


class Watched(io.BufferedIOBase):
    """An entry's reader that notes, before each read, how many bytes sit in out/."""

    def __init__(self, source: IO[bytes], out: Path, seen: list[int]) -> None:
        self.source, self.out, self.seen = source, out, seen

    def read(self, size: int | None = -1) -> bytes:
        self.seen.append(sum(path.stat().st_size for path in self.out.iterdir()))
        return self.source.read(64 * 1024 if size is None or size < 0 else min(size, 64 * 1024))

    def close(self) -> None:
        self.source.close()
        super().close()


def watch(
    monkeypatch: pytest.MonkeyPatch, out: Path, lie: dict[str, bytes] | None = None
) -> list[int]:
    """Bytes in out/ at each read; an entry named in `lie` yields those bytes, headers or not."""
    seen: list[int] = []
    real_open = zipfile.ZipFile.open

    def open_watched(self: zipfile.ZipFile, info: zipfile.ZipInfo, *args: Any) -> Watched:
        if lie and info.filename in lie:
            return Watched(io.BytesIO(lie[info.filename]), out, seen)
        return Watched(real_open(self, info, *args), out, seen)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_watched)
    return seen


def test_a_zip_bomb_is_refused_before_a_byte_of_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zips.bomb()
    seen = watch(monkeypatch, tmp_path / "out")

    expanded, rejected = expand(tmp_path, data)

    assert [entry.code for entry in rejected] == ["entry_ratio_exceeded"]
    assert max(seen) <= len(zips.GOOD_PDF)  # only the neighbour was ever read
    assert_contained(tmp_path, expanded)


def test_a_corrupt_entry_found_late_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zips.corrupt()
    seen = watch(monkeypatch, tmp_path / "out")

    expanded, rejected = expand(tmp_path, data)

    assert [entry.code for entry in rejected] == ["entry_corrupt"]
    assert max(seen) >= 2 * MB  # a partial file was written before the CRC failed...
    assert_contained(tmp_path, expanded)  # ...and removed


ONE_SMALL_ENTRY = ArchiveLimits(max_entry_bytes=256 * 1024, max_ratio=1e6)


@pytest.mark.parametrize(
    ("limits", "code", "bound"),
    [
        pytest.param(ONE_SMALL_ENTRY, "entry_too_large", 256 * 1024, id="entry-size"),
        pytest.param(DEFAULT, "entry_ratio_exceeded", RATIO_FLOOR_BYTES, id="ratio"),
    ],
)
def test_an_entry_bigger_than_its_headers_say_is_cut_off_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: ArchiveLimits, code: str, bound: int
) -> None:
    data = zips.beside("laporan.pdf")
    seen = watch(monkeypatch, tmp_path / "out", lie={"laporan.pdf": bytes(5 * MB)})

    expanded, rejected = expand(tmp_path, data, limits)

    assert [entry.code for entry in rejected] == [code]
    assert 0 < max(seen) <= bound
    assert [entry.name for entry in expanded] == [zips.NEIGHBOUR]
    assert_contained(tmp_path, expanded)


def test_an_archive_bigger_than_its_headers_say_is_cut_off_and_removed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zips.build(("a.pdf", zips.GOOD_PDF), ("b.pdf", zips.GOOD_PDF))
    seen = watch(monkeypatch, tmp_path / "out", lie={"a.pdf": NOISE, "b.pdf": NOISE})

    with pytest.raises(ArchiveError) as caught:
        expand(tmp_path, data, ArchiveLimits(max_total_bytes=MB, max_ratio=1e6))

    assert caught.value.code == "archive_too_large"
    assert len(NOISE) < max(seen) <= MB
    assert_contained(tmp_path, [])
