"""Presigned direct uploads: create, (local store) put the bytes, complete, read."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from intake.auth import Caller
from intake.deps import Runtime
from intake.errors import API_ERRORS
from intake.upload.presigned import (
    UploadIn,
    UploadOut,
    complete_upload,
    create_upload,
    put_content,
    upload_out,
    visible_upload,
)

router = APIRouter(tags=["uploads"])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post("/v1/uploads", response_model=UploadOut, status_code=201, responses=API_ERRORS)
async def post_upload(body: UploadIn, request: Request, rt: Runtime, caller: Caller) -> UploadOut:
    """Reserve a direct upload: a presigned PUT URL (and POST form on S3), with its expiry.

    Upload the bytes there, then call `complete`: absah checks the object's size and SHA-256
    against what was declared here before it queues the file.
    """
    row = await create_upload(rt, caller, body)
    return upload_out(rt, row, rt.settings.public_base_url or _base(request))


@router.get("/v1/uploads/{upload_id}", response_model=UploadOut, responses=API_ERRORS)
def get_upload(upload_id: str, request: Request, rt: Runtime, caller: Caller) -> UploadOut:
    """An upload's state (pending, completed, expired) and, once completed, its document."""
    row = visible_upload(rt, caller, upload_id)
    return upload_out(rt, row, rt.settings.public_base_url or _base(request))


@router.put(
    "/v1/uploads/{upload_id}/content",
    status_code=204,
    responses=API_ERRORS,
    response_class=Response,
)
async def put_upload_content(
    upload_id: str, request: Request, rt: Runtime, caller: Caller
) -> Response:
    """Where the URL points when storage is the local folder (no presigning there)."""
    await put_content(rt, caller, upload_id, request.stream())
    return Response(status_code=204)


@router.post("/v1/uploads/{upload_id}/complete", response_model=UploadOut, responses=API_ERRORS)
async def post_complete(upload_id: str, request: Request, rt: Runtime, caller: Caller) -> UploadOut:
    """Check size and SHA-256 of the uploaded object, then queue it; repeating is harmless."""
    row = await complete_upload(rt, caller, upload_id)
    return upload_out(rt, row, rt.settings.public_base_url or _base(request))
