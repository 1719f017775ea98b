"""Real type from content versus what the evidence kind accepts and what the name says."""

from __future__ import annotations

from rules.checks.base import CheckSpec, NoParams
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import Finding, Outcome, make_finding

# Extensions a sniffed type may honestly carry.
_EXTENSIONS_BY_MIME = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "text/csv": {"csv"},
    "text/plain": {"csv", "txt"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
}


def mime_allowed(facts: FileFacts, ctx: CheckContext, _: NoParams) -> Finding:
    if ctx.kind is None:
        return make_finding("mime-allowed", Outcome.SKIP, "not-applicable")
    if facts.mime in ctx.allowed_mime:
        return make_finding(
            "mime-allowed", Outcome.PASS, "mime-allowed", detected=facts.mime, kind=ctx.kind
        )
    return make_finding(
        "mime-allowed",
        Outcome.FAIL,
        "mime-not-allowed",
        detected=facts.mime,
        kind=ctx.kind,
        allowed=list(ctx.allowed_mime),
    )


def extension_matches(facts: FileFacts, ctx: CheckContext, _: NoParams) -> Finding:
    ext = facts.extension
    if ctx.allowed_extensions and ext not in ctx.allowed_extensions:
        return make_finding(
            "extension-matches",
            Outcome.FAIL,
            "extension-not-allowed",
            extension=ext,
            allowed=list(ctx.allowed_extensions),
        )
    honest = _EXTENSIONS_BY_MIME.get(facts.mime)
    if honest is not None and ext not in honest:
        return make_finding(
            "extension-matches",
            Outcome.FAIL,
            "extension-mismatch",
            extension=ext,
            detected=facts.mime,
        )
    return make_finding("extension-matches", Outcome.PASS, "ok")


MIME_ALLOWED = CheckSpec(
    "mime-allowed",
    NoParams,
    mime_allowed,
    "content type (python-magic) is one the evidence kind accepts",
)
EXTENSION_MATCHES = CheckSpec(
    "extension-matches",
    NoParams,
    extension_matches,
    "the name's extension is accepted and agrees with the content",
)
