"""Faults against real processes: a killed worker, a restarted broker, storage and database
outages. Nothing is lost and nothing crashes: every document reaches a final status once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import sqlalchemy as sa
from moto.server import ThreadedMotoServer
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from infra.storage import create_s3_client
from infra.tables import Batch, Document, Submission, WebhookDelivery
from tests.support.batches import (
    Row,
    all_final,
    assert_settled_once,
    photos,
    rows,
    statuses_of,
    upload_bundle,
    upload_files,
    wait_rows,
    zip_of,
)
from tests.support.factories import decree_pdf
from tests.support.services import PG_ADMIN, make_key, make_unit
from tests.support.stack import (
    FINAL,
    Process,
    celery_of,
    children,
    command_of,
    free_port,
    run_cli,
    start_api,
    start_worker,
    wait_until,
)

pytestmark = pytest.mark.e2e
Factory = Callable[[Settings], sessionmaker[Session]]

# unable_to_check is acceptable only with a reason that says why the system could not check
FAST = {"lease_seconds": 5, "requeue_after_seconds": 5, "sweep_interval_seconds": 1}


# ---------------------------------------------------------------- processes and servers


@pytest.fixture
def launched() -> Iterator[list[Process]]:
    """Processes a test starts; all stopped at the end, whatever happened."""
    processes: list[Process] = []
    yield processes
    for proc in reversed(processes):
        proc.stop()
        # captured: pytest shows it only when the test failed
        print(f"--- the end of {proc.log.name} ---\n{proc.output()}")


Portal = Callable[[Settings], tuple[sessionmaker[Session], str, httpx.Client]]


@pytest.fixture
def portal(tmp_path: Path, sessions_for: Factory, launched: list[Process]) -> Portal:
    """Starts the API on the settings given (stopped with the test); a new unit and a client
    with a portal key for it."""

    def start(settings: Settings) -> tuple[sessionmaker[Session], str, httpx.Client]:
        factory = sessions_for(settings)
        unit = make_unit(factory)
        api, base = start_api(settings, tmp_path)
        launched.append(api)
        headers = make_key(factory, "portal", units=[unit])
        return factory, unit, httpx.Client(base_url=base, timeout=60, headers=headers)

    return start


class PrivateRedis:
    """A redis-server of the test's own with an append-only file: killed and started again on
    the same port and directory, it comes back with its data, like a real broker."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        log = (self.dir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(self.dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(self.answers, 20, f"the private Redis on port {self.port}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


class S3Server(ThreadedMotoServer):
    """A moto S3 server that can go down (its port closed: connections refused) and come
    back on the same port with its objects (moto keeps them in this process)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.up = False
        super().__init__(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> None:
        super().start()
        self.up = True

    def stop(self) -> None:
        if self.up:
            super().stop()
            assert self._server is not None
            self._server.server_close()
            self.up = False


@pytest.fixture
def s3_server() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    yield server
    server.stop()


class Receiver:
    """A webhook receiver that takes every delivery (204); the test counts what was recorded."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sweeps(worker: Process) -> int:
    """How many sweeps the worker has finished, from its log."""
    lines = worker.log.read_text(errors="replace").splitlines()
    return sum("absah.sweep[" in line and "succeeded" in line for line in lines)


# ---------------------------------------------------------------- evidence and SQL


# ---------------------------------------------------------------- (a) a killed worker


