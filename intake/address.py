"""Which submission a request addresses: programme, period and unit, validated before any body."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from infra.db import transaction
from infra.keys import Principal, Role
from infra.tables import Unit
from infra.units import canonical_code
from intake.auth import ensure_can_submit, ensure_visible
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from rules.catalog import Catalog
from rules.catalogs import NoCatalogForYear, UnknownProgramme
from rules.periods import Period, PeriodError


@dataclass(frozen=True)
class Target:
    """A validated submission address: programme, period (parsed) and an active unit."""

    programme: str
    period: Period
    unit: Unit
    catalog: Catalog


def select_catalog(rt: ApiRuntime, programme: str, period: str) -> tuple[Catalog, Period]:
    """The catalog in force for a programme's period, or a 422 that says which part is wrong."""
    try:
        return rt.catalogs.select(programme, period)
    except UnknownProgramme as exc:
        raise ApiError(
            422,
            "unknown_programme",
            f"Program '{programme}' tidak dikenal; pilih salah satu: {', '.join(exc.known)}.",
            f"Unknown programme '{programme}'; use one of: {', '.join(exc.known)}.",
            known=exc.known,
        ) from exc
    except PeriodError as exc:
        raise ApiError(
            422,
            "invalid_period",
            f"Periode '{period}' tidak valid untuk {programme}; format: {exc.expected}.",
            f"Period '{period}' is not valid for {programme}; expected {exc.expected}.",
            expected=exc.expected,
        ) from exc
    except NoCatalogForYear as exc:
        raise ApiError(
            422,
            "no_catalog_for_period",
            f"Belum ada katalog {programme} untuk tahun {exc.year}.",
            f"There is no {programme} catalog for {exc.year}.",
        ) from exc


def resolve_target(
    session: Session,
    rt: ApiRuntime,
    programme: str,
    period: str,
    unit_code: str,
    caller: Principal,
) -> Target:
    """The submission a request addresses, or a 422 that says which part is wrong.

    An unknown unit answers as a unit the caller may not see (404, the same body), so a
    scoped key cannot probe which codes exist; only an admin, who sees every unit, is told.
    """
    catalog, parsed = select_catalog(rt, programme, period)
    unit = session.get(Unit, canonical_code(unit_code))
    if unit is None and caller.role is not Role.ADMIN:
        ensure_visible(caller, None)
    if unit is None:
        raise ApiError(
            422,
            "unknown_unit",
            f"Unit '{unit_code}' tidak terdaftar. Periksa kode wilayah/UPT atau minta "
            "admin mendaftarkannya.",
            f"Unit '{unit_code}' is not registered. Check the area/UPT code or ask an "
            "admin to register it.",
            unit=unit_code,
        )
    ensure_visible(caller, unit)
    if not unit.active:
        raise ApiError(
            422,
            "unit_inactive",
            f"Unit '{unit.code}' tidak aktif.",
            f"Unit '{unit.code}' is inactive.",
            unit=unit.code,
        )
    return Target(catalog.programme, parsed, unit, catalog)


async def find_target(
    rt: ApiRuntime, caller: Principal, programme: str, period: str, unit_code: str
) -> Target:
    """Validate the address before reading any body, so a bad request costs no upload."""
    ensure_can_submit(caller)

    def _resolve() -> Target:
        with transaction(rt.sessions) as session:
            return resolve_target(session, rt, programme, period, unit_code, caller)

    return await run_in_threadpool(_resolve)
