"""What was handed in and what the machine found: submissions, batches, documents, findings,
criterion verdicts, kept facts and verdict history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from infra.tables.base import Base, new_id, utcnow


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
    # when a criterion verdict of the submission last changed (None: never assessed)
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
    # a bundle's ZIP as received: {"name", "size", "sha256"} (its bytes are kept as entries only)
    archive: Mapped[dict[str, Any] | None] = mapped_column(default=None)
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
    # a PDF's text print (rules/textprint.py), for copies re-saved in other bytes (infra/copies.py)
    text_sha256: Mapped[str | None] = mapped_column(sa.String(80), default=None, index=True)
    # told to be checked again by a later copy's verdict, and how often the sweeper told it since
    # (infra/earlier_twins.py); a check's `finish` clears both
    told_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    tells: Mapped[int] = mapped_column(default=0, server_default="0")
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
    """The machine verdict of one criterion of one submission, recomputed after each check and
    written only when it changes (`evaluated_at`: when it last did)."""

    __tablename__ = "criterion_states"
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(24))
    missing: Mapped[list[Any]] = mapped_column(default=list)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    ruleset_version: Mapped[str] = mapped_column(sa.String(64))
    evaluated_at: Mapped[datetime] = mapped_column(default=utcnow)


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
