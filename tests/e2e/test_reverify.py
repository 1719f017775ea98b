"""Issue 16 end to end: documents checked, a site catalog tightens a threshold, the service
restarts, `absah reverify` (and the automatic path) re-check them; statuses and versions change,
decisions and old findings remain, the audit and the webhooks show the change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from infra.tables import FindingRow, ReverifySchedule, WebhookDelivery
from tests.support.catalogs import site_catalog
from tests.support.records import upload_evidence
from tests.support.services import make_key, make_unit
from tests.support.stack import (
    Process,
    free_port,
    settings_env,
    start_api,
    start_worker,
    wait_final,
    wait_until,
)

pytestmark = pytest.mark.e2e
Factory = Callable[[Settings], sessionmaker[Session]]
LAKTASI = "P2H-02-LAKTASI"


class Stack:
    """The API and a worker, restartable with other settings (a site catalog, say)."""

    def __init__(self, settings: Settings, log_dir: Path, headers: dict[str, str]) -> None:
        self.settings, self.log_dir, self.headers = settings, log_dir, headers
        self.api: Process | None = None
        self.worker: Process | None = None
        self.base = ""

    def start(self, settings: Settings) -> httpx.Client:
        self.settings = settings
        self.api, self.base = start_api(settings, self.log_dir)
        self.worker = start_worker(settings, self.log_dir)
        return httpx.Client(base_url=self.base, timeout=30, headers=self.headers)

    def stop(self) -> None:
        for proc in (self.worker, self.api):
            if proc is not None:
                proc.stop()
        self.api = self.worker = None

    def command(self, *args: str, timeout: float = 90) -> str:
        """`absah ARGS` against this stack's settings; its output, after it exits 0."""
        proc = Process(
            list(args), settings_env(self.settings), self.log_dir / f"cmd-{free_port()}.log"
        )
        try:
            code = proc.popen.wait(timeout=timeout)
        finally:
            proc.stop()
        output = proc.log.read_text(errors="replace")
        assert code == 0, output
        return output


def checked_evidence(client: httpx.Client, unit: str) -> dict[str, dict[str, Any]]:
    ids = upload_evidence(client, unit)
    final = wait_final(client, list(ids.values()), timeout=90)
    return {name: final[doc_id] for name, doc_id in ids.items()}


