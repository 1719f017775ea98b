"""Recovery with the settings a user runs: `absah run` supervises its parts, a killed worker
child's documents are taken over at once, a killed scheduler is restarted, a second scheduler
stands by, and a database stopped under the worker loses nothing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.holders import process_alive
from infra.liveness import SWEEPER
from infra.migrate import upgrade
from infra.settings import Settings
from infra.tables import ServiceBeat, utcnow
from tests.support.batches import (
    all_final,
    assert_settled_once,
    photos,
    rows,
    statuses_of,
    upload_bundle,
)
from tests.support.services import make_key, make_unit, server_settings
from tests.support.stack import (
    FINAL,
    Process,
    children,
    command_of,
    free_port,
    settings_env,
    start_api,
    start_run,
    start_worker,
    wait_until,
)

pytestmark = pytest.mark.e2e
Factory = Callable[[Settings], sessionmaker[Session]]


# ---------------------------------------------------------------- processes of absah run


def part_pid(run: Process, *words: str) -> int:
    """The pid of one part of `absah run` (`worker checks`, `worker ocr`, `beat`, `api`),
    found among its children by the words of its command line."""
    found = [p for p in children(run.pid) if set(words) <= set(command_of(p)[3:])]
    assert len(found) == 1, (words, [command_of(p) for p in children(run.pid)])
    return found[0]


WORKERS = (("worker", "checks"), ("worker", "ocr"))


@dataclass
class Run:
    proc: Process
    base: str
    settings: Settings
    factory: sessionmaker[Session]


@pytest.fixture
def absah_run(tmp_path: Path, sessions_for: Factory) -> Iterator[Run]:
    """`absah run` with the default settings, ready (tests.support.stack.start_run)."""
    proc, base, settings = start_run(tmp_path)
    try:
        yield Run(proc, base, settings, sessions_for(settings))
    finally:
        proc.stop()


def last_sweep(factory: sessionmaker[Session]) -> datetime | None:
    with factory() as session:
        return session.scalar(sa.select(ServiceBeat.at).where(ServiceBeat.name == SWEEPER))


def full_log(proc: Process) -> str:
    proc.handle.flush()
    return proc.log.read_text(errors="replace")


def verdicts_logged(proc: Process, ids: list[str]) -> dict[str, int]:
    """How often the worker logged each document's verdict (once per recorded verdict)."""
    text = full_log(proc)
    return {d: len(re.findall(rf"document {d} (passed|failed|needs_review)", text)) for d in ids}


# ---------------------------------------------------------------- killed worker children


def test_killing_every_worker_child_and_the_scheduler_mid_batch_with_the_default_settings_loses_nothing(  # noqa: E501
    absah_run: Run,
) -> None:
    run, factory = absah_run, absah_run.factory
    unit = make_unit(factory)
    headers = make_key(factory, "portal", units=[unit])
    with httpx.Client(base_url=run.base, timeout=60, headers=headers) as client:
        ids = upload_bundle(client, unit, photos(80, seed=21))

        def checking_midway() -> bool:
            now = rows(factory, unit).values()
            return sum(r.status in FINAL for r in now) >= 10 and any(
                r.status == "checking" for r in now
            )

        wait_until(checking_midway, 90, "the batch to be midway, a document being checked")
        workers = [part_pid(run.proc, *words) for words in WORKERS]
        scheduler = part_pid(run.proc, "beat")
        pool = [child for worker in workers for child in children(worker)]
        assert pool
        for pid in [*pool, scheduler]:  # what the OOM killer does
            os.kill(pid, signal.SIGKILL)
        killed_at = utcnow()
        orphaned = {d for d, r in rows(factory, unit).items() if r.status == "checking"}
        assert orphaned

        wait_until(
            lambda: all_final(factory, unit, 80),
            120,
            "every document to be final",
            explain=lambda: statuses_of(factory, unit),
        )
        final = assert_settled_once(factory, unit, 80, run.settings.max_attempts)
        assert {r.status for r in final.values()} <= {"passed", "needs_review"}
        assert all(final[d].attempts <= 2 for d in orphaned)  # taken over once, no more
        assert set(verdicts_logged(run.proc, ids).values()) <= {0, 1}  # none recorded twice

        wait_until(
            lambda: (last_sweep(factory) or killed_at) > killed_at,
            90,
            "the restarted scheduler's sweeper to run",
        )
        assert "scheduler exited (code -9)" in full_log(run.proc)
        assert "scheduler restarted" in full_log(run.proc)
        assert part_pid(run.proc, "beat") != scheduler
        # the workers replaced their own children
        assert [part_pid(run.proc, *words) for words in WORKERS] == workers
        assert client.get("/readyz").status_code == 200


