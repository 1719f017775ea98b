"""A finding is data: which check, what outcome, why, in Bahasa Indonesia and English."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class CheckResult:
    """What a check function says, before its emitter stamps its id and renders its messages."""

    outcome: Outcome
    reason_code: str
    needs_review: bool = False
    location: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)


def result(
    outcome: Outcome,
    reason_code: str,
    *,
    needs_review: bool = False,
    location: dict[str, Any] | None = None,
    **params: Any,
) -> CheckResult:
    """A check's result; `params` fill the reason code's message templates."""
    return CheckResult(outcome, reason_code, needs_review, location, params)


class UndeclaredReason(LookupError):
    """An emitter produced a reason code it does not declare: a bug in that check."""

    def __init__(self, emitter: str, code: str, declared: tuple[str, ...]) -> None:
        super().__init__(
            f"{emitter} emitted reason code {code!r}, which it does not declare "
            f"(declared: {', '.join(declared)})"
        )
        self.emitter = emitter
        self.code = code


@dataclass(frozen=True)
class Emitter:
    """Whatever emits findings under one id (a check, the kind resolution) and the codes it may.

    Like yamllint's linter setting `problem.rule = rule.ID`, the emitter stamps its id on each
    finding, so no check types its own id; and like frictionless's checks listing their errors,
    it declares its reason codes, so an undeclared one fails loudly instead of shipping.
    """

    id: str
    codes: tuple[str, ...]

    def finding(self, said: CheckResult) -> Finding:
        if said.reason_code not in self.codes:
            raise UndeclaredReason(self.id, said.reason_code, self.codes)
        message_id, message_en = render(said.reason_code, **said.params)
        details = {k: v for k, v in said.params.items() if v is not None} or None
        return Finding(
            check_id=self.id,
            outcome=said.outcome,
            reason_code=said.reason_code,
            message_id=message_id,
            message_en=message_en,
            needs_review=said.needs_review,
            location=said.location,
            details=details,
        )
