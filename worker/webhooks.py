"""Send one webhook delivery: re-check the target, sign, POST to the checked address, record;
retry with backoff."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

import httpx
import sqlalchemy as sa

from infra.db import transaction
from infra.encryption import SecretUnreadable, secret_key, unseal
from infra.statuses import DeliveryStatus
from infra.tables import ApiKey, WebhookDelivery, WebhookEndpoint, utcnow
from infra.webhook_targets import Resolved, TargetRefused, TargetUnresolved, resolve_target
from infra.webhooks import body_bytes, signed_headers
from worker.pipeline import RetryLater
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 3600.0
# A retry's message may run a little before the due time recorded here (clocks of two hosts).
EARLY_SLACK = timedelta(seconds=5)
EXCERPT_BYTES = 300


class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"  # delivered or failed already, not due yet, or being sent right now


@dataclass(frozen=True)
class Send:
    """One claimed attempt, detached from the session."""

    delivery_id: str
    event: str
    url: str
    secret: str
    payload: dict[str, Any]
    attempts: int  # including this one


def backoff(rt: WorkerRuntime, attempts: int) -> float:
    delay = rt.settings.webhook_backoff_seconds * 2 ** (attempts - 1)
    return float(min(MAX_BACKOFF_SECONDS, delay))


def _pending(delivery_id: str) -> Any:
    return sa.and_(
        WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING
    )


def load_target(rt: WorkerRuntime, delivery_id: str) -> tuple[str, str | None] | None:
    """The URL of a pending delivery, and why it must not be sent any more (or None)."""
    with transaction(rt.sessions) as session:
        row = session.execute(
            sa.select(WebhookEndpoint.url, WebhookEndpoint.active, ApiKey.revoked_at)
            .join(WebhookDelivery, WebhookDelivery.endpoint_id == WebhookEndpoint.id)
            .join(ApiKey, ApiKey.id == WebhookEndpoint.api_key_id)
            .where(_pending(delivery_id))
        ).one_or_none()
    if row is None:
        return None
    url, active, revoked_at = row
    if revoked_at is not None:
        return url, "the endpoint's API key was revoked"
    return url, None if active else "the endpoint was deactivated"


def end(rt: WorkerRuntime, delivery_id: str, error: str) -> Outcome:
    """A delivery that must not be sent: failed, no retry."""
    with transaction(rt.sessions) as session:
        session.execute(
            sa.update(WebhookDelivery)
            .where(_pending(delivery_id))
            .values(status=DeliveryStatus.FAILED, last_error=error[:2000], next_attempt_at=None)
        )
    log.warning("webhook delivery %s failed without sending: %s", delivery_id, error)
    return Outcome.FAILED


def claim(rt: WorkerRuntime, delivery_id: str) -> Send | None:
    """Take a due pending delivery (compare-and-set); the attempt is counted before sending.

    While it is held, `next_attempt_at` is pushed past the longest a send can take, so a
    second message for the same delivery finds nothing to claim.
    """
    now = utcnow()
    s = rt.settings
    hold = timedelta(seconds=max(s.task_time_limit, 4 * s.webhook_timeout_seconds) + 60)
    with transaction(rt.sessions) as session:
        result = session.execute(
            sa.update(WebhookDelivery)
            .where(
                _pending(delivery_id),
                sa.or_(
                    WebhookDelivery.next_attempt_at.is_(None),
                    WebhookDelivery.next_attempt_at <= now + EARLY_SLACK,
                ),
            )
            .values(attempts=WebhookDelivery.attempts + 1, next_attempt_at=now + hold)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        delivery, endpoint = session.execute(
            sa.select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id == delivery_id)
        ).one()
        return Send(
            delivery.id,
            delivery.event,
            endpoint.url,
            unseal(secret_key(rt.settings), endpoint.secret, endpoint.id),
            delivery.payload,
            delivery.attempts,
        )


def _excerpt(response: httpx.Response) -> str:
    data = b""
    try:
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) >= EXCERPT_BYTES:
                break
    except httpx.HTTPError:
        pass
    return data[:EXCERPT_BYTES].decode(errors="replace").strip()


@dataclass(frozen=True)
class Pinned:
    """One way to reach the target: its URL with the host replaced by a checked address, and
    the original host name as the Host header and the TLS server name (SNI, certificate)."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, Any]


