"""Claims record who holds them: a heartbeat keeps a running check's short lease alive, and a
claim whose holder is provably gone is taken over at once, never a live one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra import states
from infra.db import transaction
from infra.holders import Holder, this_host
from infra.settings import Settings
from infra.tables import Document
from tests.support.factories import decree_pdf
from tests.support.fakes import Sender
from tests.support.records import add_document
from tests.support.services import make_unit
from tests.support.stack import wait_until
from worker.heartbeat import Heartbeat
from worker.runtime import WorkerRuntime
from worker.sweeper import sweep

Factory = Callable[[Settings], sessionmaker[Session]]


@pytest.fixture(params=["postgres", "sqlite"])
def settings(request: pytest.FixtureRequest) -> Settings:
    # a database of the test's own: a sweep acts on every document of its database
    value: Settings = request.getfixturevalue(
        "own_pg_settings" if request.param == "postgres" else "sqlite_settings"
    )
    return value


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped) on this host."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def new_claim(
    settings: Settings, factory: sessionmaker[Session], holder: Holder, lease_seconds: int
) -> tuple[str, states.Claim]:
    """A new document, claimed by `holder`: its id and the claim."""
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with transaction(factory) as session:
        claim = states.claim(session, doc_id, lease_seconds, holder)
    assert claim is not None
    return doc_id, claim


def claimed(settings: Settings, factory: sessionmaker[Session], holder: Holder) -> str:
    return new_claim(settings, factory, holder, 60)[0]


def claim_again(factory: sessionmaker[Session], doc_id: str, holder: Holder) -> states.Claim | None:
    with transaction(factory) as session:
        return states.claim(session, doc_id, 60, holder)


def lease_of(factory: sessionmaker[Session], doc_id: str) -> datetime:
    with factory() as session:
        lease = session.scalar(sa.select(Document.lease_expires_at).where(Document.id == doc_id))
    assert lease is not None
    return lease


def test_a_claim_records_its_holder_host_pid_and_task(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = claimed(settings, factory, Holder.here("task-1"))
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.claim_host, doc.claim_pid, doc.claim_task_id) == (
            this_host(),
            os.getpid(),
            "task-1",
        )
        assert doc.heartbeat_at is not None


def test_a_claim_whose_process_died_on_this_host_is_taken_over_at_once(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = claimed(settings, factory, Holder(this_host(), dead_pid(), "task-1"))
    taken = claim_again(factory, doc_id, Holder(this_host(), os.getppid(), "task-2"))
    assert taken is not None
    assert taken.attempts == 2


def test_a_claim_whose_process_lives_is_left_to_it_until_its_lease_ends(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    alive = Holder(this_host(), os.getppid(), "task-1")  # our parent: alive, and not us
    doc_id = claimed(settings, factory, alive)
    assert claim_again(factory, doc_id, Holder(this_host(), os.getppid(), "task-2")) is None


def test_a_claim_held_on_another_host_waits_for_its_lease_whatever_its_pid(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = claimed(settings, factory, Holder("elsewhere/pid:[1]", dead_pid(), "task-1"))
    assert claim_again(factory, doc_id, Holder(this_host(), os.getppid(), "task-2")) is None


def test_the_same_message_delivered_again_takes_over_its_own_earlier_claim(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = claimed(settings, factory, Holder("elsewhere/pid:[1]", 7, "task-1"))
    assert claim_again(factory, doc_id, Holder(this_host(), os.getppid(), "task-1")) is not None


def test_a_heartbeat_renews_the_lease_and_stops_when_the_claim_is_taken_over(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id, claim = new_claim(settings, factory, Holder.here("task-1"), 5)
    first = lease_of(factory, doc_id)
    beat = Heartbeat(factory, claim, lease_seconds=5, interval=0.1, max_seconds=60)
    with beat:
        wait_until(lambda: lease_of(factory, doc_id) > first, 10, "a renewed lease")
        taken = claim_again(factory, doc_id, Holder.here("task-2"))  # same process: taken
        assert taken is not None
        wait_until(beat.lost.is_set, 10, "the heartbeat to notice the takeover")
    after = lease_of(factory, doc_id)
    with transaction(factory) as session:
        assert not states.renew(session, claim, 5)  # a taken-over claim is never renewed
    assert lease_of(factory, doc_id) == after


def test_a_heartbeat_stops_renewing_when_its_check_ends(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    _, claim = new_claim(settings, factory, Holder.here("task-1"), 5)
    beat = Heartbeat(factory, claim, lease_seconds=5, interval=0.05, max_seconds=60)
    with beat:
        pass
    assert not beat._thread.is_alive()


def test_the_sweeper_frees_at_once_a_claim_whose_process_died_on_its_host(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = claimed(settings, factory, Holder(this_host(), dead_pid(), "task-1"))
    sender = Sender()
    sweep(WorkerRuntime(settings), sender)  # the lease (60 s) is far from over
    assert sender.sent == [doc_id]
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.status, doc.claim_token, doc.attempts) == ("queued", None, 1)
