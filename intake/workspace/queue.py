"""The review queue: one row per submission with criteria waiting for a verifier, problems
first (or sorted as asked), searchable by unit name or code, only units the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from infra.assessment import stored_rows, verdicts_of
from infra.keys import Principal
from infra.tables import Document, Submission, Unit, utcnow
from intake.scope import visible_units
from intake.workspace.claims import ClaimOut, claim_out, live_claims
from intake.workspace.decisions import is_ready, latest_decisions
from intake.workspace.waiting import ATTENTION_LABELS, Attention, Upload, Waiting, summarise
from rules.catalog import Catalog
from rules.catalogs import CatalogSet


class WaitingStatus(StrEnum):
    """The machine statuses a verifier can decide on (pending and not_applicable cannot)."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    NEEDS_REVIEW = "needs_review"


class QueueSort(StrEnum):
    ATTENTION = "attention"  # refused files, then manual checks, incomplete, resubmitted; oldest
    OLDEST = "oldest"  # oldest waiting first
    UNIT = "unit"  # by unit name
    WAITING = "waiting"  # most criteria waiting first


class ClaimFilter(StrEnum):
    MINE = "mine"
    FREE = "free"  # nobody holds it
    OTHERS = "others"


NEVER = datetime.max.replace(tzinfo=UTC)
SORT_LABELS = {
    QueueSort.ATTENTION: "Masalah dulu",
    QueueSort.OLDEST: "Paling lama menunggu",
    QueueSort.UNIT: "Nama unit",
    QueueSort.WAITING: "Paling banyak menunggu",
}


@dataclass(frozen=True)
class QueueFilter:
    programme: str | None = None
    period: str | None = None
    region: str | None = None
    unit: str | None = None
    search: str | None = None  # part of a unit's name or code, any case
    statuses: tuple[WaitingStatus, ...] = ()  # a waiting criterion with one of these
    attention: tuple[Attention, ...] = ()  # something of these kinds needs attention
    claim: ClaimFilter | None = None
    older_than_hours: float | None = None
    include_done: bool = False  # also submissions with nothing waiting
    sort: QueueSort = QueueSort.ATTENTION


class QueueUnit(BaseModel):
    code: str
    name: str
    kind: str
    region: str


class AttentionOut(BaseModel):
    code: Attention
    label: str = Field(description="in Bahasa Indonesia")
    count: int = Field(description="refused files for `failed`, criteria for the others")


class QueueItem(BaseModel):
    programme: str
    period: str
    unit: QueueUnit
    documents: dict[str, int] = Field(description="live documents by machine status")
    documents_total: int = Field(description="live (not superseded) documents")
    superseded: int = Field(description="replaced documents (history)")
    criteria: dict[str, int] = Field(description="criteria by machine status")
    decisions: dict[str, int] = Field(
        description="applicable criteria by decision: accepted, revision_requested, rejected, "
        "undecided"
    )
    waiting: int = Field(description="criteria waiting for a decision")
    waiting_criteria: list[str] = Field(description="their ids, what needs attention first")
    attention: list[AttentionOut] = Field(description="what needs attention first, in order")
    oldest_waiting: datetime | None
    ready: bool = Field(description="every mandatory applicable criterion accepted")
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


def _catalog(catalogs: CatalogSet, programme: str, period: str) -> Catalog | None:
    try:
        return catalogs.select(programme, period)[0]
    except (LookupError, ValueError):  # a period stored under a catalog since withdrawn
        return None


def _submissions(session: Session, caller: Principal, f: QueueFilter) -> list[Any]:
    query = (
        sa.select(Submission, Unit)
        .join(Unit, Unit.code == Submission.unit_code)
        .where(visible_units(caller))
    )
    if f.programme:
        query = query.where(Submission.programme == f.programme)
    if f.period:
        query = query.where(Submission.period == f.period)
    if f.region:
        query = query.where(Unit.region_code == f.region)
    if f.unit:
        query = query.where(Unit.code == f.unit)
    if f.search:
        needle = f"%{f.search.strip().lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(Unit.name).like(needle), sa.func.lower(Unit.code).like(needle))
        )
    return list(session.execute(query).all())


