"""A PDF's text print: what stays the same when a document is saved again by another program.

Re-saving, re-exporting or "printing to PDF" a decree changes its bytes (producer, dates, object
layout, fonts) but not its words. The print is the SHA-256 of the page count and the text
layer's letters and digits, folded (NFKC: ligatures and full-width forms become plain letters;
case folded), with spaces, punctuation and line breaks left out, since another program lays
them out differently.

What would tie unrelated documents together gets no print, or is left out of it:
- pages without a text layer (OCR text of a scan differs from one scan of the page to the next,
  so a re-scan is not found this way; the very same scan file is, by its bytes), and a PDF
  whose pages are mostly without one (a scan with a typed footer is still a scan);
- a line repeated on half the pages or more (a header, an e-signature footer, a page number
  line): boilerplate every unit's file of that kind carries;
- a text under MIN_PRINT_CHARS letters and digits after that (a cover page, a form's headings).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from rules.facts import PdfFacts

# Below this many letters and digits a text says too little to tell two documents apart. A
# one-page decree has thousands.
MIN_PRINT_CHARS = 400
VERSION = "t1"  # stored with each print: a change to how prints are made changes this
NO_PRINT = f"{VERSION}:"  # stored for a PDF that was looked at and has none

_LINES = re.compile(r"[\r\n]+")


def _letters_and_digits(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def text_print(pdf: PdfFacts | None) -> str | None:
    """The print of the pages read with a text layer, or None (no PDF, too little text)."""
    if pdf is None or not pdf.opened:
        return None
    return pages_print(pdf.pages_text, pdf.textless_pages, pdf.page_count)


def pages_print(
    pages_text: Sequence[str], textless_pages: Iterable[int], page_count: int | None
) -> str | None:
    """The print of `pages_text` leaving out `textless_pages` (1-based; OCR may have filled
    them since), or None. Plain values: prints are also filled from stored facts."""
    textless = set(textless_pages)
    pages = [
        [line for line in map(_letters_and_digits, _LINES.split(text)) if line]
        for number, text in enumerate(pages_text, start=1)
        if number not in textless
    ]
    if not pages or 2 * len(pages) < len(pages_text):  # mostly pages without a text layer
        return None
    repeated: set[str] = set()
    if len(pages) > 1:
        on_pages = Counter(line for lines in pages for line in set(lines))
        repeated = {line for line, n in on_pages.items() if n >= 2 and 2 * n >= len(pages)}
    kept = "".join(line for lines in pages for line in lines if line not in repeated)
    if len(kept) < MIN_PRINT_CHARS:
        return None
    digest = hashlib.sha256(f"{page_count or len(pages_text)}:{kept}".encode()).hexdigest()
    return f"{VERSION}:{digest}"
