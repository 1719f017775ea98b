"""API errors: a stable code, a message in Bahasa Indonesia and English, and details."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from infra.text import CONTROL_CHARACTER

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    message: str  # Bahasa Indonesia: what users read
    message_en: str
    detail: dict[str, Any] | None = None


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message_id: str,
        message_en: str,
        headers: dict[str, str] | None = None,
        **detail: Any,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.status = status
        self.body = ErrorBody(
            code=code, message=message_id, message_en=message_en, detail=detail or None
        )
        self.headers = headers


def not_found(what_id: str, what_en: str) -> ApiError:
    return ApiError(404, "not_found", f"{what_id} tidak ditemukan.", f"{what_en} not found.")


def storage_unavailable() -> ApiError:
    return ApiError(
        503,
        "storage_unavailable",
        "Penyimpanan berkas sedang tidak dapat dijangkau; tidak ada yang disimpan. "
        "Coba lagi sebentar lagi.",
        "File storage is unreachable; nothing was stored. Try again shortly.",
        headers={"Retry-After": "30"},
    )


def database_unavailable() -> ApiError:
    return ApiError(
        503,
        "database_unavailable",
        "Basis data sedang tidak dapat dijangkau; tidak ada yang disimpan. "
        "Coba lagi sebentar lagi.",
        "The database is unreachable; nothing was stored. Try again shortly.",
        headers={"Retry-After": "30"},
    )


async def api_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(
        exc.body.model_dump(exclude_none=True), status_code=exc.status, headers=exc.headers
    )


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A database error no route mapped (the database went away mid-request): 503, not 500."""
    log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
    return await api_error_handler(request, database_unavailable())


async def validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    fields = [
        str(e["loc"][-1]) for e in exc.errors() if e.get("type") == CONTROL_CHARACTER and e["loc"]
    ]
    if fields:  # a character pasted by accident: say which field, so the person can fix it
        named = ", ".join(dict.fromkeys(fields))
        body = ErrorBody(
            code=CONTROL_CHARACTER,
            message=f"Isian {named} memuat karakter kendali (mis. tab vertikal yang ikut "
            "tersalin dari Word); hapus karakter itu lalu kirim lagi. Hanya tab dan baris "
            "baru yang diizinkan.",
            message_en=f"Field {named} contains a control character (e.g. a vertical tab "
            "pasted from Word); remove it and send again. Only tab and newline are allowed.",
            detail={"fields": list(dict.fromkeys(fields)), "errors": errors},
        )
        return JSONResponse(body.model_dump(exclude_none=True), status_code=422)
    body = ErrorBody(
        code="invalid_request",
        message="Permintaan tidak valid; periksa parameter yang dikirim.",
        message_en="The request is not valid; check the parameters sent.",
        detail={"errors": errors},
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=422)


_HTTP_ERRORS = {
    400: (
        "invalid_body",
        "Isi permintaan tidak dapat dibaca (JSON atau formulir rusak).",
        "The request body could not be read (malformed JSON or form).",
    ),
    404: ("not_found", "Alamat tidak ditemukan.", "No such address."),
    405: (
        "method_not_allowed",
        "Metode HTTP ini tidak didukung pada alamat ini.",
        "This HTTP method is not supported at this address.",
    ),
}


async def data_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot hold (a NUL character, a number past BIGINT) came from the
    request: any path, query or body field can carry one, so it is refused here, once."""
    log.info("value refused by the database: %s", str(exc).splitlines()[0] if str(exc) else exc)
    body = ErrorBody(
        code="invalid_value",
        message="Nilai yang dikirim tidak dapat diproses (mis. karakter NUL atau angka terlalu "
        "besar); periksa parameter yang dikirim.",
        message_en="A value sent cannot be processed (e.g. a NUL character or a number too "
        "large); check the parameters sent.",
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=422)


async def http_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """What Starlette and FastAPI refuse themselves (unknown path, unreadable JSON) answered
    in the same shape as every other error."""
    assert isinstance(exc, HTTPException)
    code, message_id, message_en = _HTTP_ERRORS.get(
        exc.status_code,
        ("http_error", "Permintaan tidak dapat dilayani.", "The request cannot be served."),
    )
    body = ErrorBody(code=code, message=message_id, message_en=message_en)
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=exc.status_code, headers=exc.headers
    )


# ErrorBody is a component because routes declare {"model": ErrorBody}; a route whose success
# is CSV, XLSX or HTML must use this form, or its JSON errors are documented as that type.
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=`: these statuses answer ErrorBody as JSON, whatever the route serves."""
    return {
        status: {"description": HTTPStatus(status).phrase, "content": _ERROR_CONTENT}
        for status in statuses
    }


# Any operation may answer these: an unreadable body, bad parameters, a missing or weak key.
COMMON_ERRORS = error_responses(400, 401, 403, 422)


# The JSON errors an API route may answer besides its success (OpenAPI `responses=`).
API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 404, 413, 415, 422, 503)
}
