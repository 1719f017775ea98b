"""The issuer registry as a worker process sees it: read once, kept for a short while.

Every decree check needs every active unit's issuer names (to spot a decree of another unit);
reading them from the database for each file was one query per check on the hot path. The
registry changes rarely (`absah units import`), so a process keeps it for `max_age` seconds, and
reads it again at once when the unit being checked is not in it (a unit registered a moment ago).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.units import issuer_registry

Registry = tuple[dict[str, str], dict[str, tuple[str, ...]]]  # names, issuer names by unit code


class IssuerCache:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        max_age: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._registry: Registry | None = None
        self._read_at = 0.0
        self.reads = 0  # how many times the database was asked (tests read it)

    def for_unit(self, unit_code: str) -> Registry:
        """The registry, fresh enough, and holding `unit_code` if the database does."""
        with self._lock:
            registry = self._registry
            stale = registry is None or self._clock() - self._read_at > self._max_age
            if stale or (registry is not None and unit_code not in registry[0]):
                registry = self._read()
            assert registry is not None
            return registry

    def _read(self) -> Registry:
        with transaction(self._sessions) as session:
            registry = issuer_registry(session)
        self._registry, self._read_at = registry, self._clock()
        self.reads += 1
        return registry