def _uploads(session: Session, ids: list[int]) -> dict[int, list[Upload]]:
    out: dict[int, list[Upload]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            sa.select(
                Document.submission_id, Document.criterion_id, Document.status, Document.created_at
            ).where(Document.submission_id.in_(ids))
        )
        for sid, cid, status, at in rows:
            out[sid].append(Upload(cid, status, at))
    return out


def _keeps(f: QueueFilter, w: Waiting, claim: ClaimOut | None, now: datetime) -> bool:
    if not f.include_done and not w.criteria:
        return False
    if f.statuses and not set(w.statuses.values()) & set(f.statuses):
        return False
    if f.attention and not any(w.attention[a] for a in f.attention):
        return False
    if f.older_than_hours is not None and (
        w.oldest is None or w.oldest > now - timedelta(hours=f.older_than_hours)
    ):
        return False
    if f.claim is ClaimFilter.MINE:
        return claim is not None and claim.mine
    if f.claim is ClaimFilter.FREE:
        return claim is None
    if f.claim is ClaimFilter.OTHERS:
        return claim is not None and not claim.mine
    return True


def _sort_key(sort: QueueSort, item: QueueItem, w: Waiting) -> tuple[Any, ...]:
    oldest = item.oldest_waiting or NEVER
    tail = (item.unit.name.lower(), item.unit.code, item.programme, item.period)
    if sort is QueueSort.OLDEST:
        return (oldest, *tail)
    if sort is QueueSort.UNIT:
        return (*tail,)
    if sort is QueueSort.WAITING:
        return (-item.waiting, oldest, *tail)
    return (w.rank, oldest, *tail)


def review_queue(
    session: Session,
    catalogs: CatalogSet,
    caller: Principal,
    f: QueueFilter,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> QueuePage:
    """Submissions with criteria waiting for a decision (machine check done, undecided or
    resubmitted after a revision request), each with its counts and what needs attention."""
    now = now or utcnow()
    found = _submissions(session, caller, f)
    ids = [sub.id for sub, _ in found]
    uploads = _uploads(session, ids)
    stored = stored_rows(session, ids)
    decided = latest_decisions(session, ids)
    claims = live_claims(session, ids, now)
    ranked: list[tuple[tuple[Any, ...], QueueItem]] = []
    for sub, unit in found:
        catalog = _catalog(catalogs, sub.programme, sub.period)
        if catalog is None:
            continue
        verdicts = verdicts_of(catalog, unit.kind, stored[sub.id])
        decisions = {cid: d for (sid, cid), d in decided.items() if sid == sub.id}
        w = summarise(verdicts, uploads[sub.id], decisions)
        held = claims.get(sub.id)
        claim = claim_out(held, caller) if held else None
        if not _keeps(f, w, claim, now):
            continue
        item = _item(sub, unit, catalog, w, verdicts, decisions, claim)
        ranked.append((_sort_key(f.sort, item, w), item))
    ranked.sort(key=lambda pair: pair[0])
    items = [item for _, item in ranked]
    return QueuePage(
        total=len(items), limit=limit, offset=offset, items=items[offset : offset + limit]
    )


def _item(
    sub: Submission,
    unit: Unit,
    catalog: Catalog,
    w: Waiting,
    verdicts: dict[str, Any],
    decisions: dict[str, Any],
    claim: ClaimOut | None,
) -> QueueItem:
    ready = is_ready(
        catalog,
        {cid: v.status for cid, v in verdicts.items()},
        {cid: d.decision for cid, d in decisions.items()},
    )
    return QueueItem(
        programme=sub.programme,
        period=sub.period,
        unit=QueueUnit(code=unit.code, name=unit.name, kind=unit.kind, region=unit.region_code),
        documents=dict(w.documents),
        documents_total=sum(w.documents.values()),
        superseded=w.superseded,
        criteria=dict(w.machine),
        decisions=dict(w.decisions),
        waiting=len(w.criteria),
        waiting_criteria=w.criteria,
        attention=[
            AttentionOut(code=a, label=ATTENTION_LABELS[a], count=w.attention[a])
            for a in Attention
            if w.attention[a]
        ],
        oldest_waiting=w.oldest,
        ready=ready,
        claim=claim,
        submission_url=f"/v1/submissions/{sub.programme}/{sub.period}/{unit.code}",
    )
