"""One upload request from address to answer: receive, idempotency, accept, batch answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from infra.db import transaction
from infra.keys import Principal
from infra.tables import Batch
from intake.address import Target, find_target
from intake.runtime import ApiRuntime
from intake.upload import idempotency
from intake.upload.batches import BatchOut, batch_out
from intake.upload.receiving import Received
from intake.upload.steps import accept_files

log = logging.getLogger(__name__)


Receiver = Callable[[Request, ApiRuntime, Target], Awaitable[Received]]


def _answer(rt: ApiRuntime, batch_id: str) -> BatchOut:
    with transaction(rt.sessions) as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None
        return batch_out(session, batch)


async def submit(
    request: Request,
    rt: ApiRuntime,
    caller: Principal,
    programme: str,
    period: str,
    unit: str,
    source: str,
    receive: Receiver,
) -> JSONResponse:
    """Validate the address, take the body in (local disk), honour Idempotency-Key (now that
    the body's fingerprint is known), accept the files (bytes, rows,
    messages), answer with the batch."""
    target = await find_target(rt, caller, programme.upper(), period.upper(), unit)
    key = request.headers.get("idempotency-key")
    if key is not None:
        idempotency.check_key(key)
    received = await receive(request, rt, target)
    token: str | None = None
    try:
        if key is not None:
            fingerprint = idempotency.fingerprint(request.method, request.url.path, received)
            token, replay = await run_in_threadpool(
                idempotency.begin, rt, caller.owner_id, key, fingerprint
            )
            if replay is not None:
                return JSONResponse(
                    replay.body,
                    status_code=replay.status_code,
                    headers={"Idempotent-Replayed": "true"},
                )
        body = await _accept(rt, target, received, source)
    except BaseException:
        if key is not None and token is not None:
            try:
                await run_in_threadpool(idempotency.abandon, rt, caller.owner_id, key, token)
            except OperationalError:  # the database is down: the first error is the answer
                log.warning("could not free Idempotency-Key %r", key)
        raise
    finally:
        received.cleanup()
    if key is not None and token is not None:
        await run_in_threadpool(idempotency.finish, rt, caller.owner_id, key, token, 202, body)
    return JSONResponse(body, status_code=202)


async def _accept(
    rt: ApiRuntime, target: Target, received: Received, source: str
) -> dict[str, Any]:
    archive = received.archive
    batch_id, _, _ = await accept_files(
        rt,
        target,
        received.files,
        received.fields.get("criterion") or None,
        received.fields.get("kind") or None,
        source,
        received.rejected,
        # a bundle's bytes are stored once, as its entries; the ZIP itself is described
        archive={"name": archive.name, "size": archive.size, "sha256": archive.sha256}
        if archive is not None
        else None,
    )
    return (await run_in_threadpool(_answer, rt, batch_id)).model_dump(mode="json")
