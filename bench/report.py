"""Everything one run measured, as the JSON summary written to bench/out/last.json."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.bigupload import BigResult
from bench.corpus import Corpus
from bench.costs import KindCosts
from bench.inprocess import InProcessResult
from bench.measure import MB, machine, percentile
from bench.ocrbacklog import BacklogResult
from bench.phaseruns import SteadyResult
from bench.stackrun import StackResult
from bench.steady import Timed

RATIO_TARGET = 0.70
BIG_MEMORY_TARGET_MB = 200.0


@dataclass
class Results:
    corpus: Corpus
    source: str
    inproc: InProcessResult
    loads: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())
    costs: dict[str, KindCosts] | None = None
    local: StackResult | None = None
    s3: StackResult | None = None
    sqlite: StackResult | None = None
    inproc_after: InProcessResult | None = None  # the same run again, after the stacks
    steady: SteadyResult | None = None
    scale: list[StackResult] = field(default_factory=list)
    backlog: BacklogResult | None = None
    big: BigResult | None = None
    phase_seconds: dict[str, float] = field(default_factory=dict)


def _ms(values: list[float]) -> float:
    return 1000 * sum(values) / len(values) if values else 0.0


def _in_process(i: InProcessResult) -> dict[str, Any]:
    return {
        "processes": i.processes,
        "seconds": i.seconds,
        "files_per_s": i.rate,
        "cpu_seconds": i.cpu_seconds,
        "cpu_ms_per_file": 1000 * i.cpu_seconds / i.files,
        "cpu_ms_per_file_by_kind": {k: _ms(v) for k, v in i.cpu_per_file.items()},
        "statuses": dict(Counter(i.statuses.values())),
    }


def reference_rate(r: Results) -> float:
    """In-process files/s the stacks are compared with: the mean of the run before the stacks
    and the run after them (this machine's speed drifts between phases)."""
    rates = [i.rate for i in (r.inproc, r.inproc_after) if i is not None]
    return sum(rates) / len(rates)


def _stack(k: StackResult, inproc: InProcessResult, reference: float) -> dict[str, Any]:
    mismatched = sorted(
        name for name, status in inproc.statuses.items() if k.statuses.get(name) != status
    )
    ratio = k.rate / reference if reference else 0.0
    return {
        "storage": k.storage,
        "database": k.database,
        "worker_processes": k.processes,
        "worker_concurrency": k.concurrency,
        "documents": k.documents,
        "seconds": k.seconds,
        "files_per_s": k.rate,
        "ratio_to_in_process": ratio,
        "ratio_target_met": ratio >= RATIO_TARGET,
        "intake_seconds": k.intake_seconds,
        "intake_mb_per_s": sum(b.megabytes for b in k.bundles) / k.intake_seconds,
        "bundles": len(k.bundles),
        "rejected_entries": sum(b.rejected for b in k.bundles),
        "latency_created_to_final_s": {
            "p50": percentile(k.latency_checked, 0.50),
            "p95": percentile(k.latency_checked, 0.95),
        },
        "latency_upload_start_to_final_s": {
            "p50": percentile(k.latency_upload, 0.50),
            "p95": percentile(k.latency_upload, 0.95),
        },
        "peak_memory_mb": k.memory_mb,
        "cpu_seconds": k.cpu_seconds,
        "cpu_ms_per_file": k.cpu_ms_per_file,
        "statuses": dict(Counter(k.statuses.values())),
        "status_mismatches_vs_in_process": len(mismatched),
        "mismatch_examples": mismatched[:5],
        "notes": k.notes,
    }


def _timed(t: Timed) -> dict[str, Any]:
    return {
        "sent": len(t.sent),
        "retried_503": len(t.retried),
        "send_seconds": t.send_seconds,
        "drain_seconds": t.drain_seconds,
        "upload_to_final_s": t.figures(),
        "by_kind": {kind: t.figures(kind) for kind in sorted(t.latency)},
    }


def _steady(s: SteadyResult) -> dict[str, Any]:
    sent = len(s.timed.sent)
    return {
        "rate_asked": s.rate,
        "rate_achieved": s.achieved_rate,
        "units_uploading_at_once": s.lanes,
        "seconds_asked": s.seconds,
        "upload_start_late_p95_s": s.late_p95,
        "storage": s.storage,
        "database": "PostgreSQL",
        "worker_processes": s.processes,
        "worker_concurrency": s.concurrency,
        "cpu_ms_per_file": {k: 1000 * v / sent for k, v in s.cpu_seconds.items()},
        **_timed(s.timed),
    }


def _backlog(b: BacklogResult) -> dict[str, Any]:
    return {
        "scans": b.scans,
        "pages_per_scan": b.pages_per_scan,
        "checks_worker_concurrency": b.checks_concurrency,
        "ocr_worker_concurrency": b.ocr_concurrency,
        "photo_rate": b.photo_rate,
        "photos_without_backlog": _timed(b.without),
        "photos_with_backlog": _timed(b.with_backlog),
        "ocr_queue_waiting_at_photo_start": b.depth_at_photo_start,
        "ocr_queue_waiting_at_photo_end": b.depth_at_photo_end,
        "ocr_queue_waiting_samples": b.depth_samples,
        "scans_unfinished_when_photos_final": b.scans_unfinished_when_photos_final,
        "scan_uploads": _timed(b.scans_timed),
        "ocr_seconds": b.ocr_seconds,
        "ocr_seconds_per_page": b.seconds_per_page,
    }


def summarise(args: argparse.Namespace, r: Results) -> dict[str, Any]:
    corpus = r.corpus
    pages = [f.pages for f in corpus.files if f.kind == "pdf"]
    photos = corpus.sizes("photo")
    summary: dict[str, Any] = {
        "machine": {**machine(), "load_start": r.loads[0], "load_end": r.loads[1]},
        "profile": "quick" if args.quick else "full",
        "corpus": {
            "files": len(corpus.files),
            "photos": len(photos),
            "photo_mb": [min(photos, default=0) / MB, max(photos, default=0) / MB],
            "pdfs": len(pages),
            "pdf_pages": [min(pages, default=0), max(pages, default=0)],
            "total_mb": sum(f.size for f in corpus.files) / MB,
            "files_per_bundle": args.bundle_files,
            "source": r.source,
        },
        "in_process": {
            **_in_process(r.inproc),
            "files_per_s_after_stacks": r.inproc_after.rate if r.inproc_after else None,
            "reference_files_per_s": reference_rate(r),
        },
        "phase_seconds": r.phase_seconds,
        "targets": {},
    }
    if r.costs is not None:
        summary["costs"] = {kind: costs.summary() for kind, costs in r.costs.items()}
        for kind, found in summary["costs"].items():  # the reduced photo check vs the full decode
            if "reduced_over_full" in found:
                share = found["reduced_over_full"]
                summary["targets"][f"{kind}_check_vs_full_decode"] = {
                    "target": "<= 50%",
                    "share": share,
                    "met": share <= 0.5,
                }
    for key, stack in (("stack_local", r.local), ("stack", r.s3), ("stack_sqlite", r.sqlite)):
        if stack is not None:
            summary[key] = _stack(stack, r.inproc, reference_rate(r))
            summary["targets"][f"{key}_vs_in_process"] = {
                "target": f">= {RATIO_TARGET:.0%}",
                "met": summary[key]["ratio_target_met"],
            }
    if r.s3 is not None:
        summary["ratio"] = summary["stack"]["ratio_to_in_process"]
    if r.local is not None:
        summary["ratio_local"] = summary["stack_local"]["ratio_to_in_process"]
    if r.steady is not None:
        summary["steady"] = _steady(r.steady)
    if r.scale:
        summary["scale_out"] = [
            {
                "worker_processes": k.processes,
                "concurrency_per_process": k.concurrency,
                "documents": k.documents,
                "seconds": k.seconds,
                "files_per_s": k.rate,
                "cpu_ms_per_file": k.cpu_ms_per_file["total"],
                "storage": k.storage,
            }
            for k in r.scale
        ]
    if r.backlog is not None:
        summary["ocr_backlog"] = _backlog(r.backlog)
    if r.big is not None:
        summary["big_upload"] = {**asdict(r.big), "mb_per_s": r.big.rate}
        summary["targets"]["big_upload_api_memory"] = {
            "target": f"< {BIG_MEMORY_TARGET_MB:.0f} MB",
            "met": r.big.api_peak_after_mb < BIG_MEMORY_TARGET_MB,
        }
    return summary
