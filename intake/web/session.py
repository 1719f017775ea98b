"""Signed-in people: the session cookie (signed; it carries a server-side session's token,
never a password or key), who is viewing (an account, or a key where key sign-in is on), what
each role may open, CSRF tokens for forms and one-shot flash messages."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware

from infra.accounts import principal_of
from infra.db import transaction
from infra.encryption import kept_secret
from infra.keys import Principal, Role, principal_for_key_id
from infra.settings import Settings
from infra.tables import Account, utcnow
from infra.web_sessions import (
    EndReason,
    SessionLimits,
    check_session,
    end_session,
    start_session,
)
from intake.deps import Runtime

log = logging.getLogger(__name__)

COOKIE = "absah_sesi"
COOKIE_PATH = "/ui"  # the API never receives it: the API authenticates keys only
SESSION_KEY = "sid"  # the cookie's field holding the server-side session's token
PAGE_ROLES = frozenset({Role.VERIFIER, Role.UNIT, Role.ADMIN})  # who may sign in to pages
REVIEW_ROLES = frozenset({Role.VERIFIER, Role.ADMIN})  # the queue, submissions, matrix
OPERATOR_ROLES = frozenset({Role.UNIT})  # /ui/unggah: the page takes the unit from the account
ADMIN_ROLES = frozenset({Role.ADMIN})
HOME = "/ui/antrean"
UPLOAD_HOME = "/ui/unggah"
TOTP_SETUP = "/ui/akun/totp"


def home_of(principal: Principal) -> str:
    return UPLOAD_HOME if principal.role is Role.UNIT else HOME


class SignInRequired(Exception):
    """No (or no longer a valid) session: answered with a redirect to the sign-in page."""

    def __init__(self, back_to: str, *, setup: bool = False) -> None:
        super().__init__(back_to)
        self.back_to = back_to
        self.setup = setup  # signed in, but the second factor must be set up first


class PageRefused(Exception):
    """A page request refused with a message for the person (403 on a bad CSRF token…)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def session_secret(settings: Settings) -> str:
    """ABSAH_SESSION_SECRET, else a random one kept in data_dir/session-secret (0600): it
    survives restarts and is shared by every API process on this machine (uvicorn --workers)."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    path = settings.data_dir / "session-secret"
    try:
        return kept_secret(path)
    except OSError as exc:
        log.warning("cannot keep the session secret in %s (%s): sessions end on restart", path, exc)
        return secrets.token_urlsafe(48)


def add_session_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=COOKIE,
        max_age=int(settings.session_max_hours * 3600),  # the server ends it anyway
        path=COOKIE_PATH,
        same_site="lax",
        https_only=(settings.public_base_url or "").startswith("https://"),
    )


def local_path(value: str | None, default: str = HOME) -> str:
    """A redirect target only if it is a page of ours (no open redirect)."""
    if (
        value
        and value.startswith("/ui/")
        and not any(c in value for c in "\\\r\n")
        and "//" not in value
    ):
        return value
    return default


def csrf_token(request: Request) -> str:
    """The session's form token, made on first use (the sign-in page makes it before sign-in)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise PageRefused(
            403,
            "Formulir ini sudah kedaluwarsa atau tidak berasal dari halaman Absah. "
            "Muat ulang halaman, lalu coba lagi.",
        )


def flash(request: Request, text: str, kind: str = "ok", where: str | None = None) -> None:
    """A message shown once on the next page (kind: ok or error), at the top or, with `where`,
    beside that part of the page (a criterion the redirect scrolls to)."""
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "text": text, "where": where})
    request.session["flash"] = messages[-5:]


def take_flashes(request: Request) -> list[dict[str, Any]]:
    if "flash" not in request.session:
        return []
    messages: list[dict[str, Any]] = request.session.pop("flash")
    return messages


