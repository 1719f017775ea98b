"""Every endpoint, tried with another unit's key and another region's verifier: nothing leaks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.tables import ApiKey, WebhookDelivery, WebhookEndpoint
from infra.units import UnitRow, apply_units
from intake.app import create_app
from tests.support.factories import photo_jpeg
from tests.support.services import make_key, make_unit

Factory = Callable[[Settings], sessionmaker[Session]]
SUB = "/v1/submissions/P2HAM/2025/{unit}"


@dataclass
class World:
    api: TestClient
    unit: str  # the victim's unit, region 16
    ids: dict[str, str]
    outsider: dict[str, str]  # a unit key of another unit, same region
    stranger: dict[str, str]  # a verifier of another region


@pytest.fixture
def world(sqlite_settings: Settings, sessions_for: Factory) -> Iterator[World]:
    factory = sessions_for(sqlite_settings)
    unit, other = make_unit(factory, region="16"), make_unit(factory, region="16")
    with transaction(factory) as session:
        apply_units(session, [UnitRow("1771", "Kota Bengkulu", "kota", "17", "Bengkulu")])
    owner = make_key(factory, "unit", units=[unit])
    with TestClient(create_app(sqlite_settings)) as api:
        sub = SUB.format(unit=unit)
        batch = api.post(
            f"{sub}/documents",
            headers=owner,
            data={"criterion": "P2H-02-LAKTASI"},
            files={"files": ("a.jpg", photo_jpeg(seed=7), "image/jpeg")},
        ).json()
        upload = api.post(
            "/v1/uploads",
            headers=owner,
            json={
                "programme": "P2HAM",
                "period": "2025",
                "unit": unit,
                "name": "b.jpg",
                "criterion": "P2H-02-LAKTASI",
                "size": 3,
                "sha256": hashlib.sha256(b"abc").hexdigest(),
            },
        ).json()
        with transaction(factory) as session:
            prefix = owner["Authorization"].split("_")[1]
            key_id = session.scalars(sa.select(ApiKey.id).where(ApiKey.prefix == prefix)).one()
            endpoint = WebhookEndpoint(
                api_key_id=key_id, url="https://portal.example/h", secret="s", events=[]
            )
            session.add(endpoint)
            session.flush()
            delivery = WebhookDelivery(
                endpoint_id=endpoint.id, event="document.checked", payload={}
            )
            session.add(delivery)
            session.flush()
            hook_ids = {"webhook": endpoint.id, "delivery": delivery.id}
        yield World(
            api,
            unit,
            {
                "document": batch["documents"][0]["id"],
                "batch": batch["id"],
                "upload": upload["id"],
                **hook_ids,
            },
            make_key(factory, "unit", units=[other]),
            make_key(factory, "verifier", region="17"),
        )


# (method, OpenAPI path, expected for another unit's key, for another region's verifier)
CASES = [
    ("POST", "/v1/submissions/{programme}/{period}/{unit}/documents", 404, 403),
    ("POST", "/v1/submissions/{programme}/{period}/{unit}/bundles", 404, 403),
    ("GET", "/v1/documents/{document_id}", 404, 404),
    ("GET", "/v1/documents/{document_id}/content", 404, 404),
    ("POST", "/v1/documents/{document_id}/replace", 404, 403),
    ("GET", "/v1/batches/{batch_id}", 404, 404),
    ("POST", "/v1/uploads", 404, 403),
    ("GET", "/v1/uploads/{upload_id}", 404, 404),
    ("PUT", "/v1/uploads/{upload_id}/content", 404, 404),
    ("POST", "/v1/uploads/{upload_id}/complete", 404, 404),
    ("GET", "/v1/submissions/{programme}/{period}/{unit}", 404, 404),
    ("GET", "/v1/units", "hidden", "hidden"),
    ("POST", "/v1/units", 403, 403),
    ("POST", "/v1/units/{code}/deactivate", 403, 403),
    ("GET", "/v1/webhooks", "hidden", "hidden"),
    ("POST", "/v1/webhooks", 201, 201),  # their own endpoint: allowed, not ours
    ("GET", "/v1/webhooks/deliveries", "hidden", "hidden"),
    ("DELETE", "/v1/webhooks/{webhook_id}", 404, 404),
    ("POST", "/v1/webhooks/deliveries/{delivery_id}/redeliver", 404, 404),
    ("GET", "/v1/review-queue", 404, 404),
    ("POST", "/v1/submissions/{programme}/{period}/{unit}/claim", 403, 404),
    ("DELETE", "/v1/submissions/{programme}/{period}/{unit}/claim", 403, 404),
    ("POST", "/v1/submissions/{programme}/{period}/{unit}/criteria/{criterion}/decision", 403, 404),
    ("GET", "/v1/submissions/{programme}/{period}/{unit}/decisions", 404, 404),
    ("POST", "/v1/submissions/{programme}/{period}/{unit}/decisions/accept-complete", 403, 404),
    ("GET", "/v1/audit", 404, 404),
    ("GET", "/v1/matrix", "hidden", "hidden"),
    ("GET", "/v1/matrix.csv", "hidden", "hidden"),
    ("GET", "/v1/matrix.xlsx", "hidden", "hidden"),
    ("GET", "/v1/submissions/{programme}/{period}/{unit}/findings.csv", 404, 404),
    ("GET", "/v1/submissions/{programme}/{period}/{unit}/findings.xlsx", 404, 404),
    ("GET", "/v1/submissions/{programme}/{period}/{unit}/report.html", 404, 404),
    ("GET", "/v1/catalog", 200, 200),
    ("GET", "/v1/catalog/{programme}", 200, 200),
    ("GET", "/metrics", 403, 403),
]
OPEN = {("GET", "/healthz"), ("GET", "/readyz")}


def call(world: World, method: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    url = path.format(
        programme="P2HAM",
        period="2025",
        unit=world.unit,
        code=world.unit,
        criterion="P2H-02-LAKTASI",
        document_id=world.ids["document"],
        batch_id=world.ids["batch"],
        upload_id=world.ids["upload"],
        webhook_id=world.ids["webhook"],
        delivery_id=world.ids["delivery"],
    )
    params = (
        {
            "programme": "P2HAM",
            "period": "2025",
            "unit": world.unit,
            "submission": f"P2HAM/2025/{world.unit}",
        }
        if method == "GET"
        else None
    )
    body = {
        "/v1/uploads": {
            "programme": "P2HAM",
            "period": "2025",
            "unit": world.unit,
            "name": "x.jpg",
            "criterion": "P2H-02-LAKTASI",
            "size": 3,
            "sha256": "0" * 64,
        },
        "/v1/units": {"code": world.unit, "name": "Dibajak", "kind": "lapas", "region": "16"},
        "/v1/webhooks": {"url": "https://93.184.216.34/mine"},  # a public literal: no DNS
    }.get(path)
    if path.endswith("/decision"):
        body = {"decision": "accepted"}
    if path.endswith("/accept-complete"):
        body = {"criteria": ["P2H-02-LAKTASI"]}
    files = {"files": ("x.jpg", b"x", "image/jpeg")} if path.endswith("/documents") else None
    content = b"PK\x05\x06" + b"\0" * 18 if path.endswith(("/bundles", "/content")) else None
    answer = world.api.request(
        method,
        url,
        headers=headers,
        params=params,
        json=body,
        files=files,
        content=content if files is None else None,
    )
    return answer.status_code, answer.text


def test_every_endpoint_of_the_api_is_in_the_tenancy_table(world: World) -> None:
    spec = world.api.app.openapi()  # type: ignore[attr-defined]
    operations = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert operations - OPEN == {(m, p) for m, p, _, _ in CASES}


@pytest.mark.parametrize(
    ("method", "path", "as_unit", "as_verifier"), CASES, ids=[f"{m} {p}" for m, p, _, _ in CASES]
)
def test_nobody_outside_the_unit_reads_or_writes_its_data(
    world: World, method: str, path: str, as_unit: int | str, as_verifier: int | str
) -> None:
    for headers, expected in ((world.outsider, as_unit), (world.stranger, as_verifier)):
        status, text = call(world, method, path, headers)
        if expected == "hidden":
            assert status == 200, text
            assert world.unit not in text
        else:
            assert status == expected, (headers, text)
        assert world.ids["document"] not in text
