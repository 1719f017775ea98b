"""Previews for the verifier pages: a photo downscaled to JPEG, a PDF's first page as PNG.

Rendering runs in a child process (`python -m intake.workspace.preview`) with a time limit
and a memory bound, so a hostile file can neither hang nor exhaust the API process; PDFium
(pypdfium2) is also not thread-safe, which a process of its own sidesteps. Bounds: page 1
only, at most `PDF_MAX_DPI`, the longest side at most `MAX_SIDE` pixels, `TIMEOUT_SECONDS` per file.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAX_SIDE = 1200  # pixels, longest side of any preview
PDF_MAX_DPI = 150
TIMEOUT_SECONDS = 20.0
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024  # RLIMIT_DATA of the rendering child
CONCURRENT_RENDERS = 2  # a page of twenty thumbnails must not start twenty children at once
JPEG = "image/jpeg"
PNG = "image/png"
IMAGE_TYPES = frozenset({JPEG, PNG, "image/webp"})
PDF_TYPE = "application/pdf"


class PreviewUnavailable(Exception):
    """The file could not be rendered (broken, encrypted, too large, too slow)."""


@dataclass(frozen=True)
class Preview:
    body: bytes
    media_type: str


def previewable(detected_mime: str | None) -> bool:
    """Only what the worker detected as an image or a PDF is rendered; anything else is not."""
    return detected_mime in IMAGE_TYPES or detected_mime == PDF_TYPE


@cache
def _slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(CONCURRENT_RENDERS)


def render_preview(source: Path, detected_mime: str | None, max_pixels: int) -> Preview:
    """Render `source` (a stored file copied to a local path) in a bounded child process."""
    if not previewable(detected_mime):
        raise PreviewUnavailable(f"no preview for {detected_mime}")
    kind, media = ("pdf", PNG) if detected_mime == PDF_TYPE else ("image", JPEG)
    target = source.with_name(source.name + ".preview")
    command = [sys.executable, "-m", "intake.workspace.preview", kind, str(source), str(target)]
    with _slots():
        try:
            done = subprocess.run(
                [*command, str(max_pixels)],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PreviewUnavailable(f"rendering took over {TIMEOUT_SECONDS:.0f}s") from exc
    if done.returncode != 0 or not target.is_file():
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise PreviewUnavailable(tail[0] if tail else f"renderer exited {done.returncode}")
    return Preview(target.read_bytes(), media)


def unavailable_image(text: str = "Pratinjau tidak tersedia") -> Preview:
    """A grey card saying there is no preview, so the page never shows a broken image."""
    from PIL import Image, ImageDraw, ImageFont

    card = Image.new("RGB", (480, 300), (236, 238, 241))
    draw = ImageDraw.Draw(card)
    font = ImageFont.load_default(size=24)
    box = draw.textbbox((0, 0), text, font=font)
    at = ((480 - (box[2] - box[0])) / 2, (300 - (box[3] - box[1])) / 2)
    draw.text(at, text, fill=(60, 64, 72), font=font)
    buffer = io.BytesIO()
    card.save(buffer, "PNG")
    return Preview(buffer.getvalue(), PNG)


# ---- the child process ------------------------------------------------------------------------


def image_preview(source: Path, target: Path, max_pixels: int) -> None:
    """A photo, upright (EXIF orientation), downscaled to at most MAX_SIDE, as JPEG."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = max_pixels  # past it Pillow refuses (a decompression bomb)
    with Image.open(source) as opened:
        if opened.width * opened.height > max_pixels:
            raise PreviewUnavailable("image has too many pixels")
        opened.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale, fast
        upright = ImageOps.exif_transpose(opened)
        picture = upright.convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    picture.save(target, "JPEG", quality=82)


def pdf_preview(source: Path, target: Path) -> None:
    """The first page of a PDF, at most PDF_MAX_DPI and MAX_SIDE pixels, as PNG."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        if len(document) < 1:
            raise PreviewUnavailable("PDF has no pages")
        page = document[0]
        width, height = page.get_size()  # points (1/72 inch)
        if width <= 0 or height <= 0:
            raise PreviewUnavailable("page has no size")
        scale = min(PDF_MAX_DPI / 72, MAX_SIDE / max(width, height))
        page.render(scale=scale).to_pil().save(target, "PNG")
    finally:
        document.close()


def main(argv: list[str]) -> int:
    kind, source, target, max_pixels = argv
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    if kind == "pdf":
        pdf_preview(Path(source), Path(target))
    else:
        image_preview(Path(source), Path(target), int(max_pixels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
