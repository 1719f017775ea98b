"""Response models and how rows become them: what the portal and verifiers read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from infra.tables import Document, FindingRow, Unit, VerdictRow
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


class VerdictOut(BaseModel):
    """One machine verdict of the document, under one rule-set version."""

    ruleset_version: str
    status: str
    status_label: str
    reason_code: str | None
    at: datetime
    current: bool = Field(description="the verdict of the catalog now stamped on the document")


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
    superseded_by: str | None = None  # the document that replaced this one
    created_at: datetime
    checked_at: datetime | None
    status_url: str
    content_url: str
    findings: list[FindingOut] = []
    history: list[VerdictOut] = Field(
        default=[], description="every verdict, oldest first, each with its rule-set version"
    )


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str
    region: str
    active: bool


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
        superseded_by=doc.superseded_by,
        created_at=doc.created_at,
        checked_at=doc.checked_at,
        status_url=f"/v1/documents/{doc.id}",
        content_url=f"/v1/documents/{doc.id}/content",
        findings=[finding_out(f) for f in findings],
    )


def history_out(doc: Document, rows: list[VerdictRow]) -> list[VerdictOut]:
    return [
        VerdictOut(
            ruleset_version=r.ruleset_version,
            status=r.status,
            status_label=DOCUMENT_LABELS_ID.get(r.status, r.status),
            reason_code=r.reason,
            at=r.at,
            current=r.ruleset_version == doc.ruleset_version and r.sha256 == doc.sha256,
        )
        for r in rows
    ]
