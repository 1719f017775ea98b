"""PDF integrity, text layer and risky content, read from the facts pypdf established."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rules.checks.base import CheckSpec, NoParams, Params
from rules.context import CheckContext
from rules.facts import FileFacts, PdfFacts
from rules.findings import CheckResult, Outcome, result


class PagesParams(Params):
    min_pages: int = Field(default=1, ge=1)
    max_pages: int = Field(default=500, ge=1)


def pdf_opens(facts: FileFacts, ctx: CheckContext, params: PagesParams) -> CheckResult:
    pdf = facts.pdf
    if pdf is None:
        return result(Outcome.SKIP, "not-a-pdf")
    if pdf.encrypted and not pdf.opened:
        # A PDF with only an owner password ("restricted", common for e-signed decrees) reads
        # fine; only one that needs a password to open is refused.
        return result(Outcome.FAIL, "pdf-encrypted")
    if pdf.error == "pdf-too-many-pages" or (pdf.page_count or 0) > params.max_pages:
        return result(
            Outcome.FAIL,
            "pdf-too-many-pages",
            pages=pdf.page_count,
            max_pages=params.max_pages,
        )
    if not pdf.opened:
        return result(
            Outcome.FAIL,
            pdf.error or "pdf-broken",
            detail=pdf.error_detail or "struktur tidak valid",
        )
    if not pdf.page_count:
        return result(Outcome.FAIL, "pdf-no-pages")
    if pdf.page_count < params.min_pages:
        return result(
            Outcome.FAIL,
            "pdf-too-few-pages",
            pages=pdf.page_count,
            min_pages=params.min_pages,
        )
    if pdf.encrypted:
        # opened without a password: an owner password only. DOMAIN.md forbids encrypted
        # PDFs, so a person looks; the content was still read and checked.
        return result(Outcome.WARN, "pdf-restricted", needs_review=True, pages=pdf.page_count)
    return result(Outcome.PASS, "pdf-ok", pages=pdf.page_count)


class TextParams(Params):
    min_chars: int = Field(default=50, ge=1)
    # below this mean word confidence, OCR'd text goes to a person (DOMAIN.md §5)
    min_ocr_confidence: float = Field(default=50.0, ge=0, le=100)


def _ocr_text(pdf: PdfFacts, params: TextParams) -> CheckResult:
    ocr = pdf.ocr
    assert ocr is not None
    if ocr.status == "unavailable":
        return result(Outcome.WARN, "pdf-ocr-unavailable", needs_review=True)
    if ocr.status != "done" or pdf.text_chars < params.min_chars:
        why = {
            "timeout": "waktu baca habis",
            "failed": "berkas tidak dapat diolah",
        }.get(ocr.status, "tidak ada tulisan yang terbaca")
        return result(Outcome.WARN, "pdf-ocr-unreadable", needs_review=True, why=why)
    said: dict[str, Any] = {
        "pages": ocr.pages,
        "confidence": ocr.mean_confidence,
        "chars": pdf.text_chars,
        "text_source": "ocr",
        "ocr_seconds": ocr.seconds,
        "pages_over_cap": ocr.pages_over_cap or None,
    }
    if ocr.mean_confidence is not None and ocr.mean_confidence < params.min_ocr_confidence:
        return result(
            Outcome.WARN,
            "pdf-ocr-low-confidence",
            needs_review=True,
            min_confidence=params.min_ocr_confidence,
            **said,
        )
    return result(Outcome.PASS, "pdf-text-ocr", **said)


def pdf_text_layer(facts: FileFacts, ctx: CheckContext, params: TextParams) -> CheckResult:
    pdf = facts.pdf
    if pdf is None or not pdf.opened:
        return result(Outcome.SKIP, "not-applicable")
    if pdf.ocr is not None:
        return _ocr_text(pdf, params)
    if pdf.text_chars < params.min_chars:
        # A scan is not wrong, it needs eyes: never "failed" (DOMAIN.md §5).
        return result(Outcome.WARN, "pdf-no-text", needs_review=True, chars=pdf.text_chars)
    return result(Outcome.PASS, "pdf-text-ok", chars=pdf.text_chars)


def pdf_risky_content(facts: FileFacts, ctx: CheckContext, _: NoParams) -> CheckResult:
    pdf = facts.pdf
    if pdf is None or not pdf.opened:
        return result(Outcome.SKIP, "not-applicable")
    features = [
        label
        for present, label in (
            (pdf.has_javascript, "JavaScript"),
            (pdf.has_launch_action, "Launch action"),
            (pdf.has_embedded_files, "embedded files"),
            (pdf.has_appended_data, "data after the end of the file"),
        )
        if present
    ]
    if features:
        return result(
            Outcome.WARN,
            "pdf-risky-content",
            needs_review=True,
            features=features,
        )
    return result(Outcome.PASS, "ok")


PDF_OPENS = CheckSpec(
    id="pdf-opens",
    codes=(
        "pdf-ok",
        "not-a-pdf",
        "pdf-encrypted",
        "pdf-too-many-pages",
        "pdf-broken",
        "pdf-no-pages",
        "pdf-too-few-pages",
        "pdf-restricted",
    ),
    params=PagesParams,
    check=pdf_opens,
    summary="the PDF opens, is not encrypted and has a page count within bounds",
)
PDF_TEXT_LAYER = CheckSpec(
    id="pdf-text-layer",
    codes=(
        "pdf-text-ok",
        "pdf-no-text",
        "not-applicable",
        "pdf-text-ocr",
        "pdf-ocr-low-confidence",
        "pdf-ocr-unreadable",
        "pdf-ocr-unavailable",
    ),
    params=TextParams,
    check=pdf_text_layer,
    summary="the PDF has a text layer, or OCR read its scanned pages; else a person looks",
)
PDF_RISKY_CONTENT = CheckSpec(
    id="pdf-risky-content",
    codes=("ok", "pdf-risky-content", "not-applicable"),
    params=NoParams,
    check=pdf_risky_content,
    summary="JavaScript, launch actions, embedded files or data after the end go to a person",
)
