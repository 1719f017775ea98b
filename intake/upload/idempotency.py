"""Idempotency-Key: a retried request gets the first answer back instead of a second batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from infra.db import transaction
from infra.tables import IdempotencyRecord
from intake.errors import ApiError
from intake.runtime import ApiRuntime

MAX_KEY = 200


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def begin(rt: ApiRuntime, api_key_id: str, key: str, fingerprint: str) -> Replay | None:
    """Reserve the key, or return the stored answer of the request that already used it."""
    if not key or len(key) > MAX_KEY:
        raise ApiError(
            422,
            "invalid_idempotency_key",
            f"Idempotency-Key harus 1–{MAX_KEY} karakter.",
            f"Idempotency-Key must be 1–{MAX_KEY} characters.",
        )
    try:
        with transaction(rt.sessions) as session:
            session.add(IdempotencyRecord(api_key_id=api_key_id, key=key, fingerprint=fingerprint))
        return None
    except IntegrityError:
        pass
    with rt.sessions() as session:
        row = session.scalars(
            sa.select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key
            )
        ).one()
    if row.fingerprint != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "Idempotency-Key ini sudah dipakai untuk permintaan lain.",
            "This Idempotency-Key was already used for another request.",
        )
    if row.status_code is None or row.response is None:
        raise ApiError(
            409,
            "idempotency_in_progress",
            "Permintaan dengan Idempotency-Key ini masih diproses; coba lagi nanti.",
            "A request with this Idempotency-Key is still in progress; retry later.",
            headers={"Retry-After": "5"},
        )
    return Replay(row.status_code, row.response)


def finish(
    rt: ApiRuntime, api_key_id: str, key: str, status_code: int, body: dict[str, Any]
) -> None:
    with transaction(rt.sessions) as session:
        session.execute(
            sa.update(IdempotencyRecord)
            .where(
                IdempotencyRecord.api_key_id == api_key_id,
                IdempotencyRecord.key == key,
            )
            .values(status_code=status_code, response=body)
        )


def abandon(rt: ApiRuntime, api_key_id: str, key: str) -> None:
    """The request failed before answering: free the key so a retry can run."""
    with transaction(rt.sessions) as session:
        session.execute(
            sa.delete(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.status_code.is_(None),
            )
        )
