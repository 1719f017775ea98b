"""Bulk acceptance: every criterion that is LENGKAP with no document needing a look, accepted in
one action; each still gets its own decision, audit entry and event."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from infra.assessment import submission_verdicts
from infra.keys import Principal
from infra.statuses import DecisionKind
from intake.address import Target
from intake.errors import ApiError
from intake.scope import ensure_reviewer, require_submission
from intake.workspace.decision_views import DecisionIn
from intake.workspace.decisions import Recorded, decisions_view, record_decision
from intake.workspace.reading import acceptable, submission_documents


class BulkAcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criteria: list[str] = Field(
        min_length=1,
        max_length=500,
        description="the criteria the verifier confirmed (from the submission's `acceptable`)",
    )
    note: str | None = Field(default=None, max_length=4000, description="kept on each decision")


def accept_complete(
    session: Session, target: Target, caller: Principal, body: BulkAcceptIn
) -> list[Recorded]:
    """Accept each confirmed criterion in the caller's transaction; all or nothing: one that
    is no longer acceptable (a file arrived, someone decided) refuses the lot with a 409."""
    ensure_reviewer(caller, "memutuskan kriteria", "decide on criteria")
    submission = require_submission(session, target, lock=True)
    docs = submission_documents(session, submission)
    statuses: dict[str, list[str]] = {}
    for doc in docs:
        statuses.setdefault(doc.criterion_id, []).append(doc.status)
    verdicts = submission_verdicts(session, target.catalog, submission, target.unit.kind)
    allowed = set(acceptable(verdicts, statuses, decisions_view(session, submission.id, docs)))
    wanted = list(dict.fromkeys(c.strip().upper() for c in body.criteria))
    refused = [c for c in wanted if c not in allowed]
    if refused:
        raise ApiError(
            409,
            "not_acceptable",
            "Kriteria berikut tidak lagi dapat diterima sekaligus (bukan LENGKAP, ada berkas "
            f"yang perlu dilihat, atau sudah diputuskan): {', '.join(refused)}.",
            "These criteria can no longer be accepted in bulk (not complete, a file needs a "
            f"look, or already decided): {', '.join(refused)}.",
            criteria=refused,
        )
    decision = DecisionIn(decision=DecisionKind.ACCEPTED, note=body.note)
    return [record_decision(session, target, caller, cid, decision) for cid in wanted]
