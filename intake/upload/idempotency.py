"""Idempotency-Key: a retried request gets the first answer back instead of a second batch.

A key is reserved once the body is in (its fingerprint covers the method, the path and what
the body holds), with a lease: a reservation whose request died is taken over by a retry once
the lease has run out. The sweeper deletes records after the retention.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from infra.db import transaction
from infra.tables import IdempotencyRecord, new_id, utcnow
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.upload.receiving import Received

MAX_KEY = 200


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def check_key(key: str) -> None:
    """A usable key, refused before any body is read."""
    if not key or len(key) > MAX_KEY:
        raise ApiError(
            422,
            "invalid_idempotency_key",
            f"Idempotency-Key harus 1–{MAX_KEY} karakter.",
            f"Idempotency-Key must be 1–{MAX_KEY} characters.",
        )


def fingerprint(method: str, path: str, received: Received) -> str:
    """What makes two requests the same: method, path, form fields, each file's field, name,
    size, SHA-256 (hashed while streaming) and criterion, and the archive's; never the
    multipart boundary, which clients draw anew for each try."""
    archive = received.archive
    content = {
        "request": [method, path],
        "fields": sorted(received.fields.items()),
        "files": [[f.field, f.name, f.size, f.sha256, f.criterion_hint] for f in received.files],
        "archive": [archive.name, archive.size, archive.sha256] if archive else None,
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def _key_reused() -> ApiError:
    return ApiError(
        422,
        "idempotency_key_reused",
        "Idempotency-Key ini sudah dipakai untuk permintaan lain (alamat atau isi berbeda); "
        "gunakan kunci baru untuk permintaan baru.",
        "This Idempotency-Key was already used for another request (other address or body); "
        "use a new key for a new request.",
    )


def begin(
    rt: ApiRuntime, api_key_id: str, key: str, fingerprint: str
) -> tuple[str | None, Replay | None]:
    """Reserve the key: (the reservation's token, None), or (None, the stored answer) of the
    request that already used it; 422 when that request was another, 409 while it runs."""
    check_key(key)
    token = new_id()
    try:
        with transaction(rt.sessions) as session:
            session.add(
                IdempotencyRecord(
                    api_key_id=api_key_id, key=key, fingerprint=fingerprint, token=token
                )
            )
        return token, None
    except IntegrityError:
        pass
    lease = timedelta(seconds=rt.settings.idempotency_lease_seconds)
    with transaction(rt.sessions) as session:
        row = session.scalars(
            sa.select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key
            )
        ).one()
        if row.fingerprint != fingerprint:
            raise _key_reused()
        if row.status_code is not None and row.response is not None:
            return None, Replay(row.status_code, row.response)
        now = utcnow()
        taken = session.execute(  # the holder died (or is slower than the lease): take over
            sa.update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == row.id,
                IdempotencyRecord.status_code.is_(None),
                IdempotencyRecord.created_at < now - lease,
            )
            .values(token=token, created_at=now)
        )
        if taken.rowcount:  # type: ignore[attr-defined]
            return token, None
        wait = max(1, int((row.created_at + lease - now).total_seconds()) + 1)
    raise ApiError(
        409,
        "idempotency_in_progress",
        "Permintaan dengan Idempotency-Key ini masih diproses; coba lagi nanti.",
        "A request with this Idempotency-Key is still in progress; retry later.",
        headers={"Retry-After": str(min(wait, 30))},
    )


def _held(api_key_id: str, key: str, token: str) -> Any:
    return sa.and_(
        IdempotencyRecord.api_key_id == api_key_id,
        IdempotencyRecord.key == key,
        IdempotencyRecord.token == token,
    )


def finish(
    rt: ApiRuntime, api_key_id: str, key: str, token: str, status_code: int, body: dict[str, Any]
) -> None:
    """Keep the answer, if the reservation is still ours (a takeover's answer wins)."""
    with transaction(rt.sessions) as session:
        session.execute(
            sa.update(IdempotencyRecord)
            .where(_held(api_key_id, key, token))
            .values(status_code=status_code, response=body)
        )


def abandon(rt: ApiRuntime, api_key_id: str, key: str, token: str) -> None:
    """The request failed before answering: free the key so a retry can run."""
    with transaction(rt.sessions) as session:
        session.execute(
            sa.delete(IdempotencyRecord).where(
                _held(api_key_id, key, token), IdempotencyRecord.status_code.is_(None)
            )
        )
