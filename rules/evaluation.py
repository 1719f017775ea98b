"""Evaluate one document: resolve its evidence kind, run its checks, derive its verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rules.binding import kinds_by_code, kinds_by_mime, pick_by_mime, wanted_kinds
from rules.catalog import Catalog, CheckRef, Criterion
from rules.checks import CHECKS
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Emitter, Finding, Outcome, result


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"


# The kind resolution emits its findings like a check, under its own id.
EVIDENCE_KIND = Emitter(
    "evidence-kind", ("kind-not-for-criterion", "mime-not-allowed", "kind-unknown")
)
# Why the worker could not check a file (status unable_to_check, never "failed"): DESIGN.md.
UNABLE_TO_CHECK_CODES = ("object-missing", "object-changed", "attempts-exhausted")


@dataclass(frozen=True)
class DocumentVerdict:
    status: Verdict
    reason_code: str | None
    kind: str | None
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class KindResolution:
    kind: str | None
    finding: Finding | None = None  # why it could not be resolved


def resolve_kind(
    catalog: Catalog,
    criterion: Criterion,
    mime: str,
    declared_kind: str | None = None,
    kind_code: str | None = None,
) -> KindResolution:
    """Which evidence kind a file is: declared, else its name's kind code, else its content type."""
    wanted = wanted_kinds(criterion)
    names = [catalog.evidence_kinds[k].name_id for k in wanted]  # what people read
    if declared_kind:
        if declared_kind in wanted:
            return KindResolution(declared_kind)
        return _unresolved(
            result(
                Outcome.FAIL,
                "kind-not-for-criterion",
                kind=declared_kind,
                criterion=criterion.id,
                expected=wanted,
                expected_names=names,
            )
        )
    candidates = wanted
    if kind_code:
        candidates = kinds_by_code(catalog, criterion, kind_code)
        if not candidates:
            return _unresolved(
                result(
                    Outcome.FAIL,
                    "kind-not-for-criterion",
                    kind=kind_code,
                    criterion=criterion.id,
                    expected=wanted,
                    expected_names=names,
                )
            )
    if len(candidates) == 1:
        return KindResolution(candidates[0])
    picked = pick_by_mime(catalog, candidates, mime)
    if picked is not None:
        return KindResolution(picked)
    by_mime = kinds_by_mime(catalog, candidates, mime)
    if not by_mime:
        allowed = sorted({m for k in candidates for m in catalog.evidence_kinds[k].mime})
        return _unresolved(
            result(
                Outcome.FAIL,
                "mime-not-allowed",
                detected=mime,
                kind=f"kriteria/criterion {criterion.id}",
                kind_name=f"kriteria {criterion.id}",
                allowed=allowed,
            )
        )
    return _unresolved(
        result(
            Outcome.WARN,
            "kind-unknown",
            needs_review=True,
            criterion=criterion.id,
            expected=by_mime,
            expected_names=[catalog.evidence_kinds[k].name_id for k in by_mime],
        )
    )


def _unresolved(said: CheckResult) -> KindResolution:
    return KindResolution(None, EVIDENCE_KIND.finding(said))


def checks_for(catalog: Catalog, criterion: Criterion, kind: str | None) -> list[CheckRef]:
    refs = list(catalog.file_checks)
    if kind is not None:
        refs.extend(catalog.evidence_kinds[kind].checks)
        for req in criterion.evidence:
            if req.kind == kind:
                refs.extend(req.checks)
    return refs


def run_checks(refs: list[CheckRef], facts: FileFacts, ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for ref in refs:
        spec = CHECKS[ref.check]
        finding = spec.run(facts, ctx, spec.parse_params(ref.params))
        # The same check twice (kind-level and criterion-level) keeps both, under distinct ids.
        seen[ref.check] = seen.get(ref.check, 0) + 1
        if seen[ref.check] > 1:
            finding = finding.model_copy(update={"check_id": f"{ref.check}#{seen[ref.check]}"})
        findings.append(finding)
    return findings


def verdict_of(findings: list[Finding]) -> tuple[Verdict, str | None]:
    """failed when a check proved the file wrong; needs_review when a person must look."""
    for finding in findings:
        if finding.outcome is Outcome.FAIL:
            return Verdict.FAILED, finding.reason_code
    for finding in findings:
        if finding.needs_review:
            return Verdict.NEEDS_REVIEW, finding.reason_code
    return Verdict.PASSED, None


def evaluate_document(
    catalog: Catalog,
    facts: FileFacts,
    ctx: CheckContext,
    declared_kind: str | None = None,
    kind_code: str | None = None,
) -> DocumentVerdict:
    """All checks of one document in its context; `ctx.kind` is filled in here."""
    criterion = catalog.leaves[ctx.criterion_id]
    resolution = resolve_kind(catalog, criterion, facts.mime, declared_kind, kind_code)
    kind = resolution.kind
    if kind is not None:
        evidence = catalog.evidence_kinds[kind]
        ctx = ctx.model_copy(
            update={
                "kind": kind,
                "kind_name": evidence.name_id,
                "allowed_mime": tuple(evidence.mime),
                "allowed_extensions": tuple(evidence.extensions),
            }
        )
    findings = [resolution.finding] if resolution.finding else []
    findings.extend(run_checks(checks_for(catalog, criterion, kind), facts, ctx))
    status, reason = verdict_of(findings)
    return DocumentVerdict(status, reason, kind, findings)
