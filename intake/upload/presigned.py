"""Direct uploads: a presigned URL to the store, then `complete`, which checks size and SHA-256."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from infra.db import transaction
from infra.keys import Principal
from infra.names import display_name, staging_key
from infra.statuses import UploadStatus
from infra.storage import S3Store, StorageUnavailable
from infra.tables import Unit, Upload, new_id, utcnow
from intake.address import find_target
from intake.auth import ensure_visible
from intake.errors import ApiError, not_found, storage_unavailable
from intake.runtime import ApiRuntime
from intake.upload.receiving import ReceivedFile, too_large
from intake.upload.staged import hash_mismatch, remove_objects, size_mismatch, take_object
from intake.upload.steps import PlannedDocument, enqueue_documents, plan_documents, record_documents


class UploadIn(BaseModel):
    programme: str
    period: str
    unit: str
    name: str = Field(min_length=1, max_length=255)
    size: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    content_type: str | None = Field(default=None, max_length=255)
    criterion: str | None = None
    kind: str | None = None


class PresignedPost(BaseModel):
    url: str
    fields: dict[str, str]


class UploadOut(BaseModel):
    id: str
    status: str  # pending, completed, expired
    method: str
    url: str | None  # only while pending: a completed upload takes no more bytes
    headers: dict[str, str]
    post: PresignedPost | None = None
    expires_at: datetime
    complete_url: str
    document_id: str | None = None
    batch_id: str | None = None
    document_url: str | None = None


def upload_out(rt: ApiRuntime, row: Upload, base_url: str) -> UploadOut:
    headers = {"Content-Type": row.content_type} if row.content_type else {}
    post = None
    url: str | None = None
    ttl = max(60, int((row.expires_at - utcnow()).total_seconds()))
    if row.status != UploadStatus.PENDING or row.expires_at < utcnow():
        headers = {}  # no URL once completed or expired: the checked bytes stay the checked bytes
    elif isinstance(rt.store, S3Store):
        url = rt.store.presign_put(row.storage_key, row.content_type, ttl)
        raw = rt.store.presign_post(row.storage_key, row.size, ttl)
        post = PresignedPost(url=raw["url"], fields={k: str(v) for k, v in raw["fields"].items()})
    else:  # the local store has no presigning: absah takes the bytes itself, with the API key
        url = f"{base_url}/v1/uploads/{row.id}/content"
        headers["Authorization"] = "Bearer <your API key>"
    done = row.status == UploadStatus.COMPLETED
    return UploadOut(
        id=row.id,
        status=row.status,
        method="PUT",
        url=url,
        headers=headers,
        post=post,
        expires_at=row.expires_at,
        complete_url=f"/v1/uploads/{row.id}/complete",
        document_id=row.document_id if done else None,
        batch_id=row.batch_id,
        document_url=f"/v1/documents/{row.document_id}" if done else None,
    )


async def create_upload(rt: ApiRuntime, caller: Principal, body: UploadIn) -> Upload:
    target = await find_target(rt, caller, body.programme.upper(), body.period.upper(), body.unit)
    if body.size > rt.settings.max_upload_bytes:
        raise too_large(rt.settings.max_upload_bytes)
    name = display_name(body.name)  # as multipart names: no control characters kept
    file = ReceivedFile("upload", name, body.content_type, Path(), body.size, body.sha256.lower())
    (planned,) = plan_documents(target, rt.catalogs.naming, [file], body.criterion, body.kind)
    upload_id = new_id()
    row = Upload(
        id=upload_id,
        api_key_id=caller.owner_id,
        programme=target.programme,
        period=str(target.period),
        unit_code=target.unit.code,
        criterion_id=planned.criterion_id,
        kind=planned.kind,
        name=name,
        content_type=body.content_type,
        size=body.size,
        sha256=file.sha256,
        document_id=planned.document_id,
        storage_key=staging_key(upload_id, name),  # the document's own key is written at complete
        expires_at=utcnow() + timedelta(seconds=rt.settings.upload_url_ttl_seconds),
    )
    with transaction(rt.sessions) as session:
        session.add(row)
    return row


def visible_upload(rt: ApiRuntime, caller: Principal, upload_id: str) -> Upload:
    with rt.sessions() as session:
        row = session.get(Upload, upload_id)
        unit = session.get(Unit, row.unit_code) if row else None
        if row is None or (row.api_key_id != caller.owner_id and caller.role != "admin"):
            raise not_found("Unggahan", "Upload")
        ensure_visible(caller, unit)
        return row


def _claim(rt: ApiRuntime, row: Upload) -> bool:
    with transaction(rt.sessions) as session:
        result = session.execute(
            sa.update(Upload)
            .where(Upload.id == row.id, Upload.status == UploadStatus.PENDING)
            .values(status="completing")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _set_status(rt: ApiRuntime, row: Upload, status: str, batch_id: str | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if status == UploadStatus.COMPLETED:
        values |= {"completed_at": utcnow(), "batch_id": batch_id}
    with transaction(rt.sessions) as session:
        session.execute(sa.update(Upload).where(Upload.id == row.id).values(**values))


async def complete_upload(rt: ApiRuntime, caller: Principal, upload_id: str) -> Upload:
    """Check the stored object, then record and queue it. Repeating it is harmless."""
    row = await run_in_threadpool(visible_upload, rt, caller, upload_id)
    if row.status == UploadStatus.COMPLETED:
        return row
    if row.status == UploadStatus.EXPIRED or row.expires_at < utcnow():
        raise ApiError(
            410,
            "upload_expired",
            "Masa berlaku unggahan sudah habis; buat ulang.",
            "The upload has expired; create a new one.",
        )
    if not await run_in_threadpool(_claim, rt, row):
        raise ApiError(
            409,
            "upload_in_progress",
            "Unggahan ini sedang diselesaikan.",
            "This upload is being completed.",
            headers={"Retry-After": "2"},
        )
    try:
        key = await run_in_threadpool(take_object, rt, row)
        target = await find_target(rt, caller, row.programme, row.period, row.unit_code)
        file = ReceivedFile("upload", row.name, row.content_type, Path(), row.size, row.sha256)
        planned = PlannedDocument(
            row.document_id,
            file,
            row.criterion_id,
            row.kind,
            "form" if row.kind else None,
            key,
        )
        batch_id, docs = await run_in_threadpool(
            record_documents, rt, target, [planned], "upload", []
        )
    except BaseException:
        await run_in_threadpool(_set_status, rt, row, UploadStatus.PENDING)
        raise
    await run_in_threadpool(_set_status, rt, row, UploadStatus.COMPLETED, batch_id)
    if key != row.storage_key:
        await run_in_threadpool(remove_objects, rt, row.storage_key)  # the staged copy has served
    await run_in_threadpool(enqueue_documents, rt, [d.id for d in docs])
    return await run_in_threadpool(visible_upload, rt, caller, upload_id)


def pending_upload(rt: ApiRuntime, caller: Principal, upload_id: str) -> Upload:
    """The upload, if it still takes bytes (pending, not expired); 409 otherwise."""
    row = visible_upload(rt, caller, upload_id)
    if row.status != UploadStatus.PENDING or row.expires_at < utcnow():
        raise ApiError(
            409,
            "upload_not_pending",
            "Unggahan ini sudah selesai atau kedaluwarsa; isinya tidak dapat diganti.",
            "This upload is already completed or expired; its bytes cannot be replaced.",
        )
    return row


async def put_content(
    rt: ApiRuntime, caller: Principal, upload_id: str, body: AsyncIterator[bytes]
) -> None:
    """The local store's stand-in for a presigned PUT: stream, cap at the declared size, check
    size and SHA-256, and store under the staging key only while the upload is still pending."""
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    with tempfile.TemporaryDirectory(prefix="absah-put-") as tmp:
        path = Path(tmp) / "body"
        size, digest = 0, hashlib.sha256()
        with path.open("wb") as handle:
            async for chunk in body:
                size += len(chunk)
                if size > row.size:
                    raise too_large(row.size)
                digest.update(chunk)
                handle.write(chunk)
        row = await run_in_threadpool(pending_upload, rt, caller, upload_id)  # completed meanwhile?
        if size != row.size:
            raise size_mismatch(row, size)  # nothing stored: a wrong PUT never reaches storage
        if digest.hexdigest() != row.sha256:
            raise hash_mismatch(row)
        try:
            await run_in_threadpool(rt.store.put_file, row.storage_key, path, row.content_type)
        except StorageUnavailable as exc:
            raise storage_unavailable() from exc
