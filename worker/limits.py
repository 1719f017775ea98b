"""What extraction may take (pages, pixels, bytes) and how an error of a library is told in a few
words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExtractLimits:
    """Bounds on the work one file may cost."""

    max_image_pixels: int = 60_000_000
    max_pdf_pages: int = 2000
    max_text_pages: int = 30
    max_text_chars_per_page: int = 20_000
    signature_trust_roots: Path | None = None  # what a PDF signer must chain to; None: unchecked


def _detail(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:200]
