"""Signed-in verifiers: the session cookie (signed; it carries a server-side session's token,
never the key), who is viewing, CSRF tokens for forms and one-shot flash messages."""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from sqlalchemy.exc import OperationalError
from starlette.middleware.sessions import SessionMiddleware

from infra.db import transaction
from infra.encryption import kept_secret
from infra.keys import Principal, Role, principal_for_key_id
from infra.settings import Settings
from infra.web_sessions import (
    EndReason,
    SessionLimits,
    check_session,
    end_session,
    start_session,
)
from intake.deps import Runtime
from intake.errors import database_unavailable

log = logging.getLogger(__name__)

COOKIE = "absah_sesi"
COOKIE_PATH = "/ui"  # the API never receives it: the API authenticates keys only
SESSION_KEY = "sid"  # the cookie's field holding the server-side session's token
PAGE_ROLES = frozenset({Role.VERIFIER, Role.ADMIN})  # the verifiers' pages
OPERATOR_ROLES = frozenset({Role.UNIT})  # the operators' upload page (/ui/unggah) only
SIGN_IN_ROLES = PAGE_ROLES | OPERATOR_ROLES
HOME = "/ui/antrean"
OPERATOR_HOME = "/ui/unggah"


def home_of(principal: Principal, wanted: str | None = None) -> str:
    """Where a signed-in person goes: `wanted` if it is a page of theirs, else their start."""
    if principal.role in OPERATOR_ROLES:
        target = local_path(wanted, OPERATOR_HOME)
        return target if target.startswith(OPERATOR_HOME) else OPERATOR_HOME
    target = local_path(wanted)
    return HOME if target.startswith(OPERATOR_HOME) else target


class SignInRequired(Exception):
    """No (or no longer a valid) session: answered with a redirect to the sign-in page."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


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
    try:
        with transaction(rt.sessions) as session:
            if isinstance(old, str):
                end_session(session, old, EndReason.SIGNED_IN_AGAIN)
            token = start_session(session, principal.key_id, session_limits(rt.settings))
    except OperationalError as exc:
        raise database_unavailable() from exc
    request.session.clear()
    request.session[SESSION_KEY] = token
    csrf_token(request)


def sign_out(request: Request, rt: Runtime) -> None:
    """End the server-side session: a copy of the cookie taken before is worth nothing."""
    token = request.session.get(SESSION_KEY)
    if isinstance(token, str):
        try:
            with transaction(rt.sessions) as session:
                end_session(session, token, EndReason.SIGNED_OUT)
        except OperationalError as exc:
            raise database_unavailable() from exc
    request.session.clear()


def current_viewer(request: Request, rt: Runtime) -> Principal | None:
    """The verifier of a live session, checked on the server on every request (ended,
    expired, idle, or its key revoked → None, the cookie cleared, a message flashed)."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    try:
        with transaction(rt.sessions) as session:
            checked = check_session(session, token, session_limits(rt.settings))
            key_id, ended = checked.key_id, checked.ended
            principal = principal_for_key_id(session, key_id) if key_id else None
            if key_id and (principal is None or principal.role not in SIGN_IN_ROLES):
                end_session(session, token, EndReason.KEY_REVOKED)  # a key gone or changed
                principal, ended = None, EndReason.KEY_REVOKED
    except OperationalError as exc:
        raise database_unavailable() from exc
    if principal is None:
        request.session.clear()
        if ended is not None:
            flash(request, _ended_message(ended, rt.settings), "error")
    return principal


def signed_in(request: Request, rt: Runtime) -> Principal:
    """The signed-in verifier, or a redirect to the sign-in page."""
    back_to = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":  # a form posted after the session ended: start from the queue
        back_to = HOME
    principal = current_viewer(request, rt)
    if principal is None:
        raise SignInRequired(back_to)
    request.state.principal = principal
    if principal.role not in PAGE_ROLES:  # a unit's operator: the upload page only
        raise PageRefused(
            403,
            "Halaman ini untuk verifikator Kanwil. Akun unit mengunggah berkas di halaman "
            "Unggah (/ui/unggah).",
        )
    return principal


Viewer = Annotated[Principal, Depends(signed_in)]
