"""The real stack: HTTP bundle intake → S3 server or local folder → Redis → Celery workers →
PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench.firstfinal import FirstVerdicts
from bench.services import BenchError
from bench.stackproc import Stack, WorkerSpec, backends
from infra.db import create_db_engine
from infra.settings import Settings
from infra.statuses import FINAL
from infra.tables import Document
from tests.support.stack import wait_until

CHUNK = 1024 * 1024


def file_chunks(path: Path) -> Iterator[bytes]:
    """The file, a megabyte at a time: the client never holds a whole upload."""
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


@dataclass
class Posted:
    batch_id: str
    status_url: str
    total: int
    rejected: int
    started: datetime
    seconds: float
    megabytes: float


@dataclass
class StackResult:
    storage: str
    processes: int  # worker processes
    concurrency: int  # pool processes of each
    bundles: list[Posted]
    documents: int
    seconds: float  # first upload byte → last final status
    intake_seconds: float  # all POSTs, back to back
    statuses: dict[str, str]  # file name -> final status
    latency_checked: list[float]  # first verdict − created_at (row written at intake), seconds
    latency_upload: list[float]  # first verdict − start of its bundle's upload, seconds
    memory_mb: dict[str, float]  # peak resident sets
    cpu_seconds: dict[str, float]  # per component, during the run
    notes: list[str] = field(default_factory=list)
    database: str = "PostgreSQL"

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_file(self) -> dict[str, float]:
        """Each process's CPU per document, and the total."""
        per = {k: 1000 * v / self.documents for k, v in self.cpu_seconds.items()}
        return {**per, "total": sum(per.values())}


def _post_bundles(
    client: httpx.Client, unit: str, bundles: list[Path], programme: str, period: str
) -> list[Posted]:
    posted = []
    for bundle in bundles:
        started, clock = datetime.now(UTC), time.perf_counter()
        answer = client.post(
            f"/v1/submissions/{programme}/{period}/{unit}/bundles",
            content=file_chunks(bundle),
            headers={"Content-Type": "application/zip"},
        )
        if answer.status_code != 202:
            raise BenchError(f"bundle {bundle.name}: HTTP {answer.status_code} {answer.text[:500]}")
        body = answer.json()
        posted.append(
            Posted(
                body["id"],
                body["status_url"],
                body["total"],
                len(body["rejected"]),
                started,
                time.perf_counter() - clock,
                bundle.stat().st_size / 1024 / 1024,
            )
        )
    return posted


def _wait_complete(client: httpx.Client, posted: list[Posted], timeout: float) -> None:
    """Poll the oldest incomplete batch (one light request at a time) until all are complete."""
    pending = [p.status_url for p in posted]

    def done() -> bool:
        while pending:
            answer = client.get(pending[0])
            answer.raise_for_status()
            if not answer.json()["complete"]:
                return False
            pending.pop(0)
        return True

    wait_until(done, timeout, "every batch to complete", interval=0.5)


def _rows(settings: Settings, batch_ids: list[str]) -> list[Any]:
    engine = create_db_engine(settings)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(
                        Document.id,
                        Document.original_name,
                        Document.batch_id,
                        Document.status,
                        Document.created_at,
                        Document.checked_at,
                    ).where(Document.batch_id.in_(batch_ids))
                )
            )
    finally:
        engine.dispose()


def _quiet_rows(settings: Settings, batch_ids: list[str], timeout: float) -> list[Any]:
    """The batches' rows once none is being checked again (every status final)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = _rows(settings, batch_ids)
        if all(r.status in FINAL for r in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.5)


def run_stack(
    settings: Settings,
    *,
    bundles: list[Path],
    expected: int,
    unit: str,
    headers: dict[str, str],
    processes: int,
    concurrency: int,
    moto_pid: int | None,
    log_dir: Path,
    programme: str = "P2HAM",
    period: str = "2025",
) -> StackResult:
    """Upload every bundle, wait for every document's final status, read figures from /proc."""
    specs = [WorkerSpec(concurrency) for _ in range(processes)]
    with (
        Stack(settings, log_dir, specs, moto_pid=moto_pid) as stack,
        FirstVerdicts(settings) as seen,
    ):
        cpu_start, pg_start = stack.cpu(), backends(settings)
        with httpx.Client(base_url=stack.base, headers=headers, timeout=3600) as client:
            clock = time.perf_counter()
            posted = _post_bundles(client, unit, bundles, programme, period)
            intake_seconds = time.perf_counter() - clock
            _wait_complete(client, posted, timeout=600 + 3 * expected)
        # the re-checks the batch caused (earlier look-alikes told of later ones) are its work
        rows = _quiet_rows(settings, [p.batch_id for p in posted], timeout=120)
        memory_mb = stack.memory_mb()
        cpu_end, pg_end = stack.cpu(), backends(settings)
        replaced = stack.replaced_kids()
    if len(rows) != expected:
        raise BenchError(f"{len(rows)} documents recorded, {expected} expected")
    started = {p.batch_id: p.started for p in posted}
    first = min(started.values())
    verdict = {r.id: seen.at(r.id, r.checked_at) for r in rows}
    last = max(verdict.values())
    notes = ["a worker replaced pool processes during the run"] if replaced else []
    return StackResult(
        storage="S3 (moto)" if settings.uses_s3() else "local object folder",
        processes=processes,
        concurrency=concurrency,
        bundles=posted,
        documents=len(rows),
        seconds=(last - first).total_seconds(),
        intake_seconds=intake_seconds,
        statuses={row.original_name: row.status for row in rows},
        latency_checked=[(verdict[r.id] - r.created_at).total_seconds() for r in rows],
        latency_upload=[(verdict[r.id] - started[r.batch_id]).total_seconds() for r in rows],
        memory_mb=memory_mb,
        cpu_seconds={
            **{k: cpu_end[k] - cpu_start[k] for k in cpu_end},
            # backends that closed during the run are missed: a lower bound. SQLite has none:
            # its work is in the API's and the workers' own processes
            **(
                {"postgres backends": sum(t - pg_start.get(p, 0.0) for p, t in pg_end.items())}
                if database_name(settings) == "PostgreSQL"
                else {}
            ),
        },
        notes=notes,
        database=database_name(settings),
    )


def database_name(settings: Settings) -> str:
    return "SQLite" if settings.resolved_database_url().startswith("sqlite") else "PostgreSQL"
