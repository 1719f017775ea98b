"""One big multipart upload, streamed from disk, while the API's resident memory is watched."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.measure import MB, RssSampler, memory
from bench.services import BenchError
from bench.stackrun import file_chunks
from infra.settings import Settings
from tests.support.stack import start_api


@dataclass(frozen=True)
class BigResult:
    megabytes: float
    seconds: float
    storage: str
    api_peak_before_mb: float  # VmHWM once the API answered /healthz
    api_peak_after_mb: float  # VmHWM after the upload was answered
    api_rss_sampled_max_mb: float  # largest VmRSS seen every 50 ms during the upload

    @property
    def rate(self) -> float:
        return self.megabytes / self.seconds if self.seconds else 0.0


def _multipart(path: Path, boundary: str, criterion: str) -> tuple[Iterator[bytes], int]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="criterion"\r\n\r\n{criterion}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="dokumen-besar.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        yield from file_chunks(path)
        yield tail

    return body(), len(head) + path.stat().st_size + len(tail)


def run_big_upload(
    settings: Settings,
    *,
    big: Path,
    unit: str,
    headers: dict[str, str],
    log_dir: Path,
    criterion: str = "P2H-00-SKTIM",
) -> BigResult:
    """POST one file to /documents with a fresh API; its peak memory before and after."""
    api, base = start_api(settings, log_dir)
    try:
        before = memory(api.pid).peak
        boundary = f"absah-bench-{secrets.token_hex(8)}"
        body, length = _multipart(big, boundary, criterion)
        with (
            RssSampler(api.pid) as sampler,
            httpx.Client(base_url=base, headers=headers, timeout=3600) as client,
        ):
            clock = time.perf_counter()
            answer = client.post(
                f"/v1/submissions/P2HAM/2025/{unit}/documents",
                content=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(length),
                },
            )
            seconds = time.perf_counter() - clock
        after = memory(api.pid).peak
    finally:
        api.stop()
    if answer.status_code != 202:
        raise BenchError(f"big upload: HTTP {answer.status_code} {answer.text[:500]}")
    return BigResult(
        megabytes=big.stat().st_size / MB,
        seconds=seconds,
        storage="S3" if settings.uses_s3() else "local directory",
        api_peak_before_mb=before / MB,
        api_peak_after_mb=after / MB,
        api_rss_sampled_max_mb=sampler.peak / MB,
    )
