"""The sweeper on real databases: re-sends each stuck document once a lease, re-checks what the
system gave up on only once storage answers, a bounded number of rounds."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra import states
from infra.db import transaction
from infra.earlier_twins import MAX_TELLS
from infra.queue import REVERIFY_DOCUMENT, ReverifyDocument
from infra.settings import Settings
from infra.statuses import DocumentStatus
from infra.tables import Document, FindingRow, utcnow
from tests.support.factories import decree_pdf
from tests.support.fakes import DownBroker, DownStore, Messages, Sender
from tests.support.records import add_document, finish_claim
from tests.support.services import make_unit
from worker.pipeline import Result, verify_document
from worker.reverify import reverify_document
from worker.runtime import WorkerRuntime
from worker.sweeper import recheck_documents, sweep

Factory = Callable[[Settings], sessionmaker[Session]]


@pytest.fixture(params=["postgres+s3", "sqlite+local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    # a database of the test's own: a sweep acts on every document of its database
    name = "own_pg_settings" if request.param == "postgres+s3" else "sqlite_settings"
    value: Settings = request.getfixturevalue(name)
    return value.model_copy(update={"recheck_cooldown_seconds": 0, "max_rechecks": 2})


def age(factory: sessionmaker[Session], doc_id: str, seconds: float, **values: Any) -> None:
    """Move the document's clock back, as if `seconds` had passed."""
    with transaction(factory) as session:
        session.execute(
            sa.update(Document)
            .where(Document.id == doc_id)
            .values(updated_at=utcnow() - timedelta(seconds=seconds), **values)
        )


def row(factory: sessionmaker[Session], doc_id: str) -> tuple[str, str | None, int, int]:
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        return doc.status, doc.status_reason, doc.attempts, doc.rechecks


