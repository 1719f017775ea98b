"""From the submission page: accept every clean LENGKAP criterion at once (after a confirmation
that lists them), and, for admins, replace a file ("Ganti berkas")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from infra.db import transaction
from infra.keys import Role
from infra.webhooks import send_deliveries
from intake.deps import DbSession, Runtime
from intake.errors import ApiError
from intake.scope import ensure_reviewer, review_target
from intake.upload.receiving import receive_documents
from intake.upload.replacing import find_replaceable, replace_stored
from intake.web.queue import SUBMISSION, Address, submission_page
from intake.web.render import page, redirect
from intake.web.session import PageRefused, Viewer, check_csrf, flash
from intake.web.submission import submission_context
from intake.workspace.bulk import BulkAcceptIn, accept_complete

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]


def _base(address: tuple[str, str, str]) -> str:
    """The submission page to go back to, as the address was typed (programme, period upper)."""
    programme, period, unit = address
    return submission_page(programme.upper(), period.upper(), unit)


@router.get(SUBMISSION + "/terima-lengkap")
def confirm_bulk(
    request: Request, address: Address, viewer: Viewer, session: DbSession, rt: Runtime
) -> Response:
    """The list of criteria a bulk acceptance would take, and the one button that does it."""
    ensure_reviewer(viewer, "memutuskan kriteria", "decide on criteria")
    context = submission_context(session, rt, viewer, *address)
    return page(request, "terima.html", viewer, **context)


@router.post(SUBMISSION + "/terima-lengkap")
def bulk_form(
    request: Request,
    address: Address,
    viewer: Viewer,
    rt: Runtime,
    csrf: FormText = "",
    kriteria: Annotated[list[str] | None, Form()] = None,
    catatan: FormText = "",
) -> Response:
    check_csrf(request, csrf)
    base = _base(address)
    if not kriteria:
        flash(request, "Tidak ada kriteria yang dipilih.", "error")
        return redirect(base)
    body = BulkAcceptIn(criteria=kriteria[:500], note=catatan.strip()[:4000] or None)
    try:
        with transaction(rt.sessions) as session:
            target = review_target(session, rt, viewer, *address)
            recorded = accept_complete(session, target, viewer, body)
    except ApiError as exc:
        if exc.status == 404:
            raise
        flash(request, exc.body.message, "error")
        return redirect(base)
    send_deliveries(rt.sender, [d for r in recorded for d in r.deliveries])
    flash(request, f"{len(recorded)} kriteria diterima (Memenuhi), masing-masing dicatat.")
    return redirect(base)


@router.post(SUBMISSION + "/ganti/{document_id}")
async def replace_form(
    request: Request,
    address: Address,
    document_id: str,
    viewer: Viewer,
    rt: Runtime,
) -> Response:
    """Ganti berkas (admins; unit operators and the portal use POST /v1/documents/{id}/replace
    until the upload page exists): one multipart form with the CSRF token and the file."""
    if viewer.role is not Role.ADMIN:
        raise PageRefused(403, "Hanya admin yang dapat mengganti berkas dari halaman ini.")
    base = _base(address)
    try:
        old, target = await run_in_threadpool(find_replaceable, rt, viewer, document_id)
    except OperationalError as exc:
        raise PageRefused(503, "Basis data sedang tidak dapat dijangkau.") from exc
    received = await receive_documents(request, rt, target)
    try:
        check_csrf(request, received.fields.get("csrf"))
        files = [f for f in received.files if f.size > 0]
        if len(files) != 1:
            raise ApiError(422, "one_file_required", "Pilih satu berkas pengganti.", "One file.")
        await run_in_threadpool(replace_stored, rt, viewer, target, old, files[0])
    except ApiError as exc:
        if exc.status == 404:
            raise
        flash(request, exc.body.message, "error", where=old.criterion_id)
        return redirect(f"{base}#k-{old.criterion_id}")
    finally:
        received.cleanup()
    text = f"Berkas diganti dengan {files[0].name}; berkas baru sedang diperiksa sistem."
    flash(request, text, where=old.criterion_id)
    return redirect(f"{base}#k-{old.criterion_id}")
