"""The benchmark (DESIGN.md "Quality bars", issue 17): prints figures, never asserts on timing.

    .venv/bin/python -m bench.run [--quick] [--files N] [--workers C] [--steady-seconds S] ...

1. A mixed batch (80 % JPEG photos of 1–3 MB, 20 % text PDFs of 1–20 pages), cached in bench/out/.
2. In-process: the worker's own extraction and checks (`check_path`) in a pool of C processes.
3. Cost per file, photos and PDFs apart: the floor (read + SHA-256 + libmagic), the checks, and
   the photo check with today's reduced decode next to a full-size decode (bench/fulldecode.py).
4. The stack, twice on the same cores: ZIP bundles over HTTP → storage → Redis → a Celery worker
   of concurrency C → PostgreSQL, with the local object folder (the embedded default's storage;
   PostgreSQL rather than embedded SQLite for the database), then with moto's S3 server.
5. A steady rate of single-file uploads (10 files/s), each timed upload→final.
6. Scale-out: the same bundles through 1 and 2 worker processes.
7. Photos timed with and without a backlog of scans on the OCR queue (its own worker).
8. One big multipart upload to a fresh API on local storage, with its peak memory.

Every phase has its own PostgreSQL database, queue and storage. A missed target is reported,
not an error: the exit status is non-zero only when the run itself failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.bigupload import run_big_upload
from bench.corpus import OUT, Corpus, big_file, build_bundles, build_corpus, phone_photos
from bench.costs import run_costs
from bench.inprocess import run_in_process
from bench.measure import MB, load_average
from bench.ocrbacklog import run_ocr_backlog
from bench.options import parse_args
from bench.phaseruns import run_scale_point, run_steady, units_for_steady
from bench.phases import UNIT_KIND, phase
from bench.render import render
from bench.report import Results, summarise
from bench.services import BenchError, MotoServer, require_redis
from bench.stackrun import run_stack
from infra.settings import Settings


def bundle_bytes(corpus: Corpus, per_bundle: int, first: int | None = None) -> int:
    """The largest bundle's expanded size (the bundle bounds are raised to fit it)."""
    sizes = [f.size for f in corpus.files][:first]
    return max(sum(sizes[i : i + per_bundle]) for i in range(0, len(sizes), per_bundle))


