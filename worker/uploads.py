"""What uploads leave behind: presigned uploads never completed (after expiry and a grace, their
objects go) and Idempotency-Key records past their retention."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from infra.db import transaction
from infra.statuses import UploadStatus
from infra.storage import StorageUnavailable
from infra.tables import IdempotencyRecord, Upload, utcnow
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)


def expire_uploads(rt: WorkerRuntime, limit: int = 200) -> int:
    """Mark pending uploads past `expires_at` + grace `expired` and delete whatever was put.

    The object goes first, then the row (compare-and-set from pending, so a `complete` that
    won the race keeps its upload). Storage down: nothing changes, the next sweep tries again.
    """
    cutoff = utcnow() - timedelta(seconds=rt.settings.upload_expiry_grace_seconds)
    with rt.sessions() as session:
        rows = session.execute(
            sa.select(Upload.id, Upload.storage_key)
            .where(Upload.status == UploadStatus.PENDING, Upload.expires_at < cutoff)
            .limit(limit)
        ).all()
    expired = 0
    for upload_id, key in rows:
        try:
            rt.store.delete(key)
        except StorageUnavailable as exc:
            log.info("storage unavailable; expired uploads wait: %s", exc)
            break
        with transaction(rt.sessions) as session:
            result = session.execute(
                sa.update(Upload)
                .where(Upload.id == upload_id, Upload.status == UploadStatus.PENDING)
                .values(status=UploadStatus.EXPIRED)
            )
            expired += int(result.rowcount)  # type: ignore[attr-defined]
    if expired:
        log.info("expired %d presigned upload(s) never completed", expired)
    return expired


def expire_idempotency_records(rt: WorkerRuntime) -> int:
    """Delete Idempotency-Key records (answered, or reservations whose request died) older
    than the retention: a retry after that is a new request."""
    cutoff = utcnow() - timedelta(seconds=rt.settings.idempotency_retention_seconds)
    with transaction(rt.sessions) as session:
        result = session.execute(
            sa.delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)
        )
        removed = int(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        log.info("removed %d Idempotency-Key record(s) past their retention", removed)
    return removed