def test_a_worker_killed_mid_batch_loses_nothing_and_checks_each_document_once(
    own_pg_settings: Settings, tmp_path: Path, portal: Portal, launched: list[Process]
) -> None:
    settings = own_pg_settings.model_copy(update={**FAST, "webhook_allow_private": True})
    factory, unit, client = portal(settings)
    receiver = Receiver()
    try:
        with client:
            hook = client.post(
                "/v1/webhooks",
                json={"url": receiver.url, "events": ["document.checked", "batch.completed"]},
            )
            assert hook.status_code == 201, hook.text
            hook_id = hook.json()["id"]
            entries = {f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf": decree_pdf()}
            entries |= photos(199, seed=1)
            # four processes on two cores: several documents are always mid-check
            worker = start_worker(settings, tmp_path, beat=True, concurrency=4)
            launched.append(worker)
            ids = upload_bundle(client, unit, entries)
            assert len(ids) == 200

            def busy_midway() -> bool:
                now = rows(factory, unit).values()
                final = sum(r.status in FINAL for r in now)
                return final >= 40 and sum(r.status == "checking" for r in now) >= 2

            wait_until(busy_midway, 90, "the first worker to be midway, checking")
            worker.kill(signal.SIGKILL)
            worker.popen.wait(timeout=10)
            orphaned = {d for d, r in rows(factory, unit).items() if r.status == "checking"}
            left = sum(r.status not in FINAL for r in rows(factory, unit).values())
            assert orphaned
            assert left > 0

            launched.append(start_worker(settings, tmp_path, beat=True))
            wait_until(
                lambda: all_final(factory, unit, 200),
                120,
                "every document to be final",
                explain=lambda: statuses_of(factory, unit),
            )
            final = assert_settled_once(factory, unit, 200, settings.max_attempts)
            assert all(final[d].attempts == 2 for d in orphaned)  # claimed once more, no more
            assert {r.status for r in final.values()} <= {"passed", "needs_review"}

            batch = client.get(f"/v1/batches/{client_batch(factory, ids[0])}").json()
            assert batch["complete"]
            assert sum(batch["counts"].values()) == 200
    finally:
        receiver.close()
    with factory() as session:
        events = session.execute(
            sa.select(WebhookDelivery.event, WebhookDelivery.payload).where(
                WebhookDelivery.endpoint_id == hook_id
            )
        ).all()
    per_document: dict[str, int] = {}
    for event, payload in events:
        if event == "document.checked":
            key = payload["data"]["document_id"]
            per_document[key] = per_document.get(key, 0) + 1
    assert per_document == dict.fromkeys(ids, 1)  # each verdict announced exactly once
    assert sum(event == "batch.completed" for event, _ in events) == 1


def client_batch(factory: sessionmaker[Session], document_id: str) -> str:
    with factory() as session:
        batch_id = session.scalar(sa.select(Document.batch_id).where(Document.id == document_id))
    assert batch_id is not None
    return batch_id


# ---------------------------------------------------------------- (b) a restarted broker


def test_a_broker_killed_and_restarted_mid_batch_loses_nothing(
    own_pg_settings: Settings,
    tmp_path: Path,
    private_redis: PrivateRedis,
    portal: Portal,
    launched: list[Process],
) -> None:
    settings = own_pg_settings.model_copy(update={**FAST, "broker_url": private_redis.url})
    factory, unit, client = portal(settings)
    launched.append(start_worker(settings, tmp_path, beat=True))
    with client:
        ids = upload_bundle(client, unit, photos(80, seed=2))

        def midway() -> bool:
            return sum(r.status in FINAL for r in rows(factory, unit).values()) >= 10

        wait_until(midway, 60, "the batch to be under way")
        private_redis.kill()

        during = upload_files(client, unit, photos(3, seed=3))
        assert during.status_code == 202, during.text  # the rows are the outbox
        waiting = [d["id"] for d in during.json()["documents"]]
        now = rows(factory, unit)
        assert {now[d].status for d in waiting} == {"received"}
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"].startswith("unavailable")

        private_redis.start()
        wait_until(
            lambda: all_final(factory, unit, 83),
            120,
            "every document to be final",
            explain=lambda: statuses_of(factory, unit),
        )
    final = assert_settled_once(factory, unit, 83, settings.max_attempts)
    assert {final[d].status for d in [*ids, *waiting]} == {"passed"}


def strays(worker: Process, queue_name: str) -> list[int]:
    """Worker processes of this test's deployment (its queue name in their environment) that
    are not `absah worker` or below it: left behind by a Celery worker that died."""
    mine = {worker.pid}
    frontier = [worker.pid]
    while frontier:
        kids = children(frontier.pop())
        mine.update(kids)
        frontier += kids
    marker = f"ABSAH_QUEUE_NAME={queue_name}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            pid = int(environ.parent.name)
            if marker in environ.read_bytes().split(b"\0") and "worker" in command_of(pid):
                found.append(pid)
        except OSError:  # gone, or not ours to read
            continue
    return sorted(set(found) - mine)


def test_a_celery_worker_that_ends_by_itself_is_started_again(
    own_pg_settings: Settings, tmp_path: Path, portal: Portal, launched: list[Process]
) -> None:
    """A broker lost at an unlucky moment can end Celery's worker ("Unrecoverable error" in
    kombu's close, seen here): a bare `absah worker` starts it again and the batch ends, and
    nothing of the dead one keeps running (its embedded scheduler used to: it held the
    scheduler lock beside the new one's)."""
    settings = own_pg_settings.model_copy(update=FAST)
    factory, unit, client = portal(settings)
    worker = start_worker(settings, tmp_path, beat=True)
    launched.append(worker)
    with client:
        ids = upload_bundle(client, unit, photos(60, seed=4))
        wait_until(
            lambda: sum(r.status in FINAL for r in rows(factory, unit).values()) >= 5,
            60,
            "the batch to be under way",
        )
        first = celery_of(worker)
        os.kill(first, signal.SIGKILL)  # ends it the way a crash does: no warm shutdown

        wait_until(lambda: "restarting in" in worker.log.read_text(), 20, "absah worker to notice")
        assert worker.alive(), worker.output()
        wait_until(
            lambda: not strays(worker, settings.queue_name),
            15,
            "what the killed Celery worker started to end",
            explain=lambda: (
                f"still running outside absah worker: {strays(worker, settings.queue_name)}"
            ),
        )
        wait_until(
            lambda: all_final(factory, unit, 60),
            120,
            "every document to be final",
            explain=lambda: statuses_of(factory, unit),
        )
        second = celery_of(worker)
    assert second != first
    final = assert_settled_once(factory, unit, 60, settings.max_attempts)
    assert {final[d].status for d in ids} == {"passed"}


def test_absah_worker_with_a_broken_setting_exits_instead_of_restarting_for_ever(
    own_pg_settings: Settings,
) -> None:
    """A fault to fix is not a crash to ride out: whatever started `absah worker` (compose,
    systemd, a person) must see it fail."""
    broken = own_pg_settings.model_copy(update={"broker_url": "nosuch://127.0.0.1:1/0"})
    started = time.monotonic()
    done = run_cli(broken, "worker")
    assert done.returncode != 0, done.stderr
    assert "not restarting" in done.stderr
    assert time.monotonic() - started < 30


# ---------------------------------------------------------------- (c) storage outages


def objects_of(settings: Settings, unit: str) -> list[str]:
    client = create_s3_client(settings)
    listed = client.list_objects_v2(Bucket=settings.s3_bucket, Prefix=f"P2HAM/2025/{unit}/")
    return [o["Key"] for o in listed.get("Contents", [])]


def batches_of(factory: sessionmaker[Session], unit: str) -> int:
    with factory() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Batch)
                .join(Submission, Batch.submission_id == Submission.id)
                .where(Submission.unit_code == unit)
            )
            or 0
        )


