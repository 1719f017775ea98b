"""The outbox sweeper: re-send documents and webhook deliveries whose message was lost, and
re-check documents the system gave up on once what stopped it (storage) answers again."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra import states
from infra.access_pruning import prune_sessions, prune_sign_in_failures
from infra.assessment import reassess
from infra.db import transaction
from infra.earlier_twins import untold
from infra.facts_store import prune_facts
from infra.holders import holder_gone, this_host
from infra.liveness import SWEEPER, beat_due, record_beat
from infra.queue import send_verify
from infra.rechecks import due_rechecks, recheck, stuck_documents
from infra.states import Claim
from infra.statuses import DocumentStatus
from infra.storage import StorageUnavailable
from infra.tables import Document, Submission, utcnow
from infra.webhooks import overdue_deliveries, send_deliveries
from worker.facts_keeping import facts_version
from worker.recording import tell_earlier
from worker.reverify_runs import auto_reverify
from worker.runtime import WorkerRuntime
from worker.uploads import expire_idempotency_records, expire_uploads

log = logging.getLogger(__name__)


def sweep(rt: WorkerRuntime, sender: Any) -> int:
    """Re-enqueue documents received (never sent) longer than a lease ago, queued longer than
    `requeue_after_seconds` ago (a message the broker may have lost), or checking past an
    expired lease (a holder that stopped its heartbeat); then stamp the sweep as done.

    A re-sent message for a document already being checked is harmless: the claim is a
    compare-and-set, so the second delivery finds nothing to claim. The same holds for
    pending webhook deliveries that were due more than a lease ago (a lost or failed send).
    """
    now = utcnow()
    older_than = now - timedelta(seconds=rt.settings.lease_seconds)
    queued_before = now - timedelta(seconds=rt.settings.requeue_after_seconds)
    with transaction(rt.sessions) as session:
        ids = abandoned_here(session)
        ids += stuck_documents(session, older_than, queued_before=queued_before)
    for document_id in ids:
        send_verify(sender, document_id)
    if ids:
        log.info("sweeper re-sent %d document(s)", len(ids))
    with transaction(rt.sessions) as session:
        deliveries = overdue_deliveries(session, older_than)
    if deliveries:
        log.info("sweeper re-sent %d webhook deliveries", send_deliveries(sender, deliveries))
    rechecked = len(recheck_due(rt, sender))
    done = len(ids) + len(deliveries) + rechecked + retell_earlier(rt, sender)
    done += expire_uploads(rt)
    done += expire_idempotency_records(rt)
    prune_old_records(rt)  # housekeeping: not counted as work the sweeper re-sent
    done += auto_reverify(rt, sender)  # a rule-set version changed: re-check stale ones
    with transaction(rt.sessions) as session:  # what /readyz and /metrics read
        record_beat(session, SWEEPER, f"{this_host()} pid {os.getpid()}")
    return done


def retell_earlier(rt: WorkerRuntime, sender: Any) -> int:
    """Earlier documents a later copy or look-alike names, told (worker/recording.py) more than
    `requeue_after_seconds` ago and still not checked again: sent again, once a window."""
    now = utcnow()
    told_before = now - timedelta(seconds=rt.settings.requeue_after_seconds)
    with transaction(rt.sessions) as session:
        ids = untold(session, told_before, now)
    if ids:
        log.info("sweeper sends %d earlier copy(ies) to be checked again", len(ids))
        tell_earlier(lambda: sender, ids, now)
    return len(ids)


def abandoned_here(session: Session) -> list[str]:
    """Claims held on this host by a process that is gone (a whole worker killed, its
    messages not redelivered before the visibility timeout): queued again at once instead of
    when their lease runs out. Each is a compare-and-set on the dead holder's token."""
    held = session.execute(
        sa.select(Document.id, Document.claim_token, Document.claim_pid).where(
            Document.status == DocumentStatus.CHECKING, Document.claim_host == this_host()
        )
    ).all()
    freed = [
        doc_id
        for doc_id, token, pid in held
        if token is not None
        and holder_gone(this_host(), pid)
        and states.release(session, Claim(doc_id, token, 0), "its worker process is gone")
    ]
    if freed:
        log.info("sweeper freed %d document(s) whose worker process is gone", len(freed))
    return freed