def accept_laktasi(client: httpx.Client, unit: str) -> None:
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/criteria/{LAKTASI}/decision",
        json={"decision": "accepted"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["machine_status"] == "complete"


def pending_gauge(client: httpx.Client) -> dict[str, float]:
    found = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("absah_documents_reverify_pending{"):
            labels, _, value = line.rpartition(" ")
            found[labels.split('"')[1]] = float(value)
    return found


def test_absah_reverify_re_checks_documents_after_a_site_catalog_tightens_a_threshold(
    own_pg_settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    settings = own_pg_settings.model_copy(update={"webhook_allow_private": True})
    assert settings.auto_reverify is False  # the command's path alone
    factory = sessions_for(settings)
    unit = make_unit(factory)
    stack = Stack(settings, tmp_path, make_key(factory))
    try:
        with stack.start(settings) as client:
            hook = client.post("/v1/webhooks", json={"url": f"http://127.0.0.1:{free_port()}/h"})
            assert hook.status_code == 201, hook.text
            before = checked_evidence(client, unit)
            assert before["photo1"]["status"] == "passed"
            accept_laktasi(client, unit)
        stack.stop()

        tightened = settings.model_copy(update={"catalog_dir": site_catalog(tmp_path / "site")})
        with stack.start(tightened) as client:
            (new_version,) = [v for v, n in pending_gauge(client).items() if n == 4]
            assert new_version != before["photo1"]["ruleset_version"]

            dry = stack.command("reverify", "--unit", unit, "--dry-run")
            assert "passed → failed" in dry
            assert "4 dokumen akan diperiksa ulang" in dry
            assert client.get(f"/v1/documents/{before['photo1']['id']}").json()["status"] == (
                "passed"
            )

            out = stack.command("reverify", "--unit", unit)
            assert "4 dokumen diperiksa ulang" in out
            assert "Selesai" in out

            for name in ("decree", "photo1", "photo2"):
                doc = client.get(f"/v1/documents/{before[name]['id']}").json()
                assert (doc["status"], doc["status_reason"]) == ("failed", "size-over-limit")
                assert doc["ruleset_version"] == new_version
                assert [(h["ruleset_version"], h["status"]) for h in doc["history"]] == [
                    (before[name]["ruleset_version"], "passed"),
                    (new_version, "failed"),
                ]
            submission = client.get(f"/v1/submissions/P2HAM/2025/{unit}").json()
            laktasi = {c["id"]: c for c in submission["criteria"]}[LAKTASI]
            assert laktasi["status"] == "incomplete"
            decision = laktasi["decision"]
            assert (decision["decision"], decision["machine_status"]) == ("accepted", "complete")
            assert decision["machine_changed"] is True
            assert decision["machine_changed_label"] == "hasil sistem berubah sejak keputusan"

            audit = client.get("/v1/audit", params={"submission": f"P2HAM/2025/{unit}"}).json()
            reverified = [a for a in audit if a["action"] == "document.reverified"]
            assert {a["subject_id"] for a in reverified} >= {
                before[n]["id"] for n in ("decree", "photo1", "photo2")
            }
            passed_ids = {before[n]["id"] for n in ("decree", "photo1", "photo2")}
            assert all(
                (a["before"]["status"], a["after"]["status"]) == ("passed", "failed")
                for a in reverified
                if a["subject_id"] in passed_ids
            )
            assert any(
                a["action"] == "criterion.status" and a["subject_id"].endswith(LAKTASI)
                for a in audit
            )
            assert pending_gauge(client)[new_version] == 0

        with factory() as session:
            versions = set(
                session.scalars(
                    sa.select(FindingRow.ruleset_version).where(
                        FindingRow.document_id == before["decree"]["id"]
                    )
                )
            )
            assert versions == {before["decree"]["ruleset_version"], new_version}
            payloads = session.scalars(
                sa.select(WebhookDelivery.payload).where(
                    WebhookDelivery.event == "document.checked"
                )
            ).all()
            assert {
                p["data"]["document_id"]
                for p in payloads
                if p["data"]["ruleset_version"] == new_version
            } >= {before[n]["id"] for n in ("decree", "photo1", "photo2")}
    finally:
        stack.stop()


def test_a_restart_with_a_changed_catalog_re_checks_documents_by_itself_once(
    own_pg_settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    settings = own_pg_settings.model_copy(update={"auto_reverify": True})
    factory = sessions_for(settings)
    unit = make_unit(factory)
    stack = Stack(settings, tmp_path, make_key(factory))
    try:
        with stack.start(settings) as client:
            before = checked_evidence(client, unit)
        stack.stop()

        tightened = settings.model_copy(update={"catalog_dir": site_catalog(tmp_path / "site")})
        with stack.start(tightened) as client:
            decree_url = f"/v1/documents/{before['decree']['id']}"

            def re_checked() -> bool:
                doc = client.get(decree_url).json()
                return bool(doc["ruleset_version"] != before["decree"]["ruleset_version"])

            wait_until(re_checked, 90, "the decree to be re-checked at start", interval=0.25)
            doc = client.get(decree_url).json()
            assert (doc["status"], doc["status_reason"]) == ("failed", "size-over-limit")
        stack.stop()
        stack.start(tightened).close()  # a second restart schedules nothing again
        with factory() as session:
            (mark,) = session.scalars(sa.select(ReverifySchedule)).all()
            assert (mark.source, mark.documents) == ("auto", 4)
    finally:
        stack.stop()
