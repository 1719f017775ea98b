"""The pipeline as a plain function on real databases and storage: idempotent, loses nothing."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra import states
from infra.db import transaction
from infra.queue import REVERIFY_DOCUMENT, ReverifyDocument
from infra.settings import Settings
from infra.statuses import DocumentStatus
from infra.storage import StorageUnavailable, create_store
from infra.tables import AuditEntry, CriterionState, Document, FindingRow, utcnow
from tests.support.factories import (
    decree_pdf,
    photo_jpeg,
    resaved_pdf,
    reworked_photo,
    scanned_pdf,
)
from tests.support.fakes import Messages
from tests.support.records import add_document, finish_claim
from tests.support.services import make_unit
from worker.pipeline import Result, RetryLater, verify_document
from worker.reverify import reverify_document
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


def test_a_document_is_checked_once_and_a_second_delivery_changes_nothing(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    unit = make_unit(factory)
    doc_id = add_document(settings, factory, unit, decree_pdf(), "sk.pdf")
    rt = WorkerRuntime(settings)

    assert verify_document(rt, doc_id) is Result.CHECKED
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        first = (doc.status, doc.checked_at, doc.attempts)
        assert doc.check_ms is not None
        assert doc.check_ms >= 0
        findings = session.scalars(
            sa.select(FindingRow.id).where(FindingRow.document_id == doc_id)
        ).all()
    assert first[0] == "passed"

    assert verify_document(rt, doc_id) is Result.SKIPPED  # redelivered message
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.status, doc.checked_at, doc.attempts) == first
        again = session.scalars(
            sa.select(FindingRow.id).where(FindingRow.document_id == doc_id)
        ).all()
        assert again == findings
        state = session.get(CriterionState, (doc.submission_id, "P2H-00-SKTIM"))
        assert state is not None
        assert state.status == "complete"


def test_a_stale_worker_cannot_overwrite_the_verdict_of_a_newer_claim(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with transaction(factory) as session:
        old = states.claim(session, doc_id, lease_seconds=60)
    assert old is not None
    with transaction(factory) as session:
        assert states.claim(session, doc_id, lease_seconds=60) is None  # lease still live
        session.execute(
            sa.update(Document).where(Document.id == doc_id).values(lease_expires_at=utcnow())
        )  # the first worker died; its lease ran out
    with transaction(factory) as session:
        new = states.claim(session, doc_id, lease_seconds=60)
    assert new is not None
    assert new.attempts == 2
    with transaction(factory) as session:
        assert not finish_claim(session, old, DocumentStatus.FAILED, "x")
        assert finish_claim(session, new, DocumentStatus.PASSED)


def _finding(check_id: str, sha256: str) -> dict[str, object]:
    return {
        "check_id": check_id,
        "outcome": "pass",
        "reason_code": "ok",
        "needs_review": False,
        "message_id": "Baik.",
        "message_en": "Fine.",
        "location": None,
        "details": None,
        "sha256": sha256,
    }


def test_only_a_document_never_checked_skips_deleting_findings_and_a_recheck_replaces_them(
    settings: Settings, sessions_for: Factory
) -> None:
    """`finish` leaves out the findings' DELETE when the claim says no check ever finished;
    a document checked before is claimed as such, so its findings are replaced, not doubled
    (the unique key would refuse a second copy)."""
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with factory() as session:
        sha = session.scalars(sa.select(Document.sha256).where(Document.id == doc_id)).one()
    found = [_finding("a", sha), _finding("b", sha)]

    def check_once() -> states.Claim:
        with transaction(factory) as session:
            taken = states.claim(session, doc_id, lease_seconds=60)
            assert taken is not None
            assert states.finish(
                session,
                taken,
                status=DocumentStatus.PASSED,
                reason=None,
                kind=None,
                detected_mime=None,
                ruleset_version="v-test",
                findings=found,
            )
        return taken

    assert check_once().first_check
    with transaction(factory) as session:  # sent for checking again, as an operator may
        session.execute(
            sa.update(Document).where(Document.id == doc_id).values(status=DocumentStatus.QUEUED)
        )
    assert not check_once().first_check
    with factory() as session:
        rows = session.scalars(
            sa.select(FindingRow.check_id).where(FindingRow.document_id == doc_id)
        ).all()
    assert sorted(rows) == ["a", "b"]


class DownStore:
    """Storage that is unreachable: every call fails like a refused connection."""

    def download(self, key: str, dest: Path) -> None:
        raise StorageUnavailable("connection refused")


def test_storage_down_retries_then_ends_unable_to_check_never_failed(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    rt = WorkerRuntime(settings.model_copy(update={"max_attempts": 3}))
    rt.__dict__["store"] = DownStore()

    for attempt in (1, 2):
        with pytest.raises(RetryLater) as retry:
            verify_document(rt, doc_id)
        assert retry.value.countdown > 0
        with factory() as session:
            doc = session.get(Document, doc_id)
            assert doc is not None
            assert (doc.status, doc.attempts) == ("queued", attempt)
    assert verify_document(rt, doc_id) is Result.GAVE_UP
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.status, doc.status_reason) == ("unable_to_check", "attempts-exhausted")
        assert "connection refused" in (doc.last_error or "")


def test_bytes_replaced_in_storage_after_intake_never_get_a_verdict(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    doc_id = add_document(settings, factory, make_unit(factory), decree_pdf(), "sk.pdf")
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        key = doc.storage_key
    other = settings.data_dir / "other.pdf"
    other.write_bytes(decree_pdf(pages=1))  # a valid decree too: only the hash tells them apart
    create_store(settings).put_file(key, other)

    assert verify_document(WorkerRuntime(settings), doc_id) is Result.GAVE_UP
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert (doc.status, doc.status_reason) == ("unable_to_check", "object-changed")
        assert "sha256" in (doc.last_error or "")
        assert not session.scalars(
            sa.select(FindingRow).where(FindingRow.document_id == doc_id)
        ).all()


def test_the_same_photo_under_two_criteria_goes_to_a_person_naming_the_live_other(
    settings: Settings, sessions_for: Factory
) -> None:
    """read_job finds a document's twins (same bytes, same submission, not superseded) in the
    statement that reads the job; a superseded copy and another unit's copy do not count."""
    factory = sessions_for(settings)
    unit, other_unit = make_unit(factory), make_unit(factory)
    photo = photo_jpeg(seed=41)
    doc_id = add_document(settings, factory, unit, photo, "foto-ramp.jpg", "P2H-01-RAMP")
    add_document(settings, factory, unit, photo, "foto-parkir.jpg", "P2H-01-PARKIR")
    gone = add_document(settings, factory, unit, photo, "foto-loket.jpg", "P2H-02-LOKET")
    add_document(settings, factory, other_unit, photo, "foto-toilet.jpg", "P2H-02-TOILET")
    with transaction(factory) as session:
        session.execute(sa.update(Document).where(Document.id == gone).values(status="superseded"))
    assert verify_document(WorkerRuntime(settings), doc_id) is Result.CHECKED
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        assert doc.status == "needs_review"
        found = session.scalars(
            sa.select(FindingRow).where(
                FindingRow.document_id == doc_id,
                FindingRow.reason_code == "duplicate-in-submission",
            )
        ).one()
        assert found.details == {"other_criteria": ["P2H-01-PARKIR"]}


