"""Celery beat's scheduler for absah: runs its entries only while it holds the scheduler lock,
and runs them at once when it starts (a restarted scheduler sweeps without waiting)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import redis
from celery.beat import Scheduler

from infra.locks import ExpiringLock
from infra.settings import Settings

log = logging.getLogger(__name__)


def scheduler_lock(settings: Settings) -> ExpiringLock:
    """The deployment's one scheduler lock, in the broker, named by the queue."""
    client = redis.Redis.from_url(settings.broker_url or "", socket_timeout=5)
    return ExpiringLock(client, f"{settings.queue_name}.scheduler", settings.scheduler_lock_seconds)


class SingleScheduler(Scheduler):  # type: ignore[misc]
    """In-memory schedule (nothing to corrupt on SIGKILL); a second replica stands by."""

    def setup_schedule(self) -> None:
        super().setup_schedule()
        started = self.app.now()
        for entry in self.schedule.values():
            entry.last_run_at = started - timedelta(days=1)  # due at the first tick

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.absah_runtime.settings
        return settings

    @property
    def lock(self) -> ExpiringLock:
        if "_lock" not in self.__dict__:
            self.__dict__["_lock"] = scheduler_lock(self.settings)
        lock: ExpiringLock = self.__dict__["_lock"]
        return lock

    def tick(self, *args: Any, **kwargs: Any) -> float:
        beat = self.settings.scheduler_lock_seconds / 3
        try:
            held = self.lock.hold()
        except redis.RedisError as exc:
            log.warning("scheduler lock unavailable (%s); not scheduling", exc)
            held = False
        if not held:
            return beat  # standing by: another scheduler holds the lock
        return float(min(super().tick(*args, **kwargs), beat))

    def close(self) -> None:
        try:
            if "_lock" in self.__dict__:
                self.lock.release()  # a standby takes over at its next tick
        except redis.RedisError:
            log.warning("scheduler lock not released; it expires by itself")
        super().close()
