"""When the sweeper (and its hourly housekeeping) last ran and how old the oldest check is:
recorded by the worker, read by the API for /readyz and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from infra.statuses import DocumentStatus
from infra.tables import Document, ServiceBeat, utcnow

SWEEPER = "sweeper"
SILENT_INTERVALS = 3  # a sweeper silent longer than this many intervals is not ready


def record_beat(session: Session, name: str, holder: str | None = None) -> None:
    """Stamp `name` as having done its round now (an upsert that works on every database)."""
    now = utcnow()
    updated = session.execute(
        sa.update(ServiceBeat).where(ServiceBeat.name == name).values(at=now, holder=holder)
    )
    if updated.rowcount:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(ServiceBeat(name=name, at=now, holder=holder))
    except IntegrityError:
        pass  # another sweeper stamped it first: as good


def beat_due(session: Session, name: str, every: timedelta, now: datetime) -> bool:
    """Whether `name` last stamped its beat longer than `every` ago (or never): housekeeping
    that need not run on every sweep."""
    last = session.scalar(sa.select(ServiceBeat.at).where(ServiceBeat.name == name))
    return last is None or last < now - every


@dataclass(frozen=True)
class SweeperHealth:
    last_run_at: datetime | None
    silent_seconds: float  # since the last run, or since the API started when none is recorded
    limit_seconds: float
    oldest_checking_seconds: float

    @property
    def ok(self) -> bool:
        return self.silent_seconds <= self.limit_seconds

    def describe(self) -> dict[str, str | float | None]:
        """What /readyz shows: figures, and a sentence in Bahasa Indonesia and English."""
        silent = round(self.silent_seconds)
        if self.ok:
            message_id = "Penyapu berjalan normal."
            message_en = "The sweeper runs normally."
        elif self.last_run_at is None:
            message_id = f"Penyapu belum pernah berjalan ({silent} detik sejak API mulai)."
            message_en = f"The sweeper has not run yet ({silent} s since the API started)."
        else:
            message_id = (
                f"Penyapu tidak berjalan sejak {silent} detik (batas {self.limit_seconds:g})."
            )
            message_en = f"The sweeper has not run for {silent} s (limit {self.limit_seconds:g})."
        return {
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "silent_seconds": round(self.silent_seconds, 1),
            "limit_seconds": self.limit_seconds,
            "oldest_checking_seconds": round(self.oldest_checking_seconds, 1),
            "message_id": message_id,
            "message_en": message_en,
        }


def sweeper_health(session: Session, interval: float, started_at: datetime) -> SweeperHealth:
    """The sweeper's last run against `SILENT_INTERVALS` intervals; before the first run is
    recorded (a fresh install) the API's own start stands in, so it is ready while the first
    sweep is still due and unready once that has not come for as long."""
    now = utcnow()
    last = session.scalar(sa.select(ServiceBeat.at).where(ServiceBeat.name == SWEEPER))
    oldest = session.scalar(
        sa.select(sa.func.min(Document.updated_at)).where(
            Document.status == DocumentStatus.CHECKING
        )
    )
    return SweeperHealth(
        last_run_at=last,
        silent_seconds=max(0.0, (now - (last or started_at)).total_seconds()),
        limit_seconds=SILENT_INTERVALS * interval,
        oldest_checking_seconds=(now - oldest).total_seconds() if oldest else 0.0,
    )