def test_a_stuck_document_is_re_sent_once_a_lease_not_on_every_sweep(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    rt, sender = WorkerRuntime(settings), Sender()
    age(factory, doc_id, settings.lease_seconds + 1)

    sweep(rt, sender)
    sweep(rt, sender)  # the next sweep, a moment later: the message just sent is still due
    assert sender.sent == [doc_id]
    age(factory, doc_id, settings.lease_seconds + 1)
    sweep(rt, sender)
    assert sender.sent == [doc_id, doc_id]


def test_a_document_whose_worker_died_is_queued_again_and_the_dead_claim_cannot_finish(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with transaction(factory) as session:
        dead = states.claim(session, doc_id, lease_seconds=60)
    assert dead is not None
    age(factory, doc_id, 0, lease_expires_at=utcnow() - timedelta(seconds=1))
    sender = Sender()

    sweep(WorkerRuntime(settings), sender)
    assert sender.sent == [doc_id]
    assert row(factory, doc_id) == ("queued", None, 1, 0)
    with transaction(factory) as session:
        assert not finish_claim(session, dead, DocumentStatus.PASSED)


def test_a_claim_past_the_last_attempt_gives_up_without_counting_one_more(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    age(factory, doc_id, 0, attempts=settings.max_attempts)  # each attempt's worker died

    assert verify_document(WorkerRuntime(settings), doc_id) is Result.GAVE_UP
    assert row(factory, doc_id) == (
        "unable_to_check",
        "attempts-exhausted",
        settings.max_attempts,
        0,
    )


def test_a_given_up_document_is_re_checked_only_once_storage_answers_and_at_most_n_rounds(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with transaction(factory) as session:
        assert states.give_up(session, doc_id, "attempts-exhausted", "storage down", attempts=5)
    down, sender = WorkerRuntime(settings), Sender()
    down.__dict__["store"] = DownStore()

    sweep(down, sender)
    assert sender.sent == []  # storage still down: no round spent
    assert row(factory, doc_id) == ("unable_to_check", "attempts-exhausted", 5, 0)

    rt = WorkerRuntime(settings)
    for round_ in (1, 2):
        sweep(rt, sender)
        assert sender.sent == [doc_id] * round_
        assert row(factory, doc_id) == ("queued", None, 0, round_)  # a fresh budget
        with transaction(factory) as session:
            states.give_up(session, doc_id, "attempts-exhausted", "still failing")
    sweep(rt, sender)
    assert sender.sent == [doc_id, doc_id]  # max_rechecks reached: it stays for a person
    assert row(factory, doc_id) == ("unable_to_check", "attempts-exhausted", 0, 2)


def test_the_cool_down_and_the_reason_decide_what_the_sweeper_re_checks(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    unit = make_unit(factory)
    recent = add_document(settings, factory, unit, decree_pdf(), "a.pdf")
    missing = add_document(settings, factory, unit, decree_pdf(pages=3), "b.pdf")
    with transaction(factory) as session:
        states.give_up(session, recent, "attempts-exhausted", "storage down")
        states.give_up(session, missing, "object-missing", "no object")
    age(factory, missing, 3600)
    sender = Sender()

    sweep(WorkerRuntime(settings.model_copy(update={"recheck_cooldown_seconds": 60})), sender)
    assert sender.sent == []  # one too recent, one that needs a person

    no_broker = WorkerRuntime(settings.model_copy(update={"broker_url": None}))
    assert recheck_documents(no_broker, [missing, recent]) == [missing, recent]
    assert row(factory, missing) == ("received", None, 0, 0)  # the sweeper will send it


def _reverifications(sender: Messages) -> list[tuple[str, bool]]:
    """(document, sent with `unaware_of`) of each re-verification message."""
    return [
        (kw["document_id"], ReverifyDocument(**kw).unaware_of is not None)
        for name, kw in sender.sent
        if name == REVERIFY_DOCUMENT
    ]


def _told_copy(
    settings: Settings, factory: sessionmaker[Session]
) -> tuple[WorkerRuntime, str, str]:
    """(runtime, earlier, copy): `earlier` passed as unique, then another unit's copy came while
    the broker was away, so the message telling `earlier` to be checked again was lost."""
    region = "R" + secrets.token_hex(4).upper()
    first, second = make_unit(factory, region=region), make_unit(factory, region=region)
    decree = decree_pdf()
    earlier = add_document(settings, factory, first, decree, "sk-tim.pdf")
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = Messages()
    assert verify_document(rt, earlier) is Result.CHECKED
    copy = add_document(settings, factory, second, decree, "sk-tim.pdf")
    rt.__dict__["sender"] = DownBroker()
    assert verify_document(rt, copy) is Result.CHECKED
    return rt, earlier, copy


def _age_mark(factory: sessionmaker[Session], doc_id: str, seconds: float) -> None:
    with transaction(factory) as session:
        session.execute(
            sa.update(Document)
            .where(Document.id == doc_id)
            .values(told_at=utcnow() - timedelta(seconds=seconds))
        )


def test_an_earlier_copy_whose_nudge_was_lost_is_sent_again_once_a_window_until_rechecked(
    settings: Settings, sessions_for: Factory
) -> None:
    """A later copy's verdict tells the earlier document after commit; with the broker away
    that message is lost. The sweeper sends it again once the window has passed, once a
    window, and no more once the earlier document has been checked again."""
    factory = sessions_for(settings)
    rt, earlier, copy = _told_copy(settings, factory)
    sender = Messages()
    sweep(rt, sender)  # told a moment ago: its message may still be on its way
    assert _reverifications(sender) == []
    _age_mark(factory, earlier, settings.requeue_after_seconds + 1)
    sweep(rt, sender)
    sweep(rt, sender)  # the next sweep, a moment later: sent once a window, not every sweep
    assert _reverifications(sender) == [(earlier, True)]

    moment = ReverifyDocument(**sender.sent[-1][1]).unaware_of
    assert reverify_document(rt, earlier, moment) is Result.CHECKED
    with factory() as session:
        names = session.scalars(
            sa.select(FindingRow.details).where(
                FindingRow.document_id == earlier, FindingRow.check_id == "file-reused"
            )
        ).one()
        doc = session.get(Document, earlier)
        assert doc is not None
        assert (doc.told_at, doc.tells) == (None, 0)  # checked again: nothing left to tell
    assert names is not None
    assert [m["document_id"] for m in names["matches"]] == [copy]
    sender.sent.clear()
    sweep(rt, sender)
    assert _reverifications(sender) == []


def test_a_copy_checked_with_no_broker_configured_records_its_verdict_and_marks_the_earlier(
    settings: Settings, sessions_for: Factory
) -> None:
    """`tell_earlier` runs after the verdict's commit: a runtime that cannot make a sender
    (no broker configured, as in `bench.profile_worker`) must not turn a recorded verdict into
    a failed task; the mark stays for the sweeper."""
    factory = sessions_for(settings)
    region = "R" + secrets.token_hex(4).upper()
    first, second = make_unit(factory, region=region), make_unit(factory, region=region)
    earlier = add_document(settings, factory, first, decree_pdf(), "sk-tim.pdf")
    no_broker = WorkerRuntime(settings.model_copy(update={"broker_url": None}))
    assert verify_document(no_broker, earlier) is Result.CHECKED
    copy = add_document(settings, factory, second, decree_pdf(), "sk-tim.pdf")
    assert verify_document(no_broker, copy) is Result.CHECKED
    with factory() as session:
        doc = session.get(Document, earlier)
        assert doc is not None
        assert doc.told_at is not None


def test_a_copy_recorded_while_the_earlier_one_is_being_checked_gets_it_checked_again(
    settings: Settings, sessions_for: Factory
) -> None:
    """Two copies checked at once: the earlier one's search ran before the later one existed.
    The later verdict marks it although it is still being checked; its own verdict keeps the
    mark, and the sweeper sends it to be checked again once the window has passed."""
    factory = sessions_for(settings)
    region = "R" + secrets.token_hex(4).upper()
    first, second = make_unit(factory, region=region), make_unit(factory, region=region)
    earlier = add_document(settings, factory, first, decree_pdf(), "sk-tim.pdf")
    with transaction(factory) as session:
        held = states.claim(session, earlier, settings.lease_seconds)
    assert held is not None  # being checked: its search found nothing yet
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = told = Messages()
    copy = add_document(settings, factory, second, decree_pdf(), "sk-tim.pdf")
    assert verify_document(rt, copy) is Result.CHECKED
    assert _reverifications(told) == []  # not yet: it has no verdict to redo
    with transaction(factory) as session:
        assert finish_claim(session, held, DocumentStatus.PASSED)
    with factory() as session:
        doc = session.get(Document, earlier)
        assert doc is not None
        assert doc.told_at is not None  # kept: told after its check began

    sender = Messages()
    _age_mark(factory, earlier, settings.requeue_after_seconds + 1)
    sweep(rt, sender)
    assert _reverifications(sender) == [(earlier, True)]


def test_an_earlier_copy_never_rechecked_is_told_again_a_bounded_number_of_times(
    settings: Settings, sessions_for: Factory
) -> None:
    """A document whose re-check never comes (no catalog covers it any more, a re-check that
    keeps failing) is not sent for ever: MAX_TELLS more times, then the mark stays unsent."""
    factory = sessions_for(settings)
    rt, earlier, _ = _told_copy(settings, factory)
    sender = Messages()
    for _ in range(MAX_TELLS + 2):
        _age_mark(factory, earlier, settings.requeue_after_seconds + 1)
        sweep(rt, sender)
    assert _reverifications(sender) == [(earlier, True)] * MAX_TELLS
