"""The sweeper forgets page sessions long over and sign-in failures too old to matter; live
sessions and failures that still count towards a lockout stay."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory, transaction
from infra.settings import Settings
from infra.tables import SignInFailure, WebSession, utcnow
from worker.runtime import WorkerRuntime
from worker.sweeper import prune_old_records, sweep


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest) -> Settings:
    name = "sqlite_settings" if request.param == "sqlite" else "own_pg_settings"
    value: Settings = request.getfixturevalue(name)
    return value


def add_session(sessions: sessionmaker[Session], **times: Any) -> str:
    now = utcnow()
    values: dict[str, Any] = {
        "created_at": now - timedelta(days=40),
        "last_seen_at": now - timedelta(days=40),
        "expires_at": now + timedelta(hours=8),
        **times,
    }
    row = WebSession(id=secrets.token_hex(32), **values)
    with transaction(sessions) as session:
        session.add(row)
    return row.id


def test_old_sessions_and_failures_go_live_ones_stay(settings: Settings) -> None:
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    now = utcnow()
    live = add_session(sessions)
    ended_lately = add_session(sessions, ended_at=now - timedelta(days=2), end_reason="signed_out")
    ended_long_ago = add_session(
        sessions, ended_at=now - timedelta(days=31), end_reason="signed_out"
    )
    expired_long_ago = add_session(sessions, expires_at=now - timedelta(days=31))
    with transaction(sessions) as session:
        session.add(SignInFailure(username="budi", at=now - timedelta(minutes=5)))
        session.add(SignInFailure(username="budi", at=now - timedelta(minutes=31)))
    rt = WorkerRuntime(settings)
    assert prune_old_records(rt) == 3
    with transaction(sessions) as session:
        left = set(session.scalars(sa.select(WebSession.id)))
        failures = session.scalars(sa.select(SignInFailure.at)).all()
    assert left == {live, ended_lately}
    assert ended_long_ago not in left
    assert expired_long_ago not in left
    assert len(failures) == 1  # the recent one still counts towards a lockout
    assert prune_old_records(rt) == 0
    engine.dispose()
    rt.engine.dispose()


def test_the_sweep_prunes_them(settings: Settings) -> None:
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    gone = add_session(sessions, ended_at=utcnow() - timedelta(days=45), end_reason="idle")
    rt = WorkerRuntime(settings)
    sweep(rt, rt.sender)
    with transaction(sessions) as session:
        assert session.get(WebSession, gone) is None
    engine.dispose()
    rt.engine.dispose()
