"""The pipeline's last step: record a finished document's webhook events, send them after commit."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.events import BatchCompleted, DocumentChecked, EventType, SubmissionEvaluated
from infra.statuses import FINAL
from infra.tables import Batch, Document, utcnow
from infra.webhooks import record_event, record_events, send_deliveries
from rules.completeness import CriterionVerdict
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


def checked_event(
    job: Job, status: str, reason: str | None, ruleset_version: str | None
) -> DocumentChecked:
    """`document.checked` for the status just written: the job already read the rest."""
    return DocumentChecked(
        document_id=job.document_id,
        programme=job.programme,
        period=job.period,
        unit=job.unit_code,
        criterion=job.criterion_id,
        status=status,
        reason_code=reason,
        ruleset_version=ruleset_version,
        batch_id=job.batch_id,
        status_url=f"/v1/documents/{job.document_id}",
    )


def record_document_events(
    session: Session, checked: DocumentChecked, region: str, verdicts: dict[str, CriterionVerdict]
) -> list[str]:
    """`checked`, then `submission.evaluated` and (once) `batch.completed`, in the transaction
    that recorded the verdict, for the endpoints that may see the unit (and its `region`).
    Returns the delivery ids to send after commit."""
    unit = checked.unit
    evaluated = SubmissionEvaluated(
        programme=checked.programme,
        period=checked.period,
        unit=unit,
        criteria={cid: v.status.value for cid, v in verdicts.items()},
        status_url=f"/v1/submissions/{checked.programme}/{checked.period}/{unit}",
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
    batch_id = checked.batch_id
    if batch_id is not None and complete_batch(session, batch_id):
        counts = batch_counts(session, batch_id)
        completed = BatchCompleted(
            batch_id=batch_id,
            programme=checked.programme,
            period=checked.period,
            unit=unit,
            total=sum(counts.values()),
            counts=counts,
            status_url=f"/v1/batches/{batch_id}",
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
