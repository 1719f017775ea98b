"""What people decided and did: decisions, claims, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from infra.tables.base import Base, utcnow


class Decision(Base):
    """A verifier's decision on one criterion of one submission; the latest one counts."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(sa.String(64))
    decision: Mapped[str] = mapped_column(sa.String(24))  # accepted, revision_requested, rejected
    note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    machine_status: Mapped[str] = mapped_column(sa.String(24))  # what the machine said then
    override: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    decided_by: Mapped[str | None] = mapped_column(sa.String(36))  # api key id, if a key
    decided_by_account: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    decided_by_name: Mapped[str] = mapped_column(sa.String(200))  # the person (or key) name
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewClaim(Base):
    """A verifier holds a submission for a while so two verifiers do not review it at once."""

    __tablename__ = "review_claims"
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(36))  # api key id, if a key
    claimed_by_account: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    claimed_by_name: Mapped[str] = mapped_column(sa.String(200))
    claimed_until: Mapped[datetime] = mapped_column()


class AuditEntry(Base):
    """Append-only: who changed what, when, from what to what, and why."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(200))  # person or key name, or "system"
    actor_key_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    actor_account_id: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    action: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    submission_id: Mapped[int | None] = mapped_column(default=None, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
