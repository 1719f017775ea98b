"""A client's webhooks: register an endpoint, list, deactivate; read and re-send deliveries."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from infra.db import transaction
from infra.encryption import seal, secret_key
from infra.events import EventType
from infra.keys import Principal
from infra.statuses import DeliveryStatus
from infra.tables import WebhookDelivery, WebhookEndpoint, new_id
from infra.text import OneLine
from infra.webhook_targets import TargetRefused, check_target
from infra.webhooks import new_secret, send_deliveries
from intake.errors import ApiError, not_found
from intake.runtime import ApiRuntime


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: OneLine = Field(
        min_length=1, max_length=2000, examples=["https://portal.example/hooks/absah"]
    )
    events: list[EventType] | None = Field(
        default=None, min_length=1, description="omitted: every event, including future ones"
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[EventType]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="signs every delivery; shown only in this answer")


class DeliveryOut(BaseModel):
    id: str = Field(description="also sent as X-Absah-Delivery; the same on every retry")
    endpoint_id: str
    event: EventType
    event_id: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


def webhook_out(row: WebhookEndpoint) -> WebhookOut:
    events = [EventType(e) for e in row.events] if row.events else list(EventType)
    return WebhookOut(
        id=row.id, url=row.url, events=events, active=row.active, created_at=row.created_at
    )


def delivery_out(row: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event=EventType(row.event),
        event_id=str(row.payload.get("id", "")),
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        delivered_at=row.delivered_at,
    )


def target_refused(exc: TargetRefused) -> ApiError:
    return ApiError(
        422,
        "webhook_target_refused",
        f"Alamat webhook ditolak: {exc.message_id}.",
        f"The webhook URL is refused: {exc.message_en}.",
        reason=exc.reason,
    )


def create_endpoint(rt: ApiRuntime, caller: Principal, body: WebhookIn) -> WebhookCreated:
    url = body.url.strip()
    try:
        check_target(url, rt.settings.webhook_allow_private)
    except TargetRefused as exc:
        raise target_refused(exc) from exc
    chosen = set(body.events or [])
    events = [e.value for e in EventType if e in chosen]  # stored in a stable order
    endpoint_id, secret = new_id(), new_secret()
    sealed = seal(secret_key(rt.settings), secret, endpoint_id)  # stored sealed, shown once
    with transaction(rt.sessions) as session:  # committed before the answer
        row = WebhookEndpoint(
            id=endpoint_id, api_key_id=caller.owner_id, url=url, secret=sealed, events=events
        )
        session.add(row)
        session.flush()
        return WebhookCreated(**webhook_out(row).model_dump(), secret=secret)


def own_endpoint(session: Session, caller: Principal, endpoint_id: str) -> WebhookEndpoint:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None or row.api_key_id != caller.owner_id:
        raise not_found("Webhook", "Webhook")
    return row


def list_endpoints(session: Session, caller: Principal) -> list[WebhookOut]:
    rows = session.scalars(
        sa.select(WebhookEndpoint)
        .where(WebhookEndpoint.api_key_id == caller.owner_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return [webhook_out(r) for r in rows]


def deactivate_endpoint(rt: ApiRuntime, caller: Principal, endpoint_id: str) -> WebhookOut:
    """Stop sending to it; pending deliveries end `failed` when their turn comes."""
    with transaction(rt.sessions) as session:  # committed before the answer
        row = own_endpoint(session, caller, endpoint_id)
        row.active = False
        session.flush()
        return webhook_out(row)


def list_deliveries(
    session: Session, caller: Principal, status: DeliveryStatus | None, limit: int
) -> list[DeliveryOut]:
    query = (
        sa.select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookEndpoint.api_key_id == caller.owner_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
        .limit(limit)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    return [delivery_out(r) for r in session.scalars(query)]


def redeliver(rt: ApiRuntime, caller: Principal, delivery_id: str) -> DeliveryOut:
    """Back to pending (attempts kept), committed, then enqueued; the sweeper covers a lost send."""
    with transaction(rt.sessions) as session:  # committed before the answer
        row = session.get(WebhookDelivery, delivery_id)
        endpoint = session.get(WebhookEndpoint, row.endpoint_id) if row else None
        if row is None or endpoint is None or endpoint.api_key_id != caller.owner_id:
            raise not_found("Pengiriman webhook", "Webhook delivery")
        if not endpoint.active:
            raise ApiError(
                409,
                "webhook_inactive",
                "Webhook ini sudah dinonaktifkan; daftarkan lagi untuk menerima kiriman.",
                "This webhook was deactivated; register it again to receive deliveries.",
            )
        row.status = DeliveryStatus.PENDING.value
        row.next_attempt_at = None
        row.delivered_at = None
        session.flush()
        answer = delivery_out(row)
    send_deliveries(rt.sender, [delivery_id])
    return answer