def recheck_due(rt: WorkerRuntime, sender: Any) -> list[str]:
    """Automatic re-check: documents given up for a transient reason, after a cool-down, at
    most `max_rechecks` rounds each, and only while storage answers (an outage burns none)."""
    s = rt.settings
    if s.max_rechecks <= 0:
        return []
    older_than = utcnow() - timedelta(seconds=s.recheck_cooldown_seconds)
    with transaction(rt.sessions) as session:
        ids = due_rechecks(session, older_than, s.max_rechecks)
    if not ids:
        return []
    try:
        rt.store.check()
    except StorageUnavailable as exc:
        log.info("storage still unavailable, %d re-check(s) wait: %s", len(ids), exc)
        return []
    taken = requeue(rt, sender, ids, automatic=True)
    if taken:
        log.info("sweeper re-checks %d document(s) left unable_to_check", len(taken))
    return taken


def requeue(rt: WorkerRuntime, sender: Any, ids: list[str], *, automatic: bool) -> list[str]:
    """unable_to_check → received (criteria back to pending), then send; what cannot be sent
    stays `received` for the sweeper. Returns the documents taken."""
    taken: list[str] = []
    with transaction(rt.sessions) as session:
        submissions: set[int] = set()
        for document_id in ids:
            if recheck(session, document_id, automatic=automatic):
                taken.append(document_id)
                submissions.add(
                    session.scalars(
                        sa.select(Document.submission_id).where(Document.id == document_id)
                    ).one()
                )
        for submission_id in sorted(submissions):
            sub = session.get(Submission, submission_id)
            assert sub is not None
            catalog, _ = rt.catalogs.select(sub.programme, sub.period)
            reassess(session, catalog, submission_id)
    for document_id in taken:
        try:
            send_verify(sender, document_id)
        except Exception as exc:  # broker down or not configured: the sweeper sends it later
            log.warning("could not enqueue %s (%s); the sweeper will", document_id, exc)
            break
        with transaction(rt.sessions) as session:
            states.mark_queued(session, document_id)
    return taken


def recheck_documents(rt: WorkerRuntime, ids: list[str]) -> list[str]:
    """A person's re-check (`absah recheck`): any unable_to_check document, a fresh budget."""
    try:
        sender = rt.sender
    except Exception as exc:  # no broker configured here: the running sweeper sends them
        log.warning("no broker (%s); the sweeper will send the re-checks", exc)
        sender = None
    return requeue(rt, sender, ids, automatic=False)


FACTS_PRUNING = "facts-pruning"
FACTS_PRUNING_EVERY = timedelta(hours=1)
FACTS_KEPT_AFTER_UPGRADE = timedelta(days=7)  # another version's facts: gone only after this


def prune_old_records(rt: WorkerRuntime) -> int:
    """Sessions over for longer than `session_retention_days`, sign-in failures too old to
    count towards a lockout, and stored file facts nothing reads again (another extraction
    version, superseded documents), deleted (they were kept for ever)."""
    s, now = rt.settings, utcnow()
    with transaction(rt.sessions) as session:
        sessions = prune_sessions(session, now, timedelta(days=s.session_retention_days))
        failures = prune_sign_in_failures(
            session,
            now,
            timedelta(minutes=s.lockout_window_minutes),
            timedelta(minutes=s.lockout_minutes),
        )
        facts = 0
        if beat_due(session, FACTS_PRUNING, FACTS_PRUNING_EVERY, now):  # a table scan: hourly
            facts = prune_facts(session, facts_version(), now - FACTS_KEPT_AFTER_UPGRADE)
            record_beat(session, FACTS_PRUNING)
    if sessions or failures or facts:
        log.info(
            "removed %d ended session(s), %d old sign-in failure(s) and %d unread file fact(s)",
            sessions,
            failures,
            facts,
        )
    return sessions + failures + facts
