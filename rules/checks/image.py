"""Photos: decodes, resolution, EXIF capture date in the period, duplicates in the submission."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from rules.checks.base import CheckSpec, NoParams, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result


def image_decodes(facts: FileFacts, ctx: CheckContext, _: NoParams) -> CheckResult:
    image = facts.image
    if image is None:
        return result(Outcome.SKIP, "not-an-image")
    if not image.decoded:
        return result(
            Outcome.FAIL,
            image.error or "image-broken",
            detail=image.error_detail or "tidak terbaca",
        )
    if image.appended_file:  # like a PDF with a ZIP after its end: a person looks
        return result(
            Outcome.WARN, "image-appended-file", needs_review=True, appended=image.appended_file
        )
    return result(Outcome.PASS, "image-ok", width=image.width, height=image.height)


class ResolutionParams(Params):
    min_side: int = Field(default=400, ge=1)  # below: failed (the reject threshold)
    warn_below: int = Field(default=800, ge=1)  # below: needs_review (the warn threshold)

    @model_validator(mode="after")
    def _ordered(self) -> ResolutionParams:
        if self.warn_below < self.min_side:
            raise ValueError("warn_below must be at least min_side")
        return self


def image_resolution(facts: FileFacts, ctx: CheckContext, params: ResolutionParams) -> CheckResult:
    image = facts.image
    if image is None or not image.decoded or not image.width or not image.height:
        return result(Outcome.SKIP, "not-applicable")
    short = min(image.width, image.height)
    if short < params.min_side:
        return result(
            Outcome.FAIL,
            "image-resolution-too-low",
            short_side=short,
            min_side=params.min_side,
        )
    if short < params.warn_below:
        # a person must look whether the facility can be made out at this size
        return result(
            Outcome.WARN,
            "image-resolution-low",
            needs_review=True,
            short_side=short,
            warn_below=params.warn_below,
        )
    return result(Outcome.PASS, "image-resolution-ok", short_side=short)


class ExifDateParams(Params):
    years_before: int = Field(default=0, ge=0)
    outside: Literal["review", "warn"] = "review"


def exif_date(facts: FileFacts, ctx: CheckContext, params: ExifDateParams) -> CheckResult:
    image = facts.image
    if image is None or not image.decoded:
        return result(Outcome.SKIP, "not-applicable")
    if not image.exif_datetime:
        # EXIF is often stripped by messengers: a warning, never a rejection.
        return result(Outcome.WARN, "exif-date-missing")
    taken = date.fromisoformat(image.exif_datetime[:10])
    start = ctx.window_start.replace(year=ctx.window_start.year - params.years_before)
    if not start <= taken <= ctx.window_end:
        return result(
            Outcome.WARN,
            "exif-date-outside-period",
            needs_review=params.outside == "review",
            date=taken.isoformat(),
            window_start=start.isoformat(),
            window_end=ctx.window_end.isoformat(),
            location={"exif": "DateTimeOriginal"},
        )
    return result(Outcome.PASS, "exif-date-ok", date=taken.isoformat())


def duplicate_in_submission(facts: FileFacts, ctx: CheckContext, _: NoParams) -> CheckResult:
    others = ctx.sibling_hashes.get(facts.sha256)
    if others:
        return result(
            Outcome.WARN,
            "duplicate-in-submission",
            needs_review=True,
            other_criteria=sorted(set(others)),
        )
    return result(Outcome.PASS, "duplicate-none")


IMAGE_DECODES = CheckSpec(
    id="image-decodes",
    codes=(
        "image-ok",
        "image-broken",
        "image-too-many-pixels",
        "not-an-image",
        "image-appended-file",
    ),
    params=NoParams,
    check=image_decodes,
    summary="the image decodes within the pixel cap; a PDF or ZIP after a JPEG's end goes to "
    "a person",
)
IMAGE_RESOLUTION = CheckSpec(
    id="image-resolution",
    codes=(
        "image-resolution-ok",
        "image-resolution-low",
        "image-resolution-too-low",
        "not-applicable",
    ),
    params=ResolutionParams,
    check=image_resolution,
    summary="the shorter side (after EXIF orientation) under the minimum fails; under the advised "
    "size a person looks",
)
EXIF_DATE = CheckSpec(
    id="exif-date",
    codes=("exif-date-ok", "exif-date-missing", "exif-date-outside-period", "not-applicable"),
    params=ExifDateParams,
    check=exif_date,
    summary="EXIF capture date inside the period when present; warn when absent",
)
DUPLICATE_IN_SUBMISSION = CheckSpec(
    id="duplicate-in-submission",
    codes=("duplicate-none", "duplicate-in-submission"),
    params=NoParams,
    check=duplicate_in_submission,
    summary="the same bytes (SHA-256) already uploaded elsewhere in the submission go to a person",
)
