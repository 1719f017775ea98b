"""The review queue: criteria whose machine check is done and that wait for a verifier, oldest
first, only from units the caller may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, aliased

from infra.keys import Principal
from infra.statuses import DecisionKind
from infra.tables import CriterionState, Decision, Document, Submission, Unit, UtcDateTime, utcnow
from intake.scope import visible_units
from intake.workspace.claims import ClaimOut, claim_out, live_claims
from rules.catalog import Catalog
from rules.catalogs import CatalogSet
from rules.completeness import IN_PROGRESS, LABELS_ID, CriterionStatus


class WaitingStatus(StrEnum):
    """The machine statuses a verifier can decide on (pending and not_applicable cannot)."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class QueueFilter:
    programme: str | None = None
    period: str | None = None
    region: str | None = None
    unit: str | None = None
    statuses: tuple[WaitingStatus, ...] = ()
    older_than_hours: float | None = None
    include_empty: bool = False  # criteria without any document (nothing to look at yet)


class QueueUnit(BaseModel):
    code: str
    name: str
    region: str


class QueueCriterion(BaseModel):
    id: str
    name: str
    name_en: str | None = None


class QueueItem(BaseModel):
    programme: str
    period: str
    unit: QueueUnit
    criterion: QueueCriterion
    status: str
    status_label: str
    missing_summary: str | None = Field(description="what is missing, in Bahasa Indonesia")
    documents: int = Field(description="live (not superseded) documents of the criterion")
    waiting_since: datetime
    resubmitted: bool = Field(description="revision was requested and a new file came since")
    claim: ClaimOut | None = None
    submission_url: str


class QueuePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[QueueItem]


def missing_summary(catalog: Catalog | None, missing: list[dict[str, Any]]) -> str | None:
    """'Foto fasilitas: ada 1 dari minimal 2 (1 perlu cek manual)'; None when nothing misses."""
    parts = []
    for m in missing:
        kind = catalog.evidence_kinds.get(m["kind"]) if catalog else None
        text = f"{kind.name_id if kind else m['kind']}: ada {m['have']} dari minimal {m['min']}"
        if m.get("in_review"):
            text += f" ({m['in_review']} perlu cek manual)"
        parts.append(text)
    return "; ".join(parts) or None


def _waiting_rows(caller: Principal, f: QueueFilter) -> Any:
    """One row per stored criterion verdict with its latest decision and live-document facts."""
    latest = (
        sa.select(
            Decision.submission_id,
            Decision.criterion_id,
            sa.func.max(Decision.id).label("decision_id"),
        )
        .group_by(Decision.submission_id, Decision.criterion_id)
        .subquery()
    )
    dec = aliased(Decision)
    docs_of = sa.and_(
        Document.submission_id == CriterionState.submission_id,
        Document.criterion_id == CriterionState.criterion_id,
        Document.status != "superseded",
    )
    query = (
        sa.select(
            CriterionState.submission_id,
            CriterionState.criterion_id,
            CriterionState.status,
            CriterionState.evaluated_at,
            Submission.programme,
            Submission.period,
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            Unit.region_code,
            dec.decision,
            sa.select(sa.func.count(Document.id)).where(docs_of).scalar_subquery().label("docs"),
            sa.select(sa.func.count(Document.id))
            .where(docs_of, Document.status.in_(sorted(IN_PROGRESS)))
            .scalar_subquery()
            .label("busy"),
            sa.select(sa.func.min(Document.created_at))
            .where(docs_of)
            .scalar_subquery()
            .label("first_doc"),
            sa.select(sa.func.min(Document.created_at))
            .where(docs_of, Document.created_at > dec.decided_at)
            .scalar_subquery()
            .label("first_after"),
        )
        .join(Submission, Submission.id == CriterionState.submission_id)
        .join(Unit, Unit.code == Submission.unit_code)
        .outerjoin(
            latest,
            sa.and_(
                latest.c.submission_id == CriterionState.submission_id,
                latest.c.criterion_id == CriterionState.criterion_id,
            ),
        )
        .outerjoin(dec, dec.id == latest.c.decision_id)
        .where(
            CriterionState.status.in_([s.value for s in (f.statuses or tuple(WaitingStatus))]),
            visible_units(caller),
        )
    )
    if f.programme:
        query = query.where(Submission.programme == f.programme)
    if f.period:
        query = query.where(Submission.period == f.period)
    if f.region:
        query = query.where(Unit.region_code == f.region)
    if f.unit:
        query = query.where(Unit.code == f.unit)
    return query.subquery()


