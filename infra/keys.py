"""API keys: minted with a random secret, stored as a SHA-256 hash, looked up by their prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.tables import ApiKey, Region, ReviewClaim, Unit, utcnow
from infra.text import control_characters
from infra.units import canonical_code
from infra.web_sessions import EndReason, end_sessions_of_key


class Role(StrEnum):
    PORTAL = "portal"  # submits and reads for the units (or region) it is bound to
    UNIT = "unit"  # one unit's operator
    VERIFIER = "verifier"  # a Kanwil: a region and its units
    ADMIN = "admin"


class KeyRefused(ValueError):
    """A key request that cannot be granted; the message says why."""


@dataclass(frozen=True)
class Principal:
    """Who is calling, and which units they may see: a key (machines, the API), or a person's
    account signed in to the pages (then `account_id` is set, `key_id` is None, and role and
    scope come from the account, so every scope check is the same for both)."""

    key_id: str | None
    name: str
    role: Role
    unit_codes: frozenset[str]
    region_code: str | None
    account_id: str | None = None
    username: str | None = None

    @property
    def owner_id(self) -> str:
        """Whose are the things this caller makes (idempotency records, uploads, webhook
        endpoints): the key's id, else the account's (both are UUIDs: they never collide)."""
        owner = self.key_id or self.account_id
        assert owner is not None, "a principal is a key or an account"
        return owner

    def is_holder(self, key_id: str | None, account_id: str | None) -> bool:
        """Did this caller (the person, else the key) make a claim or decision recorded with
        these ids?"""
        if self.account_id is not None:
            return account_id == self.account_id
        return account_id is None and key_id is not None and key_id == self.key_id

    def can_see(self, unit_code: str, region_code: str) -> bool:
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.VERIFIER:
            return region_code == self.region_code
        if self.role is Role.PORTAL and self.region_code and region_code == self.region_code:
            return True
        return unit_code in self.unit_codes

    @property
    def can_submit(self) -> bool:
        return self.role in {Role.PORTAL, Role.UNIT, Role.ADMIN}


@dataclass(frozen=True)
class NewKey:
    id: str
    prefix: str
    secret: str  # shown once


def _hash(secret: str) -> str:
    # Keys carry 256 bits of randomness: a plain SHA-256 is enough, no slow KDF needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session,
    *,
    role: Role,
    name: str,
    units: list[str] | None = None,
    region: str | None = None,
) -> NewKey:
    codes = sorted({canonical_code(u) for u in units or []})
    if found := control_characters(name, frozenset()):
        raise KeyRefused(f"the key name contains control characters ({', '.join(found)})")
    if role is Role.UNIT and len(codes) != 1:
        raise KeyRefused("a unit key needs exactly one --unit")
    if role is Role.VERIFIER and (not region or codes):
        raise KeyRefused("a verifier key needs --region (and no --unit)")
    if role is Role.PORTAL and not (codes or region):
        raise KeyRefused("a portal key needs --unit (one or more) or --region")
    if role is Role.ADMIN and (codes or region):
        raise KeyRefused("an admin key is not bound to units or a region")
    for code in codes:
        if session.get(Unit, code) is None:
            raise KeyRefused(f"unit {code} is not registered")
    if region and session.get(Region, region) is None:
        raise KeyRefused(f"region {region} is not registered")
    prefix = secrets.token_hex(4)
    secret = f"absah_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        prefix=prefix,
        secret_hash=_hash(secret),
        name=name,
        role=role,
        unit_codes=codes,
        region_code=region,
    )
    session.add(row)
    session.flush()
    return NewKey(row.id, prefix, secret)


def authenticate(session: Session, secret: str) -> Principal | None:
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != "absah":
        return None
    row = session.scalars(sa.select(ApiKey).where(ApiKey.prefix == parts[1])).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    return _principal(row)


def principal_for_key_id(session: Session, key_id: str) -> Principal | None:
    """The principal of a key by its id (a signed-in page session holds the id, never the
    secret); None once the key is revoked or gone, so revoking also ends page sessions."""
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return None
    return _principal(row)


def _principal(row: ApiKey) -> Principal:
    return Principal(row.id, row.name, Role(row.role), frozenset(row.unit_codes), row.region_code)


@dataclass(frozen=True)
class Revoked:
    key_id: str
    sessions_ended: int  # signed-in pages of the key
    claims_released: int  # submissions the key held for review


def revoke_key(session: Session, prefix_or_id: str) -> Revoked | None:
    """End a key and what it holds: its page sessions end and its review claims are released
    (a revoked verifier must not keep a submission away from the others). None: no such
    active key."""
    key_id = session.scalar(
        sa.select(ApiKey.id)
        .where(
            sa.or_(ApiKey.prefix == prefix_or_id, ApiKey.id == prefix_or_id),
            ApiKey.revoked_at.is_(None),
        )
        .with_for_update()
    )
    if key_id is None:
        return None
    session.execute(sa.update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=utcnow()))
    ended = end_sessions_of_key(session, key_id, EndReason.KEY_REVOKED)
    released = session.execute(sa.delete(ReviewClaim).where(ReviewClaim.claimed_by == key_id))
    return Revoked(key_id, ended, int(released.rowcount))  # type: ignore[attr-defined]


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(sa.select(ApiKey).order_by(ApiKey.created_at)))


def has_admin_key(session: Session) -> bool:
    return bool(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(ApiKey)
            .where(ApiKey.role == Role.ADMIN, ApiKey.revoked_at.is_(None))
        )
    )
