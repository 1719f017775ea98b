"""Re-evaluate a submission's criteria from its documents' statuses and store the verdicts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.audit import audit
from infra.tables import CriterionState, Document, Submission, Unit, utcnow
from rules.catalog import Catalog
from rules.completeness import CriterionVerdict, DocState, evaluate_submission


def document_states(session: Session, submission_id: int) -> list[DocState]:
    rows = session.execute(
        sa.select(Document.criterion_id, Document.kind, Document.status).where(
            Document.submission_id == submission_id
        )
    )
    return [DocState(criterion_id=c, kind=k, status=s) for c, k, s in rows]


def compute_criteria(
    session: Session, catalog: Catalog, submission: Submission | None, unit_kind: str | None
) -> dict[str, CriterionVerdict]:
    docs = document_states(session, submission.id) if submission else []
    return evaluate_submission(catalog, unit_kind, docs)


def reassess(session: Session, catalog: Catalog, submission_id: int) -> dict[str, CriterionVerdict]:
    """Lock the submission row, recompute every criterion, upsert the stored verdicts.

    The lock serialises concurrent workers finishing documents of one submission, so the last
    writer always saw every committed status.
    """
    submission = session.scalars(
        sa.select(Submission).where(Submission.id == submission_id).with_for_update()
    ).one()
    unit_kind = session.scalar(sa.select(Unit.kind).where(Unit.code == submission.unit_code))
    verdicts = compute_criteria(session, catalog, submission, unit_kind)
    stored = {
        s.criterion_id: s
        for s in session.scalars(
            sa.select(CriterionState).where(CriterionState.submission_id == submission_id)
        )
    }
    now = utcnow()
    for cid, verdict in verdicts.items():
        row = stored.get(cid)
        if row is None:
            row = CriterionState(submission_id=submission_id, criterion_id=cid)
            session.add(row)
        elif row.status != verdict.status:  # a first verdict is not a change: no entry
            audit(
                session,
                action="criterion.status",
                submission=submission,
                criterion_id=cid,
                before={"status": row.status},
                after={"status": verdict.status.value, "missing": verdict.missing},
                reason=", ".join(verdict.reasons) or None,
            )
        row.status = verdict.status
        row.missing = verdict.missing
        row.reasons = verdict.reasons
        row.ruleset_version = catalog.ruleset_version
        row.evaluated_at = now
    submission.evaluated_at = now
    submission.ruleset_version = catalog.ruleset_version
    session.flush()
    return verdicts
