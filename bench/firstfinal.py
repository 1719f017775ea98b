"""Each document's first verdict, as its uploader saw it: a phase's database polled while the
phase runs. A later re-check (a copy or look-alike uploaded after it names it, a rule change)
moves `checked_at`; latency and throughput are about the first verdict."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from types import TracebackType

import sqlalchemy as sa

from infra.db import create_db_engine
from infra.settings import Settings
from infra.statuses import FINAL
from infra.tables import Document

# a verdict commits within moments of its checked_at: rows from this far before the latest seen
# are read again, so none committed late is missed
_MARGIN = timedelta(seconds=5)


class FirstVerdicts:
    """`with FirstVerdicts(settings) as seen:` … `seen.at(document_id, checked_at)`."""

    def __init__(self, settings: Settings, interval: float = 0.25) -> None:
        self.engine = create_db_engine(settings)
        self.interval = interval
        self.first: dict[str, datetime] = {}
        self._latest: datetime | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def poll(self) -> None:
        query = sa.select(Document.id, Document.checked_at).where(
            Document.status.in_(sorted(FINAL)), Document.checked_at.is_not(None)
        )
        if self._latest is not None:
            query = query.where(Document.checked_at >= self._latest - _MARGIN)
        with self.engine.connect() as conn:
            for document_id, checked_at in conn.execute(query):
                if checked_at is None:  # the query leaves these out; the type does not know
                    continue
                self.first.setdefault(document_id, checked_at)
                if self._latest is None or checked_at > self._latest:
                    self._latest = checked_at

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()

    def at(self, document_id: str, checked_at: datetime) -> datetime:
        """When the document was first seen final (`checked_at` when it never was seen)."""
        return min(self.first.get(document_id, checked_at), checked_at)

    def __enter__(self) -> FirstVerdicts:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()
        self.engine.dispose()
