"""Re-verification: check a document again under the catalog now in force, from its stored facts
when they are of the current extraction, else by fetching and extracting again."""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from infra import reverify as stale
from infra.audit import audit_entry
from infra.db import transaction
from infra.reverify import Before
from infra.storage import ObjectMissing
from rules.catalog import Catalog
from rules.completeness import CriterionVerdict
from rules.evaluation import DocumentVerdict
from worker.facts_keeping import kept_facts
from worker.fetching import ObjectChanged, fetch_object
from worker.job import Job, load_job
from worker.notify import checked_event, record_document_events
from worker.pipeline import Result, RetryLater, backoff, check_file, evaluate, give_up
from worker.recording import Announce, record
from worker.runtime import WorkerRuntime
from worker.scans import ocr_options, read_scans

log = logging.getLogger(__name__)

REVERIFIED = "document.reverified"


def reverify_document(
    rt: WorkerRuntime, document_id: str, unaware_of: datetime | None = None
) -> Result:
    """Re-check one stale document, or with `unaware_of` one last checked before that moment
    (a later copy or look-alike names it); idempotent: a current or busy one is skipped."""
    job = load_job(rt, document_id)
    try:
        catalog, period = rt.catalogs.select(job.programme, job.period)
    except (LookupError, ValueError):  # no catalog covers it any more: nothing to re-check
        return Result.SKIPPED
    with transaction(rt.sessions) as session:
        taken = stale.claim_stale(
            session,
            document_id,
            catalog.ruleset_version,
            rt.settings.lease_seconds,
            unaware_of=unaware_of,
        )
    if taken is None:
        return Result.SKIPPED  # already current, being checked, or not a verdict to redo
    claim, before = taken
    started = time.monotonic()
    facts = kept_facts(rt, job.document_id, job.sha256)
    stored = facts is not None
    if facts is not None:
        verdict = evaluate(rt, job, facts, catalog, period)
    else:
        with tempfile.TemporaryDirectory(prefix="absah-") as tmp:
            path = Path(tmp) / "object"
            try:
                fetch_object(rt.store, job.storage_key, job.size, job.sha256, path)
                # no facts kept (checked before they were): extract, OCR in this task if need be
                scan = read_scans(ocr_options(rt.settings))
                verdict, facts = check_file(rt, job, path, catalog, period, scan)
            except ObjectMissing:
                return give_up(rt, job, "object-missing", f"no object at {job.storage_key}")
            except ObjectChanged as exc:
                return give_up(rt, job, "object-changed", str(exc))
            except Exception as exc:  # storage down or a bug: the earlier verdict stays
                detail = f"{type(exc).__name__}: {exc}"
                log.warning("re-verification of %s put off: %s", document_id, detail)
                with transaction(rt.sessions) as session:
                    stale.restore(session, claim, before, detail)
                raise RetryLater(backoff(rt, 1), detail) from exc
    check_ms = int((time.monotonic() - started) * 1000)
    why = "a later copy or look-alike" if unaware_of else f"rule-set {catalog.ruleset_version}"
    announce = reverified(job, catalog, verdict, before, why)
    # facts extracted now are kept with the verdict; stored ones are already there
    if not record(rt, claim, job, catalog, verdict, facts, check_ms, announce, keep=not stored):
        return Result.SKIPPED
    log.info(
        "document %s re-verified: %s → %s (%s)",
        document_id,
        before.status,
        verdict.status,
        catalog.ruleset_version,
        extra={
            "document_id": document_id,
            "status": verdict.status.value,
            "before": before.status,
            "ruleset_version": catalog.ruleset_version,
            "from_stored_facts": stored,
        },
    )
    return Result.CHECKED


def reverified(
    job: Job, catalog: Catalog, verdict: DocumentVerdict, before: Before, why: str
) -> Announce:
    """What a re-check's verdict tells (pipeline.record's `announce`): a changed verdict is
    audited beside the old one and fires document.checked; an unchanged one, nothing."""
    status, reason = verdict.status.value, verdict.reason_code

    def announce(session: Session, verdicts: dict[str, CriterionVerdict]) -> list[str]:
        if (before.status, before.reason) == (status, reason):
            return []
        audit_entry(
            session,
            action=REVERIFIED,
            subject_type="document",
            subject_id=job.document_id,
            submission_id=job.submission_id,
            before={
                "status": before.status,
                "reason": before.reason,
                "ruleset_version": before.ruleset_version,
            },
            after={
                "status": status,
                "reason": reason,
                "ruleset_version": catalog.ruleset_version,
            },
            reason=f"{job.original_name}: {why}",
        )
        checked = checked_event(job, status, reason, catalog.ruleset_version)
        return record_document_events(session, checked, job.region_code, verdicts)

    return announce
