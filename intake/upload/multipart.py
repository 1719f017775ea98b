"""A direct upload in parts: start, sign parts, list what arrived, finish (then `complete`),
abort. The upload row says which staging key; the client only names the multipart id, which the
store checks against that key, so nobody can join parts into another upload's object."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from infra.keys import Principal
from infra.multipart import (
    PART_BYTES,
    Part,
    UnknownMultipart,
    multipart_of,
    part_count,
    part_size,
)
from infra.statuses import UploadStatus
from infra.storage import StorageUnavailable
from infra.tables import Upload, utcnow
from intake.errors import ApiError, storage_unavailable
from intake.runtime import ApiRuntime
from intake.upload.presigned import complete_upload, pending_upload, visible_upload
from intake.upload.receiving import too_large


class MultipartOut(BaseModel):
    multipart_id: str
    part_bytes: int
    parts: int


class PartUrl(BaseModel):
    number: int
    url: str
    size: int


class PartOut(BaseModel):
    number: int
    size: int


def unknown_multipart() -> ApiError:
    return ApiError(
        404,
        "multipart_not_found",
        "Unggahan bertahap ini tidak ditemukan (sudah dibatalkan atau selesai); mulai lagi.",
        "This multipart upload is not known (aborted or finished); start again.",
    )


T = TypeVar("T")


def _store_call(call: Callable[[], T]) -> T:
    try:
        return call()
    except UnknownMultipart as exc:
        raise unknown_multipart() from exc
    except StorageUnavailable as exc:
        raise storage_unavailable() from exc


async def start_multipart(rt: ApiRuntime, caller: Principal, upload_id: str) -> MultipartOut:
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    parts = multipart_of(rt.store)
    mid = await run_in_threadpool(
        _store_call, lambda: parts.create(row.storage_key, row.content_type)
    )
    return MultipartOut(multipart_id=mid, part_bytes=PART_BYTES, parts=part_count(row.size))


def _ttl(row: Upload) -> int:
    return max(60, int((row.expires_at - utcnow()).total_seconds()))


async def sign_parts(
    rt: ApiRuntime,
    caller: Principal,
    upload_id: str,
    multipart_id: str,
    numbers: list[int],
    local_url: Callable[[int], str],
) -> list[PartUrl]:
    """A PUT URL per part: presigned on S3, `local_url(number)` (absah's own PUT) locally."""
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    count = part_count(row.size)
    if not numbers or any(n < 1 or n > count for n in numbers) or len(numbers) > 1000:
        raise ApiError(
            422,
            "invalid_part_number",
            f"Nomor bagian harus 1 sampai {count}.",
            f"Part numbers run from 1 to {count}.",
        )
    store = multipart_of(rt.store)
    await run_in_threadpool(_store_call, lambda: store.parts(row.storage_key, multipart_id))
    return [
        PartUrl(
            number=n,
            url=store.presign(row.storage_key, multipart_id, n, _ttl(row)) or local_url(n),
            size=part_size(row.size, n),
        )
        for n in sorted(set(numbers))
    ]


async def uploaded_parts(
    rt: ApiRuntime, caller: Principal, upload_id: str, multipart_id: str
) -> list[PartOut]:
    """The parts the store holds, each of the right size (what a resumed upload skips)."""
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    store = multipart_of(rt.store)
    found = await run_in_threadpool(_store_call, lambda: store.parts(row.storage_key, multipart_id))
    return [
        PartOut(number=p.number, size=p.size)
        for p in found
        if p.number <= part_count(row.size) and p.size == part_size(row.size, p.number)
    ]


def _join(rt: ApiRuntime, row: Upload, multipart_id: str) -> None:
    store = multipart_of(rt.store)
    try:
        found = {p.number: p for p in store.parts(row.storage_key, multipart_id)}
    except UnknownMultipart:
        info = rt.store.head(row.storage_key)
        if info is not None and info.size == row.size:
            return  # joined by an earlier call whose answer was lost: `complete` checks it
        raise
    wanted: list[Part] = []
    for n in range(1, part_count(row.size) + 1):
        part = found.get(n)
        if part is None or part.size != part_size(row.size, n):
            raise ApiError(
                409,
                "parts_missing",
                f"Bagian {n} belum lengkap terunggah; kirim ulang bagian itu.",
                f"Part {n} has not been fully uploaded; send it again.",
                part=n,
            )
        wanted.append(part)
    store.complete(row.storage_key, multipart_id, wanted)


async def finish_multipart(
    rt: ApiRuntime, caller: Principal, upload_id: str, multipart_id: str
) -> Upload:
    """Join the parts into the staged object, then `complete` it (size and SHA-256 checked).
    Repeating it (its answer lost) answers the completed upload again."""
    row = await run_in_threadpool(visible_upload, rt, caller, upload_id)
    if row.status == UploadStatus.COMPLETED:
        return row
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    await run_in_threadpool(_store_call, lambda: _join(rt, row, multipart_id))
    return await complete_upload(rt, caller, upload_id)


async def abort_multipart(
    rt: ApiRuntime, caller: Principal, upload_id: str, multipart_id: str
) -> None:
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    store = multipart_of(rt.store)
    await run_in_threadpool(_store_call, lambda: store.abort(row.storage_key, multipart_id))


async def put_local_part(
    rt: ApiRuntime,
    caller: Principal,
    upload_id: str,
    multipart_id: str,
    number: int,
    body: AsyncIterator[bytes],
) -> None:
    """The local store's part PUT: streamed to a temporary file (never held in memory), capped
    at the part's size, stored only when it is exactly that size."""
    row = await run_in_threadpool(pending_upload, rt, caller, upload_id)
    if number < 1 or number > part_count(row.size):
        raise unknown_multipart()
    expected = part_size(row.size, number)
    with tempfile.TemporaryDirectory(prefix="absah-part-") as tmp:
        path, size = Path(tmp) / "part", 0
        with path.open("wb") as handle:
            async for chunk in body:
                size += len(chunk)
                if size > expected:
                    raise too_large(expected)
                handle.write(chunk)
        if size != expected:
            raise ApiError(
                422,
                "part_size_mismatch",
                f"Bagian {number} berukuran {size} byte, seharusnya {expected}; kirim ulang.",
                f"Part {number} is {size} bytes, not {expected}; send it again.",
            )
        store = multipart_of(rt.store)
        await run_in_threadpool(
            _store_call, lambda: store.put_part(row.storage_key, multipart_id, number, path)
        )
