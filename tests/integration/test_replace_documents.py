"""Replacing a file: the new one is a document of the same criterion and kind, the old one is
superseded (one transaction, audit, event), under every role and scope; a superseded file never
counts toward completeness nor makes a decision an override; a late verdict cannot revive it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from infra import states
from infra.db import transaction
from infra.keys import Role
from infra.statuses import DocumentStatus
from infra.tables import AuditEntry, Document, WebhookDelivery
from tests.support.factories import photo_jpeg
from tests.support.workspace import Headers, Workspace

LAKTASI = "P2H-02-LAKTASI"


def replace(ws: Workspace, doc_id: str, headers: Headers, seed: int = 1, **extra: Any) -> Any:
    files = extra.pop("files", None) or {"file": ("ganti.jpg", photo_jpeg(seed=seed), "image/jpeg")}
    return ws.client.post(f"/v1/documents/{doc_id}/replace", files=files, headers=headers)


def row(ws: Workspace, doc_id: str) -> Document:
    with ws.sessions() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        session.expunge(doc)
        return doc


def criterion_status(ws: Workspace, unit: str, criterion: str = LAKTASI) -> str:
    view = ws.client.get(ws.path(unit), headers=ws.admin).json()
    return str(next(c for c in view["criteria"] if c["id"] == criterion)["status"])


Who = Callable[[Workspace, str], Headers]
ROLES: list[Any] = [
    pytest.param(lambda ws, u: ws.key(Role.UNIT, units=[u]), 202, id="the-unit's-own-key"),
    pytest.param(lambda ws, u: ws.key(Role.PORTAL, units=[u]), 202, id="a-portal-of-the-unit"),
    pytest.param(
        lambda ws, u: ws.key(Role.PORTAL, region=ws.region), 202, id="a-portal-of-the-region"
    ),
    pytest.param(lambda ws, u: ws.admin, 202, id="an-admin"),
    pytest.param(lambda ws, u: ws.verifier, 403, id="the-region's-verifier-only-reads"),
    pytest.param(lambda ws, u: ws.key(Role.UNIT, units=[ws.unit()]), 404, id="another-unit's-key"),
    pytest.param(lambda ws, u: ws.elsewhere()[0], 403, id="another-region's-verifier"),
    pytest.param(
        lambda ws, u: ws.key(Role.PORTAL, units=[ws.elsewhere()[1]]),
        404,
        id="a-portal-of-another-region",
    ),
]


@pytest.mark.parametrize(("who", "expected"), ROLES)
def test_who_may_replace_a_file_and_what_the_others_are_told(
    ws: Workspace, who: Who, expected: int
) -> None:
    unit = ws.unit()
    old = ws.upload(unit, LAKTASI, ["failed", "passed"])[0]
    answer = replace(ws, old, who(ws, unit))
    assert answer.status_code == expected, answer.text
    if expected != 202:
        assert row(ws, old).status == "failed"
        assert old not in answer.text
        return
    body = answer.json()
    new = body["document"]
    assert body["replaced"]["id"] == old
    assert (body["replaced"]["status"], body["replaced"]["superseded_by"]) == (
        "superseded",
        new["id"],
    )
    assert (new["criterion"], new["kind"], new["name"]) == (LAKTASI, "facility_photo", "ganti.jpg")
    assert new["status"] in {"received", "queued"}
    assert row(ws, old).superseded_by == new["id"]


def test_a_replacement_is_audited_and_announced_in_the_same_transaction(ws: Workspace) -> None:
    unit = ws.unit()
    hook = ws.client.post(
        "/v1/webhooks", json={"url": "https://93.184.216.34/hook"}, headers=ws.admin
    )
    assert hook.status_code == 201, hook.text
    old = ws.upload(unit, LAKTASI, ["failed"])[0]
    operator = ws.key(Role.UNIT, units=[unit], name="Operator Kota Uji")
    new = replace(ws, old, operator).json()["document"]["id"]
    with ws.sessions() as session:
        entry = session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "document.superseded",
                AuditEntry.subject_id == f"P2HAM/2025/{unit}/{LAKTASI}",
            )
        ).one()
        delivery = session.scalars(
            sa.select(WebhookDelivery).where(
                WebhookDelivery.event == "document.superseded",
                WebhookDelivery.endpoint_id == hook.json()["id"],
            )
        ).one()
    assert entry.actor == "Operator Kota Uji"
    assert (entry.before or {})["document"] == old
    assert (entry.after or {})["document"] == new
    data = delivery.payload["data"]
    assert (data["document_id"], data["superseded_by"], data["unit"]) == (old, new, unit)
    assert data["by"] == "Operator Kota Uji"


def test_a_superseded_file_neither_counts_nor_makes_an_acceptance_an_override(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    failed, passed = ws.upload(unit, LAKTASI, ["failed", "passed"])
    assert criterion_status(ws, unit) == "incomplete"
    new = replace(ws, failed, ws.admin).json()["document"]["id"]
    assert criterion_status(ws, unit) == "pending"  # reassessed in the replacing transaction
    ws.set_status([new], "passed", unit)
    assert criterion_status(ws, unit) == "complete"

    accepted = ws.decide(unit, LAKTASI, decision="accepted")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["override"] is False
    view = ws.client.get(ws.path(unit), headers=ws.admin).json()
    docs = next(c for c in view["criteria"] if c["id"] == LAKTASI)["documents"]
    assert {d["id"]: d["status"] for d in docs} == {
        failed: "superseded",
        passed: "passed",
        new: "passed",
    }  # history still visible


def test_a_file_still_being_checked_may_be_replaced_and_its_late_verdict_is_dropped(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    old = ws.upload(unit, LAKTASI, ["queued"])[0]
    with transaction(ws.sessions) as session:
        claim = states.claim(session, old, lease_seconds=300)
    assert claim is not None
    assert replace(ws, old, ws.admin).status_code == 202
    with transaction(ws.sessions) as session:
        finished = states.finish(
            session,
            claim,
            status=DocumentStatus.PASSED,
            reason=None,
            kind="facility_photo",
            detected_mime="image/jpeg",
            ruleset_version="late",
            findings=[],
        )
    assert finished is False
    assert row(ws, old).status == "superseded"
    with transaction(ws.sessions) as session:
        assert states.give_up(session, old, "attempts-exhausted", "late") is False
    assert row(ws, old).status == "superseded"


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        pytest.param(
            {"x": ("ganti.jpg", b"", "image/jpeg")}, 422, "one_file_required", id="no-file"
        ),
        pytest.param(
            [
                ("file", ("a.jpg", photo_jpeg(seed=2), "image/jpeg")),
                ("file", ("b.jpg", photo_jpeg(seed=3), "image/jpeg")),
            ],
            422,
            "one_file_required",
            id="two-files",
        ),
    ],
)
def test_a_replacement_is_exactly_one_file(
    ws: Workspace, files: Any, status: int, code: str
) -> None:
    unit = ws.unit()
    old = ws.upload(unit, LAKTASI, ["failed"])[0]
    answer = replace(ws, old, ws.admin, files=files)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert row(ws, old).status == "failed"


def test_a_replaced_file_cannot_be_replaced_again_and_the_same_bytes_replace_nothing(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    old = ws.upload(unit, LAKTASI, ["failed"])[0]
    first = replace(ws, old, ws.admin, seed=5)
    assert first.status_code == 202
    again = replace(ws, old, ws.admin, seed=6)
    assert (again.status_code, again.json()["code"]) == (409, "document_superseded")
    newest = first.json()["document"]["id"]
    same = replace(ws, newest, ws.admin, seed=5)
    assert (same.status_code, same.json()["code"]) == (422, "duplicate_file")
    assert row(ws, newest).status != "superseded"


def test_an_unknown_document_is_not_found(ws: Workspace) -> None:
    answer = replace(ws, "00000000-0000-0000-0000-000000000000", ws.admin)
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
