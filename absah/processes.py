"""The commands that start the parts: run (everything on one machine), api, worker, beat."""

from __future__ import annotations

import os
import signal
import sys

import click

from absah.shell import check_catalogs, fail, load_settings, worker_logging
from infra.settings import Settings


@click.command()
@click.option("--host", default=None, help="Bind address (default ABSAH_API_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default ABSAH_API_PORT, 8000).")
def run(host: str | None, port: int | None) -> None:
    """Everything on one machine: migrations, seed, then a supervised private Redis, workers,
    scheduler and API."""
    from absah.run import PortTaken, run_all

    settings = load_settings()
    check_catalogs(settings)
    chosen = {"api_host": host, "api_port": port}
    settings = settings.model_copy(update={k: v for k, v in chosen.items() if v is not None})
    try:
        run_all(settings)
    except PortTaken as exc:
        fail(str(exc))


@click.command()
@click.option("--host", default=None, help="Bind address (default ABSAH_API_HOST).")
@click.option("--port", default=None, type=int, help="Port (default ABSAH_API_PORT).")
@click.option("--workers", default=1, show_default=True, help="Uvicorn worker processes.")
def api(host: str | None, port: int | None, workers: int) -> None:
    """The HTTP API only (needs ABSAH_BROKER_URL)."""
    import uvicorn

    from absah.run import PortTaken, ensure_port_free, server_options

    settings = load_settings()
    if not settings.broker_url:
        fail("ABSAH_BROKER_URL is not set; `absah run` starts a private Redis for you")
    check_catalogs(settings)
    try:
        ensure_port_free(host or settings.api_host, port or settings.api_port)
    except PortTaken as exc:
        fail(str(exc))
    uvicorn.run(
        "absah.asgi:create",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        log_config=None,  # absah.asgi:create configures JSON or text logs
        **server_options(settings),
    )


@click.command()
@click.option("--concurrency", "-c", default=None, type=int, help="Worker processes.")
@click.option("--beat", is_flag=True, help="Also run the periodic sweeper in this worker.")
@click.option(
    "--queues",
    type=click.Choice(["all", "checks", "ocr"]),
    default="all",
    show_default=True,
    help="checks: documents, webhooks and the sweeper; ocr: scanned pages only (its own "
    "workers, so photos never wait behind OCR); all: both, for a single worker.",
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.option(
    "--restart/--no-restart",
    default=True,
    show_default=True,
    help="Start the Celery worker again when it ends by itself (a broker lost at an unlucky "
    "moment can end it); --no-restart where something else restarts it (absah run does).",
)
def worker(concurrency: int | None, beat: bool, queues: str, loglevel: str, restart: bool) -> None:
    """A Celery worker (prefork) that checks documents."""
    settings = load_settings()
    if not settings.broker_url:
        fail("ABSAH_BROKER_URL is not set")
    check_catalogs(settings)
    if restart:
        supervise_worker(settings, concurrency, beat, queues, loglevel)
    else:
        run_worker(settings, concurrency, beat, queues, loglevel)


def supervise_worker(
    settings: Settings, concurrency: int | None, beat: bool, queues: str, loglevel: str
) -> None:
    """This same command with --no-restart as a child, started again with backoff when it dies
    or fails; SIGTERM or Ctrl-C stops it warm (running checks finish, up to their hard limit),
    a second one cold. It is not started again when it ends with code 0 (a remote shutdown)
    or fails within 10 s of its first start (a setting to fix): this command exits with it."""
    from absah.supervise import Supervisor, part
    from infra.queue import ocr_time_limit

    args = ["worker", "--no-restart", "--queues", queues, "--loglevel", loglevel]
    args += ["--concurrency", str(concurrency)] if concurrency else []
    args += ["--beat"] if beat else []
    longest = settings.task_time_limit if queues == "checks" else ocr_time_limit(settings)
    celery = part(
        "worker",
        args,
        dict(os.environ),
        stop_timeout=longest + 30,
        hurry=signal.SIGQUIT,
        done_when_ok=True,
    )
    code = Supervisor([celery], fail_fast=10.0).run()
    if code:
        sys.exit(code)


def run_worker(
    settings: Settings, concurrency: int | None, beat: bool, queues: str, loglevel: str
) -> None:
    from infra.queue import worker_queues
    from worker.app import create_celery

    worker_logging(settings, "worker")
    app = create_celery(settings)
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        "--pool=prefork",
        "-Q",
        ",".join(worker_queues(settings, queues)),
        "--without-gossip",
        "--without-mingle",
    ]
    workers = concurrency or (settings.ocr_concurrency if queues == "ocr" else None)
    workers = workers or settings.worker_concurrency
    if workers:
        argv.append(f"--concurrency={workers}")
    if beat:
        settings.ensure_data_dir()
        argv += ["--beat", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    app.worker_main(argv=argv)


@click.command()
def beat() -> None:
    """The periodic scheduler alone (the sweeper); run exactly one per deployment."""
    from worker.app import create_celery

    settings = load_settings()
    if not settings.broker_url:
        fail("ABSAH_BROKER_URL is not set")
    settings.ensure_data_dir()
    worker_logging(settings, "beat")
    app = create_celery(settings)
    app.start(
        argv=["beat", "--loglevel=INFO", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    )
