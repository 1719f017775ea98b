"""The office's day of a stored moment: WIB, so a finding's date matches the page's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from infra.days import office_day


def test_an_evening_upload_in_utc_is_the_next_day_in_wib() -> None:
    assert office_day(datetime(2026, 12, 4, 18, 14, tzinfo=UTC)) == "2026-12-05"
    assert office_day(datetime(2026, 12, 4, 16, 59, tzinfo=UTC)) == "2026-12-04"


def test_a_naive_moment_is_utc_as_sqlite_returns_it() -> None:
    assert office_day(datetime(2026, 12, 4, 17, 0)) == "2026-12-05"


def test_a_moment_in_another_zone_is_converted_and_none_stays_none() -> None:
    wita = timezone(timedelta(hours=8))
    assert office_day(datetime(2026, 12, 5, 0, 30, tzinfo=wita)) == "2026-12-04"
    assert office_day(None) is None
