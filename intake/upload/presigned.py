"""Direct uploads: a presigned URL to the store, then `complete`, which checks size and SHA-256."""

from __future__ import annotations

import contextlib
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
from infra.storage import S3Store, StorageUnavailable, display_name
from infra.tables import Unit, Upload, utcnow
from intake.address import find_target
from intake.auth import ensure_visible
from intake.errors import ApiError, not_found, storage_unavailable
from intake.runtime import ApiRuntime
from intake.upload.receiving import ReceivedFile, too_large
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
    url: str
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
    ttl = max(60, int((row.expires_at - utcnow()).total_seconds()))
    if isinstance(rt.store, S3Store):
        url = rt.store.presign_put(row.storage_key, row.content_type, ttl)
        raw = rt.store.presign_post(row.storage_key, row.size, ttl)
        post = PresignedPost(url=raw["url"], fields={k: str(v) for k, v in raw["fields"].items()})
    else:  # the local store has no presigning: absah takes the bytes itself, with the API key
        url = f"{base_url}/v1/uploads/{row.id}/content"
        headers["Authorization"] = "Bearer <your API key>"
    done = row.status == "completed"
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
    row = Upload(
        api_key_id=caller.key_id,
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
        storage_key=planned.storage_key,
        expires_at=utcnow() + timedelta(seconds=rt.settings.upload_url_ttl_seconds),
    )
    with transaction(rt.sessions) as session:
        session.add(row)
    return row


def visible_upload(rt: ApiRuntime, caller: Principal, upload_id: str) -> Upload:
    with rt.sessions() as session:
        row = session.get(Upload, upload_id)
        unit = session.get(Unit, row.unit_code) if row else None
        if row is None or (row.api_key_id != caller.key_id and caller.role != "admin"):
            raise not_found("Unggahan", "Upload")
        ensure_visible(caller, unit)
        return row


def _refuse(rt: ApiRuntime, row: Upload, code: str, msg_id: str, msg_en: str) -> ApiError:
    with contextlib.suppress(StorageUnavailable):  # wrong bytes must not linger under the key
        rt.store.delete(row.storage_key)
    return ApiError(422, code, msg_id, msg_en, expected_size=row.size, expected_sha256=row.sha256)


def verify_object(rt: ApiRuntime, row: Upload) -> None:
    """The store accepted whatever came: check the object's size and SHA-256 ourselves."""
    try:
        info = rt.store.head(row.storage_key)
        if info is None:
            raise ApiError(
                409,
                "upload_missing",
                "Berkas belum diunggah ke URL yang diberikan.",
                "The file has not been uploaded to the given URL yet.",
            )
        if info.size != row.size:
            raise _refuse(
                rt,
                row,
                "upload_size_mismatch",
                f"Ukuran berkas {info.size} byte tidak sama dengan yang dinyatakan "
                f"({row.size}); unggah ulang.",
                f"The file is {info.size} bytes, not the declared {row.size}; upload it again.",
            )
        digest = hashlib.sha256()
        with tempfile.TemporaryDirectory(prefix="absah-complete-") as tmp:
            path = Path(tmp) / "object"
            rt.store.download(row.storage_key, path)
            with path.open("rb") as handle:
                while block := handle.read(1024 * 1024):
                    digest.update(block)
    except StorageUnavailable as exc:
        raise storage_unavailable() from exc
    if digest.hexdigest() != row.sha256:
        raise _refuse(
            rt,
            row,
            "upload_hash_mismatch",
            "SHA-256 berkas tidak sama dengan yang dinyatakan; unggah ulang.",
            "The file's SHA-256 differs from the declared one; upload it again.",
        )


def _claim(rt: ApiRuntime, row: Upload) -> bool:
    with transaction(rt.sessions) as session:
        result = session.execute(
            sa.update(Upload)
            .where(Upload.id == row.id, Upload.status == "pending")
            .values(status="completing")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _set_status(rt: ApiRuntime, row: Upload, status: str, batch_id: str | None = None) -> None:
    values: dict[str, Any] = {"status": status}
    if status == "completed":
        values |= {"completed_at": utcnow(), "batch_id": batch_id}
    with transaction(rt.sessions) as session:
        session.execute(sa.update(Upload).where(Upload.id == row.id).values(**values))


async def complete_upload(rt: ApiRuntime, caller: Principal, upload_id: str) -> Upload:
    """Check the stored object, then record and queue it. Repeating it is harmless."""
    row = await run_in_threadpool(visible_upload, rt, caller, upload_id)
    if row.status == "completed":
        return row
    if row.status == "expired" or row.expires_at < utcnow():
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
        await run_in_threadpool(verify_object, rt, row)
        target = await find_target(rt, caller, row.programme, row.period, row.unit_code)
        file = ReceivedFile("upload", row.name, row.content_type, Path(), row.size, row.sha256)
        planned = PlannedDocument(
            row.document_id,
            file,
            row.criterion_id,
            row.kind,
            "form" if row.kind else None,
            row.storage_key,
        )
        batch_id, docs = await run_in_threadpool(
            record_documents, rt, target, [planned], "upload", []
        )
    except BaseException:
        await run_in_threadpool(_set_status, rt, row, "pending")
        raise
    await run_in_threadpool(_set_status, rt, row, "completed", batch_id)
    await run_in_threadpool(enqueue_documents, rt, [d.id for d in docs])
    return await run_in_threadpool(visible_upload, rt, caller, upload_id)


async def put_content(
    rt: ApiRuntime, caller: Principal, upload_id: str, body: AsyncIterator[bytes]
) -> None:
    """The local store's stand-in for a presigned PUT: stream, cap at the declared size, store."""
    row = await run_in_threadpool(visible_upload, rt, caller, upload_id)
    if row.status != "pending":
        raise ApiError(
            409,
            "upload_not_pending",
            "Unggahan ini sudah selesai atau kedaluwarsa.",
            "This upload is already completed or expired.",
        )
    with tempfile.TemporaryDirectory(prefix="absah-put-") as tmp:
        path = Path(tmp) / "body"
        size = 0
        with path.open("wb") as handle:
            async for chunk in body:
                size += len(chunk)
                if size > row.size:
                    raise too_large(row.size)
                handle.write(chunk)
        try:
            await run_in_threadpool(rt.store.put_file, row.storage_key, path, row.content_type)
        except StorageUnavailable as exc:
            raise storage_unavailable() from exc
