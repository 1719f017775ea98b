"""A presigned upload's checked bytes cannot be replaced: no URL, no PUT once it is completed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.keys import authenticate
from infra.settings import Settings
from intake.app import create_app
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.upload.presigned import complete_upload, put_content
from tests.support.factories import decree_pdf
from tests.support.records import reserve_upload
from tests.support.services import make_key, make_unit

Factory = Callable[[Settings], sessionmaker[Session]]
PAYLOAD = decree_pdf()
OTHER = decree_pdf(pages=1)  # a valid decree too: only the bytes differ


@pytest.fixture(params=["s3", "local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    value: Settings = request.getfixturevalue(
        "pg_settings" if request.param == "s3" else "sqlite_settings"
    )
    return value


@pytest.fixture
def api(settings: Settings, sessions_for: Factory) -> Iterator[tuple[TestClient, str, str]]:
    factory = sessions_for(settings)
    unit = make_unit(factory)
    headers = make_key(factory)
    with TestClient(create_app(settings), headers=headers) as client:
        yield client, unit, headers["Authorization"].removeprefix("Bearer ")


def put(client: TestClient, ticket: dict[str, Any], payload: bytes) -> tuple[int, Any]:
    """(status, JSON body or None) of a PUT to the ticket's URL: absah's own, or S3's."""
    if ticket["url"].startswith("http://testserver"):  # the local store: absah takes the bytes
        answer = client.put(ticket["url"], content=payload)
        return answer.status_code, answer.json() if answer.content else None
    sent = httpx.put(ticket["url"], content=payload, headers=ticket["headers"], timeout=30)
    return sent.status_code, None


def test_a_completed_upload_offers_no_url_and_its_document_keeps_the_checked_bytes(
    api: tuple[TestClient, str, str],
) -> None:
    client, unit, _ = api
    ticket = reserve_upload(client, unit, PAYLOAD)
    assert put(client, ticket, PAYLOAD)[0] in (200, 204)
    done = client.post(ticket["complete_url"])
    assert done.status_code == 200, done.text

    shown = client.get(f"/v1/uploads/{ticket['id']}").json()
    assert shown["status"] == "completed"
    assert (shown["url"], shown["post"], shown["headers"]) == (None, None, {})
    # the first URL still answers on S3 (it is the staging key's, until it expires) …
    status, body = put(client, ticket, OTHER)
    if ticket["post"] is None:
        assert status == 409
        assert body["code"] == "upload_not_pending"
    # … and whatever it takes never reaches the document
    content = client.get(f"/v1/documents/{done.json()['document_id']}/content")
    assert content.content == PAYLOAD


def test_the_staging_key_is_not_the_documents_key(api: tuple[TestClient, str, str]) -> None:
    client, unit, _ = api
    ticket = reserve_upload(client, unit, PAYLOAD)
    assert put(client, ticket, PAYLOAD)[0] in (200, 204)
    document_id = client.post(ticket["complete_url"]).json()["document_id"]
    if ticket["post"] is not None:
        assert ticket["post"]["fields"]["key"].endswith(f"_uploads/{ticket['id']}/sk-tim.pdf")
    assert document_id not in (ticket["post"] or {}).get("fields", {}).get("key", "")


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        pytest.param(PAYLOAD[:-1], "upload_size_mismatch", id="shorter than declared"),
        pytest.param(bytes(len(PAYLOAD)), "upload_hash_mismatch", id="same size, other bytes"),
    ],
)
def test_the_local_put_refuses_bytes_that_differ_from_the_declaration_and_stores_none(
    sqlite_settings: Settings, sessions_for: Factory, sent: bytes, code: str
) -> None:
    factory = sessions_for(sqlite_settings)
    unit = make_unit(factory)
    with TestClient(create_app(sqlite_settings), headers=make_key(factory)) as client:
        ticket = reserve_upload(client, unit, PAYLOAD)
        refused = client.put(ticket["url"], content=sent)
        assert refused.status_code == 422
        assert refused.json()["code"] == code
        assert client.post(ticket["complete_url"]).json()["code"] == "upload_missing"


def test_a_local_put_still_streaming_when_complete_runs_is_refused_and_changes_nothing(
    sqlite_settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(sqlite_settings)
    unit = make_unit(factory)
    headers = make_key(factory)
    with TestClient(create_app(sqlite_settings), headers=headers) as client:
        ticket = reserve_upload(client, unit, PAYLOAD)
        assert client.put(ticket["url"], content=PAYLOAD).status_code == 204
    rt = ApiRuntime.build(sqlite_settings)
    with factory() as session:
        caller = authenticate(session, headers["Authorization"].removeprefix("Bearer "))
    assert caller is not None
    completed: list[str] = []

    async def slow_body() -> AsyncIterator[bytes]:
        yield OTHER[:100]
        row = await complete_upload(rt, caller, ticket["id"])  # completes while we stream
        completed.append(row.document_id)
        yield OTHER[100:]

    with pytest.raises(ApiError) as refused:
        asyncio.run(put_content(rt, caller, ticket["id"], slow_body()))
    assert refused.value.body.code == "upload_not_pending"
    with TestClient(create_app(sqlite_settings), headers=headers) as client:
        content = client.get(f"/v1/documents/{completed[0]}/content")
    assert content.content == PAYLOAD
    rt.close()
