"""The verification pipeline, top to bottom: claim → fetch → extract → rules → record → notify."""

from __future__ import annotations

import logging
import tempfile
import time
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa

from infra import states
from infra.assessment import reassess
from infra.db import transaction
from infra.holders import Holder
from infra.queue import ocr_time_limit, send_ocr
from infra.states import Claim
from infra.statuses import DocumentStatus
from infra.storage import ObjectMissing, StorageUnavailable
from infra.tables import Document
from rules.catalog import Catalog
from rules.evaluation import DocumentVerdict
from rules.facts import FileFacts
from rules.periods import Period
from worker.checking import evaluate_facts, with_matches
from worker.extract import extract_facts
from worker.fetching import ObjectChanged, fetch_object
from worker.heartbeat import Heartbeat
from worker.job import Job, check_context, read_job
from worker.notify import checked_event, record_document_events, send_events
from worker.recording import record
from worker.runtime import WorkerRuntime
from worker.scans import OcrQueued, ScanStep, defer_scans, ocr_options, read_scans
from worker.similar import copy_search, region_search

log = logging.getLogger(__name__)


class Result(StrEnum):
    CHECKED = "checked"
    SKIPPED = "skipped"  # not claimable: already final, or another worker holds a live lease
    GAVE_UP = "gave_up"
    OCR_QUEUED = "ocr_queued"  # pages without text: the check goes on in the OCR task


class RetryLater(Exception):
    """A transient failure: the claim was released; send the message again after `countdown`."""

    def __init__(self, countdown: float, reason: str) -> None:
        super().__init__(reason)
        self.countdown = countdown


# The database went away (stopped, restarting, connections cut): the message is kept and sent
# again later; nothing is decided about the document while its source of truth is away.
DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.InterfaceError)


def claim_document(
    rt: WorkerRuntime, document_id: str, task_id: str | None
) -> tuple[Claim, Job] | None:
    """Claim the document and read what its check works on, in one transaction."""
    with transaction(rt.sessions) as session:
        holder = Holder.here(task_id)
        claim = states.claim(session, document_id, rt.settings.lease_seconds, holder)
        return (claim, read_job(session, document_id)) if claim is not None else None


def heartbeat(rt: WorkerRuntime, claim: Claim, ocr: bool) -> Heartbeat:
    """Keeps the lease alive while the check runs, at most as long as its task may run."""
    s = rt.settings
    return Heartbeat(
        rt.sessions,
        claim,
        lease_seconds=s.lease_seconds,
        interval=s.heartbeat_interval(),
        max_seconds=ocr_time_limit(s) if ocr else s.task_time_limit,
    )


def evaluate(
    rt: WorkerRuntime, job: Job, facts: FileFacts, catalog: Catalog, period: Period
) -> DocumentVerdict:
    """The rules over a file's facts, extracted now or stored by an earlier check."""
    similar = region_search(
        rt,
        document_id=job.document_id,
        submission_id=job.submission_id,
        criterion_id=job.criterion_id,
        sha256=job.sha256,
    )
    copies = copy_search(
        rt, document_id=job.document_id, submission_id=job.submission_id, sha256=job.sha256
    )
    return evaluate_facts(
        facts,
        catalog=catalog,
        ctx=with_matches(check_context(rt, job, period), facts, similar, copies),
        # the kind intake bound (form field or name); a kind the worker found is found again
        declared_kind=job.declared_kind if job.kind_source else None,
    )


def check_file(
    rt: WorkerRuntime, job: Job, path: Path, catalog: Catalog, period: Period, scan: ScanStep
) -> tuple[DocumentVerdict, FileFacts]:
    """The file's facts (extracted now; `record` keeps them with the verdict, so a rule change
    re-evaluates them) and the rules' verdict over them."""
    facts = extract_facts(
        path,
        name=job.original_name,
        size=job.size,
        sha256=job.sha256,
        declared_mime=job.declared_mime,
        limits=rt.limits,
        scan=scan,
    )
    return evaluate(rt, job, facts, catalog, period), facts


def hand_over_to_ocr(rt: WorkerRuntime, claim: Claim, job: Job) -> Result:
    """Back to queued for the OCR queue, the attempt given back: a hand-over is not a failure."""
    with transaction(rt.sessions) as session:
        handed = states.hand_over(session, claim, "ocr-queued")
    if handed:  # after commit; a lost message is re-sent by the sweeper like any other
        send_ocr(rt.sender, job.document_id)
    return Result.OCR_QUEUED if handed else Result.SKIPPED


def backoff(rt: WorkerRuntime, attempts: int) -> float:
    s = rt.settings
    return float(min(s.retry_backoff_max_seconds, s.retry_backoff_seconds * 2 ** (attempts - 1)))


