"""Masuk and keluar: sign in with a username and password (then the TOTP code, when the
account has one), or by pasting an API key where an admin turned that on; sign out."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from infra.accounts import Outcome, check_password, principal_of
from infra.db import transaction
from infra.keys import Principal, authenticate
from infra.lockout import clear_failures
from intake.deps import Runtime
from intake.web.render import page, redirect
from intake.web.second_factor import PENDING, check_code
from intake.web.session import (
    HOME,
    PAGE_ROLES,
    check_csrf,
    current_viewer,
    flash,
    home_of,
    local_path,
    sign_in,
    sign_out,
)
from intake.workspace.dates import tanggal

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
PENDING_SECONDS = 300  # between the password and the code
WRONG = "Nama pengguna atau kata sandi salah. Periksa lalu coba lagi."


def locked_message(until_text: str) -> str:
    return (
        "Terlalu banyak percobaan yang salah: akun ini dikunci sementara sampai "
        f"{until_text}. Coba lagi setelah itu, atau hubungi admin Absah."
    )


def _form(
    request: Request, rt: Runtime, lanjut: str, status: int = 200, **errors: str | None
) -> HTMLResponse:
    return page(
        request,
        "masuk.html",
        None,
        status=status,
        lanjut=lanjut,
        error=errors.get("error"),
        key_error=errors.get("key_error"),
        username=errors.get("username") or "",
        key_signin=rt.settings.ui_key_signin,
        sso=rt.settings.oidc_label if rt.settings.oidc_enabled() else None,
        session_hours=f"{rt.settings.session_max_hours:g}",
        idle_minutes=f"{rt.settings.session_idle_minutes:g}",
    )


@router.get("/ui/masuk")
def sign_in_page(request: Request, rt: Runtime, lanjut: str | None = None) -> Response:
    if (viewer := current_viewer(request, rt)) is not None:
        return redirect(local_path(lanjut, home_of(viewer)))
    return _form(request, rt, local_path(lanjut, ""))


def _finish(request: Request, rt: Runtime, principal: Principal, lanjut: str) -> Response:
    sign_in(request, rt, principal)
    flash(request, f"Selamat datang, {principal.name}.")
    return redirect(local_path(lanjut, home_of(principal)))


@router.post("/ui/masuk")
def sign_in_form(
    request: Request,
    rt: Runtime,
    username: FormText = "",
    password: FormText = "",
    kunci: FormText = "",
    csrf: FormText = "",
    lanjut: FormText = "",
) -> Response:
    check_csrf(request, csrf)
    lanjut = local_path(lanjut, "")
    if kunci.strip():
        return _key_sign_in(request, rt, kunci.strip(), lanjut)
    if not username.strip() or not password:
        return _form(request, rt, lanjut, 401, error=WRONG, username=username)
    with transaction(rt.sessions) as session:  # commits the failures too
        attempt = check_password(session, rt.settings, username, password)
        account = attempt.account
        principal = principal_of(account) if account else None
        has_totp = account is not None and account.totp_enabled_at is not None
        if attempt.outcome is Outcome.OK and account is not None and not has_totp:
            clear_failures(session, account.username)

    if attempt.outcome is Outcome.LOCKED:
        until = tanggal(attempt.locked_until, with_time=True) if attempt.locked_until else ""
        return _form(request, rt, lanjut, 429, error=locked_message(until), username=username)
    if attempt.outcome is Outcome.DISABLED:
        error = "Akun ini dinonaktifkan. Hubungi admin Absah."
        return _form(request, rt, lanjut, 403, error=error, username=username)
    if attempt.outcome is not Outcome.OK or principal is None:
        return _form(request, rt, lanjut, 401, error=WRONG, username=username)
    if has_totp:
        sign_out(request, rt)  # an earlier session ends; nothing of it survives into this one
        request.session[PENDING] = {
            "account": principal.account_id,
            "until": time.time() + PENDING_SECONDS,
            "lanjut": lanjut,
        }
        return redirect("/ui/masuk/kode")
    return _finish(request, rt, principal, lanjut)


def _key_sign_in(request: Request, rt: Runtime, secret: str, lanjut: str) -> Response:
    if not rt.settings.ui_key_signin:
        error = (
            "Masuk dengan kunci API tidak diaktifkan di server ini. Masuk dengan nama pengguna "
            "dan kata sandi akun Anda."
        )
        return _form(request, rt, lanjut, 403, error=error)
    with rt.sessions() as session:
        principal = authenticate(session, secret)

    if principal is None:
        error = "Kunci tidak dikenal, tidak lengkap, atau sudah dicabut. Periksa lalu coba lagi."
        return _form(request, rt, lanjut, 401, key_error=error)
    if principal.role not in PAGE_ROLES:
        error = (
            f"Kunci ini berperan '{principal.role}'. Halaman Absah hanya untuk kunci "
            "verifikator Kanwil, operator unit, atau admin."
        )
        return _form(request, rt, lanjut, 403, key_error=error)
    return _finish(request, rt, principal, lanjut)


@router.get("/ui/masuk/kode")
def code_page(request: Request, rt: Runtime) -> Response:
    if not _pending(request):
        return redirect("/ui/masuk")
    return page(request, "masuk-kode.html", None, error=None)


@router.post("/ui/masuk/kode")
def code_form(request: Request, rt: Runtime, kode: FormText = "", csrf: FormText = "") -> Response:
    check_csrf(request, csrf)
    pending = _pending(request)
    if pending is None:
        flash(request, "Waktu memasukkan kode habis. Masuk lagi.", "error")
        return redirect("/ui/masuk")
    checked = check_code(rt, str(pending["account"]), kode)
    if checked.locked_until is not None:
        request.session.pop(PENDING, None)
        until = tanggal(checked.locked_until, with_time=True)
        return _form(request, rt, "", 429, error=locked_message(until))
    if checked.principal is None:
        error = "Kode salah atau sudah dipakai. Masukkan kode yang sedang tampil di aplikasi."
        return page(request, "masuk-kode.html", None, status=401, error=error)
    if checked.recovery_left is not None:
        flash(
            request,
            f"Kode pemulihan dipakai; tersisa {checked.recovery_left}. Buat kode baru di "
            "halaman Akun bila hampir habis.",
        )
    return _finish(request, rt, checked.principal, str(pending.get("lanjut") or ""))


def _pending(request: Request) -> dict[str, object] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or float(pending.get("until", 0)) < time.time():
        return None
    return pending


@router.get("/ui/keluar")
def sign_out_page(request: Request, rt: Runtime) -> Response:
    """Signing out is a form (POST with its token); this page offers the button."""
    if (viewer := current_viewer(request, rt)) is None:
        return redirect("/ui/masuk")
    return page(request, "keluar.html", viewer, home=home_of(viewer))


@router.post("/ui/keluar")
def sign_out_form(request: Request, rt: Runtime, csrf: FormText = "") -> Response:
    check_csrf(request, csrf)
    sign_out(request, rt)
    flash(request, "Anda sudah keluar.")
    return redirect("/ui/masuk")


@router.get("/")
@router.get("/ui")
@router.get("/ui/")
def home(request: Request, rt: Runtime) -> Response:
    viewer = current_viewer(request, rt)
    return redirect(home_of(viewer) if viewer else HOME)
