"""Read a submission: every criterion of its catalog with machine status and documents."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.orm import selectinload

from infra.assessment import compute_criteria
from infra.tables import Document, Submission
from intake.auth import Caller
from intake.deps import DbSession, Runtime
from intake.routes.documents import ERRORS
from intake.targets import resolve_target
from intake.views import SubmissionOut, submission_out

router = APIRouter(tags=["submissions"])


@router.get(
    "/v1/submissions/{programme}/{period}/{unit}", response_model=SubmissionOut, responses=ERRORS
)
def get_submission(
    programme: str, period: str, unit: str, session: DbSession, rt: Runtime, caller: Caller
) -> SubmissionOut:
    """Criteria statuses (pending, complete, incomplete with what is missing, needs_review)."""
    target = resolve_target(session, rt, programme.upper(), period.upper(), unit, caller)
    submission = session.scalars(
        sa.select(Submission).where(
            Submission.programme == target.programme,
            Submission.period == str(target.period),
            Submission.unit_code == target.unit.code,
        )
    ).one_or_none()
    docs: list[Document] = []
    if submission is not None:
        docs = list(
            session.scalars(
                sa.select(Document)
                .options(selectinload(Document.findings), selectinload(Document.submission))
                .where(Document.submission_id == submission.id)
                .order_by(Document.created_at, Document.id)
            )
        )
    verdicts = compute_criteria(session, target.catalog, submission, target.unit.kind)
    return submission_out(target.catalog, str(target.period), target.unit, verdicts, docs)
