"""Where a worker's CPU goes per file, beyond the checks: the pipeline run in this process over
documents already stored (local object folder, a fresh PostgreSQL database), under cProfile.

    .venv/bin/python -m bench.profile_worker [--photos 60] [--pdfs 20] [--top 25]
    .venv/bin/python -m bench.profile_worker --corpus 300   # the benchmark's own files instead

Prints CPU ms per file for the whole pipeline and for the checks alone (extract + rules), and
the functions with the most cumulative time, so the overhead (database, storage, events) shows
next to the checks. A figure to read, never a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import secrets
import tempfile
import time
from pathlib import Path

from bench.corpus import base_pdf, base_photo, build_corpus
from bench.services import add_units, bench_database, store_files
from infra.db import create_db_engine, create_session_factory, transaction
from infra.settings import Settings
from tests.support.records import add_document
from worker.pipeline import Result, verify_document
from worker.runtime import WorkerRuntime

CRITERIA = ["P2H-01-PARKIR", "P2H-01-RAMP", "P2H-02-LOKET", "P2H-02-TOILET", "P2H-02-LAKTASI"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="no profiler: the pipeline's CPU a file as it runs (the profiler inflates Python)",
    )
    parser.add_argument(
        "--corpus",
        type=int,
        default=0,
        help="check the first N files of bench.run's corpus (its near-duplicate photos and "
        "all) instead of distinct generated ones: the same work as the stack minus Celery",
    )
    args = parser.parse_args()
    tag = secrets.token_hex(3)
    with bench_database(f"prof_{tag}") as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=url, data_dir=Path(tmp), queue_name=f"absah-prof-{tag}", seed_units=False
        )
        engine = create_db_engine(settings)
        factory = create_session_factory(engine)
        unit = "B" + tag.upper()
        with transaction(factory) as session:
            add_units(session, [unit], "lapas")
        if args.corpus:
            corpus, _ = build_corpus(args.corpus)
            files = corpus.files[: args.corpus]
            ids = store_files(settings, factory, unit, corpus, files)
            photos = sum(1 for f in files if f.kind == "photo")
            mix = f"{photos} photos, {len(files) - photos} PDFs, from the corpus"
        else:
            ids = [
                add_document(
                    settings, factory, unit, base_photo(i), f"foto-{i}.jpg", CRITERIA[i % 5]
                )
                for i in range(args.photos)
            ]
            ids += [
                add_document(settings, factory, unit, base_pdf(1 + i % 4), f"sk-{i}.pdf")
                for i in range(args.pdfs)
            ]
            mix = f"{args.photos} photos, {args.pdfs} PDFs"
        rt = WorkerRuntime(settings)
        rt.warm_up()
        profile = cProfile.Profile()
        started = time.process_time()
        if not args.plain:
            profile.enable()
        results = [verify_document(rt, doc_id) for doc_id in ids]
        profile.disable()
        cpu = time.process_time() - started
        engine.dispose()
        rt.engine.dispose()
    checked = sum(1 for r in results if r is Result.CHECKED)
    n = len(ids)
    if args.plain:
        print(f"{n} documents ({mix}), {checked} checked")
        print(f"  pipeline CPU {1000 * cpu / n:.1f} ms a file (no profiler)")
        return
    stats = pstats.Stats(profile)
    checks = sum(
        row[3]  # cumulative time
        for func, row in stats.stats.items()  # type: ignore[attr-defined]
        if (func[0].endswith("extract.py") and func[2] == "extract_facts")
        or (func[0].endswith("checking.py") and func[2] == "evaluate_facts")
    )
    print(f"{n} documents ({mix}), {checked} checked")
    print(f"  pipeline CPU {1000 * cpu / n:.1f} ms a file (under the profiler)")
    print(f"  checks (extract + rules) {1000 * checks / n:.1f} ms a file")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
