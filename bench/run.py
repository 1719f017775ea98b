"""The throughput and memory benchmark (DESIGN.md "Quality bars"): prints figures, never asserts.

    .venv/bin/python -m bench.run [--files N] [--workers C] [--big-mb M] [--skip-big]

1. A mixed batch (80 % JPEG photos of 1–3 MB, 20 % text PDFs of 1–20 pages) is generated and
   cached under bench/out/.
2. In-process: the worker's own extraction and checks (`check_path`) in a pool of C processes.
3. The stack: ZIP bundles over HTTP → moto S3 (own process) → Redis → a Celery worker of
   concurrency C → PostgreSQL (a database of this run's own), until every document is final.
4. One big multipart upload to a fresh API on local-directory storage, with its peak memory.

Targets on a 2-core machine: the stack reaches ≥ 70 % of the in-process rate; the API stays
under 200 MB for the 500 MB upload. A missed target is reported, not an error: the exit status
is non-zero only when the run itself failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench.bigupload import BigResult, run_big_upload
from bench.corpus import OUT, Corpus, big_file, build_bundles, build_corpus
from bench.inprocess import InProcessResult, run_in_process
from bench.measure import MB, load_average, machine, percentile
from bench.services import (
    REDIS_URL,
    BenchError,
    MotoServer,
    bench_database,
    delete_queue_keys,
    make_unit_and_key,
    require_redis,
)
from bench.stackrun import StackResult, run_stack
from infra.settings import Settings

RATIO_TARGET = 0.70
BIG_MEMORY_TARGET_MB = 200.0
UNIT_KIND = "lapas"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="absah throughput and memory benchmark"
    )
    parser.add_argument("--files", type=int, default=1000, help="files in the batch (1000)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes on each side (cores)"
    )
    parser.add_argument("--bundle-files", type=int, default=100, help="files per ZIP bundle (100)")
    parser.add_argument("--big-mb", type=int, default=500, help="size of the big upload (500)")
    parser.add_argument("--skip-big", action="store_true", help="skip the big upload")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    args = parser.parse_args(argv)
    if args.files < 1 or args.workers < 1 or args.bundle_files < 1 or args.big_mb < 1:
        parser.error("--files, --workers, --bundle-files and --big-mb must be positive")
    return args


def stack_settings(
    tag: str, database_url: str, s3_url: str, workdir: Path, corpus: Corpus, per_bundle: int
) -> Settings:
    """This run's own queue and bucket; bundle bounds raised only if the bundles need it."""
    sizes = [f.size for f in corpus.files]
    expanded = max(sum(sizes[i : i + per_bundle]) for i in range(0, len(sizes), per_bundle))
    defaults = Settings()
    return Settings(
        data_dir=workdir / "data",
        database_url=database_url,
        broker_url=REDIS_URL,
        queue_name=f"absah-bench-{tag}",
        s3_endpoint_url=s3_url,
        s3_bucket=f"absah-bench-{tag}",
        s3_access_key_id="testing",
        s3_secret_access_key=SecretStr("testing"),
        max_bundle_entries=max(defaults.max_bundle_entries, per_bundle + 10),
        max_bundle_bytes=max(defaults.max_bundle_bytes, expanded + 64 * MB),
        max_bundle_expanded_bytes=max(defaults.max_bundle_expanded_bytes, expanded + 64 * MB),
    )


def big_settings(settings: Settings, tag: str, workdir: Path, megabytes: int) -> Settings:
    """Local-directory storage: moto would hold the object in its own memory, not the API's."""
    return settings.model_copy(
        update={
            "data_dir": workdir / "big-data",
            "s3_bucket": None,
            "s3_endpoint_url": None,
            "queue_name": f"absah-bench-{tag}-big",  # nobody consumes it; its keys are deleted
            "max_upload_bytes": (megabytes + 16) * MB,
        }
    )


