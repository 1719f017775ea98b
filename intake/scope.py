"""Which units a caller may see, as an SQL condition: Principal.can_see for whole queries."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from infra.keys import Principal, Role
from infra.tables import Region, Submission, Unit
from infra.units import canonical_code
from intake.address import Target, select_catalog
from intake.auth import Caller, ensure_visible, forbidden
from intake.deps import DbSession, Runtime
from intake.errors import not_found
from intake.runtime import ApiRuntime


def visible_units(caller: Principal) -> ColumnElement[bool]:
    """A condition on `Unit` that keeps exactly the units `caller.can_see` accepts."""
    if caller.role is Role.ADMIN:
        return sa.true()
    if caller.role is Role.VERIFIER:
        if caller.region_code is None:
            return sa.false()
        return Unit.region_code == caller.region_code
    clauses: list[ColumnElement[bool]] = []
    if caller.role is Role.PORTAL and caller.region_code:
        clauses.append(Unit.region_code == caller.region_code)
    if caller.unit_codes:
        clauses.append(Unit.code.in_(sorted(caller.unit_codes)))
    return sa.or_(*clauses) if clauses else sa.false()


def visible_region(session: Session, caller: Principal, region: str) -> Region:
    """A region in which the caller sees at least one unit; 404 otherwise (as if unknown)."""
    found = session.get(Region, region.strip())
    if found is None:
        raise not_found("Wilayah", "Region")
    if caller.role is Role.ADMIN:
        return found
    seen = session.scalar(
        sa.select(sa.func.count())
        .select_from(Unit)
        .where(Unit.region_code == found.code, visible_units(caller))
    )
    if not seen:
        raise not_found("Wilayah", "Region")
    return found


def visible_unit(session: Session, caller: Principal, code: str) -> Unit:
    """A unit the caller may see (active or not); 404 otherwise."""
    return ensure_visible(caller, session.get(Unit, canonical_code(code)))


def ensure_reviewer(caller: Principal, what_id: str, what_en: str) -> None:
    """Only a verifier (of its region) or an admin decides and claims; others read."""
    if caller.role not in {Role.VERIFIER, Role.ADMIN}:
        raise forbidden(what_id, what_en)


def review_target(
    session: Session, rt: ApiRuntime, caller: Principal, programme: str, period: str, unit: str
) -> Target:
    """A submission address for reading and deciding: a valid programme and period (else 422)
    and a unit the caller may see, active or not (else 404: an unknown unit is not found)."""
    catalog, parsed = select_catalog(rt, programme.strip().upper(), period.strip().upper())
    return Target(catalog.programme, parsed, visible_unit(session, caller, unit), catalog)


def _addressed(
    programme: str, period: str, unit: str, session: DbSession, rt: Runtime, caller: Caller
) -> Target:
    return review_target(session, rt, caller, programme, period, unit)


# A route's {programme}/{period}/{unit} as a review target, on the request's own session.
ReviewTarget = Annotated[Target, Depends(_addressed)]


def find_submission(session: Session, target: Target, *, lock: bool = False) -> Submission | None:
    """The addressed submission, if the unit handed anything in (locked for update if asked)."""
    query = sa.select(Submission).where(
        Submission.programme == target.programme,
        Submission.period == str(target.period),
        Submission.unit_code == target.unit.code,
    )
    return session.scalars(query.with_for_update() if lock else query).one_or_none()


def require_submission(session: Session, target: Target, *, lock: bool = False) -> Submission:
    """The submission; 404 when the unit handed nothing in (there is nothing to decide)."""
    found = find_submission(session, target, lock=lock)
    if found is None:
        raise not_found("Pengajuan", "Submission")
    return found
