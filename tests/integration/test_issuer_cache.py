"""The worker's issuer registry: read once for many checks, again when it is old or lacks the
unit being checked (registered a moment ago), so no decree is judged against a stale registry
of its own unit."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.units import UnitRow, apply_units
from worker.issuers import IssuerCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def add_kota(sessions: sessionmaker[Session], code: str, name: str) -> None:
    with transaction(sessions) as session:
        apply_units(session, [UnitRow(code, name, "kota", "16")])


def test_the_registry_is_read_once_then_again_when_old_or_missing_the_unit(
    sqlite_settings: Settings, sessions_for: Callable[[Settings], sessionmaker[Session]]
) -> None:
    sessions = sessions_for(sqlite_settings)
    clock = Clock()
    cache = IssuerCache(sessions, max_age=30, clock=clock)
    names, issuers = cache.for_unit("1671")  # Kota Palembang, seeded
    assert "1671" in names
    assert issuers["1671"]
    for _ in range(50):
        cache.for_unit("1671")
    assert cache.reads == 1

    add_kota(sessions, "T0C0FFEE", "Kota Uji Cache")
    names, issuers = cache.for_unit("T0C0FFEE")  # not in what was read: read again at once
    assert cache.reads == 2
    assert names["T0C0FFEE"] == "Kota Uji Cache"
    assert any("UJI CACHE" in n.upper() for n in issuers["T0C0FFEE"])

    add_kota(sessions, "T0BEEF00", "Kota Uji Lain")
    cache.for_unit("1671")  # still fresh: another unit's arrival is seen when it is old
    assert cache.reads == 2
    clock.now += 31
    names, _ = cache.for_unit("1671")
    assert cache.reads == 3
    assert "T0BEEF00" in names


def test_a_unit_without_issuers_is_known_and_does_not_reread_the_registry(
    sqlite_settings: Settings, sessions_for: Callable[[Settings], sessionmaker[Session]]
) -> None:
    """A UPT has no registered issuer: it is in the registry's names, so checking its files
    does not read the registry again for each one (it did, once per check)."""
    sessions = sessions_for(sqlite_settings)
    with transaction(sessions) as session:
        apply_units(session, [UnitRow("T0DEC0DE", "Lapas Uji", "lapas", "16")])
    cache = IssuerCache(sessions, max_age=30, clock=Clock())
    for _ in range(20):
        names, issuers = cache.for_unit("T0DEC0DE")
    assert cache.reads == 1
    assert names["T0DEC0DE"] == "Lapas Uji"
    assert "T0DEC0DE" not in issuers
