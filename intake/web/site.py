"""Wiring the pages (verifiers, operators, admins) into the app: session cookie, static CSS,
routes, error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from infra.settings import Settings
from intake.web import (
    accounts,
    changes,
    files,
    matrix,
    oidc,
    profile,
    queue,
    second_factor,
    signin,
    submission,
    unggah,
    unggah_api,
)
from intake.web.render import install_error_pages
from intake.web.session import add_session_middleware

STATIC = Path(__file__).resolve().parent.parent / "static"


def install_pages(app: FastAPI, settings: Settings) -> None:
    """Call after the API's exception handlers are in place (the pages wrap them)."""
    add_session_middleware(app, settings)
    install_error_pages(app)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    for module in (signin, second_factor, oidc, profile, unggah, unggah_api, accounts):
        app.include_router(module.router)
    for module in (queue, submission, changes, matrix, files):
        app.include_router(module.router)
