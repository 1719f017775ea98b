"""/metrics speaks Prometheus: documents by status, queue depth, check durations, oldest age."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from infra.tables import Document
from intake.app import create_app
from tests.support.factories import decree_pdf
from tests.support.records import add_document
from tests.support.services import make_key, make_unit
from worker.pipeline import verify_document
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


def test_metrics_count_documents_and_time_their_checks(
    sqlite_settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(sqlite_settings)
    unit = make_unit(factory)
    checked = add_document(sqlite_settings, factory, unit, decree_pdf(), "sk.pdf")
    add_document(sqlite_settings, factory, unit, decree_pdf(pages=1), "sk2.pdf")  # waits
    changed = add_document(sqlite_settings, factory, unit, decree_pdf(pages=3), "sk3.pdf")
    verify_document(WorkerRuntime(sqlite_settings), checked)
    with factory() as session:
        doc = session.get(Document, changed)
        assert doc is not None
        (sqlite_settings.objects_dir() / doc.storage_key).write_bytes(b"%PDF-1.4 replaced")
    verify_document(WorkerRuntime(sqlite_settings), changed)
    with TestClient(create_app(sqlite_settings)) as api:
        assert api.get("/metrics").status_code == 401
        answer = api.get("/metrics", headers=make_key(factory))
    assert answer.status_code == 200
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }
    assert samples[("absah_documents", (("status", "passed"),))] == 1
    assert samples[("absah_documents", (("status", "received"),))] == 1
    assert samples[("absah_documents", (("status", "unable_to_check"),))] == 1
    changed_reason = (("reason", "object-changed"),)
    assert samples[("absah_documents_unable_to_check", changed_reason)] == 1
    assert samples[("absah_check_duration_seconds_count", ())] == 1
    assert samples[("absah_oldest_unverified_seconds", ())] >= 0
    queue = (("queue", sqlite_settings.queue_name),)
    assert samples[("absah_queue_depth", queue)] == 0
