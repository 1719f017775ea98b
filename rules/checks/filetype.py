"""Real type from content versus what the evidence kind accepts and what the name says."""

from __future__ import annotations

from rules.checks.base import CheckSpec, NoParams
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result

# Extensions a sniffed type may honestly carry.
_EXTENSIONS_BY_MIME = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "text/csv": {"csv"},
    "text/plain": {"csv", "txt"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
}


def mime_allowed(facts: FileFacts, ctx: CheckContext, _: NoParams) -> CheckResult:
    if ctx.kind is None:
        return result(Outcome.SKIP, "not-applicable")
    if facts.mime in ctx.allowed_mime:
        return result(
            Outcome.PASS,
            "mime-allowed",
            detected=facts.mime,
            kind=ctx.kind,
            kind_name=ctx.kind_name,
        )
    return result(
        Outcome.FAIL,
        "mime-not-allowed",
        detected=facts.mime,
        kind=ctx.kind,
        kind_name=ctx.kind_name,
        allowed=list(ctx.allowed_mime),
    )


def extension_matches(facts: FileFacts, ctx: CheckContext, _: NoParams) -> CheckResult:
    ext = facts.extension
    if ctx.allowed_extensions and ext not in ctx.allowed_extensions:
        return result(
            Outcome.FAIL,
            "extension-not-allowed",
            extension=ext,
            allowed=list(ctx.allowed_extensions),
        )
    honest = _EXTENSIONS_BY_MIME.get(facts.mime)
    if honest is not None and ext not in honest:
        return result(
            Outcome.FAIL,
            "extension-mismatch",
            extension=ext,
            detected=facts.mime,
        )
    return result(Outcome.PASS, "ok")


MIME_ALLOWED = CheckSpec(
    id="mime-allowed",
    codes=("mime-allowed", "mime-not-allowed", "not-applicable"),
    params=NoParams,
    check=mime_allowed,
    summary="content type (python-magic) is one the evidence kind accepts",
)
EXTENSION_MATCHES = CheckSpec(
    id="extension-matches",
    codes=("ok", "extension-not-allowed", "extension-mismatch"),
    params=NoParams,
    check=extension_matches,
    summary="the name's extension is accepted and agrees with the content",
)
