"""Photos while scans wait for OCR (issue 12): a checks worker and an OCR worker as `absah run`
starts them (`--queues checks`, `--queues ocr`); photos are timed upload→final with no backlog,
then again just after several scanned PDFs (pages with no text layer) went to `<queue>.ocr`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.corpus import OUT, Corpus, with_pdf_subject
from bench.phases import Phase
from bench.stackproc import Stack, WorkerSpec, ocr_waiting
from bench.steady import Timed, Upload, send_at_rate, wait_final
from infra.db import create_db_engine
from infra.statuses import FINAL
from infra.tables import Document
from tests.support.factories import decree_pdf
from tests.support.scans import ScanStyle, scan_of
from tests.support.stack import wait_until

SCAN_CRITERION = "P2H-00-SKTIM"


@dataclass
class BacklogResult:
    scans: int
    pages_per_scan: int
    checks_concurrency: int
    ocr_concurrency: int
    photo_rate: float
    without: Timed  # photos, no OCR backlog
    with_backlog: Timed  # photos sent right after the scans
    scans_timed: Timed
    depth_at_photo_start: int = 0
    depth_at_photo_end: int = 0
    depth_samples: list[int] = field(default_factory=list)
    scans_unfinished_when_photos_final: int = 0
    ocr_seconds: float = 0.0  # first scan upload → last scan final

    @property
    def seconds_per_page(self) -> float:
        pages = self.scans * self.pages_per_scan
        return self.ocr_seconds / pages if pages else 0.0


def scan_files(count: int, pages: int) -> list[Path]:
    """`count` distinct scanned decrees of `pages` image-only pages each (cached)."""
    folder = OUT / f"scans-v1-p{pages}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"sk-scan-{index:03d}.pdf"
        if not path.exists():
            style = ScanStyle(dpi=200, skew_degrees=-2 + index % 4, noise=20, seed=index)
            data = scan_of(decree_pdf(pages=pages), style, pages=pages)
            partial = path.with_suffix(".part")
            partial.write_bytes(with_pdf_subject(data, f"absah-bench scan {index}"))
            partial.rename(path)
        paths.append(path)
    return paths


def _photos(corpus: Corpus, unit: str, start: int, count: int) -> list[Upload]:
    photos = [f for f in corpus.files if f.kind == "photo"][start : start + count]
    return [Upload(corpus.path(f), f.base_name, f.criterion, "photo", unit) for f in photos]


def _unfinished(phase: Phase, timed: Timed) -> int:
    engine = create_db_engine(phase.settings)
    try:
        with engine.connect() as conn:
            statuses = conn.execute(
                sa.select(Document.status).where(
                    Document.id.in_([s.document_id for s in timed.sent])
                )
            ).scalars()
            return sum(1 for status in statuses if status not in FINAL)
    finally:
        engine.dispose()


def run_ocr_backlog(
    phase: Phase,
    corpus: Corpus,
    log_dir: Path,
    *,
    scans: int,
    pages: int,
    photos: int,
    photo_rate: float,
    concurrency: int,
    ocr_concurrency: int = 1,
) -> BacklogResult:
    settings = phase.settings
    scan_uploads = [
        Upload(path, path.name, SCAN_CRITERION, "scan", phase.units[1])
        for path in scan_files(scans, pages)
    ]
    specs = [WorkerSpec(concurrency, "checks"), WorkerSpec(ocr_concurrency, "ocr")]
    with (
        Stack(settings, log_dir, specs) as stack,
        httpx.Client(base_url=stack.base, headers=phase.headers, timeout=600) as client,
    ):
        warm = send_at_rate(client, _photos(corpus, phase.units[0], 2 * photos, 4), photo_rate)
        wait_final(settings, warm, timeout=300)  # the pool's first tasks are not timed
        without = send_at_rate(client, _photos(corpus, phase.units[0], 0, photos), photo_rate)
        wait_final(settings, without, timeout=300 + 5 * photos)
        scans_timed = send_at_rate(client, scan_uploads, rate=20)
        wait_until(  # the checks worker found no text layer and handed them over
            lambda: ocr_waiting(settings) >= max(1, scans - ocr_concurrency),
            60,
            "the scans to reach the OCR queue",
            interval=0.2,
        )
        result = BacklogResult(
            scans, pages, concurrency, ocr_concurrency, photo_rate, without, Timed(), scans_timed
        )
        result.depth_at_photo_start = ocr_waiting(settings)

        def sample() -> None:
            result.depth_samples.append(ocr_waiting(settings))

        loaded = _photos(corpus, phase.units[1], photos, photos)
        result.with_backlog = send_at_rate(client, loaded, photo_rate, tick=sample)
        wait_final(settings, result.with_backlog, timeout=300 + 5 * photos, tick=sample)
        result.depth_at_photo_end = ocr_waiting(settings)
        result.scans_unfinished_when_photos_final = _unfinished(phase, scans_timed)
        wait_final(settings, scans_timed, timeout=120 + 90 * scans * pages)
    result.ocr_seconds = scans_timed.span_seconds
    return result
