"""Fixtures on PostgreSQL and on SQLite: `settings` for either backend, and the verifiers'
workspace."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infra.db import create_db_engine, create_session_factory
from infra.queue import create_sender
from infra.settings import Settings
from infra.storage import create_store
from intake.app import create_app
from intake.runtime import ApiRuntime
from rules.catalogs import CatalogSet, load_catalogs
from tests.support.workspace import Workspace


@pytest.fixture(scope="session")
def catalogs() -> CatalogSet:
    """Loaded once: validating every catalog takes a noticeable part of a second."""
    return load_catalogs()


@pytest.fixture(params=["postgres+s3", "sqlite+local"])
def settings(request: pytest.FixtureRequest) -> Settings:
    """PostgreSQL and S3 (the session's shared database), then SQLite and a local object
    folder. A module whose tests need a database of their own defines its own `settings`."""
    name = "pg_settings" if request.param == "postgres+s3" else "sqlite_settings"
    value: Settings = request.getfixturevalue(name)
    return value


@pytest.fixture
def ws_overrides() -> dict[str, Any]:
    """Settings a test module changes for its workspace (parametrize `ws_overrides`)."""
    return {}


@pytest.fixture(params=["postgresql", "sqlite"])
def ws(
    request: pytest.FixtureRequest, catalogs: CatalogSet, ws_overrides: dict[str, Any]
) -> Iterator[Workspace]:
    """A region of the test's own with an admin and a verifier key and a verifier account,
    over the in-process API."""
    fixture = {"postgresql": "pg_settings", "sqlite": "sqlite_settings"}[request.param]
    settings: Settings = request.getfixturevalue(fixture)
    settings = settings.model_copy(update={"office_name": "Kanwil Uji Absah", **ws_overrides})
    engine = create_db_engine(settings)
    runtime = ApiRuntime(
        settings=settings,
        engine=engine,
        sessions=create_session_factory(engine),
        store=create_store(settings),
        catalogs=catalogs,
        sender=create_sender(settings),
    )
    with TestClient(create_app(settings, runtime)) as client:  # closes the engine at exit
        yield Workspace(settings, runtime.sessions, client, catalogs)
