"""Webhooks: the signature scheme, the target policy, and recording an event's deliveries.

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
import ipaddress
import json
import logging
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

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


class TargetRefused(ValueError):
    """A webhook URL absah will not send to; `reason` is a stable code."""

    def __init__(self, reason: str, message_en: str, message_id: str) -> None:
        super().__init__(message_en)
        self.reason, self.message_en, self.message_id = reason, message_en, message_id


class TargetUnresolved(TargetRefused):
    """The host name does not resolve (now): refused at registration, retried at delivery."""


# IPv6 prefixes that carry an IPv4 address inside: a packet to them reaches that IPv4 address
# (through a translator or a tunnel), so they are judged by the address they embed.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated (RFC 4291): the last 32 bits

# getaddrinfo's shape: (family, type, proto, canonname, sockaddr) per address.
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, 6to4 (2002::/16), Teredo
    (2001::/32: server and client), NAT64 (64:ff9b::/96) and IPv4-compatible (::/96)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):  # not :: nor ::1
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _not_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # shared (100.64/10), documentation and other special ranges
    )


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 scope id
    if isinstance(ip, ipaddress.IPv6Address):
        inside = embedded_ipv4(ip)
        if inside:  # 2002:7f00:1:: is 127.0.0.1 for whoever routes 6to4
            return any(_not_public(v4) for v4 in inside)
    return _not_public(ip)


@dataclass(frozen=True)
class Resolved:
    """A target whose addresses were checked: connect to these, never resolve again (a second
    lookup could answer something else — DNS rebinding). Empty when private targets are
    allowed: then the client resolves the name itself."""

    url: str
    host: str
    addresses: tuple[str, ...]


def check_target(url: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to ANY non-public address."""
    resolve_target(url, allow_private)


def resolve_target(
    url: str, allow_private: bool, resolve: Resolver = socket.getaddrinfo
) -> Resolved:
    """Resolve the host once and check every address; the checked addresses, or refused.

    Every resolved address is checked (a name with one public and one private address is
    refused), so `127.1`, `0x7f000001`, `2002:7f00:1::` or a DNS name pointing inside are
    caught too.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused(
            "scheme-not-allowed",
            f"only http and https URLs are accepted, not '{parts.scheme or url}'",
            f"hanya URL http dan https yang diterima, bukan '{parts.scheme or url}'",
        )
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise TargetRefused(
            "invalid-url", f"invalid URL: {exc}", f"URL tidak valid: {exc}"
        ) from exc
    if not host:
        raise TargetRefused("invalid-url", "the URL has no host", "URL tidak memiliki host")
    if allow_private:
        return Resolved(url, host, ())
    default_port = 443 if parts.scheme == "https" else 80
    try:
        infos = resolve(host, port or default_port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetUnresolved(
            "unresolvable-host",
            f"the host '{host}' does not resolve ({exc})",
            f"host '{host}' tidak dapat di-resolve ({exc})",
        ) from exc
    addresses: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
        if _refused(address):
            raise TargetRefused(
                "private-address",
                f"'{host}' resolves to {address}, a loopback, private or reserved address; "
                "such targets are refused unless ABSAH_WEBHOOK_ALLOW_PRIVATE is set",
                f"'{host}' mengarah ke {address}, alamat loopback, privat atau khusus; "
                "tujuan seperti itu ditolak kecuali ABSAH_WEBHOOK_ALLOW_PRIVATE diaktifkan",
            )
    if not addresses:
        raise TargetUnresolved(
            "unresolvable-host",
            f"the host '{host}' resolves to no address",
            f"host '{host}' tidak mengarah ke alamat mana pun",
        )
    return Resolved(url, host, tuple(addresses))


def _principal(key: ApiKey) -> Principal:
    return Principal(key.id, key.name, Role(key.role), frozenset(key.unit_codes), key.region_code)


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
        for endpoint, key in session.execute(
            sa.select(WebhookEndpoint, ApiKey)
            .join(ApiKey, ApiKey.id == WebhookEndpoint.api_key_id)
            .where(WebhookEndpoint.active.is_(True), ApiKey.revoked_at.is_(None))
            .order_by(WebhookEndpoint.created_at)
        )
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
