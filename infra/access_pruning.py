"""Forgetting what sign-in no longer needs: page sessions long over, and wrong-password records
older than any lockout they could still cause. Run by the sweeper."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.tables import SignInFailure, WebSession


def prune_sessions(session: Session, now: datetime, keep: timedelta) -> int:
    """Delete sessions that ended (signed out, revoked, idle) or reached their absolute expiry
    more than `keep` ago: a session is kept that long after it is over, for whoever asks when
    someone was signed in. A live session is never touched."""
    cutoff = now - keep
    result = session.execute(
        sa.delete(WebSession).where(
            sa.or_(
                WebSession.ended_at < cutoff,
                WebSession.expires_at < cutoff,
            )
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def prune_sign_in_failures(
    session: Session, now: datetime, window: timedelta, lock: timedelta
) -> int:
    """Delete wrong-password records too old to count towards a lockout (older than the
    window plus the lock it would start)."""
    result = session.execute(sa.delete(SignInFailure).where(SignInFailure.at < now - window - lock))
    return int(result.rowcount)  # type: ignore[attr-defined]
