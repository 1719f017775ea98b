"""The review queue: one row per submission with what waits for a verifier, problems first,
searched, filtered, sorted, paged, per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from infra.keys import Role
from tests.support.workspace import Workspace, hours_ago


@dataclass
class Scene:
    a: str  # Kota A: a complete criterion waiting five hours
    b: str  # Kota B: an incomplete one (three hours), one needing review (one hour), one pending


def units(page: dict[str, Any]) -> list[str]:
    return [i["unit"]["code"] for i in page["items"]]


def item(page: dict[str, Any], unit: str) -> dict[str, Any]:
    return next(i for i in page["items"] if i["unit"]["code"] == unit)


@pytest.fixture
def scene(ws: Workspace) -> Scene:
    a = ws.unit(name="Kota Uji Alpha")
    b = ws.unit(name="Kota Uji Beta")
    ws.upload(a, "P2H-02-LAKTASI", ["passed", "passed"], at=hours_ago(5))
    ws.upload(b, "P2H-02-TOILET", ["passed"], at=hours_ago(3))
    ws.upload(b, "P2H-01-RAMP", ["needs_review", "passed"], at=hours_ago(1))
    ws.upload(b, "P2H-01-PARKIR", ["checking"])
    return Scene(a, b)


def test_the_queue_has_one_row_per_submission_with_its_counts_problems_first(
    ws: Workspace, scene: Scene
) -> None:
    page = ws.queue()
    assert units(page) == [scene.b, scene.a]  # a file to look at beats an older clean one
    assert page["total"] == 2
    b, a = page["items"]
    assert (a["programme"], a["period"]) == ("P2HAM", "2025")
    assert a["unit"] == {
        "code": scene.a,
        "name": "Kota Uji Alpha",
        "kind": "kota",
        "region": ws.region,
    }
    assert a["documents"] == {"passed": 2}
    assert (a["documents_total"], a["superseded"]) == (2, 0)
    assert a["criteria"]["complete"] >= 1
    assert a["criteria"]["not_applicable"] >= 1  # the visiting room does not apply to a kota
    assert a["decisions"]["undecided"] == sum(
        n for status, n in a["criteria"].items() if status != "not_applicable"
    )
    assert (a["waiting"], a["waiting_criteria"], a["attention"]) == (1, ["P2H-02-LAKTASI"], [])
    assert a["claim"] is None
    assert a["ready"] is False
    assert a["submission_url"] == f"/v1/submissions/P2HAM/2025/{scene.a}"

    assert b["documents"] == {"passed": 2, "needs_review": 1, "checking": 1}
    assert (b["criteria"]["incomplete"] >= 1, b["criteria"]["pending"]) == (True, 1)
    assert b["waiting_criteria"] == ["P2H-01-RAMP", "P2H-02-TOILET"]  # the look first
    assert [(x["code"], x["label"], x["count"]) for x in b["attention"]] == [
        ("needs_review", "perlu cek manual", 1),
        ("incomplete", "BELUM LENGKAP", 1),
    ]
    assert datetime.fromisoformat(a["oldest_waiting"]) < datetime.fromisoformat(b["oldest_waiting"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"status": "incomplete"}, ["b"], id="one-status"),
        pytest.param({"status": ["complete", "needs_review"]}, ["b", "a"], id="two-statuses"),
        pytest.param({"older_than_hours": 2}, ["b", "a"], id="older-than-two-hours"),
        pytest.param({"older_than_hours": 4}, ["a"], id="older-than-four-hours"),
        pytest.param({"older_than_hours": 24}, [], id="older-than-a-day"),
        pytest.param({"unit": "a"}, ["a"], id="one-unit"),
        pytest.param({"programme": "p2ham", "period": "2025"}, ["b", "a"], id="programme-period"),
        pytest.param({"programme": "KKPHAM"}, [], id="another-programme"),
        pytest.param({"period": "2024"}, [], id="another-period"),
        pytest.param({"q": "ALPHA"}, ["a"], id="search-by-name-any-case"),
        pytest.param({"q": "code:b"}, ["b"], id="search-by-code"),
        pytest.param({"attention": "needs_review"}, ["b"], id="needing-a-manual-check"),
        pytest.param({"attention": "failed"}, [], id="with-a-refused-file"),
        pytest.param({"claim": "free"}, ["b", "a"], id="held-by-nobody"),
        pytest.param({"claim": "mine"}, [], id="held-by-me"),
        pytest.param({"sort": "oldest"}, ["a", "b"], id="sorted-oldest-first"),
        pytest.param({"sort": "unit"}, ["a", "b"], id="sorted-by-unit-name"),
        pytest.param({"sort": "waiting"}, ["b", "a"], id="sorted-most-waiting-first"),
    ],
)
def test_search_filters_and_sorts_shape_the_queue(
    ws: Workspace, scene: Scene, params: dict[str, Any], expected: list[str]
) -> None:
    names = {"a": scene.a, "b": scene.b}
    if "unit" in params:
        params = {**params, "unit": names[params["unit"]].lower()}  # codes match any case
    if params.get("q", "").startswith("code:"):
        params = {**params, "q": names[params["q"][5:]].lower()}
    assert units(ws.queue(**params)) == [names[u] for u in expected]


def test_a_claim_shows_who_holds_the_submission(ws: Workspace, scene: Scene) -> None:
    held = ws.client.post(ws.path(scene.a, "/claim"), headers=ws.verifier)
    assert held.status_code == 200, held.text
    claim = item(ws.queue(), scene.a)["claim"]
    assert (claim["by"], claim["mine"]) == ("Verifikator Satu", False)  # read by the admin
    assert units(ws.queue(headers=ws.verifier, claim="mine")) == [scene.a]
    assert units(ws.queue(claim="others")) == [scene.a]


def test_a_fully_decided_submission_shows_only_when_asked_for(ws: Workspace, scene: Scene) -> None:
    assert ws.decide(scene.a, "P2H-02-LAKTASI", decision="accepted").status_code == 201
    assert scene.a not in units(ws.queue())
    done = item(ws.queue(include_done=True), scene.a)
    assert (done["waiting"], done["decisions"]["accepted"]) == (0, 1)


def test_pages_come_with_a_total_and_do_not_overlap(ws: Workspace, scene: Scene) -> None:
    first = ws.queue(limit=1)
    second = ws.queue(limit=1, offset=1)
    assert (first["total"], second["total"]) == (2, 2)
    assert units(first) + units(second) == units(ws.queue())


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("admin", {"a", "b"}),
        ("verifier", {"a", "b"}),
        ("unit-a", {"a"}),
        ("portal-b", {"b"}),
        ("portal-region", {"a", "b"}),
        ("verifier-elsewhere", set()),
    ],
)
def test_each_role_reads_the_queue_of_the_units_it_sees(
    ws: Workspace, scene: Scene, role: str, sees: set[str]
) -> None:
    headers = {
        "admin": lambda: ws.admin,
        "verifier": lambda: ws.verifier,
        "unit-a": lambda: ws.key(Role.UNIT, units=[scene.a]),
        "portal-b": lambda: ws.key(Role.PORTAL, units=[scene.b]),
        "portal-region": lambda: ws.key(Role.PORTAL, region=ws.region),
        "verifier-elsewhere": lambda: ws.elsewhere()[0],
    }[role]()
    # an admin sees every region of the shared database: its page is this test's region
    params = {"region": ws.region} if role == "admin" else {}
    answer = ws.client.get("/v1/review-queue", headers=headers, params=params)
    assert answer.status_code == 200
    mine = {i["unit"]["code"] for i in answer.json()["items"] if i["unit"]["region"] == ws.region}
    assert mine == {{"a": scene.a, "b": scene.b}[u] for u in sees}


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"status": "pending"}, 422, "invalid_request"),
        ({"limit": 0}, 422, "invalid_request"),
        ({"programme": "NOPE"}, 422, "unknown_programme"),
        ({"region": "99X"}, 404, "not_found"),
        ({"unit": "NOSUCHUNIT"}, 404, "not_found"),
        ({"sort": "random"}, 422, "invalid_request"),
        ({"attention": "nothing"}, 422, "invalid_request"),
    ],
)
def test_bad_filters_are_refused_with_a_code(
    ws: Workspace, params: dict[str, Any], status: int, code: str
) -> None:
    answer = ws.client.get("/v1/review-queue", params=params, headers=ws.admin)
    assert answer.status_code == status
    assert answer.json()["code"] == code


def test_a_decided_criterion_leaves_the_queue_and_a_resubmission_brings_it_back(
    ws: Workspace, scene: Scene
) -> None:
    decided = ws.decide(scene.b, "P2H-02-TOILET", decision="revision_requested", note="Foto kurang")
    assert decided.status_code == 201, decided.text
    assert item(ws.queue(), scene.b)["waiting_criteria"] == ["P2H-01-RAMP"]

    # intake records the file; the stored verdict changes only when the worker has checked it
    new = ws.upload(scene.b, "P2H-02-TOILET", ["received"], assess=False)
    assert item(ws.queue(), scene.b)["waiting_criteria"] == ["P2H-01-RAMP"]
    ws.set_status(new, "passed", scene.b)

    b = item(ws.queue(unit=scene.b), scene.b)
    assert b["waiting_criteria"] == ["P2H-01-RAMP", "P2H-02-TOILET"]
    assert [(x["code"], x["count"]) for x in b["attention"]] == [
        ("needs_review", 1),
        ("resubmitted", 1),
    ]
    assert b["decisions"]["revision_requested"] == 1
    view = ws.client.get(ws.path(scene.b), headers=ws.verifier).json()
    toilet = next(c for c in view["criteria"] if c["id"] == "P2H-02-TOILET")
    assert toilet["status"] == "complete"
    assert toilet["decision"]["resubmitted"] is True
    assert toilet["decision"]["label"] == "Perlu Perbaikan"


def test_accepted_and_rejected_criteria_stay_out_of_the_queue(ws: Workspace, scene: Scene) -> None:
    assert ws.decide(scene.a, "P2H-02-LAKTASI", decision="accepted").status_code == 201
    assert (
        ws.decide(scene.b, "P2H-01-RAMP", decision="rejected", note="Bukan foto ramp").status_code
        == 201
    )
    assert units(ws.queue()) == [scene.b]
    assert item(ws.queue(), scene.b)["waiting_criteria"] == ["P2H-02-TOILET"]


def test_a_criterion_with_a_file_still_being_checked_waits_for_the_machine_first(
    ws: Workspace, scene: Scene
) -> None:
    # Intake reassesses in the transaction that records a file: the stored verdict is pending.
    ws.upload(scene.a, "P2H-02-LAKTASI", ["queued"])
    assert scene.a not in units(ws.queue())
    refused = ws.decide(scene.a, "P2H-02-LAKTASI", decision="accepted")
    assert (refused.status_code, refused.json()["code"]) == (409, "criterion_pending")


def test_a_superseded_file_is_history_not_a_problem(ws: Workspace, scene: Scene) -> None:
    failed = ws.upload(scene.a, "P2H-02-TOILET", ["failed"])[0]
    assert item(ws.queue(), scene.a)["attention"][0]["code"] == "failed"
    ws.set_status([failed], "superseded", scene.a)
    a = item(ws.queue(), scene.a)
    assert (a["attention"], a["superseded"], a["documents"]) == ([], 1, {"passed": 2})
