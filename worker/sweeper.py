"""The outbox sweeper: re-send documents and webhook deliveries whose message was lost."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from infra.db import transaction
from infra.queue import send_verify
from infra.states import stuck_documents
from infra.tables import utcnow
from infra.webhooks import overdue_deliveries, send_deliveries
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)


def sweep(rt: WorkerRuntime, sender: Any) -> int:
    """Re-enqueue documents waiting longer than the lease, or checking past an expired lease.

    A re-sent message for a document already being checked is harmless: the claim is a
    compare-and-set, so the second delivery finds nothing to claim. The same holds for
    pending webhook deliveries that were due more than a lease ago (a lost or failed send).
    """
    older_than = utcnow() - timedelta(seconds=rt.settings.lease_seconds)
    with transaction(rt.sessions) as session:
        ids = stuck_documents(session, older_than)
    for document_id in ids:
        send_verify(sender, document_id)
    if ids:
        log.info("sweeper re-sent %d document(s)", len(ids))
    with transaction(rt.sessions) as session:
        deliveries = overdue_deliveries(session, older_than)
    if deliveries:
        log.info("sweeper re-sent %d webhook deliveries", send_deliveries(sender, deliveries))
    return len(ids) + len(deliveries)
