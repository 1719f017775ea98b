"""The intake steps: bind files to criteria, store bytes, commit rows, then enqueue after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from infra import states
from infra.assessment import reassess
from infra.db import transaction
from infra.names import document_key
from infra.queue import send_verify
from infra.statuses import DocumentStatus
from infra.storage import StorageUnavailable
from infra.tables import Batch, Document, Submission, new_id, utcnow
from intake.address import Target
from intake.errors import ApiError, database_unavailable, storage_unavailable
from intake.runtime import ApiRuntime
from intake.upload.receiving import ReceivedFile
from rules.binding import BindingProblem, bind_file
from rules.naming import NamingConvention

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedDocument:
    document_id: str
    file: ReceivedFile
    criterion_id: str
    kind: str | None
    kind_source: str | None
    storage_key: str


def plan_documents(
    target: Target,
    naming: NamingConvention,
    files: list[ReceivedFile],
    criterion: str | None,
    kind: str | None,
) -> list[PlannedDocument]:
    """Bind each file (rules/binding.py: form field, else canonical name, else its folder) to
    a criterion and, where the form or the name says it, a kind; any problem refuses all."""
    if not files:
        raise ApiError(
            422, "no_files", "Tidak ada berkas pada kolom 'files'.", "No file in the field 'files'."
        )
    planned = []
    for file in files:
        bound = bind_file(
            target.catalog,
            naming,
            criterion=criterion or file.criterion_hint,
            kind=kind,
            name=file.name,
        )
        if isinstance(bound, BindingProblem):
            raise ApiError(422, bound.code, bound.message_id, bound.message_en, **bound.details)
        doc_id = new_id()
        key = document_key(
            target.programme,
            str(target.period),
            target.unit.code,
            bound.criterion_id,
            doc_id,
            file.name,
        )
        planned.append(
            PlannedDocument(doc_id, file, bound.criterion_id, bound.kind, bound.kind_source, key)
        )
    return planned


def remove_stored(rt: ApiRuntime, keys: list[str]) -> None:
    """Best effort: the objects of a refused request (an unreachable store keeps them)."""
    for key in keys:
        try:
            rt.store.delete(key)
        except StorageUnavailable:
            log.warning("could not remove %s after a failed intake", key)


def store_bytes(rt: ApiRuntime, planned: list[PlannedDocument]) -> None:
    """Bytes first. On a storage failure, remove what this request stored and answer 503."""
    stored: list[str] = []
    try:
        for doc in planned:
            rt.store.put_file(doc.storage_key, doc.file.path, doc.file.content_type)
            stored.append(doc.storage_key)
    except StorageUnavailable as exc:
        log.warning("storage unavailable during intake: %s", exc)
        remove_stored(rt, stored)
        raise storage_unavailable() from exc


def _get_or_create_submission(session: Session, target: Target) -> Submission:
    """The submission, locked (FOR UPDATE) before any document row refers to it.

    Inserting a document takes a share lock on its submission (the foreign key), and the
    re-assessment at the end of the transaction then wants the row lock: two uploads to one
    submission holding the share lock and each waiting for the other's deadlocked. Taking the
    row lock first makes them queue instead."""
    key = (target.programme, str(target.period), target.unit.code)
    query = (
        sa.select(Submission)
        .where(
            Submission.programme == key[0],
            Submission.period == key[1],
            Submission.unit_code == key[2],
        )
        .with_for_update()
    )
    found = session.scalars(query).one_or_none()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            submission = Submission(programme=key[0], period=key[1], unit_code=key[2])
            session.add(submission)
        return submission
    except IntegrityError:  # a concurrent request created it first
        return session.scalars(query).one()


def record_documents(
    rt: ApiRuntime,
    target: Target,
    planned: list[PlannedDocument],
    source: str,
    rejected: list[dict[str, str]],
    archive: dict[str, Any] | None = None,
) -> tuple[str, list[Document]]:
    """Rows second: one transaction for the batch, its documents (received) and the criteria.

    When the rows cannot be committed, the bytes this request stored are removed, unless the
    connection was lost during COMMIT itself: the rows may exist then, and an object without a
    row is only waste while a row without its object is a lost file.
    """
    committing = False
    try:
        with transaction(rt.sessions) as session:
            submission = _get_or_create_submission(session, target)
            batch = Batch(
                submission_id=submission.id, source=source, rejected=rejected, archive=archive
            )
            session.add(batch)
            session.flush()
            # created_at a microsecond apart, in the order sent: a batch lists its documents by
            # created_at, and rows stamped in the same microsecond came back in random order
            now = utcnow()
            docs = [
                Document(
                    id=p.document_id,
                    submission_id=submission.id,
                    batch_id=batch.id,
                    criterion_id=p.criterion_id,
                    kind=p.kind,
                    kind_source=p.kind_source,
                    original_name=p.file.name[:512],
                    storage_key=p.storage_key,
                    size=p.file.size,
                    sha256=p.file.sha256,
                    declared_mime=p.file.content_type,
                    status=DocumentStatus.RECEIVED,
                    created_at=now + timedelta(microseconds=i),
                )
                for i, p in enumerate(planned)
            ]
            session.add_all(docs)
            session.flush()
            reassess(session, target.catalog, submission.id, {p.criterion_id for p in planned})
            committing = True
        return batch.id, docs
    except Exception as exc:
        lost = isinstance(exc, OperationalError)
        if committing and lost:
            log.warning("commit outcome unknown: the bytes of %d document(s) stay", len(planned))
        else:
            remove_stored(rt, [p.storage_key for p in planned])
        if lost:
            raise database_unavailable() from exc
        raise


def enqueue_documents(rt: ApiRuntime, document_ids: list[str]) -> None:
    """Messages last, after commit. A failed send leaves the rows `received` for the sweeper:
    the first failure ends the loop, so a broker outage costs one send's retries, not one each.
    """
    sent: list[str] = []
    for document_id in document_ids:
        try:
            send_verify(rt.sender, document_id)
        except Exception as exc:  # broker down: the outbox rows are already committed
            left = len(document_ids) - len(sent)
            log.warning("could not enqueue %d document(s) (%s); the sweeper will", left, exc)
            break
        sent.append(document_id)
    try:  # one transaction for the whole batch, not one per document
        with transaction(rt.sessions) as session:
            states.mark_queued(session, *sent)
    except OperationalError:
        log.warning("could not mark %d document(s) queued; they stay received", len(sent))


def split_duplicates(
    rt: ApiRuntime, target: Target, planned: list[PlannedDocument]
) -> tuple[list[PlannedDocument], list[dict[str, str]]]:
    """Bytes already held for the same submission and criterion are flagged, not stored again."""
    with rt.sessions() as session:
        rows = session.execute(
            sa.select(Document.sha256, Document.criterion_id, Document.id)
            .join(Submission, Document.submission_id == Submission.id)
            .where(
                Submission.programme == target.programme,
                Submission.period == str(target.period),
                Submission.unit_code == target.unit.code,
                Document.sha256.in_({p.file.sha256 for p in planned}),
                Document.status != DocumentStatus.SUPERSEDED,
            )
        )
        held = {(sha, crit): doc_id for sha, crit, doc_id in rows}
    fresh: list[PlannedDocument] = []
    duplicates: list[dict[str, str]] = []
    for p in planned:
        same = held.get((p.file.sha256, p.criterion_id))
        if same is None:
            held[(p.file.sha256, p.criterion_id)] = p.document_id  # twice in one request
            fresh.append(p)
            continue
        duplicates.append(
            {
                "name": p.file.name,
                "code": "duplicate_file",
                "criterion": p.criterion_id,
                "duplicate_of": same,
                "message": f"Berkas yang sama persis sudah ada untuk kriteria {p.criterion_id}; "
                "tidak disimpan ulang.",
                "message_en": f"The exact same file is already held for criterion "
                f"{p.criterion_id}; it was not stored again.",
            }
        )
    return fresh, duplicates


async def accept_files(
    rt: ApiRuntime,
    target: Target,
    files: list[ReceivedFile],
    criterion: str | None,
    kind: str | None,
    source: str = "documents",
    rejected: list[dict[str, str]] | None = None,
    archive: dict[str, Any] | None = None,
) -> tuple[str, list[Document], list[dict[str, str]]]:
    """The intake of a set of received files: plan, store bytes, record rows, enqueue."""
    planned = (
        plan_documents(target, rt.catalogs.naming, files, criterion, kind)
        if files or not rejected
        else []
    )
    planned, duplicates = await run_in_threadpool(split_duplicates, rt, target, planned)
    refused = [*(rejected or []), *duplicates]
    await run_in_threadpool(store_bytes, rt, planned)
    batch_id, docs = await run_in_threadpool(
        record_documents, rt, target, planned, source, refused, archive
    )
    await run_in_threadpool(enqueue_documents, rt, [d.id for d in docs])
    return batch_id, docs, refused
