"""Upload documents to a submission, read a document back, download its bytes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, StreamingResponse

from infra.verdicts import verdict_history
from intake.auth import Caller
from intake.content import download, visible_document
from intake.deps import DbSession, Runtime
from intake.errors import API_ERRORS, ErrorBody
from intake.redact import others_hidden
from intake.upload.batches import BatchOut
from intake.upload.bundles import receive_bundle
from intake.upload.receiving import receive_documents
from intake.upload.replacing import ReplacedOut, replace_document
from intake.upload.submitting import submit
from intake.views import DocumentOut, document_out, file_responses, history_out

router = APIRouter(tags=["documents"])


_BINARY = {"type": "string", "format": "binary"}


def _read_body(required: str, zip_too: bool = False, **fields: dict[str, Any]) -> dict[str, Any]:
    """The request body a route reads itself (OpenAPI): a multipart form of these fields, the
    one named `required` required; with `zip_too`, a bare application/zip body as well."""
    form = {"schema": {"type": "object", "required": [required], "properties": fields}}
    content = {"application/zip": {"schema": _BINARY}} if zip_too else {}
    return {"requestBody": {"required": True, "content": {**content, "multipart/form-data": form}}}


_UPLOAD_BODY = _read_body(
    "files",
    files={"type": "array", "items": _BINARY},
    criterion={"type": "string", "description": "criterion id; else from name"},
    kind={"type": "string", "description": "evidence kind; else inferred"},
)
_BUNDLE_BODY = _read_body(
    "file",
    zip_too=True,
    file=_BINARY,
    criterion={"type": "string", "description": "bind every entry to it"},
)
_REPLACE_BODY = _read_body("file", file=_BINARY)


@router.post(
    "/v1/submissions/{programme}/{period}/{unit}/documents",
    status_code=202,
    response_model=BatchOut,
    responses=API_ERRORS,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_documents(
    programme: str, period: str, unit: str, request: Request, rt: Runtime, caller: Caller
) -> JSONResponse:
    """Take one or many files (multipart field `files`); each is checked asynchronously.

    Send `Idempotency-Key` to make a retry return the first answer instead of a new batch.
    """
    return await submit(
        request, rt, caller, programme, period, unit, "documents", receive_documents
    )


@router.post(
    "/v1/submissions/{programme}/{period}/{unit}/bundles",
    status_code=202,
    response_model=BatchOut,
    responses=API_ERRORS,
    openapi_extra=_BUNDLE_BODY,
)
async def upload_bundle(
    programme: str, period: str, unit: str, request: Request, rt: Runtime, caller: Caller
) -> JSONResponse:
    """One ZIP, expanded server-side behind guards; each entry's criterion comes from its
    canonical name or the folder it sits in. Refused entries are listed in the batch."""
    return await submit(request, rt, caller, programme, period, unit, "bundle", receive_bundle)


@router.get("/v1/documents/{document_id}", response_model=DocumentOut, responses=API_ERRORS)
def get_document(document_id: str, session: DbSession, caller: Caller) -> DocumentOut:
    """A document's status, detected type, findings and its verdict under each rule-set
    version (`history`)."""
    doc = visible_document(session, caller, document_id)
    out = document_out(doc)
    out.history = history_out(doc, verdict_history(session, [doc.id])[doc.id])
    others_hidden(caller, [out])
    return out


@router.get(
    "/v1/documents/{document_id}/content",
    responses={**API_ERRORS, **file_responses("*/*")},  # its detected type, else octet-stream
    response_class=StreamingResponse,
)
def get_document_content(
    document_id: str, session: DbSession, rt: Runtime, caller: Caller
) -> StreamingResponse:
    """The stored bytes, as uploaded."""
    return download(rt, visible_document(session, caller, document_id))


@router.post(
    "/v1/documents/{document_id}/replace",
    status_code=202,
    response_model=ReplacedOut,
    responses={**API_ERRORS, 403: {"model": ErrorBody}, 409: {"model": ErrorBody}},
    openapi_extra=_REPLACE_BODY,
)
async def replace(document_id: str, request: Request, rt: Runtime, caller: Caller) -> JSONResponse:
    """Replace a file (multipart field `file`): the new one becomes a document of the same
    criterion and kind and is checked like any upload; the old one is `superseded`
    (`superseded_by`), never counts toward completeness again and never makes a decision an
    override. Unit, portal and admin keys, within their scope; one transaction with an audit
    entry and a `document.superseded` webhook event. A document already replaced → 409."""
    out = await replace_document(request, rt, caller, document_id)
    return JSONResponse(jsonable_encoder(out), status_code=202)
