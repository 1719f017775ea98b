"""Facts extracted from real files: PDF structure and text, image size and EXIF, sniffed type."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from rules.facts import FileFacts
from tests.support import factories
from worker import pdftext
from worker.extract import extract_facts, sniff_mime
from worker.limits import ExtractLimits


def _facts(tmp_path: Path, data: bytes, name: str = "berkas.pdf", **limits: Any) -> FileFacts:
    path = tmp_path / name
    path.write_bytes(data)
    return extract_facts(
        path,
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        declared_mime="application/pdf",
        limits=ExtractLimits(**limits),
    )


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with(change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(factories.text_pdf("Halaman isi."))))
    change(writer)
    return _written(writer)


def _action(kind: str, **entries: str) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    action.update(
        {NameObject(f"/{key}"): TextStringObject(value) for key, value in entries.items()}
    )
    return action


def _launch_on_open(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = _action("/Launch", F="calc.exe")


def _javascript_when_page_opens(writer: PdfWriter) -> None:
    actions = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS="app.alert(1);")})
    writer.pages[0][NameObject("/AA")] = actions


def _javascript_in_name_tree(writer: PdfWriter) -> None:
    writer.add_open_action(JavaScript("app.alert(1);"))  # pypdf 7: document-level /Names tree


def _open_without_password(writer: PdfWriter) -> None:
    writer.encrypt(user_password="", owner_password="pemilik", algorithm="RC4-128")


def test_a_decree_pdf_is_opened_with_the_text_of_each_page(tmp_path: Path) -> None:
    pdf = _facts(tmp_path, factories.decree_pdf()).pdf
    assert pdf is not None
    assert (pdf.opened, pdf.error, pdf.encrypted, pdf.page_count) == (True, None, False, 2)
    assert "MEMUTUSKAN" in pdf.pages_text[0]
    assert "Kedudukan dalam Tim" in pdf.pages_text[1]
    assert pdf.text_chars > 2000
    assert (pdf.has_javascript, pdf.has_launch_action, pdf.has_embedded_files) == (False,) * 3


def test_text_is_read_from_the_first_pages_only_and_cut_per_page(tmp_path: Path) -> None:
    data = factories.text_pdf("Keputusan " * 40, pages=5)
    pdf = _facts(tmp_path, data, max_text_pages=3, max_text_chars_per_page=50).pdf
    assert pdf is not None
    assert pdf.page_count == 5
    assert [len(text) for text in pdf.pages_text] == [50, 50, 50]
    assert pdf.text_chars == sum(len(text.strip()) for text in pdf.pages_text)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            factories.scanned_pdf,
            {"opened": True, "page_count": 1, "text_chars": 0},
            id="a scan without a text layer has no text",
        ),
        pytest.param(
            factories.encrypted_pdf,
            {"opened": False, "encrypted": True, "error": "pdf-encrypted"},
            id="a pdf locked with a user password is reported encrypted, not opened",
        ),
        pytest.param(
            lambda: _pdf_with(_open_without_password),
            {"opened": True, "encrypted": True},
            id="a pdf with only an owner password is opened and still reported encrypted",
        ),
        pytest.param(
            factories.truncated_pdf,
            {"opened": False, "error": "pdf-broken"},
            id="a pdf cut in half is reported broken",
        ),
        pytest.param(
            factories.javascript_pdf,
            {"opened": True, "has_javascript": True},
            id="javascript in the open action is found",
        ),
        pytest.param(
            lambda: _pdf_with(_javascript_in_name_tree),
            {"has_javascript": True},
            id="javascript in the document name tree is found",
        ),
        pytest.param(
            lambda: _pdf_with(_javascript_when_page_opens),
            {"has_javascript": True},
            id="javascript in a page's additional actions is found",
        ),
        pytest.param(
            lambda: _pdf_with(_launch_on_open),
            {"has_launch_action": True, "has_javascript": False},
            id="a launch action is found",
        ),
        pytest.param(
            factories.pdf_with_embedded_file,
            {"opened": True, "has_embedded_files": True},
            id="an embedded file is found",
        ),
        pytest.param(
            factories.pdf_zip_polyglot,
            {"opened": True, "has_appended_data": True},
            id="a zip appended to a pdf is found",
        ),
        pytest.param(
            factories.decree_pdf,
            {"opened": True, "has_appended_data": False},
            id="a plain pdf has nothing appended",
        ),
    ],
)
def test_pdf_structure_is_reported_as_facts(
    tmp_path: Path, data: Callable[[], bytes], expected: dict[str, Any]
) -> None:
    pdf = _facts(tmp_path, data()).pdf
    assert pdf is not None
    assert {key: getattr(pdf, key) for key in expected} == expected


def test_a_broken_pdf_carries_a_short_detail(tmp_path: Path) -> None:
    pdf = _facts(tmp_path, factories.truncated_pdf()).pdf
    assert pdf is not None
    assert pdf.error_detail
    assert len(pdf.error_detail) <= 200


def test_a_pdf_over_the_page_limit_is_refused_without_reading_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> str:
        raise AssertionError("text was extracted from a PDF over the page limit")

    monkeypatch.setattr(PageObject, "extract_text", refuse)
    pdf = _facts(tmp_path, factories.pdf_with_pages(10_000), max_pdf_pages=2000).pdf
    assert pdf is not None
    assert (pdf.opened, pdf.error, pdf.page_count, pdf.pages_text) == (
        False,
        "pdf-too-many-pages",
        10_000,
        [],
    )


def test_a_page_whose_text_neither_reader_can_extract_gives_empty_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object, **__: object) -> str:
        raise ValueError("bad content stream")

    monkeypatch.setattr(pdftext, "_pdfium_text", fail)  # pypdfium2 first, then pypdf
    monkeypatch.setattr(PageObject, "extract_text", fail)
    pdf = _facts(tmp_path, factories.decree_pdf()).pdf
    assert pdf is not None
    assert (pdf.opened, pdf.pages_text, pdf.text_chars) == (True, ["", ""], 0)


def _jpeg_with_only_datetime() -> bytes:
    exif = Image.Exif()
    exif[306] = "2024:12:31 23:59:59"  # DateTime in IFD0, no Exif IFD
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            factories.photo_jpeg,
            {"decoded": True, "format": "JPEG", "width": 1600, "height": 1200}
            | {"exif_present": True, "exif_datetime": "2025-03-10T09:30:00"},
            id="a photo gives its size and its exif date as iso",
        ),
        pytest.param(
            lambda: factories.photo_jpeg(800, 600, exif_datetime=None),
            {"decoded": True, "width": 800, "exif_present": False, "exif_datetime": None},
            id="a photo without exif has no date",
        ),
        pytest.param(
            lambda: factories.photo_jpeg(800, 600, exif_datetime="kemarin sore"),
            {"exif_present": True, "exif_datetime": None, "exif_datetime_raw": "kemarin sore"},
            id="a malformed exif date keeps the raw value only",
        ),
        pytest.param(
            lambda: factories.photo_jpeg(800, 600, exif_datetime="2025:03:10 09:30:00" + "9" * 90),
            {"exif_datetime": None, "exif_datetime_raw": "2025:03:10 09:30:00" + "9" * 45},
            id="a long raw exif value is cut to 64 characters",
        ),
        pytest.param(
            _jpeg_with_only_datetime,
            {"exif_datetime": "2024-12-31T23:59:59"},
            id="the ifd0 datetime stands in when datetimeoriginal is missing",
        ),
        pytest.param(
            lambda: factories.photo_png(640, 480),
            {"decoded": True, "format": "PNG", "width": 640, "exif_present": False},
            id="a png gives its size",
        ),
        pytest.param(
            factories.png_bomb,
            {"decoded": False, "error": "image-too-many-pixels"},
            id="a png declaring 900 megapixels is refused before decoding",
        ),
        pytest.param(
            factories.broken_jpeg,
            {"decoded": False, "error": "image-broken"},
            id="a jpeg with garbage after its headers is broken",
        ),
    ],
)
def test_image_facts_are_reported(
    tmp_path: Path, data: Callable[[], bytes], expected: dict[str, Any]
) -> None:
    image = _facts(tmp_path, data(), name="foto.jpg").image
    assert image is not None
    assert {key: getattr(image, key) for key in expected} == expected


def _zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(name, data)
    return buffer.getvalue()


_PHOTO = factories.photo_jpeg(seed=43)


@pytest.mark.parametrize(
    ("data", "appended"),
    [
        pytest.param(factories.jpeg_with_pdf_appended, "PDF", id="a pdf after the end"),
        pytest.param(lambda: _PHOTO + b"\0" * 64 + b"%PDF-1.7\n", "PDF", id="after padding"),
        pytest.param(lambda: _PHOTO + _zip_of("a.exe", b"MZ"), "ZIP", id="a zip after the end"),
        pytest.param(
            lambda: _PHOTO + b"junk" * 100 + _zip_of("a.exe", b"MZ"), "ZIP", id="junk then zip"
        ),
        pytest.param(lambda: _PHOTO, None, id="a plain photo"),
        pytest.param(factories.jpeg_with_huge_exif, None, id="exif junk is inside the photo"),
        pytest.param(
            lambda: _PHOTO + b"\x00\x00\x00\x18ftypmp42" + bytes(4000), None, id="motion video"
        ),
    ],
)
def test_a_pdf_or_zip_after_a_jpegs_end_is_reported(
    tmp_path: Path, data: Callable[[], bytes], appended: str | None
) -> None:
    image = _facts(tmp_path, data(), name="foto.jpg").image
    assert image is not None
    assert (image.decoded, image.appended_file) == (True, appended)


@pytest.mark.parametrize(
    "limit",
    [
        pytest.param(1_000_000, id="just over the limit (pillow warns)"),
        pytest.param(500_000, id="over twice the limit (pillow errors)"),
    ],
)
def test_an_image_over_the_pixel_limit_is_refused(tmp_path: Path, limit: int) -> None:
    before = Image.MAX_IMAGE_PIXELS
    image = _facts(tmp_path, factories.photo_jpeg(1200, 1000), "foto.jpg", max_image_pixels=limit)
    assert image.image is not None
    assert (image.image.decoded, image.image.error) == (False, "image-too-many-pixels")
    assert before == Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize(
    ("data", "mimes"),
    [
        pytest.param(
            factories.html_renamed,
            {"text/html"},
            id="html named .pdf is sniffed as html and gets no pdf facts",
        ),
        pytest.param(
            factories.exe_like,
            {"application/vnd.microsoft.portable-executable"},
            id="an executable named .pdf gets no pdf facts",
        ),
        pytest.param(
            factories.zero_bytes,
            {"application/x-empty", "inode/x-empty"},
            id="an empty file gets no facts",
        ),
    ],
)
def test_the_type_comes_from_the_content_not_the_name(
    tmp_path: Path, data: Callable[[], bytes], mimes: set[str]
) -> None:
    facts = _facts(tmp_path, data(), name="sk.pdf")
    assert facts.mime in mimes
    assert (facts.declared_mime, facts.extension, facts.pdf, facts.image) == (
        "application/pdf",
        "pdf",
        None,
        None,
    )


def test_sniffing_reads_the_content(tmp_path: Path) -> None:
    path = tmp_path / "foto.pdf"
    path.write_bytes(factories.photo_jpeg(64, 48))
    assert sniff_mime(path) == "image/jpeg"


def test_a_missing_file_raises_rather_than_becoming_a_fact(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="hilang"):
        extract_facts(
            tmp_path / "hilang.pdf",
            name="hilang.pdf",
            size=0,
            sha256="0" * 64,
            declared_mime=None,
            limits=ExtractLimits(),
        )


def test_factories_are_deterministic() -> None:
    assert factories.decree_pdf() == factories.decree_pdf()
    assert factories.encrypted_pdf() == factories.encrypted_pdf()
    assert factories.photo_jpeg(seed=1) == factories.photo_jpeg(seed=1)
    assert factories.photo_jpeg(seed=1) != factories.photo_jpeg(seed=2)


@pytest.mark.parametrize("marker", sorted(factories.OMITTABLE))
def test_an_omitted_decree_marker_is_absent_from_the_text(tmp_path: Path, marker: str) -> None:
    text = _facts(tmp_path, factories.decree_pdf(omit={marker})).text
    words = {"KOP": "KEMENTERIAN", "DITETAPKAN": "Ditetapkan di", "TANGGAL": "15 Maret 2025"}
    assert words.get(marker, marker).lower() not in text.lower()
    assert "lembaga pemasyarakatan" in text.lower()


def test_a_letter_spaced_title_is_written_letter_by_letter(tmp_path: Path) -> None:
    text = _facts(tmp_path, factories.decree_pdf(letter_spaced_title=True, pages=1)).text
    assert "M E M U T U S K A N" in text
    assert "MEMUTUSKAN" not in text
