"""The review queue: what waits for a verifier, filtered, oldest first, paged, per role."""

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


def keys(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["unit"]["code"], i["criterion"]["id"]) for i in page["items"]]


@pytest.fixture
def scene(ws: Workspace) -> Scene:
    a = ws.unit(name="Kota Uji Alpha")
    b = ws.unit(name="Kota Uji Beta")
    ws.upload(a, "P2H-02-LAKTASI", ["passed", "passed"], at=hours_ago(5))
    ws.upload(b, "P2H-02-TOILET", ["passed"], at=hours_ago(3))
    ws.upload(b, "P2H-01-RAMP", ["needs_review", "passed"], at=hours_ago(1))
    ws.upload(b, "P2H-01-PARKIR", ["checking"])
    return Scene(a, b)


def test_the_queue_holds_checked_criteria_with_documents_oldest_first(
    ws: Workspace, scene: Scene
) -> None:
    page = ws.queue()
    assert keys(page) == [
        (scene.a, "P2H-02-LAKTASI"),
        (scene.b, "P2H-02-TOILET"),
        (scene.b, "P2H-01-RAMP"),
    ]
    assert page["total"] == 3
    first, second, third = page["items"]
    assert first["programme"] == "P2HAM"
    assert first["period"] == "2025"
    assert first["unit"] == {"code": scene.a, "name": "Kota Uji Alpha", "region": ws.region}
    assert first["criterion"]["name"] == "Ruang laktasi/menyusui"
    assert (first["status"], first["status_label"]) == ("complete", "LENGKAP")
    assert first["documents"] == 2
    assert first["missing_summary"] is None
    assert first["resubmitted"] is False
    assert first["claim"] is None
    assert first["submission_url"] == f"/v1/submissions/P2HAM/2025/{scene.a}"
    assert datetime.fromisoformat(first["waiting_since"]) < datetime.fromisoformat(
        second["waiting_since"]
    )
    assert (second["status"], second["status_label"]) == ("incomplete", "BELUM LENGKAP")
    assert second["missing_summary"] == "Foto fasilitas: ada 1 dari minimal 2"
    assert (third["status"], third["status_label"]) == ("needs_review", "Perlu cek manual")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "incomplete"}, [("b", "P2H-02-TOILET")]),
        (
            {"status": ["complete", "needs_review"]},
            [("a", "P2H-02-LAKTASI"), ("b", "P2H-01-RAMP")],
        ),
        ({"older_than_hours": 2}, [("a", "P2H-02-LAKTASI"), ("b", "P2H-02-TOILET")]),
        ({"older_than_hours": 24}, []),
        ({"unit": "a"}, [("a", "P2H-02-LAKTASI")]),
        ({"programme": "p2ham", "period": "2025"}, "all"),
        ({"programme": "KKPHAM"}, []),
        ({"period": "2024"}, []),
    ],
    ids=[
        "one-status",
        "two-statuses",
        "older-than-two-hours",
        "older-than-a-day",
        "one-unit",
        "programme-and-period",
        "another-programme",
        "another-period",
    ],
)
def test_filters_narrow_the_queue(
    ws: Workspace, scene: Scene, params: dict[str, Any], expected: list[tuple[str, str]] | str
) -> None:
    names = {"a": scene.a, "b": scene.b}
    if "unit" in params:
        params = {**params, "unit": names[params["unit"]].lower()}  # codes match any case
    found = keys(ws.queue(**params))
    if isinstance(expected, str):  # "all"
        assert len(found) == 3
    else:
        assert found == [(names[u], c) for u, c in expected]


def test_criteria_without_documents_wait_only_when_asked_for(ws: Workspace, scene: Scene) -> None:
    page = ws.queue(include_empty=True, unit=scene.a)
    by_criterion = {i["criterion"]["id"]: i for i in page["items"]}
    assert by_criterion["P2H-02-TOILET"]["documents"] == 0
    assert by_criterion["P2H-02-TOILET"]["status"] == "incomplete"
    assert "P2H-02-KUNJUNGAN" not in by_criterion  # not applicable to a kota
    assert page["total"] > 1


def test_pages_come_with_a_total_and_do_not_overlap(ws: Workspace, scene: Scene) -> None:
    first = ws.queue(limit=2)
    second = ws.queue(limit=2, offset=2)
    assert (first["total"], second["total"]) == (3, 3)
    assert len(first["items"]) == 2
    assert keys(first) + keys(second) == keys(ws.queue())


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
    answer = ws.client.get("/v1/review-queue", headers=headers)
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
    assert (scene.b, "P2H-02-TOILET") not in keys(ws.queue())

    # intake records the file; the stored verdict changes only when the worker has checked it
    new = ws.upload(scene.b, "P2H-02-TOILET", ["received"], assess=False)
    assert (scene.b, "P2H-02-TOILET") not in keys(ws.queue())
    ws.set_status(new, "passed", scene.b)

    page = ws.queue(unit=scene.b)
    item = next(i for i in page["items"] if i["criterion"]["id"] == "P2H-02-TOILET")
    assert item["resubmitted"] is True
    assert item["status"] == "complete"
    assert item["documents"] == 2
    assert keys(page)[-1] == (scene.b, "P2H-02-TOILET")  # waiting since the new upload
    view = ws.client.get(ws.path(scene.b), headers=ws.verifier).json()
    toilet = next(c for c in view["criteria"] if c["id"] == "P2H-02-TOILET")
    assert toilet["decision"]["resubmitted"] is True
    assert toilet["decision"]["label"] == "Perlu Perbaikan"


def test_accepted_and_rejected_criteria_stay_out_of_the_queue(ws: Workspace, scene: Scene) -> None:
    assert ws.decide(scene.a, "P2H-02-LAKTASI", decision="accepted").status_code == 201
    assert (
        ws.decide(scene.b, "P2H-01-RAMP", decision="rejected", note="Bukan foto ramp").status_code
        == 201
    )
    assert keys(ws.queue()) == [(scene.b, "P2H-02-TOILET")]


def test_a_criterion_with_a_file_still_being_checked_waits_for_the_machine_first(
    ws: Workspace, scene: Scene
) -> None:
    # Intake reassesses in the transaction that records a file: the stored verdict is pending.
    ws.upload(scene.a, "P2H-02-LAKTASI", ["queued"])
    assert (scene.a, "P2H-02-LAKTASI") not in keys(ws.queue())
    refused = ws.decide(scene.a, "P2H-02-LAKTASI", decision="accepted")
    assert (refused.status_code, refused.json()["code"]) == (409, "criterion_pending")
