"""Real Tesseract on generated scans: the textless pages are read, the watermark is not text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rules.facts import FileFacts
from rules.text import prepare
from tests.support.factories import decree_pdf, extracted
from tests.support.scans import ScanStyle, scan_of
from worker.extract import extract_facts
from worker.limits import ExtractLimits
from worker.ocr import OcrOptions
from worker.scans import needs_ocr, read_scans


def _facts(tmp_path: Path, data: bytes) -> FileFacts:
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    facts = extract_facts(
        path,
        name="scan.pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        declared_mime="application/pdf",
        limits=ExtractLimits(),
    )
    assert needs_ocr(facts)
    return read_scans(OcrOptions())(path, facts)


@pytest.mark.parametrize(
    "style",
    [
        pytest.param(
            ScanStyle(dpi=150, skew_degrees=-3, noise=20, watermark=True),
            id="grey-150dpi-skewed-left-with-phone-app-watermark",
        ),
        pytest.param(
            ScanStyle(dpi=200, colour=True, skew_degrees=2.5, jpeg_quality=35, seed=1),
            id="colour-200dpi-skewed-right-heavy-jpeg",
        ),
    ],
)
def test_a_scanned_decree_is_read_by_ocr_with_its_markers(tmp_path: Path, style: ScanStyle) -> None:
    facts = _facts(tmp_path, scan_of(decree_pdf(office="WALI KOTA PALEMBANG"), style))
    pdf = facts.pdf
    assert pdf is not None
    assert pdf.ocr is not None
    assert pdf.ocr.status == "done"
    assert pdf.ocr.pages == [1]
    assert (pdf.ocr.mean_confidence or 0) > 70
    text = prepare(pdf.pages_text[0])
    for marker in ("keputusan", "menimbang", "mengingat", "memutuskan", "ditetapkan di"):
        assert text.resembles(marker, 0.85), marker
    assert text.find("wali kota palembang", 0.85, max_edits=2) is not None
    assert "camscanner" not in text.compact


def test_a_page_with_only_a_scanner_app_watermark_counts_as_a_page_without_text(
    tmp_path: Path,
) -> None:
    facts = extracted(
        tmp_path, scan_of(decree_pdf(), ScanStyle(dpi=100, watermark=True)), "scan.pdf"
    )
    assert facts.pdf is not None
    assert (facts.pdf.textless_pages, facts.pdf.text_chars) == ([1], 0)
