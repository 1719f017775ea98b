"""Batches: what one upload request (files or a ZIP) became, rolled up by status."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from infra.tables import Batch, Document, utcnow
from intake.views import DOCUMENT_LABELS_ID

STATUSES = (
    "received",
    "queued",
    "checking",
    "passed",
    "failed",
    "needs_review",
    "unable_to_check",
    "superseded",
)
FINAL = {"passed", "failed", "needs_review", "unable_to_check", "superseded"}


class RejectedOut(BaseModel):
    name: str
    code: str
    message: str
    message_en: str
    criterion: str | None = None
    duplicate_of: str | None = None


class BatchDocumentOut(BaseModel):
    id: str
    name: str
    criterion: str
    kind: str | None
    status: str
    status_label: str
    status_reason: str | None
    status_url: str


class ArchiveOut(BaseModel):
    """The ZIP a bundle came in; its entries are the batch's documents."""

    name: str
    size: int
    sha256: str


class BatchOut(BaseModel):
    id: str
    source: str
    programme: str
    period: str
    unit: str
    created_at: datetime
    completed_at: datetime | None
    complete: bool
    total: int
    counts: dict[str, int]
    documents: list[BatchDocumentOut]
    rejected: list[RejectedOut]
    archive: ArchiveOut | None = None
    status_url: str


def batch_out(session: Session, batch: Batch) -> BatchOut:
    docs = list(
        session.scalars(
            sa.select(Document)
            .where(Document.batch_id == batch.id)
            .order_by(Document.created_at, Document.id)
        )
    )
    counts = dict.fromkeys(STATUSES, 0)
    for doc in docs:
        counts[doc.status] = counts.get(doc.status, 0) + 1
    complete = all(d.status in FINAL for d in docs)
    if complete and batch.completed_at is None:
        batch.completed_at = utcnow()
    sub = batch.submission
    return BatchOut(
        id=batch.id,
        source=batch.source,
        programme=sub.programme,
        period=sub.period,
        unit=sub.unit_code,
        created_at=batch.created_at,
        completed_at=batch.completed_at,
        complete=complete,
        total=len(docs),
        counts=counts,
        documents=[
            BatchDocumentOut(
                id=d.id,
                name=d.original_name,
                criterion=d.criterion_id,
                kind=d.kind,
                status=d.status,
                status_label=DOCUMENT_LABELS_ID.get(d.status, d.status),
                status_reason=d.status_reason,
                status_url=f"/v1/documents/{d.id}",
            )
            for d in docs
        ],
        rejected=[RejectedOut.model_validate(r) for r in batch.rejected],
        archive=ArchiveOut.model_validate(batch.archive) if batch.archive else None,
        status_url=f"/v1/batches/{batch.id}",
    )
