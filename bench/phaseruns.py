"""The timed phases on a running stack: a steady upload rate, and scale-out over worker
processes (both on the embedded default storage, the local object folder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.corpus import Corpus
from bench.firstfinal import FirstVerdicts
from bench.measure import percentile
from bench.phases import Phase
from bench.stackproc import Stack, WorkerSpec
from bench.stackrun import StackResult, run_stack
from bench.steady import Timed, corpus_uploads, send_at_rate, wait_final


@dataclass
class SteadyResult:
    rate: float  # files a second asked for
    seconds: float  # of sending asked for
    processes: int
    concurrency: int
    storage: str
    timed: Timed
    cpu_seconds: dict[str, float]
    lanes: int = 1

    @property
    def achieved_rate(self) -> float:
        sent = len(self.timed.sent)
        return sent / self.timed.send_seconds if self.timed.send_seconds else 0.0

    @property
    def late_p95(self) -> float:
        return percentile([s.late for s in self.timed.sent], 0.95)


def steady_lanes(rate: float) -> int:
    """Units uploading at once: each has one upload in flight, one every two seconds."""
    return max(2, round(2 * rate))


def units_for_steady(corpus: Corpus, rate: float, seconds: float) -> int:
    """`steady_lanes` units for each pass over the corpus (no file twice in one submission)."""
    return steady_lanes(rate) * max(1, -(-int(rate * seconds) // len(corpus.files)))


def run_steady(
    phase: Phase, corpus: Corpus, log_dir: Path, *, rate: float, seconds: float, concurrency: int
) -> SteadyResult:
    """`rate` single-file uploads a second for `seconds`, each timed upload→final."""
    uploads = corpus_uploads(corpus, phase.units, int(rate * seconds), steady_lanes(rate))
    with (
        Stack(phase.settings, log_dir, [WorkerSpec(concurrency)]) as stack,
        httpx.Client(
            base_url=stack.base,
            headers=phase.headers,
            timeout=600,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        ) as client,
        FirstVerdicts(phase.settings) as seen,
    ):
        before = stack.cpu()
        timed = send_at_rate(client, uploads, rate)
        wait_final(phase.settings, timed, timeout=600 + 2 * len(uploads), seen=seen)
        after = stack.cpu()
    return SteadyResult(
        rate,
        seconds,
        1,
        concurrency,
        phase.storage,
        timed,
        {k: after[k] - before[k] for k in after},
        steady_lanes(rate),
    )


def run_scale_point(
    phase: Phase,
    bundles: list[Path],
    expected: int,
    log_dir: Path,
    *,
    processes: int,
    concurrency: int,
) -> StackResult:
    """The bundles through `processes` worker processes of `concurrency` pool processes each."""
    return run_stack(
        phase.settings,
        bundles=bundles,
        expected=expected,
        unit=phase.unit,
        headers=phase.headers,
        processes=processes,
        concurrency=concurrency,
        moto_pid=None,
        log_dir=log_dir,
    )
