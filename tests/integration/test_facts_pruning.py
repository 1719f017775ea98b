"""The sweeper forgets stored file facts nothing reads again (another extraction version's
after a week, a superseded document's), at most hourly; the current facts of live documents
stay, and re-verification still finds them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from infra.db import create_db_engine, create_session_factory, transaction
from infra.facts_store import load_facts, save_facts
from infra.settings import Settings
from infra.tables import Document, ServiceBeat, StoredFacts, utcnow
from tests.support.records import add_document
from tests.support.services import make_unit
from worker.facts_keeping import facts_version
from worker.runtime import WorkerRuntime
from worker.sweeper import FACTS_PRUNING, prune_old_records


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest) -> Settings:
    name = "sqlite_settings" if request.param == "sqlite" else "own_pg_settings"
    value: Settings = request.getfixturevalue(name)
    return value


def test_unread_facts_go_current_ones_stay(settings: Settings) -> None:
    factory = create_session_factory(create_db_engine(settings))
    unit = make_unit(factory)
    live = add_document(settings, factory, unit, b"%PDF-1.4 live", "sk-a.pdf")
    replaced = add_document(settings, factory, unit, b"%PDF-1.4 replaced", "sk-b.pdf")
    current, now = facts_version(), utcnow()
    with transaction(factory) as session:
        sha = {d.id: d.sha256 for d in session.scalars(sa.select(Document))}
        save_facts(session, live, sha[live], current, {"kept": True})
        save_facts(session, live, sha[live], "0.oldextraction", {"kept": False})
        # another version stored lately: maybe a newer extraction while an old sweeper runs
        save_facts(session, live, sha[live], "0.upgrading", {"kept": True})
        save_facts(session, replaced, sha[replaced], current, {"kept": False})
        session.execute(
            sa.update(Document).where(Document.id == replaced).values(status="superseded")
        )
        session.execute(
            sa.update(StoredFacts)
            .where(StoredFacts.facts_version == "0.oldextraction")
            .values(created_at=now - timedelta(days=8))
        )

    assert prune_old_records(WorkerRuntime(settings)) == 2

    with transaction(factory) as session:
        left = session.execute(sa.select(StoredFacts.document_id, StoredFacts.facts_version))
        assert set(left) == {(live, current), (live, "0.upgrading")}
        assert load_facts(session, live, sha[live], current) == {"kept": True}


def test_facts_are_pruned_at_most_hourly(settings: Settings) -> None:
    # the delete scans the table: it runs on the first sweep, then once the hour is over
    factory = create_session_factory(create_db_engine(settings))
    unit = make_unit(factory)
    doc = add_document(settings, factory, unit, b"%PDF-1.4 hourly", "sk-d.pdf")
    rt = WorkerRuntime(settings)

    def stale(version: str) -> None:
        with transaction(factory) as session:
            sha = session.scalar(sa.select(Document.sha256).where(Document.id == doc))
            assert sha is not None
            save_facts(session, doc, sha, version, {})
            session.execute(
                sa.update(StoredFacts)
                .where(StoredFacts.facts_version == version)
                .values(created_at=utcnow() - timedelta(days=30))
            )

    stale("0.first")
    assert prune_old_records(rt) == 1
    stale("0.second")
    assert prune_old_records(rt) == 0  # within the hour: not yet
    with transaction(factory) as session:
        session.execute(
            sa.update(ServiceBeat)
            .where(ServiceBeat.name == FACTS_PRUNING)
            .values(at=utcnow() - timedelta(hours=2))
        )
    assert prune_old_records(rt) == 1


def test_saving_facts_again_replaces_them(settings: Settings) -> None:
    # one upsert: the same bytes and version checked again keep one row, the newest facts
    factory = create_session_factory(create_db_engine(settings))
    unit = make_unit(factory)
    doc = add_document(settings, factory, unit, b"%PDF-1.4 again", "sk-c.pdf")
    with transaction(factory) as session:
        sha = session.scalar(sa.select(Document.sha256).where(Document.id == doc))
        assert sha is not None
        save_facts(session, doc, sha, "v", {"n": 1})
    with transaction(factory) as session:
        save_facts(session, doc, sha, "v", {"n": 2})
    with transaction(factory) as session:
        rows = session.scalars(sa.select(StoredFacts.facts).where(StoredFacts.document_id == doc))
        assert list(rows) == [{"n": 2}]
