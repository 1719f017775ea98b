"""The office's clock: pages and findings tell days and times in WIB (UTC+7), stored moments are
UTC. One place, so a finding's "uploaded on" and the page's date of the same file agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def office_day(moment: datetime | None) -> str | None:
    """The day (ISO, YYYY-MM-DD) a stored moment falls on in WIB; a naive moment is UTC (as
    SQLite returns them)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(WIB).date().isoformat()
