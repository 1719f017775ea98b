"""Pratinjau and berkas: a document's preview image and its stored bytes, for the signed-in
verifier, behind the same visibility check as GET /v1/documents/{id} (404 for others)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request, Response

from infra.db import transaction
from infra.storage import ObjectMissing, StorageUnavailable
from intake.content import download, visible_document
from intake.deps import DbSession, Runtime
from intake.errors import storage_unavailable
from intake.web.session import Viewer
from intake.workspace.preview import (
    MAX_SIDE,
    PreviewUnavailable,
    previewable,
    render_preview,
    unavailable_image,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)


@router.get("/ui/pratinjau/{document_id}")
def preview(request: Request, document_id: str, viewer: Viewer, rt: Runtime) -> Response:
    """An image: the photo downscaled; a PDF: its first page. Documents never change their
    bytes (a new file is a new document), so the browser may keep a preview for a day."""
    with transaction(rt.sessions) as session:  # closed before rendering: no lock held then
        doc = visible_document(session, viewer, document_id)
        key, mime, sha = doc.storage_key, doc.detected_mime, doc.sha256
    tag = f'"{sha[:32]}-{MAX_SIDE}"'
    cached = {"Cache-Control": "private, max-age=86400", "ETag": tag}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=cached)
    if not previewable(mime):
        return _no_preview()
    with tempfile.TemporaryDirectory(prefix="absah-preview-") as tmp:
        source = Path(tmp) / "source"
        try:
            rt.store.download(key, source)
            shown = render_preview(source, mime, rt.settings.max_image_pixels)
        except StorageUnavailable as exc:
            raise storage_unavailable() from exc
        except (ObjectMissing, PreviewUnavailable) as exc:
            log.info("no preview for document %s: %s", document_id, exc)
            return _no_preview()
    headers = {**cached, "X-Content-Type-Options": "nosniff"}
    return Response(shown.body, media_type=shown.media_type, headers=headers)


def _no_preview() -> Response:
    """A card saying so (an <img> must get an image, never a broken icon); not cached, so a
    file checked later gets its preview."""
    card = unavailable_image()
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(card.body, media_type=card.media_type, headers=headers)


@router.get("/ui/berkas/{document_id}")
def original(document_id: str, viewer: Viewer, session: DbSession, rt: Runtime) -> Response:
    """The stored bytes as uploaded, as an attachment (the API's download, for the session)."""
    response = download(rt, visible_document(session, viewer, document_id))
    response.headers["Cache-Control"] = "no-store"
    return response
