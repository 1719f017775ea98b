"""Webhooks through real processes: signed, retried after 500s, recorded, redelivered, fenced."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from infra.webhooks import verify_signature
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.services import make_key, make_unit
from tests.support.stack import Process, start_api, start_worker, wait_until

pytestmark = pytest.mark.e2e

FAILURES = 2  # the receiver answers 500 to the first two attempts of every delivery


@dataclass(frozen=True)
class Hit:
    delivery: str
    event: str
    user_agent: str
    valid: bool
    body: dict[str, Any]
    answered: int


class Receiver:
    """A webhook receiver on 127.0.0.1: checks each signature with the secret, records it,
    answers 500 to a delivery's first attempts and 200 afterwards."""

    def __init__(self) -> None:
        self.secret = ""
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                code = receiver.take(dict(self.headers.items()), body)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/absah"

    def take(self, headers: dict[str, str], body: bytes) -> int:
        delivery = headers.get("X-Absah-Delivery", "")
        valid = verify_signature(
            self.secret,
            headers.get("X-Absah-Timestamp", ""),
            delivery,
            body,
            headers.get("X-Absah-Signature", ""),
        )
        with self.lock:
            seen = sum(1 for h in self.hits if h.delivery == delivery)
            code = 401 if not valid else 500 if seen < FAILURES else 200
            self.hits.append(
                Hit(
                    delivery,
                    headers.get("X-Absah-Event", ""),
                    headers.get("User-Agent", ""),
                    valid,
                    json.loads(body),
                    code,
                )
            )
        return code

    def accepted(self, event: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.event == event and h.answered == 200]

    def attempts(self, delivery: str) -> list[int]:
        with self.lock:
            return [h.answered for h in self.hits if h.delivery == delivery]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def upload(client: httpx.Client, unit: str) -> tuple[dict[str, list[str]], list[str]]:
    """Two batches: two lactation-room photos, and a decree named by the convention."""
    base = f"/v1/submissions/P2HAM/2025/{unit}/documents"
    photos = client.post(
        base,
        data={"criterion": "P2H-02-LAKTASI"},
        files=[
            ("files", ("laktasi-1.jpg", photo_jpeg(seed=11), "image/jpeg")),
            ("files", ("laktasi-2.jpg", photo_jpeg(seed=12), "image/jpeg")),
        ],
    )
    decree = client.post(
        base,
        files={
            "files": (f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf", decree_pdf(), "application/pdf")
        },
    )
    batches: dict[str, list[str]] = {}
    for answer in (photos, decree):
        assert answer.status_code == 202, answer.text
        body = answer.json()
        batches[body["id"]] = [d["id"] for d in body["documents"]]
    return batches, [d for docs in batches.values() for d in docs]


@dataclass
class Stack:
    client: httpx.Client  # a portal key of `unit`
    stranger: httpx.Client  # a unit key of another unit
    strict_base: str  # an API on the same database without webhook_allow_private
    unit: str


@pytest.fixture
def stack(
    pg_settings: Settings, tmp_path: Path, sessions_for: Callable[[Settings], sessionmaker[Session]]
) -> Iterator[Stack]:
    settings = pg_settings.model_copy(
        update={"webhook_allow_private": True, "webhook_backoff_seconds": 0.2}
    )
    factory = sessions_for(settings)
    unit, other_unit = make_unit(factory), make_unit(factory)
    mine = make_key(factory, "portal", units=[unit])
    theirs = make_key(factory, "unit", units=[other_unit])
    processes: list[Process] = []
    try:
        api, base = start_api(settings, tmp_path)
        processes.append(api)
        processes.append(start_worker(settings, tmp_path))
        strict_api, strict_base = start_api(pg_settings, tmp_path)
        processes.append(strict_api)
        with (
            httpx.Client(base_url=base, timeout=30, headers=mine) as client,
            httpx.Client(base_url=base, timeout=30, headers=theirs) as stranger,
        ):
            yield Stack(client, stranger, strict_base, unit)
    finally:
        for proc in reversed(processes):
            proc.stop()


def register(stack: Stack, receiver: Receiver) -> dict[str, Any]:
    """Refused where private targets are not allowed; accepted where they are (secret once)."""
    refused = httpx.post(
        f"{stack.strict_base}/v1/webhooks",
        json={"url": receiver.url},
        headers=dict(stack.client.headers),
        timeout=30,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "webhook_target_refused"
    assert refused.json()["detail"]["reason"] == "private-address"
    assert refused.json()["message"].startswith("Alamat webhook ditolak")
    assert refused.json()["message_en"].startswith("The webhook URL is refused")

    created = stack.client.post("/v1/webhooks", json={"url": receiver.url})
    assert created.status_code == 201, created.text
    hook: dict[str, Any] = created.json()
    receiver.secret = hook["secret"]
    assert hook["secret"].startswith("whsec_")
    assert set(hook["events"]) == {
        "document.checked",
        "submission.evaluated",
        "batch.completed",
        "decision.recorded",
        "document.superseded",
    }
    listed = stack.client.get("/v1/webhooks").json()
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0]
    return hook


def wait_for_events(receiver: Receiver, batches: dict[str, list[str]]) -> None:
    documents = {d for docs in batches.values() for d in docs}

    def all_accepted() -> bool:
        checked = {h.body["data"]["document_id"] for h in receiver.accepted("document.checked")}
        completed = {h.body["data"]["batch_id"] for h in receiver.accepted("batch.completed")}
        final = [
            h
            for h in receiver.accepted("submission.evaluated")
            if h.body["data"]["criteria"]["P2H-02-LAKTASI"] == "complete"
            and h.body["data"]["criteria"]["P2H-00-SKTIM"] == "complete"
        ]
        return checked == documents and completed == set(batches) and bool(final)

    wait_until(all_accepted, 60, "every event to be accepted by the receiver")


def wait_settled(client: httpx.Client, expected: int) -> list[dict[str, Any]]:
    def settled() -> list[dict[str, Any]] | None:
        rows: list[dict[str, Any]] = client.get("/v1/webhooks/deliveries").json()
        done = len(rows) == expected and all(r["status"] == "delivered" for r in rows)
        return rows if done else None

    rows: list[dict[str, Any]] = wait_until(settled, 30, "every delivery to be delivered")
    return rows


def assert_payloads(receiver: Receiver, batches: dict[str, list[str]], unit: str) -> None:
    by_batch: dict[str, set[str]] = {}
    for h in receiver.accepted("batch.completed"):
        by_batch.setdefault(h.body["data"]["batch_id"], set()).add(h.body["id"])
    assert {b: len(ids) for b, ids in by_batch.items()} == dict.fromkeys(batches, 1)

    photo_batch, decree_batch = sorted(batches, key=lambda b: -len(batches[b]))
    done = next(
        h.body["data"]
        for h in receiver.accepted("batch.completed")
        if h.body["data"]["batch_id"] == photo_batch
    )
    assert done["counts"] == {"passed": 2}
    assert done["total"] == 2
    assert done["status_url"] == f"/v1/batches/{photo_batch}"
    assert done["unit"] == unit

    decree_id = batches[decree_batch][0]
    decree = next(
        h.body["data"]
        for h in receiver.accepted("document.checked")
        if h.body["data"]["document_id"] == decree_id
    )
    assert decree["status"] == "passed"
    assert decree["criterion"] == "P2H-00-SKTIM"
    assert (decree["programme"], decree["period"], decree["unit"]) == ("P2HAM", "2025", unit)
    assert decree["status_url"] == f"/v1/documents/{decree_id}"
    assert decree["ruleset_version"]


def test_webhooks_are_signed_retried_after_500s_recorded_and_redelivered(
    stack: Stack, receiver: Receiver
) -> None:
    client, stranger = stack.client, stack.stranger
    hook = register(stack, receiver)
    batches, documents = upload(client, stack.unit)
    wait_for_events(receiver, batches)
    deliveries = wait_settled(client, len(documents) * 2 + len(batches))

    assert all(h.valid for h in receiver.hits), "every request carries a valid signature"
    assert all(h.user_agent == "absah-webhooks/1" for h in receiver.hits)
    assert all(h.event == h.body["type"] for h in receiver.hits)
    for row in deliveries:
        assert receiver.attempts(row["id"]) == [500, 500, 200]
        assert row["attempts"] == FAILURES + 1
        assert row["last_status_code"] == 200
        assert row["last_error"].startswith("HTTP 500")
        assert row["delivered_at"] is not None
    assert client.get("/v1/webhooks/deliveries", params={"status": "pending"}).json() == []
    assert_payloads(receiver, batches, stack.unit)

    # another unit's key sees none of it
    target = next(r for r in deliveries if r["event"] == "batch.completed")
    assert stranger.get("/v1/webhooks").json() == []
    assert stranger.get("/v1/webhooks/deliveries").json() == []
    gone = stranger.post(f"/v1/webhooks/deliveries/{target['id']}/redeliver")
    assert gone.status_code == 404, gone.text
    assert stranger.delete(f"/v1/webhooks/{hook['id']}").status_code == 404

    again = client.post(f"/v1/webhooks/deliveries/{target['id']}/redeliver")
    assert again.status_code == 202, again.text
    wait_until(
        lambda: receiver.attempts(target["id"]) == [500, 500, 200, 200], 30, "the redelivery"
    )

    def recorded() -> bool:
        rows = client.get("/v1/webhooks/deliveries").json()
        row = next(r for r in rows if r["id"] == target["id"])
        return bool(row["status"] == "delivered" and row["attempts"] == FAILURES + 2)

    wait_until(recorded, 30, "the redelivery to be recorded")
    last = [h for h in receiver.hits if h.delivery == target["id"]][-1]
    assert last.valid
    assert last.body["id"] == target["event_id"]

    closed = client.delete(f"/v1/webhooks/{hook['id']}")
    assert closed.status_code == 200, closed.text
    assert closed.json()["active"] is False
