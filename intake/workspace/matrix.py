"""The completeness matrix: the units a caller sees × the catalog's leaf criteria, each cell the
machine status and the verifier's decision, with counts per region."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from infra.assessment import stored_rows, verdicts_of
from infra.keys import Principal
from infra.statuses import DecisionKind
from infra.tables import Decision, Document, Region, Submission, Unit
from intake.address import select_catalog
from intake.runtime import ApiRuntime
from intake.scope import visible_region, visible_units
from intake.workspace.decision_views import LABELS_ID as DECISION_LABELS
from intake.workspace.decision_views import READY_LABELS
from intake.workspace.decisions import is_ready, is_resubmitted, latest_decisions
from rules.catalog import Catalog
from rules.completeness import LABELS_ID, CriterionStatus, CriterionVerdict

UNDECIDED = "undecided"


class MatrixCriterion(BaseModel):
    id: str
    name: str
    name_en: str
    group: str | None
    mandatory: bool


class MatrixCell(BaseModel):
    status: CriterionStatus
    status_label: str
    decision: DecisionKind | None = None
    decision_label: str | None = None
    note: str | None = None
    documents: int = Field(description="live (not superseded) documents")
    resubmitted: bool = False
    missing: list[dict[str, Any]] = []


class MatrixUnit(BaseModel):
    code: str
    name: str
    kind: str
    region: str
    submitted: bool = Field(description="the unit handed in at least one document")
    ready: bool
    ready_label: str
    cells: dict[str, MatrixCell]


class RegionCounts(BaseModel):
    region: str
    name: str
    units: int
    units_submitted: int
    units_ready: int
    statuses: dict[str, int] = Field(
        description="cells of the units that uploaded, by machine status"
    )
    decisions: dict[str, int] = Field(
        description="applicable cells of the units that uploaded, by decision, or undecided"
    )


class Matrix(BaseModel):
    programme: str
    period: str
    ruleset_version: str
    criteria: list[MatrixCriterion]
    units: list[MatrixUnit]
    regions: list[RegionCounts]


def _criteria(catalog: Catalog) -> list[MatrixCriterion]:
    groups = {item.id: c.id for c in catalog.walk() for item in c.items}
    return [
        MatrixCriterion(
            id=c.id,
            name=c.name_id,
            name_en=c.name_en,
            group=groups.get(c.id),
            mandatory=c.mandatory,
        )
        for c in catalog.leaves.values()
    ]


def _units(
    session: Session, catalog: Catalog, period: str, caller: Principal, region: str | None
) -> list[Unit]:
    """Visible units: the active ones, and inactive ones that handed something in."""
    handed_in = sa.select(Submission.unit_code).where(
        Submission.programme == catalog.programme, Submission.period == period
    )
    query = (
        sa.select(Unit)
        .where(visible_units(caller), sa.or_(Unit.active.is_(True), Unit.code.in_(handed_in)))
        .order_by(Unit.region_code, Unit.code)
    )
    if region:
        query = query.where(Unit.region_code == region)
    return list(session.scalars(query))


def build_matrix(
    session: Session, catalog: Catalog, period: str, caller: Principal, region: str | None = None
) -> Matrix:
    """Units × leaf criteria. A unit with no submission is evaluated over no documents (the
    same verdicts GET /v1/submissions shows it): `incomplete`, 0 documents, undecided. Units
    to which no criterion of the catalog applies (a prison under KKPHAM) are left out."""
    units = _units(session, catalog, period, caller, region)
    submissions = {
        s.unit_code: s
        for s in session.scalars(
            sa.select(Submission).where(
                Submission.programme == catalog.programme,
                Submission.period == period,
                Submission.unit_code.in_([u.code for u in units]),
            )
        )
    }
    by_id = {s.id: s.unit_code for s in submissions.values()}
    docs: dict[str, list[tuple[str, str | None, str, datetime]]] = {}
    for sid, cid, kind, status, created in session.execute(
        sa.select(
            Document.submission_id,
            Document.criterion_id,
            Document.kind,
            Document.status,
            Document.created_at,
        ).where(Document.submission_id.in_(list(by_id)))
    ):
        docs.setdefault(by_id[sid], []).append((cid, kind, status, created))
    decisions = latest_decisions(session, list(by_id))
    stored = stored_rows(session, list(by_id))
    rows = []
    for unit in units:
        sub = submissions.get(unit.code)
        verdicts = verdicts_of(catalog, unit.kind, stored[sub.id] if sub else {})
        row = _unit_row(catalog, unit, sub, verdicts, docs.get(unit.code, []), decisions)
        if row is not None:
            rows.append(row)
    return Matrix(
        programme=catalog.programme,
        period=period,
        ruleset_version=catalog.ruleset_version,
        criteria=_criteria(catalog),
        units=rows,
        regions=_region_counts(session, rows),
    )


def _unit_row(
    catalog: Catalog,
    unit: Unit,
    sub: Submission | None,
    verdicts: dict[str, CriterionVerdict],
    docs: list[tuple[str, str | None, str, datetime]],
    decisions: dict[tuple[int, str], Decision],
) -> MatrixUnit | None:
    if all(v.status is CriterionStatus.NOT_APPLICABLE for v in verdicts.values()):
        return None
    cells: dict[str, MatrixCell] = {}
    for cid, verdict in verdicts.items():
        mine = [(at, status) for c, _, status, at in docs if c == cid]
        decided = decisions.get((sub.id, cid)) if sub else None
        kind = DecisionKind(decided.decision) if decided is not None else None
        cells[cid] = MatrixCell(
            status=verdict.status,
            status_label=LABELS_ID[verdict.status],
            decision=kind,
            decision_label=DECISION_LABELS[kind] if kind else None,
            note=decided.note if decided is not None else None,
            documents=sum(1 for _, status in mine if status != "superseded"),
            resubmitted=is_resubmitted(decided, mine),
            missing=verdict.missing,
        )
    ready = is_ready(
        catalog,
        {cid: c.status for cid, c in cells.items()},
        {cid: c.decision for cid, c in cells.items() if c.decision},
    )
    return MatrixUnit(
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        region=unit.region_code,
        submitted=bool(docs),
        ready=ready,
        ready_label=READY_LABELS[ready],
        cells=cells,
    )


def _region_counts(session: Session, rows: list[MatrixUnit]) -> list[RegionCounts]:
    names = {r.code: r.name for r in session.execute(sa.select(Region.code, Region.name))}
    out: dict[str, RegionCounts] = {}
    for row in rows:
        counts = out.setdefault(
            row.region,
            RegionCounts(
                region=row.region,
                name=names.get(row.region, row.region),
                units=0,
                units_submitted=0,
                units_ready=0,
                statuses={},
                decisions={},
            ),
        )
        counts.units += 1
        counts.units_submitted += row.submitted
        counts.units_ready += row.ready
        if not row.submitted:  # nothing uploaded: counted in `units` only, never BELUM LENGKAP
            continue
        statuses = Counter(c.status.value for c in row.cells.values())
        decisions = Counter(
            c.decision.value if c.decision else UNDECIDED
            for c in row.cells.values()
            if c.status is not CriterionStatus.NOT_APPLICABLE
        )
        counts.statuses = dict(Counter(counts.statuses) + statuses)
        counts.decisions = dict(Counter(counts.decisions) + decisions)
    return list(out.values())


def matrix_for(
    session: Session,
    rt: ApiRuntime,
    caller: Principal,
    programme: str,
    period: str,
    region: str | None = None,
) -> tuple[Matrix, Catalog]:
    """The matrix of a programme's period (422 on a bad programme or period; 404 on a region
    the caller sees nothing of), with the catalog it was built from."""
    catalog, parsed = select_catalog(rt, programme.strip().upper(), period.strip().upper())
    code = visible_region(session, caller, region).code if region else None
    return build_matrix(session, catalog, str(parsed), caller, code), catalog
