"""The rule catalogs as the API shows them, with their rule-set versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from intake.auth import get_principal
from intake.deps import Runtime
from intake.errors import error_responses, not_found

router = APIRouter(tags=["catalog"], dependencies=[Depends(get_principal)])


@router.get("/v1/catalog")
def list_catalogs(rt: Runtime) -> list[dict[str, Any]]:
    """Every shipped catalog: programme, version, rule-set version, validity and legal basis."""
    return [
        {
            "programme": c.programme,
            "name": c.name_id,
            "name_en": c.name_en,
            "version": c.version,
            "ruleset_version": c.ruleset_version,
            "legal_basis": c.legal_basis,
            "valid_from": c.valid_from.isoformat(),
            "valid_to": c.valid_to.isoformat() if c.valid_to else None,
            "period": c.period.model_dump(),
            "criteria": len(c.leaves),
            "unconfirmed": c.unconfirmed,
        }
        for c in rt.catalogs.catalogs
    ]


@router.get("/v1/catalog/{programme}", responses=error_responses(404))
def get_catalog(programme: str, rt: Runtime) -> list[dict[str, Any]]:
    """A programme's catalogs in full (one per span of years)."""
    found = [c for c in rt.catalogs.catalogs if c.programme == programme.upper()]
    if not found:
        raise not_found("Program", "Programme")
    return [{**c.model_dump(mode="json"), "ruleset_version": c.ruleset_version} for c in found]
