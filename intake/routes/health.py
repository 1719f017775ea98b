"""Liveness and readiness: is the process up, and can it reach what it needs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from infra.liveness import sweeper_health
from infra.storage import StorageUnavailable
from intake.deps import Runtime

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The API process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(rt: Runtime) -> JSONResponse:
    """Database, storage and broker reachable, the sweeper running (silent at most three
    intervals): 200 when all hold, 503 naming what does not."""
    checks: dict[str, str] = {}
    try:
        with rt.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    try:
        rt.store.check()
        checks["storage"] = "ok"
    except StorageUnavailable as exc:
        checks["storage"] = f"unavailable: {str(exc)[:120]}"
    try:
        with rt.sender.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"unavailable: {type(exc).__name__}"
    sweeper: dict[str, Any] = {}
    if checks["database"] == "ok":
        try:
            with rt.sessions() as session:
                health = sweeper_health(session, rt.settings.sweep_interval_seconds, rt.started_at)
            sweeper = health.describe()
            checks["sweeper"] = "ok" if health.ok else f"silent: {sweeper['message_en']}"
        except Exception as exc:
            checks["sweeper"] = f"unknown: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks, "sweeper": sweeper},
        status_code=200 if ready else 503,
    )