def review_queue(
    session: Session,
    catalogs: CatalogSet,
    caller: Principal,
    f: QueueFilter,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> QueuePage:
    """Criteria waiting for a decision: machine check done, and undecided, or revision was
    requested and a new document arrived since. Oldest waiting first, with a total."""
    now = now or utcnow()
    q = _waiting_rows(caller, f)
    resubmitted = sa.and_(
        q.c.decision == DecisionKind.REVISION_REQUESTED.value, q.c.first_after.is_not(None)
    )
    waiting_since = sa.type_coerce(
        sa.case(
            (resubmitted, q.c.first_after),
            else_=sa.func.coalesce(q.c.first_doc, q.c.evaluated_at),
        ),
        UtcDateTime(),
    )
    # a file still being checked makes the criterion pending, whatever was stored before it
    conditions = [sa.or_(q.c.decision.is_(None), resubmitted), q.c.busy == 0]
    if not f.include_empty:
        conditions.append(q.c.docs > 0)
    if f.older_than_hours is not None:
        conditions.append(waiting_since <= now - timedelta(hours=f.older_than_hours))
    total = session.scalar(sa.select(sa.func.count()).select_from(q).where(*conditions)) or 0
    rows = session.execute(
        sa.select(q, waiting_since.label("waiting_since"), resubmitted.label("resubmitted"))
        .where(*conditions)
        .order_by(waiting_since, q.c.submission_id, q.c.criterion_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return QueuePage(
        total=total, limit=limit, offset=offset, items=_items(session, catalogs, caller, rows, now)
    )


def _catalog(catalogs: CatalogSet, programme: str, period: str) -> Catalog | None:
    try:
        return catalogs.select(programme, period)[0]
    except (LookupError, ValueError):  # a period stored under a catalog since withdrawn
        return None


def _items(
    session: Session,
    catalogs: CatalogSet,
    caller: Principal,
    rows: Sequence[Any],
    now: datetime,
) -> list[QueueItem]:
    submission_ids = sorted({r.submission_id for r in rows})
    missing = {
        (s.submission_id, s.criterion_id): s.missing
        for s in session.scalars(
            sa.select(CriterionState).where(CriterionState.submission_id.in_(submission_ids))
        )
    }
    claims = live_claims(session, submission_ids, now)
    items = []
    for r in rows:
        catalog = _catalog(catalogs, r.programme, r.period)
        criterion = catalog.leaves.get(r.criterion_id) if catalog else None
        claim = claims.get(r.submission_id)
        items.append(
            QueueItem(
                programme=r.programme,
                period=r.period,
                unit=QueueUnit(code=r.unit_code, name=r.unit_name, region=r.region_code),
                criterion=QueueCriterion(
                    id=r.criterion_id,
                    name=criterion.name_id if criterion else r.criterion_id,
                    name_en=criterion.name_en if criterion else None,
                ),
                status=r.status,
                status_label=LABELS_ID[CriterionStatus(r.status)],
                missing_summary=missing_summary(
                    catalog, missing.get((r.submission_id, r.criterion_id), [])
                ),
                documents=r.docs,
                waiting_since=r.waiting_since,
                resubmitted=bool(r.resubmitted),
                claim=claim_out(claim, caller) if claim else None,
                submission_url=f"/v1/submissions/{r.programme}/{r.period}/{r.unit_code}",
            )
        )
    return items