def _reuse(factory: sessionmaker[Session], doc_id: str) -> FindingRow:
    with factory() as session:
        return session.scalars(
            sa.select(FindingRow).where(
                FindingRow.document_id == doc_id, FindingRow.check_id == "file-reused"
            )
        ).one()


def test_a_decree_copied_from_another_unit_of_the_region_goes_to_a_person_naming_it(
    settings: Settings, sessions_for: Factory
) -> None:
    """read_job also finds the same bytes in other units of the region (live documents only);
    the unit's own file of another period and another region's copy are no copy of it."""
    factory = sessions_for(settings)
    region = "R" + secrets.token_hex(4).upper()
    first, second, gone_unit = (make_unit(factory, region=region) for _ in range(3))
    elsewhere = make_unit(factory)
    decree = decree_pdf()
    original = add_document(settings, factory, first, decree, "sk-tim.pdf")
    own_earlier = add_document(settings, factory, first, decree, "sk-tim.pdf", period="2024")
    add_document(settings, factory, elsewhere, decree, "sk-tim.pdf")
    gone = add_document(settings, factory, gone_unit, decree, "sk-tim.pdf")
    with transaction(factory) as session:
        session.execute(sa.update(Document).where(Document.id == gone).values(status="superseded"))
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = sender = Messages()

    assert verify_document(rt, original) is Result.CHECKED
    assert _reuse(factory, original).reason_code == "file-unique"
    assert sender.sent == []

    copy = add_document(settings, factory, second, decree, "sk-tim-kami.pdf")
    assert verify_document(rt, copy) is Result.CHECKED
    found = _reuse(factory, copy)
    assert (found.reason_code, found.outcome, found.needs_review) == (
        "file-from-other-unit",
        "warn",
        True,
    )
    assert found.details is not None
    assert found.details["other_unit_code"] == first
    assert {m["document_id"] for m in found.details["matches"]} == {original, own_earlier}
    assert (found.details["match_count"], found.details["units"]) == (2, 1)
    assert f"Unit uji {first}" in found.message_id
    with factory() as session:
        doc = session.get(Document, copy)
        assert doc is not None
        assert doc.status == "needs_review"

    # the first unit's decree passed as unique before the copy came: it is sent to be checked
    # again (own_earlier, named too, was never checked: nothing to redo), and then names the copy
    assert [(name, kw["document_id"]) for name, kw in sender.sent] == [
        (REVERIFY_DOCUMENT, original)
    ]
    moment = ReverifyDocument(**sender.sent[0][1]).unaware_of
    assert moment is not None
    sender.sent.clear()
    assert reverify_document(rt, original, moment) is Result.CHECKED
    again = _reuse(factory, original)
    assert again.reason_code == "file-from-other-unit"
    assert again.details is not None
    assert [m["document_id"] for m in again.details["matches"]] == [copy]
    with factory() as session:
        why = session.scalars(
            sa.select(AuditEntry.reason).where(
                AuditEntry.subject_id == original, AuditEntry.action == "document.reverified"
            )
        ).one()
    assert why == "sk-tim.pdf: a later copy or look-alike"
    # the copy already names it: nobody is sent back, and a second nudge finds nothing to redo
    assert sender.sent == []
    assert reverify_document(rt, original, moment) is Result.SKIPPED


