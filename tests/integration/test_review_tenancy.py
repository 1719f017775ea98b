"""Tenancy of the verifiers' workspace: another region's verifier finds nothing (404) and unit
or portal keys read but never decide or claim (403)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.keys import Role
from tests.support.workspace import Workspace

LAKTASI = "P2H-02-LAKTASI"
DECISION = {"decision": "accepted"}

# (method, path with {unit} and {region}, JSON body)
EVERY_ENDPOINT: list[tuple[str, str, Any]] = [
    ("GET", "/v1/review-queue?region={region}", None),
    ("GET", "/v1/review-queue?unit={unit}", None),
    ("POST", "/v1/submissions/P2HAM/2025/{unit}/claim", None),
    ("DELETE", "/v1/submissions/P2HAM/2025/{unit}/claim", None),
    ("POST", "/v1/submissions/P2HAM/2025/{unit}/criteria/P2H-02-LAKTASI/decision", DECISION),
    ("GET", "/v1/submissions/P2HAM/2025/{unit}/decisions", None),
    (
        "POST",
        "/v1/submissions/P2HAM/2025/{unit}/decisions/accept-complete",
        {"criteria": [LAKTASI]},
    ),
    ("GET", "/v1/audit?submission=P2HAM/2025/{unit}", None),
    ("GET", "/v1/matrix?programme=P2HAM&period=2025&region={region}", None),
    ("GET", "/v1/matrix.csv?programme=P2HAM&period=2025&region={region}", None),
    ("GET", "/v1/matrix.xlsx?programme=P2HAM&period=2025&region={region}", None),
    ("GET", "/v1/submissions/P2HAM/2025/{unit}/findings.csv", None),
    ("GET", "/v1/submissions/P2HAM/2025/{unit}/findings.xlsx", None),
    ("GET", "/v1/submissions/P2HAM/2025/{unit}/report.html", None),
    ("GET", "/v1/submissions/P2HAM/2025/{unit}", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), EVERY_ENDPOINT, ids=[f"{m} {p}" for m, p, _ in EVERY_ENDPOINT]
)
def test_a_verifier_of_another_region_finds_nothing(
    ws: Workspace, method: str, path: str, body: Any
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    other, _ = ws.elsewhere()
    url = path.format(unit=unit, region=ws.region)
    answer = ws.client.request(method, url, json=body, headers=other)
    assert answer.status_code == 404, answer.text
    assert answer.json()["code"] == "not_found"
    own = ws.client.request(method, url, json=body, headers=ws.verifier)
    assert own.status_code in {200, 201, 204}, own.text


@pytest.mark.parametrize("role", [Role.UNIT, Role.PORTAL])
@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("POST", "/claim", None),
        ("DELETE", "/claim", None),
        ("POST", f"/criteria/{LAKTASI}/decision", DECISION),
    ],
)
def test_unit_and_portal_keys_may_not_claim_or_decide(
    ws: Workspace, role: Role, method: str, tail: str, body: Any
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    headers = ws.key(role, units=[unit])
    answer = ws.client.request(method, ws.path(unit, tail), json=body, headers=headers)
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


def test_unit_keys_read_their_own_queue_decisions_and_reports(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    assert ws.decide(unit, LAKTASI, decision="accepted").status_code == 201
    headers = ws.key(Role.UNIT, units=[unit])
    for url in (
        f"/v1/review-queue?unit={unit}",
        ws.path(unit, "/decisions"),
        f"/v1/audit?submission=P2HAM/2025/{unit}",
        "/v1/matrix?programme=P2HAM&period=2025",
        ws.path(unit, "/findings.csv"),
        ws.path(unit, "/report.html"),
    ):
        assert ws.client.get(url, headers=headers).status_code == 200, url
    matrix = ws.client.get("/v1/matrix?programme=P2HAM&period=2025", headers=headers).json()
    assert [u["code"] for u in matrix["units"]] == [unit]
