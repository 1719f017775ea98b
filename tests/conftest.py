"""Shared fixtures: real PostgreSQL, Redis and a moto S3 server; a missing service fails loudly.
Helpers live in tests/support/; this file holds fixtures only."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory, transaction
from infra.migrate import upgrade
from infra.settings import Settings
from infra.units import seed_registry
from tests.support.services import REDIS, fresh_database, require_redis, server_settings
from tests.support.stack import free_port

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated; dropped at the end."""
    with fresh_database("absah_t") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    require_redis()
    return f"redis://{REDIS[0]}:{REDIS[1]}/0"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server over HTTP on a free port (real HTTP, boto3 as in production)."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def pg_settings(pg_database: str, redis_url: str, s3_endpoint: str, tmp_path: Path) -> Settings:
    """PostgreSQL + Redis + S3, with this test's own bucket and queue."""
    return server_settings(pg_database, redis_url, s3_endpoint, tmp_path / "data")


@pytest.fixture
def own_pg_settings(pg_settings: Settings) -> Iterator[Settings]:
    """pg_settings on a PostgreSQL database of this test's own, dropped after: for tests whose
    sweeper (it acts on every document of its database) must not touch other tests' rows."""
    with fresh_database("absah_own") as url:
        yield pg_settings.model_copy(update={"database_url": url})


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
        password_time_cost=1,  # argon2 as cheap as it goes: tests check behaviour
        password_memory_kib=1024,
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
