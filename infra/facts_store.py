"""Facts extracted from a file, stored once per (document, sha256, facts version) as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.db import upsert
from infra.statuses import DocumentStatus
from infra.tables import Document, StoredFacts, table_of, utcnow

_TABLE = table_of(StoredFacts)


def save_facts(
    session: Session, document_id: str, sha256: str, version: str, facts: dict[str, Any]
) -> None:
    """Store (or refresh) one file's facts; the caller holds the document's claim."""
    row = {
        "document_id": document_id,
        "sha256": sha256,
        "facts_version": version,
        "facts": facts,
        "created_at": utcnow(),
    }
    upsert(session, _TABLE, row, ("document_id", "sha256", "facts_version"))


def load_facts(
    session: Session, document_id: str, sha256: str, version: str
) -> dict[str, Any] | None:
    """The stored facts of these bytes from this extraction, or None."""
    return session.scalar(
        sa.select(StoredFacts.facts).where(
            StoredFacts.document_id == document_id,
            StoredFacts.sha256 == sha256,
            StoredFacts.facts_version == version,
        )
    )


def prune_facts(session: Session, current_version: str, older_than: datetime) -> int:
    """Delete facts nothing reads again: those of another extraction version stored before
    `older_than` (`load_facts` asks only for the current one; the age keeps a newer version's
    facts safe from a sweeper still running old code during an upgrade) and those of
    superseded documents (never re-verified)."""
    superseded = sa.select(Document.id).where(Document.status == DocumentStatus.SUPERSEDED)
    result = session.execute(
        sa.delete(StoredFacts).where(
            sa.or_(
                sa.and_(
                    StoredFacts.facts_version != current_version,
                    StoredFacts.created_at < older_than,
                ),
                StoredFacts.document_id.in_(superseded),
            )
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
