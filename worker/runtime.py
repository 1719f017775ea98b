"""What a worker process needs, built lazily in each process (never at import, never pre-fork)."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory
from infra.queue import create_sender
from infra.settings import Settings
from infra.storage import ObjectStore, create_store
from rules.catalogs import CatalogSet, load_catalogs
from worker.issuers import IssuerCache
from worker.limits import ExtractLimits

log = logging.getLogger(__name__)


class WorkerRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        return create_db_engine(self.settings)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return create_session_factory(self.engine)

    @cached_property
    def store(self) -> ObjectStore:
        return create_store(self.settings)

    @cached_property
    def catalogs(self) -> CatalogSet:
        return load_catalogs(site=self.settings.catalog_dir)

    @cached_property
    def sender(self) -> Any:
        """Sends messages by task name (webhook deliveries, after the verdict's commit)."""
        return create_sender(self.settings)

    @cached_property
    def issuers(self) -> IssuerCache:
        return IssuerCache(self.sessions)

    @cached_property
    def limits(self) -> ExtractLimits:
        s = self.settings
        return ExtractLimits(
            max_image_pixels=s.max_image_pixels,
            max_pdf_pages=s.max_pdf_pages,
            max_text_pages=s.max_text_pages,
            max_text_chars_per_page=s.max_text_chars_per_page,
            signature_trust_roots=s.signature_trust_roots,
        )

    def warm_up(self) -> None:
        """Build what the first task would otherwise pay for (catalogs, storage client, a
        database connection) when the child starts; a failure here is left to the task."""
        try:
            _ = self.catalogs, self.store
            with self.engine.connect():
                pass
        except Exception:
            log.warning("worker warm-up failed; the first task will retry", exc_info=True)

    def after_fork(self) -> None:
        """A forked child must not share the parent's connections: drop them."""
        if "engine" in self.__dict__:
            self.engine.dispose(close=False)
        for name in ("engine", "sessions", "store", "sender", "issuers"):
            self.__dict__.pop(name, None)
