"""Bulk acceptance: the criteria that are LENGKAP with no file needing a look are offered, the
confirmed ones are accepted in one action, each with its own decision and audit entry."""

from __future__ import annotations

from typing import Any

import pytest

from infra.keys import Role
from tests.support.workspace import Workspace

LAKTASI, TOILET, RAMP, PARKIR = "P2H-02-LAKTASI", "P2H-02-TOILET", "P2H-01-RAMP", "P2H-01-PARKIR"


def view(ws: Workspace, unit: str) -> dict[str, Any]:
    answer = ws.client.get(ws.path(unit), headers=ws.verifier)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def accept(ws: Workspace, unit: str, criteria: list[str], headers: Any = None) -> Any:
    return ws.client.post(
        ws.path(unit, "/decisions/accept-complete"),
        json={"criteria": criteria},
        headers=headers or ws.verifier,
    )


@pytest.fixture
def unit(ws: Workspace) -> str:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])  # LENGKAP, clean: offered
    ws.upload(unit, TOILET, ["passed", "passed", "needs_review"])  # LENGKAP but a file to see
    ws.upload(unit, RAMP, ["passed"])  # BELUM LENGKAP
    ws.upload(unit, PARKIR, ["passed", "passed", "failed"])  # LENGKAP with a refused file
    return unit


def test_only_clean_complete_undecided_criteria_are_offered(ws: Workspace, unit: str) -> None:
    offered = view(ws, unit)["acceptable"]
    assert LAKTASI in offered
    assert not {TOILET, RAMP, PARKIR} & set(offered)


def test_the_confirmed_criteria_are_accepted_each_with_its_decision_and_audit_entry(
    ws: Workspace, unit: str
) -> None:
    offered = view(ws, unit)["acceptable"]
    answer = accept(ws, unit, offered)
    assert answer.status_code == 201, answer.text
    decided = answer.json()
    assert [d["criterion"] for d in decided] == offered
    assert {(d["decision"], d["override"], d["by"]) for d in decided} == {
        ("accepted", False, "Verifikator Satu")
    }
    after = view(ws, unit)
    assert after["acceptable"] == []
    states = {c["id"]: c["decision"] for c in after["criteria"]}
    assert all(states[c]["label"] == "Memenuhi" for c in offered)
    assert states[TOILET] is None
    audit = ws.client.get(
        "/v1/audit",
        params={"submission": f"P2HAM/2025/{unit}", "action": "decision.recorded"},
        headers=ws.verifier,
    ).json()
    assert len(audit) == len(offered)


@pytest.mark.parametrize(
    ("criteria", "refused"),
    [
        pytest.param([LAKTASI, TOILET], [TOILET], id="one-with-a-file-to-look-at"),
        pytest.param([RAMP], [RAMP], id="an-incomplete-one"),
        pytest.param([PARKIR], [PARKIR], id="one-with-a-refused-file"),
        pytest.param(["P2H-99-NOPE"], ["P2H-99-NOPE"], id="an-unknown-one"),
    ],
)
def test_a_criterion_that_is_not_acceptable_refuses_the_lot(
    ws: Workspace, unit: str, criteria: list[str], refused: list[str]
) -> None:
    answer = accept(ws, unit, criteria)
    assert answer.status_code == 409
    body = answer.json()
    assert (body["code"], body["detail"]["criteria"]) == ("not_acceptable", refused)
    assert all(c["decision"] is None for c in view(ws, unit)["criteria"])


def test_an_accepted_criterion_is_not_offered_twice(ws: Workspace, unit: str) -> None:
    assert accept(ws, unit, [LAKTASI]).status_code == 201
    again = accept(ws, unit, [LAKTASI])
    assert (again.status_code, again.json()["code"]) == (409, "not_acceptable")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("unit", 403, id="a-unit-key-only-reads"),
        pytest.param("portal", 403, id="a-portal-key-only-reads"),
        pytest.param("elsewhere", 404, id="another-region's-verifier"),
        pytest.param("admin", 201, id="an-admin"),
    ],
)
def test_who_may_accept_in_bulk(ws: Workspace, unit: str, who: str, status: int) -> None:
    headers = {
        "unit": lambda: ws.key(Role.UNIT, units=[unit]),
        "portal": lambda: ws.key(Role.PORTAL, region=ws.region),
        "elsewhere": lambda: ws.elsewhere()[0],
        "admin": lambda: ws.admin,
    }[who]()
    assert accept(ws, unit, [LAKTASI], headers).status_code == status
