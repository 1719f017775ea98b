"""ASGI factory for uvicorn: settings from the environment, app built on call."""

from __future__ import annotations

from fastapi import FastAPI

from absah.memory import keep_freed_buffers
from infra.logs import configure_logging
from infra.settings import Settings
from intake.app import create_app


def create() -> FastAPI:
    keep_freed_buffers()  # every API process, however uvicorn was started
    settings = Settings()
    configure_logging(settings, process="api")
    return create_app(settings)
