"""Reading a stored document: who may see it, and its bytes as a download."""

from __future__ import annotations

from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from infra.keys import Principal
from infra.storage import ObjectMissing, StorageUnavailable
from infra.tables import Document, Unit
from intake.auth import ensure_visible
from intake.errors import ApiError, not_found, storage_unavailable
from intake.runtime import ApiRuntime


def visible_document(session: Session, caller: Principal, document_id: str) -> Document:
    """A document, if the caller may see its unit; 404 otherwise."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise not_found("Dokumen", "Document")
    ensure_visible(caller, session.get(Unit, doc.submission.unit_code))
    return doc


# Types served as what they are; anything else (HTML, SVG, XML, scripts…) goes out as
# octet-stream, so no browser renders an upload as a page of this origin.
SERVED_TYPES = {
    "application/pdf": "application/pdf",
    "image/jpeg": "image/jpeg",
    "image/png": "image/png",
    "text/csv": "text/csv; charset=utf-8",
    "application/csv": "text/csv; charset=utf-8",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}


def served_type(detected_mime: str | None) -> str:
    return SERVED_TYPES.get((detected_mime or "").lower(), "application/octet-stream")


def download(rt: ApiRuntime, doc: Document) -> StreamingResponse:
    """The stored bytes as uploaded, as an attachment that the browser never sniffs."""
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
    media = served_type(doc.detected_mime)
    safe = doc.storage_key.rsplit("/", 1)[-1]
    return StreamingResponse(
        chunks,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
