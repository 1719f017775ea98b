"""The services a benchmark run owns: its own database, S3 server, queue, bucket and unit."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import boto3
import httpx
import psycopg
import redis
from sqlalchemy.orm import Session, sessionmaker

from bench.corpus import BenchFile, Corpus
from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role, create_key
from infra.migrate import upgrade
from infra.settings import Settings
from infra.units import UnitRow, apply_units, seed_registry
from tests.support.records import add_document
from tests.support.stack import free_port, wait_until

PG_ADMIN = "postgresql://root@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"

log = logging.getLogger(__name__)


class BenchError(RuntimeError):
    """The run itself could not be done (a service missing, an upload refused)."""


def require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        raise BenchError(f"Redis at {REDIS_URL} is not answering ({exc})") from exc


@contextlib.contextmanager
def bench_database(tag: str) -> Iterator[str]:
    """A fresh PostgreSQL database, migrated and seeded; dropped (WITH FORCE) at the end."""
    name = f"absah_bench_{tag}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL at 127.0.0.1:5432 is not reachable ({exc})") from exc
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://root@127.0.0.1:5432/{name}"
        upgrade(Settings(database_url=url, data_dir=Path("/nonexistent")))
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_unit_and_key(settings: Settings, unit_code: str, unit_kind: str) -> dict[str, str]:
    """The unit the batch is submitted for, and a portal key bound to it (as headers)."""
    return make_units_and_key(settings, [unit_code], unit_kind)


def add_units(session: Session, unit_codes: list[str], unit_kind: str) -> None:
    """The seeded registry and the run's own units, in region 16."""
    seed_registry(session)
    apply_units(session, [UnitRow(c, f"Unit bench {c}", unit_kind, "16") for c in unit_codes])


def store_files(
    settings: Settings,
    factory: sessionmaker[Session],
    unit: str,
    corpus: Corpus,
    files: Sequence[BenchFile],
) -> list[str]:
    """Files of the corpus stored and recorded for `unit` as intake leaves them; their ids."""
    return [
        add_document(settings, factory, unit, corpus.path(f).read_bytes(), f.base_name, f.criterion)
        for f in files
    ]


def make_units_and_key(settings: Settings, unit_codes: list[str], unit_kind: str) -> dict[str, str]:
    """Units to submit for, and one portal key bound to all of them (as headers)."""
    engine = create_db_engine(settings)
    try:
        with transaction(create_session_factory(engine)) as session:
            add_units(session, unit_codes, unit_kind)
            new = create_key(session, role=Role.PORTAL, name="bench", units=unit_codes)
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {new.secret}"}


class MotoServer:
    """moto's S3 in its own process, so its CPU and memory show as the stack's, not ours."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def up() -> bool:
            if self.popen.poll() is not None:
                raise BenchError(f"moto exited; see {log_path}")
            try:
                return httpx.get(f"{self.url}/moto-api/", timeout=1).status_code < 500
            except httpx.HTTPError:
                return False

        wait_until(up, 30, "moto to answer")

    @property
    def pid(self) -> int:
        return self.popen.pid

    def empty_bucket(self, bucket: str) -> int:
        """Delete every object of `bucket`, then the bucket; the number of objects deleted."""
        client = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's fixed test credentials
        )
        deleted = 0
        try:
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
                if keys:
                    client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
                    deleted += len(keys)
            client.delete_bucket(Bucket=bucket)
        except client.exceptions.NoSuchBucket:
            pass
        return deleted

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        self._log.close()


def delete_queue_keys(tag: str) -> int:
    """Remove this run's own Redis keys (its queues and their bindings); never anything else."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*absah-bench-{tag}*", count=1000))
    return int(client.delete(*keys)) if keys else 0
