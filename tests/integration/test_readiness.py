"""/readyz and /metrics tell when the sweeper last ran and how old the oldest check is; a
sweeper silent for more than three intervals makes the API not ready, naming it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from infra import states
from infra.db import transaction
from infra.liveness import SWEEPER, record_beat
from infra.settings import Settings
from infra.tables import Document, ServiceBeat, utcnow
from intake.app import create_app
from intake.runtime import ApiRuntime
from tests.support.factories import decree_pdf
from tests.support.records import add_document
from tests.support.services import make_key, make_unit

Factory = Callable[[Settings], sessionmaker[Session]]


def swept(factory: sessionmaker[Session], seconds_ago: float) -> None:
    with transaction(factory) as session:
        record_beat(session, SWEEPER, "test")
        session.execute(sa.update(ServiceBeat).values(at=utcnow() - timedelta(seconds=seconds_ago)))


def test_a_fresh_install_is_ready_before_its_first_sweep(sqlite_settings: Settings) -> None:
    with TestClient(create_app(sqlite_settings)) as api:
        answer = api.get("/readyz")
    assert answer.status_code == 200, answer.text
    assert answer.json()["checks"]["sweeper"] == "ok"
    assert answer.json()["sweeper"]["last_run_at"] is None


def test_a_sweeper_that_never_ran_in_three_intervals_makes_the_api_not_ready(
    sqlite_settings: Settings,
) -> None:
    rt = ApiRuntime.build(sqlite_settings)
    rt.started_at = utcnow() - timedelta(seconds=3 * sqlite_settings.sweep_interval_seconds + 5)
    with TestClient(create_app(sqlite_settings, runtime=rt)) as api:
        answer = api.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["sweeper"].startswith("silent")
    assert "belum pernah berjalan" in answer.json()["sweeper"]["message_id"]


def test_a_sweeper_silent_for_more_than_three_intervals_is_named_not_ready(
    sqlite_settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(sqlite_settings)
    interval = sqlite_settings.sweep_interval_seconds
    with TestClient(create_app(sqlite_settings)) as api:
        swept(factory, 2 * interval)
        assert api.get("/readyz").status_code == 200
        swept(factory, 3 * interval + 5)
        answer = api.get("/readyz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["sweeper"].startswith("silent")
    assert {k: v for k, v in body["checks"].items() if v != "ok"}.keys() == {"sweeper"}
    assert body["sweeper"]["silent_seconds"] > 3 * interval
    assert "Penyapu tidak berjalan" in body["sweeper"]["message_id"]
    assert "has not run for" in body["sweeper"]["message_en"]


def test_metrics_show_the_last_sweep_and_the_oldest_check(
    sqlite_settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(sqlite_settings)
    doc_id = add_document(sqlite_settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with transaction(factory) as session:
        assert states.claim(session, doc_id, 60) is not None
        session.execute(
            sa.update(Document)
            .where(Document.id == doc_id)
            .values(updated_at=utcnow() - timedelta(seconds=50))
        )
    swept(factory, 10)
    with TestClient(create_app(sqlite_settings)) as api:
        answer = api.get("/metrics", headers=make_key(factory))
        ready = api.get("/readyz").json()
    assert answer.status_code == 200
    samples = {
        s.name: s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }
    assert abs(samples["absah_sweeper_last_run_timestamp_seconds"] - (time.time() - 10)) < 5
    assert 10 <= samples["absah_sweeper_silent_seconds"] < 20
    assert samples["absah_oldest_checking_seconds"] >= 50
    assert ready["sweeper"]["oldest_checking_seconds"] >= 50
