"""What the worker extracts from a file once; checks only read these facts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.tabular import TableFacts

# The reason codes extraction may record; checks pass them on, so they are declared by them too.
PdfError = Literal["pdf-broken", "pdf-encrypted", "pdf-too-many-pages"]
ImageError = Literal["image-broken", "image-too-many-pixels"]
# What became of the OCR of a PDF's textless pages.
OcrStatus = Literal["done", "no-text", "unavailable", "failed", "timeout"]


class OcrFacts(BaseModel):
    """The OCR of the pages that had no text layer (OCRmyPDF + Tesseract)."""

    model_config = ConfigDict(frozen=True)

    status: OcrStatus
    pages: list[int] = Field(default_factory=list)  # 1-based pages whose text came from OCR
    pages_over_cap: int = 0  # textless pages past the OCR page cap, left unread
    mean_confidence: float | None = None  # Tesseract's mean word confidence, 0–100
    seconds: float | None = None
    detail: str | None = None


class SignatureFacts(BaseModel):
    """One PDF signature (PAdES/CMS) as pyHanko validated it."""

    model_config = ConfigDict(frozen=True)

    field: str | None = None
    signer: str | None = None  # the signing certificate's common name
    signed_at: str | None = None  # ISO time the signer claims (or the timestamp token's)
    intact: bool = False  # the signed bytes still hash to the signed digest
    valid: bool = False  # the signature verifies over them
    covers_whole_file: bool = False  # nothing was added to the file after this signature
    trusted: bool | None = None  # chains to a configured root; None: no trust store given
    error: str | None = None


class PdfFacts(BaseModel):
    """Facts pypdf could establish about a PDF."""

    model_config = ConfigDict(frozen=True)

    opened: bool
    error: PdfError | None = None  # why it could not be read
    error_detail: str | None = None
    encrypted: bool = False
    page_count: int | None = None
    pages_text: list[str] = Field(default_factory=list)  # the first pages read, bounded
    text_chars: int = 0
    has_javascript: bool = False
    has_launch_action: bool = False
    has_embedded_files: bool = False
    has_appended_data: bool = False  # another file after the end, e.g. a PDF/ZIP polyglot
    textless_pages: list[int] = Field(default_factory=list)  # 1-based, among the pages read
    ocr: OcrFacts | None = None  # None: no page needed OCR (or it was not attempted)
    signatures: list[SignatureFacts] = Field(default_factory=list)


class ImageFacts(BaseModel):
    """Facts Pillow could establish about an image."""

    model_config = ConfigDict(frozen=True)

    decoded: bool
    error: ImageError | None = None
    error_detail: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    exif_present: bool = False
    exif_datetime: str | None = None  # DateTimeOriginal as ISO "YYYY-MM-DDTHH:MM:SS", local time
    exif_datetime_raw: str | None = None
    # a PDF or ZIP riding after the JPEG's end (EOI): a JPEG/PDF or JPEG/ZIP polyglot
    appended_file: str | None = None  # "PDF" or "ZIP"
    orientation: int | None = None  # EXIF Orientation; width and height are after applying it
    phash: int | None = None  # 64-bit perceptual hash (imagehash pHash), as a signed integer


class FileFacts(BaseModel):
    """Everything the checks may know about one file."""

    model_config = ConfigDict(frozen=True)

    name: str
    size: int
    sha256: str
    mime: str  # sniffed from content (python-magic), never from the name
    declared_mime: str | None = None
    pdf: PdfFacts | None = None
    image: ImageFacts | None = None
    table: TableFacts | None = None  # CSV and XLSX data tables

    @property
    def extension(self) -> str:
        _, dot, ext = self.name.rpartition(".")
        return ext.lower() if dot else ""

    @property
    def text(self) -> str:
        return "\n".join(self.pdf.pages_text) if self.pdf else ""
