"""Decisions: notes, overrides, conflicts, the audit trail, history, and `ready`."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from infra.keys import Role
from infra.tables import (
    ApiKey,
    AuditEntry,
    Decision,
    Submission,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.support.workspace import Workspace

LAKTASI = "P2H-02-LAKTASI"


@pytest.mark.parametrize(
    ("decision", "note", "status", "code"),
    [
        ("revision_requested", None, 422, "note_required"),
        ("rejected", "   ", 422, "note_required"),
        ("revision_requested", "Foto buram", 201, None),
        ("rejected", "Bukan ruang laktasi", 201, None),
        ("accepted", None, 201, None),
    ],
)
def test_a_note_is_required_unless_the_criterion_is_accepted(
    ws: Workspace, decision: str, note: str | None, status: int, code: str | None
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "needs_review"])  # needs_review: no override either way
    answer = ws.decide(unit, LAKTASI, decision=decision, note=note)
    assert answer.status_code == status, answer.text
    if code:
        assert answer.json()["code"] == code
    else:
        assert answer.json()["label"] in {"Memenuhi", "Perlu Perbaikan", "Tidak Memenuhi"}


@pytest.mark.parametrize(
    ("statuses", "decision", "override"),
    [
        (["passed", "passed"], "accepted", False),
        (["passed", "passed"], "revision_requested", True),
        (["passed", "passed"], "rejected", True),
        (["passed"], "accepted", True),  # incomplete
        (["passed"], "rejected", False),
        (["passed", "passed", "failed"], "accepted", True),  # complete, but a file failed
        (["passed", "needs_review"], "accepted", False),
        (["passed", "needs_review"], "rejected", False),
    ],
)
def test_going_against_the_machine_needs_a_reason_and_is_marked(
    ws: Workspace, statuses: list[str], decision: str, override: bool
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, statuses)
    body: dict[str, Any] = {"decision": decision, "note": "Catatan verifikator"}
    if override:
        refused = ws.decide(unit, LAKTASI, **body)
        assert refused.status_code == 422
        assert refused.json()["code"] == "override_reason_required"
        body["override_reason"] = "Dicek langsung di lokasi"
    answer = ws.decide(unit, LAKTASI, **body)
    assert answer.status_code == 201, answer.text
    out = answer.json()
    assert out["override"] is override
    assert out["override_reason"] == ("Dicek langsung di lokasi" if override else None)


@pytest.mark.parametrize(
    ("criterion", "status", "code"),
    [
        ("P2H-01-PARKIR", 409, "criterion_pending"),
        ("P2H-02-KUNJUNGAN", 409, "criterion_not_applicable"),  # a prison item, on a kota
        ("P2H-99-NOPE", 404, "not_found"),
        ("P2H-02", 404, "not_found"),  # a group, not a leaf
    ],
)
def test_some_criteria_cannot_be_decided(
    ws: Workspace, criterion: str, status: int, code: str
) -> None:
    unit = ws.unit()
    ws.upload(unit, "P2H-01-PARKIR", ["passed", "checking"])
    answer = ws.decide(unit, criterion, decision="accepted", note="ok", override_reason="x")
    assert answer.status_code == status
    assert answer.json()["code"] == code


def test_a_unit_that_handed_nothing_in_has_no_submission_to_decide(ws: Workspace) -> None:
    answer = ws.decide(ws.unit(), LAKTASI, decision="rejected", note="Tidak ada berkas")
    assert answer.status_code == 404


def test_every_decision_is_audited_with_before_and_after_and_kept_in_history(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    first = ws.decide(
        unit, LAKTASI, decision="revision_requested", note="Foto buram", override_reason="Buram"
    )
    second = ws.decide(unit, LAKTASI, decision="accepted", note="Sudah jelas")
    assert (first.status_code, second.status_code) == (201, 201)

    history = ws.client.get(ws.path(unit, "/decisions"), headers=ws.verifier).json()
    assert [d["decision"] for d in history] == ["accepted", "revision_requested"]
    assert history[0]["by"] == "Verifikator Satu"
    assert history[1]["override"] is True

    entries = ws.client.get(
        "/v1/audit",
        params={"submission": f"P2HAM/2025/{unit}", "action": "decision.recorded"},
        headers=ws.verifier,
    ).json()
    assert len(entries) == 2
    latest, earliest = entries
    assert earliest["before"] == {
        "decision": None,
        "note": None,
        "machine_status": "complete",
    }
    assert earliest["after"]["decision"] == "revision_requested"
    assert earliest["reason"] == "Buram"
    assert latest["before"]["decision"] == "revision_requested"
    assert latest["after"] == {
        "decision": "accepted",
        "note": "Sudah jelas",
        "override": False,
        "override_reason": None,
        "machine_status": "complete",
    }
    assert latest["actor"] == "Verifikator Satu"
    assert latest["subject_id"] == f"P2HAM/2025/{unit}/{LAKTASI}"
    assert latest["action_label"] == "Keputusan verifikator dicatat"


def test_a_refused_decision_leaves_no_trace(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    refused = ws.decide(unit, LAKTASI, decision="rejected", note="x")  # no override reason
    assert refused.status_code == 422
    with ws.sessions() as session:
        decisions = session.scalars(
            sa.select(Decision)
            .join(Submission, Submission.id == Decision.submission_id)
            .where(Submission.unit_code == unit)
        ).all()
        entries = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.subject_id.like(f"%/{unit}/%"))
        ).all()
    assert (decisions, entries) == ([], [])


def test_machine_status_changes_are_audited_by_the_system(ws: Workspace) -> None:
    unit = ws.unit()
    ids = ws.upload(unit, LAKTASI, ["checking", "checking"])
    ws.set_status(ids, "passed", unit)
    entries = ws.client.get(
        "/v1/audit", params={"submission": f"P2HAM/2025/{unit}"}, headers=ws.verifier
    ).json()
    assert [(e["actor"], e["action"], e["before"], e["after"]["status"]) for e in entries] == [
        ("system", "criterion.status", {"status": "pending"}, "complete")
    ]
    assert entries[0]["action_label"] == "Status pemeriksaan sistem berubah"


def test_the_audit_log_shows_only_what_the_caller_may_see(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    assert ws.decide(unit, LAKTASI, decision="accepted").status_code == 201
    other, _ = ws.elsewhere()
    mine = ws.client.get("/v1/audit", headers=ws.verifier).json()
    theirs = ws.client.get("/v1/audit", headers=other).json()
    assert any(e["subject_id"].startswith(f"P2HAM/2025/{unit}/") for e in mine)
    assert not any(f"/{unit}/" in e["subject_id"] for e in theirs)
    bad = ws.client.get("/v1/audit", params={"submission": "P2HAM-2025"}, headers=ws.admin)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_submission")


def test_ready_flips_when_every_mandatory_applicable_criterion_is_accepted(ws: Workspace) -> None:
    unit = ws.unit(kind="kota")
    catalog = ws.catalog()
    required = [
        cid
        for cid, c in catalog.leaves.items()
        if c.mandatory and c.applies("kota")  # the prison-only visiting room does not apply
    ]
    assert "P2H-02-KUNJUNGAN" not in required
    for cid in required:
        ws.fill(unit, cid)

    def view() -> dict[str, Any]:
        body: dict[str, Any] = ws.client.get(ws.path(unit), headers=ws.verifier).json()
        return body

    for cid in required[:-1]:
        assert ws.decide(unit, cid, decision="accepted").status_code == 201
    before = view()
    assert (before["ready"], before["ready_label"]) == (False, "Belum siap")

    assert ws.decide(unit, required[-1], decision="accepted").status_code == 201
    after = view()
    assert (after["ready"], after["ready_label"]) == (True, "Siap diunggah")
    by_id = {c["id"]: c for c in after["criteria"]}
    assert by_id["P2H-02-LAIN"]["decision"] is None  # optional: not needed for ready
    assert by_id["P2H-02-KUNJUNGAN"]["status"] == "not_applicable"
    decision = by_id[required[0]]["decision"]
    assert decision["label"] == "Memenuhi"
    assert decision["by"] == "Verifikator Satu"
    assert decision["resubmitted"] is False

    again = ws.decide(
        unit, required[0], decision="revision_requested", note="Ulangi", override_reason="Salah"
    )
    assert again.status_code == 201
    assert view()["ready"] is False


def test_a_decision_is_announced_to_webhooks_that_may_see_the_unit(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    watching = {
        "mine": ws.key(Role.PORTAL, units=[unit]),
        "other": ws.key(Role.PORTAL, units=[ws.unit()]),
    }
    endpoints = {}
    with ws.sessions() as session, session.begin():
        for who, headers in watching.items():
            prefix = headers["Authorization"].split("_")[1]
            key_id = session.scalar(sa.select(ApiKey.id).where(ApiKey.prefix == prefix))
            endpoint = WebhookEndpoint(
                api_key_id=key_id, url="https://portal.invalid/hook", secret="s", events=[]
            )
            session.add(endpoint)
            session.flush()
            endpoints[who] = endpoint.id
    assert ws.decide(unit, LAKTASI, decision="accepted", note="Lengkap").status_code == 201
    with ws.sessions() as session:
        deliveries = session.scalars(
            sa.select(WebhookDelivery).where(
                WebhookDelivery.endpoint_id.in_(list(endpoints.values()))
            )
        ).all()
    assert [(d.endpoint_id, d.event) for d in deliveries] == [
        (endpoints["mine"], "decision.recorded")
    ]
    data = deliveries[0].payload["data"]
    assert data == {
        "programme": "P2HAM",
        "period": "2025",
        "unit": unit,
        "criterion": LAKTASI,
        "decision": "accepted",
        "note": "Lengkap",
        "machine_status": "complete",
        "status_url": f"/v1/submissions/P2HAM/2025/{unit}",
    }


@pytest.mark.parametrize(
    ("field", "text"),
    [
        pytest.param("note", "Foto buram\x0bulangi", id="vertical-tab-in-note"),
        pytest.param("note", "Foto\x00buram", id="nul-in-note"),
        pytest.param("note", "Foto\x1bburam", id="escape-in-note"),
        pytest.param("override_reason", "Dicek\x0clangsung", id="form-feed-in-reason"),
        pytest.param("override_reason", "Dicek\x85langsung", id="c1-control-in-reason"),
    ],
)
def test_a_control_character_in_a_note_or_reason_is_refused_naming_the_field(
    ws: Workspace, field: str, text: str
) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "passed"])  # complete: rejecting it is an override
    body: dict[str, Any] = {
        "note": "Bukan ruang laktasi",
        "override_reason": "Dicek langsung",
        field: text,
    }
    answer = ws.decide(unit, LAKTASI, decision="rejected", **body)
    assert answer.status_code == 422, answer.text
    error = answer.json()
    assert (error["code"], error["detail"]["fields"]) == ("control_character", [field])
    assert field in error["message"]
    assert "karakter kendali" in error["message"]
    assert field in error["message_en"]
    with ws.sessions() as session:
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Decision)
                .join(Submission)
                .where(Submission.unit_code == unit)
            )
            == 0
        )


def test_tabs_and_line_breaks_in_a_note_are_kept(ws: Workspace) -> None:
    unit = ws.unit()
    ws.upload(unit, LAKTASI, ["passed", "needs_review"])
    note = "Perbaiki:\r\n\t1. foto kedua buram\n\t2. tanggal"
    answer = ws.decide(unit, LAKTASI, decision="revision_requested", note=note)
    assert answer.status_code == 201, answer.text
    assert answer.json()["note"] == note
