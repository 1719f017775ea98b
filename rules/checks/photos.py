"""Re-used photos: the same picture (pHash) or the same file elsewhere in the region."""

from __future__ import annotations

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.similar import MAX_SEARCH_DISTANCE

_LISTED = 5  # matches named in a finding's details; the message names the nearest


class NearDuplicateParams(Params):
    # pHash bits that may differ for two files to count as the same picture: 6 of 64 finds a
    # photo re-saved, resized or brightened and leaves apart two shots of different rooms
    max_distance: int = Field(default=6, ge=0, le=MAX_SEARCH_DISTANCE)


def photo_near_duplicate(
    facts: FileFacts, ctx: CheckContext, params: NearDuplicateParams
) -> CheckResult:
    image = facts.image
    if image is None or not image.decoded or image.phash is None:
        return result(Outcome.SKIP, "not-applicable")
    # the same bytes in this submission are duplicate-in-submission's finding, not this one's
    matches = sorted(
        (
            m
            for m in ctx.photo_matches
            if m.distance <= params.max_distance and not (m.same_submission and m.same_bytes)
        ),
        key=lambda m: (not m.same_bytes, m.distance, m.uploaded_at or ""),
    )
    if not matches:
        return result(Outcome.PASS, "photo-unique", max_distance=params.max_distance)
    nearest = matches[0]
    return result(
        Outcome.WARN,
        "photo-exact-duplicate" if nearest.same_bytes else "photo-near-duplicate",
        needs_review=True,
        **nearest.named(),
        distance=nearest.distance,
        max_distance=params.max_distance,
        matches=[m.described() for m in matches[:_LISTED]],
        match_count=len(matches),
    )


PHOTO_NEAR_DUPLICATE = CheckSpec(
    id="photo-near-duplicate",
    codes=("photo-unique", "photo-near-duplicate", "photo-exact-duplicate", "not-applicable"),
    params=NearDuplicateParams,
    check=photo_near_duplicate,
    summary="a photo that looks like (pHash) or is another document's photo in the region goes "
    "to a person, naming that document",
)
