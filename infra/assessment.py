"""A submission's machine verdict per criterion: `reassess` recomputes and stores it (the only
writer), `stored_verdicts` reads it back (every reader: submission view, matrix, decision guard;
the review queue filters the same rows in SQL)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from infra.audit import audit
from infra.tables import CriterionState, Document, Submission, Unit, table_of, utcnow
from rules.catalog import Catalog
from rules.completeness import (
    CriterionStatus,
    CriterionVerdict,
    DocState,
    evaluate_criterion,
    evaluate_submission,
)

_DOCUMENTS = table_of(Document)
_SUBMISSIONS = table_of(Submission)
_STATES = table_of(CriterionState)
_UNITS = table_of(Unit)


def _count_states(chosen: bool) -> sa.Select[Any]:
    """Documents counted per (criterion, kind, status) of `p_submission`; with `chosen`, only
    the criteria in `p_criteria`. Built once (infra.db.per_dialect says why)."""
    docs = _DOCUMENTS.c
    query = (
        sa.select(docs.criterion_id, docs.kind, docs.status, sa.func.count())
        .where(docs.submission_id == sa.bindparam("p_submission", type_=docs.submission_id.type))
        .group_by(docs.criterion_id, docs.kind, docs.status)
    )
    if chosen:
        query = query.where(docs.criterion_id.in_(sa.bindparam("p_criteria", expanding=True)))
    return query


_COUNT_ALL, _COUNT_CHOSEN = _count_states(False), _count_states(True)


def document_states(
    session: Session, submission_id: int, criteria: Collection[str] | None = None
) -> list[DocState]:
    """The submission's documents as completeness counts them (criterion, kind, status),
    counted in SQL: a criterion with many files costs a few rows, not one per file."""
    if criteria is None:
        found = session.execute(_COUNT_ALL, {"p_submission": submission_id})
    else:
        values = {"p_submission": submission_id, "p_criteria": list(criteria)}
        found = session.execute(_COUNT_CHOSEN, values)
    states: list[DocState] = []
    for criterion_id, kind, status, count in found:
        states += [DocState(criterion_id=criterion_id, kind=kind, status=status)] * count
    return states


class StoredVerdict(Protocol):
    """A stored criterion verdict as read: an ORM row or a Core one."""

    status: str
    missing: list[Any]
    reasons: list[Any]
    ruleset_version: str


# Built once (infra.db.per_dialect says why); the lock first, then the rows, each statement
# reading what was committed before the lock was granted
_LOCK = (
    sa.select(_SUBMISSIONS.c.ruleset_version, _UNITS.c.kind)
    .select_from(_SUBMISSIONS.outerjoin(_UNITS, _UNITS.c.code == _SUBMISSIONS.c.unit_code))
    .where(_SUBMISSIONS.c.id == sa.bindparam("p_submission", type_=_SUBMISSIONS.c.id.type))
    .with_for_update(of=_SUBMISSIONS)
)
_STORED = sa.select(
    _STATES.c.criterion_id,
    _STATES.c.status,
    _STATES.c.missing,
    _STATES.c.reasons,
    _STATES.c.ruleset_version,
).where(_STATES.c.submission_id == sa.bindparam("p_submission", type_=_STATES.c.submission_id.type))


def reassess(
    session: Session,
    catalog: Catalog,
    submission_id: int,
    criteria: Collection[str] | None = None,
) -> dict[str, CriterionVerdict]:
    """Lock the submission row, recompute its criteria, store the verdicts that changed;
    returns every leaf criterion's verdict.

    `criteria` names the ones a change can have moved (a checked document moves only its own
    criterion): the others keep their stored verdict, so the cost does not grow with the
    submission's files. When a leaf has no stored verdict of this catalog's version yet, every
    criterion is recomputed.

    The lock serialises concurrent workers finishing documents of one submission, so the last
    writer always saw every committed status. Core statements (this runs once per checked
    file); a caller's ORM copies of the rows written are told the new values.
    """
    session.flush()  # the caller's pending changes (a new document, a status) count
    subs = _SUBMISSIONS.c
    on_submission = {"p_submission": submission_id}
    locked_version, unit_kind = session.execute(_LOCK, on_submission).one()
    stored: dict[str, StoredVerdict] = {
        row.criterion_id: row for row in session.execute(_STORED, on_submission)
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
        fresh = evaluate_submission(catalog, unit_kind, document_states(session, submission_id))
    now = utcnow()
    written = _write_changed(session, catalog, submission_id, stored, fresh, now)
    if written or locked_version != catalog.ruleset_version:
        # when a verdict of the submission last changed
        session.execute(
            sa.update(_SUBMISSIONS)
            .where(subs.id == submission_id)
            .values(evaluated_at=now, ruleset_version=catalog.ruleset_version)
        )
        stamp = {"evaluated_at": now, "ruleset_version": catalog.ruleset_version}
        _update_copies(session, submission_id, stamp, written)
    if len(fresh) == len(catalog.leaves):
        return fresh
    return {**verdicts_of(catalog, unit_kind, stored), **fresh}


def _write_changed(
    session: Session,
    catalog: Catalog,
    submission_id: int,
    stored: dict[str, StoredVerdict],
    fresh: dict[str, CriterionVerdict],
    now: datetime,
) -> dict[str, dict[str, Any]]:
    """Insert or update the criteria whose verdict differs from the stored one, auditing a
    change of status (a first verdict is not a change); returns the values written, by
    criterion."""
    states_ = _STATES.c
    written: dict[str, dict[str, Any]] = {}
    inserts: list[dict[str, Any]] = []
    for cid, verdict in fresh.items():
        row = stored.get(cid)
        if row is not None and same_verdict(row, verdict, catalog.ruleset_version):
            continue  # nothing to write: most checked files leave their criterion as it was
        values = {
            "status": verdict.status.value,
            "missing": verdict.missing,
            "reasons": verdict.reasons,
            "ruleset_version": catalog.ruleset_version,
            "evaluated_at": now,
        }
        written[cid] = values
        if row is None:
            inserts.append({"submission_id": submission_id, "criterion_id": cid, **values})
            continue
        if row.status != verdict.status:
            submission = session.get(Submission, submission_id)
            assert submission is not None  # locked above
            audit(
                session,
                action="criterion.status",
                submission=submission,
                criterion_id=cid,
                before={"status": row.status},
                after={"status": verdict.status.value, "missing": verdict.missing},
                reason=", ".join(verdict.reasons) or None,
            )
        session.execute(
            sa.update(_STATES)
            .where(states_.submission_id == submission_id, states_.criterion_id == cid)
            .values(**values)
        )
    if inserts:
        session.execute(sa.insert(_STATES), inserts)
    return written


def _update_copies(
    session: Session,
    submission_id: int,
    stamp: dict[str, Any],
    written: dict[str, dict[str, Any]],
) -> None:
    """Tell the session's ORM copies of the rows just written (intake and the decision paths
    may hold them) their stored values, as if loaded so: nothing to flush, nothing to reload,
    and still readable once the session is closed."""
    copies: list[tuple[object, dict[str, Any]]] = [
        (session.identity_map.get(identity_key(Submission, submission_id)), stamp)
    ]
    copies += [
        (session.identity_map.get(identity_key(CriterionState, (submission_id, cid))), values)
        for cid, values in written.items()
    ]
    for copy, values in copies:
        if copy is not None:
            for name, value in values.items():
                set_committed_value(copy, name, value)


def same_verdict(row: StoredVerdict, verdict: CriterionVerdict, ruleset_version: str) -> bool:
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
    catalog: Catalog, unit_kind: str | None, stored: Mapping[str, StoredVerdict]
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
