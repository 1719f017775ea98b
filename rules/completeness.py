"""Completeness per criterion: minimum counts per evidence kind over the documents' statuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rules.catalog import Catalog, Criterion


class CriterionStatus(StrEnum):
    PENDING = "pending"  # documents still being checked
    COMPLETE = "complete"  # LENGKAP
    INCOMPLETE = "incomplete"  # BELUM LENGKAP
    NEEDS_REVIEW = "needs_review"
    NOT_APPLICABLE = "not_applicable"  # the item does not apply to this unit's kind


LABELS_ID = {
    CriterionStatus.PENDING: "Sedang diperiksa",
    CriterionStatus.COMPLETE: "LENGKAP",
    CriterionStatus.INCOMPLETE: "BELUM LENGKAP",
    CriterionStatus.NEEDS_REVIEW: "Perlu cek manual",
    CriterionStatus.NOT_APPLICABLE: "Tidak berlaku",
}

# The reasons a criterion verdict may give; each has messages in rules.messages.
REASON_CODES = ("unit-kind-not-applicable", "kind-unknown", "documents-need-review")

IN_PROGRESS = frozenset({"received", "queued", "checking"})
COUNTS_AS_REVIEW = frozenset({"needs_review", "unable_to_check"})


@dataclass(frozen=True)
class DocState:
    criterion_id: str
    kind: str | None
    status: str


@dataclass(frozen=True)
class CriterionVerdict:
    criterion_id: str
    status: CriterionStatus
    missing: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def evaluate_criterion(
    criterion: Criterion, unit_kind: str | None, docs: list[DocState]
) -> CriterionVerdict:
    if not criterion.applies(unit_kind):
        return CriterionVerdict(
            criterion.id, CriterionStatus.NOT_APPLICABLE, reasons=["unit-kind-not-applicable"]
        )
    live = [d for d in docs if d.status != "superseded"]
    if any(d.status in IN_PROGRESS for d in live):
        return CriterionVerdict(criterion.id, CriterionStatus.PENDING)
    missing: list[dict[str, Any]] = []
    short_without_review = False
    for req in criterion.evidence:
        passed = sum(1 for d in live if d.kind == req.kind and d.status == "passed")
        review = sum(1 for d in live if d.kind == req.kind and d.status in COUNTS_AS_REVIEW)
        if passed >= req.min:
            continue
        short_without_review = True
        if passed + review < req.min:
            missing.append({"kind": req.kind, "min": req.min, "have": passed, "in_review": review})
    unresolved = sum(1 for d in live if d.kind is None and d.status in COUNTS_AS_REVIEW)
    if missing:
        if unresolved:  # a file of unknown kind may be what is missing: a person decides
            return CriterionVerdict(
                criterion.id, CriterionStatus.NEEDS_REVIEW, missing, ["kind-unknown"]
            )
        return CriterionVerdict(criterion.id, CriterionStatus.INCOMPLETE, missing)
    if short_without_review:
        return CriterionVerdict(
            criterion.id, CriterionStatus.NEEDS_REVIEW, reasons=["documents-need-review"]
        )
    return CriterionVerdict(criterion.id, CriterionStatus.COMPLETE)


def evaluate_submission(
    catalog: Catalog, unit_kind: str | None, docs: Iterable[DocState]
) -> dict[str, CriterionVerdict]:
    """The machine verdict of every leaf criterion of the catalog, in catalog order."""
    by_criterion: dict[str, list[DocState]] = {}
    for doc in docs:
        by_criterion.setdefault(doc.criterion_id, []).append(doc)
    return {
        cid: evaluate_criterion(criterion, unit_kind, by_criterion.get(cid, []))
        for cid, criterion in catalog.leaves.items()
    }
