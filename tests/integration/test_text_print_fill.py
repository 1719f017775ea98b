"""PDFs checked before text prints existed get theirs from the facts their check kept
(`absah db upgrade` / `absah run` after migration 0012), so a later copy in other bytes finds
them without a re-check."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from absah.run import prepare_database
from infra.copies import fill_text_prints
from infra.db import transaction
from infra.settings import Settings
from infra.tables import Document
from rules.textprint import NO_PRINT
from tests.support.factories import decree_pdf, photo_jpeg, text_pdf
from tests.support.fakes import Messages
from tests.support.records import add_document
from tests.support.services import make_unit
from worker.pipeline import Result, verify_document
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


def _prints(factory: sessionmaker[Session], ids: list[str]) -> list[str | None]:
    with factory() as session:
        found = {
            row.id: row.text_sha256
            for row in session.execute(
                sa.select(Document.id, Document.text_sha256).where(Document.id.in_(ids))
            )
        }
    return [found[i] for i in ids]


@pytest.fixture(params=["postgres+s3", "sqlite+local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    # a database of the test's own: the fill reads every document of its database
    name = "own_pg_settings" if request.param == "postgres+s3" else "sqlite_settings"
    value: Settings = request.getfixturevalue(name)
    return value


def test_prints_are_filled_from_stored_facts_in_batches_once(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    unit = make_unit(factory)
    decrees = [
        add_document(settings, factory, unit, decree_pdf(pages=n), f"sk-{n}.pdf") for n in (2, 3)
    ]
    short = add_document(settings, factory, unit, text_pdf("Lampiran foto kegiatan"), "l.pdf")
    photo = add_document(settings, factory, unit, photo_jpeg(seed=61), "ramp.jpg", "P2H-01-RAMP")
    never = add_document(settings, factory, unit, decree_pdf(pages=4), "sk-belum.pdf")
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = Messages()
    for doc_id in (*decrees, short, photo):
        assert verify_document(rt, doc_id) is Result.CHECKED
    ids = [*decrees, short, photo, never]
    checked = _prints(factory, ids)
    assert all(p is not None and p != NO_PRINT for p in checked[:2])
    assert checked[0] != checked[1]
    assert checked[2:] == [NO_PRINT, None, None]  # looked at, none; no PDF; not checked yet

    with transaction(factory) as session:  # as they were before prints existed
        session.execute(sa.update(Document).values(text_sha256=None))
    assert fill_text_prints(factory, batch=2) == 3  # three PDFs with stored facts, 2 a batch
    assert _prints(factory, ids) == checked
    assert fill_text_prints(factory) == 0  # done: the next start finds nothing to fill

    with transaction(factory) as session:
        session.execute(sa.update(Document).values(text_sha256=None))
    prepare_database(settings)  # what `absah db upgrade` runs
    assert _prints(factory, ids) == checked
