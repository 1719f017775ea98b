"""The audit log: one append-only entry per change a person or the system made to a verdict."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from infra.tables import AuditEntry, Submission, utcnow

SYSTEM = "system"


def criterion_subject(submission: Submission, criterion_id: str) -> str:
    """How an entry names a criterion of a submission: P2HAM/2025/1671/P2H-02-LAKTASI."""
    return f"{submission.programme}/{submission.period}/{submission.unit_code}/{criterion_id}"


def submission_subject(submission: Submission) -> str:
    """How an entry names a whole submission: P2HAM/2025/1671."""
    return f"{submission.programme}/{submission.period}/{submission.unit_code}"


def audit(
    session: Session,
    *,
    action: str,
    submission: Submission,
    criterion_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
    actor: str = SYSTEM,
    actor_key_id: str | None = None,
    actor_account_id: str | None = None,
) -> AuditEntry:
    """Add an entry about a criterion (or, with no criterion, the whole submission) in the
    caller's transaction (it commits with the change)."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        actor_key_id=actor_key_id,
        actor_account_id=actor_account_id,
        action=action,
        subject_type="criterion" if criterion_id else "submission",
        subject_id=criterion_subject(submission, criterion_id)
        if criterion_id
        else submission_subject(submission),
        submission_id=submission.id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(entry)
    return entry


def account_audit(
    session: Session,
    *,
    action: str,
    username: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    actor: str = SYSTEM,
    actor_key_id: str | None = None,
    actor_account_id: str | None = None,
) -> AuditEntry:
    """An entry about an account (created, disabled, password reset, locked after failed
    sign-ins, second factor set up), in the caller's transaction."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        actor_key_id=actor_key_id,
        actor_account_id=actor_account_id,
        action=action,
        subject_type="account",
        subject_id=username,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(entry)
    return entry