def session_limits(settings: Settings) -> SessionLimits:
    return SessionLimits(
        max_age=timedelta(hours=settings.session_max_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )


def _ended_message(reason: EndReason, settings: Settings) -> str:
    if reason is EndReason.KEY_REVOKED:
        return "Sesi Anda berakhir karena kunci sudah dicabut. Masuk lagi."
    if reason is EndReason.KEY_SIGNIN_OFF:
        return "Masuk dengan kunci API sudah dimatikan. Masuk dengan akun Anda."
    if reason is EndReason.ACCOUNT_DISABLED:
        return "Sesi Anda berakhir karena akun Anda dinonaktifkan. Hubungi admin Absah."
    if reason is EndReason.PASSWORD_CHANGED:
        return "Sesi Anda berakhir karena kata sandi atau faktor kedua akun ini diubah. Masuk lagi."
    if reason is EndReason.IDLE:
        return (
            "Sesi Anda berakhir karena tidak ada aktivitas selama "
            f"{settings.session_idle_minutes:g} menit. Masuk lagi."
        )
    if reason is EndReason.EXPIRED:
        return (
            f"Sesi Anda sudah berakhir ({settings.session_max_hours:g} jam sejak masuk). "
            "Masuk lagi."
        )
    return "Sesi ini sudah berakhir. Masuk lagi."


def sign_in(request: Request, rt: Runtime, principal: Principal) -> None:
    """A new server-side session with a new token (the old one, if any, ends: the id is
    rotated at every sign-in) and a fresh CSRF token."""
    old = request.session.get(SESSION_KEY)
    with transaction(rt.sessions) as session:
        if isinstance(old, str):
            end_session(session, old, EndReason.SIGNED_IN_AGAIN)
        token = start_session(
            session,
            principal.key_id if principal.account_id is None else None,
            session_limits(rt.settings),
            account_id=principal.account_id,
        )
        if principal.account_id is not None:
            account = session.get(Account, principal.account_id)
            if account is not None:
                account.last_sign_in_at = utcnow()

    request.session.clear()
    request.session[SESSION_KEY] = token
    csrf_token(request)


def current_token(request: Request) -> str | None:
    token = request.session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def sign_out(request: Request, rt: Runtime) -> None:
    """End the server-side session: a copy of the cookie taken before is worth nothing."""
    token = current_token(request)
    if token is not None:
        with transaction(rt.sessions) as session:
            end_session(session, token, EndReason.SIGNED_OUT)

    request.session.clear()


def current_viewer(request: Request, rt: Runtime) -> Principal | None:
    """The person (or key) of a live session, checked on the server on every request (ended,
    expired, idle, the key revoked or the account disabled → None, the cookie cleared, a
    message flashed). Sets request.state.needs_second_factor for an admin without TOTP."""
    token = current_token(request)
    if token is None:
        return None
    request.state.needs_second_factor = False
    with transaction(rt.sessions) as session:
        checked = check_session(session, token, session_limits(rt.settings))
        principal, ended = None, checked.ended
        if checked.account_id is not None:
            account = session.get(Account, checked.account_id)
            if account is None or not account.active:
                end_session(session, token, EndReason.ACCOUNT_DISABLED)
                ended = EndReason.ACCOUNT_DISABLED
            else:
                principal = principal_of(account)
                request.state.needs_second_factor = (
                    account.role == Role.ADMIN
                    and account.totp_enabled_at is None
                    and account.oidc_subject is None
                )
        elif checked.key_id is not None and not rt.settings.ui_key_signin:
            end_session(session, token, EndReason.KEY_SIGNIN_OFF)
            ended = EndReason.KEY_SIGNIN_OFF
        elif checked.key_id is not None:
            principal = principal_for_key_id(session, checked.key_id)
            if principal is None or principal.role not in PAGE_ROLES:
                end_session(session, token, EndReason.KEY_REVOKED)  # a key gone or changed
                principal, ended = None, EndReason.KEY_REVOKED

    if principal is None:
        request.session.clear()
        if ended is not None:
            flash(request, _ended_message(ended, rt.settings), "error")
    return principal


def _back_to(request: Request) -> str:
    if request.method != "GET":  # a form posted after the session ended: start from home
        return HOME
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def signed_in_as(roles: frozenset[Role]) -> Callable[[Request, Runtime], Principal]:
    """A dependency: the signed-in person if their role may open the page (else a page
    saying so), or a redirect to the sign-in page. An admin who has not set up the second
    factor yet is sent to set it up first."""

    def dependency(request: Request, rt: Runtime) -> Principal:
        principal = current_viewer(request, rt)
        if principal is None:
            raise SignInRequired(_back_to(request))
        request.state.principal = principal
        if getattr(request.state, "needs_second_factor", False) and not (
            request.url.path.startswith(TOTP_SETUP) or request.url.path == "/ui/keluar"
        ):
            raise SignInRequired(TOTP_SETUP, setup=True)
        if principal.role not in roles:
            raise PageRefused(
                403,
                "Halaman ini bukan untuk peran akun Anda. "
                + (
                    "Operator unit mengunggah berkas di halaman Unggah."
                    if principal.role is Role.UNIT
                    else "Buka halaman antrean."
                ),
            )
        return principal

    return dependency


def signed_in(request: Request, rt: Runtime) -> Principal:
    """The signed-in verifier or admin, or a redirect to the sign-in page."""
    return signed_in_as(REVIEW_ROLES)(request, rt)


Viewer = Annotated[Principal, Depends(signed_in)]
Person = Annotated[Principal, Depends(signed_in_as(PAGE_ROLES))]
Operator = Annotated[Principal, Depends(signed_in_as(OPERATOR_ROLES))]
AdminViewer = Annotated[Principal, Depends(signed_in_as(ADMIN_ROLES))]
