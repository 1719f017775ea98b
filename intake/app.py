"""The FastAPI application, built from settings by create_app (nothing at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from infra.settings import Settings
from intake.errors import (
    COMMON_ERRORS,
    ApiError,
    api_error_handler,
    data_error_handler,
    database_error_handler,
    http_error_handler,
    validation_error_handler,
)
from intake.routes import (
    batches,
    catalog,
    documents,
    exports,
    health,
    metrics,
    review,
    submissions,
    units,
    uploads,
    webhooks,
)
from intake.runtime import ApiRuntime
from intake.web.site import install_pages


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
        responses=COMMON_ERRORS,
    )
    app.state.runtime = rt
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(HTTPException, http_error_handler)  # 404, 405, unreadable JSON
    app.add_exception_handler(DataError, data_error_handler)  # e.g. a NUL in any parameter
    app.add_exception_handler(OperationalError, database_error_handler)
    routers = (health, metrics, documents, batches, uploads, submissions, catalog, units, webhooks)
    for module in (*routers, review, exports):  # the verifiers' workspace
        app.include_router(module.router)
    app.webhooks.include_router(webhooks.events)  # OpenAPI: what absah POSTs to a webhook
    install_pages(app, settings)  # the verifiers' web pages under /ui (after the error handlers)
    return app
