"""The audit log: one append-only entry per change a person or the system made to a verdict."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from sqlalchemy.orm import Session

from infra.tables import AuditEntry, Submission, utcnow

SYSTEM = "system"


class Authorship(TypedDict, total=False):
    """Who made a change and why; unnamed, the system did (with no reason given)."""

    reason: str | None
    actor: str
    actor_key_id: str | None
    actor_account_id: str | None


def criterion_subject(submission: Submission, criterion_id: str) -> str:
    """How an entry names a criterion of a submission: P2HAM/2025/1671/P2H-02-LAKTASI."""
    return f"{submission.programme}/{submission.period}/{submission.unit_code}/{criterion_id}"


def submission_subject(submission: Submission) -> str:
    """How an entry names a whole submission: P2HAM/2025/1671."""
    return f"{submission.programme}/{submission.period}/{submission.unit_code}"


def audit_entry(
    session: Session,
    *,
    action: str,
    subject_type: str,
    subject_id: str,
    submission_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **by: Unpack[Authorship],
) -> AuditEntry:
    """Add an entry about any subject (a criterion, a submission, an account, a document) in
    the caller's transaction (it commits with the change)."""
    entry = AuditEntry(
        at=utcnow(),
        actor=by.get("actor", SYSTEM),
        actor_key_id=by.get("actor_key_id"),
        actor_account_id=by.get("actor_account_id"),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        submission_id=submission_id,
        before=before,
        after=after,
        reason=by.get("reason"),
    )
    session.add(entry)
    return entry


def audit(
    session: Session,
    *,
    action: str,
    submission: Submission,
    criterion_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    **by: Unpack[Authorship],
) -> AuditEntry:
    """Add an entry about a criterion (or, with no criterion, the whole submission)."""
    return audit_entry(
        session,
        action=action,
        subject_type="criterion" if criterion_id else "submission",
        subject_id=criterion_subject(submission, criterion_id)
        if criterion_id
        else submission_subject(submission),
        submission_id=submission.id,
        before=before,
        after=after,
        **by,
    )


def account_audit(
    session: Session,
    *,
    action: str,
    username: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **by: Unpack[Authorship],
) -> AuditEntry:
    """An entry about an account (created, disabled, password reset, locked after failed
    sign-ins, second factor set up)."""
    return audit_entry(
        session,
        action=action,
        subject_type="account",
        subject_id=username,
        before=before,
        after=after,
        **by,
    )
