"""Photos that look alike across a region: store a document's pHash, find its near-duplicates.

The distance is computed in the database, in one pass over the region's photos with no rows
sent back but the matches: on PostgreSQL bit_count((a # b)::bit(64)) over the BIGINT hashes,
on SQLite (the embedded default) a function every connection registers (infra/db.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import BIT
from sqlalchemy.orm import Session

from infra.db import SQLITE_HAMMING
from infra.statuses import DocumentStatus
from infra.tables import Document, Submission, Unit, table_of
from rules.similar import MAX_SEARCH_DISTANCE, PhotoMatch

MAX_MATCHES = 20
_DOCUMENTS = table_of(Document)


def store_phash(session: Session, document_id: str, phash: int | None) -> None:
    """Record the pHash before searching, so two look-alikes checked at once meet each other."""
    docs = _DOCUMENTS.c  # Core: once per photo, no ORM copy of the row to keep in step
    session.execute(sa.update(_DOCUMENTS).where(docs.id == document_id).values(phash=phash))


def _region_of(submission_id: int) -> sa.ScalarSelect[Any]:
    return (
        sa.select(Unit.region_code)
        .join(Submission, Submission.unit_code == Unit.code)
        .where(Submission.id == submission_id)
        .scalar_subquery()
    )


def find_similar(
    session: Session,
    *,
    document_id: str,
    submission_id: int,
    criterion_id: str,
    sha256: str,
    phash: int,
    within: int = MAX_SEARCH_DISTANCE,
    limit: int = MAX_MATCHES,
) -> list[PhotoMatch]:
    """Live photos of the same region within `within` bits of `phash`, nearest first.

    Leaves out the document itself, superseded documents and the same criterion of the same
    submission (the photos a criterion asks for are its own business): it finds re-use across
    units, periods, programmes and, within one submission, across criteria.
    """
    columns = (
        Document.id,
        Document.criterion_id,
        Document.created_at,
        Document.original_name,
        Document.sha256,
        Document.submission_id,
        Document.phash,
        Submission.programme,
        Submission.period,
        Submission.unit_code,
        Unit.name,
    )
    query = (
        sa.select(*columns)
        .join(Submission, Submission.id == Document.submission_id)
        .join(Unit, Unit.code == Submission.unit_code)
        .where(
            Unit.region_code == _region_of(submission_id),
            Document.phash.is_not(None),
            Document.id != document_id,
            Document.status != DocumentStatus.SUPERSEDED,
            sa.not_(
                sa.and_(
                    Document.submission_id == submission_id,
                    Document.criterion_id == criterion_id,
                )
            ),
        )
    )
    if session.get_bind().dialect.name == "postgresql":
        distance: Any = sa.func.bit_count(
            sa.cast(Document.phash.op("#", return_type=sa.BigInteger)(phash), BIT(64))
        )
    else:
        distance = getattr(sa.func, SQLITE_HAMMING)(Document.phash, phash, type_=sa.Integer)
    query = (
        query.add_columns(distance.label("distance"))
        .where(distance <= within)
        .order_by(distance, Document.created_at, Document.id)
        .limit(limit)
    )
    rows: list[tuple[Any, int]] = [(r, int(r.distance)) for r in session.execute(query)]
    return [
        PhotoMatch(
            document_id=row.id,
            unit_code=row.unit_code,
            unit_name=row.name,
            programme=row.programme,
            period=row.period,
            criterion_id=row.criterion_id,
            uploaded_at=row.created_at.date().isoformat() if row.created_at else None,
            original_name=row.original_name,
            distance=d,
            same_bytes=row.sha256 == sha256,
            same_submission=row.submission_id == submission_id,
        )
        for row, d in rows
    ]
