"""A PDF's text print: the same words saved again in other bytes give the same print; another
decree, a scan's OCR text, boilerplate or a page with little text give none or another."""

from __future__ import annotations

from pathlib import Path

from rules.textprint import MIN_PRINT_CHARS, VERSION, text_print
from tests.support.factories import extracted, text_pdf
from tests.support.facts import SK_PAGES, pdf

FOOTER = "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat BSrE"
WORDS = " ".join(SK_PAGES).replace("\n", " ")


def test_another_programs_layout_of_the_same_words_gives_the_same_print(tmp_path: Path) -> None:
    """Real PDFs: the same text in another font and size, so other line breaks and spacing."""
    one = extracted(tmp_path, text_pdf(WORDS), "a.pdf").pdf
    other = extracted(tmp_path, text_pdf(WORDS, font="Times", size=9), "b.pdf").pdf
    assert one is not None
    assert other is not None
    assert one.pages_text != other.pages_text  # laid out differently
    printed = text_print(one)
    assert printed is not None
    assert printed.startswith(f"{VERSION}:")
    assert printed == text_print(other)


def test_case_ligatures_and_spacing_do_not_count() -> None:
    relaid = [
        page.replace(" ", "  ").replace("\n", " \n").replace("fi", "\ufb01").upper()
        for page in SK_PAGES
    ]
    assert text_print(pdf(*relaid)) == text_print(pdf(*SK_PAGES))


def test_another_decree_or_page_count_gives_another_print() -> None:
    changed = [SK_PAGES[0].replace("2025", "2024", 1), *SK_PAGES[1:]]
    assert text_print(pdf(*changed)) != text_print(pdf(*SK_PAGES))
    longer = pdf(*SK_PAGES, page_count=len(SK_PAGES) + 5)  # pages past those read
    assert text_print(longer) != text_print(pdf(*SK_PAGES))


def test_too_little_text_or_none_gives_no_print() -> None:
    assert text_print(pdf("Lampiran " * 5)) is None
    assert text_print(pdf("x" * (MIN_PRINT_CHARS - 1))) is None
    assert text_print(pdf("x" * MIN_PRINT_CHARS)) is not None
    assert text_print(None) is None
    assert text_print(pdf(opened=False)) is None


def test_pages_without_a_text_layer_do_not_count_even_once_ocr_filled_them() -> None:
    """OCR text differs from one scan of a page to the next: a print of it would find nothing
    a re-scan shares, and could tie two scans by chance; only text-layer pages count."""
    with_scan = pdf(*SK_PAGES, "OCR TEKS " * 80, textless_pages=[3], page_count=3)
    assert with_scan.pages_text[:2] == list(SK_PAGES)
    assert text_print(with_scan) == text_print(pdf(*SK_PAGES, page_count=3))
    assert text_print(pdf("OCR TEKS HALAMAN " * 40, textless_pages=[1])) is None


def test_a_scan_with_a_typed_footer_on_every_page_has_no_print() -> None:
    """Every unit's scan of that many pages carries the same e-signature footer: no tie."""
    long_footer = f"{FOOTER} " * 8  # even a footer long enough to pass the size bar
    scan = pdf(*[long_footer] * 4)
    assert text_print(scan) is None  # the one line repeats on every page
    mostly_images = pdf(WORDS, "", "", "", textless_pages=[2, 3, 4])
    assert text_print(mostly_images) is None


def test_a_header_repeated_on_pages_is_left_out_but_the_words_count() -> None:
    pages = [f"KABUPATEN CONTOH\n{page}\n{FOOTER}" for page in SK_PAGES]
    other_header = [f"KOTA LAIN\n{page}\n{FOOTER} halaman" for page in SK_PAGES]
    assert text_print(pdf(*pages)) is not None
    assert text_print(pdf(*pages)) == text_print(pdf(*other_header))
