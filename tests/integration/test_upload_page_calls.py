"""The upload page's JSON calls with a page session: uploads in parts on both stores (the local
store's parts go to absah's own PUT), a part of the wrong size refused, a finish repeated after
its answer was lost, the binding preview by the server's rules, and Ganti berkas forwarded to
the API's replace route once it exists."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.keys import Role
from infra.multipart import PART_BYTES
from infra.settings import Settings
from intake.app import create_app
from tests.support.accounts import Person, make_person, sign_in_person
from tests.support.factories import photo_jpeg
from tests.support.services import make_key, make_unit

Factory = Callable[[Settings], sessionmaker[Session]]
API = "/ui/unggah/api"
CSRF = re.compile(r'data-csrf="([^"]+)"')


@pytest.fixture(params=["s3", "local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    value: Settings = request.getfixturevalue(
        "pg_settings" if request.param == "s3" else "sqlite_settings"
    )
    return value


def signed_in(client: TestClient, operator: Person, unit: str) -> str:
    """Sign in as the unit's operator (an account); the page's CSRF token."""
    sign_in_person(client, operator, "/ui/unggah")
    page = client.get(f"/ui/unggah?pilihan=P2HAM/2025&unit={unit}")
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)  # type: ignore[union-attr]


@pytest.fixture
def page_client(settings: Settings, sessions_for: Factory) -> Iterator[tuple[TestClient, str]]:
    factory = sessions_for(settings)
    unit = make_unit(factory)
    operator = make_person(factory, settings, Role.UNIT, unit=unit)
    with TestClient(create_app(settings)) as client:
        client.headers["X-CSRF-Token"] = signed_in(client, operator, unit)
        yield client, unit


def reserve(client: TestClient, unit: str, payload: bytes) -> dict[str, Any]:
    answer = client.post(
        f"{API}/unggahan",
        json={
            "programme": "P2HAM",
            "period": "2025",
            "unit": unit,
            "name": "laktasi.jpg",
            "criterion": "P2H-02-LAKTASI",
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        },
    )
    assert answer.status_code == 201, answer.text
    ticket: dict[str, Any] = answer.json()
    return ticket


def put(client: TestClient, url: str, data: bytes) -> int:
    if url.startswith("/"):
        return client.put(url, content=data).status_code
    return httpx.put(url, content=data, timeout=30).status_code


def test_a_big_file_goes_up_in_parts_and_a_lost_finish_can_be_repeated(
    page_client: tuple[TestClient, str],
) -> None:
    client, unit = page_client
    payload = os.urandom(2 * PART_BYTES + 1234)
    ticket = reserve(client, unit, payload)
    assert ticket["multipart"] is True
    started = client.post(f"{API}/unggahan/{ticket['id']}/bagian")
    assert started.status_code == 201, started.text
    mid, parts = started.json()["multipart_id"], started.json()["parts"]
    assert parts == 3
    base = f"{API}/unggahan/{ticket['id']}/bagian/{mid}"
    urls = {
        u["number"]: u for u in client.post(f"{base}/tanda", json={"numbers": [1, 2, 3]}).json()
    }
    assert put(client, urls[1]["url"], payload[:PART_BYTES]) in (200, 204)
    assert [p["number"] for p in client.get(base).json()] == [1]  # what a resumed upload skips

    early = client.post(f"{base}/selesai")
    assert early.status_code == 409
    assert early.json()["code"] == "parts_missing"
    if urls[2]["url"].startswith("/"):  # absah's own part PUT refuses a part of the wrong size
        short = client.put(urls[2]["url"], content=payload[PART_BYTES : PART_BYTES + 10])
        assert short.status_code == 422
        assert short.json()["code"] == "part_size_mismatch"
    assert put(client, urls[2]["url"], payload[PART_BYTES : 2 * PART_BYTES]) in (200, 204)
    assert put(client, urls[3]["url"], payload[2 * PART_BYTES :]) in (200, 204)
    done = client.post(f"{base}/selesai")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["document_id"]
    again = client.post(f"{base}/selesai")  # its answer lost: asking again is harmless
    assert again.status_code == 200
    assert again.json()["document_id"] == done.json()["document_id"]
    document = client.get(f"{API}/pengajuan/P2HAM/2025/{unit}").json()
    sizes = [d["size"] for c in document["criteria"] for d in c["documents"]]
    assert sizes == [len(payload)]


def test_every_call_that_changes_something_needs_the_pages_csrf_token(
    page_client: tuple[TestClient, str],
) -> None:
    client, unit = page_client
    token = client.headers.pop("X-CSRF-Token")
    answer = client.post(f"{API}/ikat/P2HAM/2025/{unit}", json={"files": []})
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"
    assert client.get(f"{API}/pengajuan/P2HAM/2025/{unit}").status_code == 200
    client.headers["X-CSRF-Token"] = token
    signed_out = TestClient(client.app)
    assert signed_out.get(f"{API}/pengajuan/P2HAM/2025/{unit}").status_code == 401


def test_the_binding_preview_uses_the_servers_naming_and_folder_rules(
    page_client: tuple[TestClient, str],
) -> None:
    client, unit = page_client
    names = [
        {"name": f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf"},
        {"name": "foto1.jpg", "folder": "bukti/P2H-01-PARKIR"},
        {"name": "foto.jpg"},
        {"name": "x.jpg", "folder": "bukti/P2H-09-TIDAKADA"},
    ]
    answer = client.post(f"{API}/ikat/P2HAM/2025/{unit}", json={"files": names})
    assert answer.status_code == 200, answer.text
    assert [(b["criterion"], b["source"], b["problem"]) for b in answer.json()] == [
        ("P2H-00-SKTIM", "name", None),
        ("P2H-01-PARKIR", "folder", None),
        (None, None, "criterion_missing"),
        (None, None, "unknown_criterion"),
    ]


def test_ganti_berkas_replaces_the_operators_file_through_the_same_function_as_the_api(
    page_client: tuple[TestClient, str], settings: Settings, sessions_for: Factory
) -> None:
    client, unit = page_client
    key = make_key(sessions_for(settings), "unit", units=[unit])
    first = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents",
        data={"criterion": "P2H-02-LAKTASI"},
        files={"files": ("laktasi.jpg", photo_jpeg(seed=31), "image/jpeg")},
        headers=key,
    )
    assert first.status_code == 202, first.text
    old = first.json()["documents"][0]["id"]
    files = {"file": ("laktasi-baru.jpg", photo_jpeg(seed=32), "image/jpeg")}
    answer = client.post(f"{API}/dokumen/{old}/ganti", files=files)
    assert answer.status_code == 202, answer.text
    assert answer.json()["replaced"]["id"] == old
    assert answer.json()["replaced"]["status"] == "superseded"
    new = answer.json()["document"]["id"]
    assert client.get(f"/v1/documents/{old}", headers=key).json()["superseded_by"] == new
    again = client.post(f"{API}/dokumen/{old}/ganti", files=files)
    assert (again.status_code, again.json()["code"]) == (409, "document_superseded")
