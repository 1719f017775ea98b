"""The verifiers' workspace over HTTP: review queue, claims, decisions, decision history, audit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from infra.db import transaction
from infra.keys import Principal
from infra.webhooks import send_deliveries
from intake.auth import Caller
from intake.deps import DbSession, Runtime
from intake.errors import ApiError, ErrorBody
from intake.scope import (
    ReviewTarget,
    ensure_reviewer,
    find_submission,
    require_submission,
    review_target,
    visible_region,
    visible_unit,
)
from intake.workspace.bulk import BulkAcceptIn, accept_complete
from intake.workspace.claims import ClaimIn, ClaimOut, claim_submission, release_submission
from intake.workspace.decision_views import DecisionIn, DecisionOut
from intake.workspace.decisions import Recorded, record_decision
from intake.workspace.history import AuditOut, audit_entries, decision_history, submission_from_path
from intake.workspace.queue import (
    ClaimFilter,
    QueueFilter,
    QueuePage,
    QueueSort,
    WaitingStatus,
    review_queue,
)
from intake.workspace.waiting import Attention

router = APIRouter(tags=["review"])

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (403, 404, 409, 422, 503)
}
SUBMISSION = "/v1/submissions/{programme}/{period}/{unit}"
# Bounds that keep a query parameter inside SQL BIGINT and datetime arithmetic.
MAX_OFFSET = 1_000_000_000
MAX_HOURS = 24 * 366 * 100  # a century


def _claimer(caller: Caller) -> Principal:
    """Only verifiers and admins hold submissions: 403 before the address is even looked at."""
    ensure_reviewer(caller, "menangani pengajuan", "claim submissions")
    return caller


Claimer = Annotated[Principal, Depends(_claimer)]


@router.get("/v1/review-queue", response_model=QueuePage, responses=ERRORS)
def get_review_queue(
    session: DbSession,
    rt: Runtime,
    caller: Caller,
    programme: str | None = None,
    period: str | None = None,
    region: str | None = None,
    unit: str | None = None,
    q: Annotated[
        str | None, Query(max_length=200, description="part of a unit's name or code")
    ] = None,
    status: Annotated[
        list[WaitingStatus] | None,
        Query(description="a waiting criterion with this machine status; repeatable"),
    ] = None,
    attention: Annotated[
        list[Attention] | None, Query(description="something of this kind needs attention")
    ] = None,
    claim: Annotated[ClaimFilter | None, Query(description="mine, free or others")] = None,
    older_than_hours: Annotated[float | None, Query(ge=0, le=MAX_HOURS)] = None,
    include_done: Annotated[
        bool, Query(description="also submissions with nothing waiting for a decision")
    ] = False,
    sort: QueueSort = QueueSort.ATTENTION,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> QueuePage:
    """Submissions with criteria waiting for a verifier's decision, one item each with its
    unit, programme, period and counts (documents and criteria by machine status, criteria by
    decision), what needs attention first and the oldest waiting criterion. Problems first by
    default (`sort`). Every role may read the queue of the units it sees; only verifiers and
    admins decide."""
    programme = programme.strip().upper() if programme else None
    if programme and programme not in rt.catalogs.programmes():
        known = rt.catalogs.programmes()
        raise ApiError(
            422,
            "unknown_programme",
            f"Program '{programme}' tidak dikenal; pilih salah satu: {', '.join(known)}.",
            f"Unknown programme '{programme}'; use one of: {', '.join(known)}.",
            known=known,
        )
    filters = QueueFilter(
        programme=programme,
        period=period.strip().upper() if period else None,
        region=visible_region(session, caller, region).code if region else None,
        unit=visible_unit(session, caller, unit).code if unit else None,
        search=q.strip() or None if q else None,
        statuses=tuple(status or ()),
        attention=tuple(attention or ()),
        claim=claim,
        older_than_hours=older_than_hours,
        include_done=include_done,
        sort=sort,
    )
    return review_queue(session, rt.catalogs, caller, filters, limit, offset)


@router.post(f"{SUBMISSION}/claim", response_model=ClaimOut, responses=ERRORS)
def post_claim(
    caller: Claimer, target: ReviewTarget, session: DbSession, body: ClaimIn | None = None
) -> ClaimOut:
    """Hold a submission for a while (default 30, at most 240 minutes); the holder renews by
    claiming again. Someone else's live hold → 409 `claimed_by_other`."""
    submission = require_submission(session, target, lock=True)
    return claim_submission(session, submission, caller, (body or ClaimIn()).minutes)


