"""The benchmark times each document to its first verdict, not to a later re-check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bench.firstfinal import FirstVerdicts
from infra.db import transaction
from infra.settings import Settings
from infra.tables import Document, utcnow
from tests.support.factories import decree_pdf
from tests.support.records import add_document
from tests.support.services import make_unit

Factory = Callable[[Settings], sessionmaker[Session]]


def test_a_re_check_after_the_first_verdict_does_not_move_its_time(
    sqlite_settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(sqlite_settings)
    doc_id = add_document(sqlite_settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    first = utcnow()

    def stamp(status: str, at: object) -> None:
        with transaction(factory) as session:
            session.execute(
                sa.update(Document)
                .where(Document.id == doc_id)
                .values(status=status, checked_at=at)
            )

    with FirstVerdicts(sqlite_settings, interval=30) as seen:  # polled by hand below
        seen.poll()
        assert doc_id not in seen.first  # received: no verdict yet
        stamp("passed", first)
        seen.poll()
        stamp("checking", first)  # a later copy named it: checked again
        stamp("needs_review", first + timedelta(seconds=40))
    assert seen.at(doc_id, first + timedelta(seconds=40)) == first
    assert seen.at("never-seen", first) == first  # what the caller read, when never polled
