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
    # no check ever finished on the document (checked_at unset at the claim), so it has no
    # findings yet: `finish` skips their DELETE. A claim made elsewhere keeps the DELETE.
    first_check: bool = False


def mark_queued(session: Session, *document_ids: str) -> int:
    """received → queued once the broker has them, in one statement (a lost race is harmless)."""
    if not document_ids:
        return 0
    result = session.execute(
        sa.update(Document)
        .where(Document.id.in_(document_ids), Document.status == DocumentStatus.RECEIVED)
        .values(status=DocumentStatus.QUEUED, updated_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _param(name: str, column: sa.ColumnElement[Any]) -> sa.BindParameter[Any]:
    return sa.bindparam(name, type_=column.type)


def _claim_statements() -> tuple[sa.Update, sa.Update]:
    """The claim and the take-over from a dead holder: built once (infra.db.per_dialect says
    why), run with `p_*` values; each returns the attempts and whether a check ever finished."""
    docs = _DOCUMENTS.c
    now, document_id = _param("p_now", docs.updated_at), _param("p_id", docs.id)
    values = {
        "status": DocumentStatus.CHECKING,
        "claim_token": _param("p_token", docs.claim_token),
        "lease_expires_at": _param("p_lease", docs.lease_expires_at),
        "attempts": docs.attempts + 1,
        "updated_at": now,
        "claim_host": _param("p_host", docs.claim_host),
        "claim_pid": _param("p_pid", docs.claim_pid),
        "claim_task_id": _param("p_task", docs.claim_task_id),
        "heartbeat_at": now,
    }
    claimable = sa.or_(
        docs.status.in_(list(WAITING)),
        sa.and_(docs.status == DocumentStatus.CHECKING, docs.lease_expires_at < now),
    )
    returned = (docs.attempts, docs.checked_at)
    take = sa.update(_DOCUMENTS).where(docs.id == document_id, claimable)
    take_over = sa.update(_DOCUMENTS).where(_owned(document_id, _param("p_held", docs.claim_token)))
    return (
        take.values(**values).returning(*returned),
        take_over.values(**values).returning(*returned),
    )


def claim(
    session: Session, document_id: str, lease_seconds: int, holder: Holder | None = None
) -> Claim | None:
    """Take a document for checking: waiting, checking with an expired lease, or checking by
    a holder that is provably gone (`Holder.replaces`): taken over at once."""
    now = utcnow()
    token = str(uuid.uuid4())
    docs = _DOCUMENTS.c  # Core: once per check, and no caller holds the row as an ORM object
    values: dict[str, Any] = {
        "p_id": document_id,
        "p_now": now,
        "p_token": token,
        "p_lease": now + timedelta(seconds=lease_seconds),
        "p_host": holder.host if holder else None,
        "p_pid": holder.pid if holder else None,
        "p_task": holder.task_id if holder else None,
    }
    taken = session.execute(_CLAIM, values).first()
    if taken is None:
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
        taken = session.execute(_TAKE_OVER, {**values, "p_held": held.claim_token}).first()
        if taken is None:
            return None
    # only `finish` writes findings, and it sets checked_at in the same transaction
    return Claim(document_id, token, int(taken.attempts), first_check=taken.checked_at is None)


def renew(session: Session, claim_: Claim, lease_seconds: int) -> bool:
    """The heartbeat: extend the lease, only while the claim is still this holder's."""
    now = utcnow()
    result = session.execute(
        sa.update(Document)
        .where(_owned(claim_.document_id, claim_.token))
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds), heartbeat_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _owned(document_id: str | sa.BindParameter[Any], token: str | sa.BindParameter[Any]) -> Any:
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


def _finish_statement() -> sa.Update:
    docs = _DOCUMENTS.c
    now = _param("p_now", docs.updated_at)
    kept = docs.told_at > docs.updated_at  # told during this check, maybe unseen: earlier_twins
    return (
        sa.update(_DOCUMENTS)
        .where(_owned(_param("p_id", docs.id), _param("p_token", docs.claim_token)))
        .values(
            status=_param("p_status", docs.status),
            status_reason=_param("p_reason", docs.status_reason),
            claim_token=None,
            lease_expires_at=None,
            ruleset_version=_param("p_ruleset", docs.ruleset_version),
            updated_at=now,
            checked_at=now,
            check_ms=_param("p_check_ms", docs.check_ms),
            told_at=sa.case((kept, docs.told_at), else_=None),
            tells=sa.case((kept, docs.tells), else_=0),
            # what the check found out, else what was known
            kind=sa.func.coalesce(_param("p_kind", docs.kind), docs.kind),
            detected_mime=sa.func.coalesce(
                _param("p_mime", docs.detected_mime), docs.detected_mime
            ),
        )
    )


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
    result = session.execute(
        _FINISH,
        {
            "p_id": claim_.document_id,
            "p_token": claim_.token,
            "p_status": status,
            "p_reason": reason,
            "p_ruleset": ruleset_version,
            "p_now": now,
            "p_check_ms": check_ms,
            "p_kind": kind,
            "p_mime": detected_mime,
        },
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    if findings and ruleset_version:
        rows = _FINDINGS.c
        sha = findings[0]["sha256"]
        # findings are keyed by (document, sha256, rule-set version, check): replace, never pile up
        if not claim_.first_check:
            session.execute(
                sa.delete(_FINDINGS).where(
                    rows.document_id == claim_.document_id,
                    rows.sha256 == sha,
                    rows.ruleset_version == ruleset_version,
                )
            )
        session.execute(
            _ADD_FINDINGS,
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


# Built once: these run for every checked file (infra.db.per_dialect says why)
_CLAIM, _TAKE_OVER = _claim_statements()
_FINISH = _finish_statement()
_ADD_FINDINGS = sa.insert(_FINDINGS)


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