class Clock:
    """Seconds each phase took, printed with the summary."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        print(f"-- {name} ...", flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - start
            print(f"-- {name}: {self.seconds[name]:.0f} s", flush=True)


def _stacks(args: argparse.Namespace, r: Results, tag: str, workdir: Path, clock: Clock) -> None:
    corpus, log_dir = r.corpus, workdir / "logs"
    bundles = build_bundles(corpus, args.bundle_files, processes=args.workers)
    size = bundle_bytes(corpus, args.bundle_files)
    common: dict[str, Any] = {
        "bundles": bundles,
        "expected": len(corpus.files),
        "processes": 1,
        "concurrency": args.workers,
        "log_dir": log_dir,
    }
    if not args.skip_sqlite:
        with (
            clock.phase("stack, SQLite"),
            phase(
                tag,
                "sqlite",
                workdir,
                bundle_bytes=size,
                bundle_entries=args.bundle_files,
                sqlite=True,
            ) as p,
        ):
            r.sqlite = run_stack(
                p.settings, unit=p.unit, headers=p.headers, moto_pid=None, **common
            )
        print(f"   {r.sqlite.rate:.2f} files/s", flush=True)
    if not args.skip_local:
        with (
            clock.phase("stack, local folder"),
            phase(tag, "local", workdir, bundle_bytes=size, bundle_entries=args.bundle_files) as p,
        ):
            r.local = run_stack(p.settings, unit=p.unit, headers=p.headers, moto_pid=None, **common)
        print(f"   {r.local.rate:.2f} files/s", flush=True)
    if not args.skip_s3:
        with contextlib.ExitStack() as stack, clock.phase("stack, S3 (moto)"):
            moto = MotoServer(log_dir / "moto.log")
            stack.callback(moto.stop)
            p = stack.enter_context(
                phase(
                    tag,
                    "s3",
                    workdir,
                    moto=moto,
                    bundle_bytes=size,
                    bundle_entries=args.bundle_files,
                )
            )
            r.s3 = run_stack(
                p.settings, unit=p.unit, headers=p.headers, moto_pid=moto.pid, **common
            )
        print(f"   {r.s3.rate:.2f} files/s", flush=True)


def _timed_phases(
    args: argparse.Namespace, r: Results, tag: str, workdir: Path, clock: Clock
) -> None:
    corpus, log_dir = r.corpus, workdir / "logs"
    if args.steady_seconds:
        units = units_for_steady(corpus, args.steady_rate, args.steady_seconds)
        with clock.phase("steady rate"), phase(tag, "steady", workdir, units=units) as p:
            r.steady = run_steady(
                p,
                corpus,
                log_dir,
                rate=args.steady_rate,
                seconds=args.steady_seconds,
                concurrency=args.workers,
            )
    if args.scale_files:
        first = min(args.scale_files, len(corpus.files))
        bundles = build_bundles(corpus, args.bundle_files, args.workers, first=first)
        size = bundle_bytes(corpus, args.bundle_files, first)
        for count in args.scale_processes:
            with (
                clock.phase(f"scale-out {count} process(es)"),
                phase(
                    tag,
                    f"scale{count}",
                    workdir,
                    bundle_bytes=size,
                    bundle_entries=args.bundle_files,
                ) as p,
            ):
                r.scale.append(
                    run_scale_point(
                        p,
                        bundles,
                        first,
                        log_dir,
                        processes=count,
                        concurrency=args.scale_concurrency,
                    )
                )
    if args.ocr_scans:
        with clock.phase("OCR backlog"), phase(tag, "ocr", workdir, units=2) as p:
            r.backlog = run_ocr_backlog(
                p,
                corpus,
                log_dir,
                scans=args.ocr_scans,
                pages=args.ocr_pages,
                photos=args.ocr_photos,
                photo_rate=args.ocr_photo_rate,
                concurrency=args.workers,
            )


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_start = load_average()
    tag = secrets.token_hex(4)
    workdir = OUT / f"run-{tag}"
    log_dir = workdir / "logs"
    log_dir.mkdir(parents=True)
    print(f"run {tag} ({'quick' if args.quick else 'full'}): logs in {log_dir}", flush=True)
    clock = Clock()
    with clock.phase("corpus"):
        corpus, cached = build_corpus(args.files, args.seed, processes=args.workers)
        big = None if args.skip_big else big_file(args.big_mb)
    source = f"{'cached' if cached else 'generated'} in {clock.seconds['corpus']:.1f} s"

    defaults, unit = Settings(), f"T{tag.upper()}"
    with clock.phase("in-process"):
        inproc = run_in_process(corpus, args.workers, defaults, unit, UNIT_KIND)
    print(f"   {inproc.rate:.2f} files/s", flush=True)
    r = Results(corpus, source, inproc, phase_seconds=clock.seconds)
    if not args.skip_costs:
        with clock.phase("costs per file"):
            sample = Corpus(corpus.root, corpus.files[: args.cost_files])
            phone = phone_photos(args.phone_photos)
            r.costs = run_costs(sample, args.workers, defaults, unit, UNIT_KIND, phone)

    require_redis()
    _stacks(args, r, tag, workdir, clock)
    if r.local or r.s3 or r.sqlite:  # the machine's speed drifts: the ratio's reference twice
        with clock.phase("in-process again"):
            r.inproc_after = run_in_process(corpus, args.workers, defaults, unit, UNIT_KIND)
        print(f"   {r.inproc_after.rate:.2f} files/s", flush=True)
    _timed_phases(args, r, tag, workdir, clock)
    if big is not None:
        with clock.phase("big upload"), phase(tag, "big", workdir) as p:
            settings = p.settings.model_copy(update={"max_upload_bytes": (args.big_mb + 16) * MB})
            r.big = run_big_upload(
                settings, big=big, unit=p.unit, headers=p.headers, log_dir=log_dir
            )
    r.loads = (load_start, load_average())
    if not args.keep_logs:
        shutil.rmtree(workdir, ignore_errors=True)  # logs are kept only when the run fails
    return summarise(args, r)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = run(args)
    except (BenchError, AssertionError, OSError, httpx.HTTPError) as exc:
        print(f"benchmark run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(render(summary))
    (OUT / "last.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(f"written: {OUT / 'last.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
