"""What the worker extracts from a file once; checks only read these facts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.tabular import TableFacts

# The reason codes extraction may record; checks pass them on, so they are declared by them too.
PdfError = Literal["pdf-broken", "pdf-encrypted", "pdf-too-many-pages"]
ImageError = Literal["image-broken", "image-too-many-pixels"]


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
