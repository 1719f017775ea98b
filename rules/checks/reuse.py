"""Files re-used across units: the very same bytes as another unit's document in the region, or,
for a PDF, the same text saved again in other bytes (rules/textprint.py).

A decree, report or table copied from another unit passes every content check that unit's own
file would pass, so the copy is only seen by its bytes or its words. The same unit re-using its
own file in another period or programme is not flagged (a decree may stay in force for years);
photos have their own, broader check (rules/checks/photos.py, which also compares how they look).
"""

from __future__ import annotations

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result

_LISTED = 5  # matches named in a finding's details; the message names the earliest


class FileReusedParams(Params):
    # False where one file may rightly serve several units (an invitation to a joint meeting):
    # the finding is shown, the file does not wait for a person
    review: bool = True


def file_reused(facts: FileFacts, ctx: CheckContext, params: FileReusedParams) -> CheckResult:
    if ctx.file_matches is None:  # not looked up: no claim either way
        return result(Outcome.SKIP, "not-applicable")
    # the very same bytes first, then the same text; the worker lists each by upload time, and
    # a stable sort by day keeps that order within a day
    matches = sorted(
        (m for m in ctx.file_matches if m.unit_code != ctx.unit_code),
        key=lambda m: (not m.same_bytes, m.uploaded_at or ""),
    )
    if not matches:
        return result(Outcome.PASS, "file-unique")
    earliest = matches[0]
    what = "file" if earliest.same_bytes else "text"
    return result(
        Outcome.WARN,
        f"{what}-from-other-unit" if params.review else f"{what}-shared-with-other-unit",
        needs_review=params.review,
        **earliest.named(),
        matches=[m.described() for m in matches[:_LISTED]],
        match_count=len(matches),
        units=len({m.unit_code for m in matches}),
    )


FILE_REUSED = CheckSpec(
    id="file-reused",
    codes=(
        "file-unique",
        "file-from-other-unit",
        "file-shared-with-other-unit",
        "text-from-other-unit",
        "text-shared-with-other-unit",
        "not-applicable",
    ),
    params=FileReusedParams,
    check=file_reused,
    summary="the very same file (SHA-256) as another unit's live document in the region, or a "
    "PDF with the same text in other bytes, goes to a person, naming that document",
)
