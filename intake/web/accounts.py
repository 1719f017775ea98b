"""Admin pages: accounts (create, disable, enable, new password, reset the second factor) and
API keys (mint, shown once; revoke). Secrets are shown once on the answer to the form, never
stored in the clear nor in the cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from sqlalchemy.orm import Session

from infra.accounts import (
    AccountRefused,
    create_account,
    disable_account,
    enable_account,
    list_accounts,
    reset_second_factor,
    set_password,
)
from infra.db import transaction
from infra.keys import KeyRefused, Principal, Role, create_key, list_keys, revoke_key
from infra.passwords import PasswordRefused, random_password
from infra.tables import Account, ApiKey, Region
from intake.deps import Runtime
from intake.web.render import page, redirect
from intake.web.session import AdminViewer, check_csrf, flash

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
ACCOUNTS, KEYS = "/ui/admin/akun", "/ui/admin/kunci"


@dataclass(frozen=True)
class HolderForm:
    """What the new-account and the new-key forms both send about who will hold it (the CSRF
    token is checked on the way in): a name, a role (None when not one of Role), a region and
    the unit field as typed."""

    name: str
    role: Role | None
    region: str | None
    unit: str


def holder_form(
    request: Request,
    nama: FormText = "",
    peran: FormText = "",
    wilayah: FormText = "",
    unit: FormText = "",
    csrf: FormText = "",
) -> HolderForm:
    check_csrf(request, csrf)
    role = Role(peran) if peran in {r.value for r in Role} else None
    return HolderForm(nama, role, wilayah.strip() or None, unit)


Holder = Annotated[HolderForm, Depends(holder_form)]


def _regions(session: Session) -> list[Region]:
    return list(session.query(Region).order_by(Region.code))


def _accounts_page(
    request: Request, rt: Runtime, viewer: Principal, status: int = 200, error: str | None = None
) -> Response:
    with rt.sessions() as session:
        rows, regions = list_accounts(session), _regions(session)
    return page(
        request,
        "admin-akun.html",
        viewer,
        status=status,
        accounts=rows,
        regions=regions,
        error=error,
        section="admin",
    )


def _once(request: Request, viewer: Principal, title: str, what: str, secret: str) -> Response:
    """A secret on the answer to the form: never again (the page is not cached)."""
    return page(
        request,
        "admin-sekali.html",
        viewer,
        title=title,
        what=what,
        secret=secret,
        section="admin",
    )


@router.get(ACCOUNTS)
def accounts_page(request: Request, rt: Runtime, viewer: AdminViewer) -> Response:
    return _accounts_page(request, rt, viewer)


@router.post(ACCOUNTS)
def create_account_form(
    request: Request, rt: Runtime, viewer: AdminViewer, holder: Holder, username: FormText = ""
) -> Response:
    password = random_password()
    try:
        with transaction(rt.sessions) as session:
            row = create_account(
                session,
                rt.settings,
                username=username,
                name=holder.name,
                role=holder.role or Role.PORTAL,
                region=holder.region,
                unit=holder.unit.strip() or None,
                password=password,
            )
            username = row.username
    except (AccountRefused, PasswordRefused) as refused:
        message = refused.message_id if isinstance(refused, AccountRefused) else refused.message
        return _accounts_page(request, rt, viewer, 422, message)
    what = f"Akun {username} dibuat. Berikan kata sandi awal ini kepada pemiliknya"
    return _once(request, viewer, "Akun dibuat", what, password)


def _account_action(
    request: Request, rt: Runtime, viewer: Principal, account_id: str, csrf: str, action: str
) -> Response:
    check_csrf(request, csrf)
    password = random_password() if action == "sandi" else None
    with transaction(rt.sessions) as session:
        row = session.get(Account, account_id, with_for_update=True)
        if row is None:
            return _accounts_page(request, rt, viewer, 404, "Akun tidak ditemukan.")
        if action == "nonaktifkan":
            if row.id == viewer.account_id:
                return _accounts_page(
                    request, rt, viewer, 422, "Anda tidak dapat menonaktifkan akun sendiri."
                )
            ended = disable_account(session, row, viewer)
            message = (
                f"Akun {row.username} dinonaktifkan; {ended.sessions_ended} sesi diakhiri, "
                f"{ended.claims_released} pengajuan dilepas."
            )
        elif action == "aktifkan":
            enable_account(session, row, viewer)
            message = f"Akun {row.username} diaktifkan lagi."
        elif action == "totp":
            reset_second_factor(session, row, viewer)
            message = f"Verifikasi dua langkah akun {row.username} diatur ulang."
        else:
            assert password is not None
            set_password(session, rt.settings, row, password, actor=viewer)
            username = row.username

    if password is not None:
        what = f"Kata sandi baru akun {username}; sesi lamanya sudah diakhiri. Berikan kepadanya"
        return _once(request, viewer, "Kata sandi baru", what, password)
    flash(request, message)
    return redirect(ACCOUNTS)


@router.post(ACCOUNTS + "/{account_id}/{action}")
def account_action_form(
    request: Request,
    rt: Runtime,
    viewer: AdminViewer,
    account_id: str,
    action: str,
    csrf: FormText = "",
) -> Response:
    if action not in {"nonaktifkan", "aktifkan", "sandi", "totp"}:
        return _accounts_page(request, rt, viewer, 404, "Tindakan tidak dikenal.")
    return _account_action(request, rt, viewer, account_id, csrf, action)


# ---- API keys ---------------------------------------------------------------------------


def _keys_page(
    request: Request, rt: Runtime, viewer: Principal, status: int = 200, error: str | None = None
) -> Response:
    with rt.sessions() as session:
        rows, regions = list_keys(session), _regions(session)
    return page(
        request,
        "admin-kunci.html",
        viewer,
        status=status,
        keys=rows,
        regions=regions,
        error=error,
        section="admin",
    )


@router.get(KEYS)
def keys_page(request: Request, rt: Runtime, viewer: AdminViewer) -> Response:
    return _keys_page(request, rt, viewer)


@router.post(KEYS)
def create_key_form(request: Request, rt: Runtime, viewer: AdminViewer, holder: Holder) -> Response:
    name = holder.name.strip()
    if holder.role is None or not name:
        return _keys_page(request, rt, viewer, 422, "Pilih peran dan isi nama pemegang kunci.")
    units = [u.strip() for u in holder.unit.replace(",", " ").split() if u.strip()]
    try:
        with transaction(rt.sessions) as session:
            new = create_key(
                session, role=holder.role, name=name, units=units, region=holder.region
            )
    except KeyRefused as refused:
        return _keys_page(request, rt, viewer, 422, f"Kunci tidak dapat dibuat: {refused}.")
    what = f"Kunci {new.prefix} ({holder.role.value}) untuk {name}. Salin sekarang"
    return _once(request, viewer, "Kunci API dibuat", what, new.secret)


@router.post(KEYS + "/{key_id}/cabut")
def revoke_key_form(
    request: Request, rt: Runtime, viewer: AdminViewer, key_id: str, csrf: FormText = ""
) -> Response:
    check_csrf(request, csrf)
    with transaction(rt.sessions) as session:
        row = session.get(ApiKey, key_id)
        done = revoke_key(session, key_id) if row is not None else None

    if done is None or row is None:
        return _keys_page(request, rt, viewer, 404, "Kunci tidak ditemukan atau sudah dicabut.")
    flash(
        request,
        f"Kunci {row.prefix} dicabut; {done.sessions_ended} sesi diakhiri, "
        f"{done.claims_released} pengajuan dilepas.",
    )
    return redirect(KEYS)
