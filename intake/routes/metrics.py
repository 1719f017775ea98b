"""GET /metrics in the Prometheus text format (admin key, like every non-health endpoint)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from intake.auth import Admin
from intake.metrics import build_registry
from intake.views import file_responses

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, responses=file_responses(CONTENT_TYPE_LATEST))
def metrics(request: Request, _: Admin) -> Response:
    """Queue depth, documents by status, check durations, oldest unverified document age."""
    registry = getattr(request.app.state, "metrics_registry", None)
    if registry is None:
        registry = request.app.state.metrics_registry = build_registry(request.app.state.runtime)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
