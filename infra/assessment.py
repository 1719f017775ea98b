"""A submission's machine verdict per criterion: `reassess` recomputes and stores it (the only
writer), `stored_verdicts` reads it back (every reader: submission view, matrix, decision guard;
the review queue filters the same rows in SQL)."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.audit import audit
from infra.tables import CriterionState, Document, Submission, Unit, utcnow
from rules.catalog import Catalog
from rules.completeness import (
    CriterionStatus,
    CriterionVerdict,
    DocState,
    evaluate_criterion,
    evaluate_submission,
)


def document_states(
    session: Session, submission_id: int, criteria: Collection[str] | None = None
) -> list[DocState]:
    query = sa.select(Document.criterion_id, Document.kind, Document.status).where(
        Document.submission_id == submission_id
    )
    if criteria is not None:
        query = query.where(Document.criterion_id.in_(list(criteria)))
    return [DocState(criterion_id=c, kind=k, status=s) for c, k, s in session.execute(query)]


def reassess(
    session: Session,
    catalog: Catalog,
    submission_id: int,
    criteria: Collection[str] | None = None,
) -> dict[str, CriterionVerdict]:
    """Lock the submission row, recompute its criteria, upsert the stored verdicts; returns
    every leaf criterion's verdict.

    `criteria` names the ones a change can have moved (a checked document moves only its own
    criterion): the others keep their stored verdict, so the cost does not grow with the
    submission's files. When a leaf has no stored verdict of this catalog's version yet, every
    criterion is recomputed.

    The lock serialises concurrent workers finishing documents of one submission, so the last
    writer always saw every committed status.
    """
    submission, unit_kind = session.execute(
        sa.select(Submission, Unit.kind)
        .outerjoin(Unit, Unit.code == Submission.unit_code)
        .where(Submission.id == submission_id)
        .with_for_update(of=Submission)
    ).one()
    stored = {
        s.criterion_id: s
        for s in session.scalars(
            sa.select(CriterionState).where(CriterionState.submission_id == submission_id)
        )
    }
    current = all(
        (row := stored.get(cid)) is not None and row.ruleset_version == catalog.ruleset_version
        for cid in catalog.leaves
    )
    if criteria is not None and current:
        chosen = [cid for cid in catalog.leaves if cid in criteria]
        by_criterion: dict[str, list[DocState]] = {cid: [] for cid in chosen}
        for doc in document_states(session, submission_id, chosen):
            by_criterion[doc.criterion_id].append(doc)
        fresh = {
            cid: evaluate_criterion(catalog.leaves[cid], unit_kind, docs)
            for cid, docs in by_criterion.items()
        }
    else:
        fresh = evaluate_submission(catalog, unit_kind, document_states(session, submission.id))
    now = utcnow()
    changed = submission.ruleset_version != catalog.ruleset_version
    for cid, verdict in fresh.items():
        row = stored.get(cid)
        if row is None:
            row = CriterionState(submission_id=submission_id, criterion_id=cid)
            session.add(row)
        elif same_verdict(row, verdict, catalog.ruleset_version):
            continue  # nothing to write: most checked files leave their criterion as it was
        elif row.status != verdict.status:  # a first verdict is not a change: no entry
            audit(
                session,
                action="criterion.status",
                submission=submission,
                criterion_id=cid,
                before={"status": row.status},
                after={"status": verdict.status.value, "missing": verdict.missing},
                reason=", ".join(verdict.reasons) or None,
            )
        row.status = verdict.status
        row.missing = verdict.missing
        row.reasons = verdict.reasons
        row.ruleset_version = catalog.ruleset_version
        row.evaluated_at = now
        stored[cid] = row
        changed = True
    if changed:  # when a verdict of the submission last changed
        submission.evaluated_at = now
        submission.ruleset_version = catalog.ruleset_version
    session.flush()
    return verdicts_of(catalog, unit_kind, stored) if len(fresh) < len(catalog.leaves) else fresh


def same_verdict(row: CriterionState, verdict: CriterionVerdict, ruleset_version: str) -> bool:
    """The stored row already says what `verdict` says, under this catalog version."""
    return (
        row.status == verdict.status
        and list(row.missing) == verdict.missing
        and list(row.reasons) == verdict.reasons
        and row.ruleset_version == ruleset_version
    )


def stored_rows(
    session: Session, submission_ids: list[int]
) -> dict[int, dict[str, CriterionState]]:
    """The stored verdict rows of each submission, by criterion id (one query for many)."""
    rows: dict[int, dict[str, CriterionState]] = {sid: {} for sid in submission_ids}
    if submission_ids:
        for row in session.scalars(
            sa.select(CriterionState).where(CriterionState.submission_id.in_(submission_ids))
        ):
            rows[row.submission_id][row.criterion_id] = row
    return rows


def submission_verdicts(
    session: Session, catalog: Catalog, submission: Submission | None, unit_kind: str | None
) -> dict[str, CriterionVerdict]:
    """One submission's stored verdicts (none yet: every criterion over no documents)."""
    stored = stored_rows(session, [submission.id])[submission.id] if submission else {}
    return verdicts_of(catalog, unit_kind, stored)


def verdicts_of(
    catalog: Catalog, unit_kind: str | None, stored: dict[str, CriterionState]
) -> dict[str, CriterionVerdict]:
    """Every leaf criterion's verdict, in catalog order, from its stored row.

    A criterion with no stored row (no submission yet, or one the catalog gained since the
    last reassessment) has no document under this catalog: its verdict is over none.
    """
    out = {}
    for cid, criterion in catalog.leaves.items():
        row = stored.get(cid)
        out[cid] = (
            CriterionVerdict(cid, CriterionStatus(row.status), list(row.missing), list(row.reasons))
            if row is not None
            else evaluate_criterion(criterion, unit_kind, [])
        )
    return out
