"""Replace a file: the new one becomes a document of the same criterion and kind, the old one
is superseded by it, in one transaction with an audit entry and a `document.superseded` event."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload
from starlette.concurrency import run_in_threadpool

from infra import states
from infra.assessment import reassess
from infra.audit import audit
from infra.db import transaction
from infra.events import DocumentSuperseded, EventType
from infra.keys import Principal
from infra.statuses import DocumentStatus
from infra.tables import Batch, Document, Submission
from infra.webhooks import record_event, send_deliveries
from intake.address import Target, resolve_target
from intake.auth import ensure_can_submit
from intake.content import visible_document
from intake.errors import ApiError, database_unavailable
from intake.redact import others_hidden
from intake.runtime import ApiRuntime
from intake.upload.receiving import ReceivedFile, receive_documents
from intake.upload.steps import (
    PlannedDocument,
    enqueue_documents,
    plan_documents,
    remove_stored,
    store_bytes,
)
from intake.views import DocumentOut, document_out


class ReplacedOut(BaseModel):
    document: DocumentOut = Field(description="the new document, checked like any upload")
    replaced: DocumentOut = Field(description="the old document, now superseded")
    batch_id: str


@dataclass(frozen=True)
class Old:
    """What the replacement needs of the document it replaces (read before the body)."""

    id: str
    criterion_id: str
    kind: str | None
    status: str


def already_superseded() -> ApiError:
    return ApiError(
        409,
        "document_superseded",
        "Berkas ini sudah digantikan berkas yang lebih baru; ganti berkas yang terbaru.",
        "This document was already replaced by a newer one; replace the newest one.",
    )


def replaceable(session: Session, rt: ApiRuntime, caller: Principal, document_id: str) -> Target:
    """The document's submission address, if the caller may submit there (403 for readers,
    404 for someone else's document, 409 when it was already replaced, 422 inactive unit)."""
    ensure_can_submit(caller)
    doc = visible_document(session, caller, document_id)
    if doc.status == DocumentStatus.SUPERSEDED:
        raise already_superseded()
    sub = doc.submission
    return resolve_target(session, rt, sub.programme, sub.period, sub.unit_code, caller)


def find_replaceable(rt: ApiRuntime, caller: Principal, document_id: str) -> tuple[Old, Target]:
    with transaction(rt.sessions) as session:
        target = replaceable(session, rt, caller, document_id)
        doc = session.get(Document, document_id)
        assert doc is not None
        return Old(doc.id, doc.criterion_id, doc.kind, doc.status), target


def _one(files: list[ReceivedFile]) -> ReceivedFile:
    if len(files) != 1:
        raise ApiError(
            422,
            "one_file_required",
            "Kirim tepat satu berkas pengganti pada kolom 'file'.",
            "Send exactly one replacement file in the field 'file'.",
            received=len(files),
        )
    return files[0]


def _duplicate(rt: ApiRuntime, target: Target, old: Old, sha256: str) -> None:
    """The same bytes as a live document of the criterion replace nothing: 422."""
    with rt.sessions() as session:
        same = session.scalar(
            sa.select(Document.id)
            .join(Submission, Submission.id == Document.submission_id)
            .where(
                Submission.programme == target.programme,
                Submission.period == str(target.period),
                Submission.unit_code == target.unit.code,
                Document.criterion_id == old.criterion_id,
                Document.sha256 == sha256,
                Document.status != DocumentStatus.SUPERSEDED,
            )
        )
    if same is not None:
        raise ApiError(
            422,
            "duplicate_file",
            "Berkas pengganti sama persis dengan berkas yang sudah ada untuk kriteria ini.",
            "The replacement is byte-for-byte a file already held for this criterion.",
            duplicate_of=same,
        )


