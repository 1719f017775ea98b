"""`absah run`: migrate, seed, then supervise a private Redis if needed, a worker, the
scheduler and the API."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from absah.embedded import EmbeddedRedis, free_port
from absah.supervise import Part, Supervisor
from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role, create_key, has_admin_key
from infra.migrate import upgrade
from infra.settings import Settings
from infra.units import seed_registry


def prepare_database(settings: Settings, *, first_admin_key: bool = False) -> None:
    """Apply migrations, load the shipped units into an empty registry, mint a first admin key."""
    upgrade(settings)
    engine = create_db_engine(settings)
    try:
        with transaction(create_session_factory(engine)) as session:
            if settings.seed_units and seed_registry(session):
                click.echo("absah: unit registry seeded (Sumatera Selatan)", err=True)
            if first_admin_key and not has_admin_key(session):
                new = create_key(session, role=Role.ADMIN, name="first admin (absah run)")
                path = settings.data_dir / "admin-key.txt"
                path.write_text(new.secret + "\n", encoding="utf-8")
                path.chmod(0o600)
                click.echo(f"absah: first admin key (saved in {path}):\n  {new.secret}", err=True)
    finally:
        engine.dispose()


def part(name: str, args: list[str], env: dict[str, str]) -> Part:
    """An `absah ...` child process."""
    command = [sys.executable, "-m", "absah.cli", *args]
    return Part(name, lambda: subprocess.Popen(command, env=env))


def run_all(settings: Settings) -> None:
    """Everything on one machine, supervised: a part that dies is started again."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(settings, first_admin_key=True)
    env = dict(os.environ)
    env["ABSAH_DATA_DIR"] = str(settings.data_dir.resolve())
    if "ABSAH_LOG_FORMAT" not in os.environ:  # a person at a terminal: text, not JSON
        env["ABSAH_LOG_FORMAT"] = "text"
    parts: list[Part] = []
    if not settings.broker_url:
        redis = EmbeddedRedis(settings.data_dir / "redis")

        def start_redis() -> subprocess.Popen[bytes]:
            url = redis.start()  # the same port and data again on a restart
            click.echo(f"absah: private Redis started at {url}", err=True)
            assert redis.process is not None
            return redis.process

        parts.append(Part("redis", start_redis, stop_timeout=10))
        redis.port = free_port()
        env["ABSAH_BROKER_URL"] = redis.url
    parts.append(part("worker", ["worker"], env))
    parts.append(part("scheduler", ["beat"], env))
    host, port = settings.api_host, str(settings.api_port)
    parts.append(part("api", ["api", "--host", host, "--port", port], env))
    store = f"S3 bucket {settings.s3_bucket}" if settings.uses_s3() else str(settings.objects_dir())
    click.echo(
        f"absah: API on http://{host}:{port}  "
        f"(database {settings.resolved_database_url().split('://')[0]}, storage {store}); "
        "redis, worker, scheduler and API are restarted if they stop",
        err=True,
    )
    Supervisor(parts).run()
