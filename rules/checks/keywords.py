"""Topic keywords: the document's text must be about what the criterion asks for."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.text import prepare


class KeywordParams(Params):
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    on_missing: Literal["fail", "review"] = "fail"

    @model_validator(mode="after")
    def _something(self) -> KeywordParams:
        if not self.all and not self.any:
            raise ValueError("keywords needs 'all' or 'any'")
        return self


def keywords(facts: FileFacts, ctx: CheckContext, params: KeywordParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "keywords-no-text")
    text = prepare(facts.text)
    missing = [word for word in params.all if not text.contains(word)]
    if params.any and not any(text.contains(word) for word in params.any):
        missing.append(" / ".join(params.any))
    if not missing:
        return result(Outcome.PASS, "keywords-ok")
    if params.on_missing == "review":
        return result(
            Outcome.WARN,
            "keywords-missing",
            needs_review=True,
            missing=missing,
            criterion=ctx.criterion_id,
        )
    return result(Outcome.FAIL, "keywords-missing", missing=missing, criterion=ctx.criterion_id)


KEYWORDS = CheckSpec(
    id="keywords",
    codes=("keywords-ok", "keywords-missing", "keywords-no-text"),
    params=KeywordParams,
    check=keywords,
    summary="case-insensitive keyword presence (all of / any of) in the text",
)
