"""Verifier decisions per criterion: record one (with its audit entry and event), read them back,
and whether a submission is ready (Siap diunggah)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.assessment import stored_rows, submission_verdicts
from infra.audit import audit
from infra.events import DecisionRecorded, EventType
from infra.keys import Principal
from infra.statuses import DecisionKind
from infra.tables import Decision, Document, Submission, utcnow
from infra.webhooks import record_event
from intake.address import Target
from intake.errors import ApiError, not_found
from intake.scope import ensure_reviewer, require_submission
from intake.workspace.claims import ensure_not_held_by_other
from intake.workspace.decision_views import (
    DecisionIn,
    DecisionOut,
    decision_out,
    usernames_of,
)
from rules.catalog import Catalog
from rules.completeness import CriterionStatus


@dataclass(frozen=True)
class Recorded:
    decision: DecisionOut
    deliveries: list[str]  # webhook deliveries to send after commit


def latest_decisions(
    session: Session, submission_ids: Collection[int]
) -> dict[tuple[int, str], Decision]:
    """The decision that counts (the latest) per (submission, criterion)."""
    if not submission_ids:
        return {}
    latest = (
        sa.select(sa.func.max(Decision.id))
        .where(Decision.submission_id.in_(list(submission_ids)))
        .group_by(Decision.submission_id, Decision.criterion_id)
    )
    rows = session.scalars(sa.select(Decision).where(Decision.id.in_(latest)))
    return {(r.submission_id, r.criterion_id): r for r in rows}


def is_resubmitted(decision: Decision | None, uploads: Iterable[tuple[datetime, str]]) -> bool:
    """Revision was requested and a live document (created_at, status) arrived after it."""
    if decision is None or decision.decision != DecisionKind.REVISION_REQUESTED:
        return False
    return any(at > decision.decided_at and status != "superseded" for at, status in uploads)


def decisions_view(
    session: Session, submission_id: int, docs: list[Document]
) -> dict[str, DecisionOut]:
    """Each criterion's current decision with its resubmitted flag and whether the machine
    verdict changed since (a re-check under a new catalog), for the submission view."""
    uploads: dict[str, list[tuple[datetime, str]]] = {}
    for doc in docs:
        uploads.setdefault(doc.criterion_id, []).append((doc.created_at, doc.status))
    now = stored_rows(session, [submission_id])[submission_id]
    latest = latest_decisions(session, [submission_id])
    names = usernames_of(session, latest.values())
    return {
        cid: decision_out(
            row,
            is_resubmitted(row, uploads.get(cid, [])),
            now[cid].status if cid in now else None,
            names,
        )
        for (_, cid), row in latest.items()
    }


def is_ready(catalog: Catalog, statuses: Mapping[str, str], decisions: Mapping[str, str]) -> bool:
    """Every mandatory criterion that applies to the unit is accepted (criterion → status and
    criterion → decision)."""
    return all(
        decisions.get(cid) == DecisionKind.ACCEPTED
        for cid, criterion in catalog.leaves.items()
        if criterion.mandatory and statuses.get(cid) != CriterionStatus.NOT_APPLICABLE
    )


def overrides(kind: DecisionKind, machine: CriterionStatus, any_failed: bool) -> bool:
    """Does this decision go against the machine verdict (and so need a reason)?"""
    if kind is DecisionKind.ACCEPTED:
        return machine is CriterionStatus.INCOMPLETE or any_failed
    return machine is CriterionStatus.COMPLETE


def _checked(
    body: DecisionIn, machine: CriterionStatus, any_failed: bool
) -> tuple[str | None, str | None, bool]:
    """The note, override reason and override flag to store, or the 409/422 that refuses."""
    if machine is CriterionStatus.PENDING:
        raise ApiError(
            409,
            "criterion_pending",
            "Dokumen kriteria ini masih diperiksa sistem; putuskan setelah pemeriksaan selesai.",
            "This criterion's documents are still being checked; decide once checks finish.",
        )
    if machine is CriterionStatus.NOT_APPLICABLE:
        raise ApiError(
            409,
            "criterion_not_applicable",
            "Kriteria ini tidak berlaku untuk jenis unit ini.",
            "This criterion does not apply to this kind of unit.",
        )
    note = (body.note or "").strip() or None
    if body.decision is not DecisionKind.ACCEPTED and note is None:
        raise ApiError(
            422,
            "note_required",
            "Tuliskan catatan: apa yang harus diperbaiki atau mengapa tidak memenuhi.",
            "Write a note: what to fix, or why the criterion is not met.",
        )
    override = overrides(body.decision, machine, any_failed)
    reason = (body.override_reason or "").strip() or None
    if override and reason is None:
        raise ApiError(
            422,
            "override_reason_required",
            "Keputusan ini berbeda dari hasil pemeriksaan sistem; tuliskan alasan perbedaannya.",
            "This decision goes against the machine verdict; give a reason (override_reason).",
        )
    return note, reason if override else None, override


def record_decision(
    session: Session, target: Target, caller: Principal, criterion_id: str, body: DecisionIn
) -> Recorded:
    """Record a verifier's decision, its audit entry and its webhook event in the caller's
    transaction; send `deliveries` after commit."""
    ensure_reviewer(caller, "memutuskan kriteria", "decide on criteria")
    criterion = target.catalog.leaves.get(criterion_id.strip().upper())
    if criterion is None:
        raise not_found("Kriteria", "Criterion")
    submission = require_submission(session, target, lock=True)
    ensure_not_held_by_other(session, submission.id, caller)
    verdict = submission_verdicts(session, target.catalog, submission, target.unit.kind)[
        criterion.id
    ]
    statuses = session.scalars(
        sa.select(Document.status).where(
            Document.submission_id == submission.id,
            Document.criterion_id == criterion.id,
            Document.status != "superseded",  # a replaced file never makes an override
        )
    ).all()
    note, reason, override = _checked(body, verdict.status, "failed" in statuses)
    previous = latest_decisions(session, [submission.id]).get((submission.id, criterion.id))
    row = Decision(
        submission_id=submission.id,
        criterion_id=criterion.id,
        decision=body.decision.value,
        note=note,
        machine_status=verdict.status.value,
        override=override,
        override_reason=reason,
        decided_by=caller.key_id,
        decided_by_account=caller.account_id,
        decided_by_name=caller.name,
        decided_at=utcnow(),
    )
    session.add(row)
    audit(
        session,
        action="decision.recorded",
        submission=submission,
        criterion_id=criterion.id,
        before={
            "decision": previous.decision if previous else None,
            "note": previous.note if previous else None,
            "machine_status": verdict.status.value,
        },
        after={
            "decision": row.decision,
            "note": note,
            "override": override,
            "override_reason": reason,
            "machine_status": verdict.status.value,
        },
        reason=reason or note,
        actor=caller.name,
        actor_key_id=caller.key_id,
        actor_account_id=caller.account_id,
    )
    session.flush()
    names = {caller.account_id: caller.username or ""} if caller.account_id else {}
    out = decision_out(row, machine_now=row.machine_status, usernames=names)
    return Recorded(out, _event(session, submission, target, row))


def _event(session: Session, submission: Submission, target: Target, row: Decision) -> list[str]:
    payload = DecisionRecorded(
        programme=submission.programme,
        period=submission.period,
        unit=submission.unit_code,
        criterion=row.criterion_id,
        decision=row.decision,
        note=row.note,
        machine_status=row.machine_status,
        status_url=f"/v1/submissions/{submission.programme}/{submission.period}/"
        f"{submission.unit_code}",
    )
    return record_event(
        session,
        EventType.DECISION_RECORDED,
        submission.unit_code,
        target.unit.region_code,
        payload.model_dump(mode="json"),
    )