# --- the summary ------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def summarise(
    args: argparse.Namespace,
    corpus: Corpus,
    corpus_info: dict[str, Any],
    inproc: InProcessResult,
    stack: StackResult,
    big: BigResult | None,
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> dict[str, Any]:
    ratio = stack.rate / inproc.rate if inproc.rate else 0.0
    mismatched = sorted(
        name for name, status in inproc.statuses.items() if stack.statuses.get(name) != status
    )
    stack_cpu = sum(stack.cpu_seconds.values())
    pages = [f.pages for f in corpus.files if f.kind == "pdf"]
    photos = corpus.sizes("photo")
    summary: dict[str, Any] = {
        "machine": {**machine(), "load_start": loads[0], "load_end": loads[1]},
        "corpus": {
            "files": len(corpus.files),
            "photos": len(photos),
            "photo_mb": [min(photos, default=0) / MB, max(photos, default=0) / MB],
            "pdfs": len(pages),
            "pdf_pages": [min(pages, default=0), max(pages, default=0)],
            "total_mb": sum(f.size for f in corpus.files) / MB,
            "bundles": len(stack.bundles),
            "files_per_bundle": args.bundle_files,
            **corpus_info,
        },
        "in_process": {
            "processes": inproc.processes,
            "seconds": inproc.seconds,
            "files_per_s": inproc.rate,
            "cpu_seconds": inproc.cpu_seconds,
            "cpu_ms_per_file": 1000 * inproc.cpu_seconds / inproc.files,
            "statuses": dict(Counter(inproc.statuses.values())),
        },
        "stack": {
            "worker_concurrency": stack.concurrency,
            "documents": stack.documents,
            "seconds": stack.seconds,
            "files_per_s": stack.rate,
            "intake_seconds": stack.intake_seconds,
            "intake_mb_per_s": sum(b.megabytes for b in stack.bundles) / stack.intake_seconds,
            "rejected_entries": sum(b.rejected for b in stack.bundles),
            "latency_created_to_final_s": {
                "p50": percentile(stack.latency_checked, 0.50),
                "p95": percentile(stack.latency_checked, 0.95),
            },
            "latency_upload_start_to_final_s": {
                "p50": percentile(stack.latency_upload, 0.50),
                "p95": percentile(stack.latency_upload, 0.95),
            },
            "peak_memory_mb": stack.memory_mb,
            "cpu_seconds": stack.cpu_seconds,
            "cpu_ms_per_file": 1000 * stack_cpu / stack.documents,
            "statuses": dict(Counter(stack.statuses.values())),
            "status_mismatches_vs_in_process": len(mismatched),
            "mismatch_examples": mismatched[:5],
            "notes": stack.notes,
        },
        "ratio": ratio,
        "targets": {
            "stack_vs_in_process": {
                "target": f">= {RATIO_TARGET:.0%}",
                "met": ratio >= RATIO_TARGET,
            },
        },
    }
    if big is not None:
        summary["big_upload"] = {**asdict(big), "mb_per_s": big.rate}
        summary["targets"]["big_upload_api_memory"] = {
            "target": f"< {BIG_MEMORY_TARGET_MB:.0f} MB",
            "met": big.api_peak_after_mb < BIG_MEMORY_TARGET_MB,
        }
    return summary


