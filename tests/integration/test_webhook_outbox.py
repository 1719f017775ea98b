"""The webhook outbox on real databases: who gets an event, exactly-once batches, no lost sends."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from absah.run import prepare_database
from infra.db import transaction
from infra.keys import Role, create_key, revoke_key
from infra.names import document_key
from infra.queue import DELIVER_WEBHOOK
from infra.settings import Settings
from infra.storage import create_store
from infra.tables import (
    Batch,
    Document,
    Submission,
    WebhookDelivery,
    WebhookEndpoint,
    new_id,
    utcnow,
)
from infra.webhook_targets import Resolved
from infra.webhooks import overdue_deliveries, record_event, verify_signature
from intake.app import create_app
from tests.support.factories import photo_jpeg
from tests.support.fakes import Messages
from tests.support.services import make_key, make_unit
from worker.pipeline import Result, RetryLater, verify_document
from worker.runtime import WorkerRuntime
from worker.webhooks import Outcome, Send, deliver, post

Factory = Callable[[Settings], sessionmaker[Session]]
NOWHERE = "http://127.0.0.1:9/never"  # refused by policy, or a closed port: never the network


@pytest.fixture(params=["postgres+s3", "sqlite+local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    # PostgreSQL of this test's own: every live endpoint that may see region 16 gets an event,
    # and other tests of the session register such endpoints too
    name = "own_pg_settings" if request.param == "postgres+s3" else "sqlite_settings"
    value: Settings = request.getfixturevalue(name)
    return value


@pytest.fixture
def factory(settings: Settings, sessions_for: Factory) -> Iterator[sessionmaker[Session]]:
    made = sessions_for(settings)
    before = utcnow()
    yield made
    # the PostgreSQL database is shared by the session: leave no live endpoint behind
    with transaction(made) as session:
        session.execute(
            sa.update(WebhookEndpoint)
            .where(WebhookEndpoint.created_at >= before)
            .values(active=False)
        )


def endpoint(
    factory: sessionmaker[Session], role: Role, events: list[str] | None = None, **bound: Any
) -> tuple[str, str]:
    """An API key of that role with one endpoint; returns (key id, endpoint id)."""
    with transaction(factory) as session:
        key = create_key(session, role=role, name=f"hook {role}", **bound)
        row = WebhookEndpoint(api_key_id=key.id, url=NOWHERE, secret="s", events=events or [])
        session.add(row)
        session.flush()
        return key.id, row.id


def deliveries_of(factory: sessionmaker[Session], endpoint_id: str) -> list[WebhookDelivery]:
    with factory() as session:
        return list(
            session.scalars(
                sa.select(WebhookDelivery)
                .where(WebhookDelivery.endpoint_id == endpoint_id)
                .order_by(WebhookDelivery.created_at)
            )
        )


def test_an_event_goes_to_every_live_endpoint_that_wants_it_and_may_see_the_unit(
    factory: sessionmaker[Session],
) -> None:
    unit, other = make_unit(factory, region="16"), make_unit(factory, region="16")
    _, portal = endpoint(factory, Role.PORTAL, units=[unit])
    _, verifier = endpoint(factory, Role.VERIFIER, region="16")
    _, stranger = endpoint(factory, Role.UNIT, units=[other])
    _, batches_only = endpoint(factory, Role.PORTAL, ["batch.completed"], units=[unit])
    revoked_key, revoked = endpoint(factory, Role.PORTAL, units=[unit])
    _, inactive = endpoint(factory, Role.PORTAL, units=[unit])
    with transaction(factory) as session:
        revoke_key(session, revoked_key)
        session.execute(
            sa.update(WebhookEndpoint).where(WebhookEndpoint.id == inactive).values(active=False)
        )
    with transaction(factory) as session:
        ids = record_event(session, "document.checked", unit, "16", {"document_id": "d1"})

    got = {e: deliveries_of(factory, e) for e in (portal, verifier)}
    assert sorted(d.id for rows in got.values() for d in rows) == sorted(ids)
    for e in (stranger, batches_only, revoked, inactive):
        assert deliveries_of(factory, e) == []
    (one,), (two,) = got.values()
    assert one.payload == two.payload  # one event, the same id for every endpoint
    assert one.payload["type"] == "document.checked"
    assert one.payload["data"] == {"document_id": "d1"}
    assert (one.status, one.attempts) == ("pending", 0)


def add_batch(settings: Settings, factory: sessionmaker[Session], unit: str, n: int) -> list[str]:
    """What intake does for one request of n photos: bytes first, then the rows."""
    store = create_store(settings)
    ids: list[str] = []
    with transaction(factory) as session:
        sub = Submission(programme="P2HAM", period="2025", unit_code=unit)
        session.add(sub)
        session.flush()
        batch = Batch(submission_id=sub.id, source="documents")
        session.add(batch)
        session.flush()
        for seed in range(n):
            payload, doc_id = photo_jpeg(seed=40 + seed), new_id()
            key = document_key("P2HAM", "2025", unit, "P2H-02-LAKTASI", doc_id, f"{seed}.jpg")
            source = settings.data_dir / f"{doc_id}.upload"
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(payload)
            store.put_file(key, source)
            session.add(
                Document(
                    id=doc_id,
                    submission_id=sub.id,
                    batch_id=batch.id,
                    criterion_id="P2H-02-LAKTASI",
                    original_name=f"laktasi-{seed}.jpg",
                    storage_key=key,
                    size=len(payload),
                    sha256=hashlib.sha256(payload).hexdigest(),
                    status="received",
                )
            )
            ids.append(doc_id)
    return ids


def test_the_pipeline_records_events_with_the_verdict_and_completes_a_batch_once(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    unit = make_unit(factory, region="16")
    _, hook = endpoint(factory, Role.PORTAL, units=[unit])
    _, kanwil = endpoint(factory, Role.VERIFIER, region="16")  # the unit's region
    far = make_unit(factory)  # a unit of a region of its own (the default)
    _, elsewhere = endpoint(factory, Role.VERIFIER, region="R" + far[1:])
    first, second = add_batch(settings, factory, unit, 2)
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = sender = Messages()

    assert verify_document(rt, first) is Result.CHECKED
    assert [d.event for d in deliveries_of(factory, hook)] == [
        "document.checked",
        "submission.evaluated",
    ]
    assert verify_document(rt, second) is Result.CHECKED
    assert verify_document(rt, second) is Result.SKIPPED  # a redelivered message adds nothing
    rows = deliveries_of(factory, hook)
    events = sorted(d.event for d in rows)
    assert events == ["batch.completed"] + ["document.checked"] * 2 + ["submission.evaluated"] * 2
    every = rows + deliveries_of(factory, kanwil)
    assert sorted(sender.sent, key=str) == sorted(
        ((DELIVER_WEBHOOK, {"delivery_id": d.id}) for d in every), key=str
    )
    done = next(d.payload["data"] for d in rows if d.event == "batch.completed")
    assert done["counts"] == {"passed": 2}
    with factory() as session:
        batch = session.get(Batch, done["batch_id"])
        assert batch is not None
        assert batch.completed_at is not None
    checked = next(d.payload["data"] for d in rows if d.event == "document.checked")
    assert checked["status"] == "passed"
    assert checked["status_url"] == f"/v1/documents/{checked['document_id']}"
    # the event, built from what the worker read with its claim, says what was stored
    with factory() as session:
        doc = session.get(Document, checked["document_id"])
        assert doc is not None
        sub = session.get(Submission, doc.submission_id)
        assert sub is not None
        stored = {
            "document_id": doc.id,
            "programme": sub.programme,
            "period": sub.period,
            "unit": sub.unit_code,
            "criterion": doc.criterion_id,
            "status": doc.status,
            "reason_code": doc.status_reason,
            "ruleset_version": doc.ruleset_version,
            "batch_id": doc.batch_id,
        }
    assert {k: checked[k] for k in stored} == stored
    assert sorted(d.event for d in deliveries_of(factory, kanwil)) == events
    assert deliveries_of(factory, elsewhere) == []


def test_a_document_given_up_tells_its_status_and_reason_to_the_units_endpoints(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    """The give-up path builds its event from the job too: unable_to_check with the reason,
    never failed, and only where the unit may be seen."""
    unit = make_unit(factory, region="16")
    _, hook = endpoint(factory, Role.PORTAL, units=[unit])
    _, kanwil = endpoint(factory, Role.VERIFIER, region="16")
    far = make_unit(factory)
    _, elsewhere = endpoint(factory, Role.VERIFIER, region="R" + far[1:])
    (doc_id,) = add_batch(settings, factory, unit, 1)
    with factory() as session:
        key = session.scalars(sa.select(Document.storage_key).where(Document.id == doc_id)).one()
    create_store(settings).delete(key)  # the object went missing after intake
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = Messages()

    assert verify_document(rt, doc_id) is Result.GAVE_UP
    for hook_id in (hook, kanwil):
        rows = deliveries_of(factory, hook_id)
        assert sorted(d.event for d in rows) == [
            "batch.completed",
            "document.checked",
            "submission.evaluated",
        ]
        checked = next(d.payload["data"] for d in rows if d.event == "document.checked")
        assert (checked["document_id"], checked["unit"]) == (doc_id, unit)
        assert (checked["status"], checked["reason_code"]) == ("unable_to_check", "object-missing")
        assert checked["criterion"] == "P2H-02-LAKTASI"
        done = next(d.payload["data"] for d in rows if d.event == "batch.completed")
        assert done["counts"] == {"unable_to_check": 1}
    assert deliveries_of(factory, elsewhere) == []


def pending_delivery(factory: sessionmaker[Session], endpoint_id: str, **values: Any) -> str:
    delivery_id = new_id()
    with transaction(factory) as session:
        session.add(
            WebhookDelivery(
                id=delivery_id,
                endpoint_id=endpoint_id,
                event="document.checked",
                payload={"id": new_id(), "type": "document.checked", "data": {}},
                **values,
            )
        )
    return delivery_id


def reread(factory: sessionmaker[Session], delivery_id: str) -> WebhookDelivery:
    with factory() as session:
        row = session.get(WebhookDelivery, delivery_id)
        assert row is not None
        return row


def test_a_private_target_ends_failed_without_a_request_or_a_retry(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    _, hook = endpoint(factory, Role.PORTAL, units=[make_unit(factory)])
    delivery_id = pending_delivery(factory, hook)
    rt = WorkerRuntime(settings)  # webhook_allow_private is off by default

    assert deliver(rt, delivery_id) is Outcome.FAILED
    row = reread(factory, delivery_id)
    assert (row.status, row.attempts) == ("failed", 0)
    assert "target refused" in (row.last_error or "")
    assert deliver(rt, delivery_id) is Outcome.SKIPPED


def test_a_failed_send_backs_off_exponentially_and_ends_failed_after_max_attempts(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    _, hook = endpoint(factory, Role.PORTAL, units=[make_unit(factory)])
    delivery_id = pending_delivery(factory, hook)
    rt = WorkerRuntime(
        settings.model_copy(
            update={
                "webhook_allow_private": True,
                "webhook_backoff_seconds": 60,
                "webhook_max_attempts": 3,
                "webhook_timeout_seconds": 2,
            }
        )
    )
    for attempt, countdown in ((1, 60), (2, 120)):
        with pytest.raises(RetryLater) as retry:
            deliver(rt, delivery_id)
        assert retry.value.countdown == countdown
        row = reread(factory, delivery_id)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "ConnectError" in (row.last_error or "")
        assert row.next_attempt_at is not None
        assert deliver(rt, delivery_id) is Outcome.SKIPPED  # a duplicate before it is due
        with transaction(factory) as session:  # time passes: the retry is due
            session.execute(
                sa.update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id)
                .values(next_attempt_at=utcnow())
            )
    assert deliver(rt, delivery_id) is Outcome.FAILED
    row = reread(factory, delivery_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)


def test_the_sweeper_finds_pending_deliveries_whose_message_was_lost(
    factory: sessionmaker[Session],
) -> None:
    _, hook = endpoint(factory, Role.PORTAL, units=[make_unit(factory)])
    old = utcnow() - timedelta(hours=1)
    lost = pending_delivery(factory, hook, created_at=old)
    overdue_retry = pending_delivery(factory, hook, created_at=old, next_attempt_at=old)
    scheduled = pending_delivery(
        factory, hook, created_at=old, next_attempt_at=utcnow() + timedelta(minutes=5)
    )
    fresh = pending_delivery(factory, hook)
    done = pending_delivery(factory, hook, created_at=old, status="delivered")
    with factory() as session:
        found = set(overdue_deliveries(session, utcnow() - timedelta(minutes=5)))
    assert {lost, overdue_retry} <= found
    assert not {scheduled, fresh, done} & found


def test_a_pinned_delivery_reaches_the_checked_address_with_the_original_host_name(
    tmp_path: Path,
) -> None:
    """Over a real socket: the URL names a host nobody can resolve; the checked address is
    where the bytes go, and the receiver still sees its own name in Host."""
    heard: list[tuple[str, bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            heard.append(
                (self.headers["Host"], self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        url = f"http://hooks.invalid:{port}/absah"  # .invalid never resolves (RFC 6761)
        checked = Resolved(url, "hooks.invalid", ("127.0.0.1",))
        send = Send("d-1", "document.checked", url, "whsec_x", {"type": "document.checked"}, 1)
        code, error = post(WorkerRuntime(Settings(data_dir=tmp_path)), send, checked)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert (code, error) == (204, None)
    assert heard == [(f"hooks.invalid:{port}", b'{"type":"document.checked"}')]


class Receiver:
    """A webhook receiver on loopback that records what it is sent."""

    def __init__(self) -> None:
        heard: list[tuple[dict[str, str], bytes]] = []
        self.heard = heard

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                heard.append((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)

    def signed_with(self, secret: str) -> bool:
        (headers, body), *_ = self.heard
        return verify_signature(
            secret,
            headers["X-Absah-Timestamp"],
            headers["X-Absah-Delivery"],
            body,
            headers["X-Absah-Signature"],
        )


def _one_delivery(factory: sessionmaker[Session], endpoint_id: str, unit: str) -> str:
    with transaction(factory) as session:
        record_event(session, "document.checked", unit, "16", {"document_id": "d1"})
    (delivery,) = deliveries_of(factory, endpoint_id)
    return delivery.id


def _stored_secret(factory: sessionmaker[Session], endpoint_id: str) -> str:
    with factory() as session:
        row = session.get(WebhookEndpoint, endpoint_id)
        assert row is not None
        return row.secret


def test_a_webhook_secret_is_stored_sealed_and_still_signs_the_deliveries(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    local = settings.model_copy(update={"webhook_allow_private": True})
    unit = make_unit(factory)
    with (
        Receiver() as receiver,
        TestClient(create_app(local), headers=make_key(factory, "portal", units=[unit])) as api,
    ):
        created = api.post("/v1/webhooks", json={"url": receiver.url})
        assert created.status_code == 201, created.text
        secret, endpoint_id = created.json()["secret"], created.json()["id"]
        stored = _stored_secret(factory, endpoint_id)
        assert stored.startswith("enc1:")
        assert secret not in stored
        delivery = _one_delivery(factory, endpoint_id, unit)
        assert deliver(WorkerRuntime(local), delivery) is Outcome.DELIVERED
    assert receiver.signed_with(secret)


def test_a_secret_stored_in_plain_text_earlier_still_signs_and_the_upgrade_seals_it(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    local = settings.model_copy(update={"webhook_allow_private": True})
    unit = make_unit(factory)
    with Receiver() as receiver:
        with transaction(factory) as session:
            key = create_key(session, role=Role.PORTAL, name="lama", units=[unit])
            row = WebhookEndpoint(api_key_id=key.id, url=receiver.url, secret="whsec_lama")
            session.add(row)
            session.flush()
            endpoint_id = row.id
        assert deliver(WorkerRuntime(local), _one_delivery(factory, endpoint_id, unit)) is (
            Outcome.DELIVERED
        )
        assert receiver.signed_with("whsec_lama")

        prepare_database(local)  # `absah db upgrade`
        assert _stored_secret(factory, endpoint_id).startswith("enc1:")
        receiver.heard.clear()
        with transaction(factory) as session:
            session.execute(
                sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
            )
        assert deliver(WorkerRuntime(local), _one_delivery(factory, endpoint_id, unit)) is (
            Outcome.DELIVERED
        )
        assert receiver.signed_with("whsec_lama")


def test_a_worker_with_another_secret_key_fails_the_delivery_and_never_sends_it(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    api_side = settings.model_copy(
        update={"webhook_allow_private": True, "secret_key": SecretStr("a" * 48)}
    )
    worker_side = api_side.model_copy(update={"secret_key": SecretStr("b" * 48)})
    unit = make_unit(factory)
    with (
        Receiver() as receiver,
        TestClient(create_app(api_side), headers=make_key(factory, "portal", units=[unit])) as api,
    ):
        endpoint_id = api.post("/v1/webhooks", json={"url": receiver.url}).json()["id"]
        delivery = _one_delivery(factory, endpoint_id, unit)
        assert deliver(WorkerRuntime(worker_side), delivery) is Outcome.FAILED
    assert receiver.heard == []
    (row,) = deliveries_of(factory, endpoint_id)
    assert "sealed with another key" in (row.last_error or "")
