"""People's accounts: created with a role and a scope (a region for verifiers, a unit for
operators), signed in with a password (argon2id) that several wrong tries lock for a while,
disabled, given a new password; every change ends the account's page sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.audit import account_audit
from infra.keys import Principal, Role
from infra.lockout import clear_failures, locked_until, normal_username, record_failure
from infra.passwords import check_policy, hash_password, needs_rehash, verify_password
from infra.settings import Settings
from infra.tables import Account, Region, ReviewClaim, Unit, utcnow
from infra.text import control_characters
from infra.units import canonical_code
from infra.web_sessions import EndReason, end_sessions_of_account

PERSON_ROLES = frozenset({Role.VERIFIER, Role.UNIT, Role.ADMIN})
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")


class AccountRefused(ValueError):
    """An account request that cannot be granted; the message says why (English for the CLI,
    `message_id` in Indonesian for the pages)."""

    def __init__(self, message: str, message_id: str | None = None) -> None:
        super().__init__(message)
        self.message_id = message_id or message


def check_scope(session: Session, role: Role, region: str | None, unit: str | None) -> None:
    if role not in PERSON_ROLES:
        raise AccountRefused(
            "an account is a verifier, unit or admin (portals use API keys)",
            "Peran akun: verifikator, operator unit, atau admin.",
        )
    if role is Role.VERIFIER and (not region or unit):
        raise AccountRefused(
            "a verifier account needs --region (and no --unit)",
            "Akun verifikator memerlukan kode wilayah (tanpa unit).",
        )
    if role is Role.UNIT and (not unit or region):
        raise AccountRefused(
            "a unit operator account needs --unit (and no --region)",
            "Akun operator unit memerlukan kode unit (tanpa wilayah).",
        )
    if role is Role.ADMIN and (unit or region):
        raise AccountRefused(
            "an admin account is not bound to a unit or a region",
            "Akun admin tidak terikat pada unit atau wilayah.",
        )
    if region and session.get(Region, region) is None:
        raise AccountRefused(
            f"region {region} is not registered", f"Wilayah {region} tidak terdaftar."
        )
    if unit and session.get(Unit, unit) is None:
        raise AccountRefused(f"unit {unit} is not registered", f"Unit {unit} tidak terdaftar.")


def create_account(
    session: Session,
    settings: Settings,
    *,
    username: str,
    name: str,
    role: Role,
    region: str | None = None,
    unit: str | None = None,
    password: str | None = None,
    oidc_subject: str | None = None,
) -> Account:
    """A new account; a password is checked against the policy (PasswordRefused) and stored
    hashed. Without a password (single sign-on) it can only sign in through the issuer."""
    username = normal_username(username)
    unit = canonical_code(unit) if unit else None
    if not USERNAME.fullmatch(username):
        raise AccountRefused(
            "a username is 3-64 characters: letters, digits, . _ @ -",
            "Nama pengguna 3-64 karakter: huruf, angka, titik, garis bawah, @ atau tanda minus.",
        )
    if found := control_characters(name, frozenset()):
        raise AccountRefused(
            f"the name contains control characters ({', '.join(found)})",
            "Nama memuat karakter kendali.",
        )
    if not name.strip():
        raise AccountRefused("the account needs a display name (--name)", "Nama wajib diisi.")
    check_scope(session, role, region, unit)
    if session.scalar(sa.select(Account.id).where(Account.username == username)):
        raise AccountRefused(
            f"username {username} is taken", f"Nama pengguna {username} sudah dipakai."
        )
    row = Account(
        username=username,
        display_name=name.strip(),
        role=role,
        region_code=region,
        unit_code=unit,
        oidc_subject=oidc_subject,
    )
    if password is not None:
        check_policy(settings, password, username)
        row.password_hash = hash_password(settings, password)
        row.password_changed_at = utcnow()
    session.add(row)
    session.flush()
    account_audit(session, action="account.created", username=username, after=_scope(row))
    return row


def _scope(row: Account) -> dict[str, str | None]:
    return {"role": row.role, "region": row.region_code, "unit": row.unit_code}


def principal_of(row: Account) -> Principal:
    """The account as the caller every scope check already understands."""
    return Principal(
        key_id=None,
        name=row.display_name,
        role=Role(row.role),
        unit_codes=frozenset([row.unit_code] if row.unit_code else []),
        region_code=row.region_code,
        account_id=row.id,
        username=row.username,
    )


def find_account(session: Session, username: str) -> Account | None:
    return session.scalars(
        sa.select(Account).where(Account.username == normal_username(username))
    ).one_or_none()


# ---- signing in with a password -------------------------------------------------------------


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown username, wrong password, an SSO-only account
    LOCKED = "locked"
    DISABLED = "disabled"  # the right password of a disabled account


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    account: Account | None = None
    locked_until: datetime | None = None


def check_password(session: Session, settings: Settings, username: str, password: str) -> Attempt:
    """Username and password, in the caller's transaction (commit it whatever the outcome:
    failures must be kept). A locked username is refused before the password is looked at."""
    now = utcnow()
    if not USERNAME.fullmatch(normal_username(username)):
        verify_password(settings, None, password)  # the same time as any wrong answer
        return Attempt(Outcome.WRONG)  # no such account can exist: nothing to count or lock
    if until := locked_until(session, settings, username, now):
        return Attempt(Outcome.LOCKED, locked_until=until)
    row = find_account(session, username)
    if not verify_password(settings, row.password_hash if row else None, password):
        until = record_failure(session, settings, username, now)
        return Attempt(Outcome.LOCKED if until else Outcome.WRONG, locked_until=until)
    assert row is not None
    assert row.password_hash is not None
    if not row.active:
        return Attempt(Outcome.DISABLED, row)
    if needs_rehash(settings, row.password_hash):  # the costs were raised since
        row.password_hash = hash_password(settings, password)
    return Attempt(Outcome.OK, row)


# ---- changes by an admin (or the person) -------------------------------------------------


@dataclass(frozen=True)
class Ended:
    sessions_ended: int
    claims_released: int = 0


def disable_account(session: Session, row: Account, actor: Principal | None = None) -> Ended:
    """The account signs in no more: its sessions end and its review claims are released."""
    row.active = False
    row.disabled_at = utcnow()
    ended = end_sessions_of_account(session, row.id, EndReason.ACCOUNT_DISABLED)
    released = session.execute(
        sa.delete(ReviewClaim).where(ReviewClaim.claimed_by_account == row.id)
    )
    _audit(session, "account.disabled", row, actor)
    return Ended(ended, int(released.rowcount))  # type: ignore[attr-defined]


def enable_account(session: Session, row: Account, actor: Principal | None = None) -> None:
    row.active, row.disabled_at = True, None
    _audit(session, "account.enabled", row, actor)


def set_password(
    session: Session,
    settings: Settings,
    row: Account,
    password: str,
    actor: Principal | None = None,
    keep_session: str | None = None,
) -> Ended:
    """A new password (checked against the policy): every session of the account ends (but
    `keep_session`, the person's own when they changed it themselves)."""
    check_policy(settings, password, row.username)
    row.password_hash = hash_password(settings, password)
    row.password_changed_at = utcnow()
    clear_failures(session, row.username)
    ended = end_sessions_of_account(session, row.id, EndReason.PASSWORD_CHANGED, keep_session)
    _audit(session, "account.password_set", row, actor)
    return Ended(ended)


def reset_second_factor(session: Session, row: Account, actor: Principal | None = None) -> Ended:
    """Forget the TOTP secret and recovery codes (a lost phone); the sessions end."""
    row.totp_secret = row.totp_pending = None
    row.totp_enabled_at = row.totp_last_step = None
    row.recovery_codes = []
    ended = end_sessions_of_account(session, row.id, EndReason.PASSWORD_CHANGED)
    _audit(session, "account.totp_reset", row, actor)
    return Ended(ended)


def _audit(session: Session, action: str, row: Account, actor: Principal | None) -> None:
    account_audit(
        session,
        action=action,
        username=row.username,
        actor=actor.name if actor else "absah (command line)",
        actor_key_id=actor.key_id if actor else None,
        actor_account_id=actor.account_id if actor else None,
    )


def list_accounts(session: Session) -> list[Account]:
    return list(session.scalars(sa.select(Account).order_by(Account.username)))


def has_admin_account(session: Session) -> bool:
    return bool(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Account)
            .where(Account.role == Role.ADMIN, Account.active.is_(True))
        )
    )
