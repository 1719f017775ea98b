"""API errors: a stable code, a message in Bahasa Indonesia and English, and details."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


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


async def validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = ErrorBody(
        code="invalid_request",
        message="Permintaan tidak valid; periksa parameter yang dikirim.",
        message_en="The request is not valid; check the parameters sent.",
        detail={
            "errors": [
                {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                for e in exc.errors()
            ]
        },
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=422)
