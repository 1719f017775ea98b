"""Turning a page's data into HTML: the Jinja2 templates under templates/ui, the words and
formats they share, the security headers, and error pages in place of JSON under /ui."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from infra.keys import Principal, Role
from intake.errors import ApiError
from intake.web.banner import banner
from intake.web.session import PageRefused, SignInRequired, csrf_token, take_flashes
from intake.workspace.dates import tanggal
from intake.workspace.decision_views import LABELS_ID as DECISION_LABELS
from intake.workspace.exports import OUTCOME_LABELS, location_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "ui"
ROLE_LABELS = {Role.VERIFIER: "Verifikator", Role.UNIT: "Operator unit", Role.ADMIN: "Admin"}
PAGE_API = "/ui/unggah/api/"  # the upload page's JSON calls: errors answer as JSON there
# Pages hold personal data: never cached; only our own CSS and images; no framing.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
HTTP_MESSAGES = {
    404: "Halaman tidak ditemukan.",
    405: "Alamat ini tidak menerima cara permintaan tersebut.",
    400: "Isi formulir tidak dapat dibaca.",
}

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def waktu(moment: datetime | None) -> str:
    return tanggal(moment, with_time=True) if moment else "—"


def ukuran(size: int) -> str:
    """File sizes as Indonesians write them: 1,2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


@cache
def environment() -> Environment:
    """Built on first use, never at import."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters.update(waktu=waktu, tanggal=tanggal, ukuran=ukuran, lokasi=location_text)
    env.globals.update(
        role_labels=ROLE_LABELS, outcome_labels=OUTCOME_LABELS, decision_labels=DECISION_LABELS
    )
    return env


def page(
    request: Request,
    template: str,
    viewer: Principal | None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    html = (
        environment()
        .get_template(template)
        .render(
            viewer=viewer,
            csrf=csrf_token(request),
            flashes=take_flashes(request),
            section=context.pop("section", ""),
            reverifying=banner(request, viewer) if viewer else None,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


def redirect(url: str) -> RedirectResponse:
    """After a form: 303 See Other, so a reload does not post it again."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def is_page(request: Request) -> bool:
    path = request.url.path
    return (path == "/ui" or path.startswith("/ui/")) and not path.startswith(PAGE_API)


def error_page(request: Request, exc: Exception) -> Response:
    """What went wrong, in Indonesian, as a page (the API answers the same errors as JSON)."""
    if isinstance(exc, SignInRequired):
        if exc.setup:
            return redirect(exc.back_to)
        return redirect(f"/ui/masuk?lanjut={quote(exc.back_to, safe='/')}")
    status, message = 500, "Terjadi kesalahan."
    if isinstance(exc, PageRefused):
        status, message = exc.status, exc.message
    elif isinstance(exc, ApiError):
        status, message = exc.status, exc.body.message
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        message = HTTP_MESSAGES.get(status, "Permintaan tidak dapat dilayani.")
    elif isinstance(exc, RequestValidationError | DataError):
        status, message = 422, "Isian atau alamat tidak valid; periksa lalu coba lagi."
    elif isinstance(exc, OperationalError):
        status, message = 503, "Basis data sedang tidak dapat dijangkau. Coba lagi sebentar lagi."
    viewer = getattr(request.state, "principal", None)
    return page(request, "galat.html", viewer, status=status, message=message, code=status)


def _either(api_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_page(request):
            return error_page(request, exc)
        answer = api_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    return handle


def install_error_pages(app: FastAPI) -> None:
    """Under /ui, errors the API answers as JSON become pages; elsewhere nothing changes."""
    for kind in (ApiError, HTTPException, RequestValidationError, DataError, OperationalError):
        api_handler = app.exception_handlers.get(kind)
        if api_handler is not None:
            app.add_exception_handler(kind, _either(api_handler))
    for page_kind in (SignInRequired, PageRefused):
        app.add_exception_handler(page_kind, _page_only)


async def _page_only(request: Request, exc: Exception) -> Response:
    return error_page(request, exc)
