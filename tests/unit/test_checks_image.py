"""image-decodes, image-resolution, exif-date and duplicate-in-submission over image facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.context import CheckContext
from rules.facts import ImageFacts
from rules.findings import Outcome
from tests.unit.builders import SHA_A, SHA_B, ctx, image, photo_file, run, sk_file

PHOTO_CTX: dict[str, Any] = {
    "criterion_id": "P2H-02-LAKTASI",
    "kind": "facility_photo",
    "allowed_mime": ("image/jpeg", "image/png"),
    "allowed_extensions": ("jpg", "jpeg", "png"),
}


def photo_ctx(**overrides: Any) -> CheckContext:
    return ctx(**{**PHOTO_CTX, **overrides})


BROKEN = ImageFacts(decoded=False, error="image-broken", error_detail="image file is truncated")
BOMB = ImageFacts(
    decoded=False,
    error="image-too-many-pixels",
    error_detail="30000x30000 is over 50000000 pixels",
    width=30000,
    height=30000,
)


@pytest.mark.parametrize(
    ("image_facts", "outcome", "reason", "details"),
    [
        (image(), Outcome.PASS, "image-ok", {"width": 1600, "height": 1200}),
        (BROKEN, Outcome.FAIL, "image-broken", {"detail": "image file is truncated"}),
        (ImageFacts(decoded=False), Outcome.FAIL, "image-broken", {"detail": "tidak terbaca"}),
        (
            BOMB,
            Outcome.FAIL,
            "image-too-many-pixels",
            {"detail": "30000x30000 is over 50000000 pixels"},
        ),
    ],
    ids=["decodes", "broken", "not-decoded-without-reason", "too-many-pixels"],
)
def test_an_image_must_decode_within_the_pixel_cap(
    image_facts: ImageFacts, outcome: Outcome, reason: str, details: dict[str, Any]
) -> None:
    finding = run("image-decodes", photo_file().model_copy(update={"image": image_facts}))
    assert (finding.outcome, finding.reason_code, finding.details) == (outcome, reason, details)
    assert not finding.needs_review


def test_a_jpeg_with_a_file_after_its_end_goes_to_a_person() -> None:
    facts = photo_file().model_copy(update={"image": image(appended_file="PDF")})
    finding = run("image-decodes", facts)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.WARN,
        "image-appended-file",
        True,
    )
    assert finding.details == {"appended": "PDF"}
    assert "PDF" in finding.message_id


@pytest.mark.parametrize(
    "check_id",
    ["image-decodes", "image-resolution", "exif-date"],
    ids=["decodes", "resolution", "exif-date"],
)
def test_the_image_checks_skip_a_pdf(check_id: str) -> None:
    finding = run(check_id, sk_file())
    assert finding.outcome is Outcome.SKIP


@pytest.mark.parametrize(
    ("check_id", "image_facts"),
    [
        ("image-resolution", BROKEN),
        ("image-resolution", BOMB),
        ("image-resolution", image(width=None, height=None)),
        ("exif-date", BROKEN),
    ],
    ids=["resolution-broken", "resolution-bomb", "resolution-size-unknown", "exif-broken"],
)
def test_the_image_checks_skip_an_image_that_did_not_decode(
    check_id: str, image_facts: ImageFacts
) -> None:
    file = photo_file().model_copy(update={"image": image_facts})
    finding = run(check_id, file, photo_ctx())
    assert (finding.outcome, finding.reason_code) == (Outcome.SKIP, "not-applicable")


@pytest.mark.parametrize(
    ("width", "height", "params", "outcome", "reason"),
    [
        (1600, 1200, {}, Outcome.PASS, "image-resolution-ok"),
        (800, 800, {}, Outcome.PASS, "image-resolution-ok"),
        (4000, 799, {}, Outcome.WARN, "image-resolution-low"),
        (640, 480, {}, Outcome.WARN, "image-resolution-low"),
        (400, 3000, {}, Outcome.WARN, "image-resolution-low"),
        (399, 3000, {}, Outcome.FAIL, "image-resolution-too-low"),
        (320, 240, {}, Outcome.FAIL, "image-resolution-too-low"),
        (1, 1, {}, Outcome.FAIL, "image-resolution-too-low"),
        (
            1200,
            1000,
            {"min_side": 1080, "warn_below": 1200},
            Outcome.FAIL,
            "image-resolution-too-low",
        ),
        (500, 500, {"min_side": 500, "warn_below": 500}, Outcome.PASS, "image-resolution-ok"),
    ],
    ids=[
        "camera-photo",
        "at-warn-limit",
        "panorama-short-side-low",
        "vga",
        "at-minimum",
        "just-under-minimum",
        "thumbnail",
        "one-pixel",
        "custom-minimum",
        "no-warning-band",
    ],
)
def test_the_shorter_side_decides_the_resolution(
    width: int, height: int, params: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("image-resolution", photo_file(width=width, height=height), photo_ctx(), **params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.details is not None
    assert finding.details["short_side"] == min(width, height)
    assert not finding.needs_review


def test_resolution_parameters_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="warn_below must be at least min_side"):
        run("image-resolution", photo_file(), photo_ctx(), min_side=800, warn_below=400)


WINDOW_2025 = {"window_start": date(2025, 1, 1), "window_end": date(2025, 12, 31)}
WINDOW_B08 = {"window_start": date(2025, 5, 1), "window_end": date(2025, 8, 31)}


@pytest.mark.parametrize(
    ("exif", "window", "params", "outcome", "reason", "needs_review"),
    [
        ("2025-03-15T08:00:00", WINDOW_2025, {}, Outcome.PASS, "exif-date-ok", False),
        ("2025-01-01T00:00:00", WINDOW_2025, {}, Outcome.PASS, "exif-date-ok", False),
        ("2025-12-31T23:59:59", WINDOW_2025, {}, Outcome.PASS, "exif-date-ok", False),
        ("2024-12-31T23:59:59", WINDOW_2025, {}, Outcome.WARN, "exif-date-outside-period", True),
        ("2026-01-01T00:00:00", WINDOW_2025, {}, Outcome.WARN, "exif-date-outside-period", True),
        ("2019-07-01T10:00:00", WINDOW_2025, {}, Outcome.WARN, "exif-date-outside-period", True),
        (
            "2024-06-01T10:00:00",
            WINDOW_2025,
            {"years_before": 1},
            Outcome.PASS,
            "exif-date-ok",
            False,
        ),
        (
            "2023-12-31T10:00:00",
            WINDOW_2025,
            {"years_before": 1},
            Outcome.WARN,
            "exif-date-outside-period",
            True,
        ),
        (
            "2019-07-01T10:00:00",
            WINDOW_2025,
            {"outside": "warn"},
            Outcome.WARN,
            "exif-date-outside-period",
            False,
        ),
        ("2025-04-30T10:00:00", WINDOW_B08, {}, Outcome.WARN, "exif-date-outside-period", True),
        ("2025-06-30T10:00:00", WINDOW_B08, {}, Outcome.PASS, "exif-date-ok", False),
        (None, WINDOW_2025, {}, Outcome.WARN, "exif-date-missing", False),
        (None, WINDOW_2025, {"outside": "review"}, Outcome.WARN, "exif-date-missing", False),
    ],
    ids=[
        "inside",
        "first-moment",
        "last-moment",
        "a-second-before",
        "a-second-after",
        "years-old",
        "last-year-allowed",
        "before-widened-window",
        "outside-only-warns-when-told",
        "previous-caturwulan",
        "inside-caturwulan",
        "missing",
        "missing-never-review",
    ],
)
def test_the_exif_date_is_matched_to_the_period_when_present(
    exif: str | None,
    window: dict[str, date],
    params: dict[str, Any],
    outcome: Outcome,
    reason: str,
    needs_review: bool,
) -> None:
    file = photo_file(exif_datetime=exif, exif_present=exif is not None)
    finding = run("exif-date", file, photo_ctx(**window), **params)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        outcome,
        reason,
        needs_review,
    )


def test_a_photo_outside_the_period_says_when_it_was_taken_and_where_that_came_from() -> None:
    finding = run("exif-date", photo_file(exif_datetime="2019-07-01T10:00:00"), photo_ctx())
    assert finding.details == {
        "date": "2019-07-01",
        "window_start": "2025-01-01",
        "window_end": "2025-12-31",
    }
    assert finding.location == {"exif": "DateTimeOriginal"}
    assert "2019-07-01" in finding.message_id


@pytest.mark.parametrize(
    ("sha", "siblings", "outcome", "others"),
    [
        (SHA_A, {}, Outcome.PASS, None),
        (SHA_A, {SHA_B: ["P2H-02-TOILET"]}, Outcome.PASS, None),
        (SHA_A, {SHA_A: []}, Outcome.PASS, None),
        (SHA_A, {SHA_A: ["P2H-02-TOILET"]}, Outcome.WARN, ["P2H-02-TOILET"]),
        (
            SHA_A,
            {SHA_A: ["P2H-02-TOILET", "P2H-01-RAMP", "P2H-02-TOILET"]},
            Outcome.WARN,
            ["P2H-01-RAMP", "P2H-02-TOILET"],
        ),
        (SHA_A, {SHA_A: ["P2H-02-LAKTASI"]}, Outcome.WARN, ["P2H-02-LAKTASI"]),
    ],
    ids=[
        "only-file",
        "other-bytes",
        "no-live-sibling",
        "same-photo-for-another-item",
        "same-photo-for-several-items",
        "same-photo-twice-for-this-item",
    ],
)
def test_the_same_bytes_twice_in_a_submission_go_to_review(
    sha: str, siblings: dict[str, list[str]], outcome: Outcome, others: list[str] | None
) -> None:
    finding = run(
        "duplicate-in-submission", photo_file(sha256=sha), photo_ctx(sibling_hashes=siblings)
    )
    assert finding.outcome is outcome
    assert finding.needs_review is (others is not None)
    assert (finding.details or {}).get("other_criteria") == others
