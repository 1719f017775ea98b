"""Single-file multipart uploads sent on a fixed timetable (N files a second), each timed from
the start of its upload to its document's first verdict (bench/firstfinal.py), as the batch
runs read it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.corpus import BenchFile, Corpus
from bench.firstfinal import FirstVerdicts
from bench.measure import percentile
from bench.services import BenchError
from infra.db import create_db_engine
from infra.settings import Settings
from infra.statuses import FINAL
from infra.tables import Document

MIME = {"photo": "image/jpeg", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Upload:
    path: Path
    name: str  # the file name sent
    criterion: str
    kind: str  # "photo" | "pdf" | "scan"
    unit: str


@dataclass
class Sent:
    upload: Upload
    document_id: str
    started: datetime
    late: float  # seconds after its slot in the timetable that its upload began


@dataclass
class Timed:
    """Sent uploads and, once final, their upload→final seconds by kind."""

    sent: list[Sent] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)  # one entry per 503 answered and retried
    send_seconds: float = 0.0  # first upload start → last upload answered
    latency: dict[str, list[float]] = field(default_factory=dict)
    drain_seconds: float = 0.0  # last upload started → last document final
    span_seconds: float = 0.0  # first upload started → last document final

    def seconds(self, kind: str | None = None) -> list[float]:
        if kind is not None:
            return self.latency.get(kind, [])
        return [x for values in self.latency.values() for x in values]

    def figures(self, kind: str | None = None) -> dict[str, float]:
        values = self.seconds(kind)
        return {
            "files": len(values),
            "p50": percentile(values, 0.50),
            "p95": percentile(values, 0.95),
            "max": max(values, default=0.0),
        }


def corpus_uploads(corpus: Corpus, units: list[str], count: int, lanes: int) -> list[Upload]:
    """`count` uploads cycling through the corpus in order, dealt round-robin to `lanes` units;
    each pass over the corpus goes to the next `lanes` units, so no file is sent twice to one
    submission (`units` holds lanes x passes codes)."""
    files: tuple[BenchFile, ...] = corpus.files
    return [
        Upload(
            corpus.path(f := files[i % len(files)]),
            f.base_name,
            f.criterion,
            f.kind,
            units[(i % lanes + lanes * (i // len(files))) % len(units)],
        )
        for i in range(count)
    ]


def post_one(
    client: httpx.Client, upload: Upload, programme: str, period: str, retried: list[int]
) -> str:
    """POST one file to /documents; the new document's id. A 503 is retried (twice, after half
    a second): each retry is counted in `retried`."""
    mime = MIME.get(upload.kind, "application/pdf")
    for attempt in range(3):
        answer = client.post(
            f"/v1/submissions/{programme}/{period}/{upload.unit}/documents",
            data={"criterion": upload.criterion},
            files={"files": (upload.name, upload.path.read_bytes(), mime)},
        )
        if answer.status_code != 503 or attempt == 2:
            break
        retried.append(1)
        time.sleep(0.5)
    if answer.status_code != 202:
        raise BenchError(f"upload {upload.name}: HTTP {answer.status_code} {answer.text[:300]}")
    return str(answer.json()["documents"][0]["id"])


def send_at_rate(
    client: httpx.Client,
    uploads: list[Upload],
    rate: float,
    *,
    programme: str = "P2HAM",
    period: str = "2025",
    tick: Callable[[], None] | None = None,
) -> Timed:
    """Start upload i at t0 + i / rate (several in flight when the API is slow, one at a time
    per unit, as a unit's page sends them; concurrent uploads to one submission once deadlocked
    in PostgreSQL, tests/e2e/test_concurrent_uploads.py keeps that fixed); `tick` is called
    about every half second while sending (e.g. to sample a queue)."""
    timed, lock = Timed(), threading.Lock()
    lanes = {u.unit: threading.Lock() for u in uploads}
    t0 = time.monotonic() + 0.2

    def send(index: int) -> None:
        delay = t0 + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        upload = uploads[index]
        with lanes[upload.unit]:
            late = max(0.0, time.monotonic() - (t0 + index / rate))
            started = datetime.now(UTC)
            doc_id = post_one(client, upload, programme, period, timed.retried)
        with lock:
            timed.sent.append(Sent(upload, doc_id, started, late))

    workers = max(4, min(32, int(rate * 2)))
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(send, i) for i in range(len(uploads))]
        while not all(f.done() for f in futures):
            if tick is not None:
                tick()
            time.sleep(0.5)
        for future in futures:
            future.result()  # a failed upload fails the run
    timed.send_seconds = time.monotonic() - t0
    return timed


def wait_final(
    settings: Settings,
    timed: Timed,
    timeout: float,
    tick: Callable[[], None] | None = None,
    seen: FirstVerdicts | None = None,
) -> None:
    """Poll the database until every sent document is final; fill in the latencies (to each
    one's first verdict, when `seen` watched the phase)."""
    ids = [s.document_id for s in timed.sent]
    engine = create_db_engine(settings)
    answered = time.monotonic()
    deadline = answered + timeout
    try:
        while True:
            with engine.connect() as conn:
                rows = list(
                    conn.execute(
                        sa.select(Document.id, Document.status, Document.checked_at).where(
                            Document.id.in_(ids)
                        )
                    )
                )
            final = {r.id: r.checked_at for r in rows if r.status in FINAL and r.checked_at}
            if len(final) == len(ids):
                break
            if time.monotonic() > deadline:
                raise BenchError(f"{len(ids) - len(final)} documents not final after {timeout}s")
            if tick is not None:
                tick()
            time.sleep(0.5)
    finally:
        engine.dispose()
    if seen is not None:
        seen.poll()
        final = {doc_id: seen.at(doc_id, at) for doc_id, at in final.items()}
    for sent in timed.sent:
        kind = sent.upload.kind
        seconds = (final[sent.document_id] - sent.started).total_seconds()
        timed.latency.setdefault(kind, []).append(seconds)
    last_final = max(final.values())
    timed.drain_seconds = max(
        0.0, (last_final - max(s.started for s in timed.sent)).total_seconds()
    )
    timed.span_seconds = (last_final - min(s.started for s in timed.sent)).total_seconds()
