"""The SQL tables: the source of truth for units, submissions, documents and findings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from infra.statuses import DeliveryStatus, UploadStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same values on SQLite and PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: sa.JSON,
        list[Any]: sa.JSON,
    }


class Region(Base):
    """A province: the Kanwil that verifies its units."""

    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class Unit(Base):
    """Who submits: a government by Kemendagri area code, or a UPT by registry code."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # how the unit names itself on a decree ("WALI KOTA PALEMBANG") and other spellings of it
    issuer: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    issuer_aliases: Mapped[list[Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Submission(Base):
    """(programme, period, unit): everything one unit hands in for one period."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("programme", "period", "unit_code", name="uq_submissions_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    programme: Mapped[str] = mapped_column(sa.String(16))
    period: Mapped[str] = mapped_column(sa.String(16))
    unit_code: Mapped[str] = mapped_column(sa.ForeignKey("units.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    evaluated_at: Mapped[datetime | None] = mapped_column(default=None)
    ruleset_version: Mapped[str | None] = mapped_column(sa.String(64), default=None)

    documents: Mapped[list[Document]] = relationship(back_populates="submission")


class Batch(Base):
    """One request's worth of documents (a multi-file upload or a ZIP bundle)."""

    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(16))
    # entries refused at intake (ZIP guards, duplicates): name, code, messages
    rejected: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    submission: Mapped[Submission] = relationship()


class Document(Base):
    """One uploaded file, bound to a submission and a criterion."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    batch_id: Mapped[str | None] = mapped_column(sa.ForeignKey("batches.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str | None] = mapped_column(sa.String(64))
    kind_source: Mapped[str | None] = mapped_column(sa.String(16))
    original_name: Mapped[str] = mapped_column(sa.String(512))
    storage_key: Mapped[str] = mapped_column(sa.String(1024))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    declared_mime: Mapped[str | None] = mapped_column(sa.String(255))
    detected_mime: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(24), index=True)
    status_reason: Mapped[str | None] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    rechecks: Mapped[int] = mapped_column(default=0, server_default="0")  # automatic rounds
    claim_token: Mapped[str | None] = mapped_column(sa.String(36))
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # who holds the claim, to take it over at once when that process is provably gone
    claim_host: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    claim_pid: Mapped[int | None] = mapped_column(default=None)
    claim_task_id: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    ruleset_version: Mapped[str | None] = mapped_column(sa.String(64))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(default=None)
    check_ms: Mapped[int | None] = mapped_column(default=None)  # the last check's duration
    # a photo's 64-bit perceptual hash (signed), for the near-duplicate search (infra/photos.py)
    phash: Mapped[int | None] = mapped_column(sa.BigInteger, default=None, index=True)
    # the document that replaced this one (status superseded); no FK: ids only, either order
    superseded_by: Mapped[str | None] = mapped_column(sa.String(36), default=None)

    submission: Mapped[Submission] = relationship(back_populates="documents")
    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="document", order_by="FindingRow.id", cascade="all, delete-orphan"
    )


class FindingRow(Base):
    """The result of one check on one document, keyed so a re-run cannot duplicate it."""

    __tablename__ = "findings"
    __table_args__ = (
        sa.UniqueConstraint(
            "document_id", "sha256", "ruleset_version", "check_id", name="uq_findings_key"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    ruleset_version: Mapped[str] = mapped_column(sa.String(64))
    check_id: Mapped[str] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(8))
    reason_code: Mapped[str] = mapped_column(sa.String(64))
    needs_review: Mapped[bool] = mapped_column(default=False)
    message_id: Mapped[str] = mapped_column(sa.Text)
    message_en: Mapped[str] = mapped_column(sa.Text)
    location: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="findings")


class CriterionState(Base):
    """The machine verdict of one criterion of one submission, recomputed after each check."""

    __tablename__ = "criterion_states"
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(24))
    missing: Mapped[list[Any]] = mapped_column(default=list)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    ruleset_version: Mapped[str] = mapped_column(sa.String(64))
    evaluated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """A client's credential: stored hashed, shown once, revocable; its role bounds what it sees."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    unit_codes: Mapped[list[Any]] = mapped_column(default=list)
    region_code: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


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


class ReviewClaim(Base):
    """A verifier holds a submission for a while so two verifiers do not review it at once."""

    __tablename__ = "review_claims"
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(36))  # api key id, if a key
    claimed_by_account: Mapped[str | None] = mapped_column(sa.String(36), default=None)
    claimed_by_name: Mapped[str] = mapped_column(sa.String(200))
    claimed_until: Mapped[datetime] = mapped_column()


class WebSession(Base):
    """A signed-in page session, kept on the server so signing out (or revoking the key,
    disabling the account, changing its password) ends it: the cookie carries a random token,
    stored here only as its SHA-256. A session belongs to an account or (where key sign-in is
    on) to a key."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # sha256 hex of the token
    key_id: Mapped[str | None] = mapped_column(sa.ForeignKey("api_keys.id"), index=True)
    account_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("accounts.id"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()  # absolute: sign-in + session_max_hours
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    end_reason: Mapped[str | None] = mapped_column(sa.String(32), default=None)


class ServiceBeat(Base):
    """When a background part last did its round (the sweeper), for readiness and metrics."""

    __tablename__ = "service_beats"
    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column()
    holder: Mapped[str | None] = mapped_column(sa.String(300), default=None)


class StoredFacts(Base):
    """The facts extracted from one file (FileFacts as JSON), kept so a rule change re-evaluates
    without downloading or extracting again. Keyed by (document, sha256, facts version): new
    bytes or a new extraction never reuse old facts."""

    __tablename__ = "document_facts"
    document_id: Mapped[str] = mapped_column(sa.ForeignKey("documents.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    facts_version: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    facts: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerdictRow(Base):
    """A document's machine verdict under one rule-set version: its history across catalogs."""

    __tablename__ = "document_verdicts"
    __table_args__ = (
        sa.UniqueConstraint(
            "document_id", "sha256", "ruleset_version", name="uq_document_verdicts_key"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    ruleset_version: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(24))
    reason: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReverifySchedule(Base):
    """A rule-set version whose stale documents were scheduled for re-verification, so a
    restart does not schedule them twice; `remaining` lets the sweeper see a stalled run."""

    __tablename__ = "reverify_schedules"
    ruleset_version: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    programme: Mapped[str] = mapped_column(sa.String(16))
    source: Mapped[str] = mapped_column(sa.String(16))  # "auto" (start, sweeper) or "command"
    scheduled_at: Mapped[datetime] = mapped_column(default=utcnow)
    documents: Mapped[int] = mapped_column(default=0)  # how many were sent at first
    remaining: Mapped[int] = mapped_column(default=0)  # still stale at the last look


class Account(Base):
    """A person: verifier (a region), unit operator (a unit) or admin. Signs in to the pages
    with a password (argon2id), a TOTP second factor, or single sign-on; never to the API."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)  # lower case
    display_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    unit_code: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    # TOTP: the secret sealed (infra.encryption, bound to the account id); pending while the
    # person has not yet confirmed a code; the last time step used (a code works once).
    totp_secret: Mapped[str | None] = mapped_column(sa.Text, default=None)
    totp_pending: Mapped[str | None] = mapped_column(sa.Text, default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    recovery_codes: Mapped[list[Any]] = mapped_column(default=list)  # SHA-256 of unused codes
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(600), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)


class SignInFailure(Base):
    """One wrong password or code for a username (known or not): enough of them within the
    window lock the username for a while."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (sa.Index("ix_sign_in_failures_username_at", "username", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
