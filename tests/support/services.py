"""The services tests run against: PostgreSQL and Redis as this machine runs them, fresh
databases, server settings with a bucket and queue of their own, units and keys."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.keys import Role, create_key
from infra.migrate import upgrade
from infra.settings import Settings
from infra.units import UnitRow, apply_units, seed_registry

PG_ADMIN = "postgresql://root@127.0.0.1:5432/test"
REDIS = ("127.0.0.1", 6379)
FIX_PG = (
    "start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start "
    "(or run .ci/run, which starts what is missing)"
)
FIX_REDIS = (
    "start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' "
    "--appendonly no (or run .ci/run)"
)


def require_redis() -> None:
    try:
        with socket.create_connection(REDIS, timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(16).startswith(b"+PONG"):
                raise OSError("no PONG")
    except OSError as exc:
        pytest.fail(
            f"Redis at {REDIS[0]}:{REDIS[1]} is not answering ({exc}); {FIX_REDIS}", pytrace=False
        )


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database, migrated, as a SQLAlchemy URL; dropped (forced) at the end."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at 127.0.0.1:5432 is not reachable ({exc}); {FIX_PG}", pytrace=False
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://root@127.0.0.1:5432/{name}"
    try:
        upgrade(Settings(database_url=url, data_dir=Path("/nonexistent")))
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_settings(
    database_url: str, redis_url: str, s3_endpoint: str, data_dir: Path, **overrides: Any
) -> Settings:
    """PostgreSQL + Redis + S3 with a bucket and a queue of their own, quick retries."""
    tag = secrets.token_hex(4)
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "broker_url": redis_url,
        "queue_name": f"absah-test-{tag}",
        "s3_endpoint_url": s3_endpoint,
        "s3_bucket": f"absah-test-{tag}",
        "s3_access_key_id": "testing",
        "s3_secret_access_key": SecretStr("testing"),
        "retry_backoff_seconds": 0.2,
        "retry_backoff_max_seconds": 1,
        # the database is shared by a session's tests: a worker starting in one test must not
        # re-verify the documents other tests left (tests of the automatic path turn it on)
        "auto_reverify": False,
        "password_time_cost": 1,  # argon2 as cheap as it goes: tests check behaviour
        "password_memory_kib": 1024,
    }
    return Settings(**(values | overrides))


def make_unit(
    factory: sessionmaker[Session], kind: str = "lapas", *, region: str | None = None
) -> str:
    """A unit of this test's own, so tests never share a submission, in a region of its own
    unless `region` names one (created when new; "16" is the seeded Sumatera Selatan). Photos
    and files are compared across a region: on the session's shared database another test's
    look-alike photo or copy of the same file would make this one's re-used."""
    code = "T" + secrets.token_hex(4).upper()
    region_name: str | None = None
    if region is None:
        region, region_name = "R" + code[1:], f"Wilayah uji {code}"
    elif region != "16":
        region_name = f"Wilayah uji {region}"
    with transaction(factory) as session:
        seed_registry(session)
        apply_units(session, [UnitRow(code, f"Unit uji {code}", kind, region, region_name)])
    return code


def make_key(
    factory: sessionmaker[Session],
    role: str = "admin",
    *,
    units: list[str] | None = None,
    region: str | None = None,
) -> dict[str, str]:
    """Headers carrying a fresh API key of that role."""
    with transaction(factory) as session:
        seed_registry(session)
        new = create_key(session, role=Role(role), name=f"test {role}", units=units, region=region)
    return {"Authorization": f"Bearer {new.secret}"}
