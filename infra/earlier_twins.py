"""The earlier documents a new verdict's re-use findings name, whose own verdict could not
know of it: picked and marked in one statement, so each is sent to be checked again once; and
the sweeper's second try for those whose re-check never came (a broker away, a re-check put off
past its retries)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.reverify import REVERIFIABLE
from infra.statuses import DocumentStatus
from infra.tables import Document, FindingRow
from rules.findings import Outcome
from rules.similar import REUSE_CHECKS

_MOMENT = sa.bindparam("p_moment", type_=Document.checked_at.type)
_FOUND_UNIQUE = sa.exists().where(  # its verdict's re-use check passed: it knows of no copy
    FindingRow.document_id == Document.id,
    FindingRow.sha256 == Document.sha256,
    FindingRow.ruleset_version == Document.ruleset_version,
    FindingRow.check_id.in_(REUSE_CHECKS),
    FindingRow.outcome == Outcome.PASS.value,
)
# Built once (infra.db.per_dialect says why): this runs for every verdict that names a re-use
_TELL = (
    sa.update(Document)
    .where(
        Document.id.in_(sa.bindparam("p_ids", expanding=True)),
        Document.told_at.is_(None),
        sa.or_(
            sa.and_(
                Document.status.in_(list(REVERIFIABLE)),
                Document.checked_at < _MOMENT,
                _FOUND_UNIQUE,
            ),
            # being checked now: its search may have run before this copy stored its print or
            # pHash; `finish` keeps this mark, and the sweeper sends it once the window passes
            Document.status == DocumentStatus.CHECKING,
        ),
    )
    .values(told_at=_MOMENT, tells=0)
    .returning(Document.id, Document.status)
)
MAX_TELLS = 3  # the sweeper's tries after the first message; then the mark stays, unsent
_LOCK = (
    sa.select(Document.id)
    .where(Document.id.in_(sa.bindparam("p_ids", expanding=True)))
    .order_by(Document.id)
    .with_for_update()
)


def lock_in_order(session: Session, document_ids: Collection[str]) -> None:
    """Lock a verdict's own row and the rows it will tell, in id order, before writing any:
    two copies recorded at once, each naming the other, then wait for each other instead of
    deadlocking (PostgreSQL; SQLite has one writer and no row locks)."""
    session.execute(_LOCK, {"p_ids": sorted(set(document_ids))})


def unaware_of(session: Session, document_ids: Collection[str], moment: datetime) -> list[str]:
    """Of the documents a new verdict's re-use findings name, those whose own verdict could not
    know of it, marked as told: final, last checked before `moment`, their re-use check found
    nothing, and not told already since that check (`told_at` is empty: a check's `finish`
    empties it). So each is sent once, however many later copies name it before its re-check;
    one already sent to a person for re-use is not sent at all, so n copies cost at most n
    re-checks and a re-check never sends its sender. A document being checked at this moment
    is marked but not returned: two copies checked at once may miss each other, and the
    sweeper re-checks it after its verdict (`untold`)."""
    if not document_ids:
        return []
    values = {"p_ids": sorted(document_ids), "p_moment": moment}  # one order: no deadlock
    told = session.execute(_TELL, values, execution_options={"synchronize_session": False})
    return sorted(document_id for document_id, status in told if status in REVERIFIABLE)


def untold(session: Session, told_before: datetime, now: datetime, limit: int = 200) -> list[str]:
    """Documents told before `told_before` whose re-check has not come (still final, still
    marked), fewer than MAX_TELLS times again: marked again with `now`, so each is sent again
    once a window, not on every sweep, and with `unaware_of=now` its claim still holds. A
    re-check that could not finish (`infra/reverify.py::restore`) leaves the mark: it is tried
    again here too. One that can never be re-checked (no catalog covers it any more) stops
    after MAX_TELLS."""
    marked = sa.and_(
        Document.told_at < told_before,
        Document.tells < MAX_TELLS,
        Document.status.in_(list(REVERIFIABLE)),
    )
    ids = list(
        session.scalars(  # in id order, and none a verdict holds: no lock waits, no deadlock
            sa.select(Document.id)
            .where(marked)
            .order_by(Document.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    again = (
        sa.update(Document)
        .where(Document.id.in_(ids), marked)
        .values(told_at=now, tells=Document.tells + 1)
    )
    told = session.execute(
        again.returning(Document.id), execution_options={"synchronize_session": False}
    )
    return sorted(told.scalars())
