"""The banner on the verifier pages while documents are re-checked under a changed catalog."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from infra.reverify import schedules, stale_counts
from intake.runtime import ApiRuntime
from rules.catalogs import CatalogSet

log = logging.getLogger(__name__)
FRESH_SECONDS = 5.0  # pages come often; the count may lag a few seconds
_seen: dict[int, tuple[float, Reverifying | None]] = {}


@dataclass(frozen=True)
class Reverifying:
    remaining: int
    versions: tuple[str, ...]

    @property
    def text(self) -> str:
        return (
            f"Pemeriksaan ulang sedang berjalan: {self.remaining} dokumen diperiksa ulang dengan "
            "aturan katalog yang baru; status dapat berubah."
        )


def reverifying(session: Session, catalogs: CatalogSet) -> Reverifying | None:
    """Documents waiting for a scheduled re-verification (None: nothing is being re-checked)."""
    marked = schedules(session)
    counts = {v: n for v, n in stale_counts(session, catalogs).items() if v in marked}
    if not counts:
        return None
    return Reverifying(sum(counts.values()), tuple(sorted(counts)))


def banner(request: Request) -> Reverifying | None:
    """For a page: cached a few seconds; a database that does not answer shows no banner."""
    rt: ApiRuntime | None = getattr(request.app.state, "runtime", None)
    if rt is None:
        return None
    now = time.monotonic()
    at, value = _seen.get(id(rt), (0.0, None))
    if now - at < FRESH_SECONDS and id(rt) in _seen:
        return value
    try:
        session: Session | None = getattr(request.state, "db_session", None)
        if session is not None and session.is_active:
            value = reverifying(session, rt.catalogs)
        else:
            with rt.sessions() as own:
                value = reverifying(own, rt.catalogs)
    except Exception:  # the page itself may be the error page of that outage
        log.debug("re-verification banner unavailable", exc_info=True)
        value = None
    _seen[id(rt)] = (now, value)
    return value