@router.delete(f"{SUBMISSION}/claim", status_code=204, responses=ERRORS)
def delete_claim(caller: Claimer, target: ReviewTarget, session: DbSession) -> Response:
    """Release the hold (nothing held is fine; someone else's live hold → 409)."""
    release_submission(session, require_submission(session, target, lock=True), caller)
    return Response(status_code=204)


@router.post(
    f"{SUBMISSION}/criteria/{{criterion}}/decision",
    status_code=201,
    response_model=DecisionOut,
    responses=ERRORS,
)
def post_decision(
    programme: str,
    period: str,
    unit: str,
    criterion: str,
    body: DecisionIn,
    rt: Runtime,
    caller: Caller,
) -> DecisionOut:
    """Memenuhi / Perlu Perbaikan / Tidak Memenuhi. A note is required unless accepted; going
    against the machine verdict requires `override_reason`. Recorded with an audit entry and
    a `decision.recorded` webhook event in one transaction."""
    ensure_reviewer(caller, "memutuskan kriteria", "decide on criteria")

    def work(session: Session) -> Recorded:
        target = review_target(session, rt, caller, programme, period, unit)
        return record_decision(session, target, caller, criterion, body)

    with transaction(rt.sessions) as session:  # committed before the deliveries are sent
        recorded = work(session)
    send_deliveries(rt.sender, recorded.deliveries)
    return recorded.decision


@router.post(
    f"{SUBMISSION}/decisions/accept-complete",
    status_code=201,
    response_model=list[DecisionOut],
    responses=ERRORS,
)
def post_accept_complete(
    programme: str,
    period: str,
    unit: str,
    body: BulkAcceptIn,
    rt: Runtime,
    caller: Caller,
) -> list[DecisionOut]:
    """Accept (Memenuhi) in one action the confirmed criteria, each LENGKAP with every live
    file passed and undecided (the submission's `acceptable`). Each gets its own decision,
    audit entry and `decision.recorded` event; one that is no longer acceptable refuses all
    (409 `not_acceptable`, `detail.criteria` lists them)."""
    ensure_reviewer(caller, "memutuskan kriteria", "decide on criteria")

    def work(session: Session) -> list[Recorded]:
        target = review_target(session, rt, caller, programme, period, unit)
        return accept_complete(session, target, caller, body)

    with transaction(rt.sessions) as session:  # committed before the deliveries are sent
        recorded = work(session)
    send_deliveries(rt.sender, [d for r in recorded for d in r.deliveries])
    return [r.decision for r in recorded]


@router.get(f"{SUBMISSION}/decisions", response_model=list[DecisionOut], responses=ERRORS)
def get_decisions(
    target: ReviewTarget, session: DbSession, criterion: str | None = None
) -> list[DecisionOut]:
    """Every decision on the submission (or one criterion), newest first."""
    submission = find_submission(session, target)
    return decision_history(session, submission, criterion) if submission else []


@router.get("/v1/audit", response_model=list[AuditOut], responses=ERRORS)
def get_audit(
    session: DbSession,
    rt: Runtime,
    caller: Caller,
    submission: Annotated[
        str | None, Query(description="PROGRAMME/PERIOD/UNIT, e.g. P2HAM/2025/1671")
    ] = None,
    action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[AuditOut]:
    """Audit entries (decisions, machine status changes) the caller may see, newest first."""
    if submission is None:
        return audit_entries(session, caller, action=action, limit=limit, offset=offset)
    found = submission_from_path(session, rt, caller, submission)
    if found is None:
        return []
    return audit_entries(session, caller, found, action=action, limit=limit, offset=offset)
