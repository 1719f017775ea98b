"""What one check works on: the document as a job (its row, address and unit read once) and
the context its rules see (the period, its twins in the submission, its copies in other units of
the region, the issuers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.db import transaction
from infra.matches import other_columns, other_document
from infra.statuses import DocumentStatus
from infra.tables import Document, Submission, Unit, table_of
from rules.context import CheckContext
from rules.periods import Period
from rules.similar import FileMatch
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
    batch_id: str | None = None
    region_code: str = ""  # the unit's region: who may see the document's events
    twin_criteria: tuple[str, ...] = ()  # criteria of other live documents with the same bytes
    copies: tuple[FileMatch, ...] = ()  # other units' live documents of the region, same bytes


# A twin: another live document with the same bytes, in the same submission (a criterion's
# duplicate) or in another unit of the region (a copy), found by the sha256 index
_TWIN_TABLES = (
    table_of(Document).alias("twin"),
    table_of(Submission).alias("twin_submission"),
    table_of(Unit).alias("twin_unit"),
)
_TWIN, _TWIN_SUBMISSION, _TWIN_UNIT = (t.c for t in _TWIN_TABLES)
_TWINS = sa.join(_TWIN_TABLES[0], _TWIN_TABLES[1], _TWIN_SUBMISSION.id == _TWIN.submission_id).join(
    _TWIN_TABLES[2], _TWIN_UNIT.code == _TWIN_SUBMISSION.unit_code
)
# The document, its submission and unit, a row per twin: built once (`per_dialect`'s reason)
_JOB = (
    sa.select(
        Document.id,
        Document.submission_id,
        Submission.programme,
        Submission.period,
        Submission.unit_code,
        Unit.kind.label("unit_kind"),
        Document.criterion_id,
        Document.kind.label("declared_kind"),
        Document.kind_source,
        Document.original_name,
        Document.storage_key,
        Document.size,
        Document.sha256,
        Document.declared_mime,
        Document.batch_id,
        Unit.region_code,
        *other_columns(_TWIN, _TWIN_SUBMISSION, _TWIN_UNIT, "twin_"),
        _TWIN.submission_id.label("twin_submission"),
    )
    .join(Submission, Document.submission_id == Submission.id)
    .join(Unit, Unit.code == Submission.unit_code)
    .outerjoin(
        _TWINS,
        sa.and_(
            _TWIN.sha256 == Document.sha256,
            _TWIN.id != Document.id,
            _TWIN.status != DocumentStatus.SUPERSEDED,
            sa.or_(
                _TWIN.submission_id == Document.submission_id,
                sa.and_(
                    _TWIN_UNIT.region_code == Unit.region_code,
                    _TWIN_SUBMISSION.unit_code != Submission.unit_code,
                ),
            ),
        ),
    )
    .where(Document.id == sa.bindparam("document_id"))
    .order_by(_TWIN.created_at, _TWIN.id)
)


def _copy(row: Any) -> FileMatch:
    """A twin row of another unit as the check sees it."""
    return FileMatch(**other_document(row, "twin_"))


def read_job(session: Session, document_id: str) -> Job:
    """The document, its submission, unit kind and region, and the other live documents with
    the same bytes, in the submission or in other units of the region: one statement inside
    the caller's transaction (a row per twin, the document's columns repeated; one row with no
    twin). The same unit's other submissions are not read: re-using one's own decree is fine."""
    rows = session.execute(
        _JOB, {"document_id": document_id}
    ).all()  # columns, not ORM objects: this runs once per check
    if not rows:
        raise sa.exc.NoResultFound(f"no document {document_id}")
    row = rows[0]
    return Job(
        document_id=row.id,
        submission_id=row.submission_id,
        programme=row.programme,
        period=row.period,
        unit_code=row.unit_code,
        unit_kind=row.unit_kind,
        criterion_id=row.criterion_id,
        declared_kind=row.declared_kind,
        kind_source=row.kind_source,
        original_name=row.original_name,
        storage_key=row.storage_key,
        size=row.size,
        sha256=row.sha256,
        declared_mime=row.declared_mime,
        batch_id=row.batch_id,
        region_code=row.region_code,
        twin_criteria=tuple(
            r.twin_criterion_id for r in rows if r.twin_submission == row.submission_id
        ),
        copies=tuple(
            _copy(r)
            for r in rows
            if r.twin_id is not None and r.twin_submission != row.submission_id
        ),
    )


def load_job(rt: WorkerRuntime, document_id: str) -> Job:
    with transaction(rt.sessions) as session:
        return read_job(session, document_id)


def check_context(rt: WorkerRuntime, job: Job, period: Period) -> CheckContext:
    unit_names, issuers = rt.issuers.for_unit(job.unit_code)
    return CheckContext(
        programme=job.programme,
        period=job.period,
        unit_code=job.unit_code,
        unit_kind=job.unit_kind,
        criterion_id=job.criterion_id,
        window_start=period.start,
        window_end=period.end,
        naming=rt.catalogs.naming,
        sibling_hashes={job.sha256: list(job.twin_criteria)} if job.twin_criteria else {},
        file_matches=job.copies,
        issuers=issuers,
        unit_names=unit_names,
    )
