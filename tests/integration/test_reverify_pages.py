"""What verifiers see of a re-verification: the banner while it runs, a decision whose machine
verdict changed since, each verdict with its rule-set version, the gauge in /metrics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from infra.db import transaction
from infra.tables import Document, ReverifySchedule, VerdictRow
from tests.support.pages import sign_in
from tests.support.workspace import Workspace

LAKTASI = "P2H-02-LAKTASI"
BANNER = "Pemeriksaan ulang sedang berjalan"
OLD = "P2HAM-2023.9+000000000000"


@pytest.fixture
def reverifying(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The P2HAM version in force marked as being re-verified; the mark removed after."""
    monkeypatch.setattr("intake.web.banner.FRESH_SECONDS", 0.0)
    version = ws.catalog().ruleset_version
    with transaction(ws.sessions) as session:
        session.merge(ReverifySchedule(ruleset_version=version, programme="P2HAM", source="auto"))
    yield version
    with transaction(ws.sessions) as session:
        session.execute(
            sa.delete(ReverifySchedule).where(ReverifySchedule.ruleset_version == version)
        )


def stamp(ws: Workspace, doc_ids: list[str], version: str) -> None:
    with transaction(ws.sessions) as session:
        session.execute(
            sa.update(Document).where(Document.id.in_(doc_ids)).values(ruleset_version=version)
        )


def test_the_pages_show_a_banner_while_stale_documents_are_re_verified(
    ws: Workspace, reverifying: str
) -> None:
    unit = ws.unit()
    ids = ws.fill(unit, LAKTASI)
    sign_in(ws.client, ws.person_verifier)
    page = ws.client.get(f"/ui/pengajuan/P2HAM/2025/{unit}")
    assert page.status_code == 200
    stamp(ws, ids, OLD)  # checked under an earlier catalog: waiting for its re-check
    assert BANNER in ws.client.get(f"/ui/pengajuan/P2HAM/2025/{unit}").text
    assert BANNER in ws.client.get("/ui/antrean").text
    stamp(ws, ids, reverifying)  # re-checked
    assert BANNER not in ws.client.get("/ui/antrean").text  # the viewer's region only


def test_a_decision_is_kept_and_marked_when_the_machine_verdict_changes_after_it(
    ws: Workspace,
) -> None:
    unit = ws.unit()
    ids = ws.fill(unit, LAKTASI)
    assert ws.decide(unit, LAKTASI, decision="accepted").status_code == 201
    ws.set_status(ids[:1], "failed", unit)  # a re-check under a tightened catalog

    criteria = {
        c["id"]: c for c in ws.client.get(ws.path(unit), headers=ws.admin).json()["criteria"]
    }
    decision = criteria[LAKTASI]["decision"]
    assert (decision["decision"], decision["machine_status"]) == ("accepted", "complete")
    assert (decision["machine_status_now"], decision["machine_changed"]) == ("incomplete", True)
    assert decision["machine_changed_label"] == "hasil sistem berubah sejak keputusan"
    sign_in(ws.client, ws.person_verifier)
    page = ws.client.get(f"/ui/pengajuan/P2HAM/2025/{unit}").text
    assert "Hasil sistem berubah sejak keputusan" in page
    report = ws.client.get(ws.path(unit, "/report.html"), headers=ws.admin).text
    assert "hasil sistem berubah sejak keputusan" in report


def test_a_documents_history_lists_each_verdict_with_its_version(ws: Workspace) -> None:
    unit = ws.unit()
    (doc_id,) = ws.upload(unit, LAKTASI, ["failed"])
    current = ws.catalog().ruleset_version
    with transaction(ws.sessions) as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        for version, status in ((OLD, "passed"), (current, "failed")):
            session.add(
                VerdictRow(
                    document_id=doc_id, sha256=doc.sha256, ruleset_version=version, status=status
                )
            )

    body = ws.client.get(f"/v1/documents/{doc_id}", headers=ws.admin).json()
    assert [(h["ruleset_version"], h["status"], h["current"]) for h in body["history"]] == [
        (OLD, "passed", False),
        (current, "failed", True),
    ]
    sign_in(ws.client, ws.person_verifier)
    page = ws.client.get(f"/ui/pengajuan/P2HAM/2025/{unit}").text
    assert "Riwayat hasil sistem (2 versi aturan)" in page


def test_metrics_count_documents_waiting_for_the_catalog_in_force(ws: Workspace) -> None:
    unit = ws.unit()
    stamp(ws, ws.upload(unit, LAKTASI, ["passed", "passed"]), OLD)
    version = ws.catalog().ruleset_version
    text = ws.client.get("/metrics", headers=ws.admin).text
    line = next(
        ln
        for ln in text.splitlines()
        if ln.startswith(f'absah_documents_reverify_pending{{ruleset_version="{version}"}}')
    )
    assert float(line.rpartition(" ")[2]) >= 2
