"""Scans as units make them: a PDF rendered to an image, skewed, noisy, maybe stamped, wrapped
in an image-only PDF (office scanner or phone app, with the app's watermark)."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

WATERMARK = "Scanned with CamScanner"


@dataclass(frozen=True)
class ScanStyle:
    dpi: int = 150
    colour: bool = False
    skew_degrees: float = 0.0
    jpeg_quality: int = 60
    noise: int = 0  # grey levels of random speckle
    watermark: bool = False  # the phone app's line burned into the image and in a text layer
    seed: int = 0


def scan_of(source: bytes, style: ScanStyle = ScanStyle(), pages: int = 1) -> bytes:
    """The first `pages` pages of the PDF `source` as a scan in `style`."""
    document = pdfium.PdfDocument(source)
    images = []
    try:
        for index in range(min(pages, len(document))):
            page = document[index]
            image = page.render(scale=style.dpi / 72).to_pil()
            page.close()
            images.append(_age(image, style, index))
    finally:
        document.close()
    return _image_pdf(images, style)


def _age(image: Image.Image, style: ScanStyle, index: int) -> Image.Image:
    rng = random.Random(style.seed * 100 + index)
    image = image.convert("RGB")
    if style.colour:  # a yellowish paper tone, as a colour scan shows it
        tint = Image.new("RGB", image.size, (250, 244, 225))
        image = Image.blend(image, tint, 0.15)
    if style.skew_degrees:
        fill = (250, 244, 225) if style.colour else (255, 255, 255)
        image = image.rotate(
            style.skew_degrees, expand=True, fillcolor=fill, resample=Image.Resampling.BICUBIC
        )
    if style.noise:
        speckle = Image.effect_noise(image.size, style.noise).convert("RGB")
        image = Image.blend(image, speckle, 0.08)
        image = image.filter(ImageFilter.GaussianBlur(0.4))
    if style.watermark:
        draw = ImageDraw.Draw(image)
        size = max(12, style.dpi // 8)
        font = ImageFont.load_default(size=size)
        draw.text(
            (image.width - size * 14, image.height - size * 2),
            WATERMARK,
            fill=(90, 90, 90),
            font=font,
        )
    if not style.colour:
        image = image.convert("L")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=style.jpeg_quality + rng.randint(0, 5))
    buffer.seek(0)
    return Image.open(buffer)


def _image_pdf(images: list[Image.Image], style: ScanStyle) -> bytes:
    """Image-only pages; with the watermark, the app's line as the page's only text layer."""
    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(auto=False)
    for image in images:
        width, height = (image.width * 72 / style.dpi, image.height * 72 / style.dpi)
        pdf.add_page(format=(width, height))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=95)
        pdf.image(buffer, x=0, y=0, w=width, h=height)
        if style.watermark:
            pdf.set_font("Helvetica", "", 8)
            pdf.set_xy(width - 140, height - 20)
            pdf.cell(130, 10, WATERMARK)
    return bytes(pdf.output())