def pinned(target: Resolved) -> list[Pinned]:
    """The connections to try, one per checked address (none checked: the URL as it is)."""
    url = httpx.URL(target.url)
    if not target.addresses:
        return [Pinned(target.url, {}, {})]
    host = url.raw_host.decode("ascii")
    host_header = host if url.port is None else f"{host}:{url.port}"
    tls = {"sni_hostname": host} if url.scheme == "https" else {}
    return [
        Pinned(str(url.copy_with(host=address)), {"Host": host_header}, tls)
        for address in target.addresses
    ]


def post(
    rt: WorkerRuntime,
    send: Send,
    target: Resolved,
    transport: httpx.BaseTransport | None = None,
) -> tuple[int | None, str | None]:
    """POST the signed body to the checked addresses (the next one only when a connection
    cannot be made); the status code, and an error unless it was a 2xx."""
    body = body_bytes(send.payload)
    headers = signed_headers(send.secret, send.event, send.delivery_id, body, int(time.time()))
    timeout = rt.settings.webhook_timeout_seconds
    error = "no address to connect to"
    with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client:
        for way in pinned(target):
            try:
                with client.stream(
                    "POST",
                    way.url,
                    content=body,
                    headers=headers | way.headers,
                    extensions=way.extensions,
                ) as response:
                    if response.is_success:
                        return response.status_code, None
                    excerpt = _excerpt(response)  # never the whole body: it could be gigabytes
                    error = f"HTTP {response.status_code}" + (f": {excerpt}" if excerpt else "")
                    return response.status_code, error
            except httpx.ConnectError as exc:  # this address does not answer: try the next
                error = f"{type(exc).__name__}: {exc}"
            except httpx.HTTPError as exc:
                return None, f"{type(exc).__name__}: {exc}"
    return None, error


def settle(rt: WorkerRuntime, send: Send, code: int | None, error: str | None) -> Outcome:
    """Record the attempt: delivered, failed for good, or due again after the backoff."""
    now = utcnow()
    values: dict[str, Any] = {"last_status_code": code}
    countdown = 0.0
    if error is None:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif send.attempts >= rt.settings.webhook_max_attempts:
        values.update(status=DeliveryStatus.FAILED, last_error=error[:2000], next_attempt_at=None)
    else:
        countdown = backoff(rt, send.attempts)
        values.update(last_error=error[:2000], next_attempt_at=now + timedelta(seconds=countdown))
    with transaction(rt.sessions) as session:
        session.execute(
            sa.update(WebhookDelivery).where(_pending(send.delivery_id)).values(**values)
        )
    if error is None:
        log.info("webhook %s %s delivered (%s)", send.event, send.delivery_id, code)
        return Outcome.DELIVERED
    if values.get("status") == DeliveryStatus.FAILED:
        log.warning(
            "webhook %s %s failed after %d attempts: %s",
            send.event,
            send.delivery_id,
            send.attempts,
            error,
        )
        return Outcome.FAILED
    raise RetryLater(countdown, error)


def deliver(rt: WorkerRuntime, delivery_id: str) -> Outcome:
    """Send one recorded delivery; idempotent: only a due, pending delivery is sent.

    Raises RetryLater (with the backoff as countdown) after a failed attempt that has
    attempts left.
    """
    target = load_target(rt, delivery_id)
    if target is None:
        return Outcome.SKIPPED
    url, stop = target
    if stop is not None:
        return end(rt, delivery_id, stop)
    error: str | None = None
    checked: Resolved | None = None
    try:  # resolved once: the POST goes to the addresses checked here
        checked = resolve_target(url, rt.settings.webhook_allow_private)
    except TargetUnresolved as exc:  # DNS may come back: an attempt that failed
        error = str(exc)
    except TargetRefused as exc:  # refused by policy: never sent, never retried
        return end(rt, delivery_id, f"target refused: {exc}")
    try:
        send = claim(rt, delivery_id)
    except SecretUnreadable as exc:  # cannot be signed with this key: never sent unsigned
        return end(rt, delivery_id, str(exc))
    if send is None:
        return Outcome.SKIPPED
    code, error = (None, error) if checked is None else post(rt, send, checked)
    return settle(rt, send, code, error)