def render(s: dict[str, Any]) -> str:
    m, c, i, k = s["machine"], s["corpus"], s["in_process"], s["stack"]
    lines = [
        "=" * 78,
        "absah benchmark",
        "=" * 78,
        f"machine      {m['cores']} cores, {m['ram_mb']} MB RAM, Python {m['python']}, "
        f"{m['platform']}",
        f"load avg     start {' '.join(f'{x:.2f}' for x in m['load_start'])}"
        f"   end {' '.join(f'{x:.2f}' for x in m['load_end'])}",
        f"corpus       {c['files']} files, {c['total_mb']:.0f} MB: {c['photos']} JPEG "
        f"({c['photo_mb'][0]:.2f}–{c['photo_mb'][1]:.2f} MB), {c['pdfs']} PDF "
        f"({c['pdf_pages'][0]}–{c['pdf_pages'][1]} pages); {c['bundles']} ZIP bundle(s) of "
        f"≤ {c['files_per_bundle']}; {c['source']}",
        "",
        f"in-process   {i['processes']} processes: {i['seconds']:.1f} s, "
        f"{i['files_per_s']:.2f} files/s, CPU {i['cpu_ms_per_file']:.0f} ms/file",
        f"             statuses {i['statuses']}",
        f"stack        worker concurrency {k['worker_concurrency']}: {k['documents']} documents "
        f"in {k['seconds']:.1f} s, {k['files_per_s']:.2f} files/s",
        f"             intake (all POSTs) {k['intake_seconds']:.1f} s, "
        f"{k['intake_mb_per_s']:.1f} MB/s; rejected entries {k['rejected_entries']}",
        f"             latency created→final  p50 {k['latency_created_to_final_s']['p50']:.2f} s"
        f"  p95 {k['latency_created_to_final_s']['p95']:.2f} s",
        f"             latency upload→final   p50 {k['latency_upload_start_to_final_s']['p50']:.2f}"
        f" s  p95 {k['latency_upload_start_to_final_s']['p95']:.2f} s",
        "             peak memory (VmHWM)    "
        + ", ".join(f"{name} {mb:.0f} MB" for name, mb in k["peak_memory_mb"].items()),
        "             CPU seconds            "
        + ", ".join(f"{name} {sec:.1f}" for name, sec in k["cpu_seconds"].items())
        + f"  → {k['cpu_ms_per_file']:.0f} ms/file",
        f"             statuses {k['statuses']}; differing from in-process: "
        f"{k['status_mismatches_vs_in_process']}"
        + (f" e.g. {', '.join(k['mismatch_examples'])}" if k["mismatch_examples"] else ""),
        *(f"             note: {note}" for note in k["notes"]),
        "",
        f"ratio        stack / in-process = {s['ratio']:.1%}  (target {RATIO_TARGET:.0%}: "
        f"{_met(s['targets']['stack_vs_in_process']['met'])})",
    ]
    if "big_upload" in s:
        b = s["big_upload"]
        lines += [
            f"big upload   {b['megabytes']:.0f} MB to {b['storage']} storage in "
            f"{b['seconds']:.1f} s ({b['mb_per_s']:.0f} MB/s)",
            f"             API VmHWM before {b['api_peak_before_mb']:.0f} MB, after "
            f"{b['api_peak_after_mb']:.0f} MB (sampled RSS max {b['api_rss_sampled_max_mb']:.0f}"
            f" MB)  (target < {BIG_MEMORY_TARGET_MB:.0f} MB: "
            f"{_met(s['targets']['big_upload_api_memory']['met'])})",
        ]
    else:
        lines.append("big upload   skipped")
    lines.append("=" * 78)
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_start = load_average()
    tag = secrets.token_hex(4)
    unit = f"T{tag.upper()}"
    workdir = OUT / f"run-{tag}"
    log_dir = workdir / "logs"
    log_dir.mkdir(parents=True)
    print(f"run {tag}: logs in {log_dir}", flush=True)

    clock = time.perf_counter()
    corpus, cached = build_corpus(args.files, args.seed, processes=args.workers)
    bundles = build_bundles(corpus, args.bundle_files, processes=args.workers)
    big = None if args.skip_big else big_file(args.big_mb)
    source = f"{'cached' if cached else 'generated'} in {time.perf_counter() - clock:.1f} s"
    print(f"corpus: {len(corpus.files)} files, {len(bundles)} bundles ({source})", flush=True)

    defaults = Settings()
    inproc = run_in_process(corpus, args.workers, defaults, unit, UNIT_KIND)
    print(f"in-process: {inproc.rate:.2f} files/s", flush=True)

    require_redis()
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(bench_database(tag))
        moto = MotoServer(log_dir / "moto.log")
        stack.callback(moto.stop)
        settings = stack_settings(tag, database_url, moto.url, workdir, corpus, args.bundle_files)
        assert settings.s3_bucket is not None
        stack.callback(moto.empty_bucket, settings.s3_bucket)  # runs before moto stops
        stack.callback(delete_queue_keys, tag)
        headers = make_unit_and_key(settings, unit, UNIT_KIND)
        result = run_stack(
            settings,
            bundles=bundles,
            expected=len(corpus.files),
            unit=unit,
            headers=headers,
            concurrency=args.workers,
            moto_pid=moto.pid,
            log_dir=log_dir,
        )
        print(f"stack: {result.rate:.2f} files/s", flush=True)
        big_result = None
        if big is not None:
            big_result = run_big_upload(
                big_settings(settings, tag, workdir, args.big_mb),
                big=big,
                unit=unit,
                headers=headers,
                log_dir=log_dir,
            )
    if args.keep_logs:
        shutil.rmtree(workdir / "data", ignore_errors=True)
        shutil.rmtree(workdir / "big-data", ignore_errors=True)
    else:
        shutil.rmtree(workdir, ignore_errors=True)  # logs are kept only when the run fails
    return summarise(
        args,
        corpus,
        {"source": source},
        inproc,
        result,
        big_result,
        (load_start, load_average()),
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = run(args)
    except (BenchError, AssertionError, OSError) as exc:
        print(f"benchmark run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(render(summary))
    (OUT / "last.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(f"written: {OUT / 'last.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
