"""`absah run`: migrate, seed, then supervise a private Redis if needed, a checks worker, an
OCR worker, the scheduler and the API."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import click

from absah.embedded import EmbeddedRedis, free_port
from absah.supervise import Part, Supervisor, part
from infra.accounts import create_account, has_admin_account
from infra.copies import fill_text_prints
from infra.db import create_db_engine, create_session_factory, transaction
from infra.encryption import secret_key
from infra.keys import Role, create_key, has_admin_key
from infra.migrate import upgrade
from infra.passwords import random_password
from infra.settings import Settings
from infra.units import seed_registry
from infra.webhooks import seal_stored_secrets

FIRST_ADMIN = "admin"


def prepare_database(settings: Settings, *, first_admin_key: bool = False) -> None:
    """Apply migrations, fill what a migration left to fill (PDFs' text prints), load the
    shipped units into an empty registry, mint a first admin key (for machines and curl) and a
    first admin account (for the pages)."""
    upgrade(settings)
    engine = create_db_engine(settings)
    try:
        factory = create_session_factory(engine)
        if printed := fill_text_prints(factory):  # batches that commit: no long lock
            click.echo(f"absah: text prints of {printed} PDF(s) filled from stored facts", err=True)
        with transaction(factory) as session:
            if settings.seed_units and seed_registry(session):
                click.echo("absah: unit registry seeded (Sumatera Selatan)", err=True)
            if sealed := seal_stored_secrets(session, secret_key(settings)):
                click.echo(f"absah: {sealed} webhook secret(s) sealed at rest", err=True)
            if first_admin_key and not has_admin_key(session):
                new = create_key(session, role=Role.ADMIN, name="first admin (absah run)")
                path = save_first_key(settings, new.secret)
                # Never the key itself: this output ends up in logs and terminals' scrollback.
                click.echo(
                    f"absah: first admin key {new.prefix} saved in {path} (readable only by "
                    f'you); use it with: -H "Authorization: Bearer $(cat {path})"',
                    err=True,
                )
            if first_admin_key and not has_admin_account(session):
                password = random_password()
                create_account(
                    session,
                    settings,
                    username=FIRST_ADMIN,
                    name="Admin Absah",
                    role=Role.ADMIN,
                    password=password,
                )
                path = save_first_secret(
                    settings, "admin-account.txt", f"username: {FIRST_ADMIN}\npassword: {password}"
                )
                click.echo(
                    f"absah: first admin account '{FIRST_ADMIN}' created; its password is in "
                    f"{path} (readable only by you). Sign in at /ui/masuk, set up the second "
                    "factor, change the password, then delete the file.",
                    err=True,
                )
    finally:
        engine.dispose()


def server_options(settings: Settings) -> dict[str, Any]:
    """Uvicorn's limits and timeouts from the settings, for every way absah starts it. h11 is
    chosen explicitly: the header bound (h11_max_incomplete_event_size) holds only there."""
    return {
        "http": "h11",
        "timeout_keep_alive": settings.api_keep_alive_seconds,
        "h11_max_incomplete_event_size": settings.api_max_header_bytes,
        "limit_concurrency": settings.api_max_concurrency,
        "timeout_graceful_shutdown": settings.api_shutdown_grace_seconds,
        "server_header": False,  # no version banner for scanners
    }


def save_first_key(settings: Settings, secret: str) -> Path:
    """Write the key to data_dir/admin-key.txt, created 0600."""
    return save_first_secret(settings, "admin-key.txt", secret)


def save_first_secret(settings: Settings, name: str, text: str) -> Path:
    """Write a first credential to data_dir/NAME, created 0600 (never readable by others, even
    for an instant)."""
    path = settings.ensure_data_dir().resolve() / name
    path.unlink(missing_ok=True)  # an old file of a credential no longer active
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    return path


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
    """Everything on one machine, supervised: a part that dies is started again."""
    ensure_port_free(settings.api_host, settings.api_port)
    settings.ensure_data_dir()
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
    # the workers are restarted here, not by a supervisor of their own (--no-restart)
    parts.append(part("worker", ["worker", "--queues", "checks", "--no-restart"], env))
    # OCR in its own worker: a backlog of scans never holds up photos and born-digital PDFs
    parts.append(part("ocr-worker", ["worker", "--queues", "ocr", "--no-restart"], env))
    parts.append(part("scheduler", ["beat"], env))
    host, port = settings.api_host, str(settings.api_port)
    parts.append(part("api", ["api", "--host", host, "--port", port], env))
    store = f"S3 bucket {settings.s3_bucket}" if settings.uses_s3() else str(settings.objects_dir())
    click.echo(
        f"absah: API on http://{host}:{port}  "
        f"(database {settings.resolved_database_url().split('://')[0]}, storage {store}); "
        "redis, workers, scheduler and API are restarted if they stop",
        err=True,
    )
    Supervisor(parts).run()
