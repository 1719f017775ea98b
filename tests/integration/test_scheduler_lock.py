"""One scheduler per deployment: a lock in Redis, renewed by its holder, taken over at once
when the holder's process is gone on this host, or when it expires."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis

from infra.holders import this_host
from infra.locks import ExpiringLock
from tests.support.stack import wait_until


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    value = redis.Redis.from_url(redis_url)
    yield value
    value.close()


@pytest.fixture
def key(client: redis.Redis) -> Iterator[str]:
    name = f"absah-test-{secrets.token_hex(4)}.scheduler"
    yield name
    client.delete(name)


def test_only_one_holder_at_a_time_and_the_holder_renews(client: redis.Redis, key: str) -> None:
    first, second = ExpiringLock(client, key, 5), ExpiringLock(client, key, 5)
    assert first.hold()
    assert not second.hold()
    assert first.hold()  # renewed
    assert first.holder() == first.me
    first.release()
    assert second.hold()


def test_a_lock_whose_holder_died_on_this_host_is_taken_over_at_once(
    client: redis.Redis, key: str
) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    client.set(key, f"{this_host()}|{child.pid}|deadbeef", px=60_000)
    assert ExpiringLock(client, key, 5).hold()


def test_a_lock_held_on_another_host_is_free_only_once_it_expires(
    client: redis.Redis, key: str
) -> None:
    client.set(key, "elsewhere/pid:[1]|12345|deadbeef", px=500)
    standby = ExpiringLock(client, key, 5)
    assert not standby.hold()
    wait_until(standby.hold, 10, "the lock to expire and be taken")
