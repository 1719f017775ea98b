"""Re-verification as plain functions on real databases and storage: facts stored once per file,
a changed catalog re-checks from them, earlier findings and verdicts stay, the change is audited."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.reverify import Scope, stale_documents
from infra.settings import Settings
from infra.storage import create_store
from infra.tables import (
    AuditEntry,
    CriterionState,
    Document,
    FindingRow,
    ReverifySchedule,
    StoredFacts,
    VerdictRow,
)
from rules.facts import FileFacts
from tests.support.catalogs import site_catalog
from tests.support.factories import decree_pdf
from tests.support.fakes import Messages
from tests.support.records import add_document
from tests.support.services import make_unit
from worker.facts_keeping import facts_version
from worker.pipeline import Result, verify_document
from worker.reverify import reverify_document
from worker.reverify_runs import auto_reverify, preview
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


def checked_document(settings: Settings, factory: sessionmaker[Session]) -> tuple[str, str]:
    unit = make_unit(factory)
    doc_id = add_document(settings, factory, unit, decree_pdf(), "sk.pdf")
    assert verify_document(WorkerRuntime(settings), doc_id) is Result.CHECKED
    return unit, doc_id


def tightened(settings: Settings, tmp_path: Path) -> WorkerRuntime:
    """The runtime after a restart with a site catalog that tightens the size limit."""
    return WorkerRuntime(settings.model_copy(update={"catalog_dir": site_catalog(tmp_path / "s")}))


def test_the_pipeline_stores_a_files_facts_once_under_its_bytes_and_extraction(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    _, doc_id = checked_document(settings, factory)
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        rows = session.scalars(sa.select(StoredFacts).where(StoredFacts.document_id == doc_id))
        (row,) = rows.all()
        facts = FileFacts.model_validate(row.facts)
    assert (row.sha256, row.facts_version) == (doc.sha256, facts_version())
    assert facts.mime == "application/pdf"
    assert facts.pdf is not None
    assert facts.pdf.text_chars > 0


def test_a_tightened_site_catalog_re_checks_from_stored_facts_without_the_file(
    settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    factory = sessions_for(settings)
    unit, doc_id = checked_document(settings, factory)
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        old_version, key = doc.ruleset_version, doc.storage_key
    create_store(settings).delete(key)  # gone: only the stored facts can answer now
    rt = tightened(settings, tmp_path)

    with factory() as session:
        (found,) = stale_documents(session, rt.catalogs, Scope(unit=unit))
    assert (found.document_id, found.ruleset_version) == (doc_id, old_version)
    assert found.in_force != old_version

    assert reverify_document(rt, doc_id) is Result.CHECKED
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.status, doc.status_reason) == ("failed", "size-over-limit")
        assert doc.ruleset_version == found.in_force
        versions = set(
            session.scalars(
                sa.select(FindingRow.ruleset_version).where(FindingRow.document_id == doc_id)
            )
        )
        assert versions == {old_version, found.in_force}  # the earlier findings stay
        history = session.execute(
            sa.select(VerdictRow.ruleset_version, VerdictRow.status)
            .where(VerdictRow.document_id == doc_id)
            .order_by(VerdictRow.id)
        ).all()
        assert [tuple(h) for h in history] == [
            (old_version, "passed"),
            (found.in_force, "failed"),
        ]
        actions = set(
            session.scalars(
                sa.select(AuditEntry.action).where(AuditEntry.submission_id == doc.submission_id)
            )
        )
        assert {"document.reverified", "criterion.status"} <= actions
        state = session.get(CriterionState, (doc.submission_id, "P2H-00-SKTIM"))
        assert state is not None
        assert (state.status, state.ruleset_version) == ("incomplete", found.in_force)

    assert reverify_document(rt, doc_id) is Result.SKIPPED  # current now: a second message


def test_without_stored_facts_re_verification_fetches_and_extracts_again(
    settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    factory = sessions_for(settings)
    _, doc_id = checked_document(settings, factory)
    with transaction(factory) as session:
        session.execute(sa.delete(StoredFacts).where(StoredFacts.document_id == doc_id))

    assert reverify_document(tightened(settings, tmp_path), doc_id) is Result.CHECKED
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert doc.status == "failed"
        assert session.get(StoredFacts, (doc_id, doc.sha256, facts_version())) is not None


def test_a_dry_run_shows_the_new_verdict_and_writes_nothing(
    settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    factory = sessions_for(settings)
    unit, doc_id = checked_document(settings, factory)

    (seen,) = preview(tightened(settings, tmp_path), Scope(unit=unit))
    assert (seen.doc.document_id, seen.doc.status, seen.status) == (doc_id, "passed", "failed")
    assert "file-size:size-over-limit" in seen.failing
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert doc.status == "passed"
        assert session.scalar(sa.select(sa.func.count()).select_from(ReverifySchedule)) == 0


def test_a_changed_version_is_scheduled_once_however_often_workers_start(
    own_pg_settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    settings = own_pg_settings.model_copy(update={"auto_reverify": True})
    factory = sessions_for(settings)
    _, doc_id = checked_document(settings, factory)
    sender = Messages()

    assert auto_reverify(WorkerRuntime(settings), sender) == 0  # nothing changed
    assert auto_reverify(tightened(settings, tmp_path), sender) == 1
    assert auto_reverify(tightened(settings, tmp_path), sender) == 0  # a restart
    assert sender.sent == [("absah.reverify_document", {"document_id": doc_id})]


def test_automatic_re_verification_can_be_turned_off(
    own_pg_settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    factory = sessions_for(own_pg_settings)
    checked_document(own_pg_settings, factory)
    off = own_pg_settings.model_copy(update={"auto_reverify": False})  # as ABSAH_AUTO_REVERIFY

    assert auto_reverify(tightened(off, tmp_path), Messages()) == 0
