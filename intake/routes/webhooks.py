"""Webhooks over HTTP: register, list, deactivate, read deliveries, redeliver; the event schemas."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query

from infra.events import (
    BatchCompletedEvent,
    DecisionRecordedEvent,
    DocumentCheckedEvent,
    DocumentSupersededEvent,
    SubmissionEvaluatedEvent,
)
from infra.statuses import DeliveryStatus
from intake.auth import Caller
from intake.deps import DbSession, Runtime
from intake.errors import API_ERRORS, ErrorBody
from intake.webhooks import (
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    create_endpoint,
    deactivate_endpoint,
    list_deliveries,
    list_endpoints,
    redeliver,
)

router = APIRouter(tags=["webhooks"])
WEBHOOK_ERRORS: dict[int | str, dict[str, Any]] = {**API_ERRORS, 409: {"model": ErrorBody}}


@router.post("/v1/webhooks", response_model=WebhookCreated, status_code=201, responses=API_ERRORS)
def post_webhook(body: WebhookIn, rt: Runtime, caller: Caller) -> WebhookCreated:
    """Register a URL for this API key's events; the answer carries the signing secret, once.

    Events are sent only for units the key may see. URLs on loopback, private, link-local or
    reserved addresses are refused (422 `webhook_target_refused`) unless the server allows them.
    """
    return create_endpoint(rt, caller, body)


@router.get("/v1/webhooks", response_model=list[WebhookOut])
def get_webhooks(session: DbSession, caller: Caller) -> list[WebhookOut]:
    """This key's webhook endpoints (never their secrets)."""
    return list_endpoints(session, caller)


@router.get("/v1/webhooks/deliveries", response_model=list[DeliveryOut])
def get_deliveries(
    session: DbSession,
    caller: Caller,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    """This key's deliveries, newest first: status, attempts, last status code and error."""
    return list_deliveries(session, caller, status, limit)


@router.delete("/v1/webhooks/{webhook_id}", response_model=WebhookOut, responses=API_ERRORS)
def delete_webhook(webhook_id: str, rt: Runtime, caller: Caller) -> WebhookOut:
    """Deactivate an endpoint: nothing more is sent to it; its deliveries stay readable."""
    return deactivate_endpoint(rt, caller, webhook_id)


@router.post(
    "/v1/webhooks/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    status_code=202,
    responses=WEBHOOK_ERRORS,
)
def post_redeliver(delivery_id: str, rt: Runtime, caller: Caller) -> DeliveryOut:
    """Send a delivery again (same delivery id and body, freshly signed); attempts are kept."""
    return redeliver(rt, caller, delivery_id)


# What absah POSTs to a registered URL, for the OpenAPI `webhooks` section (never routed).
events = APIRouter(tags=["webhook events"])
SIGNED = (
    "Headers: `X-Absah-Event`, `X-Absah-Delivery` (the same on retries: de-duplicate on it), "
    "`X-Absah-Timestamp` (unix seconds), `X-Absah-Signature: sha256=<hex>` where hex is "
    "HMAC-SHA256(secret, `{timestamp}.{delivery_id}.` + raw body). Answer 2xx within the "
    "timeout; anything else is retried with exponential backoff."
)


@events.post("document.checked", description=SIGNED)
def document_checked(
    body: DocumentCheckedEvent,
    x_absah_signature: Annotated[str, Header()],
    x_absah_timestamp: Annotated[str, Header()],
    x_absah_delivery: Annotated[str, Header()],
) -> None:
    """A document reached its final machine status."""


@events.post("submission.evaluated", description=SIGNED)
def submission_evaluated(
    body: SubmissionEvaluatedEvent,
    x_absah_signature: Annotated[str, Header()],
    x_absah_timestamp: Annotated[str, Header()],
    x_absah_delivery: Annotated[str, Header()],
) -> None:
    """A submission's criteria were re-evaluated."""


@events.post("batch.completed", description=SIGNED)
def batch_completed(
    body: BatchCompletedEvent,
    x_absah_signature: Annotated[str, Header()],
    x_absah_timestamp: Annotated[str, Header()],
    x_absah_delivery: Annotated[str, Header()],
) -> None:
    """Every document of a batch has a final status (sent once per batch)."""


@events.post("decision.recorded", description=SIGNED)
def decision_recorded(
    body: DecisionRecordedEvent,
    x_absah_signature: Annotated[str, Header()],
    x_absah_timestamp: Annotated[str, Header()],
    x_absah_delivery: Annotated[str, Header()],
) -> None:
    """A verifier recorded a decision on a criterion."""


@events.post("document.superseded", description=SIGNED)
def document_superseded(
    body: DocumentSupersededEvent,
    x_absah_signature: Annotated[str, Header()],
    x_absah_timestamp: Annotated[str, Header()],
    x_absah_delivery: Annotated[str, Header()],
) -> None:
    """A document was replaced by a newer file; the old one no longer counts."""
