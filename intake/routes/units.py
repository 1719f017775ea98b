"""The unit registry over HTTP: list, create or update, deactivate (admin)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from infra.tables import Region, Unit
from infra.text import OneLine
from infra.units import (
    UNIT_KINDS,
    UnitImportError,
    UnitRow,
    apply_units,
    canonical_code,
    list_units,
    valid_code,
)
from intake.auth import Admin, Caller
from intake.deps import DbSession
from intake.errors import API_ERRORS, ApiError, not_found
from intake.views import UnitOut, unit_out

router = APIRouter(tags=["units"])


class UnitIn(BaseModel):
    code: str = Field(min_length=2, max_length=16)
    name: OneLine = Field(min_length=1, max_length=200)
    kind: str
    region: str = Field(min_length=2, max_length=2)
    active: bool = True


@router.get("/v1/units", response_model=list[UnitOut])
def get_units(
    session: DbSession, caller: Caller, region: str | None = None, active: bool | None = None
) -> list[UnitOut]:
    """Registered units the caller may see, by region and code."""
    return [
        unit_out(u)
        for u in list_units(session, region, active)
        if caller.can_see(u.code, u.region_code)
    ]


@router.post("/v1/units", response_model=UnitOut, status_code=201, responses=API_ERRORS)
def put_unit(body: UnitIn, session: DbSession, _: Admin) -> UnitOut:
    """Create a unit, or update the one with that code (codes are case-insensitive)."""
    code = canonical_code(body.code)
    if not valid_code(code):
        raise ApiError(
            422,
            "invalid_unit_code",
            f"Kode unit '{body.code}' tidak valid (2/4 angka atau 3–12 huruf/angka).",
            f"Unit code '{body.code}' is invalid (2/4 digits or 3–12 characters).",
        )
    if body.kind not in UNIT_KINDS:
        raise ApiError(
            422,
            "invalid_unit_kind",
            f"Jenis unit '{body.kind}' tidak dikenal.",
            f"Unknown unit kind '{body.kind}'.",
            known=list(UNIT_KINDS),
        )
    if session.get(Region, body.region) is None:
        raise ApiError(
            422,
            "unknown_region",
            f"Wilayah '{body.region}' tidak terdaftar.",
            f"Region '{body.region}' is not registered.",
        )
    try:
        apply_units(
            session, [UnitRow(code, body.name.strip(), body.kind, body.region, active=body.active)]
        )
    except UnitImportError as exc:  # pragma: no cover - validated above
        raise ApiError(422, "invalid_unit", str(exc), str(exc)) from exc
    unit = session.get(Unit, code)
    assert unit is not None
    return unit_out(unit)


@router.post("/v1/units/{code}/deactivate", response_model=UnitOut, responses=API_ERRORS)
def deactivate_unit(code: str, session: DbSession, _: Admin) -> UnitOut:
    """Stop accepting uploads for a unit; its history stays."""
    unit = session.get(Unit, canonical_code(code))
    if unit is None:
        raise not_found("Unit", "Unit")
    unit.active = False
    return unit_out(unit)
