"""The photo path as it was before the reduced decode (a comparison only, never used by absah):
the same facts, but every pixel decoded at full size (`img.load()` without `Image.draft`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import imagehash
from PIL import Image, ImageOps

from bench.services import BenchError
from worker import images
from worker.photos import PhotoPrint, to_signed

_ORIENTATION = 0x0112
_QUARTER_TURNS = {5, 6, 7, 8}


def _orientation(img: Image.Image) -> int | None:
    try:
        value = img.getexif().get(_ORIENTATION)
    except Exception:
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def full_photo_print(img: Image.Image) -> PhotoPrint:
    """Upright size and pHash from a decode of the whole image at full size."""
    width, height = img.size
    orientation = _orientation(img)
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    img.load()  # every pixel, full size, full colour
    upright = ImageOps.exif_transpose(img) if orientation not in (None, 1) else img
    bits = int(str(imagehash.phash(upright)), 16)
    return PhotoPrint(width, height, orientation, to_signed(bits))


@contextlib.contextmanager
def full_decode() -> Iterator[None]:
    """Within this block (in this process only) the worker's image facts decode at full size."""
    saved = getattr(images, "photo_print", None)
    if saved is None:
        raise BenchError("worker.images.photo_print is gone: update bench/fulldecode.py")
    images.photo_print = full_photo_print  # type: ignore[attr-defined]
    try:
        yield
    finally:
        images.photo_print = saved  # type: ignore[attr-defined]
