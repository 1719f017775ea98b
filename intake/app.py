"""The FastAPI application, built from settings by create_app (nothing at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from infra.settings import Settings
from intake.errors import ApiError, api_error_handler, validation_error_handler
from intake.routes import batches, catalog, documents, health, submissions, units, uploads
from intake.runtime import ApiRuntime


def create_app(settings: Settings, runtime: ApiRuntime | None = None) -> FastAPI:
    rt = runtime or ApiRuntime.build(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        rt.close()

    app = FastAPI(
        title="Absah",
        version="0.1.0",
        summary="Penerimaan dan verifikasi data dukung HAM · Intake and verification of "
        "human-rights evidence",
        lifespan=lifespan,
    )
    app.state.runtime = rt
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    for module in (health, documents, batches, uploads, submissions, catalog, units):
        app.include_router(module.router)
    return app
