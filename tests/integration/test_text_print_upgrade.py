"""Migration 0012 fills the text print of PDFs checked before it, from the facts their check
kept, so a later copy in other bytes finds them without a re-check."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session, sessionmaker

from infra.migrate import alembic_config, upgrade
from infra.settings import Settings
from infra.tables import Document
from tests.support.factories import decree_pdf, photo_jpeg, text_pdf
from tests.support.fakes import Messages
from tests.support.records import add_document
from tests.support.services import make_unit
from worker.pipeline import Result, verify_document
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


@pytest.fixture(params=["postgres+s3", "sqlite+local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    # a database of the test's own: the migration goes down and up again on it
    name = "own_pg_settings" if request.param == "postgres+s3" else "sqlite_settings"
    value: Settings = request.getfixturevalue(name)
    return value


def _prints(factory: sessionmaker[Session]) -> dict[str, str | None]:
    with factory() as session:
        rows = session.execute(sa.select(Document.id, Document.text_sha256))
        return {row.id: row.text_sha256 for row in rows}


def test_the_upgrade_fills_prints_of_checked_pdfs_from_their_stored_facts(
    settings: Settings, sessions_for: Factory
) -> None:
    upgrade(settings)
    factory = sessions_for(settings)
    unit = make_unit(factory)
    decree = add_document(settings, factory, unit, decree_pdf(), "sk-tim.pdf")
    short = add_document(settings, factory, unit, text_pdf("Lampiran foto kegiatan"), "l.pdf")
    photo = add_document(settings, factory, unit, photo_jpeg(seed=61), "ramp.jpg", "P2H-01-RAMP")
    never = add_document(settings, factory, unit, decree_pdf(pages=3), "sk-belum.pdf")
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = Messages()
    for doc_id in (decree, short, photo):
        assert verify_document(rt, doc_id) is Result.CHECKED
    checked = _prints(factory)
    assert checked[decree] is not None
    assert (checked[short], checked[photo], checked[never]) == (None, None, None)

    command.downgrade(alembic_config(settings), "0011")  # as before this revision
    with factory() as session:
        columns = {c["name"] for c in sa.inspect(session.connection()).get_columns("documents")}
    assert "text_sha256" not in columns
    upgrade(settings)
    assert _prints(factory) == checked  # the decree's print again; none for the rest