def test_a_decree_another_unit_saved_again_in_other_bytes_is_found_by_its_text(
    settings: Settings, sessions_for: Factory
) -> None:
    """A copy re-saved by another program has other bytes but the same words: found by the
    text print (infra/copies.py), named as the same text, and the earlier one is told. The
    unit's own re-saved decree of another period is no copy; a scan has no print."""
    factory = sessions_for(settings)
    region = "R" + secrets.token_hex(4).upper()
    first, second = make_unit(factory, region=region), make_unit(factory, region=region)
    decree = decree_pdf()
    original = add_document(settings, factory, first, decree, "sk-tim.pdf")
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = sender = Messages()
    assert verify_document(rt, original) is Result.CHECKED
    own = add_document(settings, factory, first, resaved_pdf(decree), "sk-tim.pdf", period="2024")
    assert verify_document(rt, own) is Result.CHECKED
    assert _reuse(factory, own).reason_code == "file-unique"
    assert sender.sent == []

    # another region's re-save, and a superseded one of the region: neither is a copy of it
    elsewhere = make_unit(factory)
    theirs = add_document(settings, factory, elsewhere, resaved_pdf(decree, "Nitro"), "sk.pdf")
    assert verify_document(rt, theirs) is Result.CHECKED
    assert _reuse(factory, theirs).reason_code == "file-unique"
    gone_unit = make_unit(factory, region=region)
    gone = add_document(settings, factory, gone_unit, resaved_pdf(decree, "WPS"), "sk.pdf")
    assert verify_document(rt, gone) is Result.CHECKED
    with transaction(factory) as session:
        session.execute(sa.update(Document).where(Document.id == gone).values(status="superseded"))
    # `gone`, a copy when it was checked, told the first unit's two to be checked again
    assert sorted(kw["document_id"] for _, kw in sender.sent) == sorted([original, own])
    sender.sent.clear()

    resaved = resaved_pdf(decree, producer="LibreOffice 7.6")
    copy = add_document(settings, factory, second, resaved, "sk-tim-kami.pdf")
    assert verify_document(rt, copy) is Result.CHECKED
    found = _reuse(factory, copy)
    assert (found.reason_code, found.outcome, found.needs_review) == (
        "text-from-other-unit",
        "warn",
        True,
    )
    assert found.details is not None
    assert [(m["document_id"], m["same_bytes"]) for m in found.details["matches"]] == [
        (original, False),
        (own, False),
    ]
    assert sender.sent == []  # told once already, not checked again since: not told twice
    with factory() as session:
        found_prints = session.execute(
            sa.select(Document.id, Document.text_sha256).where(
                Document.id.in_([original, own, copy])
            )
        )
        prints = {row.id: row.text_sha256 for row in found_prints}
    assert prints[original] is not None
    assert prints[original] == prints[own] == prints[copy]

    scan = add_document(settings, factory, second, scanned_pdf(), "sk-pindaian.pdf")
    rt_no_ocr = WorkerRuntime(settings.model_copy(update={"ocr_enabled": False}))
    rt_no_ocr.__dict__["sender"] = Messages()
    verify_document(rt_no_ocr, scan)
    with factory() as session:
        assert session.scalar(sa.select(Document.text_sha256).where(Document.id == scan)) is None


