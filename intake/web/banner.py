"""The banner on the verifier pages while documents are re-checked under a changed catalog."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.orm import Session

from infra.keys import Principal
from infra.reverify import Scope, schedules, stale_counts
from infra.tables import Unit
from intake.runtime import ApiRuntime
from intake.scope import visible_units
from rules.catalogs import CatalogSet

log = logging.getLogger(__name__)
FRESH_SECONDS = 5.0  # pages come often; the count may lag a few seconds


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


def reverifying(session: Session, catalogs: CatalogSet, viewer: Principal) -> Reverifying | None:
    """Documents of the viewer's units waiting for a scheduled re-verification (None: nothing
    of theirs is being re-checked)."""
    marked = schedules(session)
    scope = Scope(units=sa.select(Unit.code).where(visible_units(viewer)))
    counts = {v: n for v, n in stale_counts(session, catalogs, scope).items() if v in marked}
    if not counts:
        return None
    return Reverifying(sum(counts.values()), tuple(sorted(counts)))


def banner(request: Request, viewer: Principal) -> Reverifying | None:
    """For a page: cached a few seconds per viewer (on the app, so another app never sees it);
    a database that does not answer shows no banner."""
    rt: ApiRuntime | None = getattr(request.app.state, "runtime", None)
    if rt is None:
        return None
    seen: dict[str, tuple[float, Reverifying | None]] = request.app.state.__dict__.setdefault(
        "reverify_banners", {}
    )
    now = time.monotonic()
    key = viewer.owner_id or ""
    if key in seen and now - seen[key][0] < FRESH_SECONDS:
        return seen[key][1]
    try:
        session: Session | None = getattr(request.state, "db_session", None)
        if session is not None and session.is_active:
            value = reverifying(session, rt.catalogs, viewer)
        else:
            with rt.sessions() as own:
                value = reverifying(own, rt.catalogs, viewer)
    except Exception:  # the page itself may be the error page of that outage
        log.debug("re-verification banner unavailable", exc_info=True)
        value = None
    seen[key] = (now, value)
    return value