def _record(
    rt: ApiRuntime, caller: Principal, target: Target, old: Old, planned: PlannedDocument
) -> tuple[str, str, list[str]]:
    """One transaction: the batch and the new document (received), the old one superseded
    (compare-and-set), the audit entry, the event, the criteria reassessed."""
    file = planned.file
    with transaction(rt.sessions) as session:
        gone = session.get(Document, old.id)
        assert gone is not None
        sub = session.scalars(
            sa.select(Submission).where(Submission.id == gone.submission_id).with_for_update()
        ).one()
        batch = Batch(submission_id=sub.id, source="replace", rejected=[])
        session.add(batch)
        session.flush()
        new = Document(
            id=planned.document_id,
            submission_id=sub.id,
            batch_id=batch.id,
            criterion_id=old.criterion_id,
            kind=planned.kind or old.kind,
            kind_source=planned.kind_source,
            original_name=file.name[:512],
            storage_key=planned.storage_key,
            size=file.size,
            sha256=file.sha256,
            declared_mime=file.content_type,
            status=DocumentStatus.RECEIVED,
        )
        session.add(new)
        session.flush()
        if not states.supersede(session, old.id, new.id):
            raise already_superseded()  # a concurrent replacement won: this one rolls back
        audit(
            session,
            action="document.superseded",
            submission=sub,
            criterion_id=old.criterion_id,
            before={"document": old.id, "status": old.status, "name": gone.original_name},
            after={
                "document": new.id,
                "status": DocumentStatus.RECEIVED.value,
                "name": new.original_name,
            },
            actor=caller.name,
            actor_key_id=caller.key_id,
            actor_account_id=caller.account_id,
        )
        payload = DocumentSuperseded(
            document_id=old.id,
            superseded_by=new.id,
            programme=sub.programme,
            period=sub.period,
            unit=sub.unit_code,
            criterion=old.criterion_id,
            by=caller.name,
            status_url=f"/v1/documents/{new.id}",
        )
        deliveries = record_event(
            session,
            EventType.DOCUMENT_SUPERSEDED,
            sub.unit_code,
            target.unit.region_code,
            payload.model_dump(mode="json"),
        )
        reassess(session, target.catalog, sub.id)
        return new.id, batch.id, deliveries


def replace_stored(
    rt: ApiRuntime, caller: Principal, target: Target, old: Old, file: ReceivedFile
) -> tuple[str, str]:
    """Bytes first (under the new document's key), then the rows; refused rows remove them."""
    _duplicate(rt, target, old, file.sha256)
    planned = plan_documents(target, rt.catalogs.naming, [file], old.criterion_id, old.kind)
    store_bytes(rt, planned)
    try:
        new_id, batch_id, deliveries = _record(rt, caller, target, old, planned[0])
    except Exception as exc:
        remove_stored(rt, [planned[0].storage_key])
        if isinstance(exc, OperationalError):
            raise database_unavailable() from exc
        raise
    send_deliveries(rt.sender, deliveries)
    enqueue_documents(rt, [new_id])
    return new_id, batch_id


def replaced_out(rt: ApiRuntime, old_id: str, new_id: str, batch_id: str) -> ReplacedOut:
    with rt.sessions() as session:
        docs = {
            d.id: d
            for d in session.scalars(
                sa.select(Document)
                .options(selectinload(Document.findings), selectinload(Document.submission))
                .where(Document.id.in_([old_id, new_id]))
            )
        }
        return ReplacedOut(
            document=document_out(docs[new_id]),
            replaced=document_out(docs[old_id]),
            batch_id=batch_id,
        )


async def replace_document(
    request: Request, rt: ApiRuntime, caller: Principal, document_id: str
) -> ReplacedOut:
    """Check who may replace what before reading the body, then take the one file in."""
    old, target = await run_in_threadpool(find_replaceable, rt, caller, document_id)

    received = await receive_documents(request, rt, target)
    try:
        file = _one(received.files)
        new_id, batch_id = await run_in_threadpool(replace_stored, rt, caller, target, old, file)
    finally:
        received.cleanup()
    out = await run_in_threadpool(replaced_out, rt, old.id, new_id, batch_id)
    others_hidden(caller, [out.document, out.replaced])
    return out
