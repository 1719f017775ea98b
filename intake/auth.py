"""Who is calling: an API key from `Authorization: Bearer` or `X-API-Key`, and what it may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from infra.keys import Principal, Role, authenticate
from infra.tables import Unit
from intake.deps import Runtime
from intake.errors import ApiError, not_found

_bearer = HTTPBearer(auto_error=False, description="API key: `Authorization: Bearer absah_…`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


def unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "Kunci API tidak ada, tidak valid, atau sudah dicabut.",
        "The API key is missing, invalid or revoked.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(what_id: str, what_en: str) -> ApiError:
    return ApiError(
        403,
        "forbidden",
        f"Peran kunci ini tidak boleh {what_id}.",
        f"This key's role may not {what_en}.",
    )


def get_principal(
    request: Request,
    rt: Runtime,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Principal:
    secret = bearer.credentials if bearer else header
    if not secret:
        raise unauthorized()
    with rt.sessions() as session:
        principal = authenticate(session, secret)

    if principal is None:
        raise unauthorized()
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(get_principal)]


def require_admin(caller: Caller) -> Principal:
    if caller.role is not Role.ADMIN:
        raise forbidden("mengelola unit dan kunci", "manage units and keys")
    return caller


Admin = Annotated[Principal, Depends(require_admin)]


def ensure_visible(caller: Principal, unit: Unit | None) -> Unit:
    """The unit, if this caller may see it; otherwise 404, as if it did not exist."""
    if unit is None or not caller.can_see(unit.code, unit.region_code):
        raise not_found("Data", "Resource")
    return unit


def ensure_can_submit(caller: Principal) -> None:
    if not caller.can_submit:
        raise forbidden("mengunggah berkas", "upload files")
