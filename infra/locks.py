"""A lock in Redis that expires when its holder dies: one scheduler for a whole deployment."""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

import redis

from infra.holders import holder_gone, this_host

log = logging.getLogger(__name__)

# compare-and-set scripts: only the recorded holder renews, releases or is replaced
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"  # noqa: E501
_REPLACE = "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end"  # noqa: E501
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"  # noqa: E501


def holder_id() -> str:
    """This process as a lock records it: host | pid | a nonce (a pid is reused, a nonce not)."""
    return f"{this_host()}|{os.getpid()}|{uuid.uuid4().hex[:12]}"


def holder_dead(recorded: str) -> bool:
    host, _, rest = recorded.partition("|")
    pid, _, _ = rest.partition("|")
    return pid.isdigit() and int(pid) != os.getpid() and holder_gone(host, int(pid))


class ExpiringLock:
    """Held by one process at a time, for `ttl` seconds unless renewed.

    `hold()` takes the lock when it is free, renews it when it is ours, and takes it over at
    once when its holder is provably gone (recorded on this host, process dead); a holder on
    another host that died lets it go when its time runs out.
    """

    def __init__(self, client: redis.Redis, key: str, ttl: float) -> None:
        self.client, self.key = client, key
        self.ttl_ms = int(ttl * 1000)
        self.me = holder_id()
        self.held = False

    def hold(self) -> bool:
        was = self.held
        self.held = self._hold()
        if self.held != was:
            log.info("%s %s (%s)", "holding" if self.held else "lost", self.key, self.me)
        return self.held

    def _hold(self) -> bool:
        if self.client.set(self.key, self.me, nx=True, px=self.ttl_ms):
            return True
        current: Any = self.client.get(self.key)
        if current is None:
            return False  # released a moment ago: taken at the next call
        current = current.decode() if isinstance(current, bytes) else str(current)
        if current == self.me:
            return bool(self.client.eval(_RENEW, 1, self.key, self.me, self.ttl_ms))
        if holder_dead(current):
            log.info("%s: holder %s is gone, taking over", self.key, current)
            return bool(self.client.eval(_REPLACE, 1, self.key, current, self.me, self.ttl_ms))
        return False

    def holder(self) -> str | None:
        value: Any = self.client.get(self.key)
        return value.decode() if isinstance(value, bytes) else value

    def release(self) -> None:
        if self.held:
            self.client.eval(_RELEASE, 1, self.key, self.me)
            self.held = False
