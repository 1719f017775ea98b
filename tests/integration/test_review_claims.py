"""Claims: one verifier holds a submission; others get 409 until it is released or expires."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from infra.keys import Role
from infra.tables import ReviewClaim, Submission, utcnow
from tests.support.stack import run_cli
from tests.support.workspace import Headers, Workspace

LAKTASI = "P2H-02-LAKTASI"


@pytest.fixture
def unit(ws: Workspace) -> str:
    code = ws.unit()
    ws.upload(code, LAKTASI, ["passed", "passed"])
    return code


@pytest.fixture
def second(ws: Workspace) -> Headers:
    return ws.key(Role.VERIFIER, region=ws.region, name="Verifikator Dua")


def claim(ws: Workspace, unit: str, headers: Headers, **body: int) -> tuple[int, Any]:
    answer = ws.client.post(ws.path(unit, "/claim"), json=body or None, headers=headers)
    return answer.status_code, answer.json()


def test_a_claim_holds_the_submission_against_another_verifier(
    ws: Workspace, unit: str, second: Headers
) -> None:
    status, held = claim(ws, unit, ws.verifier)
    assert status == 200
    assert (held["by"], held["mine"]) == ("Verifikator Satu", True)
    until = datetime.fromisoformat(held["until"])
    assert timedelta(minutes=29) < until - utcnow() <= timedelta(minutes=30)

    status, refused = claim(ws, unit, second)
    assert status == 409
    assert refused["code"] == "claimed_by_other"
    assert refused["detail"]["claimed_by"] == "Verifikator Satu"
    assert datetime.fromisoformat(refused["detail"]["claimed_until"]) == until

    blocked = ws.decide(unit, LAKTASI, second, decision="accepted")
    assert (blocked.status_code, blocked.json()["code"]) == (409, "claimed_by_other")
    assert ws.decide(unit, LAKTASI, decision="accepted").status_code == 201

    item = ws.queue(include_done=True, unit=unit)["items"][0]  # its one criterion is decided
    assert item["claim"]["by"] == "Verifikator Satu"


def test_the_holder_renews_and_releases_and_then_the_submission_is_free(
    ws: Workspace, unit: str, second: Headers
) -> None:
    assert claim(ws, unit, ws.verifier)[0] == 200
    status, renewed = claim(ws, unit, ws.verifier, minutes=240)
    assert status == 200
    assert datetime.fromisoformat(renewed["until"]) - utcnow() > timedelta(minutes=239)

    other_release = ws.client.delete(ws.path(unit, "/claim"), headers=second)
    assert (other_release.status_code, other_release.json()["code"]) == (409, "claimed_by_other")
    assert ws.client.delete(ws.path(unit, "/claim"), headers=ws.verifier).status_code == 204
    assert ws.client.delete(ws.path(unit, "/claim"), headers=ws.verifier).status_code == 204

    status, taken = claim(ws, unit, second, minutes=5)
    assert (status, taken["by"]) == (200, "Verifikator Dua")


def test_an_expired_claim_is_free_for_anyone(ws: Workspace, unit: str, second: Headers) -> None:
    assert claim(ws, unit, ws.verifier)[0] == 200
    with ws.sessions() as session, session.begin():
        sub_id = session.scalar(sa.select(Submission.id).where(Submission.unit_code == unit))
        session.execute(
            sa.update(ReviewClaim)
            .where(ReviewClaim.submission_id == sub_id)
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )
    assert ws.queue(unit=unit)["items"][0]["claim"] is None
    assert ws.decide(unit, LAKTASI, second, decision="accepted").status_code == 201
    assert claim(ws, unit, second)[0] == 200


@pytest.mark.parametrize("minutes", [0, 241])
def test_a_claim_lasts_between_one_and_240_minutes(ws: Workspace, unit: str, minutes: int) -> None:
    status, body = claim(ws, unit, ws.verifier, minutes=minutes)
    assert (status, body["code"]) == (422, "invalid_request")


def test_an_admin_may_claim_and_blocks_verifiers_too(
    ws: Workspace, unit: str, second: Headers
) -> None:
    assert claim(ws, unit, ws.admin)[0] == 200
    assert claim(ws, unit, second)[0] == 409


def test_claiming_a_unit_that_handed_nothing_in_is_not_found(ws: Workspace) -> None:
    assert claim(ws, ws.unit(), ws.verifier)[0] == 404


@pytest.mark.parametrize(
    ("method", "held_by_after", "verifier_decides"),
    [
        pytest.param("POST", "Admin Uji", 409, id="admin-takes-it-over"),
        pytest.param("DELETE", None, 201, id="admin-releases-it"),
    ],
)
def test_an_admin_breaks_a_verifiers_claim_and_the_audit_log_says_so(
    ws: Workspace, unit: str, method: str, held_by_after: str | None, verifier_decides: int
) -> None:
    assert claim(ws, unit, ws.verifier)[0] == 200
    answer = ws.client.request(method, ws.path(unit, "/claim"), headers=ws.admin)
    assert answer.status_code in {200, 204}, answer.text
    item = ws.queue(include_empty=True, unit=unit)["items"][0]
    assert (item["claim"] or {}).get("by") == held_by_after
    blocked = ws.decide(unit, LAKTASI, second_verifier(ws), decision="accepted")
    assert blocked.status_code == verifier_decides

    entries = ws.client.get(
        "/v1/audit",
        params={"submission": f"P2HAM/2025/{unit}", "action": "claim.broken"},
        headers=ws.verifier,
    ).json()
    (entry,) = entries
    assert (entry["actor"], entry["subject_type"], entry["subject_id"]) == (
        "Admin Uji",
        "submission",
        f"P2HAM/2025/{unit}",
    )
    assert entry["before"]["claimed_by_name"] == "Verifikator Satu"
    assert (entry["after"] or {}).get("claimed_by_name") == held_by_after


def second_verifier(ws: Workspace) -> Headers:
    return ws.key(Role.VERIFIER, region=ws.region, name="Verifikator Tiga")


def test_an_admin_releasing_its_own_or_a_free_claim_leaves_no_audit_entry(
    ws: Workspace, unit: str
) -> None:
    assert claim(ws, unit, ws.admin)[0] == 200
    assert ws.client.delete(ws.path(unit, "/claim"), headers=ws.admin).status_code == 204
    assert ws.client.delete(ws.path(unit, "/claim"), headers=ws.admin).status_code == 204
    params = {"submission": f"P2HAM/2025/{unit}", "action": "claim.broken"}
    assert ws.client.get("/v1/audit", params=params, headers=ws.admin).json() == []


def test_revoking_a_key_with_the_cli_releases_its_claims(
    ws: Workspace, unit: str, second: Headers
) -> None:
    assert claim(ws, unit, ws.verifier)[0] == 200
    prefix = ws.verifier["Authorization"].split("_")[1]
    done = run_cli(ws.settings, "keys", "revoke", prefix)
    assert done.returncode == 0, done.stderr
    assert "1 review claim(s) released" in done.stdout
    assert ws.queue(include_empty=True, unit=unit)["items"][0]["claim"] is None
    assert claim(ws, unit, second)[0] == 200
