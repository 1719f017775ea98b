"""The pipeline's last step: record a finished document's webhook events, send them after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.events import BatchCompleted, DocumentChecked, EventType, SubmissionEvaluated
from infra.statuses import FINAL
from infra.tables import Batch, Document, Submission, Unit, utcnow
from infra.webhooks import record_event, record_events, send_deliveries
from rules.completeness import CriterionVerdict
from rules.evaluation import DocumentVerdict
from worker.job import Job
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)


# Run for every checked file of a batch: built once (infra.db.per_dialect says why)
_STILL_OPEN = (
    sa.select(sa.func.count())
    .select_from(Document)
    .where(
        Document.batch_id == sa.bindparam("p_batch", type_=Document.batch_id.type),
        Document.status.not_in(list(FINAL)),
    )
)


def complete_batch(session: Session, batch_id: str) -> bool:
    """Mark a batch completed when all its documents are final; True only for the one caller
    whose compare-and-set changed the row, so `batch.completed` fires exactly once.

    Runs after `reassess` has locked the submission row: concurrent workers finishing the
    batch's last documents are serialised there, and the last one sees every final status.
    """
    still_open = session.scalar(_STILL_OPEN, {"p_batch": batch_id})
    if still_open:
        return False
    result = session.execute(
        sa.update(Batch)
        .where(Batch.id == batch_id, Batch.completed_at.is_(None))
        .values(completed_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def batch_counts(session: Session, batch_id: str) -> dict[str, int]:
    rows = session.execute(
        sa.select(Document.status, sa.func.count())
        .where(Document.batch_id == batch_id)
        .group_by(Document.status)
    )
    return {str(status): int(n) for status, n in rows}


@dataclass(frozen=True)
class CheckedDocument:
    """What a finished document's events tell about it, and who may see them (unit, region)."""

    id: str
    criterion_id: str
    status: str
    status_reason: str | None
    ruleset_version: str | None
    batch_id: str | None
    programme: str
    period: str
    unit_code: str
    region_code: str


def checked_from_job(job: Job, verdict: DocumentVerdict, ruleset_version: str) -> CheckedDocument:
    """The document as its verdict was just recorded: the job already read the rest."""
    return CheckedDocument(
        id=job.document_id,
        criterion_id=job.criterion_id,
        status=verdict.status.value,
        status_reason=verdict.reason_code,
        ruleset_version=ruleset_version,
        batch_id=job.batch_id,
        programme=job.programme,
        period=job.period,
        unit_code=job.unit_code,
        region_code=job.region_code,
    )


def read_checked(session: Session, document_id: str) -> CheckedDocument:
    """The document as stored (for a status written without a job's verdict: giving up)."""
    row = session.execute(
        sa.select(
            Document.id,
            Document.criterion_id,
            Document.status,
            Document.status_reason,
            Document.ruleset_version,
            Document.batch_id,
            Submission.programme,
            Submission.period,
            Submission.unit_code,
            Unit.region_code,
        )
        .join(Submission, Document.submission_id == Submission.id)
        .join(Unit, Unit.code == Submission.unit_code)
        .where(Document.id == document_id)
    ).one()
    return CheckedDocument(**row._asdict())


def record_document_events(
    session: Session, doc: CheckedDocument, verdicts: dict[str, CriterionVerdict]
) -> list[str]:
    """`document.checked`, `submission.evaluated` and (once) `batch.completed`, in the
    transaction that recorded the verdict. Returns the delivery ids to send after commit."""
    unit, region = doc.unit_code, doc.region_code
    checked = DocumentChecked(
        document_id=doc.id,
        programme=doc.programme,
        period=doc.period,
        unit=unit,
        criterion=doc.criterion_id,
        status=doc.status,
        reason_code=doc.status_reason,
        ruleset_version=doc.ruleset_version,
        batch_id=doc.batch_id,
        status_url=f"/v1/documents/{doc.id}",
    )
    evaluated = SubmissionEvaluated(
        programme=doc.programme,
        period=doc.period,
        unit=unit,
        criteria={cid: v.status.value for cid, v in verdicts.items()},
        status_url=f"/v1/submissions/{doc.programme}/{doc.period}/{unit}",
    )
    ids = record_events(
        session,
        [
            (EventType.DOCUMENT_CHECKED, checked.model_dump(mode="json")),
            (EventType.SUBMISSION_EVALUATED, evaluated.model_dump(mode="json")),
        ],
        unit,
        region,
    )
    if doc.batch_id is not None and complete_batch(session, doc.batch_id):
        counts = batch_counts(session, doc.batch_id)
        completed = BatchCompleted(
            batch_id=doc.batch_id,
            programme=doc.programme,
            period=doc.period,
            unit=unit,
            total=sum(counts.values()),
            counts=counts,
            status_url=f"/v1/batches/{doc.batch_id}",
        )
        ids += record_event(
            session, EventType.BATCH_COMPLETED, unit, region, completed.model_dump(mode="json")
        )
    return ids


def send_events(rt: WorkerRuntime, delivery_ids: list[str]) -> None:
    """After commit. A failed send leaves the delivery pending for the sweeper."""
    if not delivery_ids:
        return
    try:
        sender = rt.sender
    except Exception as exc:  # no broker configured: the sweeper of a real worker sends them
        log.warning("cannot send %d webhook deliveries (%s)", len(delivery_ids), exc)
        return
    send_deliveries(sender, delivery_ids)
