"""A submission as people read it: machine verdicts, documents with findings, decisions, ready."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from infra.assessment import compute_criteria
from infra.tables import Document, Submission
from intake.decisions import decisions_view
from intake.scope import find_submission
from intake.targets import Target
from intake.views import SubmissionOut, submission_out


def submission_documents(session: Session, submission: Submission | None) -> list[Document]:
    """A submission's documents, oldest first, with their findings loaded."""
    if submission is None:
        return []
    return list(
        session.scalars(
            sa.select(Document)
            .options(selectinload(Document.findings), selectinload(Document.submission))
            .where(Document.submission_id == submission.id)
            .order_by(Document.created_at, Document.id)
        )
    )


def submission_view(session: Session, target: Target) -> SubmissionOut:
    """Every criterion of the catalog with its machine verdict (computed from the documents'
    statuses now), documents and findings, the current decision; and whether it is ready."""
    submission = find_submission(session, target)
    docs = submission_documents(session, submission)
    verdicts = compute_criteria(session, target.catalog, submission, target.unit.kind)
    decisions = decisions_view(session, submission.id, docs) if submission else {}
    return submission_out(
        target.catalog, str(target.period), target.unit, verdicts, docs, decisions
    )
