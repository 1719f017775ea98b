"""Review claims: a verifier holds a submission for a while so two do not review it at once."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from infra.audit import audit
from infra.keys import Principal, Role
from infra.tables import ReviewClaim, Submission, utcnow
from intake.errors import ApiError
from intake.workspace.dates import tanggal

DEFAULT_MINUTES = 30
MAX_MINUTES = 240


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(
        default=DEFAULT_MINUTES, ge=1, le=MAX_MINUTES, description="how long to hold it"
    )


class ClaimOut(BaseModel):
    by: str = Field(description="the holder's name (a person's, or a key's)")
    by_key_id: str | None = Field(description="the key that claimed it, if a key did")
    until: datetime
    mine: bool = Field(description="held by the caller (the same person, or the same key)")


def claim_out(row: ReviewClaim, caller: Principal) -> ClaimOut:
    return ClaimOut(
        by=row.claimed_by_name,
        by_key_id=row.claimed_by,
        until=row.claimed_until,
        mine=_mine(row, caller),
    )


def _mine(row: ReviewClaim, caller: Principal) -> bool:
    return caller.is_holder(row.claimed_by, row.claimed_by_account)


def live_claim(
    session: Session, submission_id: int, now: datetime | None = None
) -> ReviewClaim | None:
    """The claim on a submission if it has not expired; expired claims are free."""
    row = session.get(ReviewClaim, submission_id)
    if row is None or row.claimed_until <= (now or utcnow()):
        return None
    return row


def claimed_by_other(row: ReviewClaim) -> ApiError:
    until = row.claimed_until.isoformat()
    return ApiError(
        409,
        "claimed_by_other",
        f"Pengajuan ini sedang ditangani oleh {row.claimed_by_name} sampai "
        f"{tanggal(row.claimed_until, with_time=True)}.",
        f"This submission is held by {row.claimed_by_name} until {until}.",
        claimed_by=row.claimed_by_name,
        claimed_by_key_id=row.claimed_by,
        claimed_until=until,
    )


def ensure_not_held_by_other(
    session: Session, submission_id: int, caller: Principal, now: datetime | None = None
) -> None:
    """409 when someone else holds a live claim on the submission."""
    row = live_claim(session, submission_id, now)
    if row is not None and not _mine(row, caller):
        raise claimed_by_other(row)


def _held_against(
    session: Session, submission: Submission, caller: Principal, now: datetime, action: str
) -> None:
    """Someone else's live hold: a 409, except for an admin, who breaks it — on the record
    (audit `claim.broken`, naming whose hold it was)."""
    row = live_claim(session, submission.id, now)
    if row is None or _mine(row, caller):
        return
    if caller.role is not Role.ADMIN:
        raise claimed_by_other(row)
    audit(
        session,
        action="claim.broken",
        submission=submission,
        criterion_id=None,
        before={
            "claimed_by": row.claimed_by,
            "claimed_by_account": row.claimed_by_account,
            "claimed_by_name": row.claimed_by_name,
            "claimed_until": row.claimed_until.isoformat(),
        },
        after={
            "claimed_by": caller.key_id,
            "claimed_by_account": caller.account_id,
            "claimed_by_name": caller.name,
        }
        if action == "claim"
        else None,
        reason="Diambil alih oleh admin" if action == "claim" else "Dilepas oleh admin",
        actor=caller.name,
        actor_key_id=caller.key_id,
        actor_account_id=caller.account_id,
    )


def claim_submission(
    session: Session,
    submission: Submission,
    caller: Principal,
    minutes: int = DEFAULT_MINUTES,
    now: datetime | None = None,
) -> ClaimOut:
    """Take (or renew) the hold on a submission; an admin takes over someone else's. Lock the
    submission row first (the caller's `require_submission(lock=True)`) so two verifiers
    claiming at once are serialised."""
    now = now or utcnow()
    _held_against(session, submission, caller, now, "claim")
    row = session.get(ReviewClaim, submission.id)
    if row is None:
        row = ReviewClaim(submission_id=submission.id)
        session.add(row)
    row.claimed_by = caller.key_id
    row.claimed_by_account = caller.account_id
    row.claimed_by_name = caller.name
    row.claimed_until = now + timedelta(minutes=min(max(minutes, 1), MAX_MINUTES))
    session.flush()
    return claim_out(row, caller)


def release_submission(
    session: Session, submission: Submission, caller: Principal, now: datetime | None = None
) -> None:
    """Give the hold back. Releasing what nobody holds is fine; another's live hold is a 409
    (an admin releases it, on the record)."""
    _held_against(session, submission, caller, now or utcnow(), "release")
    session.execute(sa.delete(ReviewClaim).where(ReviewClaim.submission_id == submission.id))


def live_claims(
    session: Session, submission_ids: list[int], now: datetime | None = None
) -> dict[int, ReviewClaim]:
    """The live claims of many submissions at once (for the queue and the matrix)."""
    if not submission_ids:
        return {}
    rows = session.scalars(
        sa.select(ReviewClaim).where(
            ReviewClaim.submission_id.in_(submission_ids),
            ReviewClaim.claimed_until > (now or utcnow()),
        )
    )
    return {r.submission_id: r for r in rows}
