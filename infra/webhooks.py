"""Webhooks: the signature scheme and recording an event's deliveries (the target policy is
infra/webhook_targets.py).

Signature scheme (what a receiver checks):

    signed   = f"{X-Absah-Timestamp}.{X-Absah-Delivery}.".encode() + raw request body
    expected = "sha256=" + hex(HMAC-SHA256(key=endpoint secret (UTF-8), msg=signed))

Compare `expected` with `X-Absah-Signature` in constant time and refuse a timestamp (unix
seconds) more than a few minutes old. The delivery id stays the same across retries and
redeliveries of one delivery: receivers de-duplicate on it (delivery is at least once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.encryption import is_sealed, seal
from infra.keys import Principal, Role
from infra.queue import send_webhook
from infra.statuses import DeliveryStatus
from infra.tables import ApiKey, WebhookDelivery, WebhookEndpoint, new_id, utcnow

log = logging.getLogger(__name__)

USER_AGENT = "absah-webhooks/1"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int | str, delivery_id: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of `{timestamp}.{delivery_id}.` followed by the body bytes."""
    signed = f"{timestamp}.{delivery_id}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    delivery_id: str,
    body: bytes,
    header: str,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does: a fresh timestamp and a matching `sha256=` signature."""
    if not header.startswith(SIGNATURE_PREFIX) or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, delivery_id, body)
    return hmac.compare_digest(header.removeprefix(SIGNATURE_PREFIX), expected)


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(
    secret: str, event: str, delivery_id: str, body: bytes, timestamp: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Absah-Event": event,
        "X-Absah-Delivery": delivery_id,
        "X-Absah-Timestamp": str(timestamp),
        "X-Absah-Signature": SIGNATURE_PREFIX + signature(secret, timestamp, delivery_id, body),
    }


def _principal(key: ApiKey) -> Principal:
    return Principal(key.id, key.name, Role(key.role), frozenset(key.unit_codes), key.region_code)


# Active endpoints of live keys: read with every verdict, so built once (infra.db.per_dialect)
_LISTENING = (
    sa.select(WebhookEndpoint, ApiKey)
    .join(ApiKey, ApiKey.id == WebhookEndpoint.api_key_id)
    .where(WebhookEndpoint.active.is_(True), ApiKey.revoked_at.is_(None))
    .order_by(WebhookEndpoint.created_at)
)


def record_event(
    session: Session, event: str, unit_code: str, region_code: str, payload: dict[str, Any]
) -> list[str]:
    """Add a pending delivery for each endpoint that wants `event` and may see the unit.

    Called inside the transaction that records what happened, so an event is never lost;
    the caller sends the returned delivery ids after commit (the sweeper re-sends the rest).
    """
    return record_events(session, [(event, payload)], unit_code, region_code)


def record_events(
    session: Session, events: list[tuple[str, dict[str, Any]]], unit_code: str, region_code: str
) -> list[str]:
    """`record_event` for several events of one unit, reading the endpoints once."""
    endpoints = [
        endpoint
        for endpoint, key in session.execute(_LISTENING)
        if _principal(key).can_see(unit_code, region_code)
    ]
    ids: list[str] = []
    for event, payload in events:
        envelope = {
            "id": new_id(),
            "type": event,
            "created_at": utcnow().isoformat(),
            "data": payload,
        }
        for endpoint in endpoints:
            if endpoint.events and event not in endpoint.events:
                continue
            delivery_id = new_id()
            session.add(
                WebhookDelivery(
                    id=delivery_id, endpoint_id=endpoint.id, event=event, payload=envelope
                )
            )
            ids.append(delivery_id)
    if ids:
        session.flush()
    return ids


def send_deliveries(sender: Any, delivery_ids: list[str]) -> int:
    """Enqueue deliveries after commit; a failed send is left to the sweeper. Returns sent."""
    sent = 0
    for delivery_id in delivery_ids:
        try:
            send_webhook(sender, delivery_id)
        except Exception as exc:  # broker down: the pending row is committed, the sweeper sends
            log.warning("could not enqueue webhook delivery %s (%s)", delivery_id, exc)
            continue
        sent += 1
    return sent


def overdue_deliveries(session: Session, older_than: datetime, limit: int = 500) -> list[str]:
    """Pending deliveries whose message was lost: created, and due, before `older_than`."""
    rows = session.scalars(
        sa.select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.created_at < older_than,
            sa.or_(
                WebhookDelivery.next_attempt_at.is_(None),
                WebhookDelivery.next_attempt_at < older_than,
            ),
        )
        .order_by(WebhookDelivery.created_at)
        .limit(limit)
    )
    return list(rows)


def seal_stored_secrets(session: Session, key: bytes) -> int:
    """Seal the signing secrets stored in plain text by earlier versions; returns how many."""
    rows = session.scalars(sa.select(WebhookEndpoint)).all()
    plain = [row for row in rows if not is_sealed(row.secret)]
    for row in plain:
        row.secret = seal(key, row.secret, row.id)
    session.flush()
    return len(plain)