def test_a_killed_scheduler_is_restarted_by_absah_run_and_sweeps_again(absah_run: Run) -> None:
    run, factory = absah_run, absah_run.factory
    wait_until(lambda: last_sweep(factory), 60, "the first sweep")
    scheduler = part_pid(run.proc, "beat")
    os.kill(scheduler, signal.SIGKILL)
    killed_at = utcnow()

    wait_until(lambda: "scheduler restarted" in full_log(run.proc), 30, "the restart")
    wait_until(
        lambda: (last_sweep(factory) or killed_at) > killed_at, 60, "a sweep after the restart"
    )
    assert part_pid(run.proc, "beat") != scheduler
    assert "is gone, taking over" in full_log(run.proc)  # its lock, at once, not on expiry
    ready = httpx.get(f"{run.base}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["sweeper"] == "ok"


def test_ctrl_c_stops_every_part_of_absah_run(absah_run: Run) -> None:
    run = absah_run
    parts = [part_pid(run.proc, *words) for words in (*WORKERS, ("beat",), ("api",))]
    os.kill(run.proc.pid, signal.SIGINT)
    assert run.proc.popen.wait(timeout=60) == 0
    assert not any(process_alive(pid) for pid in parts)
    assert "restarting in" not in full_log(run.proc)  # stopping is not dying


def test_a_killed_absah_run_takes_every_part_with_it(absah_run: Run) -> None:
    # SIGKILL leaves the supervisor no time to stop anything: the kernel ends the parts
    # (PR_SET_PDEATHSIG), so no worker keeps taking messages and no API keeps the port
    run = absah_run
    parts = [part_pid(run.proc, *words) for words in (*WORKERS, ("beat",), ("api",))]
    redis_server = [p for p in children(run.proc.pid) if "redis-server" in command_of(p)[0]]
    assert len(redis_server) == 1
    os.kill(run.proc.pid, signal.SIGKILL)
    run.proc.popen.wait(timeout=10)
    everything = [*parts, *redis_server]
    wait_until(
        lambda: not any(process_alive(pid) for pid in everything),
        60,
        "every part of absah run to end after it was killed",
    )
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{run.base}/healthz", timeout=2)


# ---------------------------------------------------------------- a second scheduler


def test_a_second_scheduler_stands_by_and_takes_over_when_the_first_is_killed(
    pg_settings: Settings, tmp_path: Path
) -> None:
    settings = pg_settings.model_copy(
        update={"sweep_interval_seconds": 1, "scheduler_lock_seconds": 3}
    )
    env = settings_env(settings)
    first = Process(["beat"], env, tmp_path / "beat-1.log")
    second: Process | None = None
    sent = "Sending due task sweep"
    try:
        wait_until(lambda: first.output().count(sent) >= 1, 30, "the first scheduler to send")
        second = Process(["beat"], env, tmp_path / "beat-2.log")
        wait_until(lambda: "beat: Starting" in second.output(), 30, "the second to start")
        before = full_log(first).count(sent)
        wait_until(lambda: full_log(first).count(sent) >= before + 3, 30, "three more sweeps")
        assert sent not in full_log(second)  # standing by: one scheduler at a time

        first.kill(signal.SIGKILL)
        first.popen.wait(timeout=10)
        wait_until(lambda: sent in full_log(second), 30, "the second scheduler to take over")
        assert "is gone, taking over" in full_log(second)
    finally:
        first.stop()
        if second is not None:
            second.stop()
        client = redis.Redis.from_url(settings.broker_url or "")
        client.delete(f"{settings.queue_name}.sweep", f"{settings.queue_name}.scheduler")
        client.close()


# ---------------------------------------------------------------- the database stops


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own on a free port: stopped and started again like
    a real server outage, without touching the shared one. initdb refuses root, so the
    cluster belongs to the `postgres` user, in a folder that user can reach."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        assert found, "no PostgreSQL binaries in /usr/lib/postgresql/*/bin"
        self.bin = found[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="absah-pg-"))
        self.port = free_port()
        self.url = f"postgresql+psycopg://root@127.0.0.1:{self.port}/postgres"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{tool}: {done.stdout}{done.stderr}"

    def create(self) -> None:
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "root", "--auth=trust")

    def start(self) -> None:
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.dir} -c fsync=off"
        )
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"),
                  "-o", options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def answers(self) -> bool:
        try:
            with psycopg.connect(self.url.replace("+psycopg", ""), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def remove(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.remove()


def test_the_database_stopped_under_the_worker_mid_batch_loses_nothing(
    private_postgres: PrivatePostgres,
    redis_url: str,
    s3_endpoint: str,
    tmp_path: Path,
    sessions_for: Factory,
) -> None:
    # the default lease, heartbeat and sweep interval; storage and broker as in the other tests
    settings = server_settings(private_postgres.url, redis_url, s3_endpoint, tmp_path / "data")
    upgrade(settings)
    factory = sessions_for(settings)
    unit = make_unit(factory)
    api, base = start_api(settings, tmp_path)
    worker = start_worker(settings, tmp_path)
    scheduler = Process(["beat"], settings_env(settings), tmp_path / "beat.log")
    try:
        headers = make_key(factory, "portal", units=[unit])
        with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
            upload_bundle(client, unit, photos(60, seed=22))

            def midway() -> bool:
                now = rows(factory, unit).values()
                return sum(r.status in FINAL for r in now) >= 10 and any(
                    r.status == "checking" for r in now
                )

            wait_until(midway, 90, "the batch to be midway, a document being checked")
            orphaned = {d for d, r in rows(factory, unit).items() if r.status == "checking"}
            private_postgres.stop()
            wait_until(  # a message retried four times: backoff 0.2 + 0.4 + 0.8 s, then 1 s
                lambda: re.search(r"Retry in 1(\.0)?s", full_log(worker)),
                60,
                "the worker to meet the outage for a while (its messages retried, not lost)",
            )
            assert client.get("/readyz").json()["checks"]["database"].startswith("unavailable")
            private_postgres.start()
            wait_until(private_postgres.answers, 30, "the database to answer again")

            wait_until(
                lambda: all_final(factory, unit, 60),
                120,
                "every document to be final",
                explain=lambda: statuses_of(factory, unit),
            )
        final = assert_settled_once(factory, unit, 60, settings.max_attempts)
        assert {r.status for r in final.values()} <= {"passed", "needs_review"}
        assert all(final[d].attempts <= 2 for d in orphaned)
        assert "unexpected error" not in full_log(worker)  # an outage is not a bug
    finally:
        scheduler.stop()
        worker.stop()
        api.stop()
