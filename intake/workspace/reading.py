"""A submission as people read it: machine verdicts, documents with findings, decisions, ready."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, selectinload

from infra.assessment import submission_verdicts
from infra.keys import Principal
from infra.statuses import DecisionKind
from infra.tables import Document, Submission, Unit
from infra.verdicts import verdict_history
from intake.address import Target
from intake.redact import others_hidden
from intake.scope import find_submission
from intake.views import DocumentOut, UnitOut, document_out, history_out, unit_out
from intake.workspace.decision_views import READY_LABELS, DecisionOut
from intake.workspace.decisions import decisions_view, is_ready
from rules.catalog import Catalog, Criterion
from rules.completeness import LABELS_ID, CriterionStatus, CriterionVerdict


class MissingOut(BaseModel):
    kind: str
    kind_name: str
    min: int
    have: int
    in_review: int = 0


class CriterionOut(BaseModel):
    id: str
    name: str
    name_en: str
    group: str | None
    mandatory: bool
    confirmed: bool
    status: str
    status_label: str
    missing: list[MissingOut]
    reasons: list[str]
    documents: list[DocumentOut]
    decision: DecisionOut | None = None  # the verifier's current decision, if any


class SubmissionOut(BaseModel):
    programme: str
    period: str
    unit: UnitOut
    ruleset_version: str
    counts: dict[str, int]
    criteria: list[CriterionOut]
    ready: bool = False  # every mandatory, applicable criterion accepted
    ready_label: str = READY_LABELS[False]
    acceptable: list[str] = Field(
        default_factory=list,
        description="LENGKAP criteria with every live file passed, undecided or resubmitted: "
        "what POST .../decisions/accept-complete may accept",
    )

    def documents(self) -> list[DocumentOut]:
        """Every document of every criterion, in the page's order."""
        return [doc for criterion in self.criteria for doc in criterion.documents]


def _groups(catalog: Catalog) -> dict[str, str]:
    parents: dict[str, str] = {}
    for criterion in catalog.criteria:
        for item in criterion.items:
            parents[item.id] = criterion.id
    return parents


def criterion_out(
    catalog: Catalog,
    criterion: Criterion,
    verdict: CriterionVerdict,
    group: str | None,
    docs: list[Document],
) -> CriterionOut:
    return CriterionOut(
        id=criterion.id,
        name=criterion.name_id,
        name_en=criterion.name_en,
        group=group,
        mandatory=criterion.mandatory,
        confirmed=criterion.confirmed,
        status=verdict.status,
        status_label=LABELS_ID[verdict.status],
        missing=[
            MissingOut(
                kind=m["kind"],
                kind_name=catalog.evidence_kinds[m["kind"]].name_id,
                min=m["min"],
                have=m["have"],
                in_review=m.get("in_review", 0),
            )
            for m in verdict.missing
        ],
        reasons=verdict.reasons,
        documents=[document_out(d) for d in docs],
    )


def submission_out(
    catalog: Catalog,
    period: str,
    unit: Unit,
    verdicts: dict[str, CriterionVerdict],
    docs: list[Document],
    decisions: dict[str, DecisionOut] | None = None,
) -> SubmissionOut:
    decisions = decisions or {}
    by_criterion: dict[str, list[Document]] = {}
    for doc in docs:
        by_criterion.setdefault(doc.criterion_id, []).append(doc)
    groups = _groups(catalog)
    criteria = [
        criterion_out(
            catalog, catalog.leaves[cid], verdict, groups.get(cid), by_criterion.get(cid, [])
        )
        for cid, verdict in verdicts.items()
    ]
    for out in criteria:
        out.decision = decisions.get(out.id)
    ready = is_ready(
        catalog,
        {cid: v.status for cid, v in verdicts.items()},
        {cid: d.decision for cid, d in decisions.items()},
    )
    statuses: dict[str, list[str]] = {}
    for doc in docs:
        statuses.setdefault(doc.criterion_id, []).append(doc.status)
    counts: dict[str, int] = {}
    for verdict in verdicts.values():
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    return SubmissionOut(
        programme=catalog.programme,
        period=period,
        unit=unit_out(unit),
        ruleset_version=catalog.ruleset_version,
        counts=counts,
        criteria=criteria,
        ready=ready,
        ready_label=READY_LABELS[ready],
        acceptable=acceptable(verdicts, statuses, decisions),
    )


def acceptable(
    verdicts: Mapping[str, CriterionVerdict],
    statuses: Mapping[str, Sequence[str]],
    decisions: Mapping[str, DecisionOut],
) -> list[str]:
    """LENGKAP, every live document passed, and undecided (or resubmitted after a revision
    request): what a verifier may accept without opening it. Catalog order."""
    out = []
    for cid, verdict in verdicts.items():
        live = [s for s in statuses.get(cid, []) if s != "superseded"]
        decision = decisions.get(cid)
        waiting = decision is None or (
            decision.decision is DecisionKind.REVISION_REQUESTED and decision.resubmitted
        )
        passed = bool(live) and all(s == "passed" for s in live)
        if verdict.status is CriterionStatus.COMPLETE and waiting and passed:
            out.append(cid)
    return out


def submission_documents(session: Session, submission: Submission | None) -> list[Document]:
    """A submission's documents, oldest first, with their findings loaded."""
    if submission is None:
        return []
    return list(
        session.scalars(
            sa.select(Document)
            .options(selectinload(Document.findings), selectinload(Document.submission))
            .where(Document.submission_id == submission.id)
            .order_by(Document.created_at, Document.id)
        )
    )


def submission_view(session: Session, target: Target, viewer: Principal) -> SubmissionOut:
    """Every criterion of the catalog with its machine verdict (as `reassess` last stored it),
    documents and findings (as `viewer` may read them: intake/redact.py), the current
    decision; and whether it is ready."""
    submission = find_submission(session, target)
    docs = submission_documents(session, submission)
    verdicts = submission_verdicts(session, target.catalog, submission, target.unit.kind)
    decisions = decisions_view(session, submission.id, docs) if submission else {}
    out = submission_out(target.catalog, str(target.period), target.unit, verdicts, docs, decisions)
    by_id = {d.id: d for d in docs}
    history = verdict_history(session, list(by_id))
    for doc in out.documents():
        doc.history = history_out(by_id[doc.id], history[doc.id])
    others_hidden(viewer, out.documents())
    return out
