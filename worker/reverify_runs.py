"""Scheduling re-verification: send every stale document to the re-verification queue (by hand,
at start, or when the sweeper notices a new rule-set version), and preview what would change."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from infra import reverify as stale
from infra.db import transaction
from infra.queue import reverify_queue, send_reverify
from infra.reverify import Scope, Stale
from infra.settings import Settings
from infra.tables import utcnow
from rules.findings import Outcome
from worker.facts_keeping import kept_facts
from worker.job import load_job
from worker.pipeline import evaluate
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)


def _by_version(found: list[Stale]) -> dict[str, list[Stale]]:
    grouped: dict[str, list[Stale]] = {}
    for doc in found:
        grouped.setdefault(doc.in_force, []).append(doc)
    return grouped


def _send(sender: Any, docs: list[Stale]) -> int:
    for i, doc in enumerate(docs):
        try:
            send_reverify(sender, doc.document_id)
        except Exception as exc:  # broker down: the sweeper sends them again (stalled run)
            log.warning("could not enqueue re-verification (%s); the sweeper will", exc)
            return i
    return len(docs)


def schedule(rt: WorkerRuntime, sender: Any, scope: Scope) -> list[Stale]:
    """A person's `absah reverify`: send every stale document in scope now, and mark the
    versions so the automatic path does not send them a second time."""
    with transaction(rt.sessions) as session:
        found = stale.stale_documents(session, rt.catalogs, scope)
        marks = stale.schedules(session)
        for version, docs in _by_version(found).items():
            mark = marks.get(version)
            if mark is None:
                stale.mark_scheduled(session, docs[0].programme, version, "command", len(docs))
            else:
                stale.renew_schedule(session, version, mark.scheduled_at, "command", len(docs))
    _send(sender, found)
    return found


def auto_reverify(rt: WorkerRuntime, sender: Any) -> int:
    """At start and on every sweep: a rule-set version in force with stale documents and no
    mark yet is scheduled once (the mark is a compare-and-set: one process sends). A marked run
    whose queue is empty a lease after it was sent, with documents still stale, lost messages
    (broker restarted, a send failed): it is sent again."""
    if not rt.settings.auto_reverify:
        return 0
    with transaction(rt.sessions) as session:
        counts = stale.stale_counts(session, rt.catalogs)
        marks = stale.schedules(session)
        for version, row in marks.items():
            if row.remaining != counts.get(version, 0):
                stale.note_remaining(session, version, counts.get(version, 0))
    sent = 0
    stalled_before = utcnow() - timedelta(seconds=rt.settings.lease_seconds)
    for version, count in counts.items():
        catalog = rt.catalogs.by_ruleset(version)
        mark = marks.get(version)
        if catalog is None or (
            mark is not None
            and (mark.scheduled_at >= stalled_before or not queue_is_empty(rt, sender))
        ):
            continue
        with transaction(rt.sessions) as session:
            found = stale.stale_documents(session, rt.catalogs, Scope(catalog.programme))
            docs = [d for d in found if d.in_force == version]
            if mark is None:
                taken = stale.mark_scheduled(session, catalog.programme, version, "auto", count)
            else:
                taken = stale.renew_schedule(session, version, mark.scheduled_at, "auto", count)
        if taken:
            sent += _send(sender, docs)
            again = "" if mark is None else " again (the last run stalled)"
            log.info("re-verification of %d document(s) under %s sent%s", len(docs), version, again)
    return sent


def start_reverify(settings: Settings, sender: Any) -> None:
    """The automatic path when a worker starts, on a runtime of its own (the parent process
    must not keep connections its forked children would share)."""
    rt = WorkerRuntime(settings)
    try:
        auto_reverify(rt, sender)
    except Exception:  # the sweeper tries again on its next round
        log.warning("re-verification at start failed", exc_info=True)
    finally:
        if "engine" in rt.__dict__:
            rt.engine.dispose()


def queue_is_empty(rt: WorkerRuntime, sender: Any) -> bool:
    """No message waits in the re-verification queue (unknown: not empty, never re-send)."""
    try:
        with sender.connection_for_read() as conn:
            declared = conn.default_channel.queue_declare(
                queue=reverify_queue(rt.settings), passive=True
            )
            return int(declared.message_count) == 0
    except Exception as exc:
        log.info("cannot read the re-verification queue (%s)", exc)
        return False


@dataclass(frozen=True)
class Preview:
    """What re-verifying one document would give, without writing anything."""

    doc: Stale
    status: str | None  # None: no stored facts of the current extraction; it would be fetched
    reason: str | None = None
    failing: tuple[str, ...] = ()  # checks that would fail or want a person


def preview(rt: WorkerRuntime, scope: Scope) -> list[Preview]:
    """`absah reverify --dry-run`: the stale documents and, from their stored facts, what the
    catalog in force would say; nothing is written or sent."""
    with transaction(rt.sessions) as session:
        found = stale.stale_documents(session, rt.catalogs, scope)
    out = []
    for doc in found:
        job = load_job(rt, doc.document_id)
        facts = kept_facts(rt, job.document_id, job.sha256)
        if facts is None:
            out.append(Preview(doc, None))
            continue
        catalog, period = rt.catalogs.select(job.programme, job.period)
        verdict = evaluate(rt, job, facts, catalog, period)
        failing = tuple(
            f"{f.check_id}:{f.reason_code}"
            for f in verdict.findings
            if f.outcome is Outcome.FAIL or f.needs_review
        )
        out.append(Preview(doc, verdict.status.value, verdict.reason_code, failing))
    return out
