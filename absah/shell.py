"""What every command shares: settings from the environment, failing with a message, catalogs
checked at start, Celery logging in our format."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from infra.settings import Settings


def load_settings() -> Settings:
    return Settings()


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"absah: {message}", err=True)
    sys.exit(code)


def check_catalogs(settings: Settings) -> None:
    """Fail at start, naming file and path, when a catalog (shipped or site) is wrong."""
    from rules.catalog import CatalogError
    from rules.catalogs import load_catalogs

    try:
        load_catalogs(site=settings.catalog_dir)
    except CatalogError as exc:
        fail(f"rule catalogs are not valid:\n{exc}")


def worker_logging(settings: Settings, process: str) -> None:
    """Our log format for Celery too: with a receiver here Celery leaves logging alone."""
    from celery.signals import setup_logging

    from infra.logs import configure_logging

    def configure(**_: object) -> None:
        configure_logging(settings, process=process)

    setup_logging.connect(configure, weak=False)
