"""A PDF's text print: what stays the same when a document is saved again by another program.

Re-saving, re-exporting or "printing to PDF" a decree changes its bytes (producer, dates, object
layout, fonts) but not its words. The print is the SHA-256 of the text layer's letters and
digits, folded (NFKC: ligatures and full-width forms become plain letters; case folded), with
spaces, punctuation and line breaks left out, since another program lays them out differently.
Only text-layer pages count: OCR text of a scan differs from one scan of the page to the next,
so a re-scan is not found this way (the very same scan file is, by its bytes).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence

from rules.facts import PdfFacts

# Below this many letters and digits a text says too little to tell two documents apart (a
# cover page, a form with only its headings): no print. A one-page decree has thousands.
MIN_PRINT_CHARS = 400


def _letters_and_digits(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def text_print(pdf: PdfFacts | None) -> str | None:
    """The print of the pages read with a text layer, or None (no PDF, too little text)."""
    if pdf is None or not pdf.opened:
        return None
    return pages_print(pdf.pages_text, pdf.textless_pages)


def pages_print(pages_text: Sequence[str], textless_pages: Iterable[int]) -> str | None:
    """The print of `pages_text` leaving out `textless_pages` (1-based; OCR may have filled
    them since), or None when too little text is left. Plain values: migration 0012 fills the
    prints of stored facts with it."""
    textless = set(textless_pages)
    kept = "".join(
        _letters_and_digits(text)
        for number, text in enumerate(pages_text, start=1)
        if number not in textless
    )
    if len(kept) < MIN_PRINT_CHARS:
        return None
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()
