"""The benchmark's flags, and the two profiles that fill in what was not given: the full
default run (at most ~15 minutes on 2 cores) and `--quick` (a few minutes)."""

from __future__ import annotations

import argparse
import os
from typing import Any

FULL: dict[str, Any] = {
    "files": 1000,
    "big_mb": 500,
    "steady_seconds": 120.0,
    "cost_files": 400,
    "phone_photos": 12,
    "scale_files": 600,  # enough that start-up and the last stragglers do not dominate
    "ocr_scans": 4,
    "ocr_pages": 3,
    "ocr_photos": 30,
}
QUICK: dict[str, Any] = {
    "files": 200,
    "big_mb": 100,
    "steady_seconds": 30.0,
    "cost_files": 200,
    "phone_photos": 6,
    "scale_files": 100,
    "ocr_scans": 3,
    "ocr_pages": 2,
    "ocr_photos": 16,
}


def _processes(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("worker process counts must be positive")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="absah throughput, cost, latency and memory benchmark (prints figures, "
        "never fails on a target)",
    )
    add = parser.add_argument
    add("--quick", action="store_true", help="a run of a few minutes: " + _show(QUICK))
    add("--files", type=int, help=f"files in the batch ({FULL['files']})")
    add("--workers", type=int, default=os.cpu_count() or 1, help="processes on each side (cores)")
    add("--bundle-files", type=int, default=100, help="files per ZIP bundle (100)")
    add("--big-mb", type=int, help=f"size of the big upload ({FULL['big_mb']})")
    add("--skip-big", action="store_true", help="skip the big upload")
    add("--skip-costs", action="store_true", help="skip the per-file floor and check costs")
    add("--cost-files", type=int, help=f"first files measured for costs ({FULL['cost_files']})")
    add(
        "--phone-photos",
        type=int,
        help=f"12 MP photos costed apart, 0 to skip ({FULL['phone_photos']})",
    )
    add(
        "--skip-sqlite",
        action="store_true",
        help="skip the stack on the embedded default (SQLite, local object folder)",
    )
    add("--skip-local", action="store_true", help="skip the stack on the local object folder")
    add("--skip-s3", action="store_true", help="skip the stack on S3 (moto)")
    add("--steady-rate", type=float, default=10.0, help="files a second, steady phase (10)")
    add(
        "--steady-seconds",
        type=float,
        help=f"seconds of steady uploads, 0 to skip ({FULL['steady_seconds']:.0f})",
    )
    add(
        "--scale-files",
        type=int,
        help=f"files of the scale-out runs, 0 to skip ({FULL['scale_files']})",
    )
    add(
        "--scale-processes",
        type=_processes,
        default=[1, 2],
        help="worker process counts to compare (1,2)",
    )
    add("--scale-concurrency", type=int, default=1, help="pool processes of each worker (1)")
    add(
        "--ocr-scans",
        type=int,
        help=f"scanned PDFs of the OCR backlog, 0 to skip ({FULL['ocr_scans']})",
    )
    add("--ocr-pages", type=int, help=f"pages of each scan ({FULL['ocr_pages']})")
    add(
        "--ocr-photos",
        type=int,
        help=f"photos timed with and without the backlog ({FULL['ocr_photos']})",
    )
    add("--ocr-photo-rate", type=float, default=2.0, help="photos a second, OCR phase (2)")
    add("--seed", type=int, default=1, help="corpus seed (1)")
    add("--keep-logs", action="store_true", help="keep the processes' logs")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    positive = (
        "files",
        "cost_files",
        "workers",
        "bundle_files",
        "big_mb",
        "scale_concurrency",
        "ocr_pages",
    )
    if any(getattr(args, key) < 1 for key in positive):
        parser.error("--" + ", --".join(k.replace("_", "-") for k in positive) + " must be > 0")
    counts = (args.steady_seconds, args.scale_files, args.ocr_scans, args.phone_photos)
    if min(counts) < 0 or args.steady_rate <= 0:
        parser.error("--steady-seconds, --scale-files, --ocr-scans and --phone-photos must be ≥ 0")
    if args.ocr_scans and (args.ocr_photos < 1 or args.ocr_photo_rate <= 0):
        parser.error("--ocr-photos and --ocr-photo-rate must be > 0")
    return args


def _show(profile: dict[str, Any]) -> str:
    return ", ".join(f"--{k.replace('_', '-')} {v:g}" for k, v in profile.items())
