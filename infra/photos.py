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

from infra.db import SQLITE_HAMMING, per_dialect
from infra.matches import other_columns, other_document
from infra.statuses import DocumentStatus
from infra.tables import Document, Submission, Unit, table_of
from rules.similar import MAX_SEARCH_DISTANCE, PhotoMatch

MAX_MATCHES = 20
_DOCUMENTS = table_of(Document)


_STORE_PHASH = (
    sa.update(_DOCUMENTS)
    .where(_DOCUMENTS.c.id == sa.bindparam("p_id"))
    .values(phash=sa.bindparam("p_phash", type_=_DOCUMENTS.c.phash.type))
)


def store_phash(session: Session, document_id: str, phash: int | None) -> None:
    """Record the pHash before searching, so two look-alikes checked at once meet each other."""
    # Core, built once: once per photo, no ORM copy of the row to keep in step
    session.execute(_STORE_PHASH, {"p_id": document_id, "p_phash": phash})


def _search(dialect: str) -> sa.Select[Any]:
    """The search, its values bound at each call: `p_*` parameters."""
    submission_id = sa.bindparam("p_submission", type_=Document.submission_id.type)
    phash = sa.bindparam("p_phash", type_=sa.BigInteger)
    region = (
        sa.select(Unit.region_code)
        .join(Submission, Submission.unit_code == Unit.code)
        .where(Submission.id == submission_id)
        .scalar_subquery()
    )
    query = (
        sa.select(
            *other_columns(Document, Submission, Unit),
            Document.sha256,
            Document.submission_id,
            Document.phash,
        )
        .join(Submission, Submission.id == Document.submission_id)
        .join(Unit, Unit.code == Submission.unit_code)
        .where(
            Unit.region_code == region,
            Document.phash.is_not(None),
            Document.id != sa.bindparam("p_id", type_=Document.id.type),
            Document.status != DocumentStatus.SUPERSEDED,
            sa.not_(
                sa.and_(
                    Document.submission_id == submission_id,
                    Document.criterion_id
                    == sa.bindparam("p_criterion", type_=Document.criterion_id.type),
                )
            ),
        )
    )
    if dialect == "postgresql":
        distance: Any = sa.func.bit_count(
            sa.cast(Document.phash.op("#", return_type=sa.BigInteger)(phash), BIT(64))
        )
    else:
        distance = getattr(sa.func, SQLITE_HAMMING)(Document.phash, phash, type_=sa.Integer)
    return (
        query.add_columns(distance.label("distance"))
        .where(distance <= sa.bindparam("p_within", type_=sa.Integer))
        .order_by(distance, Document.created_at, Document.id)
        .limit(sa.bindparam("p_limit", type_=sa.Integer))
    )


_SEARCH = per_dialect(_search)


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
    values = {
        "p_id": document_id,
        "p_submission": submission_id,
        "p_criterion": criterion_id,
        "p_phash": phash,
        "p_within": within,
        "p_limit": limit,
    }
    found = session.execute(_SEARCH(session), values)
    rows: list[tuple[Any, int]] = [(r, int(r.distance)) for r in found]
    return [
        PhotoMatch(
            **other_document(row),
            distance=d,
            same_bytes=row.sha256 == sha256,
            same_submission=row.submission_id == submission_id,
        )
        for row, d in rows
    ]
