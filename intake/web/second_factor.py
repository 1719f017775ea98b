"""The second factor on the pages: the code asked after the password (a TOTP code, or a
recovery code once), and the page that sets TOTP up with a QR code and recovery codes.
Optional for verifiers and operators, required for admins (they are sent here first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from infra.accounts import principal_of
from infra.audit import account_audit
from infra.db import transaction
from infra.encryption import seal, secret_key, unseal
from infra.keys import Principal, Role
from infra.lockout import clear_failures, locked_until, record_failure
from infra.settings import Settings
from infra.tables import Account, utcnow
from infra.totp import (
    looks_like_recovery_code,
    matching_step,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_svg,
    recovery_hash,
)
from infra.web_sessions import EndReason, end_sessions_of_account
from intake.deps import Runtime
from intake.web.render import page, redirect
from intake.web.session import TOTP_SETUP, Person, check_csrf, current_token, flash, home_of

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
PENDING = "mfa"  # the cookie's field: the account whose password was right, awaiting a code


def _bound(account: Account) -> str:
    return f"{account.id}:totp"


def _secret(settings: Settings, account: Account, stored: str) -> str:
    return unseal(secret_key(settings), stored, _bound(account))


@dataclass(frozen=True)
class CodeChecked:
    principal: Principal | None  # None: wrong, used already, or the account is gone
    locked_until: datetime | None = None
    recovery_left: int | None = None  # a recovery code was used; how many are left


def _take_code(session: Session, settings: Settings, account: Account, code: str) -> bool:
    """Use a TOTP code (each time step once: a compare-and-set on the last step) or a
    recovery code (removed once used)."""
    if looks_like_recovery_code(code):
        digest = recovery_hash(code)
        if digest not in account.recovery_codes:
            return False
        account.recovery_codes = [c for c in account.recovery_codes if c != digest]
        return True
    if account.totp_secret is None:
        return False
    secret = _secret(settings, account, account.totp_secret)
    step = matching_step(secret, code, account.totp_last_step, utcnow())
    if step is None:
        return False
    used = session.execute(
        sa.update(Account)
        .where(
            Account.id == account.id,
            sa.or_(Account.totp_last_step.is_(None), Account.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return bool(used.rowcount)  # type: ignore[attr-defined]


def check_code(rt: Runtime, account_id: str, code: str) -> CodeChecked:
    """The code after a right password; a wrong one counts toward the lockout like a wrong
    password (guessing six digits is no easier than guessing a password)."""
    with transaction(rt.sessions) as session:
        account = session.get(Account, account_id, with_for_update=True)
        if account is None or not account.active or account.totp_enabled_at is None:
            return CodeChecked(None)
        if until := locked_until(session, rt.settings, account.username):
            return CodeChecked(None, until)
        before = len(account.recovery_codes)
        if not _take_code(session, rt.settings, account, code.strip()):
            return CodeChecked(None, record_failure(session, rt.settings, account.username))
        clear_failures(session, account.username)
        left = len(account.recovery_codes)
        return CodeChecked(principal_of(account), None, left if left < before else None)


def _setup_page(
    request: Request,
    viewer: Principal,
    account: Account,
    settings: Settings,
    *,
    status: int = 200,
    error: str | None = None,
    codes: list[str] | None = None,
) -> Response:
    qr = secret = None
    if account.totp_enabled_at is None and account.totp_pending is not None:
        secret = _secret(settings, account, account.totp_pending)
        qr = qr_svg(provisioning_uri(secret, account.username))
    return page(
        request,
        "totp.html",
        viewer,
        status=status,
        account=account,
        qr=qr,
        secret=secret,
        required=viewer.role is Role.ADMIN,
        error=error,
        codes=codes,
        home=home_of(viewer),
        section="akun",
    )


@router.get(TOTP_SETUP)
def setup_page(request: Request, rt: Runtime, viewer: Person) -> Response:
    if viewer.account_id is None:
        return redirect(home_of(viewer))
    with transaction(rt.sessions) as session:
        account = session.get(Account, viewer.account_id)
        assert account is not None
        if account.totp_enabled_at is None and account.totp_pending is None:
            # the same secret on every reload, until it is confirmed
            account.totp_pending = seal(secret_key(rt.settings), new_secret(), _bound(account))

    return _setup_page(request, viewer, account, rt.settings)


@router.post(TOTP_SETUP)
def setup_form(
    request: Request, rt: Runtime, viewer: Person, kode: FormText = "", csrf: FormText = ""
) -> Response:
    """Confirm with a code from the app: TOTP is on, recovery codes are shown once, and the
    account's other sessions end."""
    check_csrf(request, csrf)
    if viewer.account_id is None:
        return redirect(home_of(viewer))
    codes = new_recovery_codes()
    with transaction(rt.sessions) as session:
        account = session.get(Account, viewer.account_id, with_for_update=True)
        assert account is not None
        if account.totp_enabled_at is not None or account.totp_pending is None:
            return redirect(TOTP_SETUP)
        secret = _secret(rt.settings, account, account.totp_pending)
        step = matching_step(secret, kode, None, utcnow())
        if step is None:
            error = "Kode tidak cocok. Masukkan enam angka yang sedang tampil di aplikasi."
            return _setup_page(request, viewer, account, rt.settings, status=422, error=error)
        account.totp_secret, account.totp_pending = account.totp_pending, None
        account.totp_enabled_at, account.totp_last_step = utcnow(), step
        account.recovery_codes = [recovery_hash(c) for c in codes]
        end_sessions_of_account(
            session, account.id, EndReason.PASSWORD_CHANGED, keep=current_token(request)
        )
        account_audit(
            session,
            action="account.totp_enabled",
            username=account.username,
            actor=viewer.name,
            actor_account_id=viewer.account_id,
        )

    flash(request, "Verifikasi dua langkah aktif.")
    return _setup_page(request, viewer, account, rt.settings, codes=codes)
