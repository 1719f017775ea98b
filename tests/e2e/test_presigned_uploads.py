"""Presigned direct uploads against the moto S3 server: absah checks size and hash itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.records import reserve_upload
from tests.support.services import make_key, make_unit
from tests.support.stack import start_api, start_worker, wait_final

pytestmark = pytest.mark.e2e
Factory = Callable[[Settings], sessionmaker[Session]]


@pytest.fixture
def stack(
    pg_settings: Settings, tmp_path: Path, sessions_for: Factory
) -> Iterator[tuple[httpx.Client, str]]:
    factory = sessions_for(pg_settings)
    unit = make_unit(factory)
    headers = make_key(factory, "unit", units=[unit])
    api, base = start_api(pg_settings, tmp_path)
    worker = start_worker(pg_settings, tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
            yield client, unit
    finally:
        worker.stop()
        api.stop()


def put(ticket: dict[str, Any], payload: bytes) -> None:
    sent = httpx.put(ticket["url"], content=payload, headers=ticket["headers"], timeout=30)
    assert sent.status_code == 200, sent.text


def test_a_presigned_upload_completes_once_and_is_checked(
    stack: tuple[httpx.Client, str],
) -> None:
    client, unit = stack
    payload = decree_pdf()
    ticket = reserve_upload(client, unit, payload)
    assert ticket["status"] == "pending"
    assert ticket["method"] == "PUT"
    assert ticket["post"]["fields"]["key"].endswith("/sk-tim.pdf")

    early = client.post(ticket["complete_url"])
    assert early.status_code == 409
    assert early.json()["code"] == "upload_missing"

    put(ticket, payload)
    first = client.post(ticket["complete_url"])
    assert first.status_code == 200, first.text
    again = client.post(ticket["complete_url"])
    assert again.status_code == 200
    assert again.json()["document_id"] == first.json()["document_id"]

    doc_id = first.json()["document_id"]
    final = wait_final(client, [doc_id])[doc_id]
    assert final["status"] == "passed", final
    batch = client.get(f"/v1/batches/{first.json()['batch_id']}").json()
    assert batch["total"] == 1
    assert batch["source"] == "upload"


@pytest.mark.parametrize(
    ("declared", "code"),
    [
        (b"%PDF-1.4 shorter", "upload_size_mismatch"),
        (b"x" * len(photo_jpeg(seed=5)), "upload_hash_mismatch"),
    ],
    ids=["size", "hash"],
)
def test_bytes_that_differ_from_the_declaration_are_refused_and_removed(
    stack: tuple[httpx.Client, str], declared: bytes, code: str
) -> None:
    client, unit = stack
    payload = photo_jpeg(seed=5)
    ticket = reserve_upload(
        client, unit, payload, declared=declared, name="foto.jpg", criterion="P2H-02-LAKTASI"
    )
    put(ticket, payload)  # moto, like some S3 servers, accepts whatever is sent
    refused = client.post(ticket["complete_url"])
    assert refused.status_code == 422
    assert refused.json()["code"] == code
    again = client.post(ticket["complete_url"])
    assert again.json()["code"] == "upload_missing"  # the wrong object was deleted


def test_another_units_key_cannot_see_or_complete_an_upload(
    stack: tuple[httpx.Client, str], pg_settings: Settings, sessions_for: Factory
) -> None:
    client, unit = stack
    ticket = reserve_upload(client, unit, decree_pdf())
    factory = sessions_for(pg_settings)
    other = make_key(factory, "unit", units=[make_unit(factory)])
    assert client.get(f"/v1/uploads/{ticket['id']}", headers=other).status_code == 404
    assert client.post(ticket["complete_url"], headers=other).status_code == 404
    refused = client.post(
        "/v1/uploads",
        headers=other,
        json={
            "programme": "P2HAM",
            "period": "2025",
            "unit": unit,
            "name": "a.pdf",
            "criterion": "P2H-00-SKTIM",
            "size": 10,
            "sha256": "0" * 64,
        },
    )
    assert refused.status_code == 404
