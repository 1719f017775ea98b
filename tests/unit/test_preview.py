"""Previews: a PDF's first page as PNG, a photo as JPEG, both bounded; hostile files refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from intake.workspace.preview import (
    JPEG,
    MAX_SIDE,
    PNG,
    PreviewUnavailable,
    previewable,
    render_preview,
    unavailable_image,
)
from tests.support.factories import (
    decree_pdf,
    encrypted_pdf,
    photo_jpeg,
    photo_png,
    png_bomb,
    truncated_pdf,
)

PIXELS = 60_000_000


@pytest.mark.parametrize(
    ("make", "mime", "media", "size"),
    [
        (decree_pdf, "application/pdf", PNG, (849, MAX_SIDE)),  # A4 portrait at the size cap
        (lambda: photo_jpeg(width=4000, height=3000), JPEG, JPEG, (MAX_SIDE, 900)),
        (lambda: photo_png(width=640, height=480), PNG, JPEG, (640, 480)),  # never enlarged
    ],
)
def test_a_preview_is_an_image_no_larger_than_the_cap(
    tmp_path: Path,
    make: Callable[[], bytes],
    mime: str,
    media: str,
    size: tuple[int, int],
) -> None:
    source = tmp_path / "source"
    source.write_bytes(make())
    shown = render_preview(source, mime, PIXELS)
    assert shown.media_type == media
    with Image.open(io.BytesIO(shown.body)) as picture:
        assert picture.size == size
        assert picture.format == ("PNG" if media == PNG else "JPEG")


@pytest.mark.parametrize(
    ("make", "mime"),
    [
        (encrypted_pdf, "application/pdf"),
        (truncated_pdf, "application/pdf"),
        (png_bomb, PNG),  # 30000 × 30000 declared: refused before decoding
        (lambda: b"not an image at all", JPEG),
        (lambda: b"PK\x03\x04", "application/zip"),  # not a kind that is rendered
    ],
)
def test_a_file_that_cannot_be_rendered_has_no_preview(
    tmp_path: Path, make: Callable[[], bytes], mime: str
) -> None:
    source = tmp_path / "source"
    source.write_bytes(make())
    with pytest.raises(PreviewUnavailable):
        render_preview(source, mime, PIXELS)


def test_only_images_and_pdfs_are_previewable() -> None:
    assert previewable("application/pdf")
    assert previewable(JPEG)
    assert not previewable("text/html")
    assert not previewable(None)


def test_the_no_preview_card_is_a_png() -> None:
    card = unavailable_image()
    assert card.media_type == PNG
    assert card.body.startswith(b"\x89PNG")
