"""Page sessions kept on the server: started at sign-in (a fresh random token each time),
checked on every request against an absolute expiry and an idle timeout, ended at sign-out
and when the key is revoked, the account disabled or its password changed. The token is
stored only as its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.tables import WebSession, utcnow

# last_seen_at is written at most this often: a page click is not a database write each time.
TOUCH_EVERY = timedelta(seconds=30)


class EndReason(StrEnum):
    SIGNED_OUT = "signed_out"
    SIGNED_IN_AGAIN = "signed_in_again"  # the id is rotated at every sign-in
    KEY_REVOKED = "key_revoked"
    KEY_SIGNIN_OFF = "key_signin_off"  # an admin turned key sign-in off since
    ACCOUNT_DISABLED = "account_disabled"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password); also a second factor reset
    EXPIRED = "expired"  # past the absolute lifetime
    IDLE = "idle"  # no request for longer than the idle timeout


@dataclass(frozen=True)
class SessionLimits:
    max_age: timedelta  # absolute, from sign-in; never extended
    idle: timedelta


@dataclass(frozen=True)
class Checked:
    """A session token looked up: the key or account it belongs to when it is live, else
    why not."""

    key_id: str | None
    ended: EndReason | None  # None: live (or never existed, then both ids are None)
    account_id: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    session: Session,
    key_id: str | None,
    limits: SessionLimits,
    now: datetime | None = None,
    *,
    account_id: str | None = None,
) -> str:
    """A new session for the account (or key); returns the token for the cookie (never
    stored)."""
    if (key_id is None) == (account_id is None):
        raise ValueError("a session belongs to exactly one key or account")
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=token_hash(token),
            key_id=key_id,
            account_id=account_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + limits.max_age,
        )
    )
    session.flush()
    return token


def check_session(
    session: Session, token: str, limits: SessionLimits, now: datetime | None = None
) -> Checked:
    """Is the session live? A live one is touched; one found past a limit is ended here."""
    now = now or utcnow()
    row = session.get(WebSession, token_hash(token))
    if row is None:
        return Checked(None, None)
    if row.ended_at is not None:
        return Checked(None, EndReason(row.end_reason or EndReason.SIGNED_OUT))
    reason = None
    if now >= row.expires_at:
        reason = EndReason.EXPIRED
    elif now - row.last_seen_at >= limits.idle:
        reason = EndReason.IDLE
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        return Checked(None, reason)
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return Checked(row.key_id, None, row.account_id)


def end_session(session: Session, token: str, reason: EndReason) -> None:
    session.execute(
        sa.update(WebSession)
        .where(WebSession.id == token_hash(token), WebSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )


def end_sessions_of_key(session: Session, key_id: str, reason: EndReason) -> int:
    """End every live session of a key (revocation); returns how many."""
    result = session.execute(
        sa.update(WebSession)
        .where(WebSession.key_id == key_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def end_sessions_of_account(
    session: Session, account_id: str, reason: EndReason, keep: str | None = None
) -> int:
    """End every live session of an account (disabled, password changed), except the one
    whose token is `keep`; returns how many."""
    query = sa.update(WebSession).where(
        WebSession.account_id == account_id, WebSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(WebSession.id != token_hash(keep))
    result = session.execute(query.values(ended_at=utcnow(), end_reason=reason))
    return int(result.rowcount)  # type: ignore[attr-defined]
