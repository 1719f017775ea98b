"""Document status moves, each a compare-and-set on the row so every task stays idempotent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.holders import Holder
from infra.statuses import FINAL, WAITING, DocumentStatus
from infra.tables import Document, FindingRow, table_of, utcnow

_DOCUMENTS = table_of(Document)
_FINDINGS = table_of(FindingRow)


@dataclass(frozen=True)
class Claim:
    document_id: str
    token: str
    attempts: int


def mark_queued(session: Session, *document_ids: str) -> int:
    """received → queued, once the messages are with the broker (a lost race is harmless);
    one statement for a whole batch. Returns how many moved."""
    if not document_ids:
        return 0
    result = session.execute(
        sa.update(Document)
        .where(Document.id.in_(document_ids), Document.status == DocumentStatus.RECEIVED)
        .values(status=DocumentStatus.QUEUED, updated_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim(
    session: Session, document_id: str, lease_seconds: int, holder: Holder | None = None
) -> Claim | None:
    """Take a document for checking: waiting, checking with an expired lease, or checking by
    a holder that is provably gone (`Holder.replaces`): taken over at once."""
    now = utcnow()
    token = str(uuid.uuid4())
    docs = _DOCUMENTS.c  # Core: once per check, and no caller holds the row as an ORM object
    claimable = sa.or_(
        docs.status.in_(list(WAITING)),
        sa.and_(docs.status == DocumentStatus.CHECKING, docs.lease_expires_at < now),
    )
    values: dict[str, Any] = {
        "status": DocumentStatus.CHECKING,
        "claim_token": token,
        "lease_expires_at": now + timedelta(seconds=lease_seconds),
        "attempts": docs.attempts + 1,
        "updated_at": now,
        "claim_host": holder.host if holder else None,
        "claim_pid": holder.pid if holder else None,
        "claim_task_id": holder.task_id if holder else None,
        "heartbeat_at": now,
    }
    attempts = session.scalar(
        sa.update(_DOCUMENTS)
        .where(docs.id == document_id, claimable)
        .values(**values)
        .returning(docs.attempts)
    )
    if attempts is None:
        held = session.execute(
            sa.select(docs.claim_token, docs.claim_host, docs.claim_pid, docs.claim_task_id).where(
                docs.id == document_id, docs.status == DocumentStatus.CHECKING
            )
        ).first()
        if held is None or held.claim_token is None or holder is None:
            return None
        if not holder.replaces(held.claim_host, held.claim_pid, held.claim_task_id):
            return None
        # compare-and-set on the dead holder's token: of two takers, one wins
        attempts = session.scalar(
            sa.update(_DOCUMENTS)
            .where(_owned(document_id, held.claim_token))
            .values(**values)
            .returning(docs.attempts)
        )
        if attempts is None:
            return None
    return Claim(document_id, token, int(attempts))


def renew(session: Session, claim_: Claim, lease_seconds: int) -> bool:
    """The heartbeat: extend the lease, only while the claim is still this holder's."""
    now = utcnow()
    result = session.execute(
        sa.update(Document)
        .where(_owned(claim_.document_id, claim_.token))
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds), heartbeat_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _owned(document_id: str, token: str) -> Any:
    docs = _DOCUMENTS.c  # Core columns: the claim's checks stay plain SQL in `finish` too
    return sa.and_(
        docs.id == document_id,
        docs.status == DocumentStatus.CHECKING,
        docs.claim_token == token,
    )


def release(session: Session, claim_: Claim, error: str) -> bool:
    """checking → queued, to be retried; the attempt stays counted."""
    result = session.execute(
        sa.update(Document)
        .where(_owned(claim_.document_id, claim_.token))
        .values(
            status=DocumentStatus.QUEUED,
            claim_token=None,
            lease_expires_at=None,
            last_error=error[:2000],
            updated_at=utcnow(),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(
    session: Session,
    claim_: Claim,
    *,
    status: DocumentStatus,
    reason: str | None,
    kind: str | None,
    detected_mime: str | None,
    ruleset_version: str | None,
    findings: list[dict[str, Any]],
    check_ms: int | None = None,
) -> bool:
    """checking → a final status with its findings, only for the holder of the claim."""
    now = utcnow()
    values: dict[str, Any] = {
        "status": status,
        "status_reason": reason,
        "claim_token": None,
        "lease_expires_at": None,
        "ruleset_version": ruleset_version,
        "updated_at": now,
        "checked_at": now,
        "check_ms": check_ms,
    }
    if kind is not None:
        values["kind"] = kind
    if detected_mime is not None:
        values["detected_mime"] = detected_mime
    # Core statements on the tables: once per checked file, without the ORM's bookkeeping
    rows = _FINDINGS.c
    result = session.execute(
        sa.update(_DOCUMENTS).where(_owned(claim_.document_id, claim_.token)).values(**values)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    if findings and ruleset_version:
        sha = findings[0]["sha256"]
        # findings are keyed by (document, sha256, rule-set version, check): replace, never pile up
        session.execute(
            sa.delete(_FINDINGS).where(
                rows.document_id == claim_.document_id,
                rows.sha256 == sha,
                rows.ruleset_version == ruleset_version,
            )
        )
        now = utcnow()
        session.execute(
            sa.insert(_FINDINGS),
            [
                {
                    **f,
                    "document_id": claim_.document_id,
                    "ruleset_version": ruleset_version,
                    "created_at": now,
                }
                for f in findings
            ],
        )
    return True


def supersede(session: Session, document_id: str, by: str) -> bool:
    """any live status → superseded by `by`, once. A document still being checked loses its
    claim here: the worker's `finish` (a CAS on status checking and the claim token) then
    changes nothing, so a late verdict never brings a replaced file back."""
    result = session.execute(
        sa.update(Document)
        .where(Document.id == document_id, Document.status != DocumentStatus.SUPERSEDED)
        .values(
            status=DocumentStatus.SUPERSEDED,
            superseded_by=by,
            claim_token=None,
            lease_expires_at=None,
            updated_at=utcnow(),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def give_up(
    session: Session, document_id: str, reason: str, detail: str, attempts: int | None = None
) -> bool:
    """A document the system could not check ends `unable_to_check`, never `failed`.

    `attempts` records the count made when the claim that found them spent was not one.
    """
    values: dict[str, Any] = {"attempts": attempts} if attempts is not None else {}
    result = session.execute(
        sa.update(Document)
        .where(Document.id == document_id, Document.status.not_in(list(FINAL)))
        .values(
            status=DocumentStatus.UNABLE_TO_CHECK,
            status_reason=reason,
            last_error=detail[:2000],
            claim_token=None,
            lease_expires_at=None,
            updated_at=utcnow(),
            checked_at=utcnow(),
            **values,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# Reasons of `unable_to_check` that are the system's own trouble (storage down, a crash), so a
# later round may succeed; `object-missing` needs a person (restore the object, re-upload).


def hand_over(session: Session, claim_: Claim, reason: str) -> bool:
    """checking → queued for another queue's task (OCR), the attempt given back: handing over
    is not a failed attempt, so a document waiting on a long OCR backlog never runs out."""
    result = session.execute(
        sa.update(Document)
        .where(_owned(claim_.document_id, claim_.token))
        .values(
            status=DocumentStatus.QUEUED,
            status_reason=reason,
            attempts=sa.case((Document.attempts > 0, Document.attempts - 1), else_=0),
            claim_token=None,
            lease_expires_at=None,
            updated_at=utcnow(),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