def give_up(
    rt: WorkerRuntime,
    job_or_id: Job | str,
    reason: str,
    detail: str,
    attempts: int | None = None,
) -> Result:
    document_id = job_or_id if isinstance(job_or_id, str) else job_or_id.document_id
    deliveries: list[str] = []
    with transaction(rt.sessions) as session:
        if states.give_up(session, document_id, reason, detail, attempts):
            job = job_or_id if isinstance(job_or_id, Job) else read_job(session, document_id)
            catalog, _ = rt.catalogs.select(job.programme, job.period)
            verdicts = reassess(session, catalog, job.submission_id)
            ruleset_version = session.scalar(  # as stored: giving up leaves it
                sa.select(Document.ruleset_version).where(Document.id == document_id)
            )
            status = DocumentStatus.UNABLE_TO_CHECK.value
            checked = checked_event(job, status, reason, ruleset_version)
            deliveries = record_document_events(session, checked, job.region_code, verdicts)
    send_events(rt, deliveries)
    log.warning("document %s unable_to_check: %s (%s)", document_id, reason, detail)
    return Result.GAVE_UP


def verify_document(
    rt: WorkerRuntime,
    document_id: str,
    *,
    task_id: str | None = None,
    retries: int = 0,
    ocr: bool = False,
) -> Result:
    """Check one document to a final status; idempotent, safe to run twice.

    The verify task (`ocr=False`) hands a PDF with pages without text over to the OCR task,
    which runs the same steps with OCR (`ocr=True`).
    """
    try:
        return check_document(rt, document_id, task_id, ocr)
    except DATABASE_DOWN as exc:
        detail = f"database unavailable: {type(exc).__name__}"
        log.warning("document %s waits for the database (%s)", document_id, exc)
        raise RetryLater(backoff(rt, retries + 1), detail) from exc


def check_document(rt: WorkerRuntime, document_id: str, task_id: str | None, ocr: bool) -> Result:
    claimed = claim_document(rt, document_id, task_id)
    if claimed is None:
        return Result.SKIPPED
    claim, job = claimed
    with heartbeat(rt, claim, ocr):
        return check_claimed(rt, claim, job, ocr)


def check_claimed(rt: WorkerRuntime, claim: Claim, job: Job, ocr: bool) -> Result:
    """The claimed document through the pipeline, its lease kept alive by the caller."""
    document_id = claim.document_id
    if claim.attempts > rt.settings.max_attempts:
        # no attempt finished (each worker died or lost its lease): this claim is not one more
        max_attempts = rt.settings.max_attempts
        detail = f"none of {max_attempts} attempts finished (a worker stopped mid-check)"
        return give_up(rt, document_id, "attempts-exhausted", detail, attempts=max_attempts)
    catalog, period = rt.catalogs.select(job.programme, job.period)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="absah-") as tmp:
        path = Path(tmp) / "object"
        try:
            fetch_object(rt.store, job.storage_key, job.size, job.sha256, path)
            scan = read_scans(ocr_options(rt.settings)) if ocr else defer_scans
            verdict, facts = check_file(rt, job, path, catalog, period, scan)
        except OcrQueued:
            return hand_over_to_ocr(rt, claim, job)
        except ObjectMissing:
            return give_up(rt, job, "object-missing", f"no object at {job.storage_key}")
        except ObjectChanged as exc:  # replaced after intake: never a verdict on other bytes
            return give_up(rt, job, "object-changed", str(exc))
        except DATABASE_DOWN:
            raise
        except Exception as exc:  # storage down or a bug: never a "failed" verdict
            transient = isinstance(exc, StorageUnavailable)
            detail = f"{type(exc).__name__}: {exc}"
            if not transient:
                log.exception("unexpected error checking %s", document_id)
            if claim.attempts >= rt.settings.max_attempts:
                return give_up(rt, job, "attempts-exhausted", detail)
            with transaction(rt.sessions) as session:
                states.release(session, claim, detail)
            raise RetryLater(backoff(rt, claim.attempts), detail) from exc
    check_ms = int((time.monotonic() - started) * 1000)
    if not record(rt, claim, job, catalog, verdict, facts, check_ms):
        return Result.SKIPPED  # our lease expired and another worker took over
    log.info(
        "document %s %s (%s)",
        document_id,
        verdict.status,
        verdict.reason_code or "ok",
        extra={
            "document_id": document_id,
            "submission_id": job.submission_id,
            "status": verdict.status.value,
            "reason": verdict.reason_code,
            "check_ms": check_ms,
        },
    )
    return Result.CHECKED
