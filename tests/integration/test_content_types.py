"""A document's bytes are served as what they are only for a safe list of types."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.tables import Document
from intake.app import create_app
from tests.support.records import add_document
from tests.support.services import make_key, make_unit

Factory = Callable[[Settings], sessionmaker[Session]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("payload", "name", "detected", "served"),
    [
        pytest.param(b"<html><script>alert(1)</script>", "a.pdf", "text/html", None, id="html"),
        pytest.param(b"<svg onload='alert(1)'/>", "a.svg", "image/svg+xml", None, id="svg"),
        pytest.param(b"<?xml?><x/>", "a.xml", "text/xml", None, id="xml"),
        pytest.param(b"alert(1)", "a.js", "text/javascript", None, id="javascript"),
        pytest.param(b"%PDF-1.4", "a.pdf", "application/pdf", "application/pdf", id="pdf"),
        pytest.param(b"\xff\xd8\xff", "a.jpg", "image/jpeg", "image/jpeg", id="jpeg"),
        pytest.param(b"\x89PNG", "a.png", "image/png", "image/png", id="png"),
        pytest.param(b"a,b\n1,2\n", "a.csv", "text/csv", "text/csv; charset=utf-8", id="csv"),
        pytest.param(b"PK\x03\x04", "a.xlsx", XLSX, XLSX, id="xlsx"),
        pytest.param(b"?", "a.bin", None, None, id="not checked yet"),
    ],
)
def test_only_safe_types_are_served_as_themselves_and_always_as_attachments(
    sqlite_settings: Settings,
    sessions_for: Factory,
    payload: bytes,
    name: str,
    detected: str | None,
    served: str | None,
) -> None:
    factory = sessions_for(sqlite_settings)
    doc_id = add_document(sqlite_settings, factory, make_unit(factory), payload, name)
    with transaction(factory) as session:
        session.execute(
            sa.update(Document).where(Document.id == doc_id).values(detected_mime=detected)
        )
    with TestClient(create_app(sqlite_settings), headers=make_key(factory)) as api:
        answer = api.get(f"/v1/documents/{doc_id}/content")
    assert answer.status_code == 200
    assert answer.content == payload
    assert answer.headers["content-type"] == (served or "application/octet-stream")
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
