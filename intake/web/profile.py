"""Akun saya: who the signed-in person is, changing their own password (every other session
of the account ends, this one gets a new id), the way to the second factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from infra.accounts import set_password
from infra.db import transaction
from infra.lockout import record_failure
from infra.passwords import PasswordRefused, verify_password
from infra.tables import Account
from intake.deps import Runtime
from intake.web.render import page, redirect
from intake.web.session import Person, check_csrf, flash, home_of, sign_in

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


def _page(
    request: Request,
    rt: Runtime,
    viewer: Person,
    account: Account | None,
    status: int = 200,
    **errors: str,
) -> Response:
    return page(
        request,
        "akun.html",
        viewer,
        status=status,
        account=account,
        error=errors.get("error"),
        section="akun",
        home=home_of(viewer),
        password_min=rt.settings.password_min_length,
    )


@router.get("/ui/akun")
def account_page(request: Request, rt: Runtime, viewer: Person) -> Response:
    if viewer.account_id is None:
        return _page(request, rt, viewer, None)
    with rt.sessions() as session:
        account = session.get(Account, viewer.account_id)
    return _page(request, rt, viewer, account)


@router.post("/ui/akun/sandi")
def change_password(
    request: Request,
    rt: Runtime,
    viewer: Person,
    lama: FormText = "",
    baru: FormText = "",
    ulangi: FormText = "",
    csrf: FormText = "",
) -> Response:
    """The current password first (a stolen session alone cannot take the account over)."""
    check_csrf(request, csrf)
    if viewer.account_id is None:
        return redirect("/ui/akun")
    error = None
    with transaction(rt.sessions) as session:
        account = session.get(Account, viewer.account_id, with_for_update=True)
        assert account is not None
        if not verify_password(rt.settings, account.password_hash, lama):
            record_failure(session, rt.settings, account.username)
            error = "Kata sandi sekarang salah."
        elif baru != ulangi:
            error = "Kata sandi baru dan ulangannya berbeda."
        else:
            try:
                set_password(session, rt.settings, account, baru, actor=viewer)
            except PasswordRefused as refused:
                error = refused.message

    if error is not None:
        return _page(request, rt, viewer, account, 422, error=error)
    sign_in(request, rt, viewer)  # every session ended, this one too: start a new one
    flash(request, "Kata sandi sudah diganti. Sesi lain akun ini sudah diakhiri.")
    return redirect("/ui/akun")
