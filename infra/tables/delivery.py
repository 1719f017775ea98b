"""Intake and delivery bookkeeping: presigned uploads, idempotency records, webhooks, service
beats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from infra.statuses import DeliveryStatus, UploadStatus
from infra.tables.base import Base, new_id, utcnow


class Upload(Base):
    """A presigned direct-to-storage upload, completed (checked and queued) by the client."""

    __tablename__ = "uploads"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    api_key_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    programme: Mapped[str] = mapped_column(sa.String(16))
    period: Mapped[str] = mapped_column(sa.String(16))
    unit_code: Mapped[str] = mapped_column(sa.ForeignKey("units.code"))
    criterion_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str | None] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(512))
    content_type: Mapped[str | None] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    document_id: Mapped[str] = mapped_column(sa.String(36))
    storage_key: Mapped[str] = mapped_column(sa.String(1024))
    status: Mapped[str] = mapped_column(
        sa.String(16), default=UploadStatus.PENDING.value, index=True
    )
    batch_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class IdempotencyRecord(Base):
    """The first answer to a request with an Idempotency-Key, replayed to its retries."""

    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("api_key_id", "key", name="uq_idempotency_key"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    api_key_id: Mapped[str] = mapped_column(sa.String(36))
    key: Mapped[str] = mapped_column(sa.String(200))
    fingerprint: Mapped[str] = mapped_column(sa.String(500))  # method, path and body
    status_code: Mapped[int | None] = mapped_column(default=None)
    response: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # when the reservation was taken (again, after a lease ran out); expiry counts from it
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    token: Mapped[str | None] = mapped_column(sa.String(36), default=None)  # who holds it


class WebhookEndpoint(Base):
    """Where a client (an API key) wants events sent, and the secret that signs them."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    api_key_id: Mapped[str] = mapped_column(sa.ForeignKey("api_keys.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret: Mapped[str] = mapped_column(sa.String(200))
    events: Mapped[list[Any]] = mapped_column(default=list)  # empty: every event
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: recorded first, sent by a task, retried with backoff."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    endpoint_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_endpoints.id"), index=True)
    event: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(
        sa.String(16), default=DeliveryStatus.PENDING.value, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class ServiceBeat(Base):
    """When a background part last did its round (the sweeper), for readiness and metrics."""

    __tablename__ = "service_beats"
    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column()
    holder: Mapped[str | None] = mapped_column(sa.String(300), default=None)
