"""Documents the sweeper or an admin sends again: stuck past their lease, or given up and due for
an automatic re-check."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.statuses import DocumentStatus
from infra.tables import Document, utcnow


def stuck_documents(
    session: Session,
    older_than: datetime,
    limit: int = 500,
    *,
    queued_before: datetime | None = None,
) -> list[str]:
    """Documents the sweeper must re-send: received since before `older_than`, queued since
    before `queued_before` (default the same), or checking with an expired lease (a dead
    worker: its claim is dropped, the document is queued again).

    Each is stamped as it is picked, so a document is re-sent at most once a lease, not on
    every sweep while it waits its turn behind a long queue.
    """
    now = utcnow()
    stuck = sa.or_(
        sa.and_(Document.status == DocumentStatus.RECEIVED, Document.updated_at < older_than),
        sa.and_(
            Document.status == DocumentStatus.QUEUED,
            Document.updated_at < (queued_before or older_than),
        ),
        sa.and_(Document.status == DocumentStatus.CHECKING, Document.lease_expires_at < now),
    )
    ids = list(
        session.scalars(
            sa.select(Document.id).where(stuck).order_by(Document.updated_at).limit(limit)
        )
    )
    if ids:
        session.execute(
            sa.update(Document)
            .where(Document.id.in_(ids), stuck)
            .values(
                status=sa.case(
                    (Document.status == DocumentStatus.CHECKING, DocumentStatus.QUEUED.value),
                    else_=Document.status,
                ),
                claim_token=None,
                lease_expires_at=None,
                updated_at=now,
            )
        )
    return ids


RECHECKABLE = ("attempts-exhausted",)


def due_rechecks(
    session: Session, older_than: datetime, max_rounds: int, limit: int = 100
) -> list[str]:
    """Documents given up for a transient reason before `older_than`, with rounds left."""
    rows = session.scalars(
        sa.select(Document.id)
        .where(
            Document.status == DocumentStatus.UNABLE_TO_CHECK,
            Document.status_reason.in_(RECHECKABLE),
            Document.rechecks < max_rounds,
            Document.updated_at < older_than,
        )
        .order_by(Document.updated_at)
        .limit(limit)
    )
    return list(rows)


def recheck(session: Session, document_id: str, *, automatic: bool) -> bool:
    """unable_to_check → received with its attempts reset, to be sent again.

    An automatic round (the sweeper) counts in `rechecks` and only takes transient reasons; a
    person's re-check takes any reason and gives the document a fresh budget of rounds.
    """
    where = [Document.id == document_id, Document.status == DocumentStatus.UNABLE_TO_CHECK]
    if automatic:
        where.append(Document.status_reason.in_(RECHECKABLE))
    result = session.execute(
        sa.update(Document)
        .where(*where)
        .values(
            status=DocumentStatus.RECEIVED,
            status_reason=None,
            attempts=0,
            rechecks=Document.rechecks + 1 if automatic else 0,
            claim_token=None,
            lease_expires_at=None,
            updated_at=utcnow(),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
