"""Reading the record: a submission's decisions and the audit entries a caller may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from infra.keys import Principal, Role
from infra.tables import AuditEntry, Decision, Submission, Unit
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.scope import find_submission, review_target, visible_units
from intake.workspace.decision_views import DecisionOut, decision_out, usernames_of

ACTION_LABELS = {
    "decision.recorded": "Keputusan verifikator dicatat",
    "criterion.status": "Status pemeriksaan sistem berubah",
    "claim.broken": "Penanganan verifikator lain diambil alih atau dilepas oleh admin",
    "document.reverified": "Hasil pemeriksaan dokumen berubah setelah katalog aturan diperbarui",
}


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str = Field(description="the person's or key's name, or \"system\"")
    actor_key_id: str | None
    actor_account_id: str | None = Field(default=None, description="the person's account")
    action: str
    action_label: str
    subject_type: str
    subject_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None


def audit_out(row: AuditEntry) -> AuditOut:
    return AuditOut(
        id=row.id,
        at=row.at,
        actor=row.actor,
        actor_key_id=row.actor_key_id,
        actor_account_id=row.actor_account_id,
        action=row.action,
        action_label=ACTION_LABELS.get(row.action, row.action),
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
    )


def submission_from_path(
    session: Session, rt: ApiRuntime, caller: Principal, path: str
) -> Submission | None:
    """`P2HAM/2025/1671` → that submission (None when the unit handed nothing in yet);
    422 when malformed, 404 when the caller may not see the unit."""
    parts = [p for p in path.strip().split("/") if p]
    if len(parts) != 3:
        raise ApiError(
            422,
            "invalid_submission",
            f"'{path}' bukan alamat pengajuan; gunakan PROGRAM/PERIODE/UNIT, mis. P2HAM/2025/1671.",
            f"'{path}' is not a submission address; use PROGRAMME/PERIOD/UNIT, "
            "e.g. P2HAM/2025/1671.",
        )
    return find_submission(session, review_target(session, rt, caller, *parts))


def audit_entries(
    session: Session,
    caller: Principal,
    submission: Submission | None = None,
    *,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditOut]:
    """Entries about one submission, or (None) about every submission the caller may see;
    entries about no submission are for admins only. Newest first."""
    query = sa.select(AuditEntry)
    if submission is not None:
        query = query.where(AuditEntry.submission_id == submission.id)
    elif caller.role is not Role.ADMIN:
        visible = (
            sa.select(Submission.id)
            .join(Unit, Unit.code == Submission.unit_code)
            .where(visible_units(caller))
        )
        query = query.where(AuditEntry.submission_id.in_(visible))
    if action:
        query = query.where(AuditEntry.action == action)
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return [audit_out(r) for r in rows]


def decision_history(
    session: Session, submission: Submission, criterion_id: str | None = None
) -> list[DecisionOut]:
    """Every decision on a submission (or one criterion of it), newest first."""
    query = sa.select(Decision).where(Decision.submission_id == submission.id)
    if criterion_id:
        query = query.where(Decision.criterion_id == criterion_id.strip().upper())
    rows = list(session.scalars(query.order_by(Decision.id.desc())))
    names = usernames_of(session, rows)
    return [decision_out(r, usernames=names) for r in rows]