def test_a_photo_that_passed_as_unique_is_checked_again_when_a_look_alike_comes(
    settings: Settings, sessions_for: Factory
) -> None:
    """Only the later of two look-alikes could see the other; the earlier one, named by the
    later's finding, is re-checked from its stored facts and then names the later one."""
    factory = sessions_for(settings)
    region = "R" + secrets.token_hex(4).upper()
    first, second = make_unit(factory, region=region), make_unit(factory, region=region)
    photo = photo_jpeg(seed=53)
    theirs = add_document(settings, factory, first, photo, "ramp.jpg", "P2H-01-RAMP")
    rt = WorkerRuntime(settings)
    rt.__dict__["sender"] = sender = Messages()
    assert verify_document(rt, theirs) is Result.CHECKED
    ours = add_document(settings, factory, second, reworked_photo(photo), "ramp.jpg", "P2H-01-RAMP")
    assert verify_document(rt, ours) is Result.CHECKED

    assert [kw["document_id"] for _, kw in sender.sent] == [theirs]
    assert reverify_document(rt, theirs, ReverifyDocument(**sender.sent[0][1]).unaware_of) is (
        Result.CHECKED
    )
    with factory() as session:
        found = session.scalars(
            sa.select(FindingRow).where(
                FindingRow.document_id == theirs, FindingRow.check_id == "photo-near-duplicate"
            )
        ).one()
        doc = session.get(Document, theirs)
    assert found.reason_code == "photo-near-duplicate"
    assert found.details is not None
    assert found.details["other_document"] == ours
    assert doc is not None
    assert doc.status == "needs_review"
