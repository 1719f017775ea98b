"""Who may call: API keys, people's accounts, page sessions, failed sign-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from infra.tables.base import Base, new_id, utcnow


class ApiKey(Base):
    """A client's credential: stored hashed, shown once, revocable; its role bounds what it sees."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    unit_codes: Mapped[list[Any]] = mapped_column(default=list)
    region_code: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


class Account(Base):
    """A person: verifier (a region), unit operator (a unit) or admin. Signs in to the pages
    with a password (argon2id), a TOTP second factor, or single sign-on; never to the API."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    unit_code: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    # TOTP: the secret sealed (infra.encryption, bound to the account id); pending while the
    # person has not yet confirmed a code; the last time step used (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(sa.Text, default=None)
    totp_pending: Mapped[str | None] = mapped_column(sa.Text, default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    recovery_codes: Mapped[list[Any]] = mapped_column(default=list)  # SHA-256 of unused codes
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(600), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)


class WebSession(Base):
    """A signed-in page session, kept on the server so signing out (or revoking the key,
    disabling the account, changing its password) ends it: the cookie carries a random token,
    stored here only as its SHA-256. A session belongs to an account or (where key sign-in is
    on) to a key."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # sha256 hex of the token
    key_id: Mapped[str | None] = mapped_column(sa.ForeignKey("api_keys.id"), index=True)
    account_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()  # absolute: sign-in + session_max_hours
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    end_reason: Mapped[str | None] = mapped_column(sa.String(32), default=None)


class SignInFailure(Base):
    """One wrong password or code for a username (known or not): enough of them within the
    window lock the username for a while."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (sa.Index("ix_sign_in_failures_username_at", "username", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
