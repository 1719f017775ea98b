"""Scanned pages: decide which pages need OCR, read them (or defer them to the OCR queue), and
merge what OCR read into the facts, so scans go through the same checks as born-digital text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from infra.settings import Settings
from rules.facts import FileFacts, OcrFacts
from worker.ocr import OcrOptions, ocr_available, run_ocr

# What the pipeline does with a file's facts before the checks: OCR them, defer them, or not.
ScanStep = Callable[[Path, FileFacts], FileFacts]


class OcrQueued(Exception):
    """The file has pages without text: its check continues on the OCR queue."""


def ocr_options(settings: Settings) -> OcrOptions | None:
    """The OCR bounds from settings; None when OCR is switched off."""
    if not settings.ocr_enabled:
        return None
    return OcrOptions(
        command=settings.ocr_command,
        languages=settings.ocr_languages,
        max_pages=settings.ocr_max_pages,
        page_timeout_seconds=settings.ocr_page_timeout_seconds,
        timeout_seconds=settings.ocr_timeout_seconds,
        memory_limit_mb=settings.ocr_memory_limit_mb,
    )


def needs_ocr(facts: FileFacts) -> bool:
    pdf = facts.pdf
    return pdf is not None and pdf.opened and bool(pdf.textless_pages) and pdf.ocr is None


def defer_scans(path: Path, facts: FileFacts) -> FileFacts:
    """The verify task's step: a file with textless pages goes to the OCR queue."""
    if needs_ocr(facts):
        raise OcrQueued(facts.pdf.textless_pages if facts.pdf else [])
    return facts


def read_scans(options: OcrOptions | None) -> ScanStep:
    """The OCR task's (and `absah verify`'s) step: OCR the textless pages here and now."""

    def step(path: Path, facts: FileFacts) -> FileFacts:
        return with_ocr(path, facts, options) if needs_ocr(facts) else facts

    return step


def with_ocr(path: Path, facts: FileFacts, options: OcrOptions | None) -> FileFacts:
    """The facts with the OCR text of the textless pages in place of their empty text layer."""
    pdf = facts.pdf
    assert pdf is not None
    wanted = pdf.textless_pages[: options.max_pages] if options else pdf.textless_pages
    over_cap = len(pdf.textless_pages) - len(wanted)
    missing = "OCR is switched off (ABSAH_OCR_ENABLED)" if options is None else None
    if options is not None:
        missing = ocr_available(options.command, options.languages)
    if options is None or missing:
        ocr = OcrFacts(status="unavailable", pages_over_cap=over_cap, detail=missing)
        return facts.model_copy(update={"pdf": pdf.model_copy(update={"ocr": ocr})})
    run = run_ocr(path, wanted, options)
    texts = list(pdf.pages_text)
    for page, text in run.texts.items():
        texts[page - 1] = text
    ocr = OcrFacts(
        status=run.status,
        pages=sorted(run.texts),
        pages_over_cap=over_cap,
        mean_confidence=run.mean_confidence,
        seconds=round(run.seconds, 2),
        detail=run.detail,
    )
    update = {
        "ocr": ocr,
        "pages_text": texts,
        "text_chars": sum(len(text.strip()) for text in texts),
    }
    return facts.model_copy(update={"pdf": pdf.model_copy(update=update)})