def test_intake_answers_503_while_storage_is_down_and_keeps_no_rows(
    own_pg_settings: Settings, s3_server: S3Server, portal: Portal
) -> None:
    settings = own_pg_settings.model_copy(update={"s3_endpoint_url": s3_server.url})
    factory, unit, client = portal(settings)  # creates the bucket while storage is up
    s3_server.stop()
    with client:
        files = upload_files(client, unit, photos(2, seed=4), **{"Idempotency-Key": "k-77"})
        bundle = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/bundles",
            content=zip_of(photos(2, seed=5)),
            headers={"Content-Type": "application/zip"},
        )
        for answer in (files, bundle):
            assert answer.status_code == 503, answer.text
            assert answer.json()["code"] == "storage_unavailable"
            assert int(answer.headers["Retry-After"]) > 0
        assert rows(factory, unit) == {}
        assert batches_of(factory, unit) == 0
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["storage"].startswith("unavailable")

        s3_server.start()
        again = upload_files(client, unit, photos(2, seed=4), **{"Idempotency-Key": "k-77"})
        assert again.status_code == 202, again.text  # the refused request freed its key
        assert len(objects_of(settings, unit)) == 2
        assert batches_of(factory, unit) == 1


def test_storage_down_while_checking_ends_unable_to_check_then_passes_once_it_is_back(
    own_pg_settings: Settings,
    tmp_path: Path,
    s3_server: S3Server,
    portal: Portal,
    launched: list[Process],
) -> None:
    settings = own_pg_settings.model_copy(
        update={
            **FAST,
            "s3_endpoint_url": s3_server.url,
            "max_attempts": 2,
            "recheck_cooldown_seconds": 1,
            "max_rechecks": 2,
        }
    )
    factory, unit, client = portal(settings)
    with client:
        answer = upload_files(client, unit, photos(3, seed=6))
        assert answer.status_code == 202, answer.text
        ids = [d["id"] for d in answer.json()["documents"]]
        s3_server.stop()
        worker = start_worker(settings, tmp_path, beat=True)
        launched.append(worker)
        wait_rows(factory, unit, {"unable_to_check"}, 90)
        wait_until(
            lambda: "storage still unavailable" in worker.output(),
            30,
            "the sweeper to find storage still down",
        )
        down = rows(factory, unit)
        assert {(r.status, r.reason, r.attempts, r.rechecks) for r in down.values()} == {
            ("unable_to_check", "attempts-exhausted", 2, 0)  # no round spent while down
        }
        shown = client.get(f"/v1/documents/{ids[0]}").json()
        assert shown["status"] == "unable_to_check"
        assert "akan diperiksa ulang" in shown["status_message"]

        s3_server.start()
        wait_rows(factory, unit, {"passed"}, 60)
    final = assert_settled_once(factory, unit, 3, settings.max_attempts)
    assert {(r.status, r.rechecks) for r in final.values()} == {("passed", 1)}


