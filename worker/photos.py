"""A photo's perceptual hash and upright size: EXIF orientation first, from a reduced decode."""

from __future__ import annotations

from dataclasses import dataclass

import imagehash
import scipy.fftpack  # noqa: F401 - imagehash.phash imports it on its first call
from PIL import Image, ImageOps

# (scipy.fftpack above: 0.6 s of imports paid once when the worker starts, before Celery forks
# its pool, instead of by every pool process on its first photo)
_ORIENTATION = 0x0112
_QUARTER_TURNS = {5, 6, 7, 8}  # orientations that swap width and height
# pHash reads a 32×32 grey image; a JPEG decoded at 1/2–1/8 scale down to at least this size
# gives the same hash for a fraction of a full decode (Image.draft, libjpeg's DCT scaling). At
# 1/8 each pixel is a block's mean (its DC coefficient, no inverse DCT at all): a 2–5 MP photo
# decodes to about 220×165–320×240, still well above the 32×32 pHash reads; measured on the
# benchmark's photos the hashes equal those of a 1/4 decode (0–2 bits apart) for 3 ms less.
# FACTS_VERSION (worker/extract.py) was left as it was for this change (session 9): a stored
# 1/4-scale hash and a new 1/8-scale one of the same picture are 0–2 bits apart, well inside
# the catalogs' max_distance of 6, while a new version would make every re-verification
# fetch and extract its file again instead of reading stored facts.
_DRAFT_SIDE = 64


@dataclass(frozen=True)
class PhotoPrint:
    width: int  # upright, after EXIF orientation
    height: int
    orientation: int | None
    phash: int  # signed 64-bit, as stored in a BIGINT column


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed integer a BIGINT holds (the same bits)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _orientation(img: Image.Image) -> int | None:
    try:
        value = img.getexif().get(_ORIENTATION)
    except Exception:  # unreadable EXIF: as if none
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def photo_print(img: Image.Image) -> PhotoPrint:
    """Decode `img` (freshly opened) in reduced size, upright it, and hash it.

    The decode reads every byte of the file, so data cut short still raises here.
    """
    width, height = img.size
    orientation = _orientation(img)
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    if img.format == "JPEG":
        img.draft("L", (_DRAFT_SIDE, _DRAFT_SIDE))
    img.load()
    upright = ImageOps.exif_transpose(img) if orientation not in (None, 1) else img
    bits = int(str(imagehash.phash(upright)), 16)
    return PhotoPrint(width, height, orientation, to_signed(bits))
