"""Upload documents to a submission, read a document back, download its bytes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session

from infra.keys import Principal
from infra.storage import ObjectMissing, StorageUnavailable
from infra.tables import Document, Unit
from intake.auth import Caller, ensure_visible
from intake.batches import BatchOut
from intake.bundles import receive_bundle
from intake.deps import DbSession, Runtime
from intake.errors import ApiError, ErrorBody, not_found, storage_unavailable
from intake.receiving import receive_multipart
from intake.runtime import ApiRuntime
from intake.submitting import Received, submit
from intake.targets import Target
from intake.views import DocumentOut, document_out, file_responses

router = APIRouter(tags=["documents"])

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 404, 413, 415, 422, 503)
}


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "criterion": {
                            "type": "string",
                            "description": "criterion id; else from name",
                        },
                        "kind": {"type": "string", "description": "evidence kind; else inferred"},
                    },
                }
            }
        },
    }
}


async def receive_files(request: Request, rt: ApiRuntime, target: Target) -> Received:
    form = await receive_multipart(
        request.headers.get("content-type", ""),
        request.stream(),
        max_file_bytes=rt.settings.max_upload_bytes,
        max_files=rt.settings.max_files_per_request,
    )
    files = [f for f in form.files if f.field in ("files", "file")]
    return Received(files, form.fields, [], form.cleanup)


@router.post(
    "/v1/submissions/{programme}/{period}/{unit}/documents",
    status_code=202,
    response_model=BatchOut,
    responses=ERRORS,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_documents(
    programme: str, period: str, unit: str, request: Request, rt: Runtime, caller: Caller
) -> JSONResponse:
    """Take one or many files (multipart field `files`); each is checked asynchronously.

    Send `Idempotency-Key` to make a retry return the first answer instead of a new batch.
    """
    return await submit(request, rt, caller, programme, period, unit, "documents", receive_files)


@router.post(
    "/v1/submissions/{programme}/{period}/{unit}/bundles",
    status_code=202,
    response_model=BatchOut,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "criterion": {
                                "type": "string",
                                "description": "bind every entry to it",
                            },
                        },
                    }
                },
            },
        }
    },
)
async def upload_bundle(
    programme: str, period: str, unit: str, request: Request, rt: Runtime, caller: Caller
) -> JSONResponse:
    """One ZIP, expanded server-side behind guards; each entry's criterion comes from its
    canonical name or the folder it sits in. Refused entries are listed in the batch."""
    return await submit(request, rt, caller, programme, period, unit, "bundle", receive_bundle)


def visible_document(session: Session, caller: Principal, document_id: str) -> Document:
    """A document, if the caller may see its unit; 404 otherwise."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise not_found("Dokumen", "Document")
    ensure_visible(caller, session.get(Unit, doc.submission.unit_code))
    return doc


@router.get("/v1/documents/{document_id}", response_model=DocumentOut, responses=ERRORS)
def get_document(document_id: str, session: DbSession, caller: Caller) -> DocumentOut:
    """A document's status, detected type and findings."""
    return document_out(visible_document(session, caller, document_id))


@router.get(
    "/v1/documents/{document_id}/content",
    responses={**ERRORS, **file_responses("*/*")},  # its detected type, else octet-stream
    response_class=StreamingResponse,
)
def get_document_content(
    document_id: str, session: DbSession, rt: Runtime, caller: Caller
) -> StreamingResponse:
    """The stored bytes, as uploaded."""
    doc = visible_document(session, caller, document_id)
    try:
        chunks = rt.store.stream(doc.storage_key)
    except ObjectMissing as exc:
        raise ApiError(
            404,
            "content_missing",
            "Isi berkas tidak ditemukan di penyimpanan.",
            "The file's bytes are missing from storage.",
        ) from exc
    except StorageUnavailable as exc:
        raise storage_unavailable() from exc
    media = doc.detected_mime or "application/octet-stream"
    safe = doc.storage_key.rsplit("/", 1)[-1]
    return StreamingResponse(
        chunks,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
