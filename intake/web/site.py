"""Wiring the verifier pages into the app: session cookie, static CSS, routes, error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from infra.settings import Settings
from intake.web import files, matrix, queue, signin, submission, unggah, unggah_api
from intake.web.render import install_error_pages
from intake.web.session import add_session_middleware

STATIC = Path(__file__).resolve().parent.parent / "static"


def install_pages(app: FastAPI, settings: Settings) -> None:
    """Call after the API's exception handlers are in place (the pages wrap them)."""
    add_session_middleware(app, settings)
    install_error_pages(app)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    for module in (signin, queue, submission, matrix, files, unggah, unggah_api):
        app.include_router(module.router)
