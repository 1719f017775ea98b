"""A document's verdict per rule-set version: written with each verdict, read as its history."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.db import upsert
from infra.tables import VerdictRow, table_of, utcnow

_TABLE = table_of(VerdictRow)


def record_verdict(
    session: Session,
    document_id: str,
    sha256: str,
    ruleset_version: str,
    status: str,
    reason: str | None,
) -> None:
    """Keep this verdict beside the earlier ones; the same version checked again replaces its
    own row (keyed like findings: document, sha256, rule-set version)."""
    row = {
        "document_id": document_id,
        "sha256": sha256,
        "ruleset_version": ruleset_version,
        "status": status,
        "reason": reason,
        "at": utcnow(),
    }
    upsert(session, _TABLE, row, ("document_id", "sha256", "ruleset_version"))


def verdict_history(session: Session, document_ids: Collection[str]) -> dict[str, list[VerdictRow]]:
    """Each document's verdicts, oldest first (one query for many documents)."""
    found: dict[str, list[VerdictRow]] = {d: [] for d in document_ids}
    if document_ids:
        rows = session.scalars(
            sa.select(VerdictRow)
            .where(VerdictRow.document_id.in_(list(document_ids)))
            .order_by(VerdictRow.at, VerdictRow.id)
        )
        for row in rows:
            found[row.document_id].append(row)
    return found
