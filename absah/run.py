"""`absah run`: migrate, seed, start a private Redis if needed, a worker with beat, and the API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from types import FrameType

import click
import uvicorn

from absah.embedded import EmbeddedRedis
from infra.db import create_db_engine, create_session_factory, transaction
from infra.keys import Role, create_key, has_admin_key
from infra.logs import configure_logging
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


class PortTaken(RuntimeError):
    """The API's address is in use; the message names the option and the setting to change."""


def ensure_port_free(host: str, port: int) -> None:
    """Bind and release the API's address before starting anything, so a taken port is one
    clear sentence instead of a worker and a Redis started for nothing and a uvicorn trace."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortTaken(
                f"port {port} on {host} is already in use ({exc.strerror}); is absah already "
                f"running? Choose another port with --port N or the setting ABSAH_API_PORT "
                f"(and the address with --host or ABSAH_API_HOST)"
            ) from exc


def run_all(settings: Settings) -> None:
    ensure_port_free(settings.api_host, settings.api_port)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(settings, first_admin_key=True)
    env = dict(os.environ)
    env["ABSAH_DATA_DIR"] = str(settings.data_dir.resolve())
    if "ABSAH_LOG_FORMAT" not in os.environ:  # a person at a terminal: text, not JSON
        settings = settings.model_copy(update={"log_format": "text"})
        env["ABSAH_LOG_FORMAT"] = "text"
    redis: EmbeddedRedis | None = None
    if not settings.broker_url:
        redis = EmbeddedRedis(settings.data_dir / "redis")
        url = redis.start()
        click.echo(f"absah: private Redis started at {url}", err=True)
        settings = settings.model_copy(update={"broker_url": url})
        env["ABSAH_BROKER_URL"] = url
    worker = subprocess.Popen([sys.executable, "-m", "absah.cli", "worker", "--beat"], env=env)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    store = f"S3 bucket {settings.s3_bucket}" if settings.uses_s3() else str(settings.objects_dir())
    click.echo(
        f"absah: API on http://{settings.api_host}:{settings.api_port}  "
        f"(database {settings.resolved_database_url().split('://')[0]}, storage {store})",
        err=True,
    )
    try:
        from intake.app import create_app

        configure_logging(settings, process="api")
        uvicorn.run(
            create_app(settings), host=settings.api_host, port=settings.api_port, log_config=None
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        if redis is not None:
            redis.stop()
