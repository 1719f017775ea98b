"""Masuk and keluar: sign in by pasting a verifier key (checked like any API key), sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.exc import OperationalError

from infra.keys import authenticate
from intake.deps import Runtime
from intake.errors import database_unavailable
from intake.web.render import page, redirect
from intake.web.session import (
    SIGN_IN_ROLES,
    check_csrf,
    current_viewer,
    flash,
    home_of,
    local_path,
    sign_in,
    sign_out,
)

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


@router.get("/ui/masuk")
def sign_in_page(request: Request, rt: Runtime, lanjut: str | None = None) -> Response:
    viewer = current_viewer(request, rt)
    if viewer is not None:
        return redirect(home_of(viewer, lanjut))
    return page(request, "masuk.html", None, lanjut=local_path(lanjut), error=None)


@router.post("/ui/masuk")
def sign_in_form(
    request: Request, rt: Runtime, kunci: FormText = "", csrf: FormText = "", lanjut: FormText = ""
) -> Response:
    check_csrf(request, csrf)
    secret = kunci.strip()
    try:
        with rt.sessions() as session:
            principal = authenticate(session, secret) if secret else None
    except OperationalError as exc:
        raise database_unavailable() from exc
    error = None
    if principal is None:
        error = "Kunci tidak dikenal, tidak lengkap, atau sudah dicabut. Periksa lalu coba lagi."
    elif principal.role not in SIGN_IN_ROLES:
        error = (
            f"Kunci ini berperan '{principal.role}'. Halaman Absah hanya untuk kunci "
            "verifikator Kanwil, admin, atau operator unit."
        )
    if error or principal is None:
        status = 401 if principal is None else 403
        return page(
            request, "masuk.html", None, status=status, lanjut=local_path(lanjut), error=error
        )
    sign_in(request, rt, principal)
    flash(request, f"Selamat datang, {principal.name}.")
    return redirect(home_of(principal, lanjut))


@router.get("/ui/keluar")
def sign_out_page(request: Request, rt: Runtime) -> Response:
    """Signing out is a form (POST with its token); this page offers the button."""
    if current_viewer(request, rt) is None:
        return redirect("/ui/masuk")
    return page(request, "keluar.html", None)


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
    return redirect(home_of(viewer) if viewer else "/ui/masuk")
