"""Copies of a PDF that another unit of the region saved in other bytes: store a document's text
print (rules/textprint.py), then find the region's live documents of other units with the same
print. Copies with the very same bytes are found earlier, with the job (worker/job.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.matches import other_columns, other_document
from infra.statuses import DocumentStatus
from infra.tables import Document, StoredFacts, Submission, Unit, table_of
from rules.similar import FileMatch
from rules.textprint import NO_PRINT, pages_print

MAX_COPIES = 20
_DOCUMENTS = table_of(Document)

# Core, built once (infra.db.per_dialect says why): once per PDF with enough text
_STORE_PRINT = (
    sa.update(_DOCUMENTS)
    .where(_DOCUMENTS.c.id == sa.bindparam("p_id"))
    .values(text_sha256=sa.bindparam("p_print", type_=_DOCUMENTS.c.text_sha256.type))
)

_SUBMISSION = sa.bindparam("p_submission", type_=Document.submission_id.type)
_OWN_UNIT = sa.select(Submission.unit_code).where(Submission.id == _SUBMISSION).scalar_subquery()
_OWN_REGION = (
    sa.select(Unit.region_code)
    .join(Submission, Submission.unit_code == Unit.code)
    .where(Submission.id == _SUBMISSION)
    .scalar_subquery()
)
_FIND = (
    sa.select(*other_columns(Document, Submission, Unit))
    .join(Submission, Submission.id == Document.submission_id)
    .join(Unit, Unit.code == Submission.unit_code)
    .where(
        Document.text_sha256 == sa.bindparam("p_print", type_=Document.text_sha256.type),
        Document.id != sa.bindparam("p_id", type_=Document.id.type),
        Document.status != DocumentStatus.SUPERSEDED,
        # the very same bytes are a copy the job already names
        Document.sha256 != sa.bindparam("p_sha256", type_=Document.sha256.type),
        Unit.region_code == _OWN_REGION,
        Submission.unit_code != _OWN_UNIT,  # a unit re-saving its own decree is no copy
    )
    .order_by(Document.created_at, Document.id)
    .limit(MAX_COPIES)
)


def store_text_print(session: Session, document_id: str, text_sha256: str | None) -> None:
    """Record the print (NO_PRINT for none: an earlier one is cleared, and the fill from stored
    facts knows it was looked at) before searching, so two copies checked at once meet."""
    session.execute(_STORE_PRINT, {"p_id": document_id, "p_print": text_sha256 or NO_PRINT})


def find_text_copies(
    session: Session, *, document_id: str, submission_id: int, sha256: str, text_sha256: str
) -> list[FileMatch]:
    """Other units' live documents of the region with this text print in other bytes, the
    earliest first."""
    values = {
        "p_id": document_id,
        "p_submission": submission_id,
        "p_sha256": sha256,
        "p_print": text_sha256,
    }
    return [
        FileMatch(**other_document(row), same_bytes=False) for row in session.execute(_FIND, values)
    ]


FILL_BATCH = 200


def _print_of_stored(facts: Any) -> str:
    """The print of stored facts (FileFacts as JSON, read as plain values: facts of an older
    extraction need not fit today's model), NO_PRINT when they give none."""
    pdf = facts.get("pdf") if isinstance(facts, dict) else None
    if not isinstance(pdf, dict) or not pdf.get("opened"):
        return NO_PRINT
    pages = pdf.get("pages_text") or []
    if not all(isinstance(p, str) for p in pages):
        return NO_PRINT
    textless = [n for n in pdf.get("textless_pages") or [] if isinstance(n, int)]
    count = pdf.get("page_count")
    return pages_print(pages, textless, count if isinstance(count, int) else None) or NO_PRINT


def fill_text_prints(factory: sessionmaker[Session], batch: int = FILL_BATCH) -> int:
    """Give live PDFs checked before prints existed theirs, from the newest facts their check
    kept: `batch` documents a transaction, in the order of their ids, so no long lock is held
    (`absah db upgrade` / `absah run` after migration 0012). Documents without stored facts get
    theirs at their next check. Returns how many were filled (NO_PRINT included)."""
    filled, after = 0, ""
    while True:
        with transaction(factory) as session:
            ids = list(
                session.scalars(
                    sa.select(Document.id)
                    .where(
                        Document.id > after,
                        Document.text_sha256.is_(None),
                        Document.detected_mime == "application/pdf",
                        Document.status != DocumentStatus.SUPERSEDED,
                    )
                    .order_by(Document.id)
                    .limit(batch)
                )
            )
            if not ids:
                return filled
            after = ids[-1]
            newest: dict[str, Any] = {}
            for document_id, facts in session.execute(
                sa.select(StoredFacts.document_id, StoredFacts.facts)
                .join(Document, Document.id == StoredFacts.document_id)
                .where(StoredFacts.document_id.in_(ids), StoredFacts.sha256 == Document.sha256)
                .order_by(StoredFacts.document_id, StoredFacts.created_at)
            ):
                newest[document_id] = facts  # the last one read is the newest
            for document_id, facts in newest.items():
                store_text_print(session, document_id, _print_of_stored(facts))
            filled += len(newest)
