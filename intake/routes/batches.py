"""Read a batch: counts by status, its documents, and the entries refused at intake."""

from __future__ import annotations

from fastapi import APIRouter

from infra.tables import Batch, Unit
from intake.auth import Caller, ensure_visible
from intake.deps import DbSession
from intake.errors import API_ERRORS, not_found
from intake.upload.batches import BatchOut, batch_out

router = APIRouter(tags=["batches"])


@router.get("/v1/batches/{batch_id}", response_model=BatchOut, responses=API_ERRORS)
def get_batch(batch_id: str, session: DbSession, caller: Caller) -> BatchOut:
    """Received / checking / passed / failed / needs_review counts and rejected entries."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise not_found("Batch", "Batch")
    ensure_visible(caller, session.get(Unit, batch.submission.unit_code))
    return batch_out(session, batch)
