"""A finding is data: which check, what outcome, why, in Bahasa Indonesia and English."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules.messages import render


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


class Finding(BaseModel):
    """The result of one check on one document (or one criterion)."""

    model_config = ConfigDict(frozen=True)

    check_id: str
    outcome: Outcome
    reason_code: str
    message_id: str
    message_en: str
    needs_review: bool = False
    location: dict[str, Any] | None = None
    details: dict[str, Any] | None = None


def make_finding(
    check_id: str,
    outcome: Outcome,
    reason_code: str,
    *,
    needs_review: bool = False,
    location: dict[str, Any] | None = None,
    **params: Any,
) -> Finding:
    """Build a finding whose messages come from the reason code's templates."""
    message_id, message_en = render(reason_code, **params)
    details = {k: v for k, v in params.items() if v is not None} or None
    return Finding(
        check_id=check_id,
        outcome=outcome,
        reason_code=reason_code,
        message_id=message_id,
        message_en=message_en,
        needs_review=needs_review,
        location=location,
        details=details,
    )