def test_an_admin_recheck_sends_a_document_given_up_for_a_missing_object_again(
    own_pg_settings: Settings, tmp_path: Path, portal: Portal, launched: list[Process]
) -> None:
    settings = own_pg_settings.model_copy(update={**FAST, "recheck_cooldown_seconds": 0})
    factory, unit, client = portal(settings)
    with client:
        answer = upload_files(client, unit, photos(1, seed=7))
        assert answer.status_code == 202, answer.text
    doc_id = answer.json()["documents"][0]["id"]
    (key,) = objects_of(settings, unit)
    s3 = create_s3_client(settings)
    held = s3.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
    s3.delete_object(Bucket=settings.s3_bucket, Key=key)
    worker = start_worker(settings, tmp_path, beat=True)
    launched.append(worker)
    wait_rows(factory, unit, {"unable_to_check"}, 60)
    s3.put_object(Bucket=settings.s3_bucket, Key=key, Body=held)  # restored from a backup
    swept = sweeps(worker)
    wait_until(lambda: sweeps(worker) >= swept + 2, 30, "two more sweeps")
    # not a transient reason: the sweeper leaves it to a person
    assert rows(factory, unit)[doc_id] == Row("unable_to_check", "object-missing", 1, 0)

    done = run_cli(settings, "recheck", doc_id)
    assert done.returncode == 0, done.stderr
    assert doc_id in done.stdout
    wait_until(lambda: rows(factory, unit)[doc_id].status == "passed", 60, "the re-check")
    assert rows(factory, unit)[doc_id] == Row("passed", None, 1, 0)
    again = run_cli(settings, "recheck", doc_id)
    assert again.returncode == 1  # a passed document is not re-checked
    assert "not unable_to_check" in again.stderr + again.stdout


# ---------------------------------------------------------------- (d) database outages


def set_database(name: str, *, up: bool) -> None:
    """Refuse or allow new connections; going down also ends the open ones."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if up else "false"}')
        if not up:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def in_database(name: str, sql: str) -> None:
    with psycopg.connect(f"postgresql://root@127.0.0.1:5432/{name}", autocommit=True) as conn:
        conn.execute(sql)


DROP_CONNECTION_ON_BATCH = """
CREATE FUNCTION fault_drop_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
CREATE TRIGGER fault_drop_connection BEFORE INSERT ON batches
FOR EACH ROW EXECUTE FUNCTION fault_drop_connection();
"""


def test_intake_answers_503_while_the_database_is_down_and_leaves_nothing_half_written(
    own_pg_settings: Settings, portal: Portal
) -> None:
    settings = own_pg_settings
    database = (settings.database_url or "").rsplit("/", 1)[1]
    factory, unit, client = portal(settings)
    with client:
        assert client.get("/readyz").status_code == 200

        # the connection is lost at record time, after the bytes were stored
        in_database(database, DROP_CONNECTION_ON_BATCH)
        files = upload_files(client, unit, photos(2, seed=8), **{"Idempotency-Key": "k-88"})
        bundle = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/bundles",
            content=zip_of(photos(2, seed=9)),
            headers={"Content-Type": "application/zip"},
        )
        for answer in (files, bundle):
            assert answer.status_code == 503, answer.text
            assert answer.json()["code"] == "database_unavailable"
            assert "Retry-After" in answer.headers
        assert objects_of(settings, unit) == []  # neither the files nor the ZIP stay
        in_database(database, "DROP TRIGGER fault_drop_connection ON batches")
        assert rows(factory, unit) == {}
        assert batches_of(factory, unit) == 0

        # the database is down altogether
        set_database(database, up=False)
        try:
            ready = client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("unavailable")
            refused = upload_files(client, unit, photos(2, seed=8), **{"Idempotency-Key": "k-88"})
            assert refused.status_code == 503, refused.text
            assert refused.json()["code"] == "database_unavailable"
            assert client.get(f"/v1/submissions/P2HAM/2025/{unit}").status_code == 503
            assert objects_of(settings, unit) == []
        finally:
            set_database(database, up=True)

        wait_until(lambda: client.get("/readyz").status_code == 200, 30, "readiness again")
        again = upload_files(client, unit, photos(2, seed=8), **{"Idempotency-Key": "k-88"})
        assert again.status_code == 202, again.text
        assert len(objects_of(settings, unit)) == 2
        assert len(rows(factory, unit)) == 2
