"""What Celery adds to a check: the same stored files checked by the pipeline called in this
process, then by a real `absah worker` (one pool process) fed one message a file.

    .venv/bin/python -m bench.celery_share [--files 300]

Both halves run over the first N files of bench.run's corpus, stored twice (two units of
one region, so the near-duplicate search sees the same region size in both), on the local
object folder and a fresh PostgreSQL database. Prints CPU ms a file of this process for the
first half and of the worker's pool process (read from /proc) for the second. A figure to
read, never a test.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.corpus import build_corpus
from bench.services import REDIS_URL, add_units, bench_database, store_files
from bench.stackproc import Stack, WorkerSpec
from infra.db import create_db_engine, create_session_factory, transaction
from infra.queue import create_sender, send_verify
from infra.settings import Settings
from infra.statuses import FINAL, DocumentStatus
from infra.tables import Document
from tests.support.stack import wait_until
from worker.pipeline import verify_document
from worker.runtime import WorkerRuntime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    tag = secrets.token_hex(3)
    with bench_database(f"celery_{tag}") as url, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=url,
            data_dir=Path(tmp),
            broker_url=REDIS_URL,
            queue_name=f"absah-celery-share-{tag}",
            seed_units=False,
        )
        factory = create_session_factory(create_db_engine(settings))
        units = [f"A{tag.upper()}", f"B{tag.upper()}"]
        with transaction(factory) as session:
            add_units(session, units, "lapas")
        corpus, _ = build_corpus(args.files)
        files = corpus.files[: args.files]
        stored = {unit: store_files(settings, factory, unit, corpus, files) for unit in units}
        with transaction(factory) as session:
            session.execute(sa.update(Document).values(status=DocumentStatus.QUEUED))
        n = len(files)

        rt = WorkerRuntime(settings)
        rt.warm_up()
        started = time.process_time()
        for doc_id in stored[units[0]]:
            verify_document(rt, doc_id)
        in_process = (time.process_time() - started) / n
        rt.engine.dispose()

        with Stack(settings, Path(tmp), [WorkerSpec(1)]) as stack:
            sender = create_sender(settings)
            before = stack.cpu()
            for doc_id in stored[units[1]]:
                send_verify(sender, doc_id)

            def all_final() -> bool:
                with factory() as session:
                    open_ = session.scalar(
                        sa.select(sa.func.count())
                        .select_from(Document)
                        .where(Document.status.not_in(list(FINAL)))
                    )
                return open_ == 0

            wait_until(all_final, 600, "every document final")
            after = stack.cpu()
    pool = (after["worker children"] - before["worker children"]) / n
    parents = (after["worker parents"] - before["worker parents"]) / n
    print(f"{n} files ({sum(1 for f in files if f.kind == 'photo')} photos), stored twice")
    print(f"  pipeline called in-process     {1000 * in_process:6.1f} ms CPU a file")
    print(f"  absah worker, its pool process {1000 * pool:6.1f} ms CPU a file")
    print(f"  absah worker, its parents      {1000 * parents:6.1f} ms CPU a file")


if __name__ == "__main__":
    main()
