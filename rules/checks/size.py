"""File size: empty files fail, past the hard cap fails, past the upstream portals' limit warns."""

from __future__ import annotations

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result

_MB = 1024 * 1024


class SizeParams(Params):
    max_mb: float = Field(default=10, gt=0)
    warn_mb: float | None = Field(default=2, gt=0)


def file_size(facts: FileFacts, ctx: CheckContext, params: SizeParams) -> CheckResult:
    size_mb = round(facts.size / _MB, 2)
    if facts.size == 0:
        return result(Outcome.FAIL, "size-empty")
    if facts.size > params.max_mb * _MB:
        return result(Outcome.FAIL, "size-over-limit", size_mb=size_mb, max_mb=params.max_mb)
    if params.warn_mb is not None and facts.size > params.warn_mb * _MB:
        return result(Outcome.WARN, "size-over-upstream", size_mb=size_mb, warn_mb=params.warn_mb)
    return result(Outcome.PASS, "size-ok", size_mb=size_mb)


FILE_SIZE = CheckSpec(
    id="file-size",
    codes=("size-ok", "size-empty", "size-over-limit", "size-over-upstream"),
    params=SizeParams,
    check=file_size,
    summary="not empty, under the hard cap; warn past the upstream portals' limit",
)
