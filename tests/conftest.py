"""Shared fixtures: real PostgreSQL, Redis and a moto S3 server; a missing service fails loudly."""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from moto.server import ThreadedMotoServer
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role, create_key
from infra.migrate import upgrade
from infra.settings import Settings
from infra.units import UnitRow, apply_units, seed_registry
from tests.stack import free_port

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log

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


def _require_redis() -> None:
    try:
        with socket.create_connection(REDIS, timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(16).startswith(b"+PONG"):
                raise OSError("no PONG")
    except OSError as exc:
        pytest.fail(
            f"Redis at {REDIS[0]}:{REDIS[1]} is not answering ({exc}); {FIX_REDIS}", pytrace=False
        )


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated; dropped at the end."""
    name = f"absah_t_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at 127.0.0.1:5432 is not reachable ({exc}); {FIX_PG}", pytrace=False
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://root@127.0.0.1:5432/{name}"
    upgrade(Settings(database_url=url, data_dir=Path("/nonexistent")))
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url() -> str:
    _require_redis()
    return f"redis://{REDIS[0]}:{REDIS[1]}/0"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server over HTTP on a free port (real HTTP, boto3 as in production)."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


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
    }
    return Settings(**(values | overrides))


@pytest.fixture
def pg_settings(pg_database: str, redis_url: str, s3_endpoint: str, tmp_path: Path) -> Settings:
    """PostgreSQL + Redis + S3, with this test's own bucket and queue."""
    return server_settings(pg_database, redis_url, s3_endpoint, tmp_path / "data")


@pytest.fixture
def own_pg_settings(pg_settings: Settings) -> Iterator[Settings]:
    """pg_settings on a PostgreSQL database of this test's own, dropped after: for tests whose
    sweeper (it acts on every document of its database) must not touch other tests' rows."""
    name = f"absah_own_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://root@127.0.0.1:5432/{name}"
    try:
        settings = pg_settings.model_copy(update={"database_url": url})
        upgrade(settings)
        yield settings
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_settings(tmp_path: Path, redis_url: str) -> Settings:
    """The embedded defaults' database and storage (SQLite, local directory), shared Redis."""
    tag = secrets.token_hex(4)
    settings = Settings(
        data_dir=tmp_path / "data",
        broker_url=redis_url,
        queue_name=f"absah-test-{tag}",
        retry_backoff_seconds=0.2,
        retry_backoff_max_seconds=1,
    )
    upgrade(settings)
    return settings


@pytest.fixture
def sessions_for() -> Iterator[Callable[[Settings], sessionmaker[Session]]]:
    engines = []

    def build(settings: Settings) -> sessionmaker[Session]:
        engine = create_db_engine(settings)
        engines.append(engine)
        factory = create_session_factory(engine)
        with transaction(factory) as session:
            seed_registry(session)
        return factory

    yield build
    for engine in engines:
        engine.dispose()


def make_unit(factory: sessionmaker[Session], kind: str = "lapas") -> str:
    """A unit of this test's own, so tests never share a submission."""
    code = "T" + secrets.token_hex(4).upper()
    with transaction(factory) as session:
        seed_registry(session)
        apply_units(session, [UnitRow(code, f"Unit uji {code}", kind, "16")])
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
