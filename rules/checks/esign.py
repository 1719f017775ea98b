"""Electronic signatures (TTE): who signed, when, and whether the file is still what was signed."""

from __future__ import annotations

from typing import Any

from rules.checks.base import CheckSpec, NoParams
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result


def pdf_signature(facts: FileFacts, ctx: CheckContext, _: NoParams) -> CheckResult:
    pdf = facts.pdf
    if pdf is None or not pdf.opened or not pdf.signatures:
        return result(Outcome.SKIP, "esign-none")
    # the last signature speaks for the file: it covers every earlier revision
    last = pdf.signatures[-1]
    said: dict[str, Any] = {"signer": last.signer or "?", "signed_at": last.signed_at or "?"}
    if last.error or not (last.intact and last.valid):
        return result(
            Outcome.WARN,
            "esign-invalid",
            needs_review=True,
            detail=last.error or "tanda tangan tidak cocok dengan isi",
            **said,
        )
    if not last.covers_whole_file:
        return result(Outcome.WARN, "esign-modified", needs_review=True, **said)
    if last.trusted is None:
        return result(Outcome.PASS, "esign-intact-unverified", **said)
    if not last.trusted:
        return result(Outcome.WARN, "esign-untrusted", needs_review=True, **said)
    return result(Outcome.PASS, "esign-valid", **said)


PDF_SIGNATURE = CheckSpec(
    id="pdf-signature",
    codes=(
        "esign-none",
        "esign-valid",
        "esign-intact-unverified",
        "esign-untrusted",
        "esign-modified",
        "esign-invalid",
    ),
    params=NoParams,
    check=pdf_signature,
    summary="an electronic signature is intact, covers the whole file, and (with a trust store) "
    "chains to a trusted root",
)
