"""Two copies whose verdicts are recorded at the same moment, each naming the other: on
PostgreSQL they take turns (rows locked in id order first) instead of deadlocking, and the one
still being checked when the other told it keeps the mark for the sweeper."""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra import earlier_twins, states
from infra.db import transaction
from infra.settings import Settings
from infra.tables import Document
from tests.support.factories import decree_pdf, extracted
from tests.support.fakes import Messages
from tests.support.records import add_document
from tests.support.services import make_unit
from worker import recording
from worker.job import load_job
from worker.pipeline import evaluate
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


def test_two_copies_recorded_at_once_each_naming_the_other_do_not_deadlock(
    own_pg_settings: Settings,
    sessions_for: Factory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = own_pg_settings
    factory = sessions_for(settings)
    region = "R" + secrets.token_hex(4).upper()
    units = [make_unit(factory, region=region) for _ in range(2)]
    decree = decree_pdf()
    ids = [add_document(settings, factory, u, decree, "sk-tim.pdf") for u in units]
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = Messages()
    with transaction(factory) as session:
        claims = [states.claim(session, doc_id, settings.lease_seconds) for doc_id in ids]
    facts = extracted(tmp_path, decree, "sk-tim.pdf")
    work = []
    for claim, doc_id in zip(claims, ids, strict=True):
        assert claim is not None
        job = load_job(rt, doc_id)  # each finds the other: the same bytes, another unit
        catalog, period = rt.catalogs.select(job.programme, job.period)
        work.append((claim, job, catalog, evaluate(rt, job, facts, catalog, period)))

    # both verdicts reach their tell together when nothing orders them (the deadlock's shape)
    both_there = threading.Barrier(2, timeout=2)
    real_unaware_of = earlier_twins.unaware_of

    def in_step(session: Session, named: Collection[str], moment: datetime) -> list[str]:
        with contextlib.suppress(threading.BrokenBarrierError):  # the other waits for our locks
            both_there.wait()
        return real_unaware_of(session, named, moment)

    monkeypatch.setattr(recording, "unaware_of", in_step)
    failures: list[BaseException] = []

    def record(index: int) -> None:
        claim, job, catalog, verdict = work[index]
        try:
            assert recording.record(rt, claim, job, catalog, verdict, facts, keep=False)
        except BaseException as exc:  # a deadlock aborts one of the two
            failures.append(exc)

    threads = [threading.Thread(target=record, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    with factory() as session:
        docs = [session.get(Document, doc_id) for doc_id in ids]
        assert all(d is not None and d.status == "needs_review" for d in docs)
        # the second to record found the first final, naming it: nothing to tell; the first
        # found the second still being checked: marked, kept by its verdict for the sweeper
        assert sorted(d.told_at is not None for d in docs if d is not None) == [False, True]
