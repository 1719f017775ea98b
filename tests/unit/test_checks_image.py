"""image-decodes, image-resolution, exif-date and duplicate-in-submission over image facts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.context import CheckContext
from rules.facts import ImageFacts
from rules.findings import Outcome
from tests.support.facts import SHA_A, SHA_B, ctx, image, photo_file, run, sk_file

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
        pytest.param(
            image(), Outcome.PASS, "image-ok", {"width": 1600, "height": 1200}, id="decodes"
        ),
        pytest.param(
            BROKEN, Outcome.FAIL, "image-broken", {"detail": "image file is truncated"}, id="broken"
        ),
        pytest.param(
            ImageFacts(decoded=False),
            Outcome.FAIL,
            "image-broken",
            {"detail": "tidak terbaca"},
            id="not-decoded-without-reason",
        ),
        pytest.param(
            BOMB,
            Outcome.FAIL,
            "image-too-many-pixels",
            {"detail": "30000x30000 is over 50000000 pixels"},
            id="too-many-pixels",
        ),
    ],
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
    [
        pytest.param("image-decodes", id="decodes"),
        pytest.param("image-resolution", id="resolution"),
        pytest.param("exif-date", id="exif-date"),
    ],
)
def test_the_image_checks_skip_a_pdf(check_id: str) -> None:
    finding = run(check_id, sk_file())
    assert finding.outcome is Outcome.SKIP


@pytest.mark.parametrize(
    ("check_id", "image_facts"),
    [
        pytest.param("image-resolution", BROKEN, id="resolution-broken"),
        pytest.param("image-resolution", BOMB, id="resolution-bomb"),
        pytest.param(
            "image-resolution", image(width=None, height=None), id="resolution-size-unknown"
        ),
        pytest.param("exif-date", BROKEN, id="exif-broken"),
    ],
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
        pytest.param(1600, 1200, {}, Outcome.PASS, "image-resolution-ok", id="camera-photo"),
        pytest.param(800, 800, {}, Outcome.PASS, "image-resolution-ok", id="at-warn-limit"),
        pytest.param(
            4000, 799, {}, Outcome.WARN, "image-resolution-low", id="panorama-short-side-low"
        ),
        pytest.param(640, 480, {}, Outcome.WARN, "image-resolution-low", id="vga"),
        pytest.param(400, 3000, {}, Outcome.WARN, "image-resolution-low", id="at-minimum"),
        pytest.param(
            399, 3000, {}, Outcome.FAIL, "image-resolution-too-low", id="just-under-minimum"
        ),
        pytest.param(320, 240, {}, Outcome.FAIL, "image-resolution-too-low", id="thumbnail"),
        pytest.param(1, 1, {}, Outcome.FAIL, "image-resolution-too-low", id="one-pixel"),
        pytest.param(
            1200,
            1000,
            {"min_side": 1080, "warn_below": 1200},
            Outcome.FAIL,
            "image-resolution-too-low",
            id="custom-minimum",
        ),
        pytest.param(
            500,
            500,
            {"min_side": 500, "warn_below": 500},
            Outcome.PASS,
            "image-resolution-ok",
            id="no-warning-band",
        ),
    ],
)
def test_the_shorter_side_decides_the_resolution(
    width: int, height: int, params: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("image-resolution", photo_file(width=width, height=height), photo_ctx(), **params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.details is not None
    assert finding.details["short_side"] == min(width, height)
    # under the warn threshold a person must look whether the facility is visible
    assert finding.needs_review is (reason == "image-resolution-low")


def test_resolution_parameters_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="warn_below must be at least min_side"):
        run("image-resolution", photo_file(), photo_ctx(), min_side=800, warn_below=400)


WINDOW_2025 = {"window_start": date(2025, 1, 1), "window_end": date(2025, 12, 31)}
WINDOW_B08 = {"window_start": date(2025, 5, 1), "window_end": date(2025, 8, 31)}


@pytest.mark.parametrize(
    ("exif", "window", "params", "outcome", "reason", "needs_review"),
    [
        pytest.param(
            "2025-03-15T08:00:00", WINDOW_2025, {}, Outcome.PASS, "exif-date-ok", False, id="inside"
        ),
        pytest.param(
            "2025-01-01T00:00:00",
            WINDOW_2025,
            {},
            Outcome.PASS,
            "exif-date-ok",
            False,
            id="first-moment",
        ),
        pytest.param(
            "2025-12-31T23:59:59",
            WINDOW_2025,
            {},
            Outcome.PASS,
            "exif-date-ok",
            False,
            id="last-moment",
        ),
        pytest.param(
            "2024-12-31T23:59:59",
            WINDOW_2025,
            {},
            Outcome.WARN,
            "exif-date-outside-period",
            True,
            id="a-second-before",
        ),
        pytest.param(
            "2026-01-01T00:00:00",
            WINDOW_2025,
            {},
            Outcome.WARN,
            "exif-date-outside-period",
            True,
            id="a-second-after",
        ),
        pytest.param(
            "2019-07-01T10:00:00",
            WINDOW_2025,
            {},
            Outcome.WARN,
            "exif-date-outside-period",
            True,
            id="years-old",
        ),
        pytest.param(
            "2024-06-01T10:00:00",
            WINDOW_2025,
            {"years_before": 1},
            Outcome.PASS,
            "exif-date-ok",
            False,
            id="last-year-allowed",
        ),
        pytest.param(
            "2023-12-31T10:00:00",
            WINDOW_2025,
            {"years_before": 1},
            Outcome.WARN,
            "exif-date-outside-period",
            True,
            id="before-widened-window",
        ),
        pytest.param(
            "2019-07-01T10:00:00",
            WINDOW_2025,
            {"outside": "warn"},
            Outcome.WARN,
            "exif-date-outside-period",
            False,
            id="outside-only-warns-when-told",
        ),
        pytest.param(
            "2025-04-30T10:00:00",
            WINDOW_B08,
            {},
            Outcome.WARN,
            "exif-date-outside-period",
            True,
            id="previous-caturwulan",
        ),
        pytest.param(
            "2025-06-30T10:00:00",
            WINDOW_B08,
            {},
            Outcome.PASS,
            "exif-date-ok",
            False,
            id="inside-caturwulan",
        ),
        pytest.param(None, WINDOW_2025, {}, Outcome.WARN, "exif-date-missing", False, id="missing"),
        pytest.param(
            None,
            WINDOW_2025,
            {"outside": "review"},
            Outcome.WARN,
            "exif-date-missing",
            False,
            id="missing-never-review",
        ),
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
        pytest.param(SHA_A, {}, Outcome.PASS, None, id="only-file"),
        pytest.param(SHA_A, {SHA_B: ["P2H-02-TOILET"]}, Outcome.PASS, None, id="other-bytes"),
        pytest.param(SHA_A, {SHA_A: []}, Outcome.PASS, None, id="no-live-sibling"),
        pytest.param(
            SHA_A,
            {SHA_A: ["P2H-02-TOILET"]},
            Outcome.WARN,
            ["P2H-02-TOILET"],
            id="same-photo-for-another-item",
        ),
        pytest.param(
            SHA_A,
            {SHA_A: ["P2H-02-TOILET", "P2H-01-RAMP", "P2H-02-TOILET"]},
            Outcome.WARN,
            ["P2H-01-RAMP", "P2H-02-TOILET"],
            id="same-photo-for-several-items",
        ),
        pytest.param(
            SHA_A,
            {SHA_A: ["P2H-02-LAKTASI"]},
            Outcome.WARN,
            ["P2H-02-LAKTASI"],
            id="same-photo-twice-for-this-item",
        ),
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
