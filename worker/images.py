"""A photo's facts: decoded within the pixel cap, its size after EXIF orientation, its capture
date, and anything riding after a JPEG's end."""

from __future__ import annotations

import re
import warnings
import zipfile
from datetime import datetime
from typing import IO

from PIL import Image

from rules.facts import ImageFacts
from worker.limits import ExtractLimits, _detail
from worker.photos import photo_print

_EXIF_IFD = 0x8769


_DATETIME_ORIGINAL = 36867


_DATETIME = 306


def _image_facts(stream: IO[bytes], limits: ExtractLimits) -> ImageFacts:
    saved_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. Pillow's "Corrupt EXIF data": not a failure
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode_image(stream, limits)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        return ImageFacts(decoded=False, error="image-too-many-pixels", error_detail=_detail(exc))
    except MemoryError:  # the worker's memory bound: the pipeline retries, then unable_to_check
        raise
    except Exception as exc:
        return ImageFacts(decoded=False, error="image-broken", error_detail=_detail(exc))
    finally:
        Image.MAX_IMAGE_PIXELS = saved_limit


def _decode_image(stream: IO[bytes], limits: ExtractLimits) -> ImageFacts:
    with Image.open(stream) as img:
        width, height = img.size
        kind = img.format
        if width * height > limits.max_image_pixels:  # Pillow checks too; this does not rely on it
            raise Image.DecompressionBombError(
                f"{width}x{height} is over {limits.max_image_pixels}"
            )
        img.verify()  # checksums and structure; leaves this image object unusable
    stream.seek(0)
    with Image.open(stream) as img:
        present, parsed, raw = _exif_datetime(img)
        # decodes every byte (reduced in size): catches data cut short that verify() lets through
        printed = photo_print(img)
    return ImageFacts(
        decoded=True,
        appended_file=_appended_to_jpeg(stream) if kind == "JPEG" else None,
        format=kind,
        width=printed.width,
        height=printed.height,
        orientation=printed.orientation,
        phash=printed.phash,
        exif_present=present,
        exif_datetime=parsed,
        exif_datetime_raw=raw,
    )


# In entropy-coded data 0xFF is followed by 0x00 (a stuffed byte), a restart marker or another
# 0xFF (fill); any other byte after it starts the next segment. One C-level search per scan
# instead of a Python loop over every 0xFF.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg_end(data: bytes) -> int | None:
    """The offset just past a JPEG's EOI marker, walking its segments and scans (an EXIF
    thumbnail's own EOI inside APP1 is skipped with its segment); None when there is none."""
    pos = 2  # after SOI
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return pos + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # restart markers, TEM: no length
            pos += 2
            continue
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:  # a scan: entropy-coded data up to the next real marker
            found = _SCAN_END.search(data, pos)
            if found is None:
                return None
            pos = found.start()
    return None


_PADDING = b"\x00\t\n\f\r "


def _appended_to_jpeg(stream: IO[bytes]) -> str | None:
    """ "PDF" or "ZIP" when one rides after the JPEG's end; other trailers (a phone's motion
    video, padding) are left alone, as before."""
    stream.seek(0)
    data = stream.read()
    end = _jpeg_end(data)
    if end is None:  # segments we cannot walk: what follows the last EOI-looking pair
        last = data.rfind(b"\xff\xd9")
        end = last + 2 if last >= 0 else len(data)
    trailer = data[end:]
    try:
        if b"%PDF-" in trailer[:1024]:  # readers find a header anywhere in the first KB
            return "PDF"
        if trailer.lstrip(_PADDING).startswith(b"PK\x03\x04") or zipfile.is_zipfile(stream):
            return "ZIP"
        return None
    finally:
        stream.seek(0)


def _exif_datetime(img: Image.Image) -> tuple[bool, str | None, str | None]:
    """(EXIF present, DateTimeOriginal as ISO or None, the raw value); bad EXIF is just absent."""
    try:
        exif = img.getexif()
        value = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    except Exception:
        return False, None, None
    if value is None:
        return bool(exif), None, None
    raw = (value.decode("latin-1") if isinstance(value, bytes) else str(value)).strip("\x00 ")
    try:
        parsed = datetime.strptime(raw, "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        parsed = None
    return True, parsed, raw[:64]
