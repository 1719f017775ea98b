"""What the API process holds: built once in create_app, never at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory
from infra.queue import create_sender
from infra.settings import Settings
from infra.storage import ObjectStore, create_store
from infra.tables import utcnow
from rules.catalogs import CatalogSet, load_catalogs


@dataclass
class ApiRuntime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    catalogs: CatalogSet
    sender: Any  # a Celery app that sends by task name
    started_at: datetime = field(default_factory=utcnow)  # readiness before the first sweep

    @classmethod
    def build(cls, settings: Settings) -> ApiRuntime:
        engine = create_db_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            store=create_store(settings),
            catalogs=load_catalogs(site=settings.catalog_dir),
            sender=create_sender(settings),
        )

    def close(self) -> None:
        self.engine.dispose()
