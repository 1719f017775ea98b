"""The worker's pHash: the same picture re-sent is near, two different rooms are far."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import imagehash
import pytest
from PIL import Image

from rules.facts import ImageFacts
from rules.similar import hamming
from tests.support import factories
from tests.support.factories import extracted
from worker.photos import photo_print

THRESHOLD = 6  # the shipped catalogs' max_distance


def _image(tmp_path: Path, payload: bytes, name: str = "foto.jpg") -> ImageFacts:
    facts = extracted(tmp_path, payload, name)
    assert facts.image is not None
    assert facts.image.phash is not None
    return facts.image


ORIGINAL = factories.photo_jpeg(seed=5)


@pytest.mark.parametrize(
    "rework",
    [
        pytest.param({"scale": 1.0, "brighten": 1.0}, id="recompressed"),
        pytest.param({"scale": 0.4, "brighten": 1.0}, id="resized"),
        pytest.param({"scale": 1.0, "brighten": 1.3}, id="brightened"),
        pytest.param({"scale": 0.5, "brighten": 1.25, "quality": 50}, id="all-three"),
    ],
)
def test_a_photo_re_sent_after_rework_stays_within_the_threshold(
    tmp_path: Path, rework: dict[str, Any]
) -> None:
    a = _image(tmp_path, ORIGINAL, "a.jpg")
    b = _image(tmp_path, factories.reworked_photo(ORIGINAL, **rework), "b.jpg")
    assert a.phash is not None
    assert b.phash is not None
    assert hamming(a.phash, b.phash) <= THRESHOLD


@pytest.mark.parametrize("other", [pytest.param(s, id=f"room-{s}") for s in (6, 11, 30)])
def test_two_different_rooms_are_beyond_the_threshold(tmp_path: Path, other: int) -> None:
    a = _image(tmp_path, ORIGINAL, "a.jpg")
    b = _image(tmp_path, factories.photo_jpeg(seed=other), "b.jpg")
    assert a.phash is not None
    assert b.phash is not None
    assert hamming(a.phash, b.phash) > THRESHOLD


@pytest.mark.parametrize(
    ("size", "decoded"),
    [
        pytest.param((300, 200), (150, 100), id="small-1/2"),
        pytest.param((640, 480), (160, 120), id="vga-1/4"),
        pytest.param((2400, 1800), (300, 225), id="4mp-1/8"),
        pytest.param((4000, 3000), (500, 375), id="phone-12mp-1/8"),
    ],
)
def test_the_reduced_decode_hashes_as_a_full_size_decode_would(
    size: tuple[int, int], decoded: tuple[int, int]
) -> None:
    """The worker decodes JPEGs at 1/2–1/8 scale (worker/photos.py), never below 64 px a
    side; its hash must stay the picture's: within 2 bits of a full-size decode's."""
    payload = factories.photo_jpeg(*size, seed=3)
    with Image.open(io.BytesIO(payload)) as img:
        img.load()
        full = int(str(imagehash.phash(img)), 16)
    with Image.open(io.BytesIO(payload)) as img:
        printed = photo_print(img)
        assert img.size == decoded  # the scale libjpeg decoded at
    assert (printed.width, printed.height) == size  # the photo's own size all the same
    assert hamming(printed.phash, full) <= 2


def test_exif_orientation_is_applied_before_measuring_and_hashing(tmp_path: Path) -> None:
    upright = _image(tmp_path, factories.photo_jpeg(1600, 1200, seed=8), "a.jpg")
    lying = _image(tmp_path, factories.rotated_photo(1600, 1200, seed=8), "b.jpg")
    assert (lying.width, lying.height, lying.orientation) == (1600, 1200, 6)
    assert upright.phash is not None
    assert lying.phash is not None
    assert hamming(upright.phash, lying.phash) <= THRESHOLD


def test_the_hash_fits_a_signed_bigint(tmp_path: Path) -> None:
    phash = _image(tmp_path, ORIGINAL).phash
    assert phash is not None
    assert -(2**63) <= phash < 2**63
