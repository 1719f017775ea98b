"""A PDF's text print: the same words saved again in other bytes give the same print; another
decree, a scan's OCR text or a page with little text give none or another."""

from __future__ import annotations

from rules.facts import PdfFacts
from rules.textprint import MIN_PRINT_CHARS, text_print
from tests.support.facts import SK_PAGES, pdf


def test_another_programs_layout_of_the_same_words_gives_the_same_print() -> None:
    """Spaces, line breaks, hyphen-free punctuation, case and ligatures differ between PDF
    producers; the letters and digits do not."""
    original = text_print(pdf(*SK_PAGES))
    relaid = [
        page.replace(" ", "  ").replace("\n", " \n").replace("fi", "\ufb01").upper()
        for page in SK_PAGES
    ]
    assert original is not None
    assert text_print(pdf(*relaid)) == original


def test_another_decree_gives_another_print() -> None:
    changed = [SK_PAGES[0].replace("2025", "2024", 1), *SK_PAGES[1:]]
    assert text_print(pdf(*changed)) != text_print(pdf(*SK_PAGES))


def test_too_little_text_or_none_gives_no_print() -> None:
    assert text_print(pdf("Lampiran " * 5)) is None
    assert text_print(pdf("x" * (MIN_PRINT_CHARS - 1))) is None
    assert text_print(pdf("x" * MIN_PRINT_CHARS)) is not None
    assert text_print(None) is None
    assert text_print(PdfFacts(opened=False)) is None


def test_pages_without_a_text_layer_do_not_count_even_once_ocr_filled_them() -> None:
    """OCR text differs from one scan of a page to the next: a print of it would find nothing
    a re-scan shares, and could tie two scans by chance; only text-layer pages count."""
    scanned = text_print(
        pdf(*SK_PAGES, "OCR TEKS HALAMAN " * 40, textless_pages=[len(SK_PAGES) + 1])
    )
    assert scanned == text_print(pdf(*SK_PAGES))
    assert text_print(pdf("OCR TEKS HALAMAN " * 40, textless_pages=[1])) is None
