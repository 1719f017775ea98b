"""What one check works on: the document as a job (its row, address and unit read once) and
the context its rules see (the period, its siblings' hashes, the issuers)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from infra.db import transaction
from infra.statuses import DocumentStatus
from infra.tables import Document, Submission, Unit
from infra.units import issuer_registry
from rules.context import CheckContext
from rules.periods import Period
from worker.runtime import WorkerRuntime


@dataclass(frozen=True)
class Job:
    """What the pipeline reads about a claimed document, detached from the session."""

    document_id: str
    submission_id: int
    programme: str
    period: str
    unit_code: str
    unit_kind: str | None
    criterion_id: str
    declared_kind: str | None
    kind_source: str | None
    original_name: str
    storage_key: str
    size: int
    sha256: str
    declared_mime: str | None


def load_job(rt: WorkerRuntime, document_id: str) -> Job:
    with transaction(rt.sessions) as session:
        doc, sub, kind = session.execute(
            sa.select(Document, Submission, Unit.kind)
            .join(Submission, Document.submission_id == Submission.id)
            .join(Unit, Unit.code == Submission.unit_code)
            .where(Document.id == document_id)
        ).one()
        return Job(
            doc.id,
            sub.id,
            sub.programme,
            sub.period,
            sub.unit_code,
            kind,
            doc.criterion_id,
            doc.kind,
            doc.kind_source,
            doc.original_name,
            doc.storage_key,
            doc.size,
            doc.sha256,
            doc.declared_mime,
        )


def sibling_hashes(rt: WorkerRuntime, job: Job) -> dict[str, list[str]]:
    """Other live documents of the submission with the same bytes, by hash."""
    with transaction(rt.sessions) as session:
        rows = session.execute(
            sa.select(Document.sha256, Document.criterion_id).where(
                Document.submission_id == job.submission_id,
                Document.id != job.document_id,
                Document.sha256 == job.sha256,
                Document.status != DocumentStatus.SUPERSEDED,
            )
        )
        found: dict[str, list[str]] = {}
        for sha, criterion in rows:
            found.setdefault(sha, []).append(criterion)
        return found


def check_context(rt: WorkerRuntime, job: Job, period: Period) -> CheckContext:
    with transaction(rt.sessions) as session:
        unit_names, issuers = issuer_registry(session)
    return CheckContext(
        programme=job.programme,
        period=job.period,
        unit_code=job.unit_code,
        unit_kind=job.unit_kind,
        criterion_id=job.criterion_id,
        window_start=period.start,
        window_end=period.end,
        naming=rt.catalogs.naming,
        sibling_hashes=sibling_hashes(rt, job),
        issuers=issuers,
        unit_names=unit_names,
    )
