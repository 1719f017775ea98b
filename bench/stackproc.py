"""The stack's processes for one phase: an API and N `absah worker` processes (each running a
Celery worker and its prefork pool), with their CPU seconds and peak memory read from /proc."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import redis

from bench.measure import MB, cpu_seconds, memory, pids_with_cmdline, total_cpu_seconds
from bench.services import REDIS_URL
from infra.queue import ocr_queue
from infra.settings import Settings
from tests.support.stack import (
    Process,
    celery_of,
    children,
    start_api,
    start_worker,
    wait_until,
)


@dataclass(frozen=True)
class WorkerSpec:
    concurrency: int
    queues: str = "all"  # "all" | "checks" | "ocr" (absah worker --queues)


@dataclass
class Stack:
    """Start with `with Stack(...) as stack:`; `stack.base` is the API's address."""

    settings: Settings
    log_dir: Path
    workers: list[WorkerSpec]
    moto_pid: int | None = None
    api: Process | None = None
    base: str = ""
    procs: list[Process] = field(default_factory=list)
    # each absah worker's Celery worker (its one child) -> that worker's pool processes
    kids: dict[int, list[int]] = field(default_factory=dict)

    def __enter__(self) -> Stack:
        self.api, self.base = start_api(self.settings, self.log_dir)
        try:
            for spec in self.workers:
                proc = start_worker(
                    self.settings, self.log_dir, concurrency=spec.concurrency, queues=spec.queues
                )
                self.procs.append(proc)
                celery = celery_of(proc)
                self.kids[celery] = _pool_of(celery, spec.concurrency)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()
        if self.api is not None:
            self.api.stop()

    def all_kids(self) -> list[int]:
        return [pid for kids in self.kids.values() for pid in kids]

    def replaced_kids(self) -> bool:
        """True when a worker replaced one of its pool processes since the start."""
        return any(sorted(children(pid)) != sorted(k) for pid, k in self.kids.items())

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: API, S3 (when moto is ours), worker parents, pool processes."""
        assert self.api is not None
        found = {"api": cpu_seconds(self.api.pid)}
        if self.moto_pid is not None:
            found["s3 (moto)"] = cpu_seconds(self.moto_pid)
        # absah worker (a supervisor that mostly sleeps) and its Celery worker (the consumer)
        found["worker parents"] = total_cpu_seconds([p.pid for p in self.procs] + list(self.kids))
        found["worker children"] = total_cpu_seconds(self.all_kids())
        return found

    def memory_mb(self) -> dict[str, float]:
        assert self.api is not None
        found = {
            "api": memory(self.api.pid).peak / MB,
            "worker parent (max)": max(memory(pid).peak for pid in self.kids) / MB,
            "worker child (max)": max(memory(k).peak for k in self.all_kids()) / MB,
        }
        if self.moto_pid is not None:
            found["s3 (moto)"] = memory(self.moto_pid).peak / MB
        return found


def _pool_of(celery: int, size: int) -> list[int]:
    """A Celery worker's pool processes, once it has started `size` of them."""

    def found() -> list[int]:
        kids = children(celery)
        return kids if len(kids) >= size else []

    kids: list[int] = wait_until(found, 30, "the worker's pool processes")
    return kids


def backends(settings: Settings) -> dict[int, float]:
    """CPU seconds of each live PostgreSQL backend serving the phase's database."""
    db = settings.resolved_database_url().rsplit("/", 1)[-1]
    return {pid: total_cpu_seconds([pid]) for pid in pids_with_cmdline(f" {db} ")}


def ocr_waiting(settings: Settings) -> int:
    """Messages waiting in the OCR queue (its Redis list and kombu's priority lists)."""
    client = redis.Redis.from_url(REDIS_URL)
    name = ocr_queue(settings)
    keys = [name, *(f"{name}\x06\x16{step}" for step in range(1, 10))]
    return sum(int(client.llen(key)) for key in keys)
