"""Read a submission: every criterion of its catalog with machine status and documents."""

from __future__ import annotations

from fastapi import APIRouter

from intake.auth import Caller
from intake.deps import DbSession
from intake.errors import API_ERRORS
from intake.scope import ReviewTarget
from intake.workspace.reading import SubmissionOut, submission_view

router = APIRouter(tags=["submissions"])


@router.get(
    "/v1/submissions/{programme}/{period}/{unit}",
    response_model=SubmissionOut,
    responses=API_ERRORS,
)
def get_submission(target: ReviewTarget, session: DbSession, caller: Caller) -> SubmissionOut:
    """Criteria statuses (pending, complete, incomplete with what is missing, needs_review),
    each with the verifier's current decision, and whether the submission is ready.

    A deactivated unit's submission stays readable; a unit the caller cannot see is 404."""
    return submission_view(session, target, caller)
