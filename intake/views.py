"""Response models and how rows become them: what the portal and verifiers read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from infra.tables import Document, FindingRow, Unit
from intake.decisions import READY_LABELS, DecisionOut, is_ready
from rules.catalog import Catalog, Criterion
from rules.completeness import LABELS_ID, CriterionVerdict
from rules.messages import MESSAGES, render

DOCUMENT_LABELS_ID = {
    "received": "Diterima",
    "queued": "Dalam antrean",
    "checking": "Sedang diperiksa",
    "passed": "Lolos pemeriksaan sistem",
    "failed": "Ditolak sistem",
    "needs_review": "Perlu cek manual",
    "unable_to_check": "Tidak dapat diperiksa sistem",
    "superseded": "Digantikan",
}


def file_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=`: the 200 is a file (bytes) of one of these types, not JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "Berkas · File", "content": dict.fromkeys(media_types, binary)}}


class FindingOut(BaseModel):
    check_id: str
    outcome: str
    reason_code: str
    needs_review: bool
    message: str
    message_en: str
    location: dict[str, Any] | None = None
    details: dict[str, Any] | None = None
    ruleset_version: str


class DocumentOut(BaseModel):
    id: str
    status: str
    status_label: str
    status_reason: str | None = None
    status_message: str | None = None
    status_message_en: str | None = None
    programme: str
    period: str
    unit: str
    criterion: str
    kind: str | None
    name: str
    size: int
    sha256: str
    declared_mime: str | None
    detected_mime: str | None
    attempts: int
    ruleset_version: str | None
    batch_id: str | None
    created_at: datetime
    checked_at: datetime | None
    status_url: str
    content_url: str
    findings: list[FindingOut] = []


class MissingOut(BaseModel):
    kind: str
    kind_name: str
    min: int
    have: int
    in_review: int = 0


class CriterionOut(BaseModel):
    id: str
    name: str
    name_en: str
    group: str | None
    mandatory: bool
    confirmed: bool
    status: str
    status_label: str
    missing: list[MissingOut]
    reasons: list[str]
    documents: list[DocumentOut]
    decision: DecisionOut | None = None  # the verifier's current decision, if any


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str
    region: str
    active: bool


class SubmissionOut(BaseModel):
    programme: str
    period: str
    unit: UnitOut
    ruleset_version: str
    counts: dict[str, int]
    criteria: list[CriterionOut]
    ready: bool = False  # every mandatory, applicable criterion accepted
    ready_label: str = READY_LABELS[False]


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        code=unit.code, name=unit.name, kind=unit.kind, region=unit.region_code, active=unit.active
    )


def finding_out(row: FindingRow) -> FindingOut:
    return FindingOut(
        check_id=row.check_id,
        outcome=row.outcome,
        reason_code=row.reason_code,
        needs_review=row.needs_review,
        message=row.message_id,
        message_en=row.message_en,
        location=row.location,
        details=row.details,
        ruleset_version=row.ruleset_version,
    )


def document_out(doc: Document, *, with_findings: bool = True) -> DocumentOut:
    sub = doc.submission
    message = None
    if doc.status_reason and doc.status == "unable_to_check" and doc.status_reason in MESSAGES:
        message = render(
            doc.status_reason, attempts=doc.attempts, detail=(doc.last_error or "")[:200]
        )
    findings = (
        [
            f
            for f in doc.findings
            if f.ruleset_version == doc.ruleset_version and f.sha256 == doc.sha256
        ]
        if with_findings
        else []
    )
    return DocumentOut(
        id=doc.id,
        status=doc.status,
        status_label=DOCUMENT_LABELS_ID.get(doc.status, doc.status),
        status_reason=doc.status_reason,
        status_message=message[0] if message else None,
        status_message_en=message[1] if message else None,
        programme=sub.programme,
        period=sub.period,
        unit=sub.unit_code,
        criterion=doc.criterion_id,
        kind=doc.kind,
        name=doc.original_name,
        size=doc.size,
        sha256=doc.sha256,
        declared_mime=doc.declared_mime,
        detected_mime=doc.detected_mime,
        attempts=doc.attempts,
        ruleset_version=doc.ruleset_version,
        batch_id=doc.batch_id,
        created_at=doc.created_at,
        checked_at=doc.checked_at,
        status_url=f"/v1/documents/{doc.id}",
        content_url=f"/v1/documents/{doc.id}/content",
        findings=[finding_out(f) for f in findings],
    )


def _groups(catalog: Catalog) -> dict[str, str]:
    parents: dict[str, str] = {}
    for criterion in catalog.criteria:
        for item in criterion.items:
            parents[item.id] = criterion.id
    return parents


def criterion_out(
    catalog: Catalog,
    criterion: Criterion,
    verdict: CriterionVerdict,
    group: str | None,
    docs: list[Document],
) -> CriterionOut:
    return CriterionOut(
        id=criterion.id,
        name=criterion.name_id,
        name_en=criterion.name_en,
        group=group,
        mandatory=criterion.mandatory,
        confirmed=criterion.confirmed,
        status=verdict.status,
        status_label=LABELS_ID[verdict.status],
        missing=[
            MissingOut(
                kind=m["kind"],
                kind_name=catalog.evidence_kinds[m["kind"]].name_id,
                min=m["min"],
                have=m["have"],
                in_review=m.get("in_review", 0),
            )
            for m in verdict.missing
        ],
        reasons=verdict.reasons,
        documents=[document_out(d) for d in docs],
    )


def submission_out(
    catalog: Catalog,
    period: str,
    unit: Unit,
    verdicts: dict[str, CriterionVerdict],
    docs: list[Document],
    decisions: dict[str, DecisionOut] | None = None,
) -> SubmissionOut:
    decisions = decisions or {}
    by_criterion: dict[str, list[Document]] = {}
    for doc in docs:
        by_criterion.setdefault(doc.criterion_id, []).append(doc)
    groups = _groups(catalog)
    criteria = [
        criterion_out(
            catalog, catalog.leaves[cid], verdict, groups.get(cid), by_criterion.get(cid, [])
        )
        for cid, verdict in verdicts.items()
    ]
    for out in criteria:
        out.decision = decisions.get(out.id)
    ready = is_ready(
        catalog,
        {cid: v.status for cid, v in verdicts.items()},
        {cid: d.decision for cid, d in decisions.items()},
    )
    counts: dict[str, int] = {}
    for verdict in verdicts.values():
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    return SubmissionOut(
        programme=catalog.programme,
        period=period,
        unit=unit_out(unit),
        ruleset_version=catalog.ruleset_version,
        counts=counts,
        criteria=criteria,
        ready=ready,
        ready_label=READY_LABELS[ready],
    )
