"""The heartbeat of a running check: a thread renewing its claim's lease until the check ends."""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from infra import states
from infra.db import transaction
from infra.states import Claim

log = logging.getLogger(__name__)


class Heartbeat:
    """Renews `claim` every `interval` seconds while the `with` block runs.

    A renewal is a compare-and-set on the claim's token, so a claim taken over by another
    worker is never renewed again (`lost` tells). It stops renewing after `max_seconds` (the
    hard time limit: no check may run longer), so a wedged process cannot hold a document
    for ever. A database error is logged and retried at the next beat; the lease outlives a
    short outage by design.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        claim: Claim,
        *,
        lease_seconds: int,
        interval: float,
        max_seconds: float,
    ) -> None:
        self.sessions, self.claim = sessions, claim
        self.lease_seconds, self.interval = lease_seconds, interval
        self.deadline = time.monotonic() + max_seconds
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{claim.document_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop renewing; returns once the thread is done (a renewal in flight finishes)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if time.monotonic() > self.deadline:
                log.warning(
                    "check of %s ran past its time limit; its lease is left to run out",
                    self.claim.document_id,
                )
                return
            try:
                with transaction(self.sessions) as session:
                    held = states.renew(session, self.claim, self.lease_seconds)
            except Exception as exc:  # the database is away: try again at the next beat
                log.warning("lease renewal of %s failed: %s", self.claim.document_id, exc)
                continue
            if not held:
                log.info("claim on %s is no longer held; heartbeat stops", self.claim.document_id)
                self.lost.set()
                return
