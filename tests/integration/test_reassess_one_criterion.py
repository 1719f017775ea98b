"""Re-assessing one criterion (what a checked document can move) gives the same stored verdicts
as re-assessing the whole submission, and leaves the other criteria's rows alone."""

from __future__ import annotations

import sqlalchemy as sa

from infra.assessment import document_states, reassess
from infra.db import transaction
from infra.tables import CriterionState, Submission
from tests.support.workspace import Workspace

PHOTO = "P2H-02-LAKTASI"  # two facility photos asked for
OTHER = "P2H-01-PARKIR"


def stored(ws: Workspace, unit: str) -> dict[str, tuple[str, list[object]]]:
    with transaction(ws.sessions) as session:
        sub_id = session.scalar(sa.select(Submission.id).where(Submission.unit_code == unit))
        rows = session.scalars(
            sa.select(CriterionState).where(CriterionState.submission_id == sub_id)
        )
        return {r.criterion_id: (str(r.status), list(r.missing)) for r in rows}


def test_one_criterion_reassessed_matches_the_whole_submission(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, PHOTO, ["passed"])  # the whole submission assessed: rows for all
    ws.upload(unit, OTHER, ["passed", "passed"])
    before = stored(ws, unit)
    assert before[PHOTO][0] == "incomplete"
    ws.upload(unit, PHOTO, ["passed"], assess=False)  # the second photo, checked just now
    with transaction(ws.sessions) as session:
        sub = session.scalars(sa.select(Submission).where(Submission.unit_code == unit)).one()
        # a row of another criterion marked: a partial pass must not rewrite it
        session.execute(
            sa.update(CriterionState)
            .where(CriterionState.submission_id == sub.id, CriterionState.criterion_id == OTHER)
            .values(reasons=["marked-by-test"])
        )
        verdicts = reassess(session, ws.catalog(), sub.id, criteria={PHOTO})
    assert verdicts[PHOTO].status == "complete"
    assert set(verdicts) == set(ws.catalog().leaves)  # every criterion, as the webhook needs
    partial = stored(ws, unit)
    assert partial[PHOTO][0] == "complete"
    with transaction(ws.sessions) as session:
        other = session.scalars(
            sa.select(CriterionState)
            .where(CriterionState.criterion_id == OTHER)
            .join(Submission, Submission.id == CriterionState.submission_id)
            .where(Submission.unit_code == unit)
        ).one()
        assert other.reasons == ["marked-by-test"]  # not recomputed
    ws.reassess(unit)  # the whole submission: the same verdicts
    assert stored(ws, unit) == partial


def test_a_submission_without_stored_verdicts_is_assessed_whole(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, OTHER, ["passed", "passed"], assess=False)
    with transaction(ws.sessions) as session:
        sub = session.scalars(sa.select(Submission).where(Submission.unit_code == unit)).one()
        reassess(session, ws.catalog(), sub.id, criteria={PHOTO})
    rows = stored(ws, unit)
    assert set(rows) == set(ws.catalog().leaves)  # a row for every criterion, not just one
    assert rows[OTHER][0] == "complete"


def evaluated_at(ws: Workspace, unit: str) -> tuple[object, dict[str, object]]:
    with transaction(ws.sessions) as session:
        sub = session.scalars(sa.select(Submission).where(Submission.unit_code == unit)).one()
        rows = session.scalars(
            sa.select(CriterionState).where(CriterionState.submission_id == sub.id)
        )
        return sub.evaluated_at, {r.criterion_id: r.evaluated_at for r in rows}


def test_a_check_that_leaves_its_criterion_as_it_was_writes_nothing(ws: Workspace) -> None:
    """Most checked files do not move their criterion: no UPDATE of its row or of the
    submission (two statements a file); `evaluated_at` says when a verdict last changed."""
    unit = ws.unit()
    ws.upload(unit, OTHER, ["passed", "passed"])  # complete
    ws.upload(unit, PHOTO, ["passed"])  # incomplete: one of two photos
    sub_at, rows_at = evaluated_at(ws, unit)
    ws.upload(unit, OTHER, ["passed"])  # a third parking photo: OTHER stays complete
    assert evaluated_at(ws, unit) == (sub_at, rows_at)

    ws.upload(unit, PHOTO, ["passed"])  # the second photo: PHOTO becomes complete
    sub_now, rows_now = evaluated_at(ws, unit)
    assert rows_now[PHOTO] > rows_at[PHOTO]  # type: ignore[operator]
    assert sub_now > sub_at  # type: ignore[operator]
    assert rows_now[OTHER] == rows_at[OTHER]
    assert stored(ws, unit)[PHOTO][0] == "complete"


def test_the_workers_one_criterion_pass_also_writes_nothing_when_nothing_moved(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    ws.upload(unit, OTHER, ["passed", "passed"])
    before = evaluated_at(ws, unit)
    ws.upload(unit, OTHER, ["passed"], assess=False)  # as a worker records a checked file
    with transaction(ws.sessions) as session:
        sub = session.scalars(sa.select(Submission).where(Submission.unit_code == unit)).one()
        verdicts = reassess(session, ws.catalog(), sub.id, criteria={OTHER})
    assert verdicts[OTHER].status == "complete"
    assert evaluated_at(ws, unit) == before


def test_a_callers_orm_copies_read_what_reassess_wrote(ws: Workspace) -> None:
    """reassess writes through Core statements; intake and the decision paths hold the
    submission and its criterion rows as ORM objects in the same session, and must not read
    the values from before."""
    unit = ws.unit()
    ws.upload(unit, PHOTO, ["passed"])  # incomplete: one of two photos
    ws.upload(unit, PHOTO, ["passed"], assess=False)
    with transaction(ws.sessions) as session:
        sub = session.scalars(sa.select(Submission).where(Submission.unit_code == unit)).one()
        row = session.get(CriterionState, (sub.id, PHOTO))
        assert row is not None
        assert row.status == "incomplete"
        stamped = sub.evaluated_at
        assert stamped is not None
        reassess(session, ws.catalog(), sub.id, criteria={PHOTO})
        assert row.status == "complete"
        assert row.evaluated_at > stamped
        assert sub.evaluated_at == row.evaluated_at
        assert not session.dirty  # told, not changed: nothing to write back
    # and still readable once the session is closed (sessions keep objects after commit)
    assert (row.status, sub.evaluated_at) == ("complete", row.evaluated_at)


def test_many_files_of_one_criterion_count_as_many(ws: Workspace) -> None:
    """The documents are counted in SQL, grouped by kind and status: each still counts."""
    unit = ws.unit()
    ws.upload(unit, PHOTO, ["passed"] * 3 + ["needs_review"] * 2, assess=False)
    with transaction(ws.sessions) as session:
        sub_id = session.scalar(sa.select(Submission.id).where(Submission.unit_code == unit))
        assert sub_id is not None
        states = document_states(session, sub_id, [PHOTO])
    assert sorted(s.status for s in states) == ["needs_review"] * 2 + ["passed"] * 3
    assert {s.criterion_id for s in states} == {PHOTO}
