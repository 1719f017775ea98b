"""ASGI factory for uvicorn: settings from the environment, app built on call."""

from __future__ import annotations

from fastapi import FastAPI

from infra.logs import configure_logging
from infra.settings import Settings
from intake.app import create_app


def create() -> FastAPI:
    settings = Settings()
    configure_logging(settings, process="api")
    return create_app(settings)
