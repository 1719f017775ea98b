"""The lockout: wrong passwords or codes counted per username (known or not); enough of them
within the window refuse the username for a while, the right password included."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.audit import account_audit
from infra.settings import Settings
from infra.tables import SignInFailure, utcnow

log = logging.getLogger(__name__)


def normal_username(username: str) -> str:
    return username.strip().lower()


def locked_until(
    session: Session, settings: Settings, username: str, now: datetime | None = None
) -> datetime | None:
    """Until when a username is refused: `lockout_failures` failures within the window lock
    it for `lockout_minutes` from the last of them; attempts while locked are not counted."""
    now = now or utcnow()
    window = timedelta(minutes=settings.lockout_window_minutes)
    lock = timedelta(minutes=settings.lockout_minutes)
    times = list(
        session.scalars(
            sa.select(SignInFailure.at)
            .where(
                SignInFailure.username == normal_username(username),
                SignInFailure.at > now - window - lock,
            )
            .order_by(SignInFailure.at)
        )
    )
    until = None
    need = settings.lockout_failures
    for i in range(need - 1, len(times)):
        if times[i] - times[i - need + 1] <= window:
            until = times[i] + lock
    return until if until is not None and until > now else None


def record_failure(
    session: Session, settings: Settings, username: str, now: datetime | None = None
) -> datetime | None:
    """Count a wrong password or code; when it locks the username, log it, write it in the
    audit log (counted in /metrics) and return until when."""
    now = now or utcnow()
    username = normal_username(username)[:64]
    session.add(SignInFailure(username=username, at=now))
    session.flush()
    until = locked_until(session, settings, username, now)
    if until is not None:
        log.warning(
            "sign-in locked for %s until %s after %d failures",
            username,
            until.isoformat(),
            settings.lockout_failures,
        )
        account_audit(
            session,
            action="account.locked",
            username=username,
            after={"locked_until": until.isoformat()},
            reason=f"{settings.lockout_failures} failed sign-ins",
        )
    return until


def clear_failures(session: Session, username: str) -> None:
    session.execute(
        sa.delete(SignInFailure).where(SignInFailure.username == normal_username(username))
    )
