"""Recording a verdict: the document's status and findings, its facts, its verdict under the
rule-set version, its criterion re-assessed and the events, in one transaction; then the
earlier documents it re-uses, whose verdicts could not know of it, are sent to be checked
again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from infra import states
from infra.assessment import reassess
from infra.db import transaction
from infra.earlier_twins import lock_in_order, unaware_of
from infra.queue import send_reverify
from infra.states import Claim
from infra.statuses import DocumentStatus
from infra.tables import utcnow
from infra.verdicts import record_verdict
from rules.catalog import Catalog
from rules.completeness import CriterionVerdict
from rules.evaluation import DocumentVerdict
from rules.facts import FileFacts
from rules.similar import named_by_reuse
from worker.facts_keeping import keep_facts
from worker.job import Job
from worker.notify import checked_event, record_document_events, send_events
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)

# What a stored verdict tells, in its transaction: the webhook deliveries to send after commit
Announce = Callable[[Session, dict[str, CriterionVerdict]], list[str]]


def finding_rows(verdict: DocumentVerdict, sha256: str) -> list[dict[str, Any]]:
    """The verdict's findings as stored: each tied to the bytes it judged."""
    return [
        {**f.model_dump(mode="json", exclude={"details"}), "details": f.details, "sha256": sha256}
        for f in verdict.findings
    ]


def record(
    rt: WorkerRuntime,
    claim: Claim,
    job: Job,
    catalog: Catalog,
    verdict: DocumentVerdict,
    facts: FileFacts,
    check_ms: int | None = None,
    announce: Announce | None = None,
    *,
    keep: bool = True,
) -> bool:
    """The verdict and its findings on the document (for the claim's holder only; False when
    the claim was lost and nothing was written), kept under its rule-set version, the criteria
    re-assessed, then `announce` (by default the document's events) in the same transaction.
    With `keep`, the facts just extracted are kept too (a re-check from stored facts has none
    to add). One transaction: the verdict never lands without its findings, nor facts without
    the verdict; only the document's own criterion is re-assessed."""
    deliveries: list[str] = []
    unaware: list[str] = []
    named = named_by_reuse(verdict.findings)
    with transaction(rt.sessions) as session:
        if named:  # first, before any write: two verdicts naming each other take turns
            lock_in_order(session, [job.document_id, *named])
        now = utcnow()  # after the locks: a copy whose verdict landed first is "before"
        done = states.finish(
            session,
            claim,
            status=DocumentStatus(verdict.status.value),
            reason=verdict.reason_code,
            kind=verdict.kind,
            detected_mime=facts.mime,
            ruleset_version=catalog.ruleset_version,
            findings=finding_rows(verdict, job.sha256),
            check_ms=check_ms,
        )
        if done:
            if keep:
                keep_facts(session, job.document_id, facts)
            record_verdict(
                session,
                job.document_id,
                job.sha256,
                catalog.ruleset_version,
                verdict.status.value,
                verdict.reason_code,
            )
            # audits changed criteria
            verdicts = reassess(session, catalog, job.submission_id, criteria={job.criterion_id})
            if announce is None:
                status, reason = verdict.status.value, verdict.reason_code
                checked = checked_event(job, status, reason, catalog.ruleset_version)
                deliveries = record_document_events(session, checked, job.region_code, verdicts)
            else:
                deliveries = announce(session, verdicts)
            unaware = unaware_of(session, named, now)
    send_events(rt, deliveries)  # after commit: the events are recorded with the verdict
    tell_earlier(lambda: rt.sender, unaware, now)
    return done


def tell_earlier(sender: Callable[[], Any], document_ids: list[str], moment: datetime) -> None:
    """Send the earlier documents a verdict re-uses to be checked again (re-verification's
    queue): checked before `moment`, they passed as unique. A broker away now loses only this
    nudge: their verdict stays, the new document's own finding names them, and the sweeper
    sends them again (`worker/sweeper.py::retell_earlier`)."""
    for document_id in document_ids:
        try:
            send_reverify(sender(), document_id, unaware_of=moment)  # no broker: raises here
        except Exception as exc:
            log.warning("could not send %s to be checked again (%s)", document_id, exc)
            return
