"""Real processes for tests: the API and a Celery worker, started from Settings, polled, stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_env(settings: Settings) -> dict[str, str]:
    """The ABSAH_* environment that reproduces these settings in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ABSAH_")}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        raw = getattr(settings, name)
        text = raw.get_secret_value() if isinstance(raw, SecretStr) else str(value)
        env[f"ABSAH_{name.upper()}"] = text
    return env


def wait_until(
    predicate: Callable[[], Any],
    timeout: float,
    what: str,
    interval: float = 0.1,
    explain: Callable[[], str] | None = None,
) -> Any:
    """Poll until `predicate()` is truthy; fail with `what` (and what `explain()` says of the
    state then) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            state = f"; {explain()}" if explain else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{state}")
        time.sleep(interval)


def children(pid: int) -> list[int]:
    """Direct children of `pid`, whichever of its threads started them (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # the process ended while we looked
            continue
        if int(after_name[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def command_of(pid: int) -> list[str]:
    """A process's command line, word by word (empty once it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return []


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """`absah ARGS` run to its end with these settings; its exit code and output, unchecked."""
    return subprocess.run(
        [sys.executable, "-m", "absah.cli", *args],
        env=settings_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class Process:
    """A child `absah ...` process whose output goes to a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.log = args, log
        self.handle = log.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "absah.cli", *args],
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        """The end of the process's log (also once it is stopped)."""
        if not self.handle.closed:
            self.handle.flush()
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a prefork worker's children too)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.popen.wait(timeout=5)
        self.handle.close()


def start_api(settings: Settings, log_dir: Path) -> tuple[Process, str]:
    port = free_port()
    proc = Process(
        ["api", "--host", "127.0.0.1", "--port", str(port)],
        settings_env(settings),
        log_dir / f"api-{port}.log",
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if not proc.alive():
            raise AssertionError(f"API exited:\n{proc.output()}")
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(up, 30, "the API to answer /healthz")
    return proc, base


def start_worker(
    settings: Settings,
    log_dir: Path,
    *,
    beat: bool = False,
    concurrency: int = 2,
    queues: str = "all",
) -> Process:
    args = ["worker", "--concurrency", str(concurrency), "--queues", queues]
    if beat:
        args.append("--beat")
    proc = Process(args, settings_env(settings), log_dir / f"worker-{time.monotonic_ns()}.log")

    def ready() -> bool:
        if not proc.alive():
            raise AssertionError(f"worker exited:\n{proc.output()}")
        return "ready." in proc.output()

    wait_until(ready, 40, "the worker to be ready")
    return proc


def celery_of(worker: Process) -> int:
    """The Celery worker that an `absah worker` process runs and restarts: its one child
    started with --no-restart (whose own children are the prefork pool)."""
    found = [pid for pid in children(worker.pid) if "--no-restart" in command_of(pid)]
    assert len(found) == 1, f"absah worker {worker.pid} runs {found} Celery workers"
    return found[0]


def start_run(workdir: Path) -> tuple[Process, str, Settings]:
    """`absah run` as the README starts it: the default settings (SQLite, a local object
    folder, a private Redis), only the data folder (workdir/data) and the port chosen; once the
    API answers /readyz and its worker is ready. The caller stops it."""
    settings = Settings(data_dir=workdir / "data", api_port=free_port())
    proc = Process(["run"], settings_env(settings), workdir / "run.log")
    base = f"http://127.0.0.1:{settings.api_port}"

    def ready() -> bool:
        if not proc.alive():
            raise AssertionError(proc.output())
        try:
            return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(ready, 60, "absah run to be ready")
        wait_until(lambda: "ready." in proc.output(), 60, "the worker of absah run")
    except BaseException:
        proc.stop()
        raise
    return proc, base, settings


FINAL = {"passed", "failed", "needs_review", "unable_to_check", "superseded"}


def wait_final(
    client: httpx.Client, document_ids: list[str], timeout: float = 60
) -> dict[str, dict[str, Any]]:
    """Poll GET /v1/documents/{id} until every document has a final status."""
    done: dict[str, dict[str, Any]] = {}

    def all_final() -> bool:
        for doc_id in document_ids:
            if doc_id in done:
                continue
            body = client.get(f"/v1/documents/{doc_id}").json()
            if body.get("status") in FINAL:
                done[doc_id] = body
        return len(done) == len(document_ids)

    wait_until(all_final, timeout, "documents to reach a final status", interval=0.25)
    return done
